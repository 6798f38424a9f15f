import { beforeEach, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { computeResults, toResultsFile, type ComputedFigure } from '../../../../src/rules/results';
import { Results } from '../../../../src/db/schema/results';
import type { Commitments } from '../../../../src/db/schema/commitments';
import { OTHER_STATION, resetIds, STATION } from '../../../support/builders/events';
import { cst, hours, minutes, plus } from '../../../support/builders/rules';
import { aRecord, commitmentsOf, only, outageId, resetRecordIds } from '../../../support/builders/records';

/**
 * The published figures as domain.md's "Settled readings" decide them (issue 20), each on a
 * small example whose arithmetic is written out. The gas commitments (content/commitments/
 * 2024.yaml) carry the definitions: continuous supply `eachMonth`, notice and restoration
 * `excludeEmergencies`.
 */

const GAS = commitmentsOf(2024);
const AFTER_2024 = cst('2025-01-10 09:00');

beforeEach(() => {
  resetIds();
  resetRecordIds();
});

function figure(c: Commitments, id: string, docs: Iterable<unknown>, options: Partial<Parameters<typeof computeResults>[2]> = {}): ComputedFigure {
  return computeResults(only(c, id), docs, { asOf: AFTER_2024, ...options }).figures[0]!;
}

const household = (n: number, station = STATION) => aRecord('household', '2023-12-01T00:00:00.000Z', { household: `H-${n}`, activeFrom: '2020-01-01' }, station);
const outage = (n: number, from: Date, to: Date, affectedCustomers: number, station = STATION, planned = false) => [
  aRecord('outage-started', from, { outage: outageId(n), planned, atHeatSource: false, affectedCustomers, area: '1 号楼' }, station),
  aRecord('outage-restored', to, { outage: outageId(n) }, station),
];
const down = (from: string, to: string) => aRecord('line-down', cst(from), { line: 'emergency', from: cst(from).toISOString(), to: cst(to).toISOString() });

describe('continuous supply is defined per month (004 row 1, "当月")', () => {
  it('publishes a month below target beside a year that meets it', () => {
    // Period January–February 2024 (February has 29 days). 10 households, all active.
    //   January  N·B·24 = 10 × 31 × 24 = 7,440 customer-hours, no outage → 7,440 / 7,440 = 100 %
    //   February N·B·24 = 10 × 29 × 24 = 6,960; outage 10 customers × 1 h = 10
    //            → 6,950 / 6,960 = 99.8563 %, not over 99.9 %: below target
    //   Year     (7,440 + 6,950) / (7,440 + 6,960) = 14,390 / 14,400 = 99.9306 % > 99.9 %: met
    const docs = [...Array.from({ length: 10 }, (_, i) => household(i + 1)), ...outage(1, cst('2024-02-10 09:00'), cst('2024-02-10 10:00'), 10)];
    const f = figure(GAS, 'continuous-supply', docs, { period: { from: '2024-01-01', to: '2024-02-29' } });
    expect([f.numerator, f.denominator]).toEqual([14_390, 14_400]);
    expect(f.value).toBeCloseTo((14_390 / 14_400) * 100, 9);
    expect(f.met).toBe(true);
    expect(f.breakdown.month).toEqual([
      { key: '2024-01', records: 10, numerator: 7_440, denominator: 7_440, value: 100, met: true },
      { key: '2024-02', records: 10, numerator: 6_950, denominator: 6_960, value: (6_950 / 6_960) * 100, met: false },
    ]);
  });

  it('judges no month when the definition does not ask (eachMonth absent)', () => {
    const plain = { ...GAS, indicators: GAS.indicators.map((i) => (i.measure.shape === 'continuous-supply' ? { ...i, measure: { shape: 'continuous-supply' as const, of: i.measure.of } } : i)) } as Commitments;
    const docs = [...Array.from({ length: 10 }, (_, i) => household(i + 1)), ...outage(1, cst('2024-02-10 09:00'), cst('2024-02-10 10:00'), 10)];
    const f = figure(plain, 'continuous-supply', docs, { period: { from: '2024-01-01', to: '2024-02-29' } });
    expect(f.breakdown.month.every((c) => c.met === undefined)).toBe(true);
  });
});

describe('small cells: fewer than 5 underlying records are withheld, whatever the unit', () => {
  it('withholds a 4-household station cell in customer-hours', () => {
    // January 2024, 31 × 24 = 744 hours. north-1 (STATION): 4 households, 2 outages;
    // south-2 (OTHER_STATION): 10 households, no outage.
    //   north-1: N·B·24 = 4 × 744 = 2,976; lost 2 × 1 h + 1 × 2 h = 4 → 2,972 / 2,976 = 99.866 %:
    //            rests on 4 households < 5 → withheld (the old engine published it, its
    //            "records" being 2,976 customer-hours)
    //   south-2: 10 × 744 = 7,440 / 7,440, 10 households → shown
    //   Month January: 14 households, (2,972 + 7,440) / (2,976 + 7,440) = 10,412 / 10,416
    //   = 99.962 % > 99.9 %: met
    const docs = [
      ...[1, 2, 3, 4].map((n) => household(n, STATION)),
      ...[5, 6, 7, 8, 9, 10, 11, 12, 13, 14].map((n) => household(n, OTHER_STATION)),
      ...outage(1, cst('2024-01-10 09:00'), cst('2024-01-10 10:00'), 2, STATION),
      ...outage(2, cst('2024-01-20 09:00'), cst('2024-01-20 11:00'), 1, STATION),
    ];
    const f = figure(GAS, 'continuous-supply', docs, { period: { from: '2024-01-01', to: '2024-01-31' } });
    expect(f.breakdown.station).toEqual([
      { key: STATION, records: 4, value: null, suppressed: true },
      { key: OTHER_STATION, records: 10, numerator: 7_440, denominator: 7_440, value: 100 },
    ]);
    expect(f.breakdown.month).toEqual([{ key: '2024-01', records: 14, numerator: 10_412, denominator: 10_416, value: (10_412 / 10_416) * 100, met: true }]);
    // The year's figure is the figure, not a cell: published whole.
    expect([f.numerator, f.denominator]).toEqual([10_412, 10_416]);
  });

  it('withholds an emergency-phone month resting on fewer than 5 downtime records, in minutes', () => {
    // January 2024: 2 downtime records, 10 + 15 = 25 minutes → rests on 2 records: withheld.
    // February 2024: 5 downtime records of 2 minutes each = 10 minutes; 29 × 1,440 = 41,760
    //   minutes → 41,750 / 41,760, 5 records: shown.
    // Year (January–February): 44,640 + 41,760 = 86,400 minutes, 35 down → 86,365 / 86,400.
    const docs = [
      down('2024-01-03 02:00', '2024-01-03 02:10'),
      down('2024-01-20 02:00', '2024-01-20 02:15'),
      ...[1, 2, 3, 4, 5].map((d) => down(`2024-02-0${d} 03:00`, `2024-02-0${d} 03:02`)),
    ];
    const f = figure(GAS, 'emergency-phone', docs, { period: { from: '2024-01-01', to: '2024-02-29' } });
    expect(f.breakdown.month).toEqual([
      { key: '2024-01', records: 2, value: null, suppressed: true },
      { key: '2024-02', records: 5, numerator: 41_750, denominator: 41_760, value: (41_750 / 41_760) * 100 },
    ]);
    expect([f.numerator, f.denominator]).toEqual([86_365, 86_400]);
  });
});

describe('company-wide records have no station', () => {
  it('a per-station run of the emergency phone is "not measured per station", never 100 %', () => {
    // 2024: the emergency line down 125 minutes (a record with no station). Company-wide:
    //   366 × 1,440 = 527,040 minutes; (527,040 − 125) / 527,040 = 526,915 / 527,040 = 99.976 %,
    //   not 100 %: missed.
    // The old per-station run dropped the record (no station) and kept the minutes:
    //   527,040 / 527,040 = 100 %, "met". Now: value null, not measured per station.
    const docs = [down('2024-03-05 01:00', '2024-03-05 03:05')];
    const company = figure(GAS, 'emergency-phone', docs);
    expect([company.numerator, company.denominator, company.met]).toEqual([526_915, 527_040, false]);
    const north = figure(GAS, 'emergency-phone', docs, { station: STATION });
    expect(north).toMatchObject({ value: null, met: null, notPerStation: true });
    expect(north.numerator).toBeUndefined();
    expect(north.denominator).toBeUndefined();
    // The published file says so too (and passes the Results schema the build checks).
    const file = v.parse(Results, toResultsFile(computeResults(only(GAS, 'emergency-phone'), docs, { asOf: AFTER_2024, station: STATION })));
    expect(file.station).toBe(STATION);
    expect(file.figures[0]).toMatchObject({ indicator: 'emergency-phone', value: null, met: null, notPerStation: true });
  });

  it('calls are company-wide too: the customer phone per station is not measured', () => {
    const call = (rings: number) => aRecord('call', cst('2024-05-06 10:00'), { line: 'hotline', answered: true, rings }, STATION);
    const north = figure(GAS, 'customer-phone', [call(1), call(5)], { station: STATION });
    expect(north).toMatchObject({ value: null, met: null, notPerStation: true });
    // Company-wide: 1 of 2 within 3 rings.
    expect(figure(GAS, 'customer-phone', [call(1), call(5)])).toMatchObject({ numerator: 1, denominator: 2, value: 50 });
  });
});

describe('outages that are emergencies (004 appendix, "紧急事故除外")', () => {
  const mark = (n: number, at: Date) => aRecord('outage-emergency', at, { outage: outageId(n), reason: '第三方施工挖断中压管线' }, STATION);

  it('gas restoration leaves out only outages a staff member marked an emergency accident', () => {
    // Started 10 Mar 2024 09:00.
    //   1 planned, restored after 23 h → met
    //   2 unplanned fault, restored after 30 h → missed (not an emergency by default;
    //     the old definition, planned only, left it out)
    //   3 unplanned, marked an emergency accident, restored after 30 h → left out
    // Figure: 1 / 2 = 50 %.
    const start = cst('2024-03-10 09:00');
    const docs = [
      ...outage(1, start, plus(start, hours(23)), 30, STATION, true),
      ...outage(2, start, plus(start, hours(30)), 30),
      ...outage(3, start, plus(start, hours(30)), 30),
      mark(3, plus(start, minutes(20))),
    ];
    const f = figure(GAS, 'supply-restored', docs);
    expect([f.numerator, f.denominator]).toEqual([1, 2]);
  });

  it('gas notice: an unplanned outage never announced missed its notice unless marked an emergency', () => {
    //   1 announced 48 h before its start → met
    //   2 unplanned, never announced → missed
    //   3 unplanned, never announced, marked an emergency accident → left out
    // Figure: 1 / 2.
    const start = cst('2024-03-10 09:00');
    const docs = [
      aRecord('outage-announced', plus(start, -hours(48)), { outage: outageId(1), plannedStart: start.toISOString(), affectedCustomers: 30, area: '小区' }, STATION),
      ...outage(1, start, plus(start, hours(2)), 30, STATION, true),
      ...outage(2, start, plus(start, hours(2)), 30),
      ...outage(3, start, plus(start, hours(2)), 30),
      mark(3, plus(start, minutes(5))),
    ];
    const f = figure(GAS, 'outage-notice', docs);
    expect([f.numerator, f.denominator]).toEqual([1, 2]);
  });

  it('continuous supply still counts an emergency’s lost hours (the formula excludes nothing)', () => {
    // January 2024: 10 households × 744 h = 7,440; emergency outage 10 customers × 2 h = 20 lost.
    const start = cst('2024-01-10 09:00');
    const docs = [...Array.from({ length: 10 }, (_, i) => household(i + 1)), ...outage(1, start, plus(start, hours(2)), 10), mark(1, start)];
    const f = figure(GAS, 'continuous-supply', docs, { period: { from: '2024-01-01', to: '2024-01-31' } });
    expect([f.numerator, f.denominator]).toEqual([7_420, 7_440]);
  });
});
