import { describe, expect, it } from 'vitest';
import { HEATING_SEASON, heatingSeasonOf, inHeatingSeason } from '../../../src/rules/index';
import { cst } from '../../support/builders/rules';

// 002 §5: "采暖期为每年的11月15日至次年3月20日", both days included, China calendar.
describe('inHeatingSeason', () => {
  it.each([
    ['2025-11-14 23:59', false],
    ['2025-11-15 00:00', true],
    ['2025-12-31 12:00', true],
    ['2026-01-01 00:00', true],
    ['2026-03-20 23:59', true],
    ['2026-03-21 00:00', false],
    ['2026-07-01 12:00', false],
  ])('%s China time → %s', (wallClock, inSeason) => {
    expect(inHeatingSeason(cst(wallClock))).toBe(inSeason);
  });

  it('reads the China day: 16:00 UTC on 14 Nov is already 15 Nov in China', () => {
    expect(inHeatingSeason(new Date('2025-11-14T16:00:00Z'))).toBe(true);
    expect(inHeatingSeason(new Date('2025-11-14T15:59:59Z'))).toBe(false);
  });
});

describe('heatingSeasonOf', () => {
  it('names the season that began in November', () => {
    const season = heatingSeasonOf(cst('2025-12-10 08:00'));
    expect(season).toEqual({
      label: '2025-26',
      from: '2025-11-15',
      to: '2026-03-20',
      startsAt: cst('2025-11-15 00:00'),
      endsAt: cst('2026-03-21 00:00'),
    });
  });

  it('gives the same season in its new-year part', () => {
    expect(heatingSeasonOf(cst('2026-03-20 23:59'))?.label).toBe('2025-26');
    expect(heatingSeasonOf(cst('2026-01-01 00:00'))?.from).toBe('2025-11-15');
  });

  it('pads the label across a century: 2099-00', () => {
    expect(heatingSeasonOf(cst('2099-12-01 00:00'))?.label).toBe('2099-00');
  });

  it('is null between seasons', () => {
    expect(heatingSeasonOf(cst('2026-03-21 00:00'))).toBeNull();
    expect(heatingSeasonOf(cst('2025-11-14 23:59'))).toBeNull();
  });

  it('takes another season as a parameter, also one inside a single year', () => {
    const earlier = { start: '11-01', end: '03-31' };
    expect(inHeatingSeason(cst('2025-11-01 00:00'), earlier)).toBe(true);
    expect(inHeatingSeason(cst('2025-11-01 00:00'), HEATING_SEASON)).toBe(false);
    const withinYear = { start: '01-10', end: '02-20' };
    expect(heatingSeasonOf(cst('2026-02-01 00:00'), withinYear)).toMatchObject({ label: '2026', from: '2026-01-10', to: '2026-02-20' });
    expect(heatingSeasonOf(cst('2026-03-01 00:00'), withinYear)).toBeNull();
  });

  it('refuses a malformed bound or 29 Feb', () => {
    expect(() => inHeatingSeason(cst('2026-02-01 00:00'), { start: '11-31', end: '03-20' })).toThrow(/MM-DD/);
    expect(() => inHeatingSeason(cst('2026-02-01 00:00'), { start: '11-15', end: '02-29' })).toThrow(/02-29/);
    expect(() => inHeatingSeason(cst('2026-02-01 00:00'), { start: '1115', end: '03-20' })).toThrow(RangeError);
  });
});
