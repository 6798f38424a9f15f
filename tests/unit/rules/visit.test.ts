import { describe, expect, it } from 'vitest';
import { arrivalVerdict, needsLateNotice } from '../../../src/rules/index';
import { cst } from '../../support/builders/rules';

// 002 ch.2 §13: at the booked time or up to 10 minutes early; if late, phone and re-book.
describe('arrivalVerdict', () => {
  const visit = cst('2025-12-01 10:00');
  it.each([
    ['09:49', 'too-early'],
    ['09:50', 'on-time'],
    ['09:55', 'on-time'],
    ['10:00', 'on-time'],
    ['10:00:01', 'late'],
    ['10:30', 'late'],
  ])('arriving at %s → %s', (time, verdict) => {
    expect(arrivalVerdict(visit, cst(`2025-12-01 ${time}`))).toBe(verdict);
  });

  it('asks for a late notice only when late', () => {
    expect(needsLateNotice(visit, cst('2025-12-01 10:01'))).toBe(true);
    expect(needsLateNotice(visit, cst('2025-12-01 09:58'))).toBe(false);
  });
});
