// @ts-check
/**
 * `/db/_session`, CouchDB's sign-in and sign-out, as the guard handles it before the engine
 * (express-pouchdb or the proxied CouchDB) answers and sets or clears the cookie.
 */
import { CouchError } from '../errors.mjs';
import { isJsonRequest, readBody } from './requestBody.mjs';

/** A sign-in body is a name and a password: anything larger is not one. */
const MAX_SIGN_IN_BYTES = 16 * 1024;

/**
 * @param {{
 *   attemptSignIn: ReturnType<typeof import('../identity.mjs').createIdentity>['attemptSignIn'],
 *   sessions?: import('../sessions.mjs').SessionEnds,
 * }} deps
 */
export function createSessionRoute({ attemptSignIn, sessions }) {
  /**
   * POST /db/_session: refused (one message for every failure) while the account or the
   * address is locked; the password is checked here so failures can be counted, then the
   * request goes on to express-pouchdb / CouchDB, which sets the cookie.
   * @param {import('express').Request} req
   * @param {import('express').Response} res
   * @param {import('express').NextFunction} next
   * @param {string} address
   */
  async function signIn(req, res, next, address) {
    const raw = await readBody(req, MAX_SIGN_IN_BYTES);
    /** @type {Record<string, unknown>} */
    let body = {};
    const type = String(req.headers['content-type'] ?? '');
    try {
      if (isJsonRequest(req)) body = JSON.parse(raw.toString('utf8') || '{}');
      else if (/^application\/x-www-form-urlencoded\b/i.test(type)) body = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
    } catch {
      throw new CouchError(400, 'bad_request', 'invalid_json');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) body = {};
    const name = typeof body.name === 'string' ? body.name : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const ctx = await attemptSignIn(res, name, password, address);
    if (!ctx) return; // refused and answered
    // Not within the second its sessions were ended: the new cookie would count as ended.
    await sessions?.waitPastEnd(ctx.name ?? name);
    // Hand the body on: express-pouchdb's body parsers skip a parsed request (req._body), the
    // proxy sends req.rawBody.
    Object.assign(req, { body, _body: true, rawBody: raw });
    next();
  }

  /**
   * Any other method on /db/_session goes on to the engine; signing out (DELETE) first ends
   * the account's sessions, every copy of the cookie (../sessions.mjs).
   * @param {import('express').Request} req
   * @param {import('express').Response} res
   * @param {import('express').NextFunction} next
   * @param {string} address
   * @param {{ name: string | null }} user
   */
  async function handle(req, res, next, address, user) {
    if (req.method === 'POST') return signIn(req, res, next, address);
    if (req.method === 'DELETE' && user.name !== null && sessions) await sessions.end(user.name);
    return next();
  }

  return { handle, signIn };
}
