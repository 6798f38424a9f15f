// @ts-check
/**
 * Sessions that end (issue #17, finding 7). CouchDB's and PouchDB Server's `AuthSession`
 * cookie is stateless: `base64url(name:hex-timestamp:hmac)`, valid while the timestamp is
 * younger than the session timeout, and every use hands out a fresh one. Deleting the cookie
 * in one browser (sign-out) ended nothing: that cookie, and every copy renewed before, stayed
 * valid for a week. Only a change of the user's salt (a new password) invalidates them.
 *
 * So the server keeps, per account, when its sessions were last ended ("ended at", in the
 * cookie's whole seconds), in the admin-only database `hearthline-sessions` (kept across
 * restarts, shared by the processes of one deployment) with a short cache; a cookie issued at
 * or before that second is refused like an expired one wherever a cookie is read (the guard,
 * /db/_account), and stripped from the request, so express-pouchdb or CouchDB never see it and
 * never renew it. Ending sessions:
 * - signing out (`DELETE /db/_session`) ends every session of that account: a cookie cannot be
 *   told apart from the copies renewed from it, so "this device only" cannot be had without a
 *   session store of our own; a resident signed in on a second device signs in there again;
 * - a password reset changes the salt: CouchDB and PouchDB refuse the old cookies themselves;
 * - an admin's "sign out everywhere": `npm run admin -- end-sessions --name …`
 *   (POST /api/sessions/end, server admins only).
 * A sign-in within the second a session ended waits for the next second (at most about one),
 * so its new cookie is not taken for an ended one.
 *
 * With COUCHDB_URL the server refuses ended cookies on every request it proxies; CouchDB itself
 * knows nothing of this list, so it must be reachable only through the server (docs/backend.md).
 * A password reset ends the sessions inside CouchDB as well.
 */
import { CouchError } from './errors.mjs';

export const SESSIONS_DB = 'hearthline-sessions';

/** @param {string} name */
const endDocId = (name) => `ended:${name}`;

/**
 * The issue time (whole seconds) of an AuthSession cookie value, or null when it is not one.
 * @param {string} cookieValue
 */
export function cookieIssuedAt(cookieValue) {
  try {
    const decoded = Buffer.from(cookieValue, 'base64url').toString('latin1');
    const [, hex] = decoded.split(':');
    if (!hex || !/^[0-9A-Fa-f]{1,12}$/.test(hex)) return null;
    return parseInt(hex, 16);
  } catch {
    return null;
  }
}

/**
 * @param {{ store: import('./store.mjs').Store, ttlMs?: number, now?: () => number, sleep?: (ms: number) => Promise<void> }} options
 */
export function createSessionEnds({ store, ttlMs = 5_000, now = () => Date.now(), sleep = (ms) => new Promise((r) => setTimeout(r, ms)) }) {
  /** @type {Map<string, { endedAt: number | null, readAt: number }>} */
  const cache = new Map();

  /**
   * When the account's sessions were last ended (cookie seconds), or null.
   * @param {string} name
   */
  async function endedAt(name) {
    const hit = cache.get(name);
    if (hit && now() - hit.readAt < ttlMs) return hit.endedAt;
    const doc = await store.get(SESSIONS_DB, endDocId(name));
    const value = typeof doc?.endedAt === 'number' ? doc.endedAt : null;
    if (cache.size > 50_000) cache.clear();
    cache.set(name, { endedAt: value, readAt: now() });
    return value;
  }

  /**
   * Ends every session of the account opened until now.
   * @param {string} name
   * @returns {Promise<number>} the second they ended at
   */
  async function end(name) {
    // A cookie's timestamp is the second rounded (PouchDB) or cut (CouchDB): rounded covers both.
    const second = Math.round(now() / 1000);
    for (let attempt = 0; ; attempt++) {
      const doc = await store.get(SESSIONS_DB, endDocId(name));
      const endedAtSecond = Math.max(second, typeof doc?.endedAt === 'number' ? doc.endedAt : 0);
      try {
        await store.put(SESSIONS_DB, { ...(doc ?? {}), _id: endDocId(name), name, endedAt: endedAtSecond, endedAtIso: new Date(now()).toISOString() });
        cache.set(name, { endedAt: endedAtSecond, readAt: now() });
        return endedAtSecond;
      } catch (err) {
        if (!(err instanceof CouchError && err.status === 409) || attempt >= 3) throw err;
      }
    }
  }

  /**
   * Whether a cookie of `name` issued at `issuedAt` (seconds) belongs to an ended session.
   * @param {string} name
   * @param {number} issuedAt
   */
  async function isEnded(name, issuedAt) {
    const ended = await endedAt(name);
    return ended !== null && issuedAt <= ended;
  }

  /**
   * Before a sign-in of `name` is answered: a cookie issued within the second its sessions
   * ended would be taken for an ended one, so wait for the next second (CouchDB's cookie cuts
   * the time to the second, PouchDB's rounds it).
   * @param {string} name
   */
  async function waitPastEnd(name) {
    const ended = await endedAt(name);
    if (ended === null) return;
    const wait = (ended + 1) * 1000 + 50 - now();
    if (wait > 0) await sleep(Math.min(wait, 2_000));
  }

  /**
   * Makes `store.sessionFromCookie` answer null for the cookie of an ended session, for every
   * caller (the guard, the account API).
   * @param {import('./store.mjs').Store} target
   */
  function refuseEndedCookies(target) {
    const lookup = target.sessionFromCookie.bind(target);
    target.sessionFromCookie = async (cookie) => {
      const user = await lookup(cookie);
      if (!user?.name) return user;
      const issuedAt = cookieIssuedAt(cookie);
      if (issuedAt === null || (await isEnded(user.name, issuedAt))) return null;
      return user;
    };
  }

  return { end, endedAt, isEnded, waitPastEnd, refuseEndedCookies };
}

/** @typedef {ReturnType<typeof createSessionEnds>} SessionEnds */
