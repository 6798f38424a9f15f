import { describe, expect, it } from 'vitest';
import {
  addCalendarDays,
  chinaDay,
  chinaStartOfDay,
  chinaTimeOfDayMs,
  formatClock,
  parseClock,
  parseDayIso,
  toEpochMs,
  weekdayOf,
} from '../../../src/rules/index';
import { cst, hours, minutes } from './builders';

describe('China time (UTC+8, no daylight saving)', () => {
  it('puts 23:59 China time on the China day, though it is the afternoon in UTC', () => {
    // 2025-09-30 23:59 +08:00 = 2025-09-30 15:59 UTC
    expect(chinaDay(cst('2025-09-30 23:59'))).toBe('2025-09-30');
  });

  it('puts 00:00 China time on the new day, though it is still the day before in UTC', () => {
    // 2025-10-01 00:00 +08:00 = 2025-09-30 16:00 UTC
    const midnight = cst('2025-10-01 00:00');
    expect(midnight.toISOString()).toBe('2025-09-30T16:00:00.000Z');
    expect(chinaDay(midnight)).toBe('2025-10-01');
  });

  it('accepts epoch milliseconds as well as Dates', () => {
    expect(chinaDay(Date.UTC(2025, 8, 30, 16, 0))).toBe('2025-10-01');
  });

  it('refuses an invalid Date or a non-finite number', () => {
    expect(() => chinaDay(new Date('nonsense'))).toThrow(RangeError);
    expect(() => toEpochMs(Number.NaN)).toThrow(RangeError);
  });

  it('gives the time of day in China', () => {
    expect(chinaTimeOfDayMs(cst('2025-01-01 07:30'))).toBe(hours(7) + minutes(30));
    expect(chinaTimeOfDayMs(cst('2025-01-01 00:00'))).toBe(0);
    // before 1970 the epoch value is negative; the time of day must still be right
    expect(chinaTimeOfDayMs(cst('1969-12-31 22:00'))).toBe(hours(22));
  });

  it('starts a China day at 16:00 UTC of the day before', () => {
    expect(chinaStartOfDay('2025-10-11').toISOString()).toBe('2025-10-10T16:00:00.000Z');
  });

  it('steps calendar days over month and year ends and leap days', () => {
    expect(addCalendarDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addCalendarDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addCalendarDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addCalendarDays('2026-01-01', -1)).toBe('2025-12-31');
  });

  it('knows the weekday of a day, whatever the local timezone', () => {
    expect(weekdayOf('2025-09-30')).toBe(2); // Tuesday
    expect(weekdayOf('2025-10-11')).toBe(6); // Saturday
  });

  it('refuses days that do not exist', () => {
    expect(() => parseDayIso('2025-02-29')).toThrow(/YYYY-MM-DD/);
    expect(() => parseDayIso('2025-9-30')).toThrow(RangeError);
  });

  it('reads and writes HH:MM', () => {
    expect(parseClock('07:00')).toBe(hours(7));
    expect(parseClock('24:00')).toBe(hours(24));
    expect(() => parseClock('7:00')).toThrow(/HH:MM/);
    expect(() => parseClock('24:01')).toThrow(RangeError);
    expect(formatClock(hours(11) + minutes(30))).toBe('11:30');
  });
});
