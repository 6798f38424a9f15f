import type { EventRecord } from '../db/schema/events/event';
import type { RequestKind } from '../db/schema/requestKind';
import { MINUTE_MS, addCalendarDays, chinaDay, chinaTimeOfDayMs, parseClock, toEpochMs, type DayIso, type Instant } from './chinaTime';
import { VISITING_HOURS } from './bookingWindows';
import { REPAIR_ON_SITE_MS } from './queue';
import type { RequestState } from './requestState';
import type { StaffEntry } from './peopleNames';

/**
 * Dispatch (issue 16 item 3; 000 §3.3 "dispatch the nearest technician and tell the resident
 * the expected arrival"): whom to send, and when. Pure: the directory, the station's requests
 * and `now` are passed in, so the picker on the device, the board and the server's write check
 * read the same rules.
 */

/** A request that is still someone's work (not finished for the technician). */
const OPEN_FOR_TECHNICIAN: ReadonlySet<string> = new Set(['dispatched', 'on-site', 'reopened']);
const GONE: ReadonlySet<string> = new Set(['withdrawn']);

/** The technicians of a station, from the staff directory (a multi-role account that holds `technician` counts). */
export function stationTechnicians(staff: readonly StaffEntry[], station: string): StaffEntry[] {
  return staff.filter((s) => s.station === station && s.roles.includes('technician'));
}

/**
 * The community a request's address is in, read against the station's communities: the one
 * whose id, display name, or the Chinese or Latin part of it ("示范花园 Demo Garden" → "示范花园")
 * the address contains, the longest match first. Null when none matches (a typed address may
 * name none).
 */
export function communityOfAddress(address: string | undefined, communities: readonly { id: string; name: string }[]): string | null {
  if (!address) return null;
  const text = address.toLowerCase();
  let best: { id: string; length: number } | null = null;
  for (const c of communities) {
    // The id, the whole name, its Chinese part and its Latin part ("示范花园", "demo garden"): the longest match wins.
    const latin = c.name.replace(/[^\x20-\x7e]+/g, ' ').replace(/\s+/g, ' ').trim();
    const phrases = [c.id, c.name, latin, ...(c.name.match(/[^\x00-\x7f]+/g) ?? [])].map((w) => w.trim().toLowerCase()).filter((w) => w.length >= 2);
    for (const w of phrases) if (text.includes(w) && (!best || w.length > best.length)) best = { id: c.id, length: w.length };
  }
  return best?.id ?? null;
}

export interface TechnicianChoice {
  readonly name: string;
  /** What colleagues and residents read; null when the account has none (residents are then told "the technician", never a login). */
  readonly displayName: string | null;
  readonly communities: readonly string[];
  /** Visits booked for today (China's day) that are not withdrawn. */
  readonly bookedToday: number;
  /** Orders dispatched to them and not yet resolved. */
  readonly openOrders: number;
  /** Whether they cover the request's community (the nearest, 000 §3.3). */
  readonly covers: boolean;
}

/**
 * The station's technicians as the dispatch picker lists them: those who cover the request's
 * community first (000 §3.3: the nearest), then the least loaded today, then by open orders,
 * then by name. `states` are the station's requests as the device holds them.
 */
export function technicianChoices(
  staff: readonly StaffEntry[],
  station: string,
  states: readonly RequestState[],
  community: string | null,
  now: Instant,
): TechnicianChoice[] {
  const today = chinaDay(now);
  const choices = stationTechnicians(staff, station).map((s): TechnicianChoice => {
    const communities = s.communities ?? [];
    let bookedToday = 0;
    let openOrders = 0;
    for (const st of states) {
      if (st.visit?.technician === s.name && !GONE.has(st.status) && chinaDay(Date.parse(st.visit.at)) === today) bookedToday++;
      if (st.assignee === s.name && OPEN_FOR_TECHNICIAN.has(st.status)) openOrders++;
    }
    return { name: s.name, displayName: s.displayName, communities, bookedToday, openOrders, covers: community !== null && communities.includes(community) };
  });
  return choices.sort(
    (a, b) => Number(b.covers) - Number(a.covers) || a.bookedToday - b.bookedToday || a.openOrders - b.openOrders || (a.displayName ?? a.name).localeCompare(b.displayName ?? b.name, 'zh-CN'),
  );
}

