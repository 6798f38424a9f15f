import { toJsonSchema, type JsonSchema, type OverrideSchemaContext } from '@valibot/to-json-schema';
import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import * as v from 'valibot';
import { AnyPayload, Author, EventEnvelope, type EventRecord } from './schema/events/event';
import { IsoInstant, StationId } from './schema/events/fields';
import { RECORD_SCHEMA_VERSION, RecordId, RecordSource, type OperationsRecord } from './schema/records/record';
import { MIGRATIONS } from './schema/events/migrations';

/**
 * The RxDB schema of the device's `events` collection, derived from the valibot envelope
 * (src/db/schema/events/event.ts) so that the two can never disagree on a field.
 *
 * - The device document is an EventRecord: primary key `id`, no `_id` (RxDB forbids
 *   top-level fields starting with `_` other than its own; its CouchDB replication turns
 *   `id` into `_id` on the way out and back on the way in).
 * - `payload` is `{ type: 'object' }` here: JSON Schema cannot say "the payload of the type
 *   named in `type`" the way valibot's variant does. Every write goes through valibot first
 *   (validateWrite on the device and on the server), so nothing weaker is ever stored.
 * - Valibot `check` actions (a real calendar date, the signature's base64) have no JSON
 *   Schema form and are left out; their regex parts stay as `pattern`.
 * - Picklists become `{ type: 'string', enum, maxLength }`: RxDB needs a type and a
 *   maxLength on every indexed string.
 * - Every top-level field is `final`: RxDB itself refuses to change an event once stored.
 * - One index, [requestId, at]: a request's timeline (and the write check's look at the
 *   request) reads it. RxDB appends the primary key, so ties on `at` sort by `id`, the same
 *   order requestState uses. The lists (requestList: a station's queue, a resident's
 *   requests) read every event the device holds anyway — a device holds one station's or one
 *   resident's database — in this index's order and fold them by request. Every index is
 *   one more IndexedDB entry written per event (besides the Dexie storage's own three):
 *   [station, at], [resident, at] and [type, at] cost a new staff device's history load
 *   more than any query gained from them (bench/sync.ts; collection version 2 dropped them).
 */

export const EVENTS_COLLECTION = 'events';

export const EVENT_INDEXES = [['requestId', 'at']] as const;

/**
 * The RxDB version of the events collection: the event document's versions (SCHEMA_VERSION,
 * MIGRATIONS in src/db/schema/events/migrations.ts), then the collection's own changes that
 * leave every document as it is:
 *   2  the indexes [station, at], [resident, at], [type, at] dropped (documents unchanged).
 * RxDB copies a device's stored events into the new version's storage once, when the app
 * first opens with it.
 */
export const EVENTS_COLLECTION_VERSION = 2;
const COLLECTION_ONLY_MIGRATIONS: MigrationStrategies = { 2: (doc: Record<string, unknown>) => doc };
// A new document version takes the collection's next version (its strategy runs MIGRATIONS[n]):
// the two numberings part at 2, so a document step keyed on a collection step would be skipped.
for (const version of Object.keys(MIGRATIONS)) {
  if (version in COLLECTION_ONLY_MIGRATIONS) throw new Error(`events collection version ${version} is both a document and a collection migration`);
}

function longest(options: readonly unknown[]): number {
  return Math.max(...options.map((o) => String(o).length));
}

function override(context: OverrideSchemaContext): JsonSchema | undefined {
  const schema = context.valibotSchema as { type: string; options?: readonly unknown[] };
  if (context.valibotSchema === AnyPayload) return { type: 'object' };
  if (schema.type === 'picklist' && schema.options?.every((o) => typeof o === 'string')) {
    return { type: 'string', enum: [...schema.options] as string[], maxLength: longest(schema.options) };
  }
  return undefined;
}

/** Derives the RxDB JSON schema of the events collection from the valibot envelope. */
export function deriveEventsRxSchema(): RxJsonSchema<EventRecord> {
  const json = toJsonSchema(EventEnvelope, {
    target: 'draft-07',
    // Checks are JavaScript functions; valibot runs them, JSON Schema cannot. Anything else
    // that cannot be converted is a mistake in the envelope and throws here.
    ignoreActions: ['check'],
    overrideSchema: override,
  }) as Record<string, unknown> & { properties: Record<string, Record<string, unknown>>; required: string[] };

  const { $schema: _ignored, properties, required } = json;
  const finalProperties = Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, { ...value, final: true }]));

  return {
    title: 'Hearthline events',
    description: 'Append-only events of customer-service requests; the state of a request is derived from them.',
    version: EVENTS_COLLECTION_VERSION,
    primaryKey: 'id',
    type: 'object',
    properties: finalProperties as RxJsonSchema<EventRecord>['properties'],
    required: required as RxJsonSchema<EventRecord>['required'],
    additionalProperties: false,
    indexes: EVENT_INDEXES.map((index) => [...index]),
  };
}

/** The schema of the events collection. */
export const EVENTS_RX_SCHEMA: RxJsonSchema<EventRecord> = deriveEventsRxSchema();

/** RxDB migration strategies of the events collection: the documents' (src/db/schema/events/migrations.ts), then the collection's. */
export const EVENTS_MIGRATION_STRATEGIES: MigrationStrategies = { ...MIGRATIONS, ...COLLECTION_ONLY_MIGRATIONS };

/** What `db.addCollections({ events: EVENTS_COLLECTION_CREATOR })` needs. */
export const EVENTS_COLLECTION_CREATOR = {
  schema: EVENTS_RX_SCHEMA,
  migrationStrategies: EVENTS_MIGRATION_STRATEGIES,
} as const;

// ---------------------------------------------------------------- operations records

/**
 * The RxDB schema of the device's `records` collection: the operations records
 * (src/db/schema/records/: outages, calls, the committee's drafts…) on the devices that
 * replicate the operations database. Derived from the valibot pieces of the record envelope.
 * `type` is a bounded string rather than an enum: new record types are added to the valibot
 * variant (which every write goes through) without changing this schema's hash, which RxDB
 * would otherwise treat as a new schema version needing a migration.
 */
export const RECORDS_COLLECTION = 'records';

const RecordEnvelope = v.object({
  id: RecordId,
  docType: v.literal('record'),
  schemaVersion: v.literal(RECORD_SCHEMA_VERSION),
  type: v.pipe(v.string(), v.maxLength(40)),
  at: IsoInstant,
  author: Author,
  station: v.optional(StationId),
  source: v.optional(RecordSource),
  payload: AnyPayload,
});

export function deriveRecordsRxSchema(): RxJsonSchema<OperationsRecord> {
  const json = toJsonSchema(RecordEnvelope, { target: 'draft-07', ignoreActions: ['check'], overrideSchema: override }) as Record<string, unknown> & {
    properties: Record<string, Record<string, unknown>>;
    required: string[];
  };
  const finalProperties = Object.fromEntries(Object.entries(json.properties).map(([key, value]) => [key, { ...value, final: true }]));
  return {
    title: 'Hearthline operations records',
    description: 'Append-only operations records (outages, calls, the committee’s drafts); kept in the operations database.',
    version: 0,
    primaryKey: 'id',
    type: 'object',
    properties: finalProperties as RxJsonSchema<OperationsRecord>['properties'],
    required: json.required as RxJsonSchema<OperationsRecord>['required'],
    additionalProperties: false,
    indexes: [['type', 'at']],
  };
}

/** What `db.addCollections({ records: RECORDS_COLLECTION_CREATOR })` needs. */
export const RECORDS_COLLECTION_CREATOR = { schema: deriveRecordsRxSchema() } as const;
