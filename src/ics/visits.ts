import type { EventRecord } from '../db/schema/events/event';
import { APPOINTMENT_KINDS } from '../db/schema/requestKind';
import { HOUR_MS, chinaStartOfDay, parseClock } from '../rules/chinaTime';
import { isOpen, sortEvents, type RequestState } from '../rules/requestState';
import type { CalendarEvent } from './icalendar';

/**
 * The calendar entry of a request's home visit, for the resident's own calendar (.ics):
 * - a booked visit (dispatched, possibly re-booked): from the visit time, VISIT_LENGTH long;
 * - else an appointment as submitted: its preferred day, morning or afternoon (DAY_SLOT_HOURS,
 *   China time), until staff book a time.
 * Both share one UID per request, and the booked visit has a higher SEQUENCE, so a calendar
 * that imported the appointment replaces it with the booked time. DTSTAMP is the time of the
 * event that set the time: the file is a pure function of the events.
 */

/** How long a booked visit is shown in the calendar (the dispatch gives a time, not a length). */
export const VISIT_LENGTH_MS = 2 * HOUR_MS;

/** The slots a resident may choose for an appointment, China time. */
export const DAY_SLOT_HOURS = {
  morning: { from: '08:00', to: '12:00' },
  afternoon: { from: '14:00', to: '18:00' },
} as const;

export const PRODUCT_ID = '-//Hearthline//Customer service//ZH';

export interface VisitWords {
  readonly summary: string;
  readonly description?: string;
}

export interface VisitTime {
  readonly start: number;
  readonly end: number;
  /** The booked technician's name; null for an appointment not yet booked. */
  readonly technicianName: string | null;
  readonly kind: 'booked' | 'appointment';
  /** The appointment's slot; null for a booked visit. */
  readonly slot: keyof typeof DAY_SLOT_HOURS | null;
  readonly address: string | null;
  /** When the time was set (DTSTAMP) and how often it changed (SEQUENCE). */
  readonly stamp: number;
  readonly sequence: number;
}

export const calendarUid = (requestId: string): string => `${requestId}.visit@hearthline`;

/**
 * The time of the request's visit, or null when there is none to put in a calendar (not an
 * appointment and not booked, nobody home and not re-booked, or the request is finished).
 */
export function visitTime(state: RequestState, events: readonly EventRecord[]): VisitTime | null {
  if (!isOpen(state.status) || state.status === 'resolved' || state.status === 'awaiting-sign-off') return null;
  const sorted = sortEvents(events);
  if (!sorted.length) return null;
  const submitted = sorted.find((e) => e.type === 'submitted');
  const address = submitted && typeof (submitted.payload as { address?: unknown }).address === 'string' ? (submitted.payload as { address: string }).address : null;
  if (state.visit) {
    let stamp = Date.parse(sorted[0]!.at);
    let changes = 0;
    for (const e of sorted) {
      if (e.type === 'dispatched' || e.type === 'late-notice' || (e.type === 'nobody-home' && e.payload.newVisitAt !== undefined)) {
        stamp = Date.parse(e.at);
        changes += 1;
      }
    }
    const start = Date.parse(state.visit.at);
    return { start, end: start + VISIT_LENGTH_MS, technicianName: state.visit.technicianName, kind: 'booked', slot: null, address, stamp, sequence: changes };
  }
  if (submitted && (APPOINTMENT_KINDS as readonly string[]).includes(submitted.requestKind) && state.status !== 'on-site') {
    const p = submitted.payload as { preferredDate: string; slot: keyof typeof DAY_SLOT_HOURS };
    const day = chinaStartOfDay(p.preferredDate).getTime();
    const slot = DAY_SLOT_HOURS[p.slot];
    return { start: day + parseClock(slot.from), end: day + parseClock(slot.to), technicianName: null, kind: 'appointment', slot: p.slot, address, stamp: Date.parse(submitted.at), sequence: 0 };
  }
  return null;
}

/** The calendar entry for a visit time, in the words given (the island's language). */
export function visitCalendarEvent(requestId: string, time: VisitTime, words: VisitWords): CalendarEvent {
  return {
    uid: calendarUid(requestId),
    stamp: time.stamp,
    start: time.start,
    end: time.end,
    sequence: time.sequence,
    summary: words.summary,
    ...(words.description !== undefined ? { description: words.description } : {}),
    ...(time.address !== null ? { location: time.address } : {}),
  };
}

/** Whether a visit is still to come at `nowMs` (it has not ended): only those go to a calendar. */
export function isToCome(time: VisitTime, nowMs: number): boolean {
  return time.end > nowMs;
}
