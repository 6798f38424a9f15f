// @ts-check
/**
 * The one client of the database server (Apache CouchDB, or PouchDB Server embedded or behind
 * a Hearthline server's /db), for the backend's Store over HTTP (../backend/remote.mjs), the
 * followers (router, publisher, outage feed), the command lines and the benches:
 *
 *   parseCouchUrl(url)             where the server is and the admin's credentials (./url.mjs)
 *   createCouchRequest({ url })    one JSON request with the admin's credentials
 *   openHttpDatabase(url, auth)    a PouchDB instance of one database over HTTP
 *   streamAllDocs(db)              every document in id order, in rounds (./stream.mjs)
 *
 * and what the followers need of it, as a server admin, in either backend mode:
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
import { CouchError } from '../backend/errors.mjs';
import { parseCouchUrl } from './url.mjs';
import { databaseNamespace, ownAccounts } from './namespace.mjs';

export { parseCouchUrl } from './url.mjs';
export { databaseNamespace, dbPrefixFromEnv } from './namespace.mjs';
export { streamAllDocs } from './stream.mjs';

const require = createRequire(import.meta.url);

/** @type {any} */
let HttpPouchDB = null;
/** PouchDB with the HTTP adapter only, built once. */
function httpPouchDB() {
  HttpPouchDB ??= require('pouchdb-core').plugin(require('pouchdb-adapter-http'));
  return HttpPouchDB;
}

/**
 * JSON requests to the database server with the admin credentials of its URL.
 * @param {{ url: string | URL, timeoutMs?: number, dbPrefix?: string }} options
 *   dbPrefix: the namespace of databases on a shared CouchDB (./namespace.mjs): a request's
 *   database is renamed on the way out ('' or absent: none)
 */
export function createCouchRequest({ url, timeoutMs = 30_000, dbPrefix = '' }) {
  const { base, authorization, display } = parseCouchUrl(url);
  const namespace = databaseNamespace(dbPrefix);
  /**
   * @param {string} method
   * @param {string} path starts with '/'
   * @param {unknown} [body]
   * @param {Record<string, string>} [headers] replaces the admin Authorization when it has one
   *   ('' sends none)
   * @param {{ signal?: AbortSignal, timeoutMs?: number }} [opts]
   * @returns {Promise<{ status: number, json: any, headers: Headers }>}
   */
  async function request(method, path, body, headers = {}, opts = {}) {
    /** @type {Record<string, string>} */
    const h = { accept: 'application/json', ...(authorization ? { authorization } : {}), ...headers };
    if (!h.authorization) delete h.authorization;
    if (body !== undefined) h['content-type'] = 'application/json';
    const timeout = AbortSignal.timeout(opts.timeoutMs ?? timeoutMs);
    let res;
    try {
      res = await fetch(base + namespace.path(path), {
        method,
        headers: h,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout,
        redirect: 'manual',
      });
    } catch (err) {
      if (opts.signal?.aborted) throw err;
      const c = /** @type {{ cause?: { code?: string, message?: string, errors?: { code?: string }[] } }} */ (err).cause;
      const cause = c?.code ?? c?.errors?.[0]?.code ?? /** @type {Error} */ (err).name;
      throw new CouchError(502, 'bad_gateway', `The database server at ${display} is not reachable (${cause}).`);
    }
    const text = await res.text();
    let json;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = text;
    }
    return { status: res.status, json, headers: res.headers };
  }
  return { base, display, authorization, request, namespace };
}

/**
 * A PouchDB instance of one database over HTTP (never creates it: skip_setup).
 * @param {string} url the database URL (credentials may be in it, or given in `auth`)
 * @param {{ username: string, password: string }} [auth]
 * @param {{ compress?: boolean }} [options] compress: let the server gzip its responses (default
 *   no: over the loopback or a LAN gzip costs both ends CPU for nothing)
 */
