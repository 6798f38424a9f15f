// @ts-check
/** Errors in CouchDB's shape ({ error, reason }) and the JSON answers the backend sends. */

export class CouchError extends Error {
  /**
   * @param {number} status
   * @param {string} error CouchDB's error name: not_found, conflict, forbidden, unauthorized, …
   * @param {string} reason
   * @param {Record<string, unknown>} [extra] more fields for the answer (rule, field, messageId)
   */
  constructor(status, error, reason, extra = {}) {
    super(reason);
    this.name = 'CouchError';
    this.status = status;
    this.error = error;
    this.reason = reason;
    this.extra = extra;
  }

  toJSON() {
    return { error: this.error, reason: this.reason, ...this.extra };
  }
}

/**
 * Turns whatever PouchDB, fetch or our code threw into a CouchError.
 * @param {unknown} err
 * @returns {CouchError}
 */
export function toCouchError(err) {
  if (err instanceof CouchError) return err;
  const e = /** @type {{ status?: number, name?: string, error?: unknown, message?: string, reason?: string }} */ (err ?? {});
  const status = typeof e.status === 'number' && e.status >= 400 ? e.status : 500;
  const name = typeof e.error === 'string' ? e.error : e.name && e.name !== 'Error' ? e.name : 'internal_error';
  return new CouchError(status, name, String(e.reason ?? e.message ?? 'unknown error'));
}

/**
 * @param {import('express').Response} res
 * @param {number} status
 * @param {unknown} body
 */
export function sendJson(res, status, body) {
  res.status(status);
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify(body) + '\n');
}

/**
 * Refusals of the guard: 401 for someone not signed in, 403 for someone signed in.
 * @param {import('express').Response} res
 * @param {{ name: string | null }} user
 * @param {string} rule
 * @param {string} reason
 */
export function refuse(res, user, rule, reason) {
  const status = user.name ? 403 : 401;
  sendJson(res, status, { error: status === 401 ? 'unauthorized' : 'forbidden', reason, rule });
}
