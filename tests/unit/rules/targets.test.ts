import { describe, expect, it } from 'vitest';
import { meetsTarget, type Target } from '../../../src/rules/index';

const target = (comparison: Target['comparison'], value: number, unit: Target['unit'] = 'percent'): Target => ({
  comparison,
  value,
  unit,
});

describe('meetsTarget', () => {
  it('>= : satisfaction at least 98 % (002 §7)', () => {
    expect(meetsTarget(target('>=', 98), 98)).toBe(true);
    expect(meetsTarget(target('>=', 98), 99.5)).toBe(true);
    expect(meetsTarget(target('>=', 98), 97.9)).toBe(false);
  });

  it('> : continuous supply over 99.9 % (004 appendix)', () => {
    expect(meetsTarget(target('>', 99.9), 99.95)).toBe(true);
    expect(meetsTarget(target('>', 99.9), 99.9)).toBe(false);
    expect(meetsTarget(target('>', 99.9), 99.8)).toBe(false);
  });

  it('<= and <', () => {
    expect(meetsTarget(target('<=', 3, 'score'), 3)).toBe(true);
    expect(meetsTarget(target('<=', 3, 'score'), 3.1)).toBe(false);
    expect(meetsTarget(target('<', 3, 'score'), 2.9)).toBe(true);
    expect(meetsTarget(target('<', 3, 'score'), 3)).toBe(false);
  });

  it('is null when nothing was measured', () => {
    for (const c of ['>=', '>', '<=', '<'] as const) expect(meetsTarget(target(c, 90), null)).toBeNull();
  });

  it('treats floating-point noise as equal: 29 of 50 is 58 %', () => {
    const computed = (29 / 50) * 100; // 57.99999999999999
    expect(computed).toBeLessThan(58);
    expect(meetsTarget(target('>=', 58), computed)).toBe(true);
    expect(meetsTarget(target('>', 58), computed)).toBe(false);
    expect(meetsTarget(target('<', 58), computed)).toBe(false);
  });

  it('meets 100 % callbacks only at 100 % (004 appendix)', () => {
    expect(meetsTarget(target('>=', 100), 100)).toBe(true);
    expect(meetsTarget(target('>=', 100), (199 / 200) * 100)).toBe(false);
  });

  it('refuses a figure that is not a number', () => {
    expect(() => meetsTarget(target('>=', 98), Number.NaN)).toThrow(RangeError);
  });
});
