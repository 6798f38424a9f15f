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

/**
 * Live CouchDB replication of the device's `events` with one database on the server (`/db/…`).
 *
 * Pull: the server's databases hold documents that are not events (the resident's `profile`,
 * the `station:` documents in operations; design documents, deleted documents). RxDB 17 maps
 * every pulled document through `pull.modifier` and has no way to skip one, and a tombstone
 * `{ id, _deleted: true }` fails the collection's schema under the validator (and stalls the
 * pull, findings trap 10). So the rows are dropped one step earlier: the replication's fetch
 * rewrites each `_changes` answer without them (`last_seq` kept, so the checkpoint moves past
 * them). `pull.modifier` then only brings an event to the device's shape.
 *
 * Push: `push.modifier` runs validateWrite, the server's own check, on each event; a refused
 * event is held back (`null`: RxDB records it as handled and never sends it) and its rule and
 * reason go to `outbox_rejections`. Events already refused (by the device or the server) are
 * held back too.
 *
 * A row the server still refuses in `_bulk_docs` (`forbidden`/`unauthorized`: the session's
 * roles changed, a rule differs between versions) would make RxDB throw and resend the same
 * batch forever (trap 11), blocking every later event. RxDB 17 has no per-row "refused"
 * result: a push handler answers only conflicts, and a conflict needs the server's document,
 * which does not exist. The fetch therefore records each refused row as a rejection (awaited,
 * before RxDB sees the answer) and removes it from the answer. RxDB then treats the row as
 * handled — exactly the state it gives a row that `push.modifier` held back (it writes the row's
 * meta "so that the upstream does not keep retrying"). The other rows of the batch were stored
 * by the server and are acknowledged normally. Correcting a refused event means writing a new
 * event (correctEvent); the refused one is never pushed again.
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
  batchSize?: number;
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
}

/**
 * Measured (npm run bench:sync, 10,000 events into Chromium, 2026-11-23): 973 events/s at
 * 100, 1,179 at 250, 1,088 at 1,000; larger batches move the time from the network to the
 * local write and double the heap. 250 events are about 140 kB of JSON per answer, which a
 * weak mobile network still carries in one go.
 */
export const DEFAULT_BATCH_SIZE = 250;

export interface DeviceReplication {
  /** The replication of the events. */
  readonly state: RxCouchDBReplicationState<EventRecord>;
  /** The replication of the operations records (devices of the operations database only). */
  readonly records?: RxCouchDBReplicationState<OperationsRecord>;
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
type ChangesPage = { results?: ChangesRow[]; last_seq?: unknown };

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
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
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
   * The fetch of one replication: status facts, rows of other kinds dropped from `_changes`,
   * refused rows of `_bulk_docs` recorded. `succeeded` resets that replication's back-off.
   */
  const makeFetch =
    (docType: ReplicatedDocType, succeededOnce: () => void): FetchLike =>
    async (input, init) => {
      let response: Response;
      try {
        response = await baseFetch(input, { ...init, signal: init?.signal ?? stopping.signal });
      } catch (err) {
        // A stopped replication aborts its long-poll: not a network failure.
        if (!stopped) status.dispatch({ type: 'error', id: 'sync.error.network', detail: String(err) });
        throw err;
      }
      const path = input.slice(url.length).split('?')[0];
      const succeeded = () => {
        status.dispatch({ type: 'exchange', at: Date.now() });
        succeededOnce();
      };
      if (!response.ok) {
        if (response.status === 401) status.dispatch({ type: 'signed-out' });
        else status.dispatch({ type: 'error', id: 'sync.error.server', detail: `${response.status} ${path}` });
        // Thrown, not returned: RxDB 17's live pull loop reads `results` of a `_changes` answer
        // outside its try/catch, so a 401/403/5xx answer there would end the live pull for good.
        // A thrown request is caught and retried (with backoff) everywhere.
        throw new Error(`the server answered ${response.status} to ${path}`);
      }
      if (path === '_changes') {
        const json = await fullPageOf((await response.json()) as ChangesPage, input, init, docType);
        succeeded();
        return jsonResponse(json, response.status);
      }
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
  const replicationFetch = makeFetch('event', () => {
    if (eventsState) eventsState.retryTime = baseRetry;
  });
  eventsState = replicateCouchDB<EventRecord>({
    replicationIdentifier: `hearthline-events-${url}-${options.user.name}`,
    collection: db.events,
    url,
    fetch: replicationFetch as typeof fetch,
    live: true,
    retryTime: baseRetry,
    waitForLeadership: true,
    pull: { batchSize, modifier: (doc) => pullModifier(doc as unknown as Record<string, unknown>) },
    push: { batchSize, modifier: makePushModifier(options) },
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
      pull: { batchSize, modifier: (doc) => toDeviceShape(doc as unknown as Record<string, unknown>) as unknown as WithDeleted<OperationsRecord> },
      push: { batchSize, modifier: makeRecordPushModifier(options) },
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

  let reconciling: Promise<void> | undefined;
  const reconcile = (): Promise<void> => {
    reconciling ??= (async () => {
      try {
        const waiting = await db.outbox.find().exec();
        if (!waiting.length) return;
        const res = await replicationFetch(`${url}_all_docs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ keys: waiting.map((w) => w.id) }),
        });
        const json = (await res.json()) as { rows?: { key: string; value?: { rev: string }; error?: string }[] };
        acknowledge((json.rows ?? []).filter((r) => r.value && !r.error).map((r) => r.key));
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
      st.sent$.subscribe((doc) => acknowledge([doc.id])),
      st.received$.subscribe((doc) => acknowledge([doc.id])),
      st.conflict$.subscribe((c) => acknowledge([c.input.newDocumentState.id])),
      st.error$.subscribe(() => {
        // Back off: each failure doubles the wait before RxDB tries again (RxDB reads retryTime each time).
        st.retryTime = Math.min(maxRetry, Math.max(baseRetry, st.retryTime * 2));
      }),
      st.active$.subscribe((active) => {
        if (!active) void reconcile();
      }),
    ]),
    db.outbox.find().$.subscribe((docs) => {
      waitingIds = new Set(docs.map((d) => d.id));
      status.dispatch({ type: 'waiting', count: docs.length });
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
    async awaitInSync() {
      await Promise.all(states.map((st) => st.awaitInSync()));
      await reconcile();
    },
    reSync() {
      for (const st of states) st.reSync();
    },
    reconcile,
    async stop() {
      stopped = true;
      for (const s of subs) s.unsubscribe();
      if (onOnline) window.removeEventListener('online', onOnline);
      if (onOffline) window.removeEventListener('offline', onOffline);
      await Promise.all(states.map((st) => st.cancel()));
      stopping.abort();
      await reconciling;
    },
  };
}
