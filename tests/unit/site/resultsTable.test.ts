import { describe, expect, it } from 'vitest';
import type { Results } from '../../../src/db/schema/results';
import { breakdownOf, countOutcomes, formatFigure, monthlyVerdicts, previousYear, resultsAgainstCommitments, resultsCsv, resultsForHome } from '../../../src/site/resultsTable';
import { commitmentsOf, only } from '../../support/builders/records';

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
    const csv = resultsCsv(rows, headings, (i) => (i.id === 'service-attitude' ? 'Attitude, "warm"' : i.label.en ?? ''));
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

describe('continuous supply month by month, and the home page of a heating utility', () => {
  const GAS = only(commitmentsOf(2024), 'continuous-supply');
  // January 100 % (met), February 6,950 / 6,960 = 99.856 % (below the "over 99.9 %" target),
  // the year 14,390 / 14,400 = 99.931 % (met): the cells as the engine writes them (eachMonth).
  const gasResults: Results = {
    year: 2024,
    sample: true,
    computedAt: '2025-01-10',
    period: { from: '2024-01-01', to: '2024-02-29' },
    figures: [
      {
        indicator: 'continuous-supply',
        value: (14_390 / 14_400) * 100,
        numerator: 14_390,
        denominator: 14_400,
        met: true,
        breakdown: {
          station: [],
          kind: [],
          month: [
            { key: '2024-01', records: 10, numerator: 7_440, denominator: 7_440, value: 100, met: true },
            { key: '2024-02', records: 10, numerator: 6_950, denominator: 6_960, value: (6_950 / 6_960) * 100, met: false },
          ],
        },
      },
    ],
  };

  it('lists the months below target beside the year that meets it, on the page and in the CSV', () => {
    const rows = resultsAgainstCommitments(GAS, gasResults);
    expect(rows[0]!.met).toBe(true);
    const monthly = monthlyVerdicts(rows[0]!.figure)!;
    expect(monthly.months.map((c) => c.key)).toEqual(['2024-01', '2024-02']);
    expect(monthly.below.map((c) => c.key)).toEqual(['2024-02']);
    const csv = resultsCsv(rows, headings, (i) => i.label.en ?? '').split('\r\n');
    expect(csv).toContain('continuous-supply,Continuous supply,all,,> 99.9 percent,' + (14_390 / 14_400) * 100 + ',14390,14400,,yes,,');
    expect(csv).toContain('continuous-supply,Continuous supply,month,2024-02,> 99.9 percent,' + (6_950 / 6_960) * 100 + ',6950,6960,,no,,');
    expect(csv).toContain('continuous-supply,Continuous supply,month,2024-01,> 99.9 percent,100,7440,7440,,yes,,');
    // A figure that judges no month has no monthly verdicts.
    expect(monthlyVerdicts(results.figures[0])).toBeNull();
  });

  it('never shows another service’s sample as a heating utility’s results; links it as the example it is', () => {
    const commitments = [commitmentsOf(2025), commitmentsOf(2024)]; // newest first, as the site reads them
    const heating2024 = { ...gasResults, sample: false };
    // The only results are the sample gas company's 2024: no glance; the example is linked.
    expect(resultsForHome('heating', commitments, [gasResults])).toMatchObject({ own: undefined, example: gasResults, latestCommitments: { year: 2025 } });
    // A gas utility whose newest commitments are of 2025 reads the 2024 gas set as its own
    // last year's results (with the sample notice the page shows for a sample).
    const gas2025 = { ...commitmentsOf(2024), year: 2025 };
    expect(resultsForHome('gas', [gas2025, commitmentsOf(2024)], [gasResults])).toMatchObject({ own: gasResults, example: undefined, latestCommitments: { year: 2025 } });
    // Its own commitments of 2024 only: no results of an earlier year to show.
    expect(resultsForHome('gas', commitments, [gasResults])).toMatchObject({ own: undefined, example: undefined, latestCommitments: { year: 2024 } });
    // Another service's set that is not a sample is neither glance nor example.
    expect(resultsForHome('heating', commitments, [heating2024])).toMatchObject({ own: undefined, example: undefined });
  });
});
