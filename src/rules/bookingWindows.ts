import { APPOINTMENT_KINDS, type RequestKind } from '../db/schema/requestKind';
import { addCalendarDays, chinaDay, chinaStartOfDay, parseClock, weekdayOf, type DayIso, type Instant } from './chinaTime';
import { deadlineMs } from './deadlines';
import { CN_CALENDAR, MissingCalendarYearError, type WorkingDayCalendar } from './calendar/index';
import { ANSWER_LIMITS } from './requestState';
import { isWorkingDay } from './workingDays';
import { BOOKING_HORIZON_DAYS, TEMPERATURE_TEST_BOOKING_DAYS, VISITING_HOURS } from '../db/schema/vocabulary';

/**
 * Which days and times a resident may book a visit for, decided at the moment the request is
 * written (the event's `at`), never by the clock of whoever reads it later: a request written
 * offline on Friday night and sent on Monday is judged as of Friday night.
 *
 * The commitments (004: installation within 2 working days, repair and safety inspection
 * within 1; appliance installation and repair within 24 hours) are the latest the utility may
 * come when the resident wants the earliest visit, not the resident's only days (domain.md,
 * "Appointments the resident dates"): any day the utility serves that kind is offered, from
 * the day after the request to BOOKING_HORIZON_DAYS after it, and a visit booked for a later
 * day is due on that day (bookedVisitDueMs). These limits are ANSWER_LIMITS (requestState.ts);
 * tests/unit/rules/bookingWindows.test.ts checks them against content/commitments/2024.yaml.
 */

/** Visiting hours and booking horizons: declared in the schemas' vocabulary (the booking messages name them). */
export { BOOKING_HORIZON_DAYS, TEMPERATURE_TEST_BOOKING_DAYS, VISITING_HOURS };

/** Half-day slots of an appointment, inside the visiting hours. */
export const DAY_SLOT_HOURS = {
  morning: { from: '08:00', to: '12:00' },
  afternoon: { from: '13:00', to: '18:00' },
} as const;


/**
 * Whether a day is a working day; a day in a year whose holiday arrangement is not published
 * yet (the State Council publishes next year's in late autumn) is judged by the weekday alone,
 * so booking keeps working across New Year. Deadlines themselves never guess (workingDays.ts).
 */
export function probablyWorkingDay(day: DayIso, calendar: WorkingDayCalendar = CN_CALENDAR): boolean {
  try {
    return isWorkingDay(day, calendar);
  } catch (err) {
    if (!(err instanceof MissingCalendarYearError)) throw err;
    const wd = weekdayOf(day);
    return wd !== 0 && wd !== 6;
  }
}

/**
 * Whether the utility serves `kind` on any day of the week: the kinds promised within hours
 * (appliance installation and repair, 24 hours) are served at weekends too; the kinds promised
 * in working days, or with no promise (meter reading, appliance safety check), on working days.
 */
export function servedOnAnyDay(kind: RequestKind): boolean {
  const limit = ANSWER_LIMITS[kind];
  return limit !== undefined && limit.unit !== 'working-days';
}

/**
 * The days an in-home appointment of `kind` written at `at` may be booked for, earliest first:
 * every day the utility serves that kind (servedOnAnyDay) from the day after `at`'s day (a
 * same-day slot may already have passed) to `horizonDays` after it.
 */
export function appointmentDays(kind: RequestKind, at: Instant, calendar: WorkingDayCalendar = CN_CALENDAR, horizonDays: number = BOOKING_HORIZON_DAYS): DayIso[] {
  const today = chinaDay(at);
  const anyDay = servedOnAnyDay(kind);
  const days: DayIso[] = [];
  for (let i = 1; i <= horizonDays; i++) {
    const day = addCalendarDays(today, i);
    if (anyDay || probablyWorkingDay(day, calendar)) days.push(day);
  }
  return days;
}

/**
 * The last day the commitment covers for a request of `kind` written at `at` (the day its
 * limit runs out: "we promise within 2 working days: by Thursday"), or null when the kind has
 * no limit. Booking that day or earlier is asking for the promised service; a later day is the
 * resident's choice. Throws MissingCalendarYearError for a working-day limit outside the calendar.
 */
export function commitmentLastDay(kind: RequestKind, at: Instant, calendar: WorkingDayCalendar = CN_CALENDAR): DayIso | null {
  const limit = ANSWER_LIMITS[kind];
  if (!limit) return null;
  // The deadline is 24:00 of a day (working days) or an instant: the day it falls in, or the
  // day before when it is exactly midnight.
  return chinaDay(deadlineMs(at, limit, calendar) - 1);
}

