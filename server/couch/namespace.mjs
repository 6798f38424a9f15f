// @ts-check
/**
 * A namespace of databases on a shared database server (HEARTHLINE_DB_PREFIX, proxy mode only).
 *
 * Every name of src/db/databaseNames.ts (operations, router-state, resident-…, station-…, the
 * server-only ones) is stored on CouchDB as <prefix><name>; CouchDB's own databases (a leading
 * '_': _users, _replicator, _global_changes) are not renamed. The mapping sits at the one
 * boundary to CouchDB (this client, the proxy of /db): browsers, the guard, the rules and the
 * followers keep the names of databaseNames.ts, so a device never learns the prefix.
 *
 * Why: the integration suite runs every test file in its own namespace on one shared CouchDB
 * (tests/support/server.ts), and a staging deployment may share a cluster with
 * production. CouchDB has one `_users`: user names stay global, and a namespace is not a
 * security boundary between deployments. So that a server lists only its own staff and
 * residents (the notifier's recipients, list-staff, the customer directory), the accounts it
 * writes carry its namespace (NAMESPACE_FIELD) and its reads of `_users` with their documents
 * leave out the others' (ownAccounts).
 */

/** The field of a `_users` document naming the namespace of the server that wrote it last. */
export const NAMESPACE_FIELD = 'hearthlineNamespace';

/**
 * A user document as a server of this namespace writes it.
 * @param {DatabaseNamespace} namespace
 * @param {Record<string, any>} doc
 */
export function markAccount(namespace, doc) {
  if (!namespace.prefix || doc._deleted || !String(doc._id ?? '').startsWith('org.couchdb.user:')) return doc;
  return { ...doc, [NAMESPACE_FIELD]: namespace.prefix };
}

/**
 * The rows of an _all_docs of `_users` read with their documents, without other namespaces'
 * accounts (rows without a document are kept: nothing tells whose they are).
 * @template {{ doc?: Record<string, any> | null }} R
 * @param {DatabaseNamespace} namespace
 * @param {R[]} rows
 * @returns {R[]}
 */
export function ownAccounts(namespace, rows) {
  if (!namespace.prefix) return rows;
  return rows.filter((r) => !r.doc || !String(r.doc._id ?? '').startsWith('org.couchdb.user:') || r.doc[NAMESPACE_FIELD] === namespace.prefix);
}

/** A prefix CouchDB accepts at the start of a database name, without '/' (kept out of paths). */
const PREFIX = /^[a-z][a-z0-9_$()+-]{0,63}$/;

/**
 * @typedef {object} DatabaseNamespace
 * @property {string} prefix '' when there is none
 * @property {(name: string) => string} physical the name on CouchDB of a name of databaseNames.ts
 * @property {(name: string) => string | null} logical the name of databaseNames.ts of a name on
 *   CouchDB; null when it belongs to no namespace of ours (another prefix)
 * @property {(path: string) => string} path a request path ('/name/rest?query') with its
 *   database renamed ('/', '/_session', '/_users/…' unchanged)
 */

/**
 * @param {string} [prefix]
 * @returns {DatabaseNamespace}
 */
export function databaseNamespace(prefix = '') {
  if (prefix !== '' && !PREFIX.test(prefix)) {
    throw new Error(`HEARTHLINE_DB_PREFIX must start with a lower-case letter and hold only a-z 0-9 _ $ ( ) + - (at most 64), got ${JSON.stringify(prefix)}`);
  }
  if (prefix === '') return { prefix, physical: (name) => name, logical: (name) => name, path: (p) => p };
  const system = (/** @type {string} */ name) => name.startsWith('_');
  return {
    prefix,
    physical: (name) => (system(name) ? name : prefix + name),
    logical: (name) => (system(name) ? name : name.startsWith(prefix) ? name.slice(prefix.length) : null),
    path(p) {
      const m = /^\/([^/?#]+)(.*)$/s.exec(p);
      if (!m) return p;
      let first;
      try {
        first = decodeURIComponent(/** @type {string} */ (m[1]));
      } catch {
        return p; // CouchDB answers a malformed name itself
      }
      return system(first) ? p : `/${encodeURIComponent(prefix)}${m[1]}${m[2]}`;
    },
  };
}

/**
 * The namespace of a process's environment: HEARTHLINE_DB_PREFIX, with COUCHDB_URL only (the
 * embedded backend's data folder is its own namespace already).
 * @param {NodeJS.ProcessEnv} env
 */
export function dbPrefixFromEnv(env) {
  return env.COUCHDB_URL ? env.HEARTHLINE_DB_PREFIX || '' : '';
}
