import { describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { fillWithDefaultSettings, getChangedDocumentsSince, type RxJsonSchema, type RxStorageDefaultCheckpoint, type RxStorageInstance } from 'rxdb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { withKeyedChangesSince } from '../../../../src/db/device/dexieStorage';

/**
 * The keyed `getChangedDocumentsSince` (src/db/device/dexieStorage.ts) must give exactly what
 * RxDB's own query gives on the same Dexie storage: the same pages, the same checkpoints, deleted
 * documents included, across storage writes that share one `_meta.lwt` (a pull's big writes).
 * Dexie runs on fake-indexeddb here; the bench runs it in Chromium.
 */
interface Doc {
  id: string;
  n: number;
}

const schema = fillWithDefaultSettings({
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: { id: { type: 'string', maxLength: 40 }, n: { type: 'number', minimum: 0, maximum: 1e9, multipleOf: 1 } },
  required: ['id', 'n'],
  indexes: ['n'],
} as RxJsonSchema<Doc>);

let dbNumber = 0;
async function instanceOf(keyed: boolean): Promise<RxStorageInstance<Doc, unknown, unknown>> {
  const dexie = getRxStorageDexie({ indexedDB: new IDBFactory(), IDBKeyRange });
  const storage = keyed ? withKeyedChangesSince(dexie) : dexie;
  return storage.createStorageInstance<Doc>({
    databaseInstanceToken: 'token',
    databaseName: `changes-since-${dbNumber++}`,
    collectionName: 'docs',
    schema,
    options: {},
    multiInstance: false,
    devMode: false,
  }) as Promise<RxStorageInstance<Doc, unknown, unknown>>;
}

/** Three writes: two big groups sharing a `lwt` each (ids out of order), then one deletion. */
async function fill(instance: RxStorageInstance<Doc, unknown, unknown>, lwts: number[]) {
  const row = (id: string, n: number, lwt: number, deleted = false) => ({
    document: { id, n, _deleted: deleted, _rev: '1-a', _meta: { lwt }, _attachments: {} },
  });
  const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => `doc-${String((from + i * 37) % 1000).padStart(4, '0')}`);
  const first = ids(0, 230);
  const second = ids(500, 170).filter((id) => !first.includes(id));
  await instance.bulkWrite(first.map((id, i) => row(id, i, lwts[0]!)), 'test');
  await instance.bulkWrite(second.map((id, i) => row(id, i, lwts[1]!)), 'test');
  const [docOne] = await instance.findDocumentsById([first[3]!], true);
  await instance.bulkWrite([{ previous: docOne!, document: { ...docOne!, _deleted: true, _rev: '2-b', _meta: { lwt: lwts[2]! } } }], 'test');
}

async function walk(instance: RxStorageInstance<Doc, unknown, unknown>, limit: number) {
  const pages: { ids: string[]; checkpoint: RxStorageDefaultCheckpoint }[] = [];
  let checkpoint: RxStorageDefaultCheckpoint | undefined;
  for (;;) {
    const page = await getChangedDocumentsSince(instance, limit, checkpoint);
    if (!page.documents.length) {
      pages.push({ ids: [], checkpoint: page.checkpoint as RxStorageDefaultCheckpoint });
      return pages;
    }
    checkpoint = page.checkpoint as RxStorageDefaultCheckpoint;
    pages.push({ ids: page.documents.map((d) => `${d.id}${d._deleted ? ' (deleted)' : ''}`), checkpoint });
  }
}

describe('withKeyedChangesSince: the Dexie storage answers changes-since from one key range', () => {
  it('gives the pages and checkpoints of RxDB’s own query, deleted documents included', async () => {
    const lwts = [1_700_000_000_000.01, 1_700_000_000_500.02, 1_700_000_001_000.03];
    const plain = await instanceOf(false);
    const keyed = await instanceOf(true);
    expect(plain.getChangedDocumentsSince).toBeUndefined();
    expect(typeof keyed.getChangedDocumentsSince).toBe('function');
    await fill(plain, lwts);
    await fill(keyed, lwts);
    for (const limit of [7, 100, 1000]) {
      const theirs = await walk(plain, limit);
      const ours = await walk(keyed, limit);
      expect(ours).toEqual(theirs);
      expect(ours.flatMap((p) => p.ids)).toHaveLength(230 + 170 - 0); // every document once, the deleted one at the end
      expect(ours.flatMap((p) => p.ids).at(-1)).toMatch(/\(deleted\)$/);
    }
    // From a checkpoint in the middle of a group of one lwt: the rest of that group, then the next.
    const middle = (await walk(plain, 100))[0]!.checkpoint;
    const fromMiddle = await keyed.getChangedDocumentsSince!(50, middle);
    const expected = await getChangedDocumentsSince(plain, 50, middle);
    expect(fromMiddle.documents.map((d) => d.id)).toEqual(expected.documents.map((d) => d.id));
    expect(fromMiddle.checkpoint).toEqual(expected.checkpoint);
    await plain.remove();
    await keyed.remove();
  }, 60_000);
});
