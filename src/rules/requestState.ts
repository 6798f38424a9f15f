import type { EventOf, EventRecord } from '../db/schema/events/event';
import type { RequestKind } from '../db/schema/requestKind';
import type { Duration } from '../db/schema/commitments';
import { toEpochMs, type Instant } from './chinaTime';
import { CN_CALENDAR, MissingCalendarYearError, type WorkingDayCalendar } from './calendar/index';
import { deadlineOf } from './deadlines';
import { bookedVisitDueMs } from './bookingWindows';
import { ESCALATION_LADDER, escalationLevel, escalationsDue, type EscalationRung } from './escalation';
import type { TemperatureTestOutcome } from './temperatureTest';
import { REQUEST_STATUSES, isOpen, type RequestStatus } from '../db/schema/vocabulary';
import { currentMeasurement } from './measurementRecords';
import { stepFitsKind } from './stepKinds';

/**
 * The state of a request: a pure function of its events. Every device folds the same events
 * in the same order, so every device shows the same state whatever order the events arrived
 * in, and a late event from an offline device simply takes its place in the history.
 */

export { REQUEST_STATUSES, isOpen, type RequestStatus };

const hours = (value: number): Duration => ({ value, unit: 'hours' });
const workingDays = (value: number): Duration => ({ value, unit: 'working-days' });

/**
 * By when a request must be answered, from its submission:
 * - complaints, consultations, reported problems: 24 hours (002 §12); repairs and temperature
 *   tests are reported problems, suggestions are customer opinions answered the same way;
 * - gas appointments: installation 2 working days, repair and safety inspection 1 (004);
 * - appliance installation and repair: 24 hours (004 appendix).
 * Kinds without a limit (meter reading, appliance safety check, praise, emergency) have none:
 * an emergency is a phone call with its own 40-minute arrival figure.
 */
export const ANSWER_LIMITS: Readonly<Partial<Record<RequestKind, Duration>>> = {
  consultation: hours(24),
  complaint: hours(24),
  repair: hours(24),
  'temperature-test': hours(24),
  suggestion: hours(24),
  'appointment-installation': workingDays(2),
  'appointment-repair': workingDays(1),
  'appointment-safety-inspection': workingDays(1),
  'appliance-installation': hours(24),
  'appliance-repair': hours(24),
};

/** A complaint case is closed within 6 days of acceptance (003 §25). */
export const COMPLAINT_CLOSE_LIMIT: Duration = { value: 6, unit: 'days' };

/** Overdue repair and complaint orders climb the escalation ladder (002 ch.1 §12). */
export const ESCALATING_KINDS: readonly RequestKind[] = ['repair', 'complaint'];

/**
 * Kinds whose completion the resident signs on the technician's device (000 §3.3: "the
 * resident signs the completion"; 002 ch.2: a temperature record without the resident's
 * signature is invalid). For a temperature test, a signature on the measured record counts.
 */
export const SIGN_OFF_KINDS: readonly RequestKind[] = [
  'repair',
  'temperature-test',
  'appointment-installation',
  'appointment-repair',
  'appliance-installation',
  'appliance-repair',
];

export interface RequestStateOptions {
  /** The moment the state is read at (escalation, overdue). Rules never read the clock. */
  readonly now: Instant;
  /** Working-day calendar for working-day limits (default: the shipped Chinese calendars). */
  readonly calendar?: WorkingDayCalendar;
  readonly ladder?: readonly EscalationRung[];
}

export interface Visit {
  /** The technician's user name. */
  readonly technician: string;
  readonly technicianName: string;
  /** The booked visit time (ISO UTC), after any late notice or re-booking. */
  readonly at: string;
}

