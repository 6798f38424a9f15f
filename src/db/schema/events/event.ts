import * as v from 'valibot';
import { REQUEST_KINDS, type RequestKind } from '../requestKind';
import type { MessageId } from '../../../i18n/messages';
import { Role } from '../roles';
import { DeviceId, EventId, IsoInstant, RequestId, Rev, StationId, UserName, literal, msg, obj, oneOf, variantMessage } from './fields';
import { SCHEMA_VERSION } from './migrations';
import * as P from './payloads';
import { EVENT_TYPES } from '../vocabulary';

/**
 * The event model. Everything recorded about a request is an event: a request starts with
 * `submitted`, and every step after is another event. An event is never changed once
 * written; the state of a request is a pure function of its events (src/rules/requestState.ts).
 *
 * ## One envelope, two shapes of key
 * CouchDB keeps a document's key in `_id`; RxDB forbids top-level fields starting with `_`
 * (other than its own `_deleted`, `_rev`, `_meta`, `_attachments`) and keeps the key in the
 * collection's primary key, `id`. RxDB's CouchDB replication swaps the two itself: on push it
 * sends `_id: doc.id` and deletes `id`; on pull it moves `_id` back into `id`. So:
 *   - EventRecord  the device's document (RxDB): `id`, no `_id`.
 *   - EventDoc     the CouchDB document (the server): `_id`, optionally `_rev` and
 *                  `_deleted: false` (RxDB's push sends it), and no `id`. A CouchDB document
 *                  with both would reach devices with a stray `_id` and fail their schema.
 * Both are built by one function from the same envelope entries and payload table, so each
 * field is declared once. toCouchDoc / fromCouchDoc convert, exactly as the replication does.
 */

// ---------------------------------------------------------------- types and visibility

export { EVENT_TYPES };
export const EventType = oneOf(EVENT_TYPES);
export type EventType = v.InferOutput<typeof EventType>;

