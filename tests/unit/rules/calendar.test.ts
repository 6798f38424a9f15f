import { describe, expect, it } from 'vitest';
import {
  calendarFor,
  CN_2024,
  CN_2025,
  CN_2026,
  CN_CALENDAR,
  CN_CALENDARS,
  isWorkingDay,
  mergeCalendars,
  MissingCalendarYearError,
  weekdayOf,
  type CalendarYear,
} from '../../../src/rules/index';
import { calendarYear } from '../../support/builders/rules';

const isWeekend = (day: string) => [0, 6].includes(weekdayOf(day));

describe('shipped Chinese calendars', () => {
  it('ships 2024, 2025 and 2026', () => {
    expect(CN_CALENDARS.map((y) => y.year)).toEqual([2024, 2025, 2026]);
    expect([...CN_CALENDAR.years]).toEqual([2024, 2025, 2026]);
  });

  it.each(CN_CALENDARS.map((y) => [y.year, y] as const))('%s: adjusted working days are all weekend days', (_, y) => {
    for (const day of y.adjustedWorkdays) expect(isWeekend(day), day).toBe(true);
  });

  // A cross-check of the data against the law: the weekday days off, less the weekend days
  // worked in exchange, equal the statutory holidays — 11 days up to 2024, 13 from 2025
  // (全国年节及纪念日放假办法, amended Nov 2024: one more day each for Spring Festival and Labour Day).
  it.each([
    [2024, CN_2024, 11],
    [2025, CN_2025, 13],
    [2026, CN_2026, 13],
  ] as const)('%s: weekday days off − adjusted working days = the statutory days', (_, y, statutory) => {
    const weekdaysOff = y.holidays.filter((d) => !isWeekend(d)).length;
    expect(weekdaysOff - y.adjustedWorkdays.length).toBe(statutory);
  });

  it('lists each day once', () => {
    for (const y of CN_CALENDARS) {
      expect(new Set(y.holidays).size).toBe(y.holidays.length);
      expect(new Set(y.adjustedWorkdays).size).toBe(y.adjustedWorkdays.length);
    }
  });

  it.each([
    // 2024
    ['2024-01-01', false], // New Year
    ['2024-02-04', true], // Sunday worked for the Spring Festival
    ['2024-02-09', true], // 除夕 2024 is not a statutory day off
    ['2024-02-10', false],
    ['2024-02-17', false],
    ['2024-02-18', true], // Sunday worked
    ['2024-04-07', true],
    ['2024-05-11', true],
    ['2024-06-10', false], // Dragon Boat
    ['2024-09-14', true],
    ['2024-09-17', false],
    ['2024-09-29', true],
    ['2024-10-07', false],
    ['2024-10-12', true],
    // 2025
    ['2025-01-26', true],
    ['2025-01-28', false], // 除夕, a statutory day off from 2025
    ['2025-02-04', false],
    ['2025-02-08', true],
    ['2025-04-04', false],
    ['2025-04-27', true],
    ['2025-05-05', false],
    ['2025-06-02', false],
    ['2025-09-28', true],
    ['2025-10-08', false],
    ['2025-10-11', true],
    // 2026
    ['2026-01-02', false],
    ['2026-01-04', true],
    ['2026-02-14', true],
    ['2026-02-23', false],
    ['2026-02-28', true],
    ['2026-04-06', false],
    ['2026-05-05', false],
    ['2026-05-09', true],
    ['2026-06-19', false],
    ['2026-09-20', true],
    ['2026-09-25', false],
    ['2026-10-07', false],
    ['2026-10-10', true],
  ])('%s is a working day: %s', (day, working) => {
    expect(isWorkingDay(day)).toBe(working);
  });
});

describe('calendarFor and missing years', () => {
  it('merges the years asked for', () => {
    const cal = calendarFor([2025, 2024, 2025]);
    expect([...cal.years].sort()).toEqual([2024, 2025]);
    expect(cal.holidays.has('2024-10-01')).toBe(true);
    expect(cal.holidays.has('2026-10-01')).toBe(false);
  });

  it('throws naming the missing year rather than guessing', () => {
    expect(() => calendarFor([2025, 2027])).toThrow(MissingCalendarYearError);
    expect(() => calendarFor([2025, 2027])).toThrow(/No working-day calendar for 2027/);
    expect(() => calendarFor([2027])).toThrow(/years known: 2024, 2025, 2026/);
  });

  it('reports the missing year on the error', () => {
    try {
      isWorkingDay('2023-12-29');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(MissingCalendarYearError);
      expect((e as MissingCalendarYearError).year).toBe(2023);
    }
  });

  it('judges only the years a calendar holds, even a plain weekday', () => {
    const only2025 = calendarFor([2025]);
    expect(isWorkingDay('2025-03-03', only2025)).toBe(true);
    expect(() => isWorkingDay('2026-03-03', only2025)).toThrow(/for 2026/);
  });

  it('takes a source other than the shipped calendars', () => {
    const utilityOwn: CalendarYear[] = [calendarYear(2030, ['2030-01-01'])];
    expect(isWorkingDay('2030-01-01', calendarFor([2030], utilityOwn))).toBe(false);
  });
});

describe('mergeCalendars checks the data', () => {
  it('refuses a year given twice', () => {
    expect(() => mergeCalendars([calendarYear(2030), calendarYear(2030)])).toThrow(/2030 is given twice/);
  });

  it('refuses a day outside its year', () => {
    expect(() => mergeCalendars([calendarYear(2030, ['2031-01-01'])])).toThrow(/holiday day 2031-01-01 is not in 2030/);
  });

  it('refuses an adjusted working day that is not on a weekend', () => {
    // 2030-01-07 is a Monday
    expect(() => mergeCalendars([calendarYear(2030, [], ['2030-01-07'])])).toThrow(/not a Saturday or Sunday/);
  });

  it('refuses a day that is both off and on', () => {
    // 2030-01-05 is a Saturday
    expect(() => mergeCalendars([calendarYear(2030, ['2030-01-05'], ['2030-01-05'])])).toThrow(/both a holiday and a working day/);
  });

  it('refuses a day that does not exist', () => {
    expect(() => mergeCalendars([calendarYear(2030, ['2030-02-30'])])).toThrow(/YYYY-MM-DD/);
  });
});
