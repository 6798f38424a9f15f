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
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { CouchError, toCouchError } from './errors.mjs';
import { generatePassword } from './passwords.mjs';
import { isAlive } from '../processes.mjs';

const require = createRequire(import.meta.url);

/** @typedef {import('./store.mjs').Store} Store */
/** @typedef {import('./store.mjs').UserCtx} UserCtx */

/**
 * @param {{ dataDir: string, adapter?: 'leveldb' | 'memory', sessionSeconds?: number }} options
 */
export async function createEmbedded({ dataDir, adapter = 'leveldb', sessionSeconds }) {
  const dir = path.resolve(dataDir);
  await mkdir(dir, { recursive: true });
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
    overrideMode: { exclude: ['routes/fauxton', 'routes/replicate', 'replicator'] },
  });
  await pouchApp.setPouchDB(PouchDB);

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
  const usersDb = () => (usersDbPromise ??= epUtils.getUsersDB(pouchApp, PouchDB));
  cfg.on('admins', () => (usersDbPromise = undefined));
  cfg.on('couch_httpd_auth', () => (usersDbPromise = undefined));

  /** @param {string} name */
  const open = async (name) => (name === '_users' ? usersDb() : getOrCreateDB(PouchDB, name));

  /** @param {string} name */
  async function dbExists(name) {
    return /** @type {string[]} */ (await PouchDB.allDbs()).includes(name);
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
    getSecurity: (name) => couch(async () => (await openExisting(name)).getSecurity()),
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
    changes: (dbName, opts) => couch(async () => (await openExisting(dbName)).changes(opts)),
    allDocs: (dbName, opts) =>
      couch(async () => {
        const res = await (await openExisting(dbName)).allDocs(opts);
        return res.rows;
      }),
    async verifyPassword(name, password) {
      if (typeof name !== 'string' || typeof password !== 'string' || !name) return null;
      try {
        const res = await (await usersDb()).multiUserLogIn(name, password);
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
      await setConfig('admins', name, pw);
      return { name, created: true, updated: false, ...(password ? {} : { generatedPassword: pw }) };
    }
    if (password && !(await store.verifyPassword(name, password))) {
      await setConfig('admins', name, password);
      return { name, created: false, updated: true };
    }
    return { name, created: false, updated: false };
  }

  return { handler: pouchApp, store, ensureAdmin, PouchDB };
}


/**
 * Takes <dir>/hearthline.pid for this process, or throws when a live process holds it. A lock
 * left by a dead process (kill -9, power loss) is taken over.
 * @param {string} dir
 * @returns {() => void} release
 */
export function lockDataDir(dir) {
  const file = path.join(dir, 'hearthline.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      const release = () => {
        try {
          if (readFileSync(file, 'utf8') === String(process.pid)) rmSync(file, { force: true });
        } catch {
          // already gone
        }
      };
      process.once('exit', release);
      return release;
    } catch (err) {
      if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'EEXIST') throw err;
    }
    const pid = Number(readFileSync(file, 'utf8').trim());
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new Error(`the data directory ${dir} is in use by another Hearthline process (pid ${pid}); stop it or set HEARTHLINE_DATA`);
    }
    rmSync(file, { force: true });
  }
  throw new Error(`could not lock the data directory ${dir}`);
}
