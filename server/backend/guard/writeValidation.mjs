// @ts-check
/**
 * The check of each document a member writes, and the store of those that pass: first the
 * shape the validator need not repeat (a JSON object with a plain string id, no design or local
 * id, attachments only on a photo), then `validateWrite` (src/db/validateWrite.ts, the check the
 * device runs too) with whether the id exists and, with ownership, what the database holds of
 * the request it names (../ownership.mjs). What passed is stored as server admin, in one
 * `_bulk_docs`.
 */
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { newDocumentId } from './writeRequest.mjs';

/** @typedef {import('../store.mjs').UserCtx} UserCtx */
/** @typedef {{ id: string, error: string, reason: string, rule?: string, status: number }} WriteRefusal */

/**
 * Shape checks the validator need not repeat (gives a document without `_id` one).
 * @param {unknown} d
 * @returns {WriteRefusal | null}
 */
export function shapeRefusal(d) {
  if (!d || typeof d !== 'object' || Array.isArray(d)) {
    return { id: '', error: 'bad_request', reason: 'Document must be a JSON object', status: 400 };
  }
  const doc = /** @type {Record<string, unknown>} */ (d);
  if (doc._id === undefined) doc._id = newDocumentId();
  if (typeof doc._id !== 'string' || doc._id === '') {
    return { id: '', error: 'bad_request', reason: '_id must be a non-empty string', status: 400 };
  }
  if (doc._id.startsWith('_')) {
    return { id: doc._id, error: 'forbidden', reason: 'Design and local documents are reserved for server admins.', rule: 'reserved-id', status: 403 };
  }
  // The one document that carries an attachment is a photo of a fault, inline and checked
  // whole by its write check (src/db/validatePhotoWrite.ts: type, size, count, no location).
  if (doc._attachments !== undefined && doc.docType !== 'photo') {
    return { id: doc._id, error: 'forbidden', reason: 'Attachments are not accepted (only on photos of a request).', rule: 'attachments', status: 403 };
  }
  return null;
}

/**
 * A refused verdict of validateWrite as a row: 401 and 500 kept, every other refusal 403.
 * @param {string} id
 * @param {unknown} verdict
 * @returns {WriteRefusal}
 */
export function verdictRefusal(id, verdict) {
  const v = /** @type {{ status?: number, rule?: string, reason?: string }} */ (verdict ?? {});
  const status = v.status === 401 ? 401 : v.status === 500 ? 500 : 403;
  return {
    id,
    error: status === 401 ? 'unauthorized' : status === 500 ? 'internal_error' : 'forbidden',
    reason: v.reason ?? 'Refused.',
    rule: v.rule ?? 'unknown',
    status,
  };
}

/** Fields the server sets on what it stores (the revision, its receipt time): not the writer's. */
const SERVER_FIELDS = new Set(['_rev', '_revisions', '_deleted', '_attachments', 'receivedAt']);

/** @param {Record<string, unknown>} doc */
function writerFields(doc) {
  return Object.fromEntries(Object.entries(doc).filter(([k]) => !SERVER_FIELDS.has(k)));
}

/**
 * The attachments as the store answers them (stubs with an md5 digest) or as sent (inline
 * base64 data), each reduced to its type and digest.
 * @param {unknown} attachments
 */
function attachmentDigests(attachments) {
  if (!attachments || typeof attachments !== 'object') return {};
  return Object.fromEntries(
    Object.entries(/** @type {Record<string, any>} */ (attachments)).map(([name, a]) => [
      name,
      {
        type: a?.content_type,
        digest: typeof a?.data === 'string' ? `md5-${createHash('md5').update(Buffer.from(a.data, 'base64')).digest('base64')}` : a?.digest,
      },
    ]),
  );
}

/**
 * Whether a document sent without a revision is the very one the database holds: the same
 * writer's fields and the same attachments (the server's own fields aside). A device sends an
 * event again when the answer to its first push was lost (the page was closed or navigated away
 * mid-push); CouchDB answers such a create `conflict`, and the device counts that as delivered.
 * A different document under a held id is a change, which the write check refuses.
 * @param {Record<string, unknown> | null | undefined} stored as the store answers it (include_docs)
 * @param {Record<string, unknown>} sent
 */
export function isResentCopy(stored, sent) {
  if (!stored || stored._deleted === true || sent._rev !== undefined || sent._deleted === true) return false;
  return isDeepStrictEqual(writerFields(stored), writerFields(sent)) && isDeepStrictEqual(attachmentDigests(stored._attachments), attachmentDigests(sent._attachments));
}

/**
 * @param {{
 *   store: import('../store.mjs').Store,
 *   validateWrite: import('../domain.mjs').ValidateWrite,
 *   ownership?: import('../ownership.mjs').Ownership,
 *   log: (msg: string) => void,
 * }} deps
 */
