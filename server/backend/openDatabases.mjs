// @ts-check
/**
 * Which databases the embedded backend keeps open (issue 22, item 5). PouchDB Server keeps
 * every database it ever opened open for good, in express-pouchdb's cache
 * (`PouchDB.__dbCacheMap`): each LevelDB holds 4 file handles (LOCK, LOG, MANIFEST, the log
 * file) and more for its tables, so 207 databases held 854 handles and about 5,000 residents
 * would have reached the process limit. Two things here:
 *
 * 1. `installOpenDatabaseLru(PouchDB, …)` puts an LRU in place of that cache. Every database
 *    opened through it (by /db, the Store, the followers) counts its operations in flight
 *    (a `changes` feed until it completes or is cancelled: a device's long poll keeps its
 *    database open); one that has nothing in flight and has not been used for `idleMs` is
 *    closed, at once when more than `maxOpen` are open, else by a timer. Names starting with
 *    `_` (`_users`, which the sign-in code also holds open itself) are never closed. An instance
 *    closed here and used again by whoever still holds it opens the database anew (once it is
 *    known to exist: opening creates), so nobody sees "database is closed".
 *    The bound holds for idle databases: those with a request or feed in flight stay open, so
 *    the handles are at most 4 × max(maxOpen, databases in use).
 * 2. `PouchDB.allDbs()` (pouchdb-all-dbs) answers from a name list it builds anew on every call,
 *    and express-pouchdb and the Store called it on every request to learn whether a database
 *    exists: a 10,000-name array per request at 10,000 residents. It is kept here as a Set,
 *    updated by the constructor's `created`/`destroyed` events; `exists(name)` reads it.
 */

import { EventEmitter } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const { getOrCreateDB } = require('express-pouchdb/lib/create-or-delete-dbs');
/** The key that makes express-pouchdb's queue run an eviction (no database has this name). */
const EVICT = '\u0000evict-idle';

/** Methods of a PouchDB instance that read or write its storage (counted while in flight). */
const COUNTED = [
  'get', 'put', 'post', 'remove', 'bulkDocs', 'allDocs', 'info', 'bulkGet', 'revsDiff', 'getAttachment',
  'putAttachment', 'removeAttachment', 'query', 'viewCleanup', 'compact', 'find', 'createIndex', 'getIndexes',
  'deleteIndex', 'explain', 'getSecurity', 'putSecurity', 'changes', 'purge',
];

/** A database's kind for the figures (resident names carry account numbers: never shown). @param {string} name */
const kindOf = (name) => (name.startsWith('resident-') ? 'resident-*' : name.startsWith('station-') ? 'station-*' : name);

/** pouchdb-all-dbs leaves these out of its list. @param {string} name */
const unlisted = (name) => name === 'pouch__all_dbs__' || name.includes('-mrview-') || /^https?:\/\//.test(name);

/**
 * @param {any} PouchDB the constructor express-pouchdb was given (after setPouchDB: allDbs exists)
 * @param {{ maxOpen?: number, idleMs?: number, sweepMs?: number, now?: () => number, folder?: string }} [options]
 *   folder: the LevelDB data folder: its databases are listed even when pouchdb-all-dbs lost them
 */