/**
 * When the visit of an appointment is due: the commitment's deadline counted from the request
 * (`at`), or, when the resident booked a later day, the end of that day (24:00 China time):
 * a visit on the booked day is on time (domain.md, "Appointments the resident dates"). Kinds
 * with no limit are due on their booked day. The request's state (answerDueAt) and the results
 * engine (the appointment figures) both read it, so the staff card and the published figure
 * agree. Throws MissingCalendarYearError for a working-day limit outside the calendar.
 */
export function bookedVisitDueMs(kind: RequestKind, at: Instant, bookedDay: DayIso | undefined, calendar: WorkingDayCalendar = CN_CALENDAR): number {
  const limit = ANSWER_LIMITS[kind];
  return dueOnBookedDay(limit ? deadlineMs(at, limit, calendar) : NaN, bookedDay);
}

/**
 * The later of a promised deadline (epoch ms, NaN for none) and the end of the booked day
 * (24:00 China time); the promise alone when no well-formed day was booked.
 */
export function dueOnBookedDay(promisedMs: number, bookedDay: DayIso | undefined): number {
  if (bookedDay === undefined || !/^\d{4}-\d{2}-\d{2}$/.test(bookedDay)) return promisedMs;
  const endOfBooked = chinaStartOfDay(addCalendarDays(bookedDay, 1)).getTime();
  return Number.isNaN(promisedMs) ? endOfBooked : Math.max(promisedMs, endOfBooked);
}

/** The days a temperature test written at `at` may be booked for: its own day and the next TEMPERATURE_TEST_BOOKING_DAYS days. */
export function temperatureTestDays(at: Instant): DayIso[] {
  const today = chinaDay(at);
  return Array.from({ length: TEMPERATURE_TEST_BOOKING_DAYS + 1 }, (_, i) => addCalendarDays(today, i));
}

/** Whether a span of the day (`HH:MM` to `HH:MM`) lies inside the visiting hours. */
export function withinVisitingHours(from: string, to: string, hours: { from: string; to: string } = VISITING_HOURS): boolean {
  return parseClock(from) >= parseClock(hours.from) && parseClock(to) <= parseClock(hours.to) && parseClock(from) < parseClock(to);
}

/** What a booking problem is about, as a message id of src/db/schema/messages.ts. */
export type BookingProblemId = 'booking.appointmentDay' | 'booking.testDay' | 'booking.visitingHours';

export interface BookingProblem {
  /** Where, as keys into the event: `['payload', 'preferredSlots', 1, 'from']`. */
  readonly path: readonly (string | number)[];
  readonly id: BookingProblemId;
}

interface SubmissionLike {
  readonly type: string;
  readonly requestKind: RequestKind;
  readonly at: string;
  readonly payload: unknown;
}

const APPOINTMENT_KIND_SET: ReadonlySet<string> = new Set(APPOINTMENT_KINDS);

/**
 * The booking problems of a well-formed submission: an appointment date outside
 * appointmentDays, a temperature-test slot on a day outside temperatureTestDays or outside the
 * visiting hours. Other events have none. The form shows them at their fields; validateWrite
 * refuses a submission that has any (rule `booking-window`).
 */
export function bookingProblems(event: SubmissionLike, calendar: WorkingDayCalendar = CN_CALENDAR): BookingProblem[] {
  if (event.type !== 'submitted') return [];
  const problems: BookingProblem[] = [];
  if (APPOINTMENT_KIND_SET.has(event.requestKind)) {
    const { preferredDate } = event.payload as { preferredDate: string };
    if (!appointmentDays(event.requestKind, Date.parse(event.at), calendar).includes(preferredDate)) {
      problems.push({ path: ['payload', 'preferredDate'], id: 'booking.appointmentDay' });
    }
  }
  if (event.requestKind === 'temperature-test') {
    const { preferredSlots } = event.payload as { preferredSlots: { date: string; from: string; to: string }[] };
    const days = temperatureTestDays(Date.parse(event.at));
    preferredSlots.forEach((slot, i) => {
      if (!days.includes(slot.date)) problems.push({ path: ['payload', 'preferredSlots', i, 'date'], id: 'booking.testDay' });
      if (!withinVisitingHours(slot.from, slot.to)) problems.push({ path: ['payload', 'preferredSlots', i, 'from'], id: 'booking.visitingHours' });
    });
  }
  return problems;
}