/**
 * The latest a visit keeps the request's promise: a repair's technician on site within 1 hour
 * of the report (or its reopening, 002 §7); for the other kinds someone visits, the answer's
 * deadline (for an appointment, the end of the booked day or the commitment: requestState's
 * answerDueAt). Null when the kind has none.
 */
export function visitDeadline(state: RequestState): string | null {
  if (state.kind === 'repair' && state.openedAt) return new Date(Date.parse(state.openedAt) + REPAIR_ON_SITE_MS).toISOString();
  return state.answerDueAt;
}

/** Why a visit time cannot be booked, at its field. */
export type VisitTimeProblem = 'past' | 'outside-hours';

export interface VisitTimeCheck {
  /** A time that is refused; null when it may be booked. */
  readonly problem: VisitTimeProblem | null;
  /** The request's deadline when the time falls after it: a warning the dispatcher must confirm. */
  readonly afterDeadline: string | null;
}

/** The start of the minute `ms` falls in: a datetime field has minutes, so "now" is this minute. */
const minuteOf = (ms: number) => Math.floor(ms / MINUTE_MS) * MINUTE_MS;

/**
 * Checks a visit time for a request of `kind` at `now`:
 *   - refused when it is in the past (before the current minute);
 *   - refused outside the visiting hours (08:00–20:00 China time, bookingWindows.ts), except
 *     for a gas emergency (抢险), which is answered at any hour (domain.md, "Notifications":
 *     the allowed hours hold except for emergencies);
 *   - a warning, to be confirmed, when it falls after the request's `deadline`.
 */
export function checkVisitTime(visitAt: Instant, options: { now: Instant; kind: RequestKind; deadline: string | null }): VisitTimeCheck {
  const at = toEpochMs(visitAt);
  const afterDeadline = options.deadline !== null && at > Date.parse(options.deadline) ? options.deadline : null;
  if (at < minuteOf(toEpochMs(options.now))) return { problem: 'past', afterDeadline };
  if (options.kind !== 'emergency' && !withinVisitingHoursAt(at)) return { problem: 'outside-hours', afterDeadline };
  return { problem: null, afterDeadline };
}

/** Whether an instant's China clock lies inside the visiting hours (both ends included). */
export function withinVisitingHoursAt(at: Instant, hours: { from: string; to: string } = VISITING_HOURS): boolean {
  const clock = chinaTimeOfDayMs(at);
  return clock >= parseClock(hours.from) && clock <= parseClock(hours.to);
}

/**
 * What the server can hold of a dispatch, whatever device wrote it and whenever it arrives:
 *   - the technician is a technician of the request's station (`technicians`: their logins,
 *     from the accounts; left out when not known, then not checked);
 *   - the visit is not before the moment the dispatch was written (its `at`, the device's
 *     clock: an order written offline and sent later is judged as written).
 * Visiting hours and the deadline are the dispatcher's judgement at the field (a late evening
 * repair may be agreed with the resident on the phone), not a rule the server can hold.
 */
export function dispatchProblem(event: EventRecord, technicians?: readonly string[]): { rule: 'dispatch-technician' | 'dispatch-time'; reason: string } | null {
  if (event.type !== 'dispatched') return null;
  if (technicians !== undefined && !technicians.includes(event.payload.technician)) {
    return { rule: 'dispatch-technician', reason: `"${event.payload.technician}" is not a technician of station ${event.station}: choose one from the station's list` };
  }
  const visitAt = event.payload.visitAt;
  if (Date.parse(visitAt) < minuteOf(Date.parse(event.at))) {
    return { rule: 'dispatch-time', reason: `the visit time ${visitAt} is before the moment the order was written (${event.at})` };
  }
  return null;
}

