import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  appointmentDays,
  bookingProblems,
  probablyWorkingDay,
  temperatureTestDays,
  withinVisitingHours,
  OPEN_APPOINTMENT_WORKING_DAYS,
} from '../../../src/rules/bookingWindows';
import { ANSWER_LIMITS } from '../../../src/rules/requestState';
import { aSubmitted } from '../builders/events';
import { cst } from './builders';

describe('appointmentDays: only the dates the commitments allow (004: counted in working days)', () => {
  it('installation (2 working days) from Tue 30 Sep 2025 skips National Day: Thu 9 and Fri 10 Oct', () => {
    // 1–8 Oct are off; the day of the request never counts.
    expect(appointmentDays('appointment-installation', cst('2025-09-30 10:00'))).toEqual(['2025-10-09', '2025-10-10']);
  });

  it('repair (1 working day) from Fri 10 Oct 2025 is the adjusted working Saturday 11 Oct', () => {
    expect(appointmentDays('appointment-repair', cst('2025-10-10 21:30'))).toEqual(['2025-10-11']);
  });

  it('safety inspection (1 working day) from a Friday evening is the Monday', () => {
    // Fri 5 Dec 2025 → Sat 6, Sun 7 off → Mon 8 Dec.
    expect(appointmentDays('appointment-safety-inspection', cst('2025-12-05 22:00'))).toEqual(['2025-12-08']);
  });

  it('appliance repair (24 hours, any day): the days that start before the 24 hours run out', () => {
    // Sat 6 Dec 15:00 → until Sun 7 Dec 15:00: Sunday only (Monday starts after).
    expect(appointmentDays('appliance-repair', cst('2025-12-06 15:00'))).toEqual(['2025-12-07']);
    // At 23:59 Sunday's start is one minute away, Monday's 24 h 1 min: still Monday alone.
    expect(appointmentDays('appliance-installation', cst('2025-12-06 23:59'))).toEqual(['2025-12-07']);
  });

  it(`kinds without a limit (meter reading) get the next ${OPEN_APPOINTMENT_WORKING_DAYS} working days`, () => {
    const days = appointmentDays('appointment-meter-reading', cst('2025-12-01 09:00'));
    expect(days).toHaveLength(OPEN_APPOINTMENT_WORKING_DAYS);
    // Tue 2 … Fri 5, Mon 8 … Fri 12, Mon 15: ten working days, no weekend.
    expect(days[0]).toBe('2025-12-02');
    expect(days.at(-1)).toBe('2025-12-15');
    expect(days).not.toContain('2025-12-06');
  });

  it('a year whose holidays are not published is judged by the weekday, so booking works across New Year', () => {
    // Thu 31 Dec 2026 (2027 has no calendar here): Fri 1 Jan 2027 counts as a weekday.
    expect(probablyWorkingDay('2027-01-02')).toBe(false); // Saturday
    expect(appointmentDays('appointment-installation', cst('2026-12-31 10:00'))).toEqual(['2027-01-01', '2027-01-04']);
  });
});

describe('the appointment limits are the commitments', () => {
  it('ANSWER_LIMITS agrees with every appointment indicator of content/commitments/2024.yaml', () => {
    const commitments = parse(readFileSync('content/commitments/2024.yaml', 'utf8')) as {
      indicators: { measure: { of?: { kinds?: string[] }; where?: { test: string; atMost?: { value: number; unit: string } } } }[];
    };
    const declared = commitments.indicators
      .filter((i) => i.measure.of?.kinds?.length === 1 && i.measure.where?.test === 'elapsed' && i.measure.where.atMost)
      .map((i) => [i.measure.of!.kinds![0]!, i.measure.where!.atMost!] as const)
      .filter(([kind]) => kind.startsWith('appointment-') || kind.startsWith('appliance-'))
      // "A safety check once a year" (365 days) says how often, not how soon after asking.
      .filter(([, limit]) => limit.unit !== 'days');
    expect(declared.length).toBeGreaterThanOrEqual(5);
    for (const [kind, limit] of declared) {
      expect(ANSWER_LIMITS[kind as keyof typeof ANSWER_LIMITS], kind).toEqual(limit);
    }
  });
});

describe('temperature tests: today and the next 14 days, inside the visiting hours', () => {
  it('offers the day of the request (a walk-in: "this afternoon") and the 14 days after it', () => {
    const days = temperatureTestDays(cst('2025-12-01 23:00'));
    expect(days[0]).toBe('2025-12-01');
    expect(days.at(-1)).toBe('2025-12-15');
    expect(days).toHaveLength(15);
  });

  it('visiting hours are 08:00–20:00, and a slot must end after it starts', () => {
    expect(withinVisitingHours('08:00', '20:00')).toBe(true);
    expect(withinVisitingHours('07:59', '10:00')).toBe(false);
    expect(withinVisitingHours('19:00', '20:01')).toBe(false);
    expect(withinVisitingHours('10:00', '10:00')).toBe(false);
  });
});

describe('bookingProblems of a submission', () => {
  it('none for the builders’ submissions at T0 (Mon 1 Dec 2025)', () => {
    for (const kind of ['appointment-installation', 'appointment-repair', 'temperature-test', 'appliance-repair', 'repair'] as const) {
      expect(bookingProblems(aSubmitted(kind)), kind).toEqual([]);
    }
  });

  it('names the field: an appointment date the commitments do not allow', () => {
    const e = aSubmitted('appointment-repair');
    const late = { ...e, payload: { ...e.payload, preferredDate: '2025-12-03' } };
    expect(bookingProblems(late)).toEqual([{ path: ['payload', 'preferredDate'], id: 'booking.appointmentDay' }]);
  });

  it('names each slot: a day out of the window and a time out of the visiting hours', () => {
    const e = aSubmitted('temperature-test');
    const slots = [
      { date: '2025-11-30', from: '09:00', to: '10:00' }, // the day before
      { date: '2025-12-04', from: '06:00', to: '07:00' }, // before 08:00
    ];
    expect(bookingProblems({ ...e, payload: { ...e.payload, preferredSlots: slots } })).toEqual([
      { path: ['payload', 'preferredSlots', 0, 'date'], id: 'booking.testDay' },
      { path: ['payload', 'preferredSlots', 1, 'from'], id: 'booking.visitingHours' },
    ]);
  });
});
