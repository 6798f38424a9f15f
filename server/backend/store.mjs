// @ts-check
/**
 * The Store: what the guard, the accounts API, setup and the admin CLI need from the database
 * server, with two implementations of one contract:
 *   embedded.mjs  in-process PouchDB (express-pouchdb's own instances)
 *   remote.mjs    HTTP with server-admin credentials (Apache CouchDB in proxy mode, or our own
 *                 /db for the admin CLI)
 * Every method acts as a server admin; the guard decides beforehand who may ask for what.
 * Failures are CouchErrors (errors.mjs) with CouchDB's status and error name.
 */

/**
 * @typedef {{ name: string | null, roles: string[] }} UserCtx
 * @typedef {{ names?: string[], roles?: string[] }} SecurityList
 * @typedef {{ admins?: SecurityList, members?: SecurityList }} SecurityObject
 * @typedef {{ ok: true, id: string, rev: string } | { id: string, error: string, reason: string }} BulkRow
 * @typedef {Record<string, any>} Doc
 *
 * @typedef {object} Store
 * @property {'embedded' | 'proxy' | 'remote'} mode
 * @property {(name: string) => Promise<boolean>} dbExists
 * @property {() => Promise<string[]>} listDatabases every database's name
 * @property {(name: string) => Promise<void>} createDb idempotent
 * @property {(name: string) => Promise<void>} deleteDb
 * @property {(name: string) => Promise<SecurityObject>} getSecurity
 * @property {(name: string, sec: SecurityObject) => Promise<void>} putSecurity
 * @property {(db: string, id: string) => Promise<Doc | null>} get null when missing or deleted
 * @property {(db: string, doc: Doc) => Promise<{ id: string, rev: string }>} put
 * @property {(db: string, docs: Doc[]) => Promise<BulkRow[]>} bulkDocs new_edits true, CouchDB's row shape
 * @property {(db: string, ids: string[]) => Promise<Set<string>>} existingIds ids with any revision (deleted ones too)
 * @property {(db: string, opts: Record<string, unknown>) => Promise<any[]>} allDocs the rows
 * @property {(db: string, opts: { since: string | number, limit: number, include_docs?: boolean, selector?: object }) => Promise<{ results: any[], last_seq: string | number }>} changes one page of `_changes` (filtered by `selector` in embedded mode only)
 * @property {(db: string) => Promise<number>} [headSeq] embedded only: the database's update sequence (PouchDB's, an integer each stored revision raises by one), read from memory
 * @property {(name: string, password: string) => Promise<UserCtx | null>} verifyPassword
 * @property {(cookieValue: string) => Promise<UserCtx | null>} sessionFromCookie the AuthSession cookie's value
 * @property {() => Promise<void>} close
 */

export {};