export function installOpenDatabaseLru(PouchDB, { maxOpen = 200, idleMs = 60_000, sweepMs = 15_000, now = () => Date.now(), folder } = {}) {
  // ------------------------------------------------------------------ the list of names
  const listAll = PouchDB.allDbs.bind(PouchDB);
  /** @type {Set<string> | null} */
  let names = null;
  /** @type {Promise<Set<string>> | null} */
  let loading = null;
  /** events seen while the first list was being read, applied after it */
  /** @type {[string, string][]} */
  let early = [];
  /** @param {string} raw */
  const normal = (raw) => String(raw).replace(/^_pouch_/, '');
  /** the list handed out by allDbs(), frozen and shared until a name comes or goes @type {readonly string[] | null} */
  let list = null;
  PouchDB.on('created', (/** @type {string} */ raw) => {
    const name = normal(raw);
    if (unlisted(name)) return;
    if (!names) early.push(['created', name]);
    else if (!names.has(name)) {
      names.add(name);
      list = null;
    }
  });
  PouchDB.on('destroyed', (/** @type {string} */ raw) => {
    const name = normal(raw);
    if (unlisted(name)) return;
    if (!names) early.push(['destroyed', name]);
    else if (names.delete(name)) list = null;
  });
  // pouchdb-all-dbs records a new database in its own database some time after the 'created'
  // event (a queue): a process that stopped or crashed before the queue ran left databases that
  // exist on disk but in no listing, and so answered "does not exist" (a resident's database
  // after a crash; 130 of 1,000 made just before a stop in bench:scale). The folder is the truth.
  const onDisk = () => {
    if (!folder) return [];
    try {
      return readdirSync(folder, { withFileTypes: true })
        .filter((e) => e.isDirectory() && !unlisted(e.name) && existsSync(path.join(folder, e.name, 'CURRENT')))
        .map((e) => e.name);
    } catch {
      return [];
    }
  };
  function loadNames() {
    loading ??= Promise.resolve(listAll()).then((/** @type {string[]} */ list) => {
      const set = new Set([...list, ...onDisk()]);
      for (const [event, name] of early) event === 'created' ? set.add(name) : set.delete(name);
      early = [];
      names = set;
      return set;
    });
    loading.catch(() => {
      loading = null;
    });
    return loading;
  }
  /** @param {string} name */
  const exists = async (name) => (names ?? (await loadNames())).has(name);
  PouchDB.hasDatabase = exists;
  // pouchdb-all-dbs's contract (a promise of the names, or a callback), but one frozen array
  // shared until the names change rather than a new one per call.
  PouchDB.allDbs = (/** @type {((err: unknown, dbs?: readonly string[]) => void) | undefined} */ callback) => {
    const p = (names ? Promise.resolve(names) : loadNames()).then((set) => (list ??= Object.freeze([...set])));
    if (typeof callback === 'function') p.then((dbs) => callback(null, dbs), callback);
    return p;
  };

  // ------------------------------------------------------------------ the open databases
  /** @typedef {{ db: any, inFlight: number, lastUsed: number, closedHere?: boolean }} Entry */
  /** @type {Map<string, Entry>} in least recently used order */
  const open = new Map();
  const totals = { opened: 0, closed: 0, operations: 0 };
  /** @type {Record<string, number>} operations by method and database (kind), for the benches */
  const byMethod = {};
  /** the operations under way (a live feed stays here while it runs) @type {Set<{ method: string, kind: string, since: number }>} */
  const inFlight = new Set();

  /** @param {string} name @param {Entry} entry */
  function touch(name, entry) {
    entry.lastUsed = now();
    if (open.get(name) === entry) {
      open.delete(name);
      open.set(name, entry);
    }
  }

  /**
   * A `changes` feed on an instance closed here, returned at once as PouchDB returns one (an
   * event emitter that is also a promise, with cancel()), started on the database opened again
   * through express-pouchdb's queue: after any close under way, never on a LevelDB handle being
   * closed (a feed there would read from a closed handle and hear nothing again).
   * @param {string} name
   * @param {unknown[]} args
   */
  function changesOnReopened(name, args) {
    const feed = /** @type {any} */ (new EventEmitter());
    /** @type {any} */
    let inner = null;
    let cancelled = false;
    /** @type {(value: unknown) => void} */
    let resolve = () => {};
    /** @type {(err: unknown) => void} */
    let reject = () => {};
    const result = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    result.catch(() => {});
    feed.then = result.then.bind(result);
    feed.catch = result.catch.bind(result);
    const complete = (/** @type {unknown} */ info) => {
      feed.emit('complete', info);
      resolve(info);
    };
    const fail = (/** @type {unknown} */ err) => {
      if (feed.listenerCount('error') > 0) feed.emit('error', err);
      reject(err);
    };
    feed.cancel = () => {
      if (cancelled) return;
      cancelled = true;
      if (inner) inner.cancel();
      else complete({ status: 'cancelled' });
    };
    getOrCreateDB(PouchDB, name).then((/** @type {any} */ fresh) => {
      if (cancelled) return;
      inner = fresh.changes(...args);
      inner.on('change', (/** @type {unknown[]} */ ...a) => feed.emit('change', ...a));
      inner.on('complete', complete);
      inner.on('error', fail);
    }, fail);
    return feed;
  }

  /**
   * Counts the instance's operations, and sends those on an instance closed here to the open one.
   * @param {string} name
   * @param {any} db
   * @param {Entry} entry
   */
  function instrument(name, db, entry) {
    for (const method of COUNTED) {
      const orig = db[method];
      if (typeof orig !== 'function') continue;
      db[method] = function (/** @type {unknown[]} */ ...args) {
        if (entry.closedHere && names?.has(name)) {
          // on the open instance, or opened again through the queue (after any close under way);
          // a changes feed is returned at once
          const reopened = open.get(name)?.db;
          if (reopened) return reopened[method](...args);
          if (method === 'changes') return changesOnReopened(name, args);
          return getOrCreateDB(PouchDB, name).then((/** @type {any} */ fresh) => fresh[method](...args));
        }
        totals.operations++;
        const key = `${method} ${kindOf(name)}`;
        byMethod[key] = (byMethod[key] ?? 0) + 1;
        entry.inFlight++;
        touch(name, entry);
        const pending = { method, kind: kindOf(name), since: now() };
        inFlight.add(pending);
        let done = false;
        const release = () => {
          if (done) return;
          done = true;
          entry.inFlight--;
          entry.lastUsed = now();
          inFlight.delete(pending);
        };
        let result;
        try {
          result = orig.apply(this, args);
        } catch (err) {
          release();
          throw err;
        }
        if (method === 'changes' && result && typeof result.once === 'function') {
          result.once('complete', release);
          result.once('error', release);
        } else if (result && typeof result.then === 'function') {
          result.then(release, release);
        } else {
          release();
        }
        return result;
      };
    }
  }

  /** @param {string} name @param {Entry} entry */
  function close(name, entry) {
    open.delete(name);
    entry.closedHere = true;
    totals.closed++;
    return Promise.resolve(entry.db.close()).catch(() => {});
  }

  /**
   * Closes idle databases: the least recently used first while over the bound, and any idle for
   * `idleMs`. It runs inside express-pouchdb's one queue of opens and deletes (its
   * getOrCreateDB) and holds it until the closes are done: a database opened again while its old
   * instance was still closing would share LevelDB's handle being closed (pouchdb-adapter-leveldb
   * reuses an open handle by name) and hang.
   */
  function evict() {
    if (!evicting) {
      evictingSince = now();
      evicting = getOrCreateDB(PouchDB, EVICT).finally(() => {
        evicting = null;
        evictingSince = null;
      });
    }
    return evicting;
  }
  /** @type {Promise<unknown> | null} */
  let evicting = null;
  /** @type {number | null} */
  let evictingSince = null;

  /** The closes, inside the queue (cache.get(EVICT) returns their promise: the queue waits for it). */
  function closeIdle() {
    /** @type {Promise<unknown>[]} */
    const closes = [];
    const t = now();
    let over = open.size - maxOpen;
    for (const [name, entry] of open) {
      if (entry.inFlight > 0 || name.startsWith('_')) continue;
      const idle = t - entry.lastUsed;
      // over the bound: anything not used in the last second; else what has been idle for idleMs
      if ((over > 0 && idle >= 1_000) || idle >= idleMs) {
        closes.push(close(name, entry));
        over--;
      }
    }
    return Promise.allSettled(closes);
  }

  // A Map-like object in place of express-pouchdb's cache (create-or-delete-dbs.js reads and
  // writes it with get/set/delete; the Store's close() reads values()).
  const cache = {
    /** @param {string} name */
    get(name) {
      if (name === EVICT) return closeIdle();
      const entry = open.get(name);
      if (!entry) return undefined;
      touch(name, entry);
      return entry.db;
    },
    /** @param {string} name */
    has: (name) => open.has(name),
    /** @param {string} name @param {any} db */
    set(name, db) {
      /** @type {Entry} */
      const entry = { db, inFlight: 0, lastUsed: now() };
      instrument(name, db, entry);
      open.set(name, entry);
      totals.opened++;
      if (open.size > maxOpen) evict();
      return cache;
    },
    /** @param {string} name */
    delete: (name) => open.delete(name),
    values: () => [...open.values()].map((e) => e.db)[Symbol.iterator](),
    keys: () => open.keys(),
    get size() {
      return open.size;
    },
  };
  const previous = PouchDB.__dbCacheMap;
  PouchDB.__dbCacheMap = cache;
  previous?.forEach?.((/** @type {any} */ db, /** @type {string} */ name) => cache.set(name, db));

  // express-pouchdb creates a database (PUT /db/<name>) with PouchDB.new(), outside its cache,
  // and never closes that instance: every database created over HTTP stayed open for good (and a
  // second instance over one LevelDB cannot be closed safely). It joins the cache instead.
  const created = PouchDB.new;
  if (typeof created === 'function') {
    PouchDB.new = function (/** @type {string} */ name, /** @type {unknown} */ opts) {
      const entry = open.get(name);
      if (entry) return entry.db;
      const db = created.call(this, name, opts);
      cache.set(name, db);
      return db;
    };
  }

  const timer = setInterval(evict, sweepMs);
  timer.unref();

  return {
    exists,
    /** Figures for the benches: open now, opened and closed so far, operations counted. */
    stats: () => {
      const t = now();
      // the oldest operations under way for more than 10 s (a live feed's are long by design;
      // anything else that old is stuck), and whether an eviction holds the queue of opens
      const stuck = [...inFlight].filter((p) => t - p.since > 10_000).slice(0, 10).map((p) => ({ method: p.method, kind: p.kind, seconds: Math.round((t - p.since) / 1000) }));
      return { open: open.size, maxOpen, ...totals, inFlight: inFlight.size, oldestInFlight: stuck, evictingSeconds: evictingSince === null ? null : Math.round((t - evictingSince) / 1000), byMethod: { ...byMethod } };
    },
    evict,
    stop: () => clearInterval(timer),
    /** Resolves once pouchdb-all-dbs has recorded every database created so far (its queue ran). */
    flush: () => Promise.resolve(listAll()).then(() => undefined),
  };
}

/** @typedef {ReturnType<typeof installOpenDatabaseLru>} OpenDatabases */
