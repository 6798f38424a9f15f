import type { RxStorage, RxStorageDefaultCheckpoint, RxDocumentData } from 'rxdb';
import { fromDexieToStorage, getRxStorageDexie } from 'rxdb/plugins/storage-dexie';

/** The device database's storage in browsers: RxDB's Dexie storage (IndexedDB), with the keyed changes-since below. */
export function deviceStorage() {
  return withKeyedChangesSince(getRxStorageDexie());
}

/**
 * RxDB's Dexie storage with a keyed `getChangedDocumentsSince`.
 *
 * Why: every RxDB replication runs an upstream, even a pull-only one like ours (the push is our
 * own, from the outbox: replication.ts). On start it walks the whole collection in pages of 100
 * with `getChangedDocumentsSince(limit, { lwt, id })`. The Dexie storage has no method of its
 * own, so RxDB runs it as a mango query, `$or: [lwt > x, (lwt = x and id > y)]`, which the
 * query planner serves from the `[_meta.lwt+id]` index starting at `lwt >= x` and filters doc by
 * doc. Every document of one storage write shares one `lwt`, and a pull writes thousands at
 * once (RxDB merges the pages fetched while the previous write ran): each page of 100 then
 * reads and decodes every document of its group before its own, O(k²) per group. Measured in
 * bench/sync.ts at 50,000 events: the writes were done at 55 s, the walk ended at 191 s (41 s
 * in the cursor's callbacks alone).
 *
 * Here the same question is one key range on that index, `(lwt, id)` exclusive upwards, read
 * with `getAll(range, limit)`: each page reads exactly its own documents. The answer is the
 * one RxDB's query gives (the same index order: `lwt`, then the primary key; deleted documents
 * included), so the protocol sees no difference (tests/unit/db/device/dexieStorage.test.ts compares
 * the two). Storages that are not Dexie, or instances without the index, keep RxDB's query.
 */
export function withKeyedChangesSince<Internals, Options>(storage: RxStorage<Internals, Options>): RxStorage<Internals, Options> {
  return {
    ...storage,
    name: storage.name,
    rxdbVersion: storage.rxdbVersion,
    async createStorageInstance(params) {
      const instance = await storage.createStorageInstance(params);
      if (!instance.getChangedDocumentsSince && isDexieInternals(instance.internals)) {
        const internals = instance.internals;
        const primaryPath = primaryPathOf(params.schema.primaryKey);
        (instance as Writable<typeof instance>).getChangedDocumentsSince = (limit, checkpoint) =>
          changedSince(internals, primaryPath, limit, checkpoint as RxStorageDefaultCheckpoint | undefined) as never;
      }
      return instance;
    },
  };
}

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** What the Dexie storage keeps in `instance.internals` (rxdb/plugins/storage-dexie, dexie-helper). */
interface DexieInternals {
  dexieDb: { _options: { IDBKeyRange?: typeof IDBKeyRange }; transaction(mode: 'r', table: unknown, fn: (tx: { idbtrans: IDBTransaction }) => Promise<void>): Promise<void> };
  dexieTable: { name: string; schema: { idxByName: Record<string, unknown> } };
  booleanIndexes: string[];
}

function isDexieInternals(internals: unknown): internals is Promise<DexieInternals> {
  return typeof (internals as Promise<unknown> | undefined)?.then === 'function';
}

function primaryPathOf(primaryKey: unknown): string {
  return typeof primaryKey === 'string' ? primaryKey : (primaryKey as { key: string }).key;
}

const CHANGES_INDEX = (primaryPath: string) => `[_meta.lwt+${primaryPath}]`;

async function changedSince(
  internalsPromise: Promise<DexieInternals>,
  primaryPath: string,
  limit: number,
  checkpoint: RxStorageDefaultCheckpoint | undefined,
): Promise<{ documents: RxDocumentData<unknown>[]; checkpoint: RxStorageDefaultCheckpoint }> {
  const state = await internalsPromise;
  const indexName = CHANGES_INDEX(primaryPath);
  if (!state.dexieTable?.schema?.idxByName?.[indexName]) throw new Error(`the Dexie table has no ${indexName} index`);
  // Everything after the checkpoint in the index's order; from the very start without one
  // (-Infinity sorts before every number, so [-Infinity, ''] is before every key).
  const lower: [number, string] = checkpoint ? [checkpoint.lwt, checkpoint.id] : [-Infinity, ''];
  const KeyRange = state.dexieDb._options.IDBKeyRange ?? IDBKeyRange;
  const range = KeyRange.lowerBound(lower, true);
  let raw: unknown[] = [];
  await state.dexieDb.transaction('r', state.dexieTable, async (tx) => {
    const index = tx.idbtrans.objectStore(state.dexieTable.name).index(indexName);
    raw = await new Promise<unknown[]>((resolve, reject) => {
      const request = index.getAll(range, limit);
      request.onsuccess = () => resolve(request.result as unknown[]);
      request.onerror = () => reject(request.error);
    });
  });
  const documents = raw.map((doc) => fromDexieToStorage(state.booleanIndexes, doc) as RxDocumentData<unknown>);
  const last = documents[documents.length - 1] as (RxDocumentData<unknown> & Record<string, unknown>) | undefined;
  return {
    documents,
    checkpoint: last ? { id: String(last[primaryPath]), lwt: last._meta.lwt } : (checkpoint ?? { id: '', lwt: 0 }),
  };
}

