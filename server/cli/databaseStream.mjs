// @ts-check
/**
 * Reads every document of a CouchDB database through PouchDB's HTTP adapter as a stream, in
 * document id order: `_all_docs` (include_docs) range by range, several ranges in flight at
 * once, so at most `concurrency` + 1 pages are in memory whatever the size of the database.
 * Design documents are skipped. Used by `npm run results` and bench/results.ts.
 *
 * Why ranges in flight: reading one page after another, the embedded backend (PouchDB Server
 * on LevelDB) reads a page's documents from LevelDB one after another, and its main thread
 * sat idle most of the read (63 % in a profile) waiting on them: several ranges at once
 * overlap those waits. When the machine's cores are busy, the server's own CPU (LevelDB
 * reads, JSON decoding and encoding: 130-150 µs a document, bench:results prints it) is the
 * limit and reading several ranges at once gains little. The ranges are cut
 * ahead of the reads by asking for the id `pageSize` places on (`skip`, no documents:
 * cheap), each page is then `[start, end)` of ids, and pages are handed out in order, so the
 * documents come in the same order as a read page by page (the fold sees the same sequence).
 * A document added while reading lands in exactly one range.
 *
 * Why no compression: responses come over the loopback or a LAN; gzip cost the server and
 * this reader CPU (the machine's cores are shared with the server) for no gain.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * @param {string} url the database URL (credentials may be in it, or given in `auth`)
 * @param {{ username: string, password: string }} [auth]
 * @param {{ compress?: boolean }} [options] compress: let the server gzip its responses (default no)
 */
export function openHttpDatabase(url, auth, { compress = false } = {}) {
  const PouchDB = require('pouchdb-core').plugin(require('pouchdb-adapter-http'));
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
 * @param {any} db a PouchDB database
 * @param {{ pageSize?: number, concurrency?: number }} [options] concurrency: pages requested at once (1: one after another)
 * @returns {AsyncGenerator<Record<string, unknown>>}
 */
export async function* streamAllDocs(db, { pageSize = 2000, concurrency = 4 } = {}) {
  /** The id `pageSize` places after `start` (from the first id when undefined): the end of the range that begins at `start`. */
  const rangeEnd = async (/** @type {string | undefined} */ start) => {
    const res = await db.allDocs({ limit: 1, skip: pageSize, ...(start !== undefined ? { startkey: start } : {}) });
    return res.rows.length ? /** @type {string} */ (res.rows[0].id) : undefined;
  };
  /** @param {string | undefined} start @param {string | undefined} end */
  const page = async (start, end) => {
    const res = await db.allDocs({
      include_docs: true,
      ...(start !== undefined ? { startkey: start } : {}),
      ...(end !== undefined ? { endkey: end, inclusive_end: false } : {}),
    });
    return /** @type {{ id: string, doc?: Record<string, unknown> }[]} */ (res.rows);
  };

  // Ranges are cut one after another (each starts where the previous ended); a page is
  // requested as soon as its range is known.
  /** @type {Promise<{ start: string | undefined } | null>} */
  let frontier = Promise.resolve({ start: undefined });
  const next = () => {
    const range = frontier.then(async (from) => (from === null ? null : { start: from.start, end: await rangeEnd(from.start) }));
    frontier = range.then((r) => (r === null || r.end === undefined ? null : { start: r.end }));
    const rows = range.then((r) => (r === null ? null : page(r.start, r.end)));
    rows.catch(() => {}); // awaited in turn; never an unhandled rejection if the reader stops early
    frontier.catch(() => {});
    return rows;
  };
  const inFlight = Array.from({ length: Math.max(1, concurrency) }, next);
  for (;;) {
    const rows = await /** @type {Promise<{ id: string, doc?: Record<string, unknown> }[] | null>} */ (inFlight.shift());
    if (rows === null) return;
    inFlight.push(next());
    for (const row of rows) {
      if (row.id.startsWith('_design/') || !row.doc) continue;
      yield row.doc;
    }
  }
}
