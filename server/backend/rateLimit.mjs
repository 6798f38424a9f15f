// @ts-check
/**
 * A fixed-size sliding-window counter per key (a client address, an account number, a member of
 * staff): at most `limit` hits within `windowMs`. In memory, like the sign-in limiter: a restart
 * forgets the counts and several server processes count separately.
 *
 *   const limit = createRateLimit({ limit: 10, windowMs: 3_600_000 });
 *   const wait = limit.retryAfter(key);   // seconds until a hit is allowed again, 0 when it is
 *   limit.hit(key);
 */

/**
 * @param {{ limit: number, windowMs: number, now?: () => number, maxKeys?: number }} options
 */
export function createRateLimit({ limit, windowMs, now = Date.now, maxKeys = 100_000 }) {
  /** @type {Map<string, number[]>} key → times of its hits in the window, oldest first */
  const hits = new Map();

  /** @param {string} key */
  const current = (key) => {
    const t = now();
    const times = (hits.get(key) ?? []).filter((x) => t - x < windowMs);
    if (times.length) hits.set(key, times);
    else hits.delete(key);
    return times;
  };

  return {
    limit,
    windowMs,
    /** Seconds until `key` may be hit again (0: now). @param {string} key */
    retryAfter(key) {
      const times = current(key);
      if (times.length < limit) return 0;
      const oldest = /** @type {number} */ (times[times.length - limit]);
      return Math.max(1, Math.ceil((oldest + windowMs - now()) / 1000));
    },
    /** Counts one hit of `key`. @param {string} key */
    hit(key) {
      const times = current(key);
      times.push(now());
      hits.delete(key); // re-insert: Map order = least recently used first
      hits.set(key, times.slice(-limit));
      while (hits.size > maxKeys) {
        const oldest = hits.keys().next().value;
        if (oldest === undefined) break;
        hits.delete(oldest);
      }
    },
  };
}

/** @typedef {ReturnType<typeof createRateLimit>} RateLimit */
