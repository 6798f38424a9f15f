import * as v from 'valibot';
import { addRxPlugin, createRxDatabase, type RxCollection, type RxDatabase, type RxJsonSchema, type RxStorage } from 'rxdb';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { RxDBCleanupPlugin } from 'rxdb/plugins/cleanup';
import { combineLatest, map, type Observable } from 'rxjs';
import { EVENTS_COLLECTION_CREATOR, RECORDS_COLLECTION_CREATOR } from '../rxdbSchema';
import { validateWrite, type WriteRule } from '../validateWrite';
import { validateDocumentWrite, type DocumentVerdict } from '../validateRecordWrite';
import type { ApproverRole } from '../schema/records/commitmentsRecords';
import { OperationsRecord, type RecordType } from '../schema/records/record';
import { parseEvent, type EventRecord } from '../schema/events/event';
import { describeBookingProblems, describeEventIssues, type DescribedIssue } from '../../i18n/issues';
import { bookingProblems } from '../../rules/bookingWindows';
import type { Lang } from '../../i18n/index';
import type { DatabaseKind } from '../databaseNames';
import { sortEvents, type RequestState } from '../../rules/requestState';
import { requestList } from './requestList';
import type { Instant } from '../../rules/chinaTime';
import { indexRequests, requestFacts } from '../../rules/requestLinkage';
import type { OwnershipContext } from '../writeOwnership';
import { isPhotoId, photoDocOf, type DevicePhoto } from '../schema/photos';
import type { PhotoStore } from './photoStore';

/**
 * The device's own database (RxDB): the `events` collection (the replicated requests' events),
 * the `records` collection (operations records: outages, calls, the committee's drafts; filled
 * only on devices that replicate the operations database) and two small local-only
 * collections that are never replicated:
 *   - `outbox`             ids of events and records written on this device and not yet acknowledged by
 *                          the server (the `waiting` count of the sync status);
 *   - `outbox_rejections`  events the write check refused (on the device before pushing, or
 *                          the server), with the rule and reason to show against the record.
 *
 * Storage is injected: `getRxStorageDexie()` in browsers, `getRxStorageMemory()` in tests.
 * In development and tests the storage is wrapped with RxDB's ajv validator and dev-mode is
 * on; in production neither is loaded (both are imported dynamically, so they are split out of
 * the bundle; dev-mode also shows a banner in browsers).
 */

export interface OutboxEntry {
  id: string;
  /** When the event was written (ms since the epoch). */
  writtenAt: number;
}

export interface Rejection {
  /** The refused event's id. */
  eventId: string;
  requestId: string;
  /** The rule of validateWrite that refused it (or 'server' rules the server named). */
  rule: string;
  /** In words (English, from validateWrite or the server). */
  reason: string;
  /** Who refused it: this device's check before pushing, or the server. */
  source: 'device' | 'server';
  /** When it was refused (ms since the epoch). */
  at: number;
  /** The id of the new event that corrects it, once written. */
  supersededBy?: string;
}

const OUTBOX_SCHEMA: RxJsonSchema<OutboxEntry> = {
  title: 'Hearthline outbox',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 64 },
    writtenAt: { type: 'number', minimum: 0, maximum: 1e15, multipleOf: 1 },
  },
  required: ['id', 'writtenAt'],
  additionalProperties: false,
};

const REJECTIONS_SCHEMA: RxJsonSchema<Rejection> = {
  title: 'Hearthline refused events',
  version: 0,
  primaryKey: 'eventId',
  type: 'object',
  properties: {
    eventId: { type: 'string', maxLength: 64 },
    requestId: { type: 'string', maxLength: 64 },
    rule: { type: 'string', maxLength: 64 },
    reason: { type: 'string', maxLength: 2000 },
    source: { type: 'string', enum: ['device', 'server'], maxLength: 6 },
    at: { type: 'number', minimum: 0, maximum: 1e15, multipleOf: 1 },
    supersededBy: { type: 'string', maxLength: 64 },
  },
  required: ['eventId', 'requestId', 'rule', 'reason', 'source', 'at'],
  additionalProperties: false,
};

export type DeviceCollections = {
  events: RxCollection<EventRecord>;
  records: RxCollection<OperationsRecord>;
  outbox: RxCollection<OutboxEntry>;
  outbox_rejections: RxCollection<Rejection>;
};
export type DeviceDatabase = RxDatabase<DeviceCollections>;

export interface OpenOptions {
  /** The RxDB database name (IndexedDB database name in browsers). */
  name: string;
  storage: RxStorage<any, any>;
  /**
   * Development checks (ajv validation of every stored document, RxDB dev-mode). Default: on
   * unless the bundle is a production build (`import.meta.env.PROD`).
   */
  dev?: boolean;
  /** Several tabs share the database (default true; tests with memory storage pass false). */
  multiInstance?: boolean;
}

