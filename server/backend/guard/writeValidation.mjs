// @ts-check
/**
 * The check of each document a member writes, and the store of those that pass: first the
 * shape the validator need not repeat (a JSON object with a plain string id, no design or local
 * id, attachments only on a photo), then `validateWrite` (src/db/validateWrite.ts, the check the
 * device runs too) with whether the id exists and, with ownership, what the database holds of
 * the request it names (../ownership.mjs). What passed is stored as server admin, in one
 * `_bulk_docs`.
 */
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
    const ids = docs.flatMap((d, i) => (refusals[i] ? [] : [String(/** @type {any} */ (d)._id)]));
    const existing = await store.existingIds(dbName, [...new Set(ids)]);
    const owned = ownership ? await ownership.prepare(dbName, kind, docs.filter((_, i) => !refusals[i]), user) : null;
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
    return accepted.length ? await store.bulkDocs(dbName, /** @type {any[]} */ (accepted)) : [];
  }
  return { checkAndStore };
}
