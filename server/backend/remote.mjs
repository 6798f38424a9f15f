// @ts-check
/**
 * A Store over HTTP with server-admin credentials: Apache CouchDB 3.x in proxy mode, and the
 * running Hearthline server's /db for the admin CLI. Its requests go through the one CouchDB
 * client (server/couch/).
 */
import { CouchError } from './errors.mjs';
import { createCouchRequest } from '../couch/index.mjs';
import { markAccount, ownAccounts } from '../couch/namespace.mjs';
import { parseDatabaseName } from '../../src/db/databaseNames.ts';

// Where the URL is read (server/couch/url.mjs); proxy.mjs and index.mjs import it from here.
export { parseCouchUrl } from '../couch/url.mjs';

/** @typedef {import('./store.mjs').Store} Store */

/** @param {string} name */
const enc = (name) => encodeURIComponent(name);
/** Document ids: _design/x and _local/x keep their slash, as CouchDB expects. */
const docPath = (/** @type {string} */ id) => (/^_(design|local)\//.test(id) ? id.replace(/^(_\w+\/)(.*)$/, (_, p, rest) => p + enc(rest)) : enc(id));

/**
 * @param {{ url: string | URL, timeoutMs?: number, mode?: 'proxy' | 'remote', personalShards?: number | null, dbPrefix?: string, securityTtlMs?: number }} options
 *   personalShards: the shards (CouchDB's `q`) of each resident's and station's database (1: they
 *   are small, and CouchDB's default of 2 doubles the shard files per resident for nothing;
 *   null: CouchDB's default); other databases (operations, _users, router-state) keep the default;
 *   dbPrefix: the namespace on a shared CouchDB (proxy mode, ../couch/namespace.mjs);
 *   securityTtlMs: how long a database's security object read here is answered again without
 *   asking (0: always asked). The guard reads it on every member's request to learn who may use
 *   the database; on CouchDB that read was a quarter of a resident's write's requests and waited
 *   77 ms behind 50 writers (bench:scale). Security objects are written when a database is made
 *   (sign-up, setup) and hardly ever after: a write through this store or this server's proxy
 *   (`forgetSecurity`) is seen at once; one made elsewhere (another server, CouchDB directly)
 *   within the TTL. A database that does not exist is never kept (one made meanwhile is seen at once).
 * @returns {Store & { request: (method: string, path: string, body?: unknown, headers?: Record<string, string>) => Promise<{ status: number, json: any, headers: Headers }>, display: string, forgetSecurity: (name: string) => void }}
 */
export function createRemoteStore({ url, timeoutMs = 30_000, mode = 'proxy', personalShards = 1, dbPrefix = '', securityTtlMs = 0 }) {
  const { request, display, namespace } = createCouchRequest({ url, timeoutMs, dbPrefix });
  /** @type {Map<string, { sec: import('./store.mjs').SecurityObject, until: number }>} at most 10,000, the oldest forgotten first */
  const securityOf = new Map();
  // Bumped by every forget: a read under way when the object changed does not keep the old one.
  let forgotten = 0;
  const forgetSecurity = (/** @type {string} */ name) => {
    forgotten++;
    securityOf.delete(name);
  };

  /**
   * @param {Awaited<ReturnType<typeof request>>} res
   * @param {string} what
   */
  function fail(res, what) {
    const j = res.json && typeof res.json === 'object' ? res.json : {};
    return new CouchError(res.status, j.error ?? 'error', j.reason ?? `${what}: HTTP ${res.status}`);
  }

  /** @type {Store['dbExists']} */
  async function dbExists(name) {
    const res = await request('GET', `/${enc(name)}`);
    if (res.status === 200) return true;
    if (res.status === 404) return false;
    throw fail(res, `GET /${name}`);
  }

  return {
    mode,
    display,
    request,
    dbExists,
    async createDb(name) {
      const kind = parseDatabaseName(name).kind;
      const q = personalShards !== null && (kind === 'resident' || kind === 'station') ? `?q=${personalShards}` : '';
      const res = await request('PUT', `/${enc(name)}${q}`);
      if (res.status === 201 || res.status === 202 || res.status === 412) return;
      throw fail(res, `PUT /${name}`);
    },
    async deleteDb(name) {
      forgetSecurity(name);
      const res = await request('DELETE', `/${enc(name)}`);
      forgetSecurity(name); // as putSecurity
      if (res.status === 200 || res.status === 202 || res.status === 404) return;
      throw fail(res, `DELETE /${name}`);
    },
    async getSecurity(name) {
      const kept = securityOf.get(name);
      if (kept && kept.until > Date.now()) return structuredClone(kept.sec);
      const before = forgotten;
      const res = await request('GET', `/${enc(name)}/_security`);
      if (res.status !== 200) throw fail(res, `GET /${name}/_security`);
      const sec = res.json ?? {};
      if (securityTtlMs > 0 && forgotten === before) {
        securityOf.delete(name);
        if (securityOf.size >= 10_000) securityOf.delete(/** @type {string} */ (securityOf.keys().next().value));
        securityOf.set(name, { sec: structuredClone(sec), until: Date.now() + securityTtlMs });
      }
      return sec;
    },
    forgetSecurity,
    async putSecurity(name, sec) {
      forgetSecurity(name);
      const res = await request('PUT', `/${enc(name)}/_security`, sec);
      forgetSecurity(name); // and once it is written: a read begun before it keeps nothing
      if (res.status !== 200) throw fail(res, `PUT /${name}/_security`);
    },
    async get(db, id) {
      const res = await request('GET', `/${enc(db)}/${docPath(id)}`);
      if (res.status === 200) return res.json;
      if (res.status === 404 && res.json?.reason !== 'Database does not exist.' && res.json?.reason !== 'no_db_file') return null;
      throw fail(res, `GET /${db}/${id}`);
    },
    async put(db, doc) {
      const res = await request('PUT', `/${enc(db)}/${docPath(String(doc._id))}`, db === '_users' ? markAccount(namespace, doc) : doc);
      if (res.status === 201 || res.status === 202) return { id: res.json.id, rev: res.json.rev };
      throw fail(res, `PUT /${db}/${doc._id}`);
    },
    async bulkDocs(db, docs) {
      const res = await request('POST', `/${enc(db)}/_bulk_docs`, { docs });
      if (res.status !== 201 && res.status !== 202) throw fail(res, `POST /${db}/_bulk_docs`);
      return res.json.map((/** @type {any} */ r) =>
        r.ok || (r.rev && !r.error) ? { ok: true, id: r.id, rev: r.rev } : { id: r.id, error: r.error, reason: r.reason ?? '' },
      );
    },
    async existingIds(db, ids) {
      if (ids.length === 0) return new Set();
      const res = await request('POST', `/${enc(db)}/_all_docs`, { keys: ids });
      if (res.status !== 200) throw fail(res, `POST /${db}/_all_docs`);
      return new Set(res.json.rows.filter((/** @type {any} */ r) => r.value && !r.error).map((/** @type {any} */ r) => r.id));
    },
    async listDatabases() {
      const res = await request('GET', '/_all_dbs');
      if (res.status !== 200) throw fail(res, 'GET /_all_dbs');
      return namespace.prefix ? res.json.map(namespace.logical).filter((/** @type {string | null} */ n) => n !== null) : res.json;
    },
    async allDocs(db, opts) {
      const res = await request('POST', `/${enc(db)}/_all_docs`, opts);
      if (res.status !== 200) throw fail(res, `POST /${db}/_all_docs`);
      return db === '_users' ? ownAccounts(namespace, res.json.rows) : res.json.rows;
    },
    async changes(db, { since, limit, include_docs = true }) {
      // No `filter=_selector`: PouchDB Server (our own /db, in tests and the admin CLI) dies on it.
      const q = new URLSearchParams({ since: typeof since === 'string' ? since : JSON.stringify(since), limit: String(limit), include_docs: String(Boolean(include_docs)) });
      const res = await request('GET', `/${enc(db)}/_changes?${q}`);
      if (res.status !== 200) throw fail(res, `GET /${db}/_changes`);
      return { results: res.json.results, last_seq: res.json.last_seq };
    },
    async verifyPassword(name, password) {
      if (typeof name !== 'string' || typeof password !== 'string' || !name) return null;
      // Basic credentials that cannot be encoded (a ':' in the name) are never valid.
      if (name.includes(':')) return null;
      const res = await request('GET', '/_session', undefined, {
        authorization: `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`,
      });
      if (res.status !== 200 || res.json?.userCtx?.name !== name) return null;
      return { name, roles: res.json.userCtx.roles ?? [] };
    },
    async sessionFromCookie(value) {
      // Only the user's own cookie: the admin credentials must not be sent along.
      const res = await request('GET', '/_session', undefined, { authorization: '', cookie: `AuthSession=${value}` });
      if (res.status !== 200 || !res.json?.userCtx?.name) return null;
      return { name: res.json.userCtx.name, roles: res.json.userCtx.roles ?? [] };
    },
    async close() {},
  };
}