function isProductionBuild(): boolean {
  const env = (import.meta as { env?: { PROD?: boolean } }).env;
  return env?.PROD === true;
}

let devModeAdded: Promise<void> | undefined;
let migrationAdded = false;

export async function openDeviceDatabase(options: OpenOptions): Promise<DeviceDatabase> {
  const dev = options.dev ?? !isProductionBuild();
  if (!migrationAdded) {
    // The events schema has version 1 (src/db/schema/events/migrations.ts): RxDB needs the plugin.
    addRxPlugin(RxDBMigrationSchemaPlugin);
    // Purges old tombstones (outbox removals) in the background; prune.ts purges its own at once.
    addRxPlugin(RxDBCleanupPlugin);
    migrationAdded = true;
  }
  let storage = options.storage;
  if (dev) {
    devModeAdded ??= (async () => {
      const { RxDBDevModePlugin, disableWarnings } = await import('rxdb/plugins/dev-mode');
      disableWarnings();
      addRxPlugin(RxDBDevModePlugin);
    })();
    await devModeAdded;
    const { wrappedValidateAjvStorage } = await import('rxdb/plugins/validate-ajv');
    storage = wrappedValidateAjvStorage({ storage });
  }
  const db = await createRxDatabase<DeviceCollections>({ name: options.name, storage, multiInstance: options.multiInstance ?? true, eventReduce: true });
  await db.addCollections({
    events: EVENTS_COLLECTION_CREATOR,
    records: RECORDS_COLLECTION_CREATOR,
    outbox: { schema: OUTBOX_SCHEMA },
    outbox_rejections: { schema: REJECTIONS_SCHEMA },
  });
  // Every event the app writes on this device waits in the outbox until the server has it.
  // Replication writes go to the storage directly and run no collection hooks.
  db.events.preInsert(async (data: EventRecord) => {
    await db.outbox.upsert({ id: data.id, writtenAt: Date.now() });
  }, false);
  db.records.preInsert(async (data: OperationsRecord) => {
    await db.outbox.upsert({ id: data.id, writtenAt: Date.now() });
  }, false);
  // An entry whose event or record was never stored (an insert that failed) waits for nothing.
  const entries = await db.outbox.find().exec();
  if (entries.length) {
    const ids = entries.map((e) => e.id);
    const [events, records] = await Promise.all([db.events.findByIds(ids).exec(), db.records.findByIds(ids).exec()]);
    // Photos wait in their own store (photoStore.ts); the push drops an entry whose photo is gone.
    const stale = entries.filter((e) => !events.has(e.id) && !records.has(e.id) && !isPhotoId(e.id)).map((e) => e.id);
    if (stale.length) await db.outbox.bulkRemove(stale);
  }
  return db;
}

// ---------------------------------------------------------------- writing

/** Who writes, into which database: what the write check needs besides the event. */
export interface WriteContext {
  database: DatabaseKind;
  user: { name: string | null; roles: readonly string[] };
  /** Who approves the committee's commitments (content/utility.yaml); default manager. */
  approverRole?: ApproverRole;
  /**
   * The logins of a station's technicians, from the staff directory this device keeps; undefined
   * while it has none (then the server alone checks whom a dispatch goes to).
   */
  technicians?: (station: string) => readonly string[] | undefined;
}

export type RecordResult =
  | { ok: true; event: EventRecord }
  | { ok: false; rule: WriteRule | 'duplicate'; reason: string; issues: DescribedIssue[] };

/**
 * Checks an event with the server's own write check (validateWrite, `existing: false`) and
 * stores it only if it passes. A malformed event comes back with one issue per field, in the
 * language asked for, for a form to show next to each field.
 */
export async function recordEvent(db: DeviceDatabase, event: unknown, context: WriteContext, lang: Lang = 'zh-CN'): Promise<RecordResult> {
  const owned = await ownershipOnDevice(db, event, context);
  const verdict = validateWrite({ database: context.database, doc: event, user: context.user, existing: false, ...(owned ? { context: owned } : {}) });
  if (!verdict.ok) {
    const parsed = parseEvent(event);
    // Field by field in the user's language: the schema's issues, or the booking window's.
    const issues = !parsed.success
      ? describeEventIssues(parsed.issues, lang)
      : verdict.rule === 'booking-window'
        ? describeBookingProblems(bookingProblems(parsed.event), lang)
        : [];
    return { ok: false, rule: verdict.rule, reason: verdict.reason, issues };
  }
  const already = await db.events.findOne(verdict.event.id).exec();
  if (already) {
    return { ok: false, rule: 'duplicate', reason: 'an event with this id is already recorded; events are never changed', issues: [] };
  }
  try {
    await db.events.insert(verdict.event);
  } catch (err) {
    await db.outbox.findOne(verdict.event.id).remove().catch(() => undefined);
    throw err;
  }
  return { ok: true, event: verdict.event };
}