/** A technician's slots of a day, as the board shows them: the visiting hours in hours. */
export interface DaySlot {
  /** `HH:MM` of the slot's start. */
  readonly from: string;
  /** The request ids booked into it (a visit belongs to the hour it starts in). */
  readonly booked: readonly string[];
}

/** The hours of a day's visiting hours, each with the visits that start in it. */
export function daySlots(visits: readonly { requestId: string; at: string }[], day: DayIso, hours: { from: string; to: string } = VISITING_HOURS): DaySlot[] {
  const first = Math.floor(parseClock(hours.from) / (60 * MINUTE_MS));
  const last = Math.ceil(parseClock(hours.to) / (60 * MINUTE_MS));
  const slots: DaySlot[] = [];
  for (let h = first; h < last; h++) {
    const booked = visits
      .filter((v) => chinaDay(Date.parse(v.at)) === day && Math.floor(chinaTimeOfDayMs(Date.parse(v.at)) / (60 * MINUTE_MS)) === h)
      .map((v) => v.requestId);
    slots.push({ from: `${String(h).padStart(2, '0')}:00`, booked });
  }
  return slots;
}

export interface BoardVisit {
  readonly requestId: string;
  readonly kind: RequestKind;
  readonly at: string;
  readonly status: RequestState['status'];
}

export interface BoardRow {
  readonly technician: TechnicianChoice;
  readonly days: readonly { readonly day: DayIso; readonly visits: readonly BoardVisit[]; readonly free: readonly string[] }[];
}

/**
 * The dispatch board (issue 16 item 4): today's and tomorrow's visits per technician of the
 * station, in time order, and the hours of the visiting hours still free (from now on, today).
 */
export function dispatchBoard(staff: readonly StaffEntry[], station: string, states: readonly RequestState[], now: Instant): { days: DayIso[]; rows: BoardRow[] } {
  const today = chinaDay(now);
  const days = [today, addCalendarDays(today, 1)];
  const nowMs = toEpochMs(now);
  const rows = technicianChoices(staff, station, states, null, now).map((technician): BoardRow => ({
    technician,
    days: days.map((day) => {
      const visits = states
        .filter((st) => st.visit?.technician === technician.name && !GONE.has(st.status) && chinaDay(Date.parse(st.visit.at)) === day)
        .map((st) => ({ requestId: st.requestId, kind: st.kind, at: st.visit!.at, status: st.status }))
        .sort((a, b) => a.at.localeCompare(b.at));
      const free = daySlots(visits, day)
        .filter((slot) => slot.booked.length === 0)
        // an hour already over today is not free any more
        .filter((slot) => day !== today || parseClock(slot.from) + 60 * MINUTE_MS > chinaTimeOfDayMs(nowMs))
        .map((slot) => slot.from);
      return { day, visits, free };
    }),
  }));
  return { days, rows };
}

/**
 * A technician's own day (issue 16 item 4): their visits booked for `now`'s day that are not
 * finished, in time order, after any earlier visit still not done (missed: it is still today's
 * work); what is finished drops off the list.
 */
export function technicianDay<T extends { state: RequestState }>(items: readonly T[], technician: string, now: Instant): T[] {
  const today = chinaDay(now);
  return items
    .filter((i) => i.state.visit?.technician === technician && OPEN_FOR_TECHNICIAN.has(i.state.status) && chinaDay(Date.parse(i.state.visit.at)) <= today)
    .sort((a, b) => a.state.visit!.at.localeCompare(b.state.visit!.at));
}

/**
 * A visit whose time has passed with nobody on site yet: the order still stands at `dispatched`
 * (an arrival, a late notice with a new time or nobody-home moves it on). A technician's day
 * marks it missed.
 */
export function visitMissed(state: RequestState, now: Instant): boolean {
  return state.status === 'dispatched' && state.visit !== null && Date.parse(state.visit.at) < toEpochMs(now);
}
