// @ts-check
/**
 * Reads every document of a CouchDB database through PouchDB's HTTP adapter as a stream:
 * `_all_docs` page by page (include_docs), the next page requested while the current one is
 * handed out, so at most two pages are in memory whatever the size of the database.
 * Design documents are skipped. Used by `npm run results` and bench/results.ts.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * @param {string} url the database URL (credentials may be in it, or given in `auth`)
 * @param {{ username: string, password: string }} [auth]
 */
export function openHttpDatabase(url, auth) {
  const PouchDB = require('pouchdb-core').plugin(require('pouchdb-adapter-http'));
  const parsed = new URL(url);
  let credentials = auth;
  if (!credentials && parsed.username) {
    credentials = { username: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
  }
  parsed.username = '';
  parsed.password = '';
  return new PouchDB(parsed.toString().replace(/\/+$/, ''), { adapter: 'http', skip_setup: true, ...(credentials ? { auth: credentials } : {}) });
}

/**
 * @param {any} db a PouchDB database
 * @param {{ pageSize?: number }} [options]
 * @returns {AsyncGenerator<Record<string, unknown>>}
 */
export async function* streamAllDocs(db, { pageSize = 2000 } = {}) {
  /** @param {string | undefined} after */
  const page = (after) =>
    db.allDocs({ include_docs: true, limit: pageSize, ...(after !== undefined ? { startkey: after, skip: 1 } : {}) });
  let pending = page(undefined);
  for (;;) {
    const res = await pending;
    const rows = res.rows;
    if (rows.length === 0) return;
    const last = rows[rows.length - 1].id;
    pending = rows.length < pageSize ? Promise.resolve({ rows: [] }) : page(last);
    pending.catch(() => {}); // awaited on the next turn; never an unhandled rejection if the reader stops early
    for (const row of rows) {
      if (row.id.startsWith('_design/') || !row.doc) continue;
      yield row.doc;
    }
  }
}
