import type { CalendarYear, RoomRecord, TemperatureTestRecord } from '../../../src/rules/index';

/**
 * An instant written as China wall-clock time, "2025-09-30 23:30" or "2025-09-30 23:30:15".
 * Built from an explicit +08:00 offset, so it means the same under any TZ the tests run in.
 */
export function cst(wallClock: string): Date {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2})(:\d{2}(?:\.\d{3})?)?$/.exec(wallClock);
  if (!m) throw new Error(`cst(): write "YYYY-MM-DD HH:MM[:SS]", got "${wallClock}"`);
  const d = new Date(`${m[1]}T${m[2]}${m[3] ?? ':00'}+08:00`);
  if (Number.isNaN(d.getTime())) throw new Error(`cst(): not a date: ${wallClock}`);
  return d;
}

export const minutes = (n: number): number => n * 60_000;
export const hours = (n: number): number => n * 3_600_000;

/** `base` plus a number of milliseconds, as a Date. */
export function plus(base: Date, ms: number): Date {
  return new Date(base.getTime() + ms);
}

/** A room of a temperature-test record. */
export function room(name: string, areaM2: number, ...readings: number[]): RoomRecord {
  return { name, areaM2, readings };
}

/** A temperature-test record, signed unless told otherwise. */
export function testRecord(rooms: RoomRecord[], signed = true): TemperatureTestRecord {
  return { rooms, signed };
}

/** A small calendar year for tests of the calendar machinery (not the shipped data). */
export function calendarYear(year: number, holidays: string[] = [], adjustedWorkdays: string[] = []): CalendarYear {
  return { year, holidays, adjustedWorkdays };
}
