import { APPOINTMENT_KINDS, type RequestKind } from '../db/schema/requestKind';
import { addCalendarDays, chinaDay, chinaStartOfDay, parseClock, toEpochMs, weekdayOf, HOUR_MS, type DayIso, type Instant } from './chinaTime';
import { CN_CALENDAR, MissingCalendarYearError, type WorkingDayCalendar } from './calendar/index';
import { ANSWER_LIMITS } from './requestState';
import { isWorkingDay } from './workingDays';

/**
 * Which days and times a resident may book a visit for, decided at the moment the request is
 * written (the event's `at`), never by the clock of whoever reads it later: a request written
 * offline on Friday night and sent on Monday is judged as of Friday night.
 *
 * In-home appointments are offered only inside the time the commitments give the utility to
 * serve them (004: installation within 2 working days, repair and safety inspection within 1;
 * appliance installation and repair within 24 hours), so a resident can never book a date the
 * utility has promised to beat. These limits are ANSWER_LIMITS (requestState.ts), the same
 * table the "answer due by" of every request uses; tests/unit/rules/bookingWindows.test.ts
 * checks it against content/commitments/2024.yaml.
 */

/** In-home visits happen between these times (a utility's choice; the seeds name none). */
export const VISITING_HOURS = { from: '08:00', to: '20:00' } as const;

/** Half-day slots of an appointment, inside the visiting hours. */
export const DAY_SLOT_HOURS = {
  morning: { from: '08:00', to: '12:00' },
  afternoon: { from: '13:00', to: '18:00' },
} as const;

/** Kinds with no time limit in the commitments (meter reading, appliance safety check) are offered this many working days. */
export const OPEN_APPOINTMENT_WORKING_DAYS = 10;

/** A temperature test may be asked for today (a walk-in at the hall: "this afternoon") or on any of the next this-many days. */
export const TEMPERATURE_TEST_BOOKING_DAYS = 14;

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
 * The days an in-home appointment of `kind` written at `at` may be booked for, earliest first.
 * Never the day it is written (a same-day slot may already have passed); then:
 * - a limit in working days: the working days up to the Nth working day after `at`'s day;
 * - a limit in hours (or days): every day that starts before the limit runs out;
 * - no limit: the next OPEN_APPOINTMENT_WORKING_DAYS working days.
 */
export function appointmentDays(kind: RequestKind, at: Instant, calendar: WorkingDayCalendar = CN_CALENDAR): DayIso[] {
  const limit = ANSWER_LIMITS[kind];
  const today = chinaDay(at);
  const days: DayIso[] = [];
  if (!limit || limit.unit === 'working-days') {
    const wanted = limit ? limit.value : OPEN_APPOINTMENT_WORKING_DAYS;
    for (let day = addCalendarDays(today, 1); days.length < wanted; day = addCalendarDays(day, 1)) {
      if (probablyWorkingDay(day, calendar)) days.push(day);
    }
    return days;
  }
  const unitMs = limit.unit === 'minutes' ? 60_000 : limit.unit === 'hours' ? HOUR_MS : 24 * HOUR_MS;
  const endMs = toEpochMs(at) + limit.value * unitMs;
  for (let day = addCalendarDays(today, 1); chinaStartOfDay(day).getTime() < endMs; day = addCalendarDays(day, 1)) days.push(day);
  return days;
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