export function createWriteValidation({ store, validateWrite, ownership, log }) {
  /**
   * Runs validateWrite on each document not refused yet (filling `refusals` in), stores those
   * that pass, and returns the store's rows for them, in order.
   * @param {string} dbName
   * @param {import('../names.mjs').DatabaseKind} kind
   * @param {import('../domain.mjs').DocumentWriteInput['database']} database the kind with what the write check needs of it
   * @param {UserCtx} user
   * @param {unknown[]} docs
   * @param {(WriteRefusal | null)[]} refusals one per document
   */
  async function checkAndStore(dbName, kind, database, user, docs, refusals) {
    // One row per id: every row is checked against the database as it was before the batch, so
    // a second row of an id would pass as a creation while it changes the first (a device never
    // sends an id twice in one batch).
    const seen = new Set();
    docs.forEach((d, i) => {
      if (refusals[i]) return;
      const id = String(/** @type {any} */ (d)._id);
      if (!seen.has(id)) return void seen.add(id);
      refusals[i] = { id, error: 'forbidden', reason: 'This document appears more than once in the write; send each document once.', rule: 'duplicate-id', status: 403 };
    });
    const ids = docs.flatMap((d, i) => (refusals[i] ? [] : [String(/** @type {any} */ (d)._id)]));
    // Both look-ups below read the database as it stands from here on: one `_changes` read serves both.
    const began = performance.now();
    const existing = ownership ? await ownership.existingIds(dbName, [...new Set(ids)], began) : await store.existingIds(dbName, [...new Set(ids)]);
    await refuseResentCopies(dbName, docs, refusals, existing);
    const owned = ownership ? await ownership.prepare(dbName, kind, docs.filter((_, i) => !refusals[i]), user, began) : null;
    /** @type {unknown[]} */
    const toStore = [...docs];
    docs.forEach((d, i) => {
      if (refusals[i]) return;
      const doc = /** @type {Record<string, unknown>} */ (d);
      const id = String(doc._id);
      let verdict;
      try {
        const context = owned?.contextOf(doc);
        const approvedRevision = owned?.approvedRevisionOf(doc);
        verdict = validateWrite({
          database,
          doc,
          user: { name: user.name, roles: [...user.roles] },
          existing: existing.has(id),
          ...(context ? { context } : {}),
          ...(approvedRevision !== undefined ? { approvedRevision } : {}),
        });
        if (verdict?.ok === true && owned) toStore[i] = owned.accept(doc, verdict.event);
      } catch (err) {
        log(`[hearthline] validateWrite threw on ${dbName}/${id}: ${/** @type {Error} */ (err)?.stack ?? err}`);
        verdict = { ok: false, status: 500, rule: 'internal', reason: 'The write check failed; the document was not stored.' };
      }
      if (!verdict || verdict.ok !== true) refusals[i] = verdictRefusal(id, verdict);
    });

    const accepted = toStore.filter((_, i) => !refusals[i]);
    if (!accepted.length) return [];
    return ownership ? await ownership.store(dbName, /** @type {any[]} */ (accepted)) : await store.bulkDocs(dbName, /** @type {any[]} */ (accepted));
  }
  /**
   * A create (no `_rev`) of an id the database holds, whose document equals what it holds, is
   * answered `conflict` as CouchDB answers it, before the write check: the device's push takes
   * that row for "the server has it" (src/db/device/replication.ts). The write check would say
   * `never-changed`, and the device would set its own delivered event aside as refused.
   * @param {string} dbName
   * @param {unknown[]} docs
   * @param {(WriteRefusal | null)[]} refusals
   * @param {Set<string>} existing
   */
  async function refuseResentCopies(dbName, docs, refusals, existing) {
    const candidates = docs.flatMap((d, i) => {
      const doc = /** @type {Record<string, unknown>} */ (d);
      return !refusals[i] && doc._rev === undefined && existing.has(String(doc._id)) ? [i] : [];
    });
    if (!candidates.length) return;
    const keys = [...new Set(candidates.map((i) => String(/** @type {any} */ (docs[i])._id)))];
    const rows = await store.allDocs(dbName, { keys, include_docs: true });
    const held = new Map(rows.filter((r) => r?.doc).map((r) => [String(r.id), r.doc]));
    for (const i of candidates) {
      const doc = /** @type {Record<string, unknown>} */ (docs[i]);
      const id = String(doc._id);
      if (isResentCopy(held.get(id), doc)) refusals[i] = { id, error: 'conflict', reason: 'Document update conflict.', status: 409 };
    }
  }

  return { checkAndStore };
}
