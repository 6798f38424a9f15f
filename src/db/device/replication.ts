import { replicateCouchDB, type RxCouchDBReplicationState } from 'rxdb/plugins/replication-couchdb';
import type { WithDeleted } from 'rxdb';
import type { Subscription } from 'rxjs';
import { fromCouchDoc, type EventDoc, type EventRecord } from '../schema/events/event';
import { validateWrite } from '../validateWrite';
import { validateDocumentWrite } from '../validateRecordWrite';
import type { ApproverRole } from '../schema/records/commitmentsRecords';
import type { OperationsRecord } from '../schema/records/record';
import type { DatabaseKind } from '../databaseNames';
import { recordRejection, type DeviceDatabase } from './database';
import { createSyncStatusStore, type SyncStatusStore } from './syncStatus';
import { isPhotoId, photoDocOf, type DevicePhoto } from '../schema/photos';
import type { PhotoStore } from './photoStore';
import { createCatchUp, type ChangesPage, type ChangesRow as PageRow } from './catchUp';
import { addWriteOnce } from './dexieStorage';
import { readSnapshot, SNAPSHOT_MIN_ROUND_TRIP_MS, SNAPSHOT_READERS } from './snapshot';

/**
 * Live CouchDB replication of the device's `events` with one database on the server (`/db/…`).
 * Over 500 lines because pull, push and the outbox share one replication state and its
 * checkpoints; the parts below are each documented where they begin.
 *
 * Pull: the server's databases hold documents that are not events (the resident's `profile`,
 * the `station:` documents in operations; design documents, deleted documents). RxDB 17 maps
 * every pulled document through `pull.modifier` and has no way to skip one, and a tombstone
 * `{ id, _deleted: true }` fails the collection's schema under the validator (and stalls the
 * pull, findings trap 10). So the rows are dropped one step earlier: the replication's fetch
 * rewrites each `_changes` answer without them (`last_seq` kept, so the checkpoint moves past
 * them). `pull.modifier` then only brings an event to the device's shape.
 *
 * Push: ours, not RxDB's. The outbox is exactly what the device has to send, so the push reads
 * it in batches, runs the push modifier (validateWrite, the server's own check) on each event or
 * record, and POSTs the rest to `_bulk_docs`. A refused one is held back and its rule and reason
 * go to `outbox_rejections`; events already refused are held back too. RxDB's upstream would
 * instead walk every document of the collection (the whole pulled history included) and keep a
 * meta document ("assumed master state") per pulled document, one more storage write each: with
 * the pull alone, RxDB skips it (measured in bench/sync.ts). Events and records are written once
 * and never changed, so there is nothing to merge: a `conflict` row means the server already
 * holds that id and counts as acknowledged (RxDB's default conflict handler would have replaced
 * the device's version by the server's).
 *
 * A row the server still refuses in `_bulk_docs` (`forbidden`/`unauthorized`: the session's
 * roles changed, a rule differs between versions) is recorded as a rejection by the fetch
 * (awaited, before the push sees the answer) and never sent again; the other rows of the batch
 * were stored and leave the outbox. Any other row error (`internal_error`) keeps its id
 * waiting, and the push is tried again with back-off (RxDB 17's push retried the whole batch
 * forever on any row error, trap 11).
 *
 * First load: a staff device with no history yet asks the server for its working set (the open
 * requests with their events, the last two days' activity: GET /db/_account/working-set) and
 * writes it before the full pull starts, so the console is usable in seconds; the full pull
 * then brings the rest of the history from its checkpoint.
 *
 * Waiting count: `outbox` holds the id of every event the app wrote on this device (a
 * preInsert hook). An id leaves it when the server acknowledges it: `sent$` (pushed and
 * accepted), `received$` (pulled back from the server), `conflict$` (the server already had it,
 * e.g. a batch resent after a crash), or when it is refused. Because RxDB's meta write and our
 * outbox removal are not one transaction (the app may close in between), whenever the
 * replication goes idle with entries left, the outbox ids are checked against the server
 * (`_all_docs` with keys) and those the server holds leave the outbox.
 */

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface ReplicationOptions {
  db: DeviceDatabase;
  /** The database's URL, trailing slash required: `${origin}/db/${dbName}/`. */
  url: string;
  /** Default: fetch with `credentials: 'same-origin'` (the AuthSession cookie). */
  fetch?: FetchLike;
  /** The signed-in user as CouchDB knows them (`_session`'s userCtx). */
  user: { name: string; roles: readonly string[] };
  /** The kind of the database at `url` (parseDatabaseName). */
  database: DatabaseKind;
  /** Documents per `_changes` page of the pull and per `_bulk_docs` of the push. */
  batchSize?: number;
  /** Documents per `_changes` page of the pull (default batchSize, else DEFAULT_PULL_BATCH_SIZE). */
  pullBatchSize?: number;
  /** Events between two checkpoints of a catch-up (default CATCH_UP_CHUNK; at least a page). */
  catchUpChunk?: number;
  /**
   * A new device's first catch-up reads the database as it is now in this many ranges of ids
   * at once, then its changes from there (snapshot.ts; default SNAPSHOT_READERS); 0: the
   * changes from the beginning, page after page.
   */
  snapshotReaders?: number;
  /** The round trip (ms) from which the snapshot is read (default SNAPSHOT_MIN_ROUND_TRIP_MS; 0: always). */
  snapshotMinRoundTripMs?: number;
  /**
   * Staff devices: load the working set before the full pull. `wanted` says whether this
   * device still lacks its history (default: no event on the device yet); false: never.
   */
  workingSet?: false | { wanted?: () => boolean | Promise<boolean> };
  /** First retry after a failure (ms); doubles on each failure up to maxRetryTime. */
  retryTime?: number;
  maxRetryTime?: number;
  /** An existing status store to feed (else one is made). */
  status?: SyncStatusStore;
  /**
   * Who approves the committee's commitments (content/utility.yaml `approverRole`), read at each
   * push of an operations record: the same rule as the server's (default manager).
   */
  approverRole?: () => ApproverRole | undefined;
  /**
   * The device's photos of faults (photoStore.ts): a photo id in the outbox is sent from here,
   * one `_bulk_docs` each (a photo is up to 1.4 MB of base64), after the events of its batch.
   */
  photos?: PhotoStore;
}