export interface RequestState {
  readonly requestId: string;
  readonly kind: RequestKind;
  readonly resident: string;
  /** The station in charge: the submission's, or the last station it was routed to. */
  readonly station: string;
  readonly status: RequestStatus;
  /** When the request was submitted; null while the submitted event has not arrived yet. */
  readonly submittedAt: string | null;
  /**
   * First-contact owner (首问负责制, 002 §7): the staff member who registered the request, or
   * else the author of the first `accepted`. Never changes afterwards, even after hand-over.
   */
  readonly owner: string | null;
  /** The technician of the last dispatch. */
  readonly assignee: string | null;
  /** The booked visit, or null when none is booked (never dispatched, or nobody home and not re-booked). */
  readonly visit: Visit | null;
  /**
   * By when the resident must have an answer (ANSWER_LIMITS); null for kinds without a limit.
   * An appointment booked for a day after the commitment's last day is due at the end of that
   * day (bookingWindows.ts bookedVisitDueMs).
   */
  readonly answerDueAt: string | null;
  /** Appointments: the day the resident booked (`YYYY-MM-DD`); else null. */
  readonly bookedDay: string | null;
  /** The first reply, acceptance or dispatch. */
  readonly answeredAt: string | null;
  /** Answered after the limit, or not answered and the limit has passed. Exactly at the limit is in time. */
  readonly answerOverdue: boolean;
  /** When staff took the request: its staff registration or first acceptance. */
  readonly acceptedAt: string | null;
  /** Complaints: by when the case must be closed (6 days from acceptance); else null. */
  readonly closeDueAt: string | null;
  readonly closedAt: string | null;
  /** Complaints: closed after closeDueAt, or still open after it. */
  readonly closeOverdue: boolean;
  /** Escalation ladder level reached while the request is open (0 when resolved, closed, withdrawn). */
  readonly escalationLevel: number;
  /** From when the escalation ladder counts: the submission, or the last reopening; null before the submission arrives. */
  readonly openedAt: string | null;
  /** Levels reached but not yet recorded by an `escalated` event, lowest first. */
  readonly escalationsDue: readonly number[];
  /** Resolved but waiting for the resident's signature. */
  readonly needsSignOff: boolean;
  /** The resident signed (satisfied) since the last visit was booked. */
  readonly signedOff: boolean;
  /** Temperature tests: the last measured record judged by the measurement rules; else null. */
  readonly temperatureTest: TemperatureTestOutcome | null;
  readonly lastEventAt: string;
  readonly eventCount: number;
  /** What could not be computed (a working-day limit in a year without a calendar). */
  readonly warnings: readonly string[];
}

/**
 * The order of a request's events: the `submitted` event first (a request starts with it,
 * even when a device clock put a later event before it), then by `at`, then by `id` (ids
 * are unique, so the order is total and the same on every device). Events of one instant from
 * one device keep the order it made them in: its ids are monotonic within a millisecond
 * (src/db/schema/events/ids.ts), so a technician's `arrived` and `resolved` saved together never
 * fold the wrong way round; events of one instant from two devices have no order but this one.
 */
export function compareEvents(a: EventRecord, b: EventRecord): number {
  const sa = a.type === 'submitted' ? 0 : 1;
  const sb = b.type === 'submitted' ? 0 : 1;
  if (sa !== sb) return sa - sb;
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The events in history order, each id once (a copy delivered twice counts once). */
export function sortEvents<E extends EventRecord>(events: readonly E[]): E[] {
  const seen = new Set<string>();
  const unique = events.filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true)));
  return unique.sort(compareEvents);
}

/** What the resident sees of a history: the events visible to them, in order. */
export function visibleTimeline<E extends EventRecord>(events: readonly E[]): E[] {
  return sortEvents(events).filter((e) => e.visibility === 'resident');
}

/** Statuses in which the request is waiting for staff (taking a step on site moves it on). */
const WAITING: ReadonlySet<RequestStatus> = new Set(['submitted', 'accepted', 'dispatched', 'reopened']);
const NEW_OR_REOPENED: ReadonlySet<RequestStatus> = new Set(['submitted', 'reopened']);
const FINISHED: ReadonlySet<RequestStatus> = new Set(['resolved', 'awaiting-sign-off', 'closed', 'withdrawn']);

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * Folds a request's events into its state. Throws a RangeError on no events, or on events of
 * more than one request (the caller mixed histories).
 *
 * An event whose kind is not the request's (its submission's, else its earliest event's) is
 * left out with a warning, not thrown on: each event is checked alone when written, so such an
 * event can reach a database, and one bad record must not take a whole queue down.
 */
