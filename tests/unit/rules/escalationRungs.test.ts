import { describe, expect, it } from 'vitest';
import { rungAccounts, rungGaps, withRung } from '../../../src/rules/escalationRungs';

describe('who stands on each rung (002 ch.1 §12)', () => {
  const rungs = withRung(withRung(withRung([], 1, 'north', ['head-n']), 2, undefined, ['mgr']), 1, 'south', ['head-s']);

  it("a station's order reaches its own station head at level 1 and the company manager at level 2", () => {
    expect(rungAccounts(rungs, 1, 'north')).toEqual(['head-n']);
    expect(rungAccounts(rungs, 1, 'south')).toEqual(['head-s']);
    expect(rungAccounts(rungs, 2, 'north')).toEqual(['mgr']);
  });

  it('names every rung with nobody on it, at every station: the deputy and the general manager here', () => {
    const gaps = rungGaps(rungs, ['north', 'south']);
    expect(gaps.map((g) => [g.level, g.station])).toEqual([
      [3, 'north'],
      [3, 'south'],
      [4, 'north'],
      [4, 'south'],
    ]);
    expect(gaps[0]!.rung.label.zh).toBe('分管经理');
    const full = withRung(withRung(rungs, 3, undefined, ['deputy']), 4, undefined, ['gm']);
    expect(rungGaps(full, ['north', 'south'])).toEqual([]);
    // a new station without a station head is a gap at once
    expect(rungGaps(full, ['north', 'south', 'east']).map((g) => [g.level, g.station])).toEqual([[1, 'east']]);
  });

  it('setting a rung replaces that place only; an empty list clears it', () => {
    const changed = withRung(rungs, 1, 'north', ['head-n2', 'deputy-head-n']);
    expect(rungAccounts(changed, 1, 'north')).toEqual(['deputy-head-n', 'head-n2']);
    expect(rungAccounts(changed, 1, 'south')).toEqual(['head-s']);
    expect(rungAccounts(withRung(changed, 2, undefined, []), 2, 'north')).toEqual([]);
  });
});
