/**
 * server/followers/changesCheckpoint.mjs on a real PouchDB (memory adapter: the helper only uses the
 * PouchDB API; with the suite's COUCHDB_URL, a database on that CouchDB: support/database.ts):
 * the saved state, the records fetched by id, and `_changes` read in batches from a checkpoint,
 * resuming where the last saved batch ended.
 */
import { describe, expect, it } from 'vitest';
import { createChangesCheckpoint } from '../../../../server/followers/changesCheckpoint.mjs';
import { freshDatabase } from '../../support/database';

async function databaseOf(n: number) {
  const database = await freshDatabase('checkpoint');
  await database.bulkDocs(Array.from({ length: n }, (_, i) => ({ _id: `rec-${String(i).padStart(2, '0')}`, i })));
  return database;
}

describe('createChangesCheckpoint', () => {
  it('has no state before the first save, then reads back what was saved, saved again over its own revision', async () => {
    const database = await databaseOf(0);
    const checkpoint = createChangesCheckpoint({ db: async () => database, stateId: '_local/test-follower' });
    expect(await checkpoint.read()).toBeNull();
    await checkpoint.save({ seq: 3, records: ['a'], settled: ['x'] });
    await checkpoint.save({ seq: 5, records: ['a', 'b'], settled: [] });
    expect(await checkpoint.read()).toMatchObject({ seq: 5, records: ['a', 'b'], settled: [] });
  });

  it('fetches the saved records by id, more than one request of 200, skipping those gone', async () => {
    const database = await databaseOf(0);
    const ids = Array.from({ length: 450 }, (_, i) => `rec-${i}`);
    await database.bulkDocs(ids.map((_id) => ({ _id })));
    const gone = await database.get('rec-300');
    await database.remove(gone);
    const checkpoint = createChangesCheckpoint({ db: async () => database, stateId: '_local/test-follower' });
    const fetched: string[] = [];
    await checkpoint.fetch([...ids, 'never-written'], (doc) => fetched.push(doc._id));
    expect(fetched).toEqual(ids.filter((id) => id !== 'rec-300'));
  });

  it('reads the changes in batches, calls afterBatch after each, and resumes from the last seq it was given', async () => {
    const database = await databaseOf(10);
    const checkpoint = createChangesCheckpoint({ db: async () => database, stateId: '_local/test-follower', batchSize: 4 });
    const seen: string[] = [];
    const batches: { seq: string | number; moved: boolean; seenSoFar: number }[] = [];
    let saved: string | number = 0;
    await checkpoint.readChanges(0, (change) => seen.push(change.id), async (seq, moved) => {
      batches.push({ seq, moved, seenSoFar: seen.length });
      saved = seq;
    });
    expect(seen).toHaveLength(10);
    // 4 + 4 + 2: the short batch ends the read.
    expect(batches.map((b) => b.seenSoFar)).toEqual([4, 8, 10]);
    expect(batches.every((b) => b.moved)).toBe(true);

    await database.bulkDocs([{ _id: 'rec-later' }]);
    const after: string[] = [];
    await checkpoint.readChanges(saved, (change) => after.push(change.id), async () => {});
    expect(after).toEqual(['rec-later']);
  });
});
