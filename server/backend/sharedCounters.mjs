// @ts-check
/**
 * Counters kept in a database rather than in one process's memory, so that every server on one
 * CouchDB counts together and the counts outlive a restart (issue 22, item 3): the sign-in limits
 * (./signinLimiter.mjs, database `signin-limits`) and the other limits a stranger can run into
 * (./rateLimit.mjs, database `request-limits`). Each counter is one document with `expiresAt`,
 * after which it says nothing and a sweep removes it.
 */

/**
 * Writes `next(current)` over the document `id`, reading it again after a conflict (two servers
 * counting at once: the loser reads again and counts on top).
 * @param {import('./store.mjs').Store} store
 * @param {string} dbName
 * @param {string} id
 * @param {(current: any) => Record<string, unknown> | null} next null: delete (or nothing to do)
 */
export async function updateCounter(store, dbName, id, next) {
  for (let attempt = 0; ; attempt++) {
    const current = await store.get(dbName, id);
    const value = next(current);
    /** @type {Record<string, unknown>} */
    let doc;
    if (value !== null) doc = { _id: id, ...(current?._rev ? { _rev: current._rev } : {}), ...value };
    else if (current) doc = { _id: id, _rev: current._rev, _deleted: true };
    else return;
    try {
      await store.put(dbName, doc);
      return;
    } catch (err) {
      if (/** @type {{ status?: number }} */ (err).status !== 409 || attempt >= 8) throw err;
    }
  }
}

/**
 * Removes the counters whose `expiresAt` has passed, 500 at a time.
 * @param {import('./store.mjs').Store} store
 * @param {string} dbName
 * @param {number} t now
 */
export async function sweepExpired(store, dbName, t) {
  /** @type {string | undefined} */
  let startkey;
  for (;;) {
    const rows = await store.allDocs(dbName, { include_docs: true, limit: 500, ...(startkey ? { startkey, skip: 1 } : {}) });
    const expired = rows.filter((/** @type {any} */ r) => r.doc && !r.id.startsWith('_') && Number(r.doc.expiresAt) < t);
    if (expired.length) await store.bulkDocs(dbName, expired.map((/** @type {any} */ r) => ({ _id: r.id, _rev: r.doc._rev, _deleted: true })));
    if (rows.length < 500) return;
    startkey = rows[rows.length - 1].id;
  }
}

/**
 * Sweeps `dbName` every `everyMs` (10 minutes) until stopped.
 * @param {{ store: import('./store.mjs').Store, dbName: string, now?: () => number, log?: (msg: string) => void, everyMs?: number }} options
 * @returns {() => void} stop
 */
export function sweepEvery({ store, dbName, now = () => Date.now(), log = console.error, everyMs = 10 * 60_000 }) {
  const timer = setInterval(() => void sweepExpired(store, dbName, now()).catch((err) => log(`[hearthline] sweeping ${dbName}: ${err?.message ?? err}`)), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
