import { describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { fillWithDefaultSettings, getChangedDocumentsSince, type RxJsonSchema, type RxStorageDefaultCheckpoint, type RxStorageInstance } from 'rxdb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { filter, firstValueFrom, timer } from 'rxjs';
import { addWriteOnce, withKeyedChangesSince } from '../../../../src/db/device/dexieStorage';
import { openDeviceDatabase } from '../../../../src/db/device/database';
import { pullModifier } from '../../../../src/db/device/replication';
import type { EventRecord } from '../../../../src/db/schema/events/event';
import { aRequestHistory, aSubmittedRepair, asCouchDoc } from '../../../support/builders/events';

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

describe('addWriteOnce: pulled events added under RxDB, the device’s own left as they are', () => {
  const dexie = () => withKeyedChangesSince(getRxStorageDexie({ indexedDB: new IDBFactory(), IDBKeyRange }));
  const storages = [
    { name: 'Dexie, straight into IndexedDB', storage: dexie, dev: false },
    { name: 'memory (the storage’s own bulkWrite)', storage: () => getRxStorageMemory(), dev: false },
    // Last: RxDB's dev-mode, once added, refuses every later database without a validator.
    { name: 'Dexie under the dev-mode validator (the storage’s own bulkWrite)', storage: dexie, dev: true },
  ];
  const open = (s: (typeof storages)[number]) =>
    openDeviceDatabase({ name: `write-once-${process.pid}-${dbNumber++}`, storage: s.storage(), dev: s.dev, multiInstance: false });
  const pulled = (event: EventRecord) => pullModifier(asCouchDoc(event, { _rev: '1-server' }) as unknown as Record<string, unknown>);

  it('a write that fails for another reason than a held id fails whole (nothing announced)', async () => {
    const db = await open(storages[0]!);
    try {
      const [a, b] = aRequestHistory({ steps: ['accepted'] });
      const broken = { ...pulled(b!), id: undefined } as unknown as EventRecord & { _deleted: false }; // no key: IndexedDB refuses it
      await expect(addWriteOnce(db.events, [pulled(a!), broken], 'pull-flag')).rejects.toThrow();
      expect(await db.events.count().exec()).toBe(0);
    } finally {
      await db.remove();
    }
  }, 60_000);

  for (const s of storages) {
    it(`stores new events as RxDB would, announces them, and never overwrites an event it holds: ${s.name}`, async () => {
      const db = await open(s);
      try {
        const own = aSubmittedRepair();
        await db.events.insert(own); // the device's own, waiting in the outbox
        const history = aRequestHistory({ steps: ['accepted', 'dispatched'] });
        const bulks: { context: string; ids: string[]; checkpoint: unknown }[] = [];
        const sub = db.events.eventBulks$.subscribe((b) => bulks.push({ context: b.context, ids: b.events.map((e) => e.documentId), checkpoint: b.checkpoint }));
        const live: string[][] = [];
        const liveSub = db.events.find({ selector: { requestId: history[0]!.requestId }, sort: [{ at: 'asc' }] }).$.subscribe((docs) => live.push(docs.map((d) => d.id)));
        const before = await getChangedDocumentsSince(db.events.storageInstance, 100);

        // The server's copy of the device's own event, changed (it must never replace the device's).
        const theirs = { ...pulled(own), payload: { ...own.payload, details: 'not the device’s words' } } as typeof own & { _deleted: false };
        const { existing } = await addWriteOnce(db.events, [...history.map(pulled), theirs], 'pull-flag');
        expect(existing).toEqual([own.id]);
        expect((await db.events.findOne(own.id).exec())!.toJSON()).toEqual(own);
        expect(await db.outbox.findOne(own.id).exec()).not.toBeNull(); // still waiting to be sent

        // Stored as events: read by id, by the timeline's index, counted.
        const stored = await db.events.find({ selector: { requestId: history[0]!.requestId }, sort: [{ at: 'asc' }] }).exec();
        expect(stored.map((d) => d.toJSON())).toEqual(history);
        expect(await db.events.count().exec()).toBe(history.length + 1);
        // With RxDB's meta: an insert's revision and a write time after every earlier write's.
        const [raw] = await db.events.storageInstance.findDocumentsById([history[0]!.id], false);
        expect(raw!._rev).toBe(`1-${db.token}`);
        expect(raw!._meta.lwt).toBeGreaterThan(before.checkpoint ? (before.checkpoint as RxStorageDefaultCheckpoint).lwt : 0);

        // Announced with the write's context (the replication knows its own), held ids not.
        await firstValueFrom(timer(0));
        const announced = bulks.find((b) => b.context === 'pull-flag');
        expect(announced?.ids).toEqual(history.map((e) => e.id));
        expect(announced?.checkpoint).toEqual({ id: history.at(-1)!.id, lwt: raw!._meta.lwt });
        // The live query saw them.
        await firstValueFrom(db.events.find({ selector: { requestId: history[0]!.requestId } }).$.pipe(filter((d) => d.length === history.length)));
        expect(live.at(-1)).toEqual(history.map((e) => e.id));
        // RxDB's changes-since (the upstream's walk) finds them after what was there.
        const after = await getChangedDocumentsSince(db.events.storageInstance, 100, before.checkpoint);
        expect(after.documents.map((d) => d.id).sort()).toEqual(history.map((e) => e.id).sort());

        // Again: every id is held now, nothing is announced, nothing changes.
        const count = bulks.length;
        expect((await addWriteOnce(db.events, history.map(pulled), 'pull-flag')).existing).toEqual(history.map((e) => e.id));
        await firstValueFrom(timer(0));
        expect(bulks.length).toBe(count);
        sub.unsubscribe();
        liveSub.unsubscribe();
      } finally {
        await db.remove();
      }
    }, 60_000);
  }

});
