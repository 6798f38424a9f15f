import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  appointmentDays,
  bookingProblems,
  probablyWorkingDay,
  temperatureTestDays,
  withinVisitingHours,
  bookedVisitDueMs,
  commitmentLastDay,
  dueOnBookedDay,
  servedOnAnyDay,
  BOOKING_HORIZON_DAYS,
} from '../../../src/rules/bookingWindows';
import { ANSWER_LIMITS } from '../../../src/rules/requestState';
import { aSubmitted } from '../../support/builders/events';
import { cst } from '../../support/builders/rules';

describe('appointmentDays: any day the utility serves, from tomorrow to the horizon (domain.md, "Appointments the resident dates")', () => {
  it(`installation (working days) from Tue 30 Sep 2025: working days only, National Day skipped, up to ${BOOKING_HORIZON_DAYS} days ahead`, () => {
    const days = appointmentDays('appointment-installation', cst('2025-09-30 10:00'));
    // 1–8 Oct are off; the day of the request never counts; Sat 11 Oct is an adjusted working day.
    expect(days.slice(0, 3)).toEqual(['2025-10-09', '2025-10-10', '2025-10-11']);
    expect(days).not.toContain('2025-10-12'); // Sunday
    expect(days.at(-1)).toBe('2025-10-30'); // Thu 30 Oct: 30 days after 30 Sep
  });

  it('safety inspection from a Friday evening: Monday first, never the weekend', () => {
    const days = appointmentDays('appointment-safety-inspection', cst('2025-12-05 22:00'));
    expect(days[0]).toBe('2025-12-08');
    expect(days).not.toContain('2025-12-13');
  });

  it('appliance repair (24 hours, served any day): every day from tomorrow, Saturdays included', () => {
    const days = appointmentDays('appliance-repair', cst('2025-12-01 15:00'));
    expect(days).toHaveLength(BOOKING_HORIZON_DAYS);
    expect(days[0]).toBe('2025-12-02');
    expect(days).toContain('2025-12-06'); // next Saturday
    expect(days.at(-1)).toBe('2025-12-31');
    expect(servedOnAnyDay('appliance-installation')).toBe(true);
    expect(servedOnAnyDay('appointment-repair')).toBe(false);
    expect(servedOnAnyDay('appointment-meter-reading')).toBe(false);
  });

  it('the horizon is the utility\'s choice: a shorter one offers fewer days', () => {
    expect(appointmentDays('appliance-repair', cst('2025-12-01 15:00'), undefined, 7)).toHaveLength(7);
  });

  it('a year whose holidays are not published is judged by the weekday, so booking works across New Year', () => {
    // Thu 31 Dec 2026 (2027 has no calendar here): Fri 1 Jan 2027 counts as a weekday.
    expect(probablyWorkingDay('2027-01-02')).toBe(false); // Saturday
    expect(appointmentDays('appointment-installation', cst('2026-12-31 10:00')).slice(0, 2)).toEqual(['2027-01-01', '2027-01-04']);
  });
});

describe('the promise and the deadline of a booked visit', () => {
  it('commitmentLastDay: the last day the promise covers (004: 2 working days, 1 working day, 24 hours)', () => {
    expect(commitmentLastDay('appointment-installation', cst('2025-09-30 10:00'))).toBe('2025-10-10');
    expect(commitmentLastDay('appointment-repair', cst('2025-10-10 21:30'))).toBe('2025-10-11');
    expect(commitmentLastDay('appliance-repair', cst('2025-12-06 15:00'))).toBe('2025-12-07');
    expect(commitmentLastDay('appointment-meter-reading', cst('2025-12-06 15:00'))).toBeNull();
  });

  it('a booking inside the promise is due by the promise; a later day is due at that day\'s 24:00', () => {
    const at = cst('2025-12-01 10:00'); // Monday
    // Repair (1 working day), booked for Tuesday: the promise (Tue 24:00) stands.
    expect(bookedVisitDueMs('appointment-repair', at, '2025-12-02')).toBe(cst('2025-12-03 00:00').getTime());
    // Booked for Friday: due Friday 24:00, measured from the day asked for.
    expect(bookedVisitDueMs('appointment-repair', at, '2025-12-05')).toBe(cst('2025-12-06 00:00').getTime());
    // Appliance repair (24 h) booked for next Saturday: due Saturday 24:00.
    expect(bookedVisitDueMs('appliance-repair', at, '2025-12-06')).toBe(cst('2025-12-07 00:00').getTime());
    // Appliance repair booked for tomorrow afternoon: the booked day's end is later than 24 h.
    expect(bookedVisitDueMs('appliance-repair', at, '2025-12-02')).toBe(cst('2025-12-03 00:00').getTime());
    // No limit (meter reading): the booked day.
    expect(bookedVisitDueMs('appointment-meter-reading', at, '2025-12-04')).toBe(cst('2025-12-05 00:00').getTime());
    // No day: the promise alone.
    expect(bookedVisitDueMs('appointment-repair', at, undefined)).toBe(cst('2025-12-03 00:00').getTime());
    expect(dueOnBookedDay(Number.NaN, undefined)).toBeNaN();
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

  it('names the field: an appointment date outside the days offered (a weekend, past the horizon, the day itself)', () => {
    const e = aSubmitted('appointment-repair'); // Mon 1 Dec 2025
    for (const day of ['2025-12-06', '2026-01-01', '2025-12-01']) {
      const wrong = { ...e, payload: { ...e.payload, preferredDate: day } };
      expect(bookingProblems(wrong), day).toEqual([{ path: ['payload', 'preferredDate'], id: 'booking.appointmentDay' }]);
    }
    expect(bookingProblems({ ...e, payload: { ...e.payload, preferredDate: '2025-12-19' } })).toEqual([]);
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
