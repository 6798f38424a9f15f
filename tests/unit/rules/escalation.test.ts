import { describe, expect, it } from 'vitest';
import {
  ESCALATION_LADDER,
  escalationLevel,
  escalationsDue,
  nextEscalation,
  type EscalationRung,
} from '../../../src/rules/index';
import { ESCALATION_LEVELS } from '../../../src/db/schema/vocabulary';
import { cst, hours, minutes, plus } from '../../support/builders/rules';

// 002 ch.1 §12: unhandled 24 h → station head; 48 h → company manager;
// 72 h → deputy manager in charge; 96 h → general manager.
const opened = cst('2025-12-01 20:00');
const at = (h: number, m = 0) => plus(opened, hours(h) + minutes(m));

describe('ESCALATION_LADDER', () => {
  it('follows the seed', () => {
    expect(ESCALATION_LADDER.map((r) => [r.afterHours, r.level, r.escalatesTo, r.label.zh])).toEqual([
      [24, 1, 'station-head', '供热所所长'],
      [48, 2, 'company-manager', '公司经理'],
      [72, 3, 'deputy-manager', '分管经理'],
      [96, 4, 'general-manager', '总经理'],
    ]);
  });

  it('has as many rungs as the schemas allow escalation levels', () => {
    expect(ESCALATION_LADDER.length).toBe(ESCALATION_LEVELS);
  });
});

describe('escalationLevel', () => {
  it.each([
    [0, 0, 0],
    [23, 59, 0],
    [24, 0, 1],
    [47, 59, 1],
    [48, 0, 2],
    [72, 0, 3],
    [96, 0, 4],
    [500, 0, 4],
  ])('after %s h %s min → level %s', (h, m, level) => {
    expect(escalationLevel(opened, at(h, m))).toBe(level);
  });

  it('is 0 when the clock reads before the opening (a skewed device)', () => {
    expect(escalationLevel(opened, at(-3))).toBe(0);
  });

  it('takes another ladder', () => {
    const ladder: EscalationRung[] = [
      { afterHours: 2, level: 1, escalatesTo: 'lead', label: { zh: '班长', en: 'Team lead' } },
    ];
    expect(escalationLevel(opened, at(2), ladder)).toBe(1);
    expect(escalationLevel(opened, at(200), ladder)).toBe(1);
  });

  it('refuses a ladder out of order', () => {
    const label = { zh: '甲', en: 'A' };
    const unordered: EscalationRung[] = [
      { afterHours: 48, level: 1, escalatesTo: 'a', label },
      { afterHours: 24, level: 2, escalatesTo: 'b', label },
    ];
    expect(() => escalationLevel(opened, at(30), unordered)).toThrow(/must come after rung 1/);
    const skipped: EscalationRung[] = [{ afterHours: 24, level: 2, escalatesTo: 'b', label }];
    expect(() => escalationLevel(opened, at(30), skipped)).toThrow(/levels 1, 2, 3/);
  });
});

describe('nextEscalation', () => {
  it('names the next rung and when it comes', () => {
    expect(nextEscalation(opened, at(1))).toEqual({
      level: 1,
      escalatesTo: 'station-head',
      label: { zh: '供热所所长', en: 'Station head' },
      at: cst('2025-12-02 20:00'),
    });
    expect(nextEscalation(opened, at(24))).toMatchObject({ level: 2, at: cst('2025-12-03 20:00') });
    expect(nextEscalation(opened, at(95, 59))).toMatchObject({ level: 4, at: cst('2025-12-05 20:00') });
  });

  it('is null at the top of the ladder', () => {
    expect(nextEscalation(opened, at(96))).toBeNull();
    expect(nextEscalation(opened, at(1000))).toBeNull();
  });
});

describe('escalationsDue: each level is recorded once', () => {
  it('owes nothing before 24 h', () => {
    expect(escalationsDue(opened, at(23, 59), [])).toEqual([]);
  });

  it('owes level 1 at 24 h, and nothing more once it is recorded', () => {
    expect(escalationsDue(opened, at(24), [])).toEqual([1]);
    expect(escalationsDue(opened, at(30), [1])).toEqual([]);
  });

  it('owes every skipped level after a device was offline', () => {
    expect(escalationsDue(opened, at(80), [1])).toEqual([2, 3]);
    expect(escalationsDue(opened, at(100), [])).toEqual([1, 2, 3, 4]);
  });

  it('owes nothing once all four are recorded', () => {
    expect(escalationsDue(opened, at(200), [1, 2, 3, 4])).toEqual([]);
  });
});
