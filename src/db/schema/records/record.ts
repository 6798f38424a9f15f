import * as v from 'valibot';
import { Author } from '../events/event';
import { Bool, IsoDay, IsoInstant, Name, StationId, list, literal, msg, obj, oneOf, text, variantMessage } from '../events/fields';
import { COMMITTEE_PAYLOADS, COMMITTEE_RECORD_TYPES } from './commitmentsRecords';
import { ID_LENGTH, OUTAGE_ID_PATTERN, RECORD_ID_PATTERN, SLUG_PATTERN } from '../vocabulary';

/**
 * The operations records that are not about a request: supply outages, telephone calls,
 * telephone-line downtime, the roster of households and their safety-inspection visits.
 * The published figures of 004 §10 count them (continuous supply, outage notice and
 * restoration, emergency phone, customer phone, safety inspection).
 *
 * Like request events they are append-only: a record is never changed; what changes later
 * is a new record (an outage is `outage-announced`, then `outage-started`, then
 * `outage-restored`, joined by `outage`; a household's later `household` record replaces
 * its earlier one). They live in the operations database only (staff data): the router
 * copies events, not records, and the results publish counts only, never a household.
 *
 * Shape (CouchDB document, key `_id`; on a device the key is `id` as for events):
 *   { _id: "rc-<ULID>", docType: "record", schemaVersion: 1, type, at, author, station?, source?, payload }
 *   type                 payload
 *   outage-announced     { outage, plannedStart, plannedEnd?, affectedCustomers, area, communities? }
 *   outage-started       { outage, planned, atHeatSource, affectedCustomers, area, communities? }
 *   outage-restored      { outage }
 *   outage-emergency     { outage, reason }: a staff member (the author) marks the outage an
 *                        emergency accident (紧急事故, 004 appendix), saying why
 *   call                 { line: hotline|emergency, answered, rings }
 *   line-down            { line, from, to, reason? }
 *   household            { household, activeFrom, activeTo?, coalToGas? }
 *   inspection           { household, outcome: inspected|nobody-home }
 *   commitments-draft, commitments-comment, commitments-approval, publish-request,
 *   publish-outcome      the committee's work on a year's commitments (commitmentsRecords.ts)
 * `at` is when the thing happened (the announcement, the start of the outage, the restoration,
 * the first ring, the visit, the start of the line's downtime, the household's record date).
 */

export const RECORD_SCHEMA_VERSION = 1;
export { OUTAGE_ID_PATTERN, OUTAGE_ID_PREFIX, RECORD_ID_PATTERN, RECORD_ID_PREFIX } from '../vocabulary';

/** Record ids: `rc-` + ULID, as event ids (`ev-` + ULID). */
export const RecordId = v.pipe(v.string(msg('value.string')), v.regex(RECORD_ID_PATTERN, msg('id.record')), v.maxLength(ID_LENGTH, msg('id.record')));
/** Outage ids: `ou-` + ULID; every record of one outage carries it. */
export const OutageId = v.pipe(v.string(msg('value.string')), v.regex(OUTAGE_ID_PATTERN, msg('id.outage')), v.maxLength(ID_LENGTH, msg('id.outage')));

/** A household's account number (the customer archive's key, 000 §5.1). */
export const HouseholdId = v.pipe(v.string(msg('value.string')), v.regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,39}$/, msg('id.household')));

/** A whole count, zero or more (customers cut off, rings). */
export const Count = v.pipe(
  v.number(msg('value.number')),
  v.integer(msg('number.integer')),
  v.minValue(0, msg('number.count')),
  v.maxValue(10_000_000, msg('number.count')),
);

export const PHONE_LINES = ['hotline', 'emergency'] as const;
export type PhoneLine = (typeof PHONE_LINES)[number];
export const INSPECTION_OUTCOMES = ['inspected', 'nobody-home'] as const;

/**
 * The communities an outage concerns: ids from its station's list (the station document),
 * chosen by staff from that list. The public notices name an outage by these (by the names the
 * station's list gives them), never by `area`, the staff's own free text (building numbers,
 * a valve, whoever reported it), which stays in the operations database (issue #17, finding 11).
 * Optional: a device offline with no copy of the list records the outage without them, and
 * the notice then names only the station.
 */
export const OutageCommunities = v.optional(
  list(v.pipe(v.string(msg('value.string')), v.regex(SLUG_PATTERN, msg('id.community')), v.maxLength(40, msg('id.community'))), 1, 50),
);

