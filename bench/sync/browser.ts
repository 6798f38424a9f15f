/**
 * The browser side of `npm run bench:sync` (bundled by bench/sync.ts with esbuild, evaluated in
 * a page of the running site, so every request is same-origin with the AuthSession cookie).
 *
 * Sets `window.__syncBench`:
 *   hearthline(opts)  the real device code: openDeviceDatabase(Dexie) + startReplication
 *                     (the working set first, then the full pull), with the staff console's
 *                     list subscribed all along as the console does (device.requests({ station })
 *                     folded again at the console's clock); `usableMs` when the working set is
 *                     stored, `ms` when every event is
 *   rxdbPushPull      diagnosis only: RxDB's own replicateCouchDB (pull and push, as the device)
 *                     on the same collection, without our fetch wrapper and subscriptions
 *   rxdbPull          diagnosis only: the same, pull only (RxDB then writes no pull meta)
 *   dexieFloor(opts)  diagnosis only: the same documents fetched with one _all_docs and written
 *                     with one bulkInsert (the storage's floor, no replication protocol)
 *   pouch(opts)       the baseline: plain PouchDB (IndexedDB adapter) one-shot replicate.from
 * Each resolves to { ms, count, … } once every expected event is stored locally.
 */
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { replicateCouchDB } from 'rxdb/plugins/replication-couchdb';
import { createRevision, getDefaultRxDocumentMeta } from 'rxdb/plugins/utils';
import { filter, firstValueFrom } from 'rxjs';
import PouchDB from 'pouchdb-browser';
import { deviceStorage } from '../../src/db/device/dexieStorage';
import { openDeviceDatabase, pullModifier, startReplication, type DeviceDatabase } from '../../src/db/device/index';
import { foldedAt, requestList, type RequestListItem } from '../../src/db/device/requestList';
import { isOpen } from '../../src/rules/requestState';
import { parseDatabaseName } from '../../src/db/databaseNames';
import type { EventRecord } from '../../src/db/schema/events/event';

export interface RunOptions {
  /** The server database, e.g. 'station-demo'. */
  dbName: string;
  batchSize?: number;
  /** How many events the pull must bring. */
  expected: number;
  /** The signed-in user (`_session`'s userCtx). */
  user: { name: string; roles: string[] };
  /** hearthline: false to pull the whole history with no working set first. */
  workingSet?: boolean;
  /** hearthline: false to load with no console subscribed (diagnosis). */
  console?: boolean;
  /** hearthline: 0 to read the history as changes from the beginning, no snapshot (diagnosis). */
  snapshotReaders?: number;
  /** hearthline: the round trip from which the snapshot is read (0: always; diagnosis). */
  snapshotMinRoundTripMs?: number;
}

export interface RequestStat {
  path: string;
  /** From the call until the headers arrived (ms). */
  headersMs: number;
  /** From the headers until the whole body was read (ms). */
  bodyMs: number;
  bytes: number;
  /** When the body had been read (performance.now()). */
  endAt: number;
}

export interface RunResult {
  ms: number;
  count: number;
  /** Opening the local database (not in `ms`). */
  openMs: number;
  /** From the start until the first request left (leader election etc.), inside `ms`. */
  firstRequestMs: number | null;
  requests: RequestStat[];
  peakHeapMB: number | null;
  startHeapMB: number | null;
  /** Named parts of `ms` (diagnosis). */
  phases?: Record<string, number>;
  /** hearthline: from the start until the working set was stored (the console usable). */
  usableMs?: number;
  /** hearthline: events on the device at that moment. */
  usableCount?: number;
  /** hearthline: events the working set brought (null: none loaded). */
  workingSetEvents?: number | null;
  /** hearthline: each storage write of the events collection (rows, duration, end since the start). */
  writes?: { rows: number; ms: number; endMs: number }[];
  /** hearthline: the console's list during the load (null: not subscribed). */
  console?: ConsoleStats | null;
}

