// @ts-check
/**
 * Embedded mode: PouchDB Server (express-pouchdb, fullCouchDB mode) in this process, storing
 * LevelDB files under the data directory. Returns the express handler to mount (behind the
 * guard) and a Store the rest of the backend uses in-process.
 *
 * What the spike found and this applies (docs/embedded-backend-findings.md):
 * - config and log files under the data directory, not the working directory (trap 5);
 * - Fauxton, _replicate and the _replicator daemon left out;
 * - couch_httpd_auth.secret persisted in the config, else every session dies on restart (trap 4);
 * - a server admin always exists before the first request (no admin party);
 * - new_edits:false refused for non-admins at the database layer too (trap 8; the guard
 *   refuses it first).
 */
import { createHmac, pbkdf2, randomBytes } from 'node:crypto';
import { chmodSync, readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import path from 'node:path';
import { CouchError, toCouchError } from './errors.mjs';
import { generatePassword } from './passwords.mjs';
import { tryPidLock } from '../processes.mjs';
import { installOpenDatabaseLru } from './openDatabases.mjs';
import { useOrderedBulkDocsWrapper } from './bulkDocsOrder.mjs';

const require = createRequire(import.meta.url);
// Before PouchDB Server's plug-ins load: a batch stored and answered in the request's order.
useOrderedBulkDocsWrapper();

/**
 * PBKDF2-SHA1 iterations of the server admin's password hash: the count CouchDB 3.4 hashes
 * passwords with (its PRF is SHA-256; PouchDB Server's `-pbkdf2-key,salt,iterations` admin hash
 * holds SHA-1 only). PouchDB Server's own default was 10, which made the hash in
 * pouchdb-config.json as good as the password (issue #17, finding 5).
 */
export const ADMIN_HASH_ITERATIONS = 600_000;

const pbkdf2Async = promisify(pbkdf2);
const memoKey = randomBytes(32);
/** @type {Map<string, Promise<string>>} */
const derivedKeys = new Map();

/**
 * PouchDB Server's password hashing (pouchdb-auth), done by Node's crypto instead of its pure
 * JavaScript PBKDF2: off the event loop (libuv's thread pool), and fast enough for 600,000
 * iterations. Same output (PBKDF2-HMAC-SHA1, 20 bytes, hex). An expensive derivation is
 * remembered (at most 256, keyed by an HMAC under a per-process key), because express-pouchdb
 * checks the admin's Basic credentials again on every admin request.
 * @param {string} password
 * @param {string} salt
 * @param {number} iterations
 * @returns {Promise<string>}
 */
function hashPassword(password, salt, iterations) {
  const derive = () => pbkdf2Async(String(password), String(salt), Number(iterations), 20, 'sha1').then((b) => b.toString('hex'));
  if (Number(iterations) < 10_000) return derive();
  const key = createHmac('sha256', memoKey).update(`${password}\0${salt}\0${iterations}`).digest('hex');
  let hit = derivedKeys.get(key);
  if (!hit) {
    hit = derive();
    hit.catch(() => derivedKeys.delete(key));
    if (derivedKeys.size >= 256) derivedKeys.delete(/** @type {string} */ (derivedKeys.keys().next().value));
    derivedKeys.set(key, hit);
  }
  return hit;
}
require('pouchdb-auth/lib/utils').hashPassword = hashPassword;

// PouchDB Server's validation plug-in compiles each database's validate_doc_update from its
// source on every document written (couchdb-eval): about 0.7 ms for our 107 kB design document,
// once for the resident's write and again for each copy the router makes (issue 22: the write
// path's CPU). A design document's function is compiled once per revision and source; calls with
// variables of their own (none of ours) compile as before.
{
  // the copy the validation plug-in loads (a dependency of a dependency)
  const fromValidation = createRequire(createRequire(require.resolve('express-pouchdb')).resolve('pouchdb-validation'));
  const couchEval = fromValidation('couchdb-eval');
  const compile = couchEval.evaluate;
  /** @type {Map<string, unknown>} */
  const compiled = new Map();
  couchEval.evaluate = function (/** @type {any} */ designDoc, /** @type {any} */ extraVars, /** @type {string} */ program) {
    const plain = designDoc && typeof designDoc._id === 'string' && typeof designDoc._rev === 'string' && (!extraVars || Object.keys(extraVars).length === 0);
    if (!plain || typeof program !== 'string') return compile.call(this, designDoc, extraVars, program);
    const key = `${designDoc._id}\u0000${designDoc._rev}\u0000${program}`;
    let fn = compiled.get(key);
    if (!fn) {
      fn = compile.call(this, designDoc, extraVars, program);
      if (compiled.size >= 64) compiled.delete(/** @type {string} */ (compiled.keys().next().value));
      compiled.set(key, fn);
    }
    return fn;
  };
}

/**
 * The admin hash PouchDB Server keeps in pouchdb-config.json (CouchDB's [admins] format).
 * @param {string} password
 */
async function hashAdminPassword(password) {
  const salt = randomBytes(16).toString('hex');
  return `-pbkdf2-${await hashPassword(password, salt, ADMIN_HASH_ITERATIONS)},${salt},${ADMIN_HASH_ITERATIONS}`;
}

/** @param {unknown} stored */
const weakAdminHash = (stored) => {
  const m = typeof stored === 'string' ? stored.match(/^-pbkdf2-[0-9a-f]+,[0-9a-f]+,(\d+)$/) : null;
  return !m || Number(m[1]) < ADMIN_HASH_ITERATIONS;
};

/**
 * The data folder and everything in it, private to the server's user (folders 0700, files
 * 0600): pouchdb-config.json holds the cookie secret and the admin's hash, the LevelDB files
 * every account's data. Also repairs a folder an older version left readable. (The server sets
 * its umask to 077, so what it creates later is private too.)
 * @param {string} dir
 */
export function makePrivate(dir) {
  chmodSync(dir, 0o700);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) makePrivate(p);
    else if (entry.isFile()) chmodSync(p, 0o600);
  }
}

