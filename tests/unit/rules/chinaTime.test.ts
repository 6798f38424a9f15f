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
import { cst, hours, minutes } from '../../support/builders/rules';

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

describe('datetime-local inputs in China time', () => {
  it('reads a typed China time as the instant, whatever the machine zone', async () => {
    const { chinaLocalToInstant } = await import('../../../src/rules/chinaTime');
    expect(chinaLocalToInstant('2025-12-01T08:30')).toBe('2025-12-01T00:30:00.000Z');
    expect(chinaLocalToInstant('2025-01-01T03:00')).toBe('2024-12-31T19:00:00.000Z');
  });

  it('refuses what is not a time: the wrong shape, a day that does not exist, an hour past 23', async () => {
    const { chinaLocalToInstant } = await import('../../../src/rules/chinaTime');
    for (const bad of ['', '2025-12-01', '2025-12-01 08:30', '2025-02-30T10:00', '2025-12-01T24:00', '2025-13-01T10:00']) expect(chinaLocalToInstant(bad)).toBeNull();
  });

  it('writes an instant back as the input value, from an ISO string, a Date or epoch ms', async () => {
    const { chinaLocalToInstant, instantToChinaLocal } = await import('../../../src/rules/chinaTime');
    const iso = '2025-12-01T00:30:00.000Z';
    expect(instantToChinaLocal(iso)).toBe('2025-12-01T08:30');
    expect(instantToChinaLocal(new Date(iso))).toBe('2025-12-01T08:30');
    expect(instantToChinaLocal(Date.parse(iso))).toBe('2025-12-01T08:30');
    expect(instantToChinaLocal('soon')).toBe('');
    expect(chinaLocalToInstant(instantToChinaLocal(iso))).toBe(iso);
  });
});