/**
 * What the device knows for the ownership and quota rules (src/db/writeOwnership.ts), from its
 * own events, so that a write the server would refuse for them is refused at once, in the form,
 * in the user's language:
 * the request the event names, when the device holds its submission (a follow-up of a request
 * the device does not hold is left to the server: a staff device prunes closed requests); a new
 * submission's request must not be on the device already. The server checks the same rules
 * against its databases and its clock, and the resident's quota, whose numbers are the server's
 * (HEARTHLINE_QUOTA_*): a submission past it comes back refused (a rejected row, never a retried
 * batch) and is shown against the request with the rule's message in the user's language.
 */
async function ownershipOnDevice(db: DeviceDatabase, event: unknown, context: WriteContext): Promise<OwnershipContext | undefined> {
  const e = event as { type?: unknown; requestId?: unknown; author?: { role?: unknown } } | null;
  if (!e || typeof e !== 'object' || typeof e.requestId !== 'string') return undefined;
  // Events refused (by this device or the server) stay on the device beside their correction,
  // but the server never held them: they count for nothing.
  const accepted = async (docs: { id: string; toJSON(): unknown }[]): Promise<EventRecord[]> => {
    const refused = await db.outbox_rejections.findByIds(docs.map((d) => d.id)).exec();
    return docs.filter((d) => !refused.has(d.id)).map((d) => d.toJSON() as EventRecord);
  };
  const events = await accepted(await db.events.find({ selector: { requestId: e.requestId } }).exec());
  const facts = requestFacts(indexRequests(events), e.requestId);
  const request = facts ? { request: facts } : e.type === 'submitted' ? { request: null } : {};
  // A dispatch goes to one of the station's technicians: checked here too when the directory is known.
  const station = (event as { station?: unknown }).station;
  const technicians = e.type === 'dispatched' && typeof station === 'string' ? context.technicians?.(station) : undefined;
  return technicians ? { ...request, technicians } : request;
}

/**
 * Corrects a refused event: records `corrected` (a NEW event: events are immutable) and marks
 * the refused one as superseded by it. The refused one stays on the device, never pushed.
 */
export async function correctEvent(
  db: DeviceDatabase,
  refusedId: string,
  corrected: unknown,
  context: WriteContext,
  lang: Lang = 'zh-CN',
): Promise<RecordResult> {
  const result = await recordEvent(db, corrected, context, lang);
  if (result.ok) {
    const rejection = await db.outbox_rejections.findOne(refusedId).exec();
    if (rejection) await rejection.incrementalPatch({ supersededBy: result.event.id });
  }
  return result;
}

export type RecordWriteResult =
  | { ok: true; record: OperationsRecord }
  | { ok: false; rule: Extract<DocumentVerdict, { ok: false }>['rule'] | 'duplicate'; reason: string; issues: DescribedIssue[] };

/**
 * Checks an operations record (an outage notice, the committee's draft…) with the server's own
 * write check (validateDocumentWrite) and stores it only if it passes; it then waits in the
 * outbox like an event. Only a device replicating the operations database sends records (the
 * server keeps them there alone), so the context's database must be operations.
 */
export async function writeOperationsRecord(db: DeviceDatabase, record: unknown, context: WriteContext, lang: Lang = 'zh-CN'): Promise<RecordWriteResult> {
  const verdict = validateDocumentWrite({
    database: context.database,
    doc: record,
    user: context.user,
    existing: false,
    ...(context.approverRole ? { approverRole: context.approverRole } : {}),
  });
  if (!verdict.ok) {
    const parsed = v.safeParse(OperationsRecord, record);
    return { ok: false, rule: verdict.rule, reason: verdict.reason, issues: parsed.success ? [] : describeEventIssues(parsed.issues, lang) };
  }
  if (!('record' in verdict)) {
    return { ok: false, rule: 'well-formed', reason: 'not an operations record (docType "record")', issues: [] };
  }
  if (await db.records.findOne(verdict.record.id).exec()) {
    return { ok: false, rule: 'duplicate', reason: 'a record with this id is already recorded; records are never changed', issues: [] };
  }
  try {
    await db.records.insert(verdict.record);
  } catch (err) {
    await db.outbox.findOne(verdict.record.id).remove().catch(() => undefined);
    throw err;
  }
  return { ok: true, record: verdict.record };
}

