import { describe, expect, it } from 'vitest';
import { QUIET_HOURS, inQuietHours, parseQuietHours, sendableAt } from '../../../src/rules/quietHours';

/** An instant given in China time (UTC+8). */
const cn = (local: string) => new Date(`${local}+08:00`);

describe('quiet hours: no SMS or e-mail between 22:00 and 07:00 China time (002 ch.4 §7)', () => {
  it('are the callback hours\u2019 night by default', () => {
    expect(QUIET_HOURS).toEqual({ from: '22:00', to: '07:00' });
  });

  it('22:00 sharp is quiet, 06:59 is quiet, 07:00 and 21:59 are not', () => {
    expect(inQuietHours(cn('2025-12-01T22:00:00'))).toBe(true);
    expect(inQuietHours(cn('2025-12-02T06:59:59'))).toBe(true);
    expect(inQuietHours(cn('2025-12-02T07:00:00'))).toBe(false);
    expect(inQuietHours(cn('2025-12-01T21:59:59'))).toBe(false);
    // midday rest and meals hold no written message back
    expect(inQuietHours(cn('2025-12-01T12:30:00'))).toBe(false);
  });

  it('a dispatch at 23:00 goes out at 07:00 the next morning; one at 02:00 at 07:00 the same morning', () => {
    expect(sendableAt(cn('2025-12-01T23:00:00'), false).toISOString()).toBe(cn('2025-12-02T07:00:00').toISOString());
    expect(sendableAt(cn('2025-12-02T02:00:00'), false).toISOString()).toBe(cn('2025-12-02T07:00:00').toISOString());
    expect(sendableAt(cn('2025-12-02T15:10:00'), false).toISOString()).toBe(cn('2025-12-02T15:10:00').toISOString());
  });

  it('an outage in progress or an emergency goes out at once, night or not', () => {
    expect(sendableAt(cn('2025-12-01T23:00:00'), true).toISOString()).toBe(cn('2025-12-01T23:00:00').toISOString());
  });

  it('a utility may set its own, also one that does not cross midnight', () => {
    const late = parseQuietHours('21:30-07:30');
    expect(sendableAt(cn('2025-12-01T21:45:00'), false, late).toISOString()).toBe(cn('2025-12-02T07:30:00').toISOString());
    const early = parseQuietHours('00:00-06:00');
    expect(inQuietHours(cn('2025-12-01T23:30:00'), early)).toBe(false);
    expect(sendableAt(cn('2025-12-02T05:00:00'), false, early).toISOString()).toBe(cn('2025-12-02T06:00:00').toISOString());
    expect(() => parseQuietHours('22-7')).toThrow(/HH:MM-HH:MM/);
    expect(() => parseQuietHours('25:00-07:00')).toThrow(RangeError);
    expect(() => parseQuietHours('07:00-07:00')).toThrow(/different/);
  });
});