export interface ConsoleStats {
  /** Lists the console received. */
  lists: number;
  /** Time spent in the console's own fold of them (ms, the main thread). */
  foldMs: number;
  /** When the list first held every open request of the working set (ms since the start). */
  openShownMs: number | null;
  /** Requests in the last list, and open ones. */
  requests: number;
  open: number;
  /** When the last list arrived (ms since the start): after the load, the list still catching up. */
  lastMs: number | null;
}

/**
 * The staff console's list, subscribed as Console.tsx does while the device loads: the
 * station's requests (device.requests({ station })), each list folded again at the console's
 * clock. What it costs is part of the load a staff member waits for.
 */
function watchConsole(db: DeviceDatabase, station: string, t0: () => number) {
  const stats: ConsoleStats = { lists: 0, foldMs: 0, openShownMs: null, requests: 0, open: 0, lastMs: null };
  const shown: [number, number][] = []; // [ms since the start, open requests listed]
  const refold = foldedAt();
  // The console's clock: read when it opens and every 30 s (Console.tsx), each tick a fold again.
  let now = Date.now();
  let latest: RequestListItem[] | null = null;
  const fold = (items: RequestListItem[]) => {
    const start = performance.now();
    const list = refold(items, now);
    stats.foldMs += performance.now() - start;
    return list;
  };
  const tick = setInterval(() => {
    now = Date.now();
    if (latest) fold(latest);
  }, 30_000);
  const sub = requestList(db, { station }).subscribe((items) => {
    latest = items;
    const list = fold(items);
    stats.lists += 1;
    stats.requests = list.length;
    stats.open = list.filter((i) => i.state && isOpen(i.state.status)).length;
    shown.push([performance.now() - t0(), stats.open]);
  });
  return {
    /** Once loaded: when the list first held every open request it holds now (the day's work). */
    stop() {
      clearInterval(tick);
      sub.unsubscribe();
      stats.openShownMs = shown.find(([, open]) => open >= stats.open)?.[0] ?? null;
      stats.lastMs = shown.at(-1)?.[0] ?? null;
      return stats;
    },
  };
}

/**
 * Records each write into the events' storage: RxDB's bulkWrite (the pull's last page) and the
 * catch-up's and the working set's adds straight into the Dexie table (addWriteOnce).
 */
async function recordWrites(db: DeviceDatabase, t0: () => number) {
  const writes: { rows: number; ms: number; endMs: number }[] = [];
  type Write = (rows: unknown[], ...rest: unknown[]) => Promise<unknown>;
  const record = (target: Record<string, unknown>, method: string) => {
    const original = (target[method] as Write).bind(target);
    target[method] = (async (rows, ...rest) => {
      const start = performance.now();
      try {
        return await original(rows, ...rest);
      } finally {
        const end = performance.now();
        writes.push({ rows: rows.length, ms: end - start, endMs: end - t0() });
      }
    }) as Write;
  };
  record(db.events.storageInstance as unknown as Record<string, unknown>, 'bulkWrite');
  const internals = (await (db.events.storageInstance.internals as Promise<{ dexieTable?: Record<string, unknown> }>)) ?? {};
  if (internals.dexieTable) record(internals.dexieTable, 'bulkAdd');
  return writes;
}

type MemoryPerformance = Performance & { memory?: { usedJSHeapSize: number } };

function heapSampler() {
  const mem = () => (performance as MemoryPerformance).memory?.usedJSHeapSize;
  const start = mem();
  let peak = start ?? 0;
  const timer = setInterval(() => {
    const now = mem();
    if (now !== undefined && now > peak) peak = now;
  }, 25);
  return {
    stop() {
      clearInterval(timer);
      const last = mem();
      if (last !== undefined && last > peak) peak = last;
      return {
        peakHeapMB: start === undefined ? null : peak / 2 ** 20,
        startHeapMB: start === undefined ? null : start / 2 ** 20,
      };
    },
  };
}

