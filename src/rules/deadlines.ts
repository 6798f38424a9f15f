import type { Duration } from '../db/schema/commitments';
import { CHINA_UTC_OFFSET_MS, DAY_MS, HOUR_MS, MINUTE_MS, toEpochMs, type Instant } from './chinaTime';
import { CN_CALENDAR, type WorkingDayCalendar } from './calendar/index';
import { addWorkingDays } from './workingDays';

export type { Duration };

const UNIT_MS = { minutes: MINUTE_MS, hours: HOUR_MS } as const;

/**
 * The instant by which something promised at `start` must happen (domain.md, "Settled
 * readings: Counting days").
 * - minutes, hours: elapsed time from the instant. "Within 24 hours" (002 §8, §12) and
 *   "within 40 minutes" (004) are elapsed times.
 * - days: the Civil Code's rule for periods (民法典 第二百零一条: the first day is not
 *   counted): the end, 24:00 China time, of the Nth calendar day after the China day of
 *   `start`. "6 日内结案" (003 §26) of a complaint received Monday 10:00 ends Sunday 24:00:
 *   closed Sunday 23:00 is on time, Monday 00:30 is late (not Sunday 10:00, 144 hours).
 * - working-days: the end of the Nth working day after the day of `start` (see
 *   addWorkingDays); "2 个工作日内" (004) is read this way. Needs a calendar covering the
 *   days in between; a missing year throws MissingCalendarYearError.
 */
export function deadlineOf(start: Instant, duration: Duration, calendar: WorkingDayCalendar = CN_CALENDAR): Date {
  return new Date(deadlineMs(start, duration, calendar));
}

/**
 * deadlineOf's instant in epoch ms, without making a Date: the results engine asks for a
 * deadline per request and indicator, and the Dates were a seventh of its finishing time.
 * An elapsed time is clipped as a Date clips it (whole ms, NaN outside the Date range), so
 * `deadlineOf(s, d).getTime() === deadlineMs(s, d)` always.
 */
export function deadlineMs(start: Instant, duration: Duration, calendar: WorkingDayCalendar = CN_CALENDAR): number {
  if (!Number.isFinite(duration.value) || duration.value < 0) {
    throw new RangeError(`a duration must be a finite number, zero or more: ${duration.value}`);
  }
  if (duration.unit === 'working-days') return addWorkingDays(start, duration.value, calendar).getTime();
  if (duration.unit === 'days') return endOfNthChinaDayAfter(toEpochMs(start), duration.value);
  return timeClip(toEpochMs(start) + duration.value * UNIT_MS[duration.unit]);
}

/**
 * 24:00 China time of the `n`th calendar day after the China day of `ms` (China keeps no
 * daylight saving, so a China day is always 24 hours long). A fraction of a day counts as a
 * whole day begun: 1.5 days ends with the second day.
 */
function endOfNthChinaDayAfter(ms: number, n: number): number {
  const chinaDayNumber = Math.floor((ms + CHINA_UTC_OFFSET_MS) / DAY_MS);
  return timeClip((chinaDayNumber + 1 + Math.ceil(n)) * DAY_MS - CHINA_UTC_OFFSET_MS);
}

/** The ECMAScript TimeClip a Date applies to its time value. */
function timeClip(ms: number): number {
  return !Number.isFinite(ms) || Math.abs(ms) > 8.64e15 ? NaN : Math.trunc(ms) + 0;
}

/**
 * Whether something promised at `start` and done at `end` kept its deadline. Done exactly at
 * the deadline counts as met ("within 24 hours" includes the 24th hour). An `end` before
 * `start` is a data error (clocks or records out of order) and throws rather than counting.
 */
export function metDeadline(
  start: Instant,
  end: Instant,
  duration: Duration,
  calendar: WorkingDayCalendar = CN_CALENDAR,
): boolean {
  const startMs = toEpochMs(start);
  const endMs = toEpochMs(end);
  if (endMs < startMs) {
    throw new RangeError(`end ${new Date(endMs).toISOString()} is before start ${new Date(startMs).toISOString()}`);
  }
  return endMs <= deadlineOf(startMs, duration, calendar).getTime();
}

/**
 * Whether an announcement at `announced` gave at least `atLeast` notice before `started`
 * ("计划停热检修时提前48小时告知用户", 002 §8; 004 "提前48小时通知客户"). Exactly the notice
 * period counts as given; an announcement after the start never does.
 * For working-days the start must come at or after the end of the Nth working day after the
 * announcement day, the same reading as deadlineOf.
 */
export function noticeGiven(
  announced: Instant,
  started: Instant,
  atLeast: Duration,
  calendar: WorkingDayCalendar = CN_CALENDAR,
): boolean {
  return toEpochMs(started) >= deadlineOf(announced, atLeast, calendar).getTime();
}
