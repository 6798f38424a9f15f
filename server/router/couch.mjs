// @ts-check
/**
 * What the router needs of the database server, as a server admin, in either backend mode:
 *
 *   couch.listDatabases()  every database name
 *   couch.db(name)         a PouchDB instance of an EXISTING database (changes, info, bulkDocs
 *                          with new_edits:false, bulkGet, allDocs, get, put)
 *
 * - createPouchCouch({ PouchDB }): embedded mode, in the server's process. PouchDB is the
 *   constructor the backend built for its data folder (server/backend/embedded.mjs); instances
 *   come from express-pouchdb's own cache, so the router and /db share one instance per
 *   database. Opening a database that does not exist would CREATE it (LevelDB): the router
 *   only opens names it has seen in listDatabases().
 * - createHttpCouch({ url }): proxy mode and the standalone router: pouchdb-adapter-http with
 *   the admin credentials of the URL (Apache CouchDB, or a Hearthline server's /db, where an
 *   admin passes the guard untouched). Never creates a database (skip_setup).
 */
import { createRequire } from 'node:module';
import { parseCouchUrl } from '../backend/remote.mjs';

const require = createRequire(import.meta.url);

/**
 * @typedef {object} Couch
 * @property {'embedded' | 'http'} mode
 * @property {string} description for logs; never holds credentials
 * @property {() => Promise<string[]>} listDatabases
 * @property {(name: string) => Promise<any>} db a PouchDB instance; the database must exist
 * @property {() => Promise<void>} [close]
 * @property {(opts: { since: string | number, signal?: AbortSignal, timeoutMs?: number }) =>
 *   Promise<{ results: { db_name: string, type: string, seq?: unknown }[], last_seq: string | number }>} [dbUpdates]
 *   HTTP only: one long poll of CouchDB's `_db_updates` (which databases were created, updated,
 *   deleted since `since`, or 'now'); throws when the feed is not there (no `_global_changes` on
 *   a single node, not an admin, a PouchDB Server)
 * @property {(event: 'created' | 'destroyed', listener: (name: string) => void) => void} [onDatabaseEvent]
 *   embedded only: the PouchDB constructor's events (a database opened or created; destroyed)
 * @property {(event: 'created' | 'destroyed', listener: (name: string) => void) => void} [offDatabaseEvent]
 */

/**
 * @param {{ PouchDB: any }} options
 * @returns {Couch}
 */
export function createPouchCouch({ PouchDB }) {
  if (typeof PouchDB !== 'function') throw new TypeError('createPouchCouch: PouchDB must be a PouchDB constructor');
  // express-pouchdb installs pouchdb-all-dbs on the constructor it is given; a bare constructor
  // (tests, tools) gets it here.
  if (typeof PouchDB.allDbs !== 'function') require('pouchdb-all-dbs')(PouchDB);
  const { getOrCreateDB } = require('express-pouchdb/lib/create-or-delete-dbs');
  return {
    mode: 'embedded',
    description: 'in-process PouchDB',
    async listDatabases() {
      return /** @type {string[]} */ (await PouchDB.allDbs());
    },
    async db(name) {
      // Open already (by /db or by us): express-pouchdb drops it from this cache before it
      // deletes a database. Else open it only if it exists: opening would create it.
      const open = PouchDB.__dbCacheMap?.get(name);
      if (open) return open;
      if (!(/** @type {string[]} */ (await PouchDB.allDbs()).includes(name))) {
        throw Object.assign(new Error(`the database ${name} does not exist`), { status: 404, name: 'not_found' });
      }
      return getOrCreateDB(PouchDB, name);
    },
    // PouchDB's constructors share one event emitter: `created` at every open (a database that
    // appears is opened by whoever creates it), `destroyed` when one is deleted.
    onDatabaseEvent(event, listener) {
      PouchDB.on(event, listener);
    },
    offDatabaseEvent(event, listener) {
      PouchDB.removeListener(event, listener);
    },
  };
}

/**
 * @param {{ url: string, timeoutMs?: number }} options
 * @returns {Couch}
 */
export function createHttpCouch({ url, timeoutMs = 60_000 }) {
  const { base, authorization } = parseCouchUrl(url);
  if (!authorization) throw new Error('COUCHDB_URL needs the server admin credentials: http://admin:password@host:port');
  const PouchDB = require('pouchdb-core').plugin(require('pouchdb-adapter-http'));
  /** @type {Map<string, any>} */
  const cache = new Map();
  return {
    mode: 'http',
    description: base,
    async listDatabases() {
      let res;
      try {
        res = await fetch(`${base}/_all_dbs`, { headers: { authorization, accept: 'application/json' }, signal: AbortSignal.timeout(timeoutMs) });
      } catch (err) {
        const c = /** @type {{ cause?: { code?: string, message?: string, errors?: { code?: string }[] } }} */ (err).cause;
        const cause = c?.code ?? c?.errors?.[0]?.code ?? c?.message ?? /** @type {Error} */ (err).message;
        throw Object.assign(new Error(`the database server at ${base} is not reachable (${cause})`), { status: 502 });
      }
      const body = await res.json().catch(() => null);
      if (res.status !== 200 || !Array.isArray(body)) {
        throw Object.assign(new Error(`GET ${base}/_all_dbs: HTTP ${res.status} ${body?.reason ?? ''}`.trim()), { status: res.status });
      }
      return body;
    },
    async db(name) {
      let db = cache.get(name);
      if (!db) {
        db = new PouchDB(`${base}/${encodeURIComponent(name)}`, {
          skip_setup: true,
          fetch: (/** @type {any} */ u, /** @type {any} */ opts) => {
            opts.headers.set('Authorization', authorization);
            return fetch(u, { ...opts, signal: opts?.signal ?? AbortSignal.timeout(timeoutMs) });
          },
        });
        cache.set(name, db);
      }
      return db;
    },
    async dbUpdates({ since, signal, timeoutMs: pollMs = 55_000 }) {
      const url = `${base}/_db_updates?feed=longpoll&timeout=${pollMs}&since=${encodeURIComponent(String(since))}`;
      const res = await fetch(url, {
        headers: { authorization, accept: 'application/json' },
        signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(pollMs + 30_000)]) : AbortSignal.timeout(pollMs + 30_000),
      });
      const body = await res.json().catch(() => null);
      if (res.status !== 200 || !body || !Array.isArray(body.results)) {
        throw Object.assign(new Error(`GET ${base}/_db_updates: HTTP ${res.status} ${body?.reason ?? body?.error ?? ''}`.trim()), { status: res.status });
      }
      return { results: body.results, last_seq: body.last_seq };
    },
    async close() {
      const dbs = [...cache.values()];
      cache.clear();
      await Promise.allSettled(dbs.map((db) => db.close()));
    },
  };
}