/**
 * The push's batch: a device sends what it wrote (a few events at a time); 250 events are about
 * 140 kB of JSON, which a weak mobile network still carries in one go.
 */
export const DEFAULT_BATCH_SIZE = 250;

/**
 * The pull's page of `_changes`. RxDB fetches the next page while it writes this one, so a
 * bigger page means fewer round trips (and fewer `_changes` reads, each a get per document on
 * the embedded LevelDB backend) and bigger storage writes: PouchDB's own pull measured 594,
 * 872 and 1,065 events/s at 250, 500 and 1,000 in one run of bench/sync.ts (50,000 events).
 */
export const DEFAULT_PULL_BATCH_SIZE = 1000;

/**
 * A catch-up hands RxDB a checkpoint every this many events stored (catchUp.ts): a closed tab
 * reads again from the last one (at most about three chunks, the run reading up to two past
 * it; what was stored of them is refused as held).
 */
export const CATCH_UP_CHUNK = 10_000;
/** Events read but not yet stored before the catch-up waits for the storage (its memory bound). */
export const CATCH_UP_PENDING = 4_000;

export interface DeviceReplication {
  /** The replication of the events. */
  readonly state: RxCouchDBReplicationState<EventRecord>;
  /** The replication of the operations records (devices of the operations database only). */
  readonly records?: RxCouchDBReplicationState<OperationsRecord>;
  /**
   * Resolves when the working set is on the device (its number of events), or null when none
   * was loaded (a resident, a device that has its history, offline): the console is usable.
   */
  readonly workingSet: Promise<number | null>;
  /** Tries at once (back online, signed in again) rather than at the end of the back-off. */
  reSync(): void;
  readonly status: SyncStatusStore;
  /** Resolves when everything written is pushed and everything on the server pulled. */
  awaitInSync(): Promise<void>;
  /** Checks the waiting events against the server now (also done whenever sync goes idle). */
  reconcile(): Promise<void>;
  stop(): Promise<void>;
}

function defaultFetch(input: string, init?: RequestInit): Promise<Response> {
  return fetch(input, { ...init, credentials: 'same-origin' });
}

type ChangesRow = { id?: string; deleted?: boolean; doc?: Record<string, unknown> | null };

/** When the pull may read a `_changes` page, and when it may answer RxDB with one (makeFetch). */
interface ChangesGates {
  read(): Promise<void>;
  answer(): Promise<void>;
}

/** What a replication carries: the requests' events, or the operations records (operations devices only). */
export type ReplicatedDocType = 'event' | 'record';

/** Whether a `_changes` row carries a live document of the kind (anything else never reaches the device). */
export function isRowOf(row: ChangesRow, docType: ReplicatedDocType): boolean {
  const doc = row.doc;
  if (!doc || typeof doc !== 'object') return false;
  const id = typeof doc._id === 'string' ? doc._id : row.id;
  if (typeof id !== 'string' || id.startsWith('_')) return false;
  if (row.deleted === true || doc._deleted === true) return false;
  return doc.docType === docType;
}

/** Whether a `_changes` row carries a live event. */
export function isEventRow(row: ChangesRow): boolean {
  return isRowOf(row, 'event');
}

/** A `_changes` answer with only the rows of the kind; `last_seq` is kept. */
export function keepRowsOf<T extends { results?: ChangesRow[] }>(json: T, docType: ReplicatedDocType): T {
  if (!Array.isArray(json.results)) return json;
  return { ...json, results: json.results.filter((row) => isRowOf(row, docType)) };
}

/** A `_changes` answer without the rows that are not events; `last_seq` is kept. */
export function keepEventRows<T extends { results?: ChangesRow[] }>(json: T): T {
  return keepRowsOf(json, 'event');
}

/**
 * The pull modifier: an event in the device's shape. The rows reaching it are events (see
 * keepEventRows); a document in CouchDB's shape is converted as RxDB's pull would.
 */
export function pullModifier(doc: Record<string, unknown>): WithDeleted<EventRecord> {
  return toDeviceShape(doc) as unknown as WithDeleted<EventRecord>;
}

