import { beforeEach, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { Indicator, type Commitments } from '../../../../src/db/schema/commitments';
import { checkIndicator, computeResults, ResultsFold, type ComputedFigure } from '../../../../src/rules/results';
import { aRequestHistory, OTHER_STATION, PNG_SIGNATURE, resetIds, STATION, type Step } from '../../../support/builders/events';
import { cst, hours, minutes, plus } from '../../../support/builders/rules';
import { aRecord, commitmentsOf, only, outageId, resetRecordIds } from '../../../support/builders/records';

/**
 * Every formula of domain.md ("Published figures"), each against a small example worked out
 * by hand in the test. Times are China wall-clock (cst). The figures are percentages (0-100)
 * or mean scores, exact: the page rounds for display.
 */

const GAS = commitmentsOf(2024);
const HEAT = commitmentsOf(2025);
const AFTER_2024 = cst('2025-01-10 09:00');
const AFTER_SEASON = cst('2026-04-01 09:00');

beforeEach(() => {
  resetIds();
  resetRecordIds();
});

function figure(c: Commitments, id: string, docs: Iterable<unknown>, options: Partial<Parameters<typeof computeResults>[2]> = {}): ComputedFigure {
  const results = computeResults(only(c, id), docs, { asOf: AFTER_SEASON, ...options });
  return results.figures[0]!;
}

/** A request of `kind` submitted at `start` whose steps come at the given instants; an appointment is booked for `bookedDay`, else the day after `start` (inside every promise). */
function request(kind: Parameters<typeof aRequestHistory>[0] extends infer O ? (O extends { kind?: infer K } ? K : never) : never, start: Date, steps: [Step, Date][], station = STATION, bookedDay?: string) {
  const events = aRequestHistory({
    kind,
    start: start.toISOString(),
    submittedBy: kind === 'emergency' ? 'hotline' : 'resident',
    station,
    steps: steps.map(([step, at]) => {
      const [type, overrides] = typeof step === 'string' ? [step, {}] : step;
      return [type, { ...overrides, at: at.toISOString() }] as Step;
    }),
  });
  const day = bookedDay ?? new Date(start.getTime() + 32 * 3_600_000).toISOString().slice(0, 10);
  return events.map((e) => (e.type === 'submitted' && 'preferredDate' in (e.payload as object) ? { ...e, payload: { ...e.payload, preferredDate: day } } : e));
}

const household = (n: number, activeFrom = '2020-01-01', station = STATION, activeTo?: string) =>
  aRecord('household', '2023-12-01T00:00:00.000Z', { household: `H-${n}`, activeFrom, ...(activeTo ? { activeTo } : {}) }, station);

describe('continuous supply: (1 − Σ AₙTₙ / (N·B·24)) × 100 %, month by month', () => {
  it('splits an outage across a month end between both months and counts households per month', () => {
    // Period: January and February 2024 (2024 is a leap year: February has 29 days).
    // Households: H-1..H-10 active throughout; H-11 active from 1 February.
    //   January  N = 10, B = 31: N·B·24 = 10 × 31 × 24 = 7,440 customer-hours
    //   February N = 11, B = 29: N·B·24 = 11 × 29 × 24 = 7,656 customer-hours
    // Outage 1: 4 customers, 31 Jan 22:00 → 1 Feb 04:00 = 6 h: 2 h in January, 4 h in February.
    // Outage 2: 10 customers, 10 Feb 09:00 → 12:00 = 3 h.
    //   January  Σ AₙTₙ = 4 × 2 = 8            → supplied 7,440 − 8  = 7,432
    //   February Σ AₙTₙ = 4 × 4 + 10 × 3 = 46  → supplied 7,656 − 46 = 7,610
    // Figure: (7,432 + 7,610) / (7,440 + 7,656) = 15,042 / 15,096 = 99.6422893… %
    const docs = [
      ...Array.from({ length: 10 }, (_, i) => household(i + 1)),
      household(11, '2024-02-01'),
      aRecord('outage-started', cst('2024-01-31 22:00'), { outage: outageId(1), planned: false, atHeatSource: false, affectedCustomers: 4, area: '1 号楼' }, STATION),
      aRecord('outage-restored', cst('2024-02-01 04:00'), { outage: outageId(1) }, STATION),
      aRecord('outage-started', cst('2024-02-10 09:00'), { outage: outageId(2), planned: false, atHeatSource: false, affectedCustomers: 10, area: '2 号楼' }, STATION),
      aRecord('outage-restored', cst('2024-02-10 12:00'), { outage: outageId(2) }, STATION),
    ];
    const f = figure(GAS, 'continuous-supply', docs, { asOf: AFTER_2024, period: { from: '2024-01-01', to: '2024-02-29' } });
    expect(f.denominator).toBeCloseTo(15_096, 9);
    expect(f.numerator).toBeCloseTo(15_042, 9);
    expect(f.value).toBeCloseTo((15_042 / 15_096) * 100, 9);
    expect(f.met).toBe(false); // target: over 99.9 %
    expect(f.breakdown.month.map((c) => [c.key, c.numerator, c.denominator])).toEqual([
      ['2024-01', 7_432, 7_440],
      ['2024-02', 7_610, 7_656],
    ]);
  });

  it('has no figure without households (zero denominator): not measured, never 100 %', () => {
    const f = figure(GAS, 'continuous-supply', [], { asOf: AFTER_2024 });
    expect(f).toMatchObject({ value: null, met: null, numerator: 0, denominator: 0 });
  });
});

describe('ratios with deadlines', () => {
  it('reads working days across the National Day holiday and the adjusted working Sunday', () => {
    // Booked installation: on site within 2 working days (004). Calendar 2024: 1-7 Oct off,
    // Sun 29 Sep an adjusted working day.
    // A: submitted Mon 30 Sep 10:00 → working days Tue 8 Oct (1), Wed 9 Oct (2): deadline
    //    24:00 on 9 Oct. On site 9 Oct 16:00 → met.
    // B: submitted Fri 27 Sep 10:00 → Sun 29 Sep (1, adjusted), Mon 30 Sep (2): deadline
    //    24:00 on 30 Sep. On site Tue 8 Oct 09:00 → missed (without the adjusted Sunday the
    //    deadline would have been 8 Oct and it would count as met).
    // C: submitted Mon 30 Sep 10:00, on site Thu 10 Oct 09:00 → missed.
    // Figure: 1 / 3 = 33.33… %
    const docs = [
      ...request('appointment-installation', cst('2024-09-30 10:00'), [['arrived', cst('2024-10-09 16:00')]]),
      ...request('appointment-installation', cst('2024-09-27 10:00'), [['arrived', cst('2024-10-08 09:00')]]),
      ...request('appointment-installation', cst('2024-09-30 10:00'), [['arrived', cst('2024-10-10 09:00')]]),
    ];
    const f = figure(GAS, 'appointment-installation', docs, { asOf: AFTER_2024 });
    expect([f.numerator, f.denominator]).toEqual([1, 3]);
    expect(f.value).toBeCloseTo(100 / 3, 9);
    expect(f.met).toBe(false);
  });

  it('an appointment the resident booked for a later day is measured from that day (domain.md, "Appointments the resident dates")', () => {
    // Repair (1 working day) asked for on Mon 2 Dec 2024 10:00; promise ends Tue 3 Dec 24:00.
    // A: booked for Fri 6 Dec, on site Fri 6 Dec 15:00 → met (on the booked day).
    // B: booked for Fri 6 Dec, on site Sat 7 Dec 09:00 → missed (after the booked day).
    // C: booked for Tue 3 Dec, on site Wed 4 Dec 09:00 → missed (the promise stands).
    // D: booked for Mon 9 Dec, nobody yet on Sat 7 Dec 12:00 → pending, left out.
    const asked = cst('2024-12-02 10:00');
    const docs = [
      ...request('appointment-repair', asked, [['arrived', cst('2024-12-06 15:00')]], STATION, '2024-12-06'),
      ...request('appointment-repair', asked, [['arrived', cst('2024-12-07 09:00')]], STATION, '2024-12-06'),
      ...request('appointment-repair', asked, [['arrived', cst('2024-12-04 09:00')]], STATION, '2024-12-03'),
      ...request('appointment-repair', asked, [], STATION, '2024-12-09'),
    ];
    const f = figure(GAS, 'appointment-repair', docs, { asOf: cst('2024-12-07 12:00') });
    expect([f.numerator, f.denominator, f.excluded]).toEqual([1, 3, 1]);
  });

  it('counts a deadline in hours inclusively, leaves out pending and withdrawn requests, and counts an overdue one as missed', () => {
    // Repair on site within 1 hour (2025). asOf 1 Dec 2025 12:00.
    //   59 min → met; exactly 60 min → met; 61 min → missed;
    //   submitted 10:00, nobody yet at 12:00 (deadline 11:00 passed) → missed;
    //   submitted 11:30, nobody yet (deadline 12:30 still ahead) → left out (pending);
    //   submitted 09:00, withdrawn 09:20, nobody came → left out.
    // Figure: 2 / 4 = 50 %, 2 left out.
    const t = (hm: string) => cst(`2025-12-01 ${hm}`);
    const docs = [
      ...request('repair', t('08:00'), [['arrived', t('08:59')]]),
      ...request('repair', t('08:00'), [['arrived', t('09:00')]]),
      ...request('repair', t('08:00'), [['arrived', t('09:01')]]),
      ...request('repair', t('10:00'), []),
      ...request('repair', t('11:30'), []),
      ...request('repair', t('09:00'), [['withdrawn', t('09:20')]]),
    ];
    const f = figure(HEAT, 'repair-on-site-1h', docs, { asOf: t('12:00') });
    expect([f.numerator, f.denominator, f.excluded]).toEqual([2, 4, 2]);
    expect(f.value).toBe(50);
    expect(f.met).toBe(false); // target 95 %
  });

  it('answers within 24 hours: the first reply, dispatch or resolution answers; an acceptance alone never does', () => {
    // domain.md, "Settled readings: What answers a resident". reply-24h covers complaints,
    // consultations and repairs.
    //   complaint: reply after 23 h → met
    //   consultation: reply after 25 h → missed
    //   repair A: accepted after 2 h (not an answer), reply after 30 h → missed
    //   repair B: accepted after 1 h, dispatched after 3 h (tells the visit time) → met
    //   complaint C: accepted after 1 h and nothing more, 24 h passed → missed
    //   complaint D: accepted after 1 h, remedy done (a resolution) after 20 h → met
    //   praise: not in the population
    // Figure: 3 met of 6 = 50 %.
    const s = cst('2025-12-02 09:00');
    const docs = [
      ...request('complaint', s, [['reply', plus(s, hours(23))]]),
      ...request('consultation', s, [['reply', plus(s, hours(25))]]),
      ...request('repair', s, [['accepted', plus(s, hours(2))], ['reply', plus(s, hours(30))]]),
      ...request('repair', s, [['accepted', plus(s, hours(1))], ['dispatched', plus(s, hours(3))]]),
      ...request('complaint', s, [['accepted', plus(s, hours(1))]]),
      ...request('complaint', s, [['accepted', plus(s, hours(1))], ['remedy-done', plus(s, hours(20))]]),
      ...request('praise', s, []),
    ];
    const f = figure(HEAT, 'reply-24h', docs);
    expect([f.numerator, f.denominator]).toEqual([3, 6]);
  });

  it('an acceptance alone never answers a customer opinion (gas, 2 working days)', () => {
    // Received Tue 5 Mar 2024 10:00; 2 working days: Wed 6, Thu 7 → due Thu 7 Mar 24:00.
    //   A: accepted 10:05 the same day, nothing more → missed once the limit has passed
    //   B: accepted 10:05, reply Thu 7 Mar 23:59 → met
    // Figure: 1 / 2.
    const s = cst('2024-03-05 10:00');
    const docs = [
      ...request('suggestion', s, [['accepted', plus(s, minutes(5))]]),
      ...request('suggestion', s, [['accepted', plus(s, minutes(5))], ['reply', cst('2024-03-07 23:59')]]),
    ];
    const f = figure(GAS, 'customer-opinions', docs, { asOf: AFTER_2024 });
    expect([f.numerator, f.denominator]).toEqual([1, 2]);
  });

  it('closes complaints within 6 days of acceptance counted as the Civil Code counts days, reading the last closing of a reopened case', () => {
    // domain.md, "Settled readings: Counting days": the day of acceptance is not counted; the
    // sixth day ends at 24:00 China time. Accepted Monday 1 Dec 2025 10:00 → Tue 2 … Sun 7
    // are the six days → due Sunday 7 Dec 24:00 (not 7 Dec 10:00, 144 hours).
    //   A: closed Sun 7 Dec 23:00 → met (13 h after 144 hours, still inside Sunday)
    //   B: closed Mon 8 Dec 00:30 → missed
    //   C: closed 3 Dec, reopened 4 Dec, closed again Mon 8 Dec 10:00 → the last closing counts: missed
    //   D: closed Sun 7 Dec 10:00 exactly → met
    // Figure: 2 / 4 = 50 %.
    const s = cst('2025-12-01 09:00');
    const acc = cst('2025-12-01 10:00');
    const docs = [
      ...request('complaint', s, [['accepted', acc], ['closed', cst('2025-12-07 23:00')]]),
      ...request('complaint', s, [['accepted', acc], ['closed', cst('2025-12-08 00:30')]]),
      ...request('complaint', s, [
        ['accepted', acc],
        ['closed', cst('2025-12-03 10:00')],
        ['reopened', cst('2025-12-04 10:00')],
        ['closed', cst('2025-12-08 10:00')],
      ]),
      ...request('complaint', s, [['accepted', acc], ['closed', cst('2025-12-07 10:00')]]),
    ];
    const f = figure(HEAT, 'complaint-closed-6d', docs);
    expect([f.numerator, f.denominator]).toEqual([2, 4]);
  });

  it('gives "not measured" for a ratio with a zero denominator', () => {
    const f = figure(GAS, 'emergency-service', request('repair', cst('2024-03-01 10:00'), []), { asOf: AFTER_2024 });
    expect(f).toMatchObject({ value: null, met: null, numerator: 0, denominator: 0 });
  });
});

describe('outages: notice and restoration', () => {
  it('gives notice at least 48 hours ahead; a planned outage never announced missed it', () => {
    // Planned outages (2025): announced 48 h before → met (exactly the period counts);
    // announced 47 h before → missed; started with no announcement → missed;
    // an unplanned fault → not in the population. Figure: 1 / 3.
    const start = cst('2025-12-10 09:00');
    const planned = (n: number) => ({ outage: outageId(n), planned: true, atHeatSource: false, affectedCustomers: 50, area: '小区' });
    const announce = (n: number, at: Date) => aRecord('outage-announced', at, { outage: outageId(n), plannedStart: start.toISOString(), affectedCustomers: 50, area: '小区' }, STATION);
    const docs = [
      announce(1, plus(start, -hours(48))),
      aRecord('outage-started', start, planned(1), STATION),
      announce(2, plus(start, -hours(47))),
      aRecord('outage-started', start, planned(2), STATION),
      aRecord('outage-started', start, planned(3), STATION),
      aRecord('outage-started', start, { ...planned(4), planned: false }, STATION),
    ];
    const f = figure(HEAT, 'outage-notice-48h', docs);
    expect([f.numerator, f.denominator]).toEqual([1, 3]);
  });

  it('restores heating within 24 hours, faults at the heat source excepted', () => {
    // 23 h → met; 25 h → missed; at the heat source, 30 h → not counted;
    // not restored at asOf, started 2 h before → pending, left out. Figure: 1 / 2.
    const start = cst('2025-12-10 09:00');
    const fault = (n: number, atHeatSource = false) => ({ outage: outageId(n), planned: false, atHeatSource, affectedCustomers: 20, area: '3 号楼' });
    const asOf = cst('2025-12-20 09:00');
    const docs = [
      aRecord('outage-started', start, fault(1), STATION),
      aRecord('outage-restored', plus(start, hours(23)), { outage: outageId(1) }, STATION),
      aRecord('outage-started', start, fault(2), STATION),
      aRecord('outage-restored', plus(start, hours(25)), { outage: outageId(2) }, STATION),
      aRecord('outage-started', start, fault(3, true), STATION),
      aRecord('outage-restored', plus(start, hours(30)), { outage: outageId(3) }, STATION),
      aRecord('outage-started', plus(asOf, -hours(2)), fault(4), STATION),
    ];
    const f = figure(HEAT, 'heating-restored-24h', docs, { asOf });
    expect([f.numerator, f.denominator, f.excluded]).toEqual([1, 2, 1]);
  });
});

describe('temperature tests: only signed records count', () => {
  it('counts signed records, and a record signed by a later sign-off, but never an unsigned one', () => {
    // Rooms of 12 m² take one reading (002 ch.2). Standard 18 °C.
    //   A signed, 18.4 °C → compliant
    //   B signed, two rooms 18.5 °C and 17.9 °C → not compliant (every room must be)
    //   C unsigned, 19.0 °C → invalid, never counts
    //   D unsigned measure, then the resident signs off → signed, 19.0 °C → compliant
    // Figure: 2 / 3 = 66.66… %.
    const s = cst('2025-12-05 09:00');
    const m = (rooms: [string, number][], signed: boolean): Step => [
      'measured',
      { payload: { rooms: rooms.map(([name, c]) => ({ name, areaM2: 12, readings: [c] })), signature: signed ? PNG_SIGNATURE : undefined } },
    ];
    const at = plus(s, hours(5));
    const docs = [
      ...request('temperature-test', s, [[m([['卧室', 18.4]], true), at]]),
      ...request('temperature-test', s, [[m([['卧室', 18.5], ['客厅', 17.9]], true), at]]),
      ...request('temperature-test', s, [[m([['卧室', 19]], false), at]]),
      ...request('temperature-test', s, [[m([['卧室', 19]], false), at], ['signed-off', plus(at, minutes(5))]]),
    ];
    const f = figure(HEAT, 'indoor-temperature', docs);
    expect([f.numerator, f.denominator]).toEqual([2, 3]);
    expect(f.value).toBeCloseTo(200 / 3, 9);
  });
});

describe('callbacks: rates and means of scores', () => {
  const s = cst('2025-12-03 09:00');
  const cb = (payload: Record<string, unknown>): Step => ['callback', { payload }];
  const reached = (attitude: number, ability: number, satisfaction: string) => cb({ outcome: 'satisfied', attitude, ability, satisfaction });
  const docs = () => [
    ...request('repair', s, [['resolved', plus(s, hours(2))], [reached(9, 8, 'very-satisfied'), plus(s, hours(30))]]),
    ...request('repair', s, [['resolved', plus(s, hours(2))], [reached(10, 9, 'satisfied'), plus(s, hours(30))]]),
    ...request('repair', s, [['resolved', plus(s, hours(2))], [reached(7, 6, 'average'), plus(s, hours(30))]]),
    ...request('repair', s, [['resolved', plus(s, hours(2))], [cb({ outcome: 'unreachable', attitude: undefined, ability: undefined, satisfaction: undefined }), plus(s, hours(30))]]),
    ...request('repair', s, []), // not resolved: no callback owed
  ];

  it('averages the 1-10 scores of reached residents', () => {
    // attitude: (9 + 10 + 7) / 3 = 26 / 3 = 8.666…; the unreachable call gave no score.
    const f = figure(HEAT, 'service-attitude', docs());
    expect(f.count).toBe(3);
    expect(f.value).toBeCloseTo(26 / 3, 9);
    expect(f.met).toBe(false); // target 9
    // ability: (8 + 9 + 6) / 3 = 23 / 3
    expect(figure(HEAT, 'professional-ability', docs()).value).toBeCloseTo(23 / 3, 9);
  });

  it('rates satisfaction on the resident’s view: very satisfied or satisfied', () => {
    // views: very-satisfied, satisfied, average → 2 / 3.
    const f = figure(HEAT, 'heating-satisfaction', docs());
    expect([f.numerator, f.denominator]).toEqual([2, 3]);
  });

  it('rates callbacks on resolved repairs; an unreachable resident is no callback', () => {
    // 4 resolved repairs, 3 reached by a callback → 3 / 4 = 75 %; the unresolved repair owes none.
    const f = figure(HEAT, 'repair-callback', docs());
    expect([f.numerator, f.denominator, f.value]).toEqual([3, 4, 75]);
    expect(f.met).toBe(false); // target 90 %
  });
});

describe('phones', () => {
  it('answers within 3 rings; an unanswered call counts against', () => {
    // rings 1 → met, 3 → met, 4 → missed, hung up after 6 unanswered → missed; an emergency-line call is another figure.
    const at = cst('2024-05-06 10:00');
    const call = (line: string, answered: boolean, rings: number) => aRecord('call', at, { line, answered, rings });
    const docs = [call('hotline', true, 1), call('hotline', true, 3), call('hotline', true, 4), call('hotline', false, 6), call('emergency', true, 9)];
    const f = figure(GAS, 'customer-phone', docs, { asOf: AFTER_2024 });
    expect([f.numerator, f.denominator, f.value]).toEqual([2, 4, 50]);
  });

  it('measures the emergency phone in minutes, overlapping downtimes once and cut at the period', () => {
    // January 2024: 31 × 1,440 = 44,640 minutes.
    // Down 3 Jan 02:00-02:10 and 02:05-02:20 → merged 02:00-02:20 = 20 min.
    // Down 31 Jan 23:45 → 1 Feb 00:15: 15 min inside January.
    // Figure: (44,640 − 35) / 44,640 = 44,605 / 44,640 = 99.9215… %
    const down = (from: string, to: string) => aRecord('line-down', cst(from), { line: 'emergency', from: cst(from).toISOString(), to: cst(to).toISOString() });
    const docs = [down('2024-01-03 02:00', '2024-01-03 02:10'), down('2024-01-03 02:05', '2024-01-03 02:20'), down('2024-01-31 23:45', '2024-02-01 00:15')];
    const f = figure(GAS, 'emergency-phone', docs, { asOf: AFTER_2024, period: { from: '2024-01-01', to: '2024-01-31' } });
    expect([f.numerator, f.denominator]).toEqual([44_605, 44_640]);
    expect(f.value).toBeCloseTo((44_605 / 44_640) * 100, 9);
  });
});

describe('households: safety inspection once a year', () => {
  it('counts a visit with nobody home, and only visits inside the year', () => {
    // 4 active households (H-5 left before 2024: not counted): H-1 inspected, H-2 nobody home,
    // H-3 inspected in 2023, H-4 never visited → 2 / 4 = 50 %.
    const visit = (n: number, at: Date, outcome: string) => aRecord('inspection', at, { household: `H-${n}`, outcome }, STATION);
    const docs = [
      household(1),
      household(2),
      household(3),
      household(4),
      household(5, '2020-01-01', STATION, '2023-06-30'),
      visit(1, cst('2024-03-01 10:00'), 'inspected'),
      visit(2, cst('2024-03-01 11:00'), 'nobody-home'),
      visit(3, cst('2023-12-30 10:00'), 'inspected'),
    ];
    const f = figure(GAS, 'safety-inspection', docs, { asOf: AFTER_2024 });
    expect([f.numerator, f.denominator]).toEqual([2, 4]);
  });
});

describe('the fold', () => {
  it('gives the same figures whatever order the documents arrive in, and by station', () => {
    const t = (d: string) => cst(`2025-12-${d} 08:00`);
    const docs = [
      ...request('repair', t('01'), [['arrived', plus(t('01'), minutes(30))]]),
      ...request('repair', t('02'), [['arrived', plus(t('02'), minutes(90))]]),
      ...request('repair', t('03'), [['arrived', plus(t('03'), minutes(20))]], OTHER_STATION),
    ];
    const forward = figure(HEAT, 'repair-on-site-1h', docs);
    const backward = figure(HEAT, 'repair-on-site-1h', [...docs].reverse());
    expect(backward).toEqual(forward);
    expect([forward.numerator, forward.denominator]).toEqual([2, 3]);
    const north = figure(HEAT, 'repair-on-site-1h', docs, { station: STATION });
    expect([north.numerator, north.denominator]).toEqual([1, 2]);
  });

  it('breaks figures down by station, kind and month, and withholds cells of fewer than 5 records', () => {
    // 5 repairs at north-1 in December (4 in time), 2 at south-2 in January (both in time).
    const docs = [
      ...[30, 30, 30, 30, 90].flatMap((m, i) => request('repair', cst(`2025-12-0${i + 1} 08:00`), [['arrived', plus(cst(`2025-12-0${i + 1} 08:00`), minutes(m))]])),
      ...[1, 2].flatMap((d) => request('repair', cst(`2026-01-0${d} 08:00`), [['arrived', plus(cst(`2026-01-0${d} 08:00`), minutes(10))]], OTHER_STATION)),
    ];
    const f = figure(HEAT, 'repair-on-site-1h', docs);
    expect(f.breakdown.station).toEqual([
      { key: STATION, records: 5, numerator: 4, denominator: 5, value: 80 },
      { key: OTHER_STATION, records: 2, value: null, suppressed: true },
    ]);
    expect(f.breakdown.month.map((c) => c.key)).toEqual(['2025-12', '2026-01']);
    expect(f.breakdown.kind).toEqual([{ key: 'repair', records: 7, numerator: 6, denominator: 7, value: (6 / 7) * 100 }]);
  });

  it('computes a new indicator of an existing shape from its definition alone', () => {
    // A committee adds "consultations answered within 12 hours": YAML, no code.
    const extra = v.parse(Indicator, {
      id: 'consultation-12h',
      category: 'opinion',
      label: { zh: '咨询 12 小时内答复', en: 'Questions answered within 12 hours' },
      promise: { zh: '12 小时内答复', en: 'Answered within 12 hours' },
      target: { comparison: '>=', value: 90, unit: 'percent' },
      measure: { shape: 'ratio', of: { records: 'requests', kinds: ['consultation'] }, where: { test: 'elapsed', from: 'submitted', to: 'first-reply', atMost: { value: 12, unit: 'hours' } } },
    });
    const c: Commitments = { ...HEAT, indicators: [extra] };
    const s = cst('2025-12-02 09:00');
    const docs = [...request('consultation', s, [['reply', plus(s, hours(11))]]), ...request('consultation', s, [['reply', plus(s, hours(13))]])];
    const f = computeResults(c, docs, { asOf: AFTER_SEASON }).figures[0]!;
    expect([f.indicator, f.numerator, f.denominator, f.value]).toEqual(['consultation-12h', 1, 2, 50]);
  });

  it('refuses a definition it cannot measure before reading any record', () => {
    const bad = v.parse(Indicator, {
      ...HEAT.indicators.find((i) => i.id === 'hotline-3-rings')!,
      id: 'rings-of-repairs',
      measure: { shape: 'ratio', of: { records: 'requests', kinds: ['repair'] }, where: { test: 'field-at-most', field: 'rings', value: 3 } },
    });
    expect(checkIndicator(bad)).toMatch(/rings-of-repairs: the field "rings" belongs to calls/);
    expect(() => new ResultsFold({ ...HEAT, indicators: [bad] }, { asOf: AFTER_SEASON })).toThrow(/rings-of-repairs/);
  });

  it('names the categories with the most complaints and repairs, withholding small ones', () => {
    const s = cst('2025-12-02 09:00');
    const docs = [
      ...Array.from({ length: 6 }, () => request('complaint', s, [])).flat(),
      ...Array.from({ length: 2 }, () => request('complaint', s, [], OTHER_STATION)).flat(),
      ...Array.from({ length: 5 }, () => request('repair', s, [])).flat(),
    ];
    const r = computeResults(only(HEAT, 'reply-24h'), docs, { asOf: AFTER_SEASON });
    expect(r.hotspots.complaintsByStation).toEqual([{ key: STATION, count: 6 }]);
    expect(r.hotspots.repairsByFault).toEqual([{ key: 'radiator-not-warm', count: 5 }]);
    expect(r.hotspots.requestsByKind).toEqual([
      { key: 'complaint', count: 8 },
      { key: 'repair', count: 5 },
    ]);
    expect(r.read).toMatchObject({ requests: 13, records: 0, ignored: 0 });
  });
});
