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
 *
 * In process (embedded), a look-up does not even read `_changes` when the database's update
 * sequence still stands where the index stands (`headSeq`), and the guard folds in what it has
 * just stored itself (`advance`) when nothing else was written meanwhile: a resident writing
 * one event after another costs no read at all (issue 22, the write path's CPU).
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
 * @param {{ readChanges: ReadChanges, useSelector?: boolean, maxDatabases?: number, batchSize?: number,
 *   keepEvents?: (name: string) => boolean, toEvent?: (doc: any) => any,
 *   headSeq?: (name: string) => Promise<string | number> }} options
 *   useSelector: only for an in-process PouchDB (see read below);
 *   keepEvents: for these databases every event is kept too (`events(name)`, as `toEvent` makes
 *   it), and every id the database has ever held (`current(name).ids`, deleted ones too, as the
 *   guard's "does this id exist" needs them), read in the same pass as the index (the guard's
 *   quota of a resident's submissions and its existence check: one incremental read serves all);
 *   headSeq: only for an in-process PouchDB, the database's update sequence as its `_changes`
 *   would end (compared for equality only, never counted on)
 */
export function createRequestRegistry({ readChanges, useSelector = false, maxDatabases = 512, batchSize = 1000, keepEvents = () => false, toEvent = (d) => d, headSeq }) {
  /** @type {Map<string, { index: import('../../src/rules/requestLinkage.ts').RequestIndex, since: string | number, chain: Promise<unknown>, events: Map<string, any> | null, ids: Set<string> | null, readFrom: number }>} */
  const databases = new Map();

  /**
   * In-process PouchDB filters `_changes` by a selector, so only the anchors are read. Over HTTP
   * nothing is sent: PouchDB Server does not know `filter=_selector` (it looks for a design
   * document "_selector" and dies on an uncaught error), and the other end may be one; every
   * change is then read, and the fold keeps what it needs all the same.
   * @param {string} name
   * @param {string | number} since
   */
  function read(name, since, all = false) {
    return readChanges(name, { since, limit: batchSize, include_docs: true, ...(useSelector && !all ? { selector: REQUEST_ANCHORS_SELECTOR } : {}) });
  }

  /** @param {string} name */
  function entryOf(name) {
    let entry = databases.get(name);
    if (entry) {
      databases.delete(name); // most recently used last
    } else {
      const keep = keepEvents(name);
      entry = { index: emptyRequestIndex(), since: 0, chain: Promise.resolve(), events: keep ? new Map() : null, ids: keep ? new Set() : null, readFrom: -Infinity };
      while (databases.size >= maxDatabases) databases.delete(/** @type {string} */ (databases.keys().next().value));
    }
    databases.set(name, entry);
    return entry;
  }

  /**
   * Folds rows of `_changes` (with documents) into a database's index (and its events, where kept).
   * @param {NonNullable<ReturnType<typeof databases.get>>} entry
   * @param {{ doc?: any, deleted?: boolean }[]} rows
   */
  function fold(entry, rows) {
    const events = entry.events;
    for (const row of rows) {
      const doc = row.doc;
      if (entry.ids && doc && typeof doc._id === 'string') entry.ids.add(doc._id);
      if (events && doc && typeof doc._id === 'string') {
        if (row.deleted || doc._deleted || doc.docType !== 'event' || doc._id.startsWith('_')) events.delete(doc._id);
        else {
          let event = null;
          try {
            event = toEvent(doc);
          } catch {
            event = null; // not an event this version can read (the write checks refuse such writes)
          }
          if (event) events.set(doc._id, event);
          else events.delete(doc._id);
        }
      }
      if (!doc || row.deleted || doc._deleted || doc.docType !== 'event' || typeof doc.requestId !== 'string') continue;
      addToRequestIndex(entry.index, doc);
    }
  }

  /**
   * The index of `name`, caught up with every change made before this call (a look-up already
   * under way is waited for, then the database is read on once more), or, with `readFrom`, with
   * every change made before that instant (`performance.now()`): a read that began at or after it
   * is enough. The guard checks a write under its database's lock (ownership.mjs `exclusive`) and
   * looks up twice (the ids, then the requests and quota): over HTTP, where there is no update
   * sequence to compare, the second look-up would be a second `_changes` request for nothing.
   * @param {string} name
   * @param {number} [readFrom]
   */
  function caughtUp(name, readFrom) {
    const entry = entryOf(name);
    const events = entry.events;
    const run = entry.chain.then(async () => {
      if (readFrom !== undefined && entry.readFrom >= readFrom) return entry;
      // Nothing written since the last read (in process only): no read.
      if (headSeq && String(entry.since) !== '0' && String(await headSeq(name)) === String(entry.since)) return entry;
      const began = performance.now();
      for (;;) {
        // unfiltered where events are kept, so a deletion is seen too
        const res = await read(name, entry.since, events !== null);
        fold(entry, res.results ?? []);
        entry.since = res.last_seq;
        if ((res.results ?? []).length < batchSize) {
          entry.readFrom = began;
          return entry;
        }
      }
    });
    // A failed read does not block the next one (it starts from the last good `since`).
    entry.chain = run.catch(() => undefined);
    return run;
  }

  /** @param {string} name */
  const index = async (name) => (await caughtUp(name)).index;

  return {
    index,
    /**
     * The index and the kept events (null where none are kept) of `name`, caught up by one read
     * (none when a read that began at or after `readFrom` already did: see caughtUp).
     * @param {string} name
     * @param {number} [readFrom] a `performance.now()` instant
     */
    async current(name, readFrom) {
      const entry = await caughtUp(name, readFrom);
      return { index: entry.index, events: entry.events, ids: entry.ids };
    },
    /**
     * A batch of `name`'s `_changes` (every change, with documents, from `since` to `lastSeq`)
     * that the caller read for itself (the router, reading a source): folded in when the index
     * stands exactly at `since` (a database not looked up yet stands at 0), which saves reading
     * the same changes a second time. Resolves to the index, or null when it stands elsewhere
     * (the caller then asks `index`, which reads on).
     * @param {string} name
     * @param {string | number} since
     * @param {{ doc?: any, deleted?: boolean }[]} rows
     * @param {string | number} lastSeq
     */
    advance(name, since, rows, lastSeq) {
      if (!databases.has(name) && String(since) !== '0') return Promise.resolve(null);
      const entry = entryOf(name);
      const run = entry.chain.then(() => {
        if (String(entry.since) !== String(since)) return null;
        fold(entry, rows);
        entry.since = lastSeq;
        return entry.index;
      });
      entry.chain = run.catch(() => undefined);
      return run;
    },
    /**
     * What the caller has just stored in `name` itself (in process only, with `headSeq`): the
     * documents, and the update sequence after them. Folded when the index stood exactly that
     * many revisions before it, i.e. nothing else was written meanwhile (PouchDB's sequence is a
     * count of stored revisions); otherwise left for the next look-up to read.
     * @param {string} name
     * @param {Record<string, unknown>[]} docs
     * @param {number} lastSeq
     */
    stored(name, docs, lastSeq) {
      const entry = databases.get(name);
      if (!entry || !headSeq) return Promise.resolve(false);
      const run = entry.chain.then(() => {
        if (typeof entry.since !== 'number' || lastSeq - entry.since !== docs.length) return false;
        fold(entry, docs.map((doc) => ({ doc })));
        entry.since = lastSeq;
        return true;
      });
      entry.chain = run.catch(() => undefined);
      return run;
    },
    /**
     * Every event of `name` (a database `keepEvents` names), caught up like `index`.
     * @param {string} name
     * @returns {Promise<Map<string, any>>} id → toEvent(document)
     */
    async events(name) {
      const entry = await caughtUp(name);
      if (!entry.events) throw new Error(`the request registry keeps no events of ${name}`);
      return entry.events;
    },
    /** Forgets a database (deleted): the next look-up reads it from the start. @param {string} name */
    forget(name) {
      databases.delete(name);
    },
  };
}

/** @typedef {ReturnType<typeof createRequestRegistry>} RequestRegistry */
