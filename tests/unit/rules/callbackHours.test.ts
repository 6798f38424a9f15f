import { describe, expect, it } from 'vitest';
import { CALLBACK_HOURS, callbackWindows, mayCallAt, nextCallbackSlot, type CallbackHours } from '../../../src/rules/index';
import { cst } from '../../support/builders/rules';

// 002 ch.4 §7: not before 07:00, not after 22:00, not at meal or midday-rest times.
// All times China time; windows are half-open [from, to).
describe('mayCallAt', () => {
  it.each([
    ['06:59', false],
    ['07:00', true],
    ['11:29', true],
    ['11:30', false], // lunch and midday rest 11:30–14:00
    ['12:30', false],
    ['13:59', false],
    ['14:00', true],
    ['17:29', true],
    ['17:30', false], // dinner 17:30–19:00
    ['18:59', false],
    ['19:00', true],
    ['21:59', true],
    ['22:00', false], // latest is exclusive: "after 10 pm" begins at 22:00
    ['22:01', false],
    ['00:00', false],
    ['03:00', false],
  ])('%s → %s', (time, allowed) => {
    expect(mayCallAt(cst(`2025-12-01 ${time}`))).toBe(allowed);
  });

  it('judges 21:59:59 as allowed and 06:59:59 as not', () => {
    expect(mayCallAt(cst('2025-12-01 21:59:59'))).toBe(true);
    expect(mayCallAt(cst('2025-12-01 06:59:59'))).toBe(false);
  });

  it('reads China time, not UTC: 23:30 UTC is 07:30 in China', () => {
    expect(mayCallAt(new Date('2025-12-01T23:30:00Z'))).toBe(true);
    expect(mayCallAt(new Date('2025-12-01T12:00:00Z'))).toBe(true); // 20:00 in China
    expect(mayCallAt(new Date('2025-12-01T14:00:00Z'))).toBe(false); // 22:00 in China
  });
});

describe('callbackWindows', () => {
  it('lists the allowed windows for display', () => {
    expect(callbackWindows()).toEqual([
      { from: '07:00', to: '11:30' },
      { from: '14:00', to: '17:30' },
      { from: '19:00', to: '22:00' },
    ]);
  });

  it('copes with quiet times that overlap or reach outside the day', () => {
    const hours: CallbackHours = {
      earliest: '08:00',
      latest: '21:00',
      quiet: [
        { from: '06:00', to: '09:00', label: { zh: '早', en: 'Early' } },
        { from: '12:00', to: '13:00', label: { zh: '午', en: 'Noon' } },
        { from: '12:30', to: '14:00', label: { zh: '午休', en: 'Rest' } },
        { from: '20:30', to: '23:00', label: { zh: '晚', en: 'Late' } },
      ],
    };
    expect(callbackWindows(hours)).toEqual([
      { from: '09:00', to: '12:00' },
      { from: '14:00', to: '20:30' },
    ]);
  });

  it('refuses a day that ends before it starts, or a malformed time', () => {
    expect(() => callbackWindows({ ...CALLBACK_HOURS, earliest: '22:00', latest: '07:00' })).toThrow(/must be before/);
    expect(() => callbackWindows({ ...CALLBACK_HOURS, earliest: '7:00' })).toThrow(/HH:MM/);
    expect(() =>
      callbackWindows({ ...CALLBACK_HOURS, quiet: [{ from: '14:00', to: '11:30', label: { zh: '错', en: 'x' } }] }),
    ).toThrow(/must end after it starts/);
  });
});

describe('nextCallbackSlot', () => {
  it('is the instant itself when calling is allowed', () => {
    const t = cst('2025-12-01 09:13:27');
    expect(nextCallbackSlot(t)).toEqual(t);
  });

  it('from 22:30 is 07:00 the next day', () => {
    expect(nextCallbackSlot(cst('2025-12-01 22:30'))).toEqual(cst('2025-12-02 07:00'));
  });

  it('from 22:00 sharp is 07:00 the next day, across a month and a year end', () => {
    expect(nextCallbackSlot(cst('2025-12-31 22:00'))).toEqual(cst('2026-01-01 07:00'));
  });

  it('from the small hours is 07:00 the same day', () => {
    expect(nextCallbackSlot(cst('2025-12-02 05:45:10'))).toEqual(cst('2025-12-02 07:00'));
  });

  it('from lunch is 14:00, from dinner 19:00', () => {
    expect(nextCallbackSlot(cst('2025-12-01 12:30'))).toEqual(cst('2025-12-01 14:00'));
    expect(nextCallbackSlot(cst('2025-12-01 17:30'))).toEqual(cst('2025-12-01 19:00'));
  });

  it('throws when the hours leave no time to call', () => {
    const never: CallbackHours = {
      earliest: '07:00',
      latest: '22:00',
      quiet: [{ from: '00:00', to: '24:00', label: { zh: '全天', en: 'All day' } }],
    };
    expect(() => nextCallbackSlot(cst('2025-12-01 09:00'), never)).toThrow(/no time of day/);
  });
});

describe('callback slots never fall at 06:59, 12:30 or 22:01 (done when, issue 6)', () => {
  it('no slot offered from any minute of a day lands in a forbidden time', () => {
    const start = cst('2025-12-01 00:00').getTime();
    const forbidden = new Set(['06:59', '12:30', '22:01']);
    for (let m = 0; m < 24 * 60; m += 1) {
      const slot = nextCallbackSlot(start + m * 60_000);
      expect(mayCallAt(slot)).toBe(true);
      const clock = new Date(slot.getTime() + 8 * 3_600_000).toISOString().slice(11, 16);
      expect(forbidden.has(clock)).toBe(false);
    }
  });

  it('from 06:59, 12:30 and 22:01 the offer moves to 07:00, 14:00 and 07:00 the next day', () => {
    expect(nextCallbackSlot(cst('2025-12-01 06:59'))).toEqual(cst('2025-12-01 07:00'));
    expect(nextCallbackSlot(cst('2025-12-01 12:30'))).toEqual(cst('2025-12-01 14:00'));
    expect(nextCallbackSlot(cst('2025-12-01 22:01'))).toEqual(cst('2025-12-02 07:00'));
  });
});
