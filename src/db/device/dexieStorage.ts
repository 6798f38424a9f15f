import type { EventBulk, RxCollection, RxDocumentData, RxStorage, RxStorageChangeEvent, RxStorageDefaultCheckpoint } from 'rxdb';
import { fromDexieToStorage, fromStorageToDexie, getRxStorageDexie, RxStorageInstanceDexie } from 'rxdb/plugins/storage-dexie';
import { now, randomToken } from 'rxdb/plugins/utils';
import { Subject } from 'rxjs';

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
  dexieDb: { _options: { IDBKeyRange?: typeof IDBKeyRange }; transaction(mode: 'r' | 'rw', table: unknown, fn: (tx: { idbtrans: IDBTransaction }) => Promise<void>): Promise<void> };
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


/**
 * Adds documents that are written once and never changed (events) to a collection's storage,
 * leaving every id it already holds as it is; returns those ids.
 *
 * Why: RxDB's storage write answers "is it there already?" by reading every id first (the
 * Dexie storage's conflict read, a `bulkGet` of the whole write), then compares revisions and
 * puts the new ones. A new staff device's catch-up writes tens of thousands of pulled events
 * that it almost never holds (bench/sync.ts). Here IndexedDB answers that question itself:
 * each document is an `add`, which fails on an existing key (ConstraintError, the failure taken
 * so the transaction commits the rest). So an event the device holds — its own, unsent or
 * pushed; the working set's, pulled again — is never overwritten, by the database's own key
 * check rather than by a read made before the write.
 *
 * Why it keeps RxDB's bookkeeping (Dexie storage only, with no wrapper in between; anything
 * else, such as the dev-mode validator or the memory storage of the tests, takes the storage's
 * own `bulkWrite` with the same result):
 *   - each document is stored as RxDB's storage write would store an insert: `_meta.lwt` from
 *     RxDB's own clock (`now()`: one value per write, after every earlier write's), `_rev`
 *     `1-<database token>`, no attachments, in the Dexie shape (`fromStorageToDexie`: boolean
 *     indexes, field names), so queries, `getChangedDocumentsSince` and the cleanup read it
 *     as they read RxDB's own writes;
 *   - the stored ones are announced on the storage's own change stream with the write's
 *     context (the replication's downstream flag: RxDB's upstream knows them for pulled
 *     documents) and checkpoint, exactly as its `bulkWrite` announces an insert, so the
 *     collection's live queries and lists, the other tabs (multi-instance broadcast) and the
 *     replication see them; ids already held are announced as nothing, as a conflict is;
 *   - the write runs in the database's `lockedRun`, as the storage's writes do.
 * The replication's checkpoint is RxDB's own: the catch-up hands it pages (catchUp.ts) after
 * their events are stored.
 */
export async function addWriteOnce<RxDocType extends { id: string }>(
  collection: RxCollection<RxDocType>,
  documents: readonly (RxDocType & { _deleted?: boolean })[],
  context: string,
): Promise<{ existing: string[] }> {
  if (!documents.length) return { existing: [] };
  const direct = directDexieOf(collection.storageInstance);
  if (!direct) {
    const rows = documents.map((document) => ({ document: { ...document, _deleted: false, _attachments: {} } }));
    const result = await collection.storageInstance.bulkWrite(rows as never, context);
    const failed = result.error.filter((e) => e.status !== 409);
    if (failed.length) throw new Error(`the device could not store ${failed.length} documents: ${failed[0]!.status}`);
    return { existing: result.error.map((e) => e.documentId) };
  }
  const { instance, primaryPath } = direct;
  const state = await instance.internals;
  const token = collection.database.token;
  return collection.database.lockedRun(async () => {
    const meta = { lwt: now() };
    const rev = `1-${token}`;
    const stored = documents.map((d) => ({ ...d, _deleted: false, _attachments: {}, _meta: meta, _rev: rev }) as unknown as RxDocumentData<RxDocType>);
    const rows = stored.map((d) => fromStorageToDexie(state.booleanIndexes, d));
    const failedAt = new Set<number>();
    await state.dexieDb.transaction('rw', state.dexieTable, async () => {
      try {
        await state.dexieTable.bulkAdd(rows);
      } catch (err) {
        const byPos = (err as { name?: string; failuresByPos?: Record<string, { name?: string }> }).failuresByPos;
        if ((err as { name?: string }).name !== 'BulkError' || !byPos) throw err;
        for (const [pos, failure] of Object.entries(byPos)) {
          // Only "the key exists" is an answer; any other failure (a full disk) fails the write.
          if (failure?.name !== 'ConstraintError') throw err;
          failedAt.add(Number(pos));
        }
      }
    });
    const existing: string[] = [];
    const events: RxStorageChangeEvent<RxDocumentData<RxDocType>>[] = [];
    stored.forEach((doc, i) => {
      const id = doc[primaryPath as keyof typeof doc] as unknown as string;
      if (failedAt.has(i)) existing.push(id);
      else events.push({ documentId: id, operation: 'INSERT', documentData: doc, previousDocumentData: undefined });
    });
    if (events.length) {
      const last = events[events.length - 1]!;
      instance.changes$.next({
        id: `${BULK_PREFIX}${++bulkCounter}`,
        events,
        checkpoint: { id: last.documentId, lwt: meta.lwt },
        context,
      });
    }
    return { existing };
  });
}

/** Change event bulk ids: unique across this page's writes and other tabs' (RxDB drops a bulk id it has seen). */
const BULK_PREFIX = `hl-${randomToken(10)}-`;
let bulkCounter = 0;

interface DexieInstance {
  internals: Promise<DexieInternals & { dexieTable: { bulkAdd(rows: unknown[]): Promise<unknown> } }>;
  changes$: Subject<EventBulk<RxStorageChangeEvent<RxDocumentData<unknown>>, RxStorageDefaultCheckpoint>>;
  schema: { primaryKey: unknown };
}

/** The collection's Dexie storage instance when RxDB's wrapper sits right on it (no validator in between). */
function directDexieOf(wrapped: unknown): { instance: DexieInstance; primaryPath: string } | null {
  const instance = (wrapped as { originalStorageInstance?: unknown }).originalStorageInstance;
  if (!(instance instanceof RxStorageInstanceDexie)) return null;
  const candidate = instance as unknown as DexieInstance;
  if (!(candidate.changes$ instanceof Subject) || !isDexieInternals(candidate.internals)) return null;
  return { instance: candidate, primaryPath: primaryPathOf(candidate.schema.primaryKey) };
}