export function openHttpDatabase(url, auth, { compress = false } = {}) {
  const PouchDB = httpPouchDB();
  const parsed = new URL(url);
  let credentials = auth;
  if (!credentials && parsed.username) {
    credentials = { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
  }
  parsed.username = '';
  parsed.password = '';
  return new PouchDB(parsed.toString().replace(/\/+$/, ''), {
    adapter: 'http',
    skip_setup: true,
    ...(credentials ? { auth: credentials } : {}),
    ...(compress ? {} : { headers: { 'Accept-Encoding': 'identity' } }),
  });
}

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
      const exists = typeof PouchDB.hasDatabase === 'function' ? await PouchDB.hasDatabase(name) : (await PouchDB.allDbs()).includes(name);
      if (!exists) {
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
 * @param {{ url: string, timeoutMs?: number, dbPrefix?: string }} options dbPrefix: see
 *   createCouchRequest; names in and out are those of databaseNames.ts
 * @returns {Couch}
 */
export function createHttpCouch({ url, timeoutMs = 60_000, dbPrefix = '' }) {
  const { base, authorization, request, namespace } = createCouchRequest({ url, timeoutMs, dbPrefix });
  if (!authorization) throw new Error('COUCHDB_URL needs the server admin credentials: http://admin:password@host:port');
  const PouchDB = httpPouchDB();
  /** @type {Map<string, any>} */
  const cache = new Map();
  return {
    mode: 'http',
    description: base,
    async listDatabases() {
      const res = await request('GET', '/_all_dbs');
      if (res.status !== 200 || !Array.isArray(res.json)) {
        throw Object.assign(new Error(`GET ${base}/_all_dbs: HTTP ${res.status} ${res.json?.reason ?? ''}`.trim()), { status: res.status });
      }
      return namespace.prefix ? res.json.map(namespace.logical).filter((/** @type {string | null} */ n) => n !== null) : res.json;
    },
    async db(name) {
      let db = cache.get(name);
      if (!db) {
        db = new PouchDB(`${base}/${encodeURIComponent(namespace.physical(name))}`, {
          skip_setup: true,
          fetch: (/** @type {any} */ u, /** @type {any} */ opts) => {
            opts.headers.set('Authorization', authorization);
            return fetch(u, { ...opts, signal: opts?.signal ?? AbortSignal.timeout(timeoutMs) });
          },
        });
        if (name === '_users' && namespace.prefix) {
          // the accounts of this namespace only (./namespace.mjs): the notifier lists staff from here
          const allDocs = db.allDocs.bind(db);
          db.allDocs = async (/** @type {any} */ opts) => {
            const res = await allDocs(opts);
            return opts?.include_docs ? { ...res, rows: ownAccounts(namespace, res.rows) } : res;
          };
        }
        cache.set(name, db);
      }
      return db;
    },
    async dbUpdates({ since, signal, timeoutMs: pollMs = 55_000 }) {
      const res = await request('GET', `/_db_updates?feed=longpoll&timeout=${pollMs}&since=${encodeURIComponent(String(since))}`, undefined, {}, { signal, timeoutMs: pollMs + 30_000 });
      if (res.status !== 200 || !res.json || !Array.isArray(res.json.results)) {
        throw Object.assign(new Error(`GET ${base}/_db_updates: HTTP ${res.status} ${res.json?.reason ?? res.json?.error ?? ''}`.trim()), { status: res.status });
      }
      // Another namespace's databases are not ours to follow.
      const results = namespace.prefix
        ? res.json.results.flatMap((/** @type {{ db_name: string }} */ r) => {
            const name = namespace.logical(r.db_name);
            return name === null ? [] : [{ ...r, db_name: name }];
          })
        : res.json.results;
      return { results, last_seq: res.json.last_seq };
    },
    async close() {
      const dbs = [...cache.values()];
      cache.clear();
      await Promise.allSettled(dbs.map((db) => db.close()));
    },
  };
}
