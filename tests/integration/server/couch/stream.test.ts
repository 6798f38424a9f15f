/**
 * The results command's reader (server/couch/stream.mjs) on a real PouchDB (memory
 * adapter, no server: the reader only uses `allDocs`; with the suite's COUCHDB_URL, a database
 * on that CouchDB: support/database.ts): rounds of ranges, the boundaries between them, and
 * documents written or removed while it reads.
 */
import { describe, expect, it } from 'vitest';
import { streamAllDocs } from '../../../../server/couch/stream.mjs';
import { freshDatabase } from '../../support/database';

/** A fresh database holding `n` documents `doc-000` … plus one design document. */
async function databaseOf(n: number) {
  const db = await freshDatabase('stream');
  const docs: Record<string, unknown>[] = Array.from({ length: n }, (_, i) => ({ _id: `doc-${String(i).padStart(3, '0')}`, i }));
  await db.bulkDocs([...docs, { _id: '_design/x', views: {} }]);
  return db;
}
const idsOf = (n: number) => Array.from({ length: n }, (_, i) => `doc-${String(i).padStart(3, '0')}`);

async function readAll(db: unknown, options: { pageSize: number; concurrency: number }, onDoc?: (id: string, count: number) => Promise<void>) {
  const out: string[] = [];
  for await (const doc of streamAllDocs(db, options)) {
    out.push(doc._id as string);
    await onDoc?.(doc._id as string, out.length);
  }
  return out;
}

describe('streamAllDocs', () => {
  it('hands out every document once, in id order, without design documents, for any page size and number of ranges', async () => {
    const db = await databaseOf(100);
    const expected = idsOf(100);
    // 7 × 3 = 21 a round: 5 rounds, the last one short; 25 × 4 = 100: one full round, then an empty listing.
    for (const [pageSize, concurrency] of [[7, 3], [25, 4], [1, 1], [10, 10], [500, 16], [3, 50]] as const) {
      expect(await readAll(db, { pageSize, concurrency }), `pages of ${pageSize}, ${concurrency} at once`).toEqual(expected);
    }
    expect(await readAll(await databaseOf(0), { pageSize: 7, concurrency: 3 })).toEqual([]);
  });

  it('reads a document added while reading exactly once when it falls after the range being read, and never twice', async () => {
    const db = await databaseOf(100);
    // Written while the first round (_design/x, doc-000 … doc-019: 21 ids) is read: doc-050a
    // lies in a later round; doc-019a between the first round's last id and the second
    // round's first, as listed before it was written.
    const out = await readAll(db, { pageSize: 7, concurrency: 3 }, async (id) => {
      if (id !== 'doc-003') return;
      // Long enough for the second round's listing, requested with the first round's ranges,
      // to have been answered without doc-019a.
      await new Promise((resolve) => setTimeout(resolve, 100));
      await db.bulkDocs([{ _id: 'doc-050a' }, { _id: 'doc-019a' }]);
    });
    expect(out.filter((id) => id === 'doc-050a')).toHaveLength(1);
    expect(out.filter((id) => id === 'doc-019a')).toHaveLength(1);
    expect(out).toEqual([...idsOf(100), 'doc-019a', 'doc-050a'].sort());
  });

  it('goes on past a round whose last document was deleted before the next round was listed', async () => {
    const db = await databaseOf(60);
    // Rounds of 20: doc-019 ends the first round. Deleted as soon as the reader starts, the
    // next round is listed from an id that no longer exists.
    const out = await readAll(db, { pageSize: 10, concurrency: 2 }, async (id) => {
      if (id === 'doc-000') {
        const doc = await db.get('doc-019');
        await db.remove(doc);
      }
    });
    const expected = idsOf(60);
    // Read in the first round before or after its deletion, depending on when its range was
    // read; every other document exactly once.
    expect(out.filter((id) => id !== 'doc-019')).toEqual(expected.filter((id) => id !== 'doc-019'));
    expect(out.filter((id) => id === 'doc-019').length).toBeLessThanOrEqual(1);
  });
});
