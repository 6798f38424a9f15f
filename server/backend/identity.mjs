// @ts-check
/**
 * Who is asking: Basic credentials (checked, counted as a sign-in and rate-limited) or the
 * AuthSession cookie, else nobody. The /db guard and the admin-only endpoints outside /db
 * (`/api/router/health`, the admin API) resolve the user the same way.
 */
import basicAuth from 'basic-auth';
import { parse as parseCookies } from 'cookie';
import { sendJson } from './errors.mjs';
import { SIGN_IN_REFUSED } from './signinLimiter.mjs';

/** @typedef {import('./store.mjs').Store} Store */
/** @typedef {import('./store.mjs').UserCtx} UserCtx */

/** Nobody signed in (never mutated). */
export const ANONYMOUS = /** @type {UserCtx} */ (Object.freeze({ name: null, roles: [] }));

/**
 * @param {string | undefined} header
 * @param {string} name
 */
export function readCookie(header, name) {
  // The `cookie` package's reader (RFC 6265); values as sent, not URI-decoded (CouchDB's own).
  return header ? parseCookies(header, { decode: (s) => s })[name] : undefined;
}

/**
 * @param {{ store: Store, limiter: import('./signinLimiter.mjs').SharedSignInLimiter }} deps
 */
export function createIdentity({ store, limiter }) {
  /**
   * One sign-in attempt by name and password (Basic credentials or `POST /db/_session`),
   * rate-limited by the sign-in limiter: refused unchecked while the account (on this network)
   * or the network is paused, counted when wrong. Every refusal is the same answer (no account
   * enumeration), answered here; returns null then.
   * @param {import('express').Response} res
   * @param {string} name
   * @param {string} password
   * @param {string} address
   * @returns {Promise<UserCtx | null>}
   */
  async function attemptSignIn(res, name, password, address) {
    const wait = await limiter.retryAfter(name, address);
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      sendJson(res, 401, SIGN_IN_REFUSED);
      return null;
    }
    const ctx = await store.verifyPassword(name, password);
    if (!ctx) {
      await limiter.recordFailure(name, address);
      sendJson(res, 401, SIGN_IN_REFUSED);
      return null;
    }
    await limiter.recordSuccess(name, address);
    return ctx;
  }

  /**
   * Who is asking: Basic credentials (checked, counted, rate-limited) or the session cookie.
   * Answers the refusal itself and returns null when Basic credentials fail.
   * @param {import('express').Request} req
   * @param {import('express').Response} res
   * @param {string} address
   * @returns {Promise<UserCtx | null>}
   */
  async function resolveUser(req, res, address) {
    const creds = req.headers.authorization ? basicAuth(req) : undefined;
    if (creds) return attemptSignIn(res, creds.name, creds.pass, address);
    const cookie = readCookie(req.headers.cookie, 'AuthSession');
    if (!cookie) return ANONYMOUS;
    const user = await store.sessionFromCookie(cookie);
    if (user) return user;
    // An expired, forged or ended session (sessions.mjs): whatever handles the request next
    // (express-pouchdb, the proxied CouchDB) must not see the cookie, or it would take it for a
    // session and hand out a renewed one.
    req.headers.cookie = String(req.headers.cookie)
      .split(/;\s*/)
      .filter((c) => !c.startsWith('AuthSession='))
      .join('; ');
    if (req.headers.cookie === '') delete req.headers.cookie;
    return ANONYMOUS;
  }
  return { resolveUser, attemptSignIn };
}

/**
 * Lets only server admins through (Basic credentials, rate-limited like every sign-in, or an
 * admin's session cookie): for what the public must not read, such as the router's health
 * (database counts, events held for accounts that do not exist yet).
 * @param {{ store: Store, limiter: import('./signinLimiter.mjs').SharedSignInLimiter }} deps
 * @returns {import('express').RequestHandler}
 */
export function adminOnly(deps) {
  const { resolveUser } = createIdentity(deps);
  return (req, res, next) => {
    const address = req.ip ?? req.socket.remoteAddress ?? '';
    resolveUser(req, res, address)
      .then((user) => {
        if (!user) return; // refused and answered
        if (user.roles.includes('_admin')) return next();
        res.setHeader('Cache-Control', 'no-store');
        if (user.name === null) {
          return sendJson(res, 401, { error: 'unauthorized', reason: 'Only server admins can read this: sign in with the admin name and password.', rule: 'admin-only' });
        }
        sendJson(res, 403, { error: 'forbidden', reason: 'Only server admins can read this.', rule: 'admin-only' });
      })
      .catch(next);
  };
}
