import { describe, expect, it } from 'vitest';
import { roundTo } from '../../../src/rules/index';

describe('roundTo', () => {
  it('rounds half away from zero, without binary-fraction error', () => {
    expect(roundTo(18.05, 1)).toBe(18.1); // 18.05 * 10 = 180.4999… would give 18.0
    expect(roundTo(1.005, 2)).toBe(1.01);
    expect(roundTo(18.04, 1)).toBe(18);
    expect(roundTo(-2.25, 1)).toBe(-2.3);
    expect(roundTo(17.96, 0)).toBe(18);
  });

  it('never gives -0', () => {
    expect(Object.is(roundTo(-0.04, 1), 0)).toBe(true);
  });

  it('refuses non-finite input and odd decimals', () => {
    expect(() => roundTo(Number.NaN, 1)).toThrow(RangeError);
    expect(() => roundTo(1, -1)).toThrow(RangeError);
    expect(() => roundTo(1, 1.5)).toThrow(RangeError);
  });
});

describe('roundTo, numbers JavaScript writes with an exponent', () => {
  it('handles very small and very large numbers', () => {
    expect(roundTo(1e-7, 1)).toBe(0);
    expect(roundTo(1.5e-7, 7)).toBe(2e-7);
    expect(roundTo(1e21, 1)).toBe(1e21);
  });
});