export type PhotoResult = { ok: true } | { ok: false; rule: string; reason: string };

/**
 * Checks photos of a request just recorded on this device (the server's own check,
 * validatePhotoWrite, with the request as the device holds it) and keeps them in the photo
 * store; each then waits in the outbox like an event, and the push sends it after its request.
 * All or nothing: one refused photo stores none (the form shows why).
 */
export async function recordPhotos(db: DeviceDatabase, store: PhotoStore, photos: readonly DevicePhoto[], context: WriteContext): Promise<PhotoResult> {
  for (const photo of photos) {
    const owned = await ownershipOnDevice(db, { requestId: photo.requestId, type: 'photo' }, context);
    const verdict = validateDocumentWrite({ database: context.database, doc: photoDocOf(photo), user: context.user, existing: false, ...(owned ? { context: owned } : {}) });
    if (!verdict.ok) return { ok: false, rule: verdict.rule, reason: verdict.reason };
  }
  for (const photo of photos) {
    await store.put(photo);
    await db.outbox.upsert({ id: photo.id, writtenAt: Date.now() });
  }
  return { ok: true };
}

/** Records a refusal (idempotent: a later refusal keeps the correction already made). */
export async function recordRejection(db: DeviceDatabase, rejection: Omit<Rejection, 'supersededBy'>): Promise<void> {
  // The first refusal stays (with any correction made since); a refusal is never undone.
  const existing = await db.outbox_rejections.findOne(rejection.eventId).exec();
  if (!existing) {
    try {
      await db.outbox_rejections.insert(rejection);
    } catch (err) {
      if ((err as { code?: string }).code !== 'CONFLICT') throw err;
    }
  }
  await db.outbox.findOne(rejection.eventId).remove().catch(() => undefined);
}

// ---------------------------------------------------------------- reading

/**
 * The operations records of the given types (all when none given), in time order, live;
 * refused ones left out (no other device will ever see them). Index [type, at].
 */
export function operationsRecords$(db: DeviceDatabase, types: readonly RecordType[] = []): Observable<OperationsRecord[]> {
  const query = types.length ? db.records.find({ selector: { type: { $in: [...types] } }, sort: [{ type: 'asc' }, { at: 'asc' }] }) : db.records.find();
  return combineLatest([query.$, rejectedIds$(db)]).pipe(
    map(([docs, refused]) =>
      docs
        .map((d) => d.toJSON() as OperationsRecord)
        .filter((r) => !refused.has(r.id))
        .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    ),
  );
}

function plain(docs: { toJSON(): unknown }[]): EventRecord[] {
  return docs.map((d) => d.toJSON() as EventRecord);
}

/** Refused events (never on the server), as a set of ids, live. */
export function rejectedIds$(db: DeviceDatabase): Observable<ReadonlySet<string>> {
  return db.outbox_rejections.find().$.pipe(map((docs) => new Set(docs.map((d) => d.eventId))));
}

/** All refusals, newest first, live: what the interface shows against each record. */
export function rejections$(db: DeviceDatabase): Observable<Rejection[]> {
  return db.outbox_rejections.find().$.pipe(map((docs) => docs.map((d) => d.toJSON() as Rejection).sort((a, b) => b.at - a.at)));
}

/**
 * The events of a request in history order (requestState's order), live; refused events are
 * left out (no other device will ever see them). Index [requestId, at].
 */
export function eventsOfRequest(db: DeviceDatabase, requestId: string): Observable<EventRecord[]> {
  const events$ = db.events.find({ selector: { requestId }, sort: [{ requestId: 'asc' }, { at: 'asc' }] }).$;
  return combineLatest([events$, rejectedIds$(db)]).pipe(map(([docs, refused]) => sortEvents(plain(docs).filter((e) => !refused.has(e.id)))));
}

export interface OpenRequestsOptions {
  /** Only this station's requests. */
  station?: string;
  /** Only this resident's requests. */
  resident?: string;
  /** The moment the state is read at (default: now). */
  now?: () => Instant;
}

/**
 * The requests that are not closed or withdrawn, with their state (requestState), oldest
 * activity first, live: requestList's open requests (refused events left out), as states.
 */
export function openRequests(db: DeviceDatabase, options: OpenRequestsOptions = {}): Observable<RequestState[]> {
  return requestList(db, { ...options, openOnly: true }).pipe(
    map((items) =>
      items
        .flatMap((item) => (item.state ? [item.state] : []))
        .sort((a, b) => (a.lastEventAt < b.lastEventAt ? -1 : a.lastEventAt > b.lastEventAt ? 1 : 0)),
    ),
  );
}
