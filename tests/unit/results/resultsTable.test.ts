import { describe, expect, it } from 'vitest';
import type { Results } from '../../../src/db/schema/results';
import { breakdownOf, countOutcomes, formatFigure, previousYear, resultsAgainstCommitments, resultsCsv } from '../../../src/site/resultsTable';
import { commitmentsOf, only } from './builders';

const HEAT = only(commitmentsOf(2025), 'repair-on-site-1h', 'service-attitude', 'hotline-3-rings');
const headings = {
  indicator: 'indicator', label: 'label', dimension: 'breakdown', key: 'group', target: 'target', value: 'value', numerator: 'numerator',
  denominator: 'denominator', count: 'scores', met: 'met', previous: 'previous year', suppressed: 'withheld', all: 'all', yes: 'yes', no: 'no',
};
const results: Results = {
  year: 2025,
  sample: false,
  computedAt: '2026-03-21',
  period: { from: '2025-11-15', to: '2026-03-20' },
  figures: [
    {
      indicator: 'repair-on-site-1h',
      // 94.99999999 shows as 95 % yet falls short of 95 %: the file's verdict (exact value) wins.
      value: 94.99999,
      numerator: 9499999,
      denominator: 10000000,
      met: false,
      breakdown: {
        station: [
          { key: 'north-1', records: 6, numerator: 6, denominator: 6, value: 100 },
          { key: 'south-2', records: 3, value: null, suppressed: true },
        ],
        kind: [{ key: 'repair', records: 9, numerator: 8, denominator: 9, value: (8 / 9) * 100 }],
        month: [],
      },
    },
    { indicator: 'service-attitude', value: 9.5, count: 40, met: true },
  ],
};
const previous: Results = { year: 2024, sample: true, computedAt: '2025-01-10', period: { from: '2024-01-01', to: '2024-12-31' }, figures: [{ indicator: 'service-attitude', value: 9.42, count: 6518 }] };

describe('results against commitments', () => {
  it('keeps the computed verdict, pairs the previous year by indicator id, and counts a missing figure as not measured', () => {
    const rows = resultsAgainstCommitments(HEAT, results, previousYear([previous, results], 2025));
    expect(rows.map((r) => [r.indicator.id, r.met, r.previous?.value])).toEqual([
      ['repair-on-site-1h', false, undefined],
      ['hotline-3-rings', null, undefined],
      ['service-attitude', true, 9.42],
    ]);
    expect(countOutcomes(rows)).toEqual({ met: 1, notMet: 1, notMeasured: 1 });
    expect(breakdownOf(rows[0]!.figure).map((b) => b.dimension)).toEqual(['station']);
  });

  it('writes every figure and cell as CSV, withheld cells without numbers, quoting where needed', () => {
    const rows = resultsAgainstCommitments(HEAT, results, previous);
    const csv = resultsCsv(rows, headings, (i) => (i.id === 'service-attitude' ? 'Attitude, "warm"' : i.label.en));
    expect(csv.split('\r\n')).toEqual([
      'indicator,label,breakdown,group,target,value,numerator,denominator,scores,met,previous year,withheld',
      'repair-on-site-1h,Technician on site within 1 hour,all,,>= 95 percent,94.99999,9499999,10000000,,no,,',
      'repair-on-site-1h,Technician on site within 1 hour,station,north-1,>= 95 percent,100,6,6,,,,',
      'repair-on-site-1h,Technician on site within 1 hour,station,south-2,>= 95 percent,,,,,,,yes',
      `repair-on-site-1h,Technician on site within 1 hour,kind,repair,>= 95 percent,${(8 / 9) * 100},8,9,,,,`,
      'hotline-3-rings,Hotline answering,all,,>= 100 percent,,,,,,,',
      'service-attitude,"Attitude, ""warm""",all,,>= 9 score,9.5,,,40,yes,9.42,',
      '',
    ]);
  });
});

describe('formatFigure', () => {
  it('never rounds a figure across its target', () => {
    const pct = { comparison: '>=', value: 100, unit: 'percent' } as const;
    // 15 minutes down in 2024: (527,040 − 15) / 527,040 = 99.99715… % → "100 %" would contradict "not met"
    expect(formatFigure((527_025 / 527_040) * 100, pct, false, '%')).toBe('99.997 %');
    expect(formatFigure(100, pct, true, '%')).toBe('100 %');
    expect(formatFigure(97.3684, { comparison: '>=', value: 98, unit: 'percent' }, false, '%')).toBe('97.4 %');
    expect(formatFigure(8.96, { comparison: '>=', value: 9, unit: 'score' }, false, 'points')).toBe('8.96 points');
  });
});
