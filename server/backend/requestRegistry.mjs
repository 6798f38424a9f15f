// @ts-check
/**
 * Which requests each event database holds, for the ownership rules (src/rules/requestLinkage.ts):
 * per database an index of requestId → its submission's facts (resident, kind, stations, time),
 * folded from the database's own `_changes` with a selector that keeps only `submitted` and
 * `routed` events, read on from where the last look-up stopped. The guard (server/backend/
 * ownership.mjs) and the router (server/router/router.mjs) each keep one, so the same rule reads
 * the same facts in both backends (PouchDB in the process, or CouchDB over HTTP).
 *
 * Why not a view or a `_find` per write: a view needs a design document in every resident's
 * database and an index build per database on first use, and an unindexed `_find` reads the
 * whole station database on every write. The `_changes` read here is incremental: after the
 * first look-up of a database, one request answers "nothing new" in a millisecond.
 *
 * Memory: one small object per request (about 200 bytes); the least recently used databases
 * are forgotten beyond `maxDatabases` (resident databases: read again, they are small).
 */
import { addToRequestIndex, emptyRequestIndex } from '../../src/rules/requestLinkage.ts';

/**
 * Only the events that say something about a request's identity, and those that decide a
 * temperature test's measurement record (src/rules/measurementRecords.ts TRAIL_TYPES).
 */
export const REQUEST_ANCHORS_SELECTOR = Object.freeze({ docType: 'event', type: { $in: ['submitted', 'routed', 'dispatched', 'measured', 'signed-off'] } });

/**
 * @typedef {(dbName: string, opts: { since: string | number, limit: number, include_docs: true, selector?: object }) =>
 *   Promise<{ results: { doc?: any, deleted?: boolean }[], last_seq: string | number }>} ReadChanges
 */

/**
 * @param {{ readChanges: ReadChanges, useSelector?: boolean, maxDatabases?: number, batchSize?: number }} options
 *   useSelector: only for an in-process PouchDB (see read below)
 */
export function createRequestRegistry({ readChanges, useSelector = false, maxDatabases = 512, batchSize = 1000 }) {
  /** @type {Map<string, { index: import('../../src/rules/requestLinkage.ts').RequestIndex, since: string | number, chain: Promise<unknown> }>} */
  const databases = new Map();

  /**
   * In-process PouchDB filters `_changes` by a selector, so only the anchors are read. Over HTTP
   * nothing is sent: PouchDB Server does not know `filter=_selector` (it looks for a design
   * document "_selector" and dies on an uncaught error), and the other end may be one; every
   * change is then read, and the fold keeps what it needs all the same.
   * @param {string} name
   * @param {string | number} since
   */
  function read(name, since) {
    return readChanges(name, { since, limit: batchSize, include_docs: true, ...(useSelector ? { selector: REQUEST_ANCHORS_SELECTOR } : {}) });
  }

  /** @param {string} name */
  function entryOf(name) {
    let entry = databases.get(name);
    if (entry) {
      databases.delete(name); // most recently used last
    } else {
      entry = { index: emptyRequestIndex(), since: 0, chain: Promise.resolve() };
      while (databases.size >= maxDatabases) databases.delete(/** @type {string} */ (databases.keys().next().value));
    }
    databases.set(name, entry);
    return entry;
  }

  /**
   * The index of `name`, caught up with every change made before this call (a look-up already
   * under way is waited for, then the database is read on once more).
   * @param {string} name
   */
  function index(name) {
    const entry = entryOf(name);
    const run = entry.chain.then(async () => {
      for (;;) {
        const res = await read(name, entry.since);
        for (const row of res.results ?? []) {
          const doc = row.doc;
          if (!doc || row.deleted || doc._deleted || doc.docType !== 'event' || typeof doc.requestId !== 'string') continue;
          addToRequestIndex(entry.index, doc);
        }
        entry.since = res.last_seq;
        if ((res.results ?? []).length < batchSize) return entry.index;
      }
    });
    // A failed read does not block the next one (it starts from the last good `since`).
    entry.chain = run.catch(() => undefined);
    return run;
  }

  return {
    index,
    /** Forgets a database (deleted): the next look-up reads it from the start. @param {string} name */
    forget(name) {
      databases.delete(name);
    },
  };
}

/** @typedef {ReturnType<typeof createRequestRegistry>} RequestRegistry */