/** A pulled document in the device's shape: key `id`, CouchDB's fields dropped. */
function toDeviceShape(doc: Record<string, unknown>): Record<string, unknown> {
  const record = '_id' in doc ? (fromCouchDoc(doc as unknown as EventDoc) as Record<string, unknown>) : { ...doc };
  delete record._rev;
  delete record._meta;
  delete record._attachments;
  // The server's receipt time is its record of the write, not part of the event (EventDoc):
  // the device keeps the event as written, so a pulled event equals the one pushed.
  delete record.receivedAt;
  return { ...record, _deleted: false };
}

/** The push modifier: the server's own check; a refused event is held back and recorded. */
export function makePushModifier(options: Pick<ReplicationOptions, 'db' | 'user' | 'database'>) {
  const { db, user, database } = options;
  return async (doc: WithDeleted<EventRecord>): Promise<WithDeleted<EventRecord> | null> => {
    // A local removal (pruneClosedRequests dropping old closed requests from a staff device)
    // is a tombstone RxDB would push; the server keeps every event for good (rule
    // `never-changed`) and would refuse it. It is the device's own housekeeping, never a
    // change to the record: held back, and no rejection recorded.
    if (doc._deleted === true) return null;
    if (await db.outbox_rejections.findOne(doc.id).exec()) return null;
    const verdict = validateWrite({ database, doc, user, existing: false });
    if (verdict.ok) return doc;
    await recordRejection(db, {
      eventId: doc.id,
      requestId: typeof doc.requestId === 'string' ? doc.requestId : '',
      rule: verdict.rule,
      reason: verdict.reason,
      source: 'device',
      at: Date.now(),
    });
    return null;
  };
}

/**
 * The push modifier of operations records: the server's own check (validateDocumentWrite); a
 * refused record is held back and recorded like a refused event (with no request).
 */
export function makeRecordPushModifier(options: Pick<ReplicationOptions, 'db' | 'user' | 'database' | 'approverRole'>) {
  const { db, user, database } = options;
  return async (doc: WithDeleted<OperationsRecord>): Promise<WithDeleted<OperationsRecord> | null> => {
    if (doc._deleted === true) return null;
    if (await db.outbox_rejections.findOne(doc.id).exec()) return null;
    // RxDB's `_deleted: false` is its own flag, not part of the record the schema knows.
    const { _deleted: _flag, ...record } = doc;
    const approverRole = options.approverRole?.();
    const verdict = validateDocumentWrite({ database, doc: record, user, existing: false, ...(approverRole ? { approverRole } : {}) });
    if (verdict.ok) return doc;
    await recordRejection(db, { eventId: doc.id, requestId: '', rule: verdict.rule, reason: verdict.reason, source: 'device', at: Date.now() });
    return null;
  };
}

type BulkRow = { id?: string; ok?: boolean; error?: string; reason?: string; rule?: string };

/**
 * A row the server refused for good (its write check: `forbidden`, `unauthorized`). Other row
 * errors (`internal_error`: the check threw and the server failed closed) may pass on a retry,
 * so they stay in the answer: RxDB throws and tries the batch again, with backoff.
 */
export function isRefusal(row: BulkRow): boolean {
  return !row.ok && (row.error === 'forbidden' || row.error === 'unauthorized');
}

