import { describe, expect, it } from 'vitest';
import { calendarFor, deadlineMs, deadlineOf, metDeadline, noticeGiven, type Duration } from '../../../src/rules/index';
import { cst, hours, minutes, plus } from '../../support/builders/rules';

const within = (value: number, unit: Duration['unit']): Duration => ({ value, unit });

describe('deadlineOf', () => {
  const start = cst('2025-03-07 17:20');

  it('adds elapsed minutes, hours and days', () => {
    expect(deadlineOf(start, within(40, 'minutes'))).toEqual(cst('2025-03-07 18:00')); // gas emergency, 004
    expect(deadlineOf(start, within(1, 'hours'))).toEqual(cst('2025-03-07 18:20')); // heating repair on site, 002 §7
    expect(deadlineOf(start, within(24, 'hours'))).toEqual(cst('2025-03-08 17:20')); // answer, 002 §12
  });

  it('counts days as the Civil Code does: the first day is not counted, the last ends at 24:00 China time', () => {
    // domain.md, "Settled readings: Counting days". Fri 7 Mar 17:20 + 6 days: Sat 8 … Thu 13
    // are the six days, so the limit is Thu 13 Mar 24:00 = Fri 14 Mar 00:00, not 13 Mar 17:20
    // (144 elapsed hours).
    expect(deadlineOf(start, within(6, 'days'))).toEqual(cst('2025-03-14 00:00')); // complaint closed, 003 §26
    // A complaint received Monday 10:00 (Mon 1 Dec 2025): Tue 2 … Sun 7 are the six days, so
    // closing Sunday 23:00 is on time and Monday 00:30 is late.
    const monday = cst('2025-12-01 10:00');
    expect(deadlineOf(monday, within(6, 'days'))).toEqual(cst('2025-12-08 00:00'));
    expect(metDeadline(monday, cst('2025-12-07 23:00'), within(6, 'days'))).toBe(true);
    expect(metDeadline(monday, cst('2025-12-08 00:30'), within(6, 'days'))).toBe(false);
    // The same instant counted as 144 hours would have ended Sunday 10:00: 23:00 would be late.
    expect(metDeadline(monday, cst('2025-12-07 23:00'), within(144, 'hours'))).toBe(false);
    // 00:00 China time is the start of a day: received 00:00 Mon, 1 day ends Tue 24:00.
    expect(deadlineOf(cst('2025-12-01 00:00'), within(1, 'days'))).toEqual(cst('2025-12-03 00:00'));
  });

  it('counts working days to the end of the Nth working day (Fri → Mon 24:00)', () => {
    // Fri 7 Mar 2025 + 1 working day: Mon 10 Mar → end of 10 Mar
    expect(deadlineOf(start, within(1, 'working-days'))).toEqual(cst('2025-03-11 00:00'));
  });

  it('accepts epoch milliseconds', () => {
    expect(deadlineOf(start.getTime(), within(30, 'minutes'))).toEqual(cst('2025-03-07 17:50'));
  });

  it('refuses a negative or non-finite duration', () => {
    expect(() => deadlineOf(start, within(-1, 'hours'))).toThrow(RangeError);
    expect(() => deadlineOf(start, within(Number.NaN, 'hours'))).toThrow(RangeError);
  });

  it('names a missing calendar year for working days only', () => {
    const only2024 = calendarFor([2024]);
    expect(() => deadlineOf(start, within(2, 'working-days'), only2024)).toThrow(/for 2025/);
    expect(deadlineOf(start, within(2, 'hours'), only2024)).toEqual(cst('2025-03-07 19:20'));
  });
});

