import { parseDayIso, weekdayOf, type DayIso } from '../chinaTime';
import type { CalendarYear } from './types';
import { CN_2024 } from './cn-2024';
import { CN_2025 } from './cn-2025';
import { CN_2026 } from './cn-2026';

export type { CalendarYear } from './types';
export { CN_2024, CN_2025, CN_2026 };

/**
 * A working-day calendar merged from one or more years. `years` says which years it knows:
 * a day in any other year cannot be judged (its holidays are not known yet), and the rules
 * refuse to guess — see {@link assertCovered}.
 */
export interface WorkingDayCalendar {
  readonly years: ReadonlySet<number>;
  readonly holidays: ReadonlySet<DayIso>;
  readonly adjustedWorkdays: ReadonlySet<DayIso>;
}

/** The shipped Chinese calendars. A utility adds a year by adding a file and a line here. */
export const CN_CALENDARS: readonly CalendarYear[] = [CN_2024, CN_2025, CN_2026];

/** Thrown when a rule needs a day in a year the calendar does not hold. */
export class MissingCalendarYearError extends Error {
  readonly year: number;
  constructor(year: number, known: Iterable<number>) {
    const list = [...known].sort((a, b) => a - b).join(', ') || 'none';
    super(
      `No working-day calendar for ${year}: add the State Council's holiday arrangement for ${year} ` +
        `to src/rules/calendar/ (years known: ${list}).`,
    );
    this.name = 'MissingCalendarYearError';
    this.year = year;
  }
}

/**
 * Merge calendar years into one calendar, checking the data as it goes: every day is a real
 * date in its declared year, no year is given twice, no day is both off and on, and every
 * adjusted working day falls on a weekend (otherwise it would mean nothing).
 */
export function mergeCalendars(years: readonly CalendarYear[]): WorkingDayCalendar {
  const known = new Set<number>();
  const holidays = new Set<DayIso>();
  const adjustedWorkdays = new Set<DayIso>();
  for (const y of years) {
    if (!Number.isInteger(y.year)) throw new RangeError(`calendar year must be an integer: ${y.year}`);
    if (known.has(y.year)) throw new RangeError(`calendar year ${y.year} is given twice`);
    known.add(y.year);
    const inYear = (day: DayIso, list: string): void => {
      if (parseDayIso(day).year !== y.year) {
        throw new RangeError(`calendar ${y.year}: ${list} day ${day} is not in ${y.year}`);
      }
    };
    for (const day of y.holidays) {
      inYear(day, 'holiday');
      holidays.add(day);
    }
    for (const day of y.adjustedWorkdays) {
      inYear(day, 'adjusted working');
      const wd = weekdayOf(day);
      if (wd !== 0 && wd !== 6) {
        throw new RangeError(`calendar ${y.year}: adjusted working day ${day} is not a Saturday or Sunday`);
      }
      if (holidays.has(day)) throw new RangeError(`calendar ${y.year}: ${day} is both a holiday and a working day`);
      adjustedWorkdays.add(day);
    }
  }
  return { years: known, holidays, adjustedWorkdays };
}

/**
 * The calendar for the given years, taken from `source` (the shipped Chinese calendars by
 * default). Throws {@link MissingCalendarYearError} naming the first year that is missing.
 */
export function calendarFor(years: Iterable<number>, source: readonly CalendarYear[] = CN_CALENDARS): WorkingDayCalendar {
  const wanted = [...new Set(years)].sort((a, b) => a - b);
  const available = source.map((y) => y.year);
  const picked = wanted.map((year) => {
    const found = source.find((y) => y.year === year);
    if (!found) throw new MissingCalendarYearError(year, available);
    return found;
  });
  return mergeCalendars(picked);
}

/** Every shipped year merged: the default calendar of the rules. */
export const CN_CALENDAR: WorkingDayCalendar = mergeCalendars(CN_CALENDARS);

/** Throws {@link MissingCalendarYearError} unless the calendar holds the year of `dayIso`. */
export function assertCovered(dayIso: DayIso, calendar: WorkingDayCalendar): void {
  const { year } = parseDayIso(dayIso);
  if (!calendar.years.has(year)) throw new MissingCalendarYearError(year, calendar.years);
}
