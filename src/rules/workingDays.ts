import { addCalendarDays, chinaDay, chinaStartOfDay, weekdayOf, type DayIso, type Instant } from './chinaTime';
import { assertCovered, CN_CALENDAR, type WorkingDayCalendar } from './calendar/index';

export { chinaDay };

/**
 * Whether a China calendar day is a working day: an adjusted working weekend (调休) is on,
 * a public holiday is off, otherwise Monday to Friday are on (domain.md, "Working day").
 * Throws MissingCalendarYearError when the calendar does not hold the day's year: a day in
 * an unpublished year could be a holiday, so we do not guess.
 */
export function isWorkingDay(dayIso: DayIso, calendar: WorkingDayCalendar = CN_CALENDAR): boolean {
  assertCovered(dayIso, calendar);
  if (calendar.adjustedWorkdays.has(dayIso)) return true;
  if (calendar.holidays.has(dayIso)) return false;
  const wd = weekdayOf(dayIso);
  return wd !== 0 && wd !== 6;
}

/**
 * The `n`th working day strictly after `dayIso` (`dayIso` itself when n is 0). The day of
 * the promise never counts: a request taken at 08:00 on a working day has the whole of the
 * following working days, as "2 个工作日内" is read in 004.
 */
export function nthWorkingDayAfter(dayIso: DayIso, n: number, calendar: WorkingDayCalendar = CN_CALENDAR): DayIso {
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`a number of working days must be a whole number, zero or more: ${n}`);
  }
  assertCovered(dayIso, calendar);
  let day = dayIso;
  let counted = 0;
  while (counted < n) {
    day = addCalendarDays(day, 1);
    if (isWorkingDay(day, calendar)) counted += 1;
  }
  return day;
}

/**
 * The deadline of an `n`-working-day promise made at `instant`: the end (24:00 China time,
 * i.e. the start of the next day) of the `n`th working day after the China day of `instant`.
 * With n = 0 the deadline is the end of the day of the promise itself.
 * Examples (tests/unit/rules/workingDays.test.ts): 2 working days from Tue 30 Sep 2025 skip
 * the National Day holiday 1–8 Oct and end at 24:00 on Fri 10 Oct.
 */
export function addWorkingDays(instant: Instant, n: number, calendar: WorkingDayCalendar = CN_CALENDAR): Date {
  const last = nthWorkingDayAfter(chinaDay(instant), n, calendar);
  return chinaStartOfDay(addCalendarDays(last, 1));
}
