import { chinaDay, chinaStartOfDay, addCalendarDays, type DayIso, type Instant } from './chinaTime';

/** A heating season as month-day bounds, both days included: `MM-DD`. */
export interface HeatingSeasonRule {
  readonly start: string;
  readonly end: string;
}

/**
 * "采暖期为每年的11月15日至次年3月20日" (002 §5): 15 Nov to 20 Mar of the next year, both
 * days included, by the China calendar day. A utility that starts earlier in a cold year
 * changes this table (or records the actual dates elsewhere); the rule reads only the table.
 */
export const HEATING_SEASON: HeatingSeasonRule = { start: '11-15', end: '03-20' };

/** One concrete season. */
export interface HeatingSeason {
  /** "2025-26" for a season that runs over new year, "2025" for one inside a year. */
  readonly label: string;
  /** First and last day, China calendar, both included (the shape of a commitments period). */
  readonly from: DayIso;
  readonly to: DayIso;
  /** The same as instants: start of the first day, end of the last (exclusive). */
  readonly startsAt: Date;
  readonly endsAt: Date;
}

const MONTH_DAY = /^(\d{2})-(\d{2})$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function checkMonthDay(md: string, which: string): void {
  const m = MONTH_DAY.exec(md);
  const month = Number(m?.[1]);
  const day = Number(m?.[2]);
  const max = DAYS_IN_MONTH[month - 1];
  // 29 Feb is refused: a season bound must exist every year.
  if (!m || max === undefined || day < 1 || day > max) {
    throw new RangeError(`heating season ${which} must be a day of the year written MM-DD (not 02-29): "${md}"`);
  }
}

/** The year in which the season holding China day `day` began, or null when `day` is between seasons. */
function seasonStartYear(day: DayIso, rule: HeatingSeasonRule): number | null {
  checkMonthDay(rule.start, 'start');
  checkMonthDay(rule.end, 'end');
  const year = Number(day.slice(0, 4));
  const md = day.slice(5);
  if (rule.start <= rule.end) return md >= rule.start && md <= rule.end ? year : null;
  // The season runs over new year: late in the year it began this year, early in the year last year.
  if (md >= rule.start) return year;
  if (md <= rule.end) return year - 1;
  return null;
}

/** Whether `instant` falls in a heating season (China calendar day). */
export function inHeatingSeason(instant: Instant, rule: HeatingSeasonRule = HEATING_SEASON): boolean {
  return seasonStartYear(chinaDay(instant), rule) !== null;
}

/** The heating season `instant` falls in, or null between seasons. */
export function heatingSeasonOf(instant: Instant, rule: HeatingSeasonRule = HEATING_SEASON): HeatingSeason | null {
  const startYear = seasonStartYear(chinaDay(instant), rule);
  if (startYear === null) return null;
  const wraps = rule.start > rule.end;
  const endYear = wraps ? startYear + 1 : startYear;
  const from = `${startYear}-${rule.start}`;
  const to = `${endYear}-${rule.end}`;
  return {
    label: wraps ? `${startYear}-${String(endYear % 100).padStart(2, '0')}` : String(startYear),
    from,
    to,
    startsAt: chinaStartOfDay(from),
    endsAt: chinaStartOfDay(addCalendarDays(to, 1)),
  };
}
