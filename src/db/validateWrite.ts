import { parseEvent, type EventRecord } from './schema/events/event';
import { describeBookingProblems, describeEventIssues } from '../i18n/issues';
import { isStationRole, userFromCouch, type Role } from './schema/roles';
import { mayEmit } from '../rules/permissions';
import { stepFitsKind } from '../rules/steps';
import { bookingProblems } from '../rules/bookingWindows';
import { ownershipProblem, type OwnershipContext } from './writeOwnership';

/**
 * The one write check, run by the server for every document written to /db (the guard in
 * server/backend/guard/) and by the device before it pushes (RxDB `push.modifier`), so a
 * write the server would refuse never leaves the device and never stalls replication.
 * Pure: no I/O, no clock; what it needs to know about the database is passed in.
 */

/** The database written to, as the server names it (server/backend/names.mjs databaseKind). */
export type WriteDatabase =
  | {
      readonly kind: 'resident';
      readonly owner: string;
      /** The station of the resident's community (from their profile), when known: their requests go there. */
      readonly station?: string;
    }
  | { readonly kind: 'station'; readonly station: string }
  | { readonly kind: 'operations' }
  | { readonly kind: 'other'; readonly name: string };

export interface WriteInput {
  readonly database: WriteDatabase;
  /** The document as sent: CouchDB shape (`_id`) on the server, RxDB shape (`id`) on the device. */
  readonly doc: unknown;
  /** CouchDB's userCtx: the user name (null when not signed in) and CouchDB roles, `_admin` included. */
  readonly user: { readonly name: string | null; readonly roles: readonly string[] };
  /** Whether a document with this id already exists in the database (any revision). */
  readonly existing: boolean;
  /**
   * What the database knows of the event's request, the server's clock and the resident's
   * submissions so far (src/db/writeOwnership.ts); each part left out is not checked.
   */
  readonly context?: OwnershipContext;
}

/** The rules, in the order they are checked; `rule` in a refusal is one of these. */
export const WRITE_RULES = [
  'signed-in',
  'never-deleted',
  'never-changed',
  'received-at',
  'well-formed',
  'author-is-user',
  'author-role',
  'may-emit',
  'booking-window',
  'resident-database',
  'resident-station',
  'station-database',
  'operations-database',
  'event-database',
  // src/db/writeOwnership.ts: the time, the request, the resident's quota ('event-time' is also
  // an event dated before its request's submission, checked with the request)
  'event-time',
  'request-exists',
  'request-unknown',
  'request-owner',
  'request-station',
  'temperature-record',
  'quota-hour',
  'quota-day',
  'quota-open',
  // src/rules/dispatch.ts: a dispatch to one of the station's technicians, not for a time before it was written
  'dispatch-technician',
  'dispatch-time',
] as const;
export type WriteRule = (typeof WRITE_RULES)[number];

export type WriteVerdict =
  | { readonly ok: true; readonly event: EventRecord }
  | { readonly ok: false; readonly status: 401 | 403; readonly rule: WriteRule; readonly reason: string };

/** Roles that write into the operations database (the committee writes no events). */
export const OPERATIONS_WRITERS: readonly Role[] = ['hotline', 'complaint-handler', 'manager', 'admin'];

function refuse(rule: WriteRule, reason: string, status: 401 | 403 = 403): WriteVerdict {
  return { ok: false, status, rule, reason };
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * `_deleted: false` is what RxDB's push sends with every live document (and what a device's
 * push.modifier sees); it changes nothing, so it is dropped before the schema reads the
 * device shape. `_deleted: true` never gets this far.
 */
function withoutLiveMarker(doc: Record<string, unknown>): Record<string, unknown> {
  if (doc._deleted !== false || '_id' in doc) return doc;
  const { _deleted: _d, ...rest } = doc;
  return rest;
}

/**
 * Decides whether `user` may write `doc` into `database`. Each refusal names its rule (see
 * WRITE_RULES) and gives a reason a person can act on; the first rule broken is reported.
 *
 * - The router runs as CouchDB admin (`_admin`): it copies events between databases, with
 *   their `_rev`, so for it only the first two rules hold: events are never deleted, and
 *   only well-formed events are stored.
 * - Everyone else: signed in; no deletion; no change (the id exists, or a `_rev` is sent);
 *   well formed; written by themselves, in one of their roles, of a type that role may
 *   write; into the database where that role writes: a resident into their own database
 *   and about their own requests, station staff into their station's database and about
 *   their station, hotline/complaints/managers/admins into the operations database.
 */
