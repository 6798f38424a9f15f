// @ts-check
/**
 * Reads every document of a CouchDB database through PouchDB's HTTP adapter as a stream, in
 * document id order, in rounds: the ids of the next `concurrency` × `pageSize` documents
 * (`_all_docs` without documents: cheap), cut into `concurrency` ranges, whose documents are
 * then requested all at once (`_all_docs` include_docs, `[start, next start)`), while the next
 * round's ids are being listed. At most one round's pages and the next round's ids are in
 * memory whatever the size of the database. Design documents are skipped. Used by `npm run results`, `npm run publish`, the
 * publisher and bench/results.ts (a database from ./index.mjs: openHttpDatabase, or couch.db).
 *
 * Why all of a round's ranges at once: the embedded backend (PouchDB Server on LevelDB) reads a
 * page's documents one LevelDB get after another, each a hop to a worker thread and back that
 * costs far more than the read on a virtual machine (~100 µs of CPU, against ~10 µs for the
 * read). Its LevelDB adapter runs the reads that are queued together at once and the next ones
 * only when all of those have finished: ranges requested together overlap their gets across
 * LevelDB's worker threads; ranges requested one after another (the reader before cut each
 * range by asking for the id `pageSize` places on, one after the other) waited for each other.
 * Measured (bench:results, 100,000 documents, 2 cores): through the embedded server's HTTP,
 * 9,300-10,000/s with rounds of 16 ranges of 500 or 1,000 (server: 116-121 µs of CPU a
 * document), against 3,300-4,500/s one range after another (198-243 µs); the reader before
 * (3 ranges cut one after another) 3,400-5,300/s. In one process, without HTTP: 13,000/s
 * against 4,200/s.
 *
 * Consistency: each range ends where the next one starts, the last range of a round at the
 * round's last listed id, and the next round lists from there: a document added while reading
 * lands in exactly one range (or in none, if it comes before the range being read or after
 * the last round's last id, as in any scan).
 *
 * Why no compression: responses come over the loopback or a LAN; gzip cost the server and
 * this reader CPU (the machine's cores are shared with the server) for no gain.
 */
/**
 * @param {any} db a PouchDB database
 * @param {{ pageSize?: number, concurrency?: number }} [options] concurrency: ranges requested at once (1: one after another)
 * @returns {AsyncGenerator<Record<string, unknown>>}
 */
export async function* streamAllDocs(db, { pageSize = 500, concurrency = 16 } = {}) {
  const ranges = Math.max(1, concurrency);
  const roundSize = ranges * pageSize;
  /** The ids of up to `roundSize` documents from `from` on (inclusive; from the first id when undefined). */
  const listIds = async (/** @type {string | undefined} */ from) => {
    const res = await db.allDocs({ limit: roundSize + (from === undefined ? 0 : 1), ...(from !== undefined ? { startkey: from } : {}) });
    /** @type {string[]} */
    const ids = res.rows.map((/** @type {{ id: string }} */ row) => row.id);
    if (from !== undefined && ids[0] === from) ids.shift(); // read in the round before
    else if (from !== undefined) ids.length = Math.min(ids.length, roundSize);
    return ids;
  };
  /** Documents with ids in [start, end) — or [start, end] when `endInclusive`. */
  const readRange = async (/** @type {string | undefined} */ start, /** @type {string} */ end, /** @type {boolean} */ endInclusive) => {
    const res = await db.allDocs({
      include_docs: true,
      ...(start !== undefined ? { startkey: start } : {}),
      endkey: end,
      inclusive_end: endInclusive,
    });
    return /** @type {{ id: string, doc?: Record<string, unknown> }[]} */ (res.rows);
  };

  /** @type {string | undefined} the last id of the round before; the first round starts at the beginning */
  let from;
  let ids = await listIds(undefined);
  while (ids.length > 0) {
    const full = ids.length === roundSize;
    const last = /** @type {string} */ (ids[ids.length - 1]);
    /** @type {Promise<{ id: string, doc?: Record<string, unknown> }[]>[]} */
    const pages = [];
    for (let k = 0; k * pageSize < ids.length; k += 1) {
      // The first range of a round starts at the round before's last id (read there, so
      // dropped below): a document added after that id meanwhile is in this range.
      const start = k === 0 ? from : ids[k * pageSize];
      const next = ids[(k + 1) * pageSize];
      pages.push(next === undefined ? readRange(start, last, true) : readRange(start, next, false));
    }
    // Listed together with the pages, so the backend reads them in the same batch.
    const nextIds = full ? listIds(last) : Promise.resolve(/** @type {string[]} */ ([]));
    for (const page of pages) page.catch(() => {}); // awaited in turn; never unhandled if the reader stops early
    nextIds.catch(() => {});
    for (const page of pages) {
      for (const row of await page) {
        if (row.id === from || row.id.startsWith('_design/') || !row.doc) continue;
        yield row.doc;
      }
    }
    from = last;
    ids = await nextIds;
  }
}
