import { describe, expect, it } from 'vitest';
import { currentCommitments, provisionalRows } from '../../../src/rules/provisional';
import { computeResults } from '../../../src/rules/results/engine';
import { commitmentsOf, only, aRecord } from '../../support/builders/records';

const c2024 = commitmentsOf(2024);
const c2025 = commitmentsOf(2025);

describe('the commitments in force', () => {
  it('is the set whose period holds today (China time), else the newest begun, else none', () => {
    expect(currentCommitments([c2024, c2025], Date.parse('2026-01-15T04:00:00Z'))?.year).toBe(2025);
    // between two seasons: the last season
    expect(currentCommitments([c2024, c2025], Date.parse('2026-07-01T04:00:00Z'))?.year).toBe(2025);
    // 15 Nov 2025 00:30 in China is still 14 Nov in UTC: China's day counts
    expect(currentCommitments([c2024, c2025], Date.parse('2025-11-14T16:30:00Z'))?.year).toBe(2025);
    expect(currentCommitments([c2024, c2025], Date.parse('2025-11-14T15:30:00Z'))?.year).toBe(2024);
    expect(currentCommitments([c2025], Date.parse('2020-01-01T00:00:00Z'))).toBeNull();
  });
});

describe('provisional rows', () => {
  it('says met, not met and not measured from the engine\'s own figures', () => {
    const c = only(c2025, 'hotline-3-rings', 'heating-restored-24h');
    const hotline = c.indicators.find((i) => i.id === 'hotline-3-rings')!;
    // calls on the hotline: answered within the rings the target names, or not
    const calls = [1, 2, 3, 9].map((rings, n) => aRecord('call', `2025-12-0${n + 1}T02:00:00.000Z`, { line: 'hotline', answered: true, rings }));
    const computed = computeResults(c, calls, { asOf: Date.parse('2026-01-01T00:00:00Z') });
    const rows = provisionalRows(c, computed);
    expect(rows.map((r) => r.indicator)).toEqual(c.indicators.map((i) => i.id));
    const h = rows.find((r) => r.indicator === 'hotline-3-rings')!;
    const figure = computed.figures.find((f) => f.indicator === 'hotline-3-rings')!;
    expect(h).toMatchObject({ value: figure.value, numerator: figure.numerator, denominator: 4, target: hotline.target });
    expect(h).toMatchObject({ numerator: 3, status: 'not-met' }); // 3 of 4 within 3 rings, target 100 %
    expect(rows.find((r) => r.indicator === 'heating-restored-24h')).toMatchObject({ value: null, status: 'not-measured' });
  });
});
