/**
 * Instants and China wall-clock time.
 *
 * Every rule that reasons about the wall clock (working days, callback hours, the heating
 * season, "end of the day") does so in China Standard Time: UTC+8 all year, no daylight
 * saving since 1991. We therefore shift by a fixed +8 h and read the UTC fields of the
 * shifted value; the machine's own timezone is never consulted, so a server in UTC, a
 * technician's phone abroad and the test runner all agree (domain.md, "Working day").
 */

import { CHINA_UTC_OFFSET_MS } from '../db/schema/vocabulary';

/** A point in time: a Date or milliseconds since the Unix epoch. Rules never read the clock. */
export type Instant = Date | number;

/** A calendar day in China written `YYYY-MM-DD`. */
export type DayIso = string;

export { CHINA_UTC_OFFSET_MS };
export const MINUTE_MS = 60 * 1000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** Epoch milliseconds of an instant; throws on an invalid Date or a non-finite number. */
export function toEpochMs(instant: Instant): number {
  const ms = instant instanceof Date ? instant.getTime() : instant;
  if (!Number.isFinite(ms)) throw new RangeError(`not a valid instant: ${String(instant)}`);
  return ms;
}

/** The China calendar day (UTC+8) on which an instant falls, as `YYYY-MM-DD`. */
export function chinaDay(instant: Instant): DayIso {
  return new Date(toEpochMs(instant) + CHINA_UTC_OFFSET_MS).toISOString().slice(0, 10);
}

/** Milliseconds since China midnight (0 ≤ result < 24 h) at which an instant falls. */
export function chinaTimeOfDayMs(instant: Instant): number {
  const shifted = toEpochMs(instant) + CHINA_UTC_OFFSET_MS;
  return ((shifted % DAY_MS) + DAY_MS) % DAY_MS;
}

const DAY_ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Parse `YYYY-MM-DD` into its parts; throws a RangeError for anything that is not a real date. */
export function parseDayIso(dayIso: DayIso): { year: number; month: number; day: number } {
  const m = DAY_ISO.exec(dayIso);
  if (m) {
    const year = Number(m[1]);
    const month = Number(m[2]);
    const day = Number(m[3]);
    const check = new Date(Date.UTC(year, month - 1, day));
    if (check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day) {
      return { year, month, day };
    }
  }
  throw new RangeError(`not a calendar day in the form YYYY-MM-DD: "${dayIso}"`);
}

/** The instant at which a China calendar day begins (00:00 UTC+8). */
export function chinaStartOfDay(dayIso: DayIso): Date {
  const { year, month, day } = parseDayIso(dayIso);
  return new Date(Date.UTC(year, month - 1, day) - CHINA_UTC_OFFSET_MS);
}

/** The China day `n` calendar days after (or before, for negative n) the given day. */
export function addCalendarDays(dayIso: DayIso, n: number): DayIso {
  const { year, month, day } = parseDayIso(dayIso);
  return new Date(Date.UTC(year, month - 1, day + n)).toISOString().slice(0, 10);
}

/** Day of the week of a calendar day: 0 Sunday … 6 Saturday (independent of any timezone). */
export function weekdayOf(dayIso: DayIso): number {
  const { year, month, day } = parseDayIso(dayIso);
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * Milliseconds after midnight of a wall-clock time written `HH:MM` (00:00 to 23:59), or
 * `24:00` for the end of the day. Throws a RangeError for anything else.
 */
export function parseClock(clock: string): number {
  if (clock === '24:00') return DAY_MS;
  const m = CLOCK.exec(clock);
  if (!m) throw new RangeError(`not a time of day in the form HH:MM: "${clock}"`);
  return Number(m[1]) * HOUR_MS + Number(m[2]) * MINUTE_MS;
}

/** The `HH:MM` form of a time of day given in milliseconds after midnight (whole minutes). */
export function formatClock(msOfDay: number): string {
  const minutes = Math.floor(msOfDay / MINUTE_MS);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

// ---------------------------------------------------------------- form inputs

const CHINA_LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;

/**
 * A China wall-clock time as a datetime-local input holds it (`YYYY-MM-DDTHH:MM`) as an ISO
 * instant; null when it is not one (a day that does not exist, such as 02-30, included). The
 * forms and the staff console read every typed time through this, whatever the device's zone.
 */
export function chinaLocalToInstant(local: string): string | null {
  const m = CHINA_LOCAL.exec(local);
  if (!m) return null;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  if (!Number.isFinite(wall) || new Date(wall).toISOString().slice(0, 16) !== local) return null;
  return new Date(wall - CHINA_UTC_OFFSET_MS).toISOString();
}

/** An instant (ISO string, Date or epoch ms) as the value of a datetime-local input in China time; '' when not a time. */
export function instantToChinaLocal(instant: string | Instant): string {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant instanceof Date ? instant.getTime() : instant;
  return Number.isFinite(ms) ? new Date(ms + CHINA_UTC_OFFSET_MS).toISOString().slice(0, 16) : '';
}