export const OutageAnnounced = v.pipe(
  obj({
    outage: OutageId,
    plannedStart: IsoInstant,
    plannedEnd: v.optional(IsoInstant),
    affectedCustomers: Count,
    area: text(200),
    communities: OutageCommunities,
  }),
  v.forward(
    v.check((p) => p.plannedEnd === undefined || p.plannedStart < p.plannedEnd, msg('time.order')),
    ['plannedEnd'],
  ),
);
export const OutageStarted = obj({
  outage: OutageId,
  /** Planned maintenance (announced ahead) or a fault / emergency. */
  planned: Bool,
  /** A fault at the heat source: outside the 24-hour restoration promise (002 §8). */
  atHeatSource: Bool,
  /** Aₙ of the continuous-supply formula. */
  affectedCustomers: Count,
  area: text(200),
  communities: OutageCommunities,
});
export const OutageRestored = obj({ outage: OutageId });
/**
 * An outage marked an emergency accident (紧急事故): the gas notice and restoration figures
 * leave it out (004 appendix, "紧急事故除外"). Only a staff member's mark makes an outage an
 * emergency, never its being unplanned (domain.md, "Settled readings: Outages that are
 * emergencies"); the record's author is who marked it, `reason` why.
 */
export const OutageEmergency = obj({ outage: OutageId, reason: text(500) });
/** One call: rings until answered (or until the caller hung up, `answered: false`). No caller number is kept. */
export const Call = obj({ line: oneOf(PHONE_LINES), answered: Bool, rings: Count });
export const LineDown = v.pipe(
  obj({ line: oneOf(PHONE_LINES), from: IsoInstant, to: IsoInstant, reason: v.optional(text(200)) }),
  v.forward(
    v.check((p) => p.from < p.to, msg('time.order')),
    ['to'],
  ),
);
export const Household = v.pipe(
  obj({ household: HouseholdId, activeFrom: IsoDay, activeTo: v.optional(IsoDay), coalToGas: v.optional(Bool) }),
  v.forward(
    v.check((p) => p.activeTo === undefined || p.activeFrom <= p.activeTo, msg('time.order')),
    ['activeTo'],
  ),
);
export const Inspection = obj({ household: HouseholdId, outcome: oneOf(INSPECTION_OUTCOMES) });

export const RECORD_TYPES = [
  'outage-announced',
  'outage-started',
  'outage-restored',
  'outage-emergency',
  'call',
  'line-down',
  'household',
  'inspection',
  ...COMMITTEE_RECORD_TYPES,
] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** Where an imported record came from (npm run import): the old system and the row's key. */
export const RecordSource = obj({ system: Name, key: text(200) });

const envelope = {
  docType: literal('record'),
  schemaVersion: literal(RECORD_SCHEMA_VERSION),
  at: IsoInstant,
  author: Author,
  /** The station concerned, when there is one (outages, households, inspections). */
  station: v.optional(StationId),
  source: v.optional(RecordSource),
};

function build<const K extends v.ObjectEntries>(key: K) {
  const rec = <const T extends RecordType, const S extends v.GenericSchema>(type: T, payload: S) =>
    obj({ ...key, ...envelope, type: literal(type), payload });
  /** An outage is always of a station: its notices, the station's figures and its staff's list are by station. */
  const outage = <const T extends RecordType, const S extends v.GenericSchema>(type: T, payload: S) =>
    obj({ ...key, ...envelope, station: StationId, type: literal(type), payload });
  return v.variant(
    'type',
    [
      outage('outage-announced', OutageAnnounced),
      outage('outage-started', OutageStarted),
      outage('outage-restored', OutageRestored),
      outage('outage-emergency', OutageEmergency),
      rec('call', Call),
      rec('line-down', LineDown),
      rec('household', Household),
      rec('inspection', Inspection),
      rec('commitments-draft', COMMITTEE_PAYLOADS['commitments-draft']),
      rec('commitments-comment', COMMITTEE_PAYLOADS['commitments-comment']),
      rec('commitments-approval', COMMITTEE_PAYLOADS['commitments-approval']),
      rec('publish-request', COMMITTEE_PAYLOADS['publish-request']),
      rec('publish-outcome', COMMITTEE_PAYLOADS['publish-outcome']),
    ],
    variantMessage,
  );
}

/** A record as a device or the engine holds it: key `id`. */
export const OperationsRecord = build({ id: RecordId });
export type OperationsRecord = v.InferOutput<typeof OperationsRecord>;
/** A record as CouchDB stores it: key `_id`, optional `_rev`. */
export const OperationsRecordDoc = build({
  _id: RecordId,
  _rev: v.optional(v.string(msg('value.string'))),
  _deleted: v.optional(literal(false)),
});
export type OperationsRecordDoc = v.InferOutput<typeof OperationsRecordDoc>;
export type RecordOf<T extends RecordType> = Extract<OperationsRecord, { type: T }>;
