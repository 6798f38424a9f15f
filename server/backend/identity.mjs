// @ts-check
/**
 * Who is asking: Basic credentials (checked, counted as a sign-in and rate-limited) or the
 * AuthSession cookie, else nobody. The /db guard and the admin-only endpoints outside /db
 * (`/api/router/health`, the admin API) resolve the user the same way.
 */
import basicAuth from 'basic-auth';
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
  if (!header) return undefined;
  for (const part of header.split(/;\s*/)) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

/**
 * @param {{ store: Store, limiter: import('./signinLimiter.mjs').SignInLimiter }} deps
 */
export function createIdentity({ store, limiter }) {
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
    if (creds) {
      if (limiter.isLocked(creds.name, address)) {
        sendJson(res, 401, SIGN_IN_REFUSED);
        return null;
      }
      const ctx = await store.verifyPassword(creds.name, creds.pass);
      if (!ctx) {
        limiter.recordFailure(creds.name, address);
        sendJson(res, 401, SIGN_IN_REFUSED);
        return null;
      }
      limiter.recordSuccess(creds.name);
      return ctx;
    }
    const cookie = readCookie(req.headers.cookie, 'AuthSession');
    if (cookie) return (await store.sessionFromCookie(cookie)) ?? ANONYMOUS;
    return ANONYMOUS;
  }
  return { resolveUser };
}
