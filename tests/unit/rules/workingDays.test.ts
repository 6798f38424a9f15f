import { describe, expect, it } from 'vitest';
import { addWorkingDays, calendarFor, chinaDay, isWorkingDay, nthWorkingDayAfter } from '../../../src/rules/index';
import { cst } from '../../support/builders/rules';

describe('isWorkingDay', () => {
  it('has Monday to Friday on and the weekend off', () => {
    expect(isWorkingDay('2025-03-07')).toBe(true); // Friday
    expect(isWorkingDay('2025-03-08')).toBe(false); // Saturday
    expect(isWorkingDay('2025-03-09')).toBe(false); // Sunday
    expect(isWorkingDay('2025-03-10')).toBe(true); // Monday
  });

  it('has a public holiday off and an adjusted weekend (调休) on', () => {
    expect(isWorkingDay('2025-10-01')).toBe(false); // Wednesday, National Day
    expect(isWorkingDay('2025-10-11')).toBe(true); // Saturday worked for National Day
  });
});

describe('addWorkingDays: the deadline is the end (24:00 China time) of the Nth working day after', () => {
  it('skips the National Day holiday: 2 working days from Tue 30 Sep 2025 end with Fri 10 Oct', () => {
    // 30 Sep 2025 is a Tuesday (not a Friday). The day of the request does not count.
    // 1–8 Oct (Wed–Wed) are the National Day + Mid-Autumn holiday: off.
    // Thu 9 Oct = working day 1, Fri 10 Oct = working day 2.
    // Deadline: end of 10 Oct = 11 Oct 00:00 +08:00 = 10 Oct 16:00 UTC.
    const deadline = addWorkingDays(cst('2025-09-30 10:00'), 2);
    expect(deadline).toEqual(cst('2025-10-11 00:00'));
    expect(deadline.toISOString()).toBe('2025-10-10T16:00:00.000Z');
  });

  it('counts the adjusted working Saturday 11 Oct 2025 as the 3rd working day', () => {
    // Thu 9 Oct = 1, Fri 10 Oct = 2, Sat 11 Oct (调休, worked) = 3 → end of 11 Oct.
    expect(addWorkingDays(cst('2025-09-30 10:00'), 3)).toEqual(cst('2025-10-12 00:00'));
    // From Fri 10 Oct, 1 working day is that Saturday: end of 11 Oct.
    expect(addWorkingDays(cst('2025-10-10 16:00'), 1)).toEqual(cst('2025-10-12 00:00'));
  });

  it('ends 2 working days on the adjusted working Saturday after National Day (done when, issue 6)', () => {
    // From Thu 9 Oct 2025 (the first working day after 1–8 Oct): Fri 10 Oct = 1, Sat 11 Oct (调休) = 2.
    expect(addWorkingDays(cst('2025-10-09 15:00'), 2)).toEqual(cst('2025-10-12 00:00'));
    // From a day inside the holiday, Sat 4 Oct: Thu 9 = 1, Fri 10 = 2 (the Saturday is not needed).
    expect(addWorkingDays(cst('2025-10-04 11:00'), 2)).toEqual(cst('2025-10-11 00:00'));
  });

  it('counts the adjusted working Sunday 28 Sep 2025', () => {
    // From Fri 26 Sep: Sat 27 off, Sun 28 (调休, worked) = 1, Mon 29 = 2 → end of 29 Sep.
    expect(addWorkingDays(cst('2025-09-26 09:00'), 2)).toEqual(cst('2025-09-30 00:00'));
  });

  it('reads the day of the request in China time, late at night and just after midnight', () => {
    // 23:30 on Tue 30 Sep in China is 15:30 UTC the same day: still 30 Sep.
    expect(addWorkingDays(cst('2025-09-30 23:30'), 2)).toEqual(cst('2025-10-11 00:00'));
    // 00:30 on Wed 1 Oct in China is 16:30 UTC on 30 Sep, but the China day is 1 Oct (a
    // holiday); the working days after it are again Thu 9 and Fri 10 Oct.
    const justAfterMidnight = new Date('2025-09-30T16:30:00Z');
    expect(chinaDay(justAfterMidnight)).toBe('2025-10-01');
    expect(addWorkingDays(justAfterMidnight, 2)).toEqual(cst('2025-10-11 00:00'));
  });

  it('skips a public holiday: 1 working day from Wed 30 Apr 2025 is Tue 6 May', () => {
    // 1–5 May 2025 (Thu–Mon) are the Labour Day holiday → Tue 6 May = working day 1.
    expect(addWorkingDays(cst('2025-04-30 15:00'), 1)).toEqual(cst('2025-05-07 00:00'));
    // a request made on the holiday itself counts from the holiday: also Tue 6 May
    expect(addWorkingDays(cst('2025-05-01 09:00'), 1)).toEqual(cst('2025-05-07 00:00'));
  });

  it('skips a plain weekend', () => {
    // Fri 7 Mar 2025 + 1: Sat 8, Sun 9 off; Mon 10 Mar = 1 → end of 10 Mar.
    expect(addWorkingDays(cst('2025-03-07 17:00'), 1)).toEqual(cst('2025-03-11 00:00'));
    // Thu 6 Mar + 2: Fri 7 = 1, Mon 10 = 2 → end of 10 Mar.
    expect(addWorkingDays(cst('2025-03-06 08:00'), 2)).toEqual(cst('2025-03-11 00:00'));
    // Sat 8 Mar + 1: Mon 10 = 1.
    expect(addWorkingDays(cst('2025-03-08 12:00'), 1)).toEqual(cst('2025-03-11 00:00'));
  });

  it('crosses the nine-day Spring Festival of 2026 and its adjusted Saturday', () => {
    // Fri 13 Feb 2026 + 1: Sat 14 Feb (调休, worked) = 1 → end of 14 Feb.
    expect(addWorkingDays(cst('2026-02-13 10:00'), 1)).toEqual(cst('2026-02-15 00:00'));
    // + 2: Sat 14 = 1; 15–23 Feb off; Tue 24 Feb = 2 → end of 24 Feb.
    expect(addWorkingDays(cst('2026-02-13 10:00'), 2)).toEqual(cst('2026-02-25 00:00'));
  });

  it('crosses a year end the calendar holds', () => {
    // Wed 31 Dec 2025 + 1: Thu 1 Jan 2026 off (New Year, 1–3 Jan), Fri 2 off, Sat 3 off,
    // Sun 4 Jan (调休, worked) = 1 → end of 4 Jan 2026.
    expect(addWorkingDays(cst('2025-12-31 12:00'), 1)).toEqual(cst('2026-01-05 00:00'));
  });

  it('with 0 working days ends at the end of the day of the promise', () => {
    expect(addWorkingDays(cst('2025-03-07 17:00'), 0)).toEqual(cst('2025-03-08 00:00'));
  });

  it('throws naming the year the calendar lacks instead of guessing', () => {
    // Wed 30 Dec 2026 + 3: Thu 31 Dec = 1, then 1 Jan 2027 is unknown.
    expect(() => addWorkingDays(cst('2026-12-30 09:00'), 3)).toThrow(/No working-day calendar for 2027/);
    expect(() => addWorkingDays(cst('2025-06-02 09:00'), 1, calendarFor([2024]))).toThrow(/for 2025/);
  });

  it('refuses a negative or fractional number of working days', () => {
    expect(() => addWorkingDays(cst('2025-03-07 17:00'), -1)).toThrow(RangeError);
    expect(() => addWorkingDays(cst('2025-03-07 17:00'), 1.5)).toThrow(/whole number/);
  });
});

describe('nthWorkingDayAfter', () => {
  it('names the day, for display ("by 10 Oct")', () => {
    expect(nthWorkingDayAfter('2025-09-30', 2)).toBe('2025-10-10');
    expect(nthWorkingDayAfter('2025-09-30', 0)).toBe('2025-09-30');
  });
});