export function requestState(allEvents: readonly EventRecord[], options: RequestStateOptions): RequestState {
  const first = allEvents[0];
  if (!first) throw new RangeError('requestState needs at least one event');
  for (const e of allEvents) {
    if (e.requestId !== first.requestId) {
      throw new RangeError(`requestState got events of two requests: ${first.requestId} and ${e.requestId} (event ${e.id})`);
    }
  }
  const nowMs = toEpochMs(options.now);
  const calendar = options.calendar ?? CN_CALENDAR;
  const ladder = options.ladder ?? ESCALATION_LADDER;

  const warnings: string[] = [];
  const ordered = sortEvents(allEvents);
  const kind = ordered[0]!.requestKind;
  const sorted = ordered.filter((e) => {
    if (e.requestKind !== kind) {
      warnings.push(`event ${e.id} is of kind ${e.requestKind}, not the request's ${kind}: left out`);
      return false;
    }
    // A staff step the kind does not have (a consultation's dispatch: the write check refuses
    // it, an old or imported record may hold it) moves nothing.
    if (e.author.role !== 'resident' && e.author.role !== 'admin' && !stepFitsKind(e.type, kind)) {
      warnings.push(`event ${e.id} (${e.type}) is not a step of a ${kind} request: left out`);
      return false;
    }
    return true;
  });
  const submitted = sorted.find((e): e is EventOf<'submitted'> => e.type === 'submitted');

  // Declared with `as` so TypeScript does not narrow them to their first value: the
  // helpers below change them too.
  let status = 'submitted' as RequestStatus;
  let station = (submitted ?? sorted[0]!).station;
  let owner: string | null = null;
  let acceptedAt: string | null = null;
  let answeredAt: string | null = null;
  let assignee: string | null = null;
  let visit = null as Visit | null;
  let signed = false;
  let openedAt: string | null = submitted?.at ?? null;
  let recordedLevels: number[] = [];
  let closedAt: string | null = null;
  let measuredOnce = false;

  const needsSignature = SIGN_OFF_KINDS.includes(kind);
  const isStaff = (e: EventRecord): boolean => e.author.role !== 'resident';
  const toward = (next: RequestStatus, from: ReadonlySet<RequestStatus>): void => {
    if (from.has(status)) status = next;
  };
  const reopen = (at: string): void => {
    status = 'reopened';
    openedAt = at;
    recordedLevels = [];
    signed = false;
    closedAt = null;
  };

  for (const e of sorted) {
    switch (e.type) {
      case 'submitted':
        if (isStaff(e) && owner === null) {
          owner = e.author.name;
          acceptedAt ??= e.at;
        }
        break;
      case 'accepted':
        if (isStaff(e) && owner === null) owner = e.author.name;
        acceptedAt ??= e.at;
        // Registering or accepting is not an answer (domain.md, "Settled readings: What
        // answers a resident"): the resident is still owed word on how it is handled.
        toward('accepted', NEW_OR_REOPENED);
        break;
      case 'routed':
        if (e.payload.toStation !== undefined) station = e.payload.toStation;
        toward('accepted', NEW_OR_REOPENED);
        break;
      case 'dispatched':
        answeredAt ??= e.at;
        if (!isOpen(status)) break;
        status = 'dispatched';
        assignee = e.payload.technician;
        visit = { technician: e.payload.technician, technicianName: e.payload.technicianName, at: e.payload.visitAt };
        signed = false;
        break;
      case 'late-notice':
        if (visit && isOpen(status)) visit = { ...visit, at: e.payload.newVisitAt };
        break;
      case 'arrived':
        toward('on-site', WAITING);
        break;
      case 'nobody-home':
        if (status !== 'dispatched' && status !== 'on-site') break;
        if (e.payload.newVisitAt !== undefined && visit) {
          visit = { ...visit, at: e.payload.newVisitAt };
          status = 'dispatched';
        } else {
          visit = null;
          status = 'accepted';
        }
        break;
      case 'diagnosed':
      case 'work-done':
        toward('on-site', WAITING);
        break;
      case 'measured':
        toward('on-site', WAITING);
        measuredOnce = true;
        // A correction needs its own signature: the resident signs what they read.
        signed = e.payload.signature !== undefined;
        break;
      case 'resolved':
      case 'remedy-done':
        // A resolution answers the resident (the same reading as the results engine).
        answeredAt ??= e.at;
        if (!isOpen(status)) break;
        status = needsSignature && !signed ? 'awaiting-sign-off' : 'resolved';
        break;
      case 'signed-off':
        if (!isOpen(status)) break;
        if (e.payload.satisfied) {
          signed = true;
          if (status === 'awaiting-sign-off') status = 'resolved';
        } else {
          // "If the resident is not satisfied, dispatch again until satisfied" (000 §3.3).
          reopen(e.at);
        }
        break;
      case 'reopened':
        if (status === 'resolved' || status === 'awaiting-sign-off' || status === 'closed') reopen(e.at);
        break;
      case 'reply':
        answeredAt ??= e.at;
        break;
      case 'escalated':
        recordedLevels.push(e.payload.level);
        break;
      case 'withdrawn':
        if (isOpen(status)) status = 'withdrawn';
        break;
      case 'closed':
        if (status !== 'withdrawn' && status !== 'closed') {
          status = 'closed';
          closedAt = e.at;
        }
        break;
      case 'assessed':
      case 'responsible':
      case 'cause':
      case 'remedy-proposed':
      case 'remedy-approved':
      case 'resident-told':
      case 'review':
        toward('accepted', NEW_OR_REOPENED);
        break;
      case 'note':
      case 'callback':
      case 'rated':
        break;
    }
  }

  const guarded = (compute: () => string): string | null => {
    try {
      return compute();
    } catch (err) {
      if (err instanceof MissingCalendarYearError) {
        warnings.push(err.message);
        return null;
      }
      throw err;
    }
  };
  const deadline = (start: string, limit: Duration): string | null => guarded(() => deadlineOf(Date.parse(start), limit, calendar).toISOString());
  const overdue = (due: string | null, doneAt: string | null): boolean =>
    due !== null && (doneAt !== null ? doneAt > due : nowMs > Date.parse(due));

  const answerLimit = ANSWER_LIMITS[kind];
  const preferred = submitted ? (submitted.payload as { preferredDate?: unknown }).preferredDate : undefined;
  const bookedDay = typeof preferred === 'string' ? preferred : null;
  const answerDueAt = !submitted || !answerLimit
    ? null
    : bookedDay === null
      ? deadline(submitted.at, answerLimit)
      : guarded(() => new Date(bookedVisitDueMs(kind, Date.parse(submitted.at), bookedDay, calendar)).toISOString());
  const closeDueAt = kind === 'complaint' && acceptedAt !== null ? deadline(acceptedAt, COMPLAINT_CLOSE_LIMIT) : null;

  const escalating = ESCALATING_KINDS.includes(kind) && openedAt !== null && !FINISHED.has(status);
  const level = escalating ? escalationLevel(Date.parse(openedAt!), nowMs, ladder) : 0;
  const due = escalating ? escalationsDue(Date.parse(openedAt!), nowMs, recordedLevels, ladder) : [];

  // The latest visit's record, a correction superseding the earlier saves (measurementRecords.ts).
  const temperatureTest = kind === 'temperature-test' && measuredOnce ? (currentMeasurement(sorted)?.outcome ?? null) : null;

  const last = sorted.reduce((a, b) => (b.at > a.at ? b : a));
  return {
    requestId: first.requestId,
    kind,
    resident: (submitted ?? sorted[0]!).resident,
    station,
    status,
    submittedAt: submitted?.at ?? null,
    owner,
    assignee,
    visit,
    answerDueAt,
    bookedDay,
    answeredAt,
    answerOverdue: overdue(answerDueAt, answeredAt),
    acceptedAt,
    closeDueAt,
    closedAt,
    closeOverdue: overdue(closeDueAt, closedAt),
    escalationLevel: level,
    openedAt,
    escalationsDue: due,
    needsSignOff: status === 'awaiting-sign-off',
    signedOff: signed,
    temperatureTest,
    lastEventAt: iso(Date.parse(last.at)),
    eventCount: sorted.length,
    warnings,
  };
}