describe('deadlineMs: deadlineOf in epoch ms, clipped as a Date clips it', () => {
  it('gives deadlineOf(…).getTime() for whole, fractional, zero and out-of-range durations', () => {
    const start = cst('2025-12-05 16:30').getTime();
    const durations: Duration[] = [
      { value: 24, unit: 'hours' },
      { value: 0.5, unit: 'hours' },
      { value: 0.0001, unit: 'minutes' }, // 6 ms, and a fraction: truncated as a Date truncates
      { value: 1 / 3, unit: 'days' },
      { value: 0, unit: 'minutes' },
      { value: 1e12, unit: 'days' }, // past the Date range: NaN
      { value: 2, unit: 'working-days' },
    ];
    for (const d of durations) expect([d, deadlineMs(start, d)]).toEqual([d, deadlineOf(start, d).getTime()]);
    expect(deadlineMs(-0.5, { value: 0, unit: 'hours' })).toBe(deadlineOf(-0.5, { value: 0, unit: 'hours' }).getTime());
    expect(() => deadlineMs(start, { value: -1, unit: 'hours' })).toThrow(RangeError);
  });
});

describe('metDeadline: done at or before the deadline counts as met', () => {
  const submitted = cst('2025-01-10 08:00');

  it('meets a 40-minute emergency at 40 min and misses it at 40 min 1 s', () => {
    expect(metDeadline(submitted, plus(submitted, minutes(40)), within(40, 'minutes'))).toBe(true);
    expect(metDeadline(submitted, plus(submitted, minutes(40) + 1000), within(40, 'minutes'))).toBe(false);
  });

  it('meets 24 hours at exactly 24 h and misses it 1 ms later', () => {
    expect(metDeadline(submitted, plus(submitted, hours(24)), within(24, 'hours'))).toBe(true);
    expect(metDeadline(submitted, plus(submitted, hours(24) + 1), within(24, 'hours'))).toBe(false);
  });

  it('meets 2 working days up to 23:59:59.999 of the 2nd working day', () => {
    // Tue 30 Sep 2025 + 2 working days → end of Fri 10 Oct (the holiday 1–8 Oct is skipped)
    const start = cst('2025-09-30 10:00');
    expect(metDeadline(start, cst('2025-10-10 23:59:59.999'), within(2, 'working-days'))).toBe(true);
    expect(metDeadline(start, cst('2025-10-11 00:00'), within(2, 'working-days'))).toBe(true);
    expect(metDeadline(start, cst('2025-10-11 00:00:01'), within(2, 'working-days'))).toBe(false);
  });

  it('meets anything done at the start', () => {
    expect(metDeadline(submitted, submitted, within(0, 'minutes'))).toBe(true);
  });

  it('throws when the end comes before the start (records out of order)', () => {
    expect(() => metDeadline(submitted, plus(submitted, -1), within(1, 'hours'))).toThrow(/is before start/);
  });
});

describe('noticeGiven: an outage announced at least 48 hours ahead (002 §8, 004)', () => {
  const started = cst('2025-12-03 09:00');

  it('counts exactly 48 hours as notice given', () => {
    expect(noticeGiven(cst('2025-12-01 09:00'), started, within(48, 'hours'))).toBe(true);
  });

  it('counts 47 h 59 min as too late', () => {
    expect(noticeGiven(cst('2025-12-01 09:01'), started, within(48, 'hours'))).toBe(false);
  });

  it('never counts an announcement after the start', () => {
    expect(noticeGiven(plus(started, minutes(5)), started, within(48, 'hours'))).toBe(false);
    expect(noticeGiven(plus(started, minutes(5)), started, within(0, 'hours'))).toBe(false);
  });

  it('reads working-day notice as whole working days between', () => {
    // announced Mon 1 Dec 2025 with 2 working days: Tue 2 and Wed 3 must pass first,
    // so the outage may start from Thu 4 Dec 00:00
    const announced = cst('2025-12-01 15:00');
    expect(noticeGiven(announced, cst('2025-12-04 00:00'), within(2, 'working-days'))).toBe(true);
    expect(noticeGiven(announced, cst('2025-12-03 23:59'), within(2, 'working-days'))).toBe(false);
  });
});