/** fetch with the session cookie; records each request's network time and size. */
function recordingFetch(requests: RequestStat[], onFirst: () => void) {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    onFirst();
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const t0 = performance.now();
    const response = await fetch(input, { ...init, credentials: 'same-origin' });
    const t1 = performance.now();
    const body = await response.arrayBuffer();
    const t2 = performance.now();
    const path = new URL(url, location.href).pathname.split('/').slice(3).join('/') || '/';
    requests.push({ path, headersMs: t1 - t0, bodyMs: t2 - t1, bytes: body.byteLength, endAt: t2 });
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

async function untilCount(db: DeviceDatabase, expected: number): Promise<number> {
  const count = await db.events.count().exec();
  if (count >= expected) return count;
  return firstValueFrom(db.events.count().$.pipe(filter((n) => n >= expected)));
}

let n = 0;
const localName = (what: string) => `bench-${what}-${Date.now()}-${n++}`;

async function hearthline(opts: RunOptions): Promise<RunResult> {
  const heap = heapSampler();
  const requests: RequestStat[] = [];
  const o0 = performance.now();
  // The storage the app opens (src/db/device/browserDevice.ts).
  const db = await openDeviceDatabase({ name: localName('hearthline'), storage: deviceStorage(), dev: false });
  const openMs = performance.now() - o0;
  let firstRequestMs: number | null = null;
  const t0 = performance.now();
  const writes = await recordWrites(db, () => t0);
  const station = parseDatabaseName(opts.dbName);
  const consoleList = opts.console !== false && station.kind === 'station' ? watchConsole(db, station.station, () => t0) : null;
  const sync = startReplication({
    db,
    url: `${location.origin}/db/${opts.dbName}/`,
    fetch: recordingFetch(requests, () => (firstRequestMs ??= performance.now() - t0)) as (input: string, init?: RequestInit) => Promise<Response>,
    user: opts.user,
    database: parseDatabaseName(opts.dbName),
    ...(opts.batchSize ? { pullBatchSize: opts.batchSize } : {}),
    ...(opts.workingSet === false ? { workingSet: false as const } : {}),
    ...(opts.snapshotReaders !== undefined ? { snapshotReaders: opts.snapshotReaders } : {}),
    ...(opts.snapshotMinRoundTripMs !== undefined ? { snapshotMinRoundTripMs: opts.snapshotMinRoundTripMs } : {}),
  });
  // Usable: the working set is stored, so the console's queries answer with the day's work.
  const workingSetEvents = await sync.workingSet;
  const usableMs = performance.now() - t0;
  const usableCount = await db.events.count().exec();
  await sync.state.awaitInitialReplication();
  const replicatedMs = performance.now() - t0;
  const count = await untilCount(db, opts.expected);
  const ms = performance.now() - t0;
  const mem = heap.stop();
  const consoleStats = consoleList?.stop() ?? null;
  await sync.stop();
  await db.close();
  // Where the time to usable went: the working set's request (server and transfer), then its storage write.
  const ws = requests.find((r) => r.path === 'working-set');
  const phases = ws
    ? { 'working-set request': ws.headersMs + ws.bodyMs, 'working-set write': usableMs - (ws.endAt - t0), 'history pull': ms - usableMs, 'initial replication done at': replicatedMs, 'last request at': Math.max(...requests.map((r) => r.endAt)) - t0 }
    : undefined;
  return { ms, count, openMs, firstRequestMs, requests, ...mem, usableMs, usableCount, workingSetEvents, writes, console: consoleStats, ...(phases ? { phases } : {}) };
}

/**
 * RxDB's own CouchDB replication on the same collection: no fetch wrapper, no subscriptions.
 * With `push` (as the device runs it) RxDB also writes a meta document per pulled document
 * and the upstream looks at every pulled write; pull-only skips both (skipStoringPullMeta).
 */
async function rxdbPlain(opts: RunOptions & { push?: boolean }): Promise<RunResult> {
  const heap = heapSampler();
  const requests: RequestStat[] = [];
  const o0 = performance.now();
  const db = await openDeviceDatabase({ name: localName('rxdb'), storage: getRxStorageDexie(), dev: false });
  const openMs = performance.now() - o0;
  let firstRequestMs: number | null = null;
  const t0 = performance.now();
  const state = replicateCouchDB<EventRecord>({
    replicationIdentifier: `bench-plain-${opts.dbName}`,
    collection: db.events,
    url: `${location.origin}/db/${opts.dbName}/`,
    fetch: recordingFetch(requests, () => (firstRequestMs ??= performance.now() - t0)) as typeof fetch,
    live: true,
    waitForLeadership: true,
    pull: { batchSize: opts.batchSize ?? 100, modifier: (doc) => pullModifier(doc as unknown as Record<string, unknown>) },
    ...(opts.push ? { push: { batchSize: opts.batchSize ?? 100 } } : {}),
  });
  await state.awaitInitialReplication();
  const count = await untilCount(db, opts.expected);
  const ms = performance.now() - t0;
  const mem = heap.stop();
  await state.cancel();
  await db.close();
  return { ms, count, openMs, firstRequestMs, requests, ...mem };
}

async function dexieFloor(opts: RunOptions): Promise<RunResult> {
  const heap = heapSampler();
  const requests: RequestStat[] = [];
  const o0 = performance.now();
  const db = await openDeviceDatabase({ name: localName('floor'), storage: getRxStorageDexie(), dev: false });
  const openMs = performance.now() - o0;
  let firstRequestMs: number | null = null;
  const t0 = performance.now();
  const get = recordingFetch(requests, () => (firstRequestMs ??= performance.now() - t0));
  const res = await get(`${location.origin}/db/${opts.dbName}/_all_docs?include_docs=true`);
  const json = (await res.json()) as { rows: { id: string; doc?: Record<string, unknown> }[] };
  const docs = json.rows.filter((r) => r.doc && r.doc.docType === 'event').map((r) => pullModifier(r.doc!));
  const t1 = performance.now();
  // Straight into the storage, as the replication writes (collection hooks would add an outbox
  // write per event): one bulkWrite of documents with RxDB's meta fields.
  const token = db.token;
  const result = await db.events.storageInstance.bulkWrite(
    docs.map((d) => ({ document: { ...d, _attachments: {}, _meta: getDefaultRxDocumentMeta(), _rev: createRevision(token) } as never })),
    'bench-floor',
  );
  if (result.error.length) throw new Error(`bulkWrite: ${result.error.length} errors, e.g. ${JSON.stringify(result.error[0])}`);
  const t2 = performance.now();
  const count = await untilCount(db, opts.expected);
  const ms = performance.now() - t0;
  const mem = heap.stop();
  await db.close();
  return { ms, count, openMs, firstRequestMs, requests, ...mem, phases: { 'fetch+parse': t1 - t0, bulkWrite: t2 - t1 } };
}

async function pouch(opts: RunOptions): Promise<RunResult> {
  const heap = heapSampler();
  const requests: RequestStat[] = [];
  let firstRequestMs: number | null = null;
  const o0 = performance.now();
  const local = new PouchDB(localName('pouch'), { adapter: 'idb' });
  await local.info(); // opens the IndexedDB database
  const openMs = performance.now() - o0;
  const t0 = performance.now();
  const remote = new PouchDB(`${location.origin}/db/${opts.dbName}`, {
    skip_setup: true,
    fetch: recordingFetch(requests, () => (firstRequestMs ??= performance.now() - t0)),
  });
  await local.replicate.from(remote, opts.batchSize ? { batch_size: opts.batchSize } : {});
  const ms = performance.now() - t0;
  const mem = heap.stop();
  const count = (await local.info()).doc_count;
  await local.close();
  await remote.close();
  return { ms, count, openMs, firstRequestMs, requests, ...mem };
}

(window as unknown as { __syncBench: unknown }).__syncBench = {
  hearthline,
  rxdbPull: (opts: RunOptions) => rxdbPlain(opts),
  rxdbPushPull: (opts: RunOptions) => rxdbPlain({ ...opts, push: true }),
  dexieFloor,
  pouch,
};