export function validateWrite(input: WriteInput): WriteVerdict {
  const { database, doc, existing } = input;
  const user = userFromCouch(input.user);

  if (!user.isAdmin && !user.name) return refuse('signed-in', 'you must be signed in to write', 401);

  if (isRecord(doc) && doc._deleted === true) {
    return refuse('never-deleted', 'events are never deleted: record a new event (withdrawn, closed) instead');
  }

  if (!user.isAdmin) {
    if (existing) {
      return refuse('never-changed', 'events are never changed: an event with this id already exists; record a new event instead');
    }
    if (isRecord(doc) && doc._rev !== undefined) {
      return refuse('never-changed', 'events are never changed: a new event must not carry a _rev');
    }
  }

  if (!user.isAdmin && isRecord(doc) && doc.receivedAt !== undefined) {
    return refuse('received-at', 'receivedAt is the server\'s receipt time: the server sets it, a client never sends it');
  }

  const parsed = parseEvent(isRecord(doc) ? withoutLiveMarker(doc) : doc);
  if (!parsed.success) {
    const [first, ...rest] = describeEventIssues(parsed.issues, 'en');
    const where = first?.path ? `${first.path}: ` : '';
    const more = rest.length ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
    return refuse('well-formed', `the event is malformed: ${where}${first?.message ?? 'not an event'}${more}`);
  }
  const event = parsed.event;
  if (user.isAdmin) return { ok: true, event };

  if (event.author.name !== user.name) {
    return refuse('author-is-user', `author must be the signed-in user: author.name is "${event.author.name}", you are "${user.name}"`);
  }
  if (!user.roles.includes(event.author.role)) {
    const yours = user.roles.length ? user.roles.join(', ') : 'none';
    return refuse('author-role', `author.role must be one of your roles: "${event.author.role}" is not (yours: ${yours})`);
  }
  const role = event.author.role;
  if (!mayEmit(role, event.type)) {
    return refuse('may-emit', `${article(role)} ${role} may not emit ${event.type}`);
  }
  // The same rule the console offers steps by (src/rules/steps.ts): a step that does not fit the
  // kind (a consultation's dispatch, a temperature test's repair steps) is refused.
  if (role !== 'resident' && !stepFitsKind(event.type, event.requestKind)) {
    return refuse('may-emit', `${event.type} is not a step of a ${event.requestKind} request`);
  }
  // Not part of the schema: the router (admin) copies events written under earlier windows or
  // calendars, and a stored event must always stay well formed.
  const [booking] = describeBookingProblems(bookingProblems(event), 'en');
  if (booking) return refuse('booking-window', `${booking.path}: ${booking.message}`);

  const placed = placeInDatabase(database, event, user.name, role, user.station);
  if (!placed.ok || !input.context) return placed;
  const problem = ownershipProblem(event, input.context);
  return problem ? refuse(problem.rule, problem.reason) : placed;
}

/** Whether the event belongs in the database written to, by the role of its author. */
function placeInDatabase(database: WriteDatabase, event: EventRecord, userName: string | null, role: Role, userStation: string | undefined): WriteVerdict {
  const user = { name: userName, station: userStation };
  switch (database.kind) {
    case 'resident': {
      if (role !== 'resident') {
        return refuse('resident-database', "a resident's database takes only that resident's own events; staff events reach it through the router");
      }
      if (database.owner !== user.name) {
        return refuse('resident-database', 'a resident writes only into their own database');
      }
      if (event.resident !== user.name) {
        return refuse('resident-database', `a resident writes only about their own requests: resident is "${event.resident}", you are "${user.name}"`);
      }
      // The router trusts `station` to place the request in a station's queue.
      if (database.station !== undefined && event.station !== database.station) {
        return refuse('resident-station', `a resident's requests go to the station of their community, "${database.station}", not "${event.station}"`);
      }
      return { ok: true, event };
    }
    case 'station': {
      if (!isStationRole(role)) {
        return refuse('station-database', `a station's database takes only its own staff's events; ${article(role)} ${role} writes elsewhere`);
      }
      if (user.station === undefined || database.station !== user.station) {
        return refuse('station-database', `station staff write only into their own station's database (yours: ${user.station ?? 'none'}, this: ${database.station})`);
      }
      if (event.station !== user.station) {
        return refuse('station-database', `station staff write only about their own station: station is "${event.station}", yours is "${user.station}"`);
      }
      return { ok: true, event };
    }
    case 'operations': {
      if (!OPERATIONS_WRITERS.includes(role)) {
        return refuse('operations-database', `the operations database takes events of ${OPERATIONS_WRITERS.join(', ')}; not of ${article(role)} ${role}`);
      }
      return { ok: true, event };
    }
    case 'other':
      return refuse('event-database', `events are written only into resident, station and operations databases, not "${database.name}"`);
  }
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}
