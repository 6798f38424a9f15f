// @ts-check
/**
 * The documents a member's write asks to store, read from the request: the JSON body of a
 * `_bulk_docs`, a `PUT` or a `POST`, or the deletion a `DELETE` stands for. Refused here before
 * any document is looked at: `new_edits=false` (trap 8: it would let a client write any
 * revision history), a body that is not JSON (multipart means attachments), over the size limit,
 * a `_bulk_docs` of more documents than the limit.
 */
import { randomUUID } from 'node:crypto';
import { refuse, sendJson } from '../errors.mjs';
import { isJsonRequest, readLimitedBody } from './requestBody.mjs';
import { checkBulkCount } from './requestLimits.mjs';

/** A new document id where the client sent none, as CouchDB makes them (32 hex digits). */
export const newDocumentId = () => randomUUID().replace(/-/g, '');

/**
 * @param {import('express').Request} req
 * @param {import('express').Response} res
 * @param {import('../store.mjs').UserCtx} user
 * @param {import('./classifyRequest.mjs').DocumentWrite} what
 * @param {{ maxWriteBytes: number, limits: import('./requestLimits.mjs').RequestLimits }} bounds
 * @returns {Promise<unknown[] | null>} the documents, as sent; null when refused (and answered)
 */
export async function documentsOfWrite(req, res, user, what, { maxWriteBytes, limits }) {
  const query = new URLSearchParams(req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '');
  if (query.get('new_edits') === 'false') {
    refuse(res, user, 'new-edits', 'new_edits=false is reserved for server admins.');
    return null;
  }
  /** @type {any} */
  let body;
  if (what.op !== 'delete') {
    if (!isJsonRequest(req)) {
      if (/^multipart\//i.test(String(req.headers['content-type'] ?? ''))) {
        refuse(res, user, 'attachments', 'Attachments are not accepted.');
        return null;
      }
      sendJson(res, 415, { error: 'bad_content_type', reason: 'Content-Type must be application/json' });
      return null;
    }
    const raw = await readLimitedBody(req, maxWriteBytes);
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      sendJson(res, 400, { error: 'bad_request', reason: 'invalid_json' });
      return null;
    }
  }

  if (what.op === 'bulk') {
    if (!body || typeof body !== 'object' || !Array.isArray(body.docs)) {
      sendJson(res, 400, { error: 'bad_request', reason: 'POST body must include `docs` parameter.' });
      return null;
    }
    if (body.new_edits === false) {
      refuse(res, user, 'new-edits', 'new_edits=false is reserved for server admins.');
      return null;
    }
    checkBulkCount(body.docs, limits);
    return body.docs;
  }
  if (what.op === 'delete') {
    const rev = query.get('rev') ?? String(req.headers['if-match'] ?? '').replace(/"/g, '');
    return [{ _id: what.id, ...(rev ? { _rev: rev } : {}), _deleted: true }];
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    sendJson(res, 400, { error: 'bad_request', reason: 'Document must be a JSON object' });
    return null;
  }
  if (what.op === 'put') {
    if (body._id !== undefined && body._id !== what.id) {
      sendJson(res, 400, { error: 'bad_request', reason: 'Document id must match the id in the URL' });
      return null;
    }
    body._id = what.id;
    const rev = query.get('rev');
    if (rev && body._rev === undefined) body._rev = rev;
  } else if (body._id === undefined) {
    body._id = newDocumentId();
  }
  return [body];
}