export const VISIBILITIES = ['resident', 'internal'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

/**
 * Types never shown to the resident: staff notes, escalations, and the inside of the
 * complaint path (who is responsible, the cause, the remedy before approval, the review).
 * Other types are `resident` or `internal` as the author chooses.
 */
export const INTERNAL_TYPES = [
  'note',
  'escalated',
  'responsible',
  'cause',
  'remedy-proposed',
  'remedy-approved',
  'review',
] as const satisfies readonly EventType[];

export function mustBeInternal(type: EventType): boolean {
  return (INTERNAL_TYPES as readonly EventType[]).includes(type);
}

/** Types that belong to one kind of request only. */
export const KIND_OF_TYPE = {
  measured: 'temperature-test',
  assessed: 'complaint',
  responsible: 'complaint',
  cause: 'complaint',
  'remedy-proposed': 'complaint',
  'remedy-approved': 'complaint',
  'remedy-done': 'complaint',
  'resident-told': 'complaint',
  review: 'complaint',
} as const satisfies Partial<Record<EventType, RequestKind>>;

// ---------------------------------------------------------------- the envelope

export const Author = obj({
  /** The signed-in user who wrote the event (CouchDB `name`). */
  name: UserName,
  /** The role in which they wrote it: one of their roles. */
  role: Role,
  /** The device it was written on. */
  device: DeviceId,
});
export type Author = v.InferOutput<typeof Author>;

export const RequestKindField = oneOf(REQUEST_KINDS);

/** The fields every event carries besides its key, type and payload. */
const envelopeEntries = {
  docType: literal('event'),
  schemaVersion: literal(SCHEMA_VERSION),
  requestId: RequestId,
  /** Repeated on every event, so routing and queries never look up the request. */
  requestKind: RequestKindField,
  /** When it happened, by the device's clock: ISO 8601 UTC with milliseconds. */
  at: IsoInstant,
  author: Author,
  /** The resident who owns the request: the routing key to the resident's database. */
  resident: UserName,
  /** The heating station in charge: the routing key to the station's database. */
  station: StationId,
  visibility: oneOf(VISIBILITIES),
};

/** The key of the device's document (RxDB primary key). */
export const RECORD_KEY = { id: EventId };
/**
 * The key of the CouchDB document, with what CouchDB and RxDB's push add, and the server's
 * receipt time: the guard stamps `receivedAt` on every event it stores (domain.md, Times: the
 * server keeps its own receipt time beside the device's `at`). It is the server's record of
 * the write, not part of the event the device wrote: clients never send it (validateWrite),
 * and the device's shape leaves it out (fromCouchDoc), so a pulled event equals the pushed one.
 */
export const DOC_KEY = {
  _id: EventId,
  _rev: v.optional(Rev),
  _deleted: v.optional(literal(false)),
  receivedAt: v.optional(IsoInstant),
};

// ---------------------------------------------------------------- the full schema

function buildEventVariant<const K extends v.ObjectEntries>(key: K) {
  const ev = <const T extends EventType, const S extends v.GenericSchema>(type: T, payload: S) =>
    obj({ ...key, ...envelopeEntries, type: literal(type), payload });
  const onlyFor = <const T extends keyof typeof KIND_OF_TYPE, const S extends v.GenericSchema>(type: T, payload: S) =>
    obj({
      ...key,
      ...envelopeEntries,
      requestKind: literal(KIND_OF_TYPE[type], msg('event.kindOnly')),
      type: literal(type),
      payload,
    });
  const submitted = <const R extends v.GenericSchema, const S extends v.GenericSchema>(requestKind: R, payload: S) =>
    obj({ ...key, ...envelopeEntries, requestKind, type: literal('submitted'), payload });

  return v.variant(
    'type',
    [
      // The payload of `submitted` depends on the kind of request: a variant inside the variant.
      v.variant(
        'requestKind',
        [
          submitted(literal('consultation', msg('value.oneOf')), P.ConsultationSubmission),
          submitted(literal('complaint', msg('value.oneOf')), P.ComplaintSubmission),
          submitted(literal('repair', msg('value.oneOf')), P.RepairSubmission),
          submitted(literal('temperature-test', msg('value.oneOf')), P.TemperatureTestSubmission),
          submitted(oneOf(P.APPOINTMENT_KINDS), P.AppointmentSubmission),
          submitted(literal('suggestion', msg('value.oneOf')), P.SuggestionSubmission),
          submitted(literal('praise', msg('value.oneOf')), P.PraiseSubmission),
          submitted(literal('emergency', msg('value.oneOf')), P.EmergencySubmission),
        ],
        variantMessage,
      ),
      ev('accepted', P.Accepted),
      ev('routed', P.Routed),
      ev('dispatched', P.Dispatched),
      ev('arrived', P.Arrived),
      ev('late-notice', P.LateNotice),
      ev('nobody-home', P.NobodyHome),
      ev('diagnosed', P.Diagnosed),
      ev('work-done', P.WorkDone),
      onlyFor('measured', P.Measured),
      ev('resolved', P.Resolved),
      ev('signed-off', P.SignedOff),
      ev('reopened', P.Reopened),
      ev('reply', P.Reply),
      ev('note', P.Note),
      ev('callback', P.Callback),
      ev('escalated', P.Escalated),
      ev('rated', P.Rated),
      ev('withdrawn', P.Withdrawn),
      ev('closed', P.Closed),
      onlyFor('assessed', P.Assessed),
      onlyFor('responsible', P.Responsible),
      onlyFor('cause', P.Cause),
      onlyFor('remedy-proposed', P.RemedyProposed),
      onlyFor('remedy-approved', P.RemedyApproved),
      onlyFor('remedy-done', P.RemedyDone),
      onlyFor('resident-told', P.ResidentTold),
      onlyFor('review', P.Review),
    ],
    variantMessage,
  );
}

/** What the rules across fields read of an event. */
interface CrossFields {
  readonly type: EventType;
  readonly requestKind: RequestKind;
  readonly author: { readonly role: string };
  readonly visibility: Visibility;
  readonly payload: unknown;
}

/**
 * Rules that join several fields of an event; each names the field its message is about.
 * They run only on an event whose fields are all well formed.
 */
export const CROSS_FIELD_RULES: readonly { field: 'visibility' | 'requestKind' | 'payload'; message: MessageId; holds: (e: CrossFields) => boolean }[] = [
  // Some types are never shown to residents (complaint causes, staff notes, escalations …).
  { field: 'visibility', message: 'visibility.internal', holds: (e) => !mustBeInternal(e.type) || e.visibility === 'internal' },
  // What residents write is theirs to see.
  { field: 'visibility', message: 'visibility.resident', holds: (e) => e.author.role !== 'resident' || e.visibility === 'resident' },
  // A gas leak is a phone call (domain.md): only staff register emergencies.
  {
    field: 'requestKind',
    message: 'submitted.emergency',
    holds: (e) => !(e.type === 'submitted' && e.requestKind === 'emergency' && e.author.role === 'resident'),
  },
  // Residents submit through the portal; halls and the hotline are staff channels.
  {
    field: 'payload',
    message: 'submitted.portal',
    holds: (e) => !(e.type === 'submitted' && e.author.role === 'resident') || (e.payload as { channel?: unknown }).channel === 'portal',
  },
];

function withCrossFieldRules<const S extends v.GenericSchema<unknown, CrossFields>>(schema: S) {
  return v.pipe(
    schema,
    v.rawCheck<v.InferOutput<S>>(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const e = dataset.value as unknown as CrossFields & Record<string, unknown>;
      for (const rule of CROSS_FIELD_RULES) {
        if (!rule.holds(e)) {
          addIssue({
            message: rule.message,
            path: [{ type: 'object', origin: 'value', input: e, key: rule.field, value: e[rule.field] }],
          });
        }
      }
    }),
  );
}

