/**
 * The vocabulary every layer shares, each word declared once: the schemas validate with it, the
 * rules reason with it, the islands and the server show and route by it. Plain constants with
 * no imports, so the schemas never need src/rules (the rules import these, never the reverse:
 * tests/unit/architecture.test.ts).
 */

// ---------------------------------------------------------------- ids and slugs

/** Crockford's base32: no I, L, O, U. */
export const ULID_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** The 26 characters of a ULID (10 of milliseconds, 16 of randomness), as a regular-expression body. */
export const ULID_BODY = '[0-9A-HJKMNP-TV-Z]{26}';
/** Length of a prefixed id (`ev-`, `rq-`, `rc-`, `ou-` + ULID). */
export const ID_LENGTH = 29;
export const EVENT_ID_PREFIX = 'ev-';
export const REQUEST_ID_PREFIX = 'rq-';
export const RECORD_ID_PREFIX = 'rc-';
export const OUTAGE_ID_PREFIX = 'ou-';
export const EVENT_ID_PATTERN = new RegExp(`^${EVENT_ID_PREFIX}${ULID_BODY}$`);
export const REQUEST_ID_PATTERN = new RegExp(`^${REQUEST_ID_PREFIX}${ULID_BODY}$`);
export const RECORD_ID_PATTERN = new RegExp(`^${RECORD_ID_PREFIX}${ULID_BODY}$`);
export const OUTAGE_ID_PATTERN = new RegExp(`^${OUTAGE_ID_PREFIX}${ULID_BODY}$`);

/** Ids used in URLs, database names and content: lower-case words (letters, digits) joined by hyphens. */
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
/** Station ids are slugs (a part of database names). */
export const STATION_ID = SLUG_PATTERN;

/** 户号, the account number on a resident's bill: 8–12 digits (spaces dropped before the check). */
export const ACCOUNT_NUMBER_PATTERN = /^\d{8,12}$/;

/** The years a set of commitments (and its results) may be for. */
export const YEAR_MIN = 2000;
export const YEAR_MAX = 2100;

// ---------------------------------------------------------------- China time

/** China Standard Time is UTC+8 all year (no daylight saving since 1991): src/rules/chinaTime.ts. */
export const CHINA_UTC_OFFSET_MS = 8 * 60 * 60 * 1000;

// ---------------------------------------------------------------- events, statuses, steps

/** The types of event recorded about a request (src/db/schema/events/event.ts). */
export const EVENT_TYPES = [
  'submitted',
  'accepted',
  'routed',
  'dispatched',
  'arrived',
  'late-notice',
  'nobody-home',
  'diagnosed',
  'work-done',
  'measured',
  'resolved',
  'signed-off',
  'reopened',
  'reply',
  'note',
  'callback',
  'escalated',
  'rated',
  'withdrawn',
  'closed',
  // the complaint path (000 §3.2)
  'assessed',
  'responsible',
  'cause',
  'remedy-proposed',
  'remedy-approved',
  'remedy-done',
  'resident-told',
  'review',
] as const;
export type EventTypeName = (typeof EVENT_TYPES)[number];

/**
 * The complaint path of domain.md (000 §3.2), each step an event (src/rules/complaintPath.ts
 * folds them): does it hold → responsible department and owner → cause and person responsible
 * → remedy proposed → approved → carried out → resident told → the resident's view (a
 * callback) → review.
 */
export const COMPLAINT_STEPS = [
  'assessed',
  'responsible',
  'cause',
  'remedy-proposed',
  'remedy-approved',
  'remedy-done',
  'resident-told',
  'callback',
  'review',
] as const satisfies readonly EventTypeName[];
export type ComplaintStep = (typeof COMPLAINT_STEPS)[number];

/** The statuses of a request (src/rules/requestState.ts folds its events into one). */
export const REQUEST_STATUSES = [
  'submitted',
  'accepted',
  'dispatched',
  'on-site',
  'resolved',
  'awaiting-sign-off',
  'closed',
  'reopened',
  'withdrawn',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Statuses after which nothing more is done: closed or withdrawn. */
export const TERMINAL_STATUSES: ReadonlySet<RequestStatus> = new Set(['closed', 'withdrawn']);

/** Whether a request in this status is still open (in the queue, the working set, "open only" lists). */
export function isOpen(status: RequestStatus): boolean {
  return !TERMINAL_STATUSES.has(status);
}

/** The outcomes of a callback (回访, 001 §4): the resident reached (satisfied or not) or not reached. */
export const CALLBACK_OUTCOMES = ['satisfied', 'dissatisfied', 'unreachable'] as const;
export type CallbackOutcome = (typeof CALLBACK_OUTCOMES)[number];
/** The outcomes in which the resident was reached, and so gave scores. */
export const REACHED_OUTCOMES = ['satisfied', 'dissatisfied'] as const satisfies readonly CallbackOutcome[];

// ---------------------------------------------------------------- limits the rules set, the schemas enforce

/** The largest floor area a room can have, m² (src/rules/measurementMethod.ts; the schemas' AreaM2). */
export const MAX_ROOM_AREA_M2 = 1000;
/** The rungs of the escalation ladder (src/rules/escalation.ts ESCALATION_LADDER has this many). */
export const ESCALATION_LEVELS = 4;

/** In-home visits happen between these times (a utility's choice; the seeds name none). */
export const VISITING_HOURS = { from: '08:00', to: '20:00' } as const;
/**
 * How far ahead a resident may book an in-home visit, in calendar days after the day they ask
 * (a utility's choice: its technicians' rota is planned about a month ahead).
 */
export const BOOKING_HORIZON_DAYS = 30;
/** A temperature test may be asked for today (a walk-in at the hall: "this afternoon") or on any of the next this-many days. */
export const TEMPERATURE_TEST_BOOKING_DAYS = 14;
