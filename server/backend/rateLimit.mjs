// @ts-check
/**
 * A fixed-size sliding-window counter per key (a client address, an account number, a member of
 * staff): at most `limit` hits within `windowMs`.
 *
 * `createSharedRateLimit` keeps each key's hits in the database `request-limits` (admin-only),
 * so every server on one CouchDB counts together and a restart forgets nothing (issue 22,
 * item 3: sign-ups, one-time-code sends and failures, staff look-ups and reveals were counted in
 * each process's memory, so with two servers a stranger had twice the attempts). What the
 * server answers is what the in-memory counter answered.
 *
 *   const limit = createSharedRateLimit({ store, scope: 'signup-address', limit: 10, windowMs: 3_600_000 });
 *   const wait = await limit.retryAfter(key);   // seconds until a hit is allowed again, 0 when it is
 *   await limit.hit(key);
 */
import { updateCounter } from './sharedCounters.mjs';

/** Where the shared counters live (admin-only; setup creates it, the backend sweeps it). */
export const REQUEST_LIMITS_DB = 'request-limits';

/**
 * The counter, kept in the database: document `<scope>:<key>` holds the times of the key's
 * last `limit` hits (and `expiresAt`, a window after the last); a hit is a revision-checked write.
 * @param {{ store: import('./store.mjs').Store, scope: string, limit: number, windowMs: number, now?: () => number, dbName?: string }} options
 */
export function createSharedRateLimit({ store, scope, limit, windowMs, now = Date.now, dbName = REQUEST_LIMITS_DB }) {
  /** @param {string} key */
  const id = (key) => `${scope}:${key}`;
  /** The hits of the window, oldest first. @param {any} doc @param {number} t */
  const recent = (doc, t) => (Array.isArray(doc?.times) ? doc.times.filter((/** @type {unknown} */ x) => Number.isFinite(x) && t - Number(x) < windowMs) : []);
  return {
    limit,
    windowMs,
    /** Seconds until `key` may be hit again (0: now). @param {string} key */
    async retryAfter(key) {
      const t = now();
      const times = recent(await store.get(dbName, id(key)), t);
      if (times.length < limit) return 0;
      const oldest = Number(times[times.length - limit]);
      return Math.max(1, Math.ceil((oldest + windowMs - t) / 1000));
    },
    /** Counts one hit of `key`. @param {string} key */
    async hit(key) {
      await updateCounter(store, dbName, id(key), (current) => {
        const t = now();
        return { times: [...recent(current, t), t].slice(-limit), expiresAt: t + windowMs };
      });
    },
  };
}

/** @typedef {ReturnType<typeof createSharedRateLimit>} RateLimit */
