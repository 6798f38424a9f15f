// @ts-check
/**
 * A member's write of documents (PUT/DELETE a document, POST to the database, POST
 * `_bulk_docs`), start to end: the documents read from the request (./writeRequest.mjs), each
 * checked (./writeValidation.mjs), what passed stored by the guard itself as server admin, the
 * followers woken (./wakeFollowers.mjs), and the answer. Single writes answer 401/403
 * `{ error, reason, rule }`; `_bulk_docs` answers 201 with a row per document in request order,
 * refused rows `{ id, error, reason, rule }`.
 */
import { sendJson } from '../errors.mjs';
import { createResidentStations } from './residentStations.mjs';
import { wakeAfterStored } from './wakeFollowers.mjs';
import { documentsOfWrite } from './writeRequest.mjs';
import { createWriteValidation, shapeRefusal } from './writeValidation.mjs';

/** @typedef {import('../store.mjs').UserCtx} UserCtx */
/** @typedef {import('../names.mjs').DatabaseKind} DatabaseKind */
/** @typedef {import('./writeValidation.mjs').WriteRefusal} WriteRefusal */

/**
 * @param {{
 *   store: import('../store.mjs').Store,
 *   validateWrite: import('../domain.mjs').ValidateWrite,
 *   ownership?: import('../ownership.mjs').Ownership,
 *   log: (msg: string) => void,
 *   onWrite: (dbName: string) => void,
 *   admission?: (dbName: string) => Promise<void>,
 *   maxWriteBytes: number,
 *   limits: import('./requestLimits.mjs').RequestLimits,
 * }} deps
 */
export function createDocumentWrites({ store, validateWrite, ownership, log, onWrite, admission = async () => {}, maxWriteBytes, limits }) {
  const { residentStation } = createResidentStations({ store });
  const { checkAndStore } = createWriteValidation({ store, validateWrite, ownership, log });

  /**
   * Runs the write check on each document, stores what passed, answers.
   * @param {import('express').Request} req
   * @param {import('express').Response} res
   * @param {string} dbName
   * @param {DatabaseKind} kind
   * @param {UserCtx} user
   * @param {import('./classifyRequest.mjs').DocumentWrite} what
   */
  async function write(req, res, dbName, kind, user, what) {
    const docs = await documentsOfWrite(req, res, user, what, { maxWriteBytes, limits });
    if (!docs) return; // refused and answered
    /** @type {(WriteRefusal | null)[]} */
    const refusals = docs.map(shapeRefusal);

    // A resident's requests must name the station of their community: it is in their profile.
    const database = kind.kind === 'resident' ? { ...kind, ...(await residentStation(dbName)) } : kind;
    // Checked and stored one write at a time per database: the ownership and quota rules read
    // what the database holds (../ownership.mjs).
    const run = () => checkAndStore(dbName, kind, database, user, docs, refusals);
    // While the router is behind the writes, a write waits for it (at most a moment): see
    // router.admission(). Before the database's lock, so a held write holds up no other.
    await admission(dbName);
    const stored = ownership ? await ownership.exclusive(dbName, run) : await run();
    wakeAfterStored(onWrite, dbName, stored);
    return answerWrite(res, what, docs, refusals, stored);
  }
  return { write };
}

/**
 * The answer to a write: the rows in request order (refusals where refused, the store's rows
 * for the rest), as `_bulk_docs` answers, or the one row as a single write's status and body.
 * @param {import('express').Response} res
 * @param {import('./classifyRequest.mjs').DocumentWrite} what
 * @param {unknown[]} docs
 * @param {(WriteRefusal | null)[]} refusals
 * @param {any[]} stored the store's rows for the documents not refused, in order
 */
function answerWrite(res, what, docs, refusals, stored) {
  let next = 0;
  const rows = docs.map((_, i) => {
    const r = refusals[i];
    if (r) {
      const { status: _status, ...row } = r;
      return row;
    }
    return stored[next++] ?? { id: String(/** @type {any} */ (docs[i])._id), error: 'internal_error', reason: 'no result' };
  });

  if (what.op === 'bulk') return sendJson(res, 201, rows);
  const row = /** @type {any} */ (rows[0]);
  if (row.ok) {
    res.setHeader('ETag', `"${row.rev}"`);
    return sendJson(res, what.op === 'delete' ? 200 : 201, { ok: true, id: row.id, rev: row.rev });
  }
  const refusal = refusals[0];
  const status =
    refusal?.status ??
    ({ conflict: 409, forbidden: 403, unauthorized: 401, bad_request: 400, not_found: 404 })[/** @type {string} */ (row.error)] ??
    500;
  const { id: _id, ...answer } = row;
  return sendJson(res, status, answer);
}