/** @typedef {import('./store.mjs').Store} Store */
/** @typedef {import('./store.mjs').UserCtx} UserCtx */

/**
 * @param {{ dataDir: string, adapter?: 'leveldb' | 'memory', sessionSeconds?: number, openDatabases?: { maxOpen?: number, idleMs?: number } }} options
 *   openDatabases: how many databases stay open when idle, and for how long (leveldb only: ./openDatabases.mjs)
 */
export async function createEmbedded({ dataDir, adapter = 'leveldb', sessionSeconds, openDatabases = {} }) {
  const dir = path.resolve(dataDir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  makePrivate(dir);
  // LevelDB allows one process per database; a second one would die on an uncaught LOCK error.
  const releaseLock = adapter === 'leveldb' ? lockDataDir(dir) : () => {};

  const PouchDB = require('pouchdb-core')
    .plugin(require('pouchdb-adapter-http'))
    .plugin(require('pouchdb-mapreduce'))
    .plugin(require('pouchdb-replication'))
    .plugin(adapter === 'memory' ? require('pouchdb-adapter-memory') : require('pouchdb-adapter-leveldb'))
    // The prefix is concatenated with the database name: it needs the trailing separator.
    .defaults({ adapter, prefix: dir + path.sep });

  const expressPouchDB = require('express-pouchdb');
  const pouchApp = expressPouchDB({
    mode: 'fullCouchDB',
    configPath: path.join(dir, 'pouchdb-config.json'),
    logPath: path.join(dir, 'pouchdb-log.txt'),
    // compression: its own gzip (every answer, unfiltered) held a continuous _changes feed in its
    // buffer, so a client that accepts gzip (every browser, fetch) heard nothing; the site's
    // compression in front of /db leaves streaming feeds alone (app.mjs)
    overrideMode: { exclude: ['routes/fauxton', 'routes/replicate', 'replicator', 'compression'] },
  });
  await pouchApp.setPouchDB(PouchDB);
  pouchApp.disable('x-powered-by');
  // Idle databases closed (file handles bounded), existence read from a Set, not a listing per
  // request. Memory databases hold no handles (and may not survive a close): never closed.
  const lru = installOpenDatabaseLru(PouchDB, adapter === 'leveldb' ? { ...openDatabases, folder: dir } : { maxOpen: Infinity, idleMs: Infinity });
  installCachedDiskSize(PouchDB);

  const cfg = pouchApp.couchConfig;
  /** @type {(section: string, key: string, value: unknown) => Promise<void>} */
  const setConfig = (section, key, value) =>
    new Promise((resolve, reject) => cfg.set(section, key, value, (/** @type {unknown} */ err) => (err ? reject(err) : resolve())));

  // Trap 4: the default secret is random per process and never saved.
  if (!cfg._config.couch_httpd_auth?.secret) {
    await setConfig('couch_httpd_auth', 'secret', randomBytes(32).toString('hex'));
  }

  // How long a session lasts unused: the server's check and the cookie's Max-Age agree
  // (responseHeaders.mjs). Every cookie-authenticated request renews the cookie.
  if (sessionSeconds !== undefined && Number(cfg._config.couch_httpd_auth?.timeout) !== sessionSeconds) {
    await setConfig('couch_httpd_auth', 'timeout', sessionSeconds);
  }

  // The request log names every database touched (resident databases carry the user name) and
  // is never rotated: keep it to warnings unless someone asks for more in the config.
  if (!cfg._config.log?.level) await setConfig('log', 'level', 'warning');

  // Trap 8, at the database layer: only server admins may write with new_edits:false.
  const wrappers = require('pouchdb-wrappers');
  pouchApp.dbWrapper.registerWrapper((/** @type {string} */ _name, /** @type {any} */ db, /** @type {() => void} */ next) => {
    wrappers.installWrapperMethods(db, {
      bulkDocs(/** @type {() => Promise<unknown>} */ orig, /** @type {any} */ args) {
        const ctx = args.options.userCtx; // undefined for in-process calls (ours)
        if (args.options.new_edits === false && ctx && !ctx.roles.includes('_admin')) {
          return Promise.reject(new CouchError(403, 'forbidden', 'new_edits=false is reserved for server admins'));
        }
        return orig();
      },
    });
    next();
  });

  const epUtils = require('express-pouchdb/lib/utils');
  const { getOrCreateDB, deleteDB } = require('express-pouchdb/lib/create-or-delete-dbs');

  // The wrapped _users database (hashes passwords on write, checks sessions). Rebuilt when the
  // admins or the auth settings change, as express-pouchdb does for its own copy.
  /** @type {Promise<any> | undefined} */
  let usersDbPromise;
  const openUsersDb = epUtils.getUsersDB;
  const usersDb = () => (usersDbPromise ??= openUsersDb(pouchApp, PouchDB));
  // express-pouchdb's sign-in (POST /_session, routes/session.js) calls utils.getUsersDB on every
  // request: a new `_users` PouchDB object, wrapped as an authentication database, which
  // pouchdb-auth then keeps in its module-level list (utils.dbData.dbs) for good: about 24 KB
  // per sign-in (issue 22: 15,881 sign-ins took the server from 214 to 817 MB). Our app's sign-ins
  // get the one wrapped instance instead (rebuilt on a config change, as express-pouchdb's own).
  epUtils.getUsersDB = (/** @type {unknown} */ app, /** @type {unknown} */ P) => (app === pouchApp ? usersDb() : openUsersDb(app, P));
  cfg.on('admins', () => (usersDbPromise = undefined));
  cfg.on('couch_httpd_auth', () => (usersDbPromise = undefined));

  // Every request to a database reads its _security (the guard's membership check): kept here,
  // forgotten whenever anyone writes one (this Store, an admin's PUT /db/<db>/_security) or the
  // database goes.
  /** @type {Map<string, any>} */
  const securityOf = new Map();
  const putSecurity = PouchDB.prototype.putSecurity;
  PouchDB.prototype.putSecurity = function (/** @type {unknown[]} */ ...args) {
    securityOf.delete(this.name);
    const result = putSecurity.apply(this, args);
    Promise.resolve(result).then(
      () => securityOf.delete(this.name),
      () => securityOf.delete(this.name),
    );
    return result;
  };
  PouchDB.on('destroyed', (/** @type {string} */ name) => securityOf.delete(name));

  // An open database straight from the cache (the LRU's: it counts the use): getOrCreateDB runs
  // every call through express-pouchdb's one queue of opens, deletes and the LRU's closes, so each
  // of the guard's reads and writes waited behind any database being closed (at 10,000 residents
  // the backstop's opens made the LRU close one every half second). A database the LRU closes
  // meanwhile is opened again on its next use (openDatabases.mjs), as the router's reads rely on.
  /** @param {string} name */
  const open = async (name) => (name === '_users' ? usersDb() : (PouchDB.__dbCacheMap?.get(name) ?? getOrCreateDB(PouchDB, name)));

  /** @param {string} name */
  async function dbExists(name) {
    return lru.exists(name);
  }

  /** @param {string} name */
  async function openExisting(name) {
    if (!(await dbExists(name))) throw new CouchError(404, 'not_found', 'Database does not exist.');
    return open(name);
  }

  /**
   * @template T
   * @param {() => Promise<T>} fn
   */
  const couch = async (fn) => {
    try {
      return await fn();
    } catch (err) {
      throw toCouchError(err);
    }
  };

  /** @type {Store} */
  const store = {
    mode: 'embedded',
    dbExists,
    listDatabases: async () => /** @type {string[]} */ (await PouchDB.allDbs()),
    async createDb(name) {
      await couch(async () => (await open(name)).info());
    },
    async deleteDb(name) {
      await couch(async () => deleteDB(PouchDB, name));
    },
    getSecurity: (name) =>
      couch(async () => {
        const hit = securityOf.get(name);
        if (hit) return structuredClone(hit);
        const sec = await (await openExisting(name)).getSecurity();
        if (securityOf.size >= 10_000) securityOf.delete(/** @type {string} */ (securityOf.keys().next().value));
        securityOf.set(name, sec);
        return structuredClone(sec);
      }),
    putSecurity: (name, sec) =>
      couch(async () => {
        await (await openExisting(name)).putSecurity(sec);
      }),
    get: (dbName, id) =>
      couch(async () => {
        const db = await openExisting(dbName);
        try {
          return await db.get(id);
        } catch (err) {
          if (/** @type {{ status?: number }} */ (err).status === 404) return null;
          throw err;
        }
      }),
    put: (dbName, doc) =>
      couch(async () => {
        const res = await (await openExisting(dbName)).put(doc);
        return { id: res.id, rev: res.rev };
      }),
    bulkDocs: (dbName, docs) =>
      couch(async () => {
        const rows = await (await openExisting(dbName)).bulkDocs(docs);
        return rows.map((/** @type {any} */ r) =>
          r.ok ? { ok: true, id: r.id, rev: r.rev } : { id: r.id, error: r.name ?? 'error', reason: r.message ?? r.reason ?? '' },
        );
      }),
    existingIds: (dbName, ids) =>
      couch(async () => {
        if (ids.length === 0) return new Set();
        const res = await (await openExisting(dbName)).allDocs({ keys: ids });
        return new Set(res.rows.filter((/** @type {any} */ r) => r.value && !r.error).map((/** @type {any} */ r) => r.id));
      }),
    allDocs: (dbName, opts) =>
      couch(async () => {
        const res = await (await openExisting(dbName)).allDocs(opts);
        return res.rows;
      }),
    // PouchDB keeps the update sequence in memory: no read of the files (the request registry
    // skips a `_changes` read when nothing was written since its last).
    headSeq: (dbName) => couch(async () => Number((await (await openExisting(dbName)).info()).update_seq)),
    // One page of `_changes`; `selector` filters in process (the request registry's anchors).
    changes: (dbName, { since, limit, include_docs = true, selector }) =>
      couch(async () => {
        const res = await (await openExisting(dbName)).changes({ since, limit, include_docs, batch_size: limit, ...(selector ? { selector } : {}) });
        return { results: res.results, last_seq: res.last_seq };
      }),
    async verifyPassword(name, password) {
      if (typeof name !== 'string' || typeof password !== 'string' || !name) return null;
      try {
        const res = await (await usersDb()).multiUserLogIn(name, password);
        // A server admin still on a weak hash (an older version's 10 iterations): replaced now
        // that the password is known.
        if ((res.roles ?? []).includes('_admin') && cfg._config.admins?.[name] && weakAdminHash(cfg._config.admins[name])) {
          hashAdminPassword(password)
            .then((hash) => setConfig('admins', name, hash))
            .catch(() => {});
        }
        return { name: res.name, roles: res.roles ?? [] };
      } catch {
        return null;
      }
    },
    async sessionFromCookie(value) {
      try {
        const res = await (await usersDb()).multiUserSession(value);
        return res.info?.authenticated && res.userCtx?.name ? { name: res.userCtx.name, roles: res.userCtx.roles ?? [] } : null;
      } catch {
        return null;
      }
    },
    async close() {
      lru.stop();
      await lru.flush().catch(() => {});
      for (const stop of closeFeeds.splice(0)) stop();
      const cache = PouchDB.__dbCacheMap;
      const dbs = cache ? [...cache.values()] : [];
      await Promise.allSettled(dbs.map((/** @type {any} */ db) => db.close()));
      releaseLock();
    },
  };

  /**
   * The server admin 'admin': created on first start (with `password`, or a generated one that
   * the caller prints once); when `password` is given and differs from the stored one, the
   * stored one is replaced. Stored hashed (PBKDF2) in pouchdb-config.json.
   * @param {string | undefined} password
   * @returns {Promise<{ name: string, created: boolean, updated: boolean, generatedPassword?: string }>}
   */
  async function ensureAdmin(password, name = 'admin') {
    const existing = cfg._config.admins?.[name];
    if (!existing) {
      const pw = password || generatePassword();
      await setConfig('admins', name, await hashAdminPassword(pw));
      return { name, created: true, updated: false, ...(password ? {} : { generatedPassword: pw }) };
    }
    if (password && !(await store.verifyPassword(name, password))) {
      await setConfig('admins', name, await hashAdminPassword(password));
      return { name, created: false, updated: true };
    }
    return { name, created: false, updated: false };
  }

  /**
   * Calls `listener` after every change to an account (`_users`), for caches of who a cookie is.
   * @param {() => void} listener
   */
  function onUsersChange(listener) {
    usersDb()
      .then((/** @type {any} */ db) => {
        const feed = db.changes({ live: true, since: 'now' });
        feed.on('change', () => listener());
        feed.on('error', () => {});
        closeFeeds.push(() => feed.cancel());
      })
      .catch(() => {});
  }
  /** @type {(() => void)[]} */
  const closeFeeds = [];

  return { handler: pouchApp, store, ensureAdmin, PouchDB, openDatabases: lru, onUsersChange };
}

/**
 * PouchDB Server's `disk_size` in a database's info (pouchdb-size) listed every file of the
 * database's folder on every info read, and the sign-in code reads `_users`' info on every
 * request that carries a cookie or none (pouchdb-auth's multiUserSession): a directory listing
 * per request. The size is now measured at most once a minute per database, in the background;
 * an info read answers the last measure (none yet: measured now, once).
 * @param {any} PouchDB after setPouchDB (the disk-size plug-in installed)
 */
function installCachedDiskSize(PouchDB) {
  const measure = PouchDB.prototype.getDiskSize;
  if (typeof measure !== 'function') return;
  const wrappers = require('pouchdb-wrappers');
  /** @type {Map<string, { size: number | undefined, at: number, pending: Promise<void> | null }>} */
  const sizes = new Map();
  /** @param {any} db */
  const refresh = (db) => {
    let entry = sizes.get(db.name);
    if (!entry) sizes.set(db.name, (entry = { size: undefined, at: 0, pending: null }));
    const e = entry;
    e.pending ??= Promise.resolve(measure.call(db))
      .then((size) => {
        e.size = Number(size);
      })
      .catch(() => {})
      .finally(() => {
        e.at = Date.now();
        e.pending = null;
      });
    return e;
  };
  PouchDB.prototype.installSizeWrapper = function () {
    const db = this;
    wrappers.installWrapperMethods(db, {
      info(/** @type {() => Promise<any>} */ orig) {
        return orig().then(async (/** @type {any} */ info) => {
          let e = sizes.get(db.name);
          if (!e || Date.now() - e.at > 60_000) {
            const first = !e;
            e = refresh(db);
            if (first) await e.pending;
          }
          if (e.size !== undefined) info.disk_size = e.size;
          return info;
        });
      },
    });
  };
  PouchDB.on('destroyed', (/** @type {string} */ name) => sizes.delete(name));
}


/**
 * Takes <dir>/hearthline.pid for this process, or throws when a live process holds it. A lock
 * left by a dead process (kill -9, power loss) is taken over.
 * @param {string} dir
 * @returns {() => void} release
 */
export function lockDataDir(dir) {
  const lock = tryPidLock(path.join(dir, 'hearthline.pid'));
  if ('heldBy' in lock) {
    throw new Error(`the data directory ${dir} is in use by another Hearthline process (pid ${lock.heldBy || '?'}); stop it or set HEARTHLINE_DATA`);
  }
  process.once('exit', lock.release);
  return lock.release;
}