function jsonResponse(body: unknown, status: number): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export function startReplication(options: ReplicationOptions): DeviceReplication {
  const { db, url } = options;
  if (!url.endsWith('/')) throw new TypeError(`the replication URL must end with a slash: ${url}`);
  // Never from or into the HTTP cache. Beyond being pointless for `_changes` and `_bulk_docs`,
  // Chromium's cache lock holds a GET back while an identical one is in flight: the two
  // replications of an operations device long-poll the same `_changes?since=now` URL, so the
  // second went out only after the first had answered, with a "now" past the very change that
  // answered it, and that record never reached this device until someone wrote again.
  const givenFetch = options.fetch ?? defaultFetch;
  const baseFetch: FetchLike = (input, init) => givenFetch(input, { ...init, cache: 'no-store' });
  const status = options.status ?? createSyncStatusStore();
  const baseRetry = options.retryTime ?? 1_000;
  const maxRetry = options.maxRetryTime ?? 60_000;
  const pushBatchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const pullBatchSize = options.pullBatchSize ?? options.batchSize ?? DEFAULT_PULL_BATCH_SIZE;
  // Ends the requests in flight (the long-poll waits up to a minute) when the replication stops.
  const stopping = new AbortController();
  let stopped = false;

  /**
   * A `_changes` page with only the rows of the kind, read on past the rows dropped. RxDB 17's
   * downstream ends its catch-up at the first page with fewer documents than its batch size
   * (replication-protocol/downstream.js: `documents.length < pullBatchSize`), and its live
   * long-poll only wakes it on a NEW change: a full page the filter shortened (the records
   * replication meeting 250 events, or the events one meeting a record) would leave the rest
   * of the database unread until somebody writes again. So while a page came back full and
   * kept fewer than `limit` rows, the next page is read (since its `last_seq`) and its kept
   * rows added; the answer's `last_seq` is the last page's. A failed read of a further page
   * ends it there: what was kept is returned and the rest comes with the next pull.
   */
  const fullPageOf = async (first: ChangesPage, input: string, init: RequestInit | undefined, docType: ReplicatedDocType): Promise<ChangesPage> => {
    const request = new URL(input, 'http://device.invalid');
    const limit = Number(request.searchParams.get('limit'));
    let page = keepRowsOf(first, docType);
    if (request.searchParams.get('feed') !== 'normal' || !(limit > 0) || !Array.isArray(first.results)) return page;
    const kept = [...(page.results ?? [])];
    let rawLength = first.results.length;
    while (rawLength >= limit && kept.length < limit && page.last_seq !== undefined) {
      request.searchParams.set('since', typeof page.last_seq === 'string' ? page.last_seq : JSON.stringify(page.last_seq));
      const next = await baseFetch(input.startsWith('http') ? request.toString() : request.pathname + request.search, {
        ...init,
        signal: init?.signal ?? stopping.signal,
      }).catch(() => null);
      if (!next?.ok) break;
      const raw = (await next.json().catch(() => null)) as ChangesPage | null;
      if (!raw || !Array.isArray(raw.results)) break;
      rawLength = raw.results.length;
      page = keepRowsOf(raw, docType);
      kept.push(...(page.results ?? []));
    }
    return { ...page, results: kept };
  };

  /**
   * A `_changes` page of events for RxDB's downstream. A catch-up page (`feed=normal`: a new
   * device's history, a day offline) starts the catch-up (catchUp.ts): the pages are read ahead
   * and written straight into the storage in large writes with the downstream's write flag,
   * and RxDB gets pages it takes as its own (its checkpoint moves every CATCH_UP_CHUNK events
   * stored), its next requests answered by the same run (`catchUpGoesOn`). The live
   * long-poll's pages go to RxDB as before.
   */
  let catchUpFrom: { input: string; init: RequestInit | undefined; context: string } | null = null;
  const sinceParam = (since: unknown) => (typeof since === 'string' ? since : JSON.stringify(since));
  const catchUpRun = createCatchUp({
    chunk: options.catchUpChunk ?? CATCH_UP_CHUNK,
    maxPending: CATCH_UP_PENDING,
    keep: (page) => keepRowsOf(page, 'event'),
    stopped: () => stopped,
    ...((options.snapshotReaders ?? SNAPSHOT_READERS) > 0
      ? {
          snapshot: (limit: number, take: (rows: PageRow[]) => Promise<void>) =>
            readSnapshot({
              limit,
              take,
              readers: options.snapshotReaders ?? SNAPSHOT_READERS,
              minRoundTripMs: options.snapshotMinRoundTripMs ?? SNAPSHOT_MIN_ROUND_TRIP_MS,
              async getJson(path) {
                const res = await baseFetch(`${url}${path}`, { signal: stopping.signal });
                if (!res.ok) throw new Error(`the server answered ${res.status} to ${path.split('?')[0] || 'the database'}`);
                return res.json();
              },
            }),
        }
      : {}),
    async nextPage(since, limit) {
      const { input, init } = catchUpFrom!;
      const request = new URL(input, 'http://device.invalid');
      request.searchParams.set('since', sinceParam(since));
      request.searchParams.set('limit', String(limit));
      const res = await baseFetch(input.startsWith('http') ? request.toString() : request.pathname + request.search, { ...init, signal: init?.signal ?? stopping.signal });
      if (!res.ok) throw new Error(`the server answered ${res.status} to _changes`);
      const page = (await res.json()) as ChangesPage;
      if (!Array.isArray(page.results)) throw new Error('_changes answered without results');
      return page;
    },
    async write(rows) {
      const events = rows.map((row) => pullModifier(row.doc!));
      // The working set's events come again: stored already, and an event never changes, so
      // they are not written twice (each comes once, so its id is forgotten here).
      const fresh = inWorkingSet.size ? events.filter((e) => !inWorkingSet.delete(e.id)) : events;
      // Added, not put: an event the device holds already (its own, sent or not) is left as
      // it is, by IndexedDB's own key check (dexieStorage.ts, addWriteOnce).
      await addWriteOnce(db.events, fresh, catchUpFrom!.context);
      acknowledge(events.map((e) => e.id));
    },
  });
  /** Whether RxDB's request goes on from the catch-up's last answer (answered by the run, nothing read here). */
  const catchUpGoesOn = (input: string) => {
    const request = new URL(input, 'http://device.invalid');
    return request.searchParams.get('feed') === 'normal' && catchUpRun.continuesFrom(request.searchParams.get('since'), Number(request.searchParams.get('limit')));
  };

  const eventsPageOf = async (first: ChangesPage, input: string, init: RequestInit | undefined): Promise<ChangesPage> => {
    const request = new URL(input, 'http://device.invalid');
    const limit = Number(request.searchParams.get('limit'));
    const flag = eventsState?.internalReplicationState?.downstreamBulkWriteFlag;
    if (request.searchParams.get('feed') !== 'normal' || !(limit > 0) || !flag) {
      catchUpRun.stop();
      return fullPageOf(first, input, init, 'event');
    }
    catchUpFrom = { input, init, context: await flag };
    return catchUpRun.start(request.searchParams.get('since'), limit, first);
  };

  /**
   * The fetch of one replication: status facts, rows of other kinds dropped from `_changes`,
   * refused rows of `_bulk_docs` recorded. `succeeded` resets that replication's back-off.
   */
  const makeFetch =
    (docType: ReplicatedDocType, succeededOnce: () => void, gates?: ChangesGates): FetchLike =>
    async (input, init) => {
      const isChanges = input.startsWith(`${url}_changes`);
      // Asked now, awaited once the page is read: the read overlaps what the answer waits for.
      const mayAnswer = gates && isChanges ? gates.answer() : undefined;
      if (gates && isChanges) await gates.read();
      const path = input.slice(url.length).split('?')[0];
      const succeeded = () => {
        status.dispatch({ type: 'exchange', at: Date.now() });
        succeededOnce();
      };
      const answerChanges = async (first: ChangesPage | null, httpStatus: number): Promise<Response> => {
        await mayAnswer;
        const json =
          docType === 'event'
            ? await (first ? eventsPageOf(first, input, init) : catchUpRun.next()).catch((err: unknown) => {
                // A page of the catch-up failed (RxDB tries again from its checkpoint).
                if (!stopped) status.dispatch({ type: 'error', id: 'sync.error.network', detail: String(err) });
                throw err;
              })
            : await fullPageOf(first!, input, init, docType);
        succeeded();
        return jsonResponse(json, httpStatus);
      };
      // The catch-up goes on from its last answer: its run answers, nothing is read here.
      if (path === '_changes' && docType === 'event' && catchUpGoesOn(input)) return answerChanges(null, 200);
      let response: Response;
      try {
        response = await baseFetch(input, { ...init, signal: init?.signal ?? stopping.signal });
      } catch (err) {
        // A stopped replication aborts its long-poll: not a network failure.
        if (!stopped) status.dispatch({ type: 'error', id: 'sync.error.network', detail: String(err) });
        throw err;
      }
      if (!response.ok) {
        if (response.status === 401) status.dispatch({ type: 'signed-out' });
        else status.dispatch({ type: 'error', id: 'sync.error.server', detail: `${response.status} ${path}` });
        // Thrown, not returned: RxDB 17's live pull loop reads `results` of a `_changes` answer
        // outside its try/catch, so a 401/403/5xx answer there would end the live pull for good.
        // A thrown request is caught and retried (with backoff) everywhere.
        throw new Error(`the server answered ${response.status} to ${path}`);
      }
      if (path === '_changes') return answerChanges((await response.json()) as ChangesPage, response.status);
      if (path === '_bulk_docs' && init?.method === 'POST') {
        const rows = (await response.json()) as BulkRow[];
        if (!Array.isArray(rows)) return jsonResponse(rows, response.status); // RxDB reports it and retries
        const sent = (JSON.parse(String(init.body)) as { docs: { _id: string; requestId?: string }[] }).docs;
        const requestOf = new Map(sent.map((d) => [d._id, d.requestId ?? '']));
        for (const row of rows.filter(isRefusal)) {
          if (!row.id) continue;
          // Recorded before RxDB sees the answer, so the row is never counted as acknowledged.
          await recordRejection(db, {
            eventId: row.id,
            requestId: requestOf.get(row.id) ?? '',
            rule: row.rule ?? row.error ?? 'server',
            reason: row.reason ?? row.error ?? 'refused by the server',
            source: 'server',
            at: Date.now(),
          });
        }
        succeeded();
        return jsonResponse(
          rows.filter((r) => !isRefusal(r)),
          response.status,
        );
      }
      succeeded();
      return response;
    };

  let eventsState: RxCouchDBReplicationState<EventRecord> | undefined;
  /**
   * Holds the pull until RxDB's upstream has walked what the collection held when the
   * replication started. Every RxDB replication runs an upstream, ours (pull only) too: at
   * start it reads the collection from its own checkpoint in pages of 100 and only then
   * follows the storage's writes, skipping the pull's. On a new staff device the working set is
   * there at start; a pull writing thousands of events meanwhile keeps the walk chasing them,
   * page by page, until the pull ends, and its reads hold the pull's writes back (IndexedDB
   * runs a store's read and write transactions one after the other). bench/sync.ts, 50,000
   * events: 73 s with the chase, the pull's own writes done at 60 s.
   */
  const upstreamWalked = async (): Promise<void> => {
    const up = eventsState?.internalReplicationState?.firstSyncDone.up;
    if (!up || up.getValue() || stopped) return;
    await new Promise<void>((resolve) => {
      const sub = up.subscribe((done) => {
        if (!done) return;
        queueMicrotask(() => sub.unsubscribe());
        resolve();
      });
      stopping.signal.addEventListener('abort', () => {
        sub.unsubscribe();
        resolve();
      });
    });
  };
  // The working set (below) goes first: the pull reads its first page once the working set's
  // answer is in, and writes nothing before the working set is stored and the upstream walked.
  let workingSetRead: Promise<unknown> = Promise.resolve();
  let workingSetStored: Promise<unknown> = Promise.resolve();
  const replicationFetch = makeFetch(
    'event',
    () => {
      if (eventsState) eventsState.retryTime = baseRetry;
    },
    {
      read: async () => {
        await workingSetRead;
      },
      answer: async () => {
        await workingSetStored;
        await upstreamWalked();
      },
    },
  );
  // Pull only: RxDB then keeps no per-document "assumed master state" (skipStoringPullMeta),
  // one meta write per pulled event less; the push is ours, from the outbox (below).
  // autoStart false: started below, beside the working set's load (loadWorkingSet).
  eventsState = replicateCouchDB<EventRecord>({
    replicationIdentifier: `hearthline-events-${url}-${options.user.name}`,
    collection: db.events,
    url,
    fetch: replicationFetch as typeof fetch,
    live: true,
    retryTime: baseRetry,
    waitForLeadership: true,
    autoStart: false,
    pull: { batchSize: pullBatchSize, modifier: (doc) => pullModifier(doc as unknown as Record<string, unknown>) },
  });
  const replication = eventsState;

  // Operations records live in the operations database alone: only its devices replicate them.
  // A second replication of the same database, because an RxDB replication fills one
  // collection; its `_changes` answers keep the records and drop the events (which the first
  // one keeps). The price is reading the operations `_changes` twice on those few devices.
  let recordsState: RxCouchDBReplicationState<OperationsRecord> | undefined;
  if (options.database.kind === 'operations') {
    recordsState = replicateCouchDB<OperationsRecord>({
      replicationIdentifier: `hearthline-records-${url}-${options.user.name}`,
      collection: db.records,
      url,
      fetch: makeFetch('record', () => {
        if (recordsState) recordsState.retryTime = baseRetry;
      }) as typeof fetch,
      live: true,
      retryTime: baseRetry,
      waitForLeadership: true,
      pull: { batchSize: pullBatchSize, modifier: (doc) => toDeviceShape(doc as unknown as Record<string, unknown>) as unknown as WithDeleted<OperationsRecord> },
    });
  }
  const states = [replication, ...(recordsState ? [recordsState] : [])] as unknown as RxCouchDBReplicationState<{ id: string }>[];

  // The ids waiting in the outbox, kept in memory: a pull acknowledges every document it
  // receives, and almost none of them were written here. Asking the outbox once per pulled
  // event was one IndexedDB transaction each (bench/sync.ts: 1.7× slower pulls).
  let waitingIds: Set<string> | null = null; // null until the outbox has been read once
  const acknowledge = (ids: string[]) => {
    const mine = waitingIds ? ids.filter((id) => waitingIds!.has(id)) : ids;
    if (mine.length) void db.outbox.bulkRemove(mine).catch(() => undefined);
  };

  // ---------------------------------------------------------------- push, from the outbox
  //
  // The outbox is exactly what this device has to send (every event or record the app wrote
  // here, until the server has it), so the push reads it instead of RxDB's upstream walking
  // every document of the collection — pulled ones included — and writing a meta document for
  // each. Events and records are written once and never changed, so there is nothing to merge:
  // a `conflict` row means the server already holds that id (a batch resent after a crash) and
  // counts as acknowledged; refused rows are recorded by the fetch (makeFetch); any other row
  // error leaves the id waiting and the push is tried again with back-off.
  const eventModifier = makePushModifier(options);
  const recordModifier = makeRecordPushModifier(options);
  /** Ids the push modifiers held back in this run (refused, or not stored): never sent. */
  const heldBack = new Set<string>();
  let pushing: Promise<void> | undefined;
  let pushAgain = false;
  let pushFailing = false;
  let pushRetry = baseRetry;
  let pushTimer: ReturnType<typeof setTimeout> | undefined;
  /** What waits to be sent, read from the outbox itself (`waitingIds` follows it a moment later). */
  const pushable = async () => (await db.outbox.find().exec()).map((d) => d.id).filter((id) => !heldBack.has(id));

  /** The stored documents of these ids (an id may wait in the outbox a moment before its insert lands). */
  const storedOf = async (ids: string[]) => {
    const [events, records, photos] = await Promise.all([
      db.events.findByIds(ids.filter((id) => !isPhotoId(id))).exec(),
      recordsState ? db.records.findByIds(ids).exec() : Promise.resolve(new Map<string, never>()),
      photosOf(ids),
    ]);
    return { events, records, photos };
  };

  /** The device's photos among these ids (ids whose photo is gone leave the outbox: nothing to send). */
  const photosOf = async (ids: string[]): Promise<Map<string, DevicePhoto>> => {
    const found = new Map<string, DevicePhoto>();
    const gone: string[] = [];
    for (const id of ids.filter(isPhotoId)) {
      const photo = options.photos ? await options.photos.get(id) : undefined;
      if (photo) found.set(id, photo);
      else gone.push(id);
    }
    if (gone.length) await db.outbox.bulkRemove(gone);
    return found;
  };

  /**
   * Sends one photo (its request's submission went before it: events sort first in the outbox
   * and are sent first in a batch); the server's check repeats the device's. Returns whether it
   * leaves the outbox when stored or already there, or is set aside when refused.
   */
  const pushPhoto = async (photo: DevicePhoto): Promise<void> => {
    const doc = photoDocOf(photo);
    const verdict = validateDocumentWrite({ database: options.database, doc, user: options.user, existing: false });
    if (!verdict.ok) {
      await recordRejection(db, { eventId: photo.id, requestId: photo.requestId, rule: verdict.rule, reason: verdict.reason, source: 'device', at: Date.now() });
      return;
    }
    await pushDocs([doc]);
  };

  const pushBatch = async (ids: string[]): Promise<string[]> => {
    const { events, records, photos } = await storedOf(ids);
    const docs: Record<string, unknown>[] = [];
    const missing: string[] = [];
    for (const id of ids) {
      if (isPhotoId(id)) continue; // sent after the events (below)
      const event = events.get(id);
      const record = records.get(id);
      if (!event && !record) {
        missing.push(id); // tried again shortly; an insert that failed is pruned when the database next opens
        continue;
      }
      const out = event
        ? await eventModifier({ ...(event.toJSON() as EventRecord), _deleted: false })
        : await recordModifier({ ...(record!.toJSON() as OperationsRecord), _deleted: false });
      if (out === null) {
        heldBack.add(id);
        continue;
      }
      const { id: docId, ...rest } = out as { id: string };
      docs.push({ _id: docId, ...rest });
    }
    if (docs.length) await pushDocs(docs);
    for (const photo of photos.values()) {
      if (await db.outbox_rejections.findOne(photo.id).exec()) {
        heldBack.add(photo.id);
        continue;
      }
      await pushPhoto(photo);
    }
    return missing;
  };

  const pushDocs = async (docs: Record<string, unknown>[]): Promise<void> => {
    const res = await replicationFetch(`${url}_bulk_docs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ docs }),
    });
    const rows = (await res.json()) as BulkRow[];
    if (!Array.isArray(rows)) throw new Error(`_bulk_docs answered ${JSON.stringify(rows).slice(0, 200)}`);
    const stored = rows.filter((r) => r.id && (r.ok || r.error === 'conflict')).map((r) => r.id!);
    if (stored.length) await db.outbox.bulkRemove(stored);
    const failed = rows.filter((r) => !r.ok && r.error !== 'conflict');
    if (failed.length) throw new Error(`the server could not store ${failed.length} rows: ${failed[0]!.error} ${failed[0]!.reason ?? ''}`);
  };

  const push = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (pushing) {
      pushAgain = true;
      return pushing;
    }
    if (pushTimer) clearTimeout(pushTimer);
    pushTimer = undefined;
    const run = (async () => {
      const notYet = new Set<string>();
      try {
        do {
          pushAgain = false;
          for (;;) {
            const ids = (await pushable()).filter((id) => !notYet.has(id)).slice(0, pushBatchSize);
            if (!ids.length || stopped) break;
            for (const id of await pushBatch(ids)) notYet.add(id);
          }
        } while (pushAgain && !stopped);
        pushFailing = false;
        pushRetry = baseRetry;
        if (notYet.size && !stopped) pushTimer = setTimeout(() => void push(), 100);
      } catch {
        // The status already says why (makeFetch); tried again after the back-off.
        pushFailing = true;
        if (!stopped) pushTimer = setTimeout(() => void push(), pushRetry);
        pushRetry = Math.min(maxRetry, Math.max(baseRetry, pushRetry * 2));
      }
    })();
    // Cleared in a callback, not in the body: a run with nothing to send finishes synchronously,
    // before `pushing` would have been assigned.
    pushing = run;
    void run.finally(() => {
      if (pushing !== run) return;
      pushing = undefined;
      // Asked for again after the run's last look at the outbox.
      if (pushAgain && !stopped && !pushTimer) void push();
    });
    return run;
  };

  /** Whether a stored event or record waits to be sent (an outbox entry without one waits for nothing). */
  const somethingToSend = async () => {
    const ids = await pushable();
    if (!ids.length) return false;
    const { events, records, photos } = await storedOf(ids);
    return ids.some((id) => events.has(id) || records.has(id) || photos.has(id));
  };

  /** Resolves when nothing waits to be sent (tries again after failures, as RxDB's awaitInSync waits). */
  const awaitPushed = async (): Promise<void> => {
    while (!stopped) {
      await (pushing ?? push());
      if (!pushFailing && !(await somethingToSend())) return;
      await new Promise((resolve) => setTimeout(resolve, pushFailing ? Math.min(pushRetry, 1_000) : 20));
    }
  };

  // ---------------------------------------------------------------- the working set first
  //
  // A staff device with no history yet first asks the server for the day's work (open
  // requests with their events, the last two days' activity: server/backend/workingSet.mjs),
  // writes it in one storage write, and the full pull writes nothing before it is stored: the
  // pull brings the rest of the history from its own checkpoint (the working set's events come
  // again and are not written twice: `inWorkingSet`). Measured in bench/sync.ts.
  //
  // The replication starts at once, not after the working set: RxDB opens its meta storage and
  // its upstream walks the collection (empty on a new device) while the working set is asked
  // for, and the working set is written with the downstream's flag, as pulled documents are,
  // so the upstream knows them for the server's and never walks them (bench/sync.ts: the walk
  // of a 6,000-event working set held the pull's first write back by 1.6 s). The pull's first
  // page is read while the working set is written (ChangesGates).
  const inWorkingSet = new Set<string>();
  let workingSetAnswered: () => void = () => undefined;
  workingSetRead = new Promise<void>((resolve) => (workingSetAnswered = resolve));
  const started = replication.start().catch(() => undefined); // a failed start is on error$ (RxDB)
  const loadWorkingSet = async (): Promise<number | null> => {
    if (options.database.kind === 'resident' || options.workingSet === false) return null;
    const wanted = options.workingSet?.wanted ? await options.workingSet.wanted() : (await db.events.count().exec()) === 0;
    if (!wanted) return null;
    const res = await baseFetch(new URL('../_account/working-set', url).toString(), { signal: stopping.signal });
    if (!res.ok) return null;
    const body = (await res.json()) as { docs?: Record<string, unknown>[] };
    workingSetAnswered();
    const docs = (body.docs ?? []).filter((doc) => isEventRow({ id: String(doc._id), doc }));
    if (!docs.length || stopped) return 0;
    await started;
    // The downstream's flag when the replication started (it always has, unless it failed or
    // was stopped: then a write of our own, which the upstream walks at its next start).
    const flag = await eventsState?.internalReplicationState?.downstreamBulkWriteFlag;
    // The storage, not the collection: no preInsert hook (these are not the device's own
    // writes, so they never enter the outbox) and one IndexedDB transaction. An event the
    // device already holds is left as it is (addWriteOnce).
    const events = docs.map(pullModifier);
    await addWriteOnce(db.events, events, flag ?? 'hearthline-working-set');
    for (const e of events) inWorkingSet.add(e.id);
    return docs.length;
  };
  const workingSet = loadWorkingSet().catch(() => null); // offline or refused: the full pull brings everything in its own time
  workingSetStored = workingSet;
  void workingSet.finally(() => workingSetAnswered());

  let reconciling: Promise<void> | undefined;
  const reconcile = (): Promise<void> => {
    reconciling ??= (async () => {
      try {
        const waiting = await db.outbox.find().exec();
        // In pages of a batch: the server answers at most 1000 keys per request.
        for (let from = 0; from < waiting.length; from += pushBatchSize) {
          const res = await replicationFetch(`${url}_all_docs`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ keys: waiting.slice(from, from + pushBatchSize).map((w) => w.id) }),
          });
          const json = (await res.json()) as { rows?: { key: string; value?: { rev: string }; error?: string }[] };
          acknowledge((json.rows ?? []).filter((r) => r.value && !r.error).map((r) => r.key));
        }
      } catch {
        // offline: the status already says so; tried again at the next idle moment
      } finally {
        reconciling = undefined;
      }
    })();
    return reconciling;
  };

  const subs: Subscription[] = [
    ...states.flatMap((st) => [
      st.received$.subscribe((doc) => acknowledge([doc.id])),
      st.error$.subscribe(() => {
        // Back off: each failure doubles the wait before RxDB tries again (RxDB reads retryTime each time).
        st.retryTime = Math.min(maxRetry, Math.max(baseRetry, st.retryTime * 2));
      }),
      st.active$.subscribe((active) => {
        if (!active && !pushing) void reconcile();
      }),
    ]),
    db.outbox.find().$.subscribe((docs) => {
      waitingIds = new Set(docs.map((d) => d.id));
      status.dispatch({ type: 'waiting', count: docs.length });
      // A new write (or the first read of the outbox): send it now, unless a failed push waits for its back-off.
      if (docs.some((d) => !heldBack.has(d.id)) && !pushTimer) void push();
    }),
    db.outbox_rejections.find().$.subscribe((docs) =>
      status.dispatch({ type: 'rejected', count: docs.filter((d) => d.supersededBy === undefined).length }),
    ),
  ];

  let onOnline: (() => void) | undefined;
  let onOffline: (() => void) | undefined;
  if (typeof window !== 'undefined' && typeof window.addEventListener === 'function') {
    onOnline = () => status.dispatch({ type: 'online', online: true });
    onOffline = () => status.dispatch({ type: 'online', online: false });
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
    if (typeof navigator !== 'undefined' && navigator.onLine === false) onOffline();
  }

  return {
    state: replication,
    ...(recordsState ? { records: recordsState } : {}),
    status,
    workingSet,
    async awaitInSync() {
      await workingSet;
      await Promise.all([...states.map((st) => st.awaitInSync()), awaitPushed()]);
      await reconcile();
    },
    reSync() {
      for (const st of states) st.reSync();
      void push();
    },
    reconcile,
    async stop() {
      stopped = true;
      catchUpRun.stop();
      if (pushTimer) clearTimeout(pushTimer);
      for (const s of subs) s.unsubscribe();
      if (onOnline) window.removeEventListener('online', onOnline);
      if (onOffline) window.removeEventListener('offline', onOffline);
      await Promise.all(states.map((st) => st.cancel()));
      stopping.abort();
      await Promise.all([reconciling, pushing, workingSet]);
    },
  };
}