/** An event as the device stores it (RxDB `events` collection): key `id`. */
export const EventRecord = withCrossFieldRules(buildEventVariant(RECORD_KEY));
export type EventRecord = v.InferOutput<typeof EventRecord>;

/** An event as CouchDB stores it: key `_id`, optional `_rev` and `_deleted: false`. */
export const EventDoc = withCrossFieldRules(buildEventVariant(DOC_KEY));
export type EventDoc = v.InferOutput<typeof EventDoc>;

/** The event of one type. */
export type EventOf<T extends EventType> = Extract<EventRecord, { type: T }>;
/** The payload of one type of event. */
export type PayloadOf<T extends EventType> = EventOf<T>['payload'];
/** A submitted event of one kind of request. */
export type SubmittedOf<K extends RequestKind> = Extract<EventOf<'submitted'>, { requestKind: K }>;

// ---------------------------------------------------------------- the envelope alone

/** Any payload: the envelope schema leaves it to the full schema. */
export const AnyPayload = v.looseObject({}, msg('value.object'));

/**
 * The envelope without the per-type payload: what routing, indexes and the RxDB JSON schema
 * need. Never enough to accept a write: use EventRecord / EventDoc (or validateWrite).
 */
export const EventEnvelope = obj({ ...RECORD_KEY, ...envelopeEntries, type: EventType, payload: AnyPayload });
export type EventEnvelope = v.InferOutput<typeof EventEnvelope>;
export const EventEnvelopeDoc = obj({ ...DOC_KEY, ...envelopeEntries, type: EventType, payload: AnyPayload });
export type EventEnvelopeDoc = v.InferOutput<typeof EventEnvelopeDoc>;

// ---------------------------------------------------------------- the two shapes

/** Whether a document is in CouchDB's shape (has `_id`), else the device's (has `id`). */
export function isCouchShaped(doc: unknown): boolean {
  return typeof doc === 'object' && doc !== null && '_id' in doc;
}

/** The CouchDB document of a device record, as RxDB's push makes it: `id` becomes `_id`. */
export function toCouchDoc(record: EventRecord): EventDoc {
  const { id, ...rest } = record;
  return { _id: id, ...rest } as EventDoc;
}

/** The device record of a CouchDB document, as RxDB's pull makes it: `_id` becomes `id`. */
export function fromCouchDoc(doc: EventDoc): EventRecord {
  const { _id, _rev: _r, _deleted: _d, receivedAt: _received, ...rest } = doc;
  return { id: _id, ...rest } as EventRecord;
}

export type ParseEventResult =
  | { readonly success: true; readonly event: EventRecord; readonly shape: 'record' | 'doc' }
  | { readonly success: false; readonly issues: readonly v.BaseIssue<unknown>[]; readonly shape: 'record' | 'doc' };

/**
 * Parses an event in either shape: a document with `_id` is read as an EventDoc, any other
 * as an EventRecord. On success the event is returned in the device's shape (`id`).
 */
export function parseEvent(input: unknown): ParseEventResult {
  if (isCouchShaped(input)) {
    const result = v.safeParse(EventDoc, input);
    return result.success
      ? { success: true, event: fromCouchDoc(result.output), shape: 'doc' }
      : { success: false, issues: result.issues, shape: 'doc' };
  }
  const result = v.safeParse(EventRecord, input);
  return result.success
    ? { success: true, event: result.output, shape: 'record' }
    : { success: false, issues: result.issues, shape: 'record' };
}
