import { describe, expect, it } from 'vitest';
import { formatCelsius, roomCompliant, roomMean, temperatureTestOutcome } from '../../../src/rules/index';
import { room, testRecord } from '../../support/builders/rules';

describe('roomMean: a room\'s figure is the mean of its points', () => {
  it('averages the readings exactly', () => {
    expect(roomMean([18.2])).toBe(18.2);
    expect(roomMean([17.8, 18.4])).toBeCloseTo(18.1, 10);
    expect(roomMean([18, 19, 20, 17, 21])).toBe(19);
  });

  it('refuses no readings or a reading that is not a number', () => {
    expect(() => roomMean([])).toThrow(/at least one reading/);
    expect(() => roomMean([18, Number.NaN])).toThrow(RangeError);
  });
});

describe('roomCompliant: at least 18 °C (002 §6)', () => {
  it('passes 18 °C exactly and fails just below', () => {
    expect(roomCompliant(18)).toBe(true);
    expect(roomCompliant(17.99)).toBe(false);
    expect(roomCompliant(22)).toBe(true);
  });

  it('counts a mean that is 18 only up to float noise as 18', () => {
    // (17.2 + 17.9 + 18.9) / 3 is 17.999999999999996 in binary floating point; on paper it is 18
    const mean = roomMean([17.2, 17.9, 18.9]);
    expect(mean).toBeLessThan(18);
    expect(roomCompliant(mean)).toBe(true);
  });

  it('judges the exact mean, not the displayed one', () => {
    const mean = roomMean([17.9, 18.02]); // 17.96
    expect(formatCelsius(mean)).toBe('18.0 °C');
    expect(roomCompliant(mean)).toBe(false);
  });

  it('takes another standard as a parameter', () => {
    expect(roomCompliant(19, 20)).toBe(false);
  });
});

describe('formatCelsius', () => {
  it('shows one decimal', () => {
    expect(formatCelsius(18)).toBe('18.0 °C');
    expect(formatCelsius(18.05)).toBe('18.1 °C');
    expect(formatCelsius(-3.14)).toBe('-3.1 °C');
  });
});

describe('temperatureTestOutcome (002 ch.2)', () => {
  const flat = () =>
    testRecord([
      room('bedroom', 12, 18.6), // < 16 m²: 1 point
      room('living room', 24, 18.2, 18.6), // 16–30 m²: 2 points
      room('open plan', 45, 18.0, 18.3, 18.9), // 30–60 m²: 3 points
      room('hall', 60, 19, 19, 19, 19, 19), // ≥ 60 m²: 5 points
    ]);

  it('judges a signed record room by room', () => {
    const outcome = temperatureTestOutcome(flat());
    expect(outcome.valid).toBe(true);
    expect(outcome.problems).toEqual([]);
    expect(outcome.rooms.map((r) => [r.name, r.points, r.compliant])).toEqual([
      ['bedroom', 1, true],
      ['living room', 2, true],
      ['open plan', 3, true],
      ['hall', 5, true],
    ]);
    expect(outcome.rooms[1]?.mean).toBeCloseTo(18.4, 10);
    expect(outcome.allCompliant).toBe(true);
  });

  it('finds the home non-compliant when one room is below 18 °C', () => {
    const outcome = temperatureTestOutcome(testRecord([room('bedroom', 12, 18.6), room('study', 9, 16.4)]));
    expect(outcome.valid).toBe(true);
    expect(outcome.rooms[1]?.compliant).toBe(false);
    expect(outcome.allCompliant).toBe(false);
  });

  it("declares an unsigned record invalid: 'a record without the resident's signature is invalid'", () => {
    const outcome = temperatureTestOutcome({ ...flat(), signed: false });
    expect(outcome.valid).toBe(false);
    expect(outcome.problems).toEqual([
      { code: 'unsigned', message: "a record without the resident's signature is invalid" },
    ]);
    expect(outcome.allCompliant).toBeNull();
    // the figures are still shown, so staff can go through them before the resident signs
    expect(outcome.rooms[0]?.mean).toBe(18.6);
  });

  it('requires exactly as many readings as the area requires', () => {
    const outcome = temperatureTestOutcome(
      testRecord([room('living room', 24, 18.2), room('bedroom', 15.9, 18, 19), room('hall', 30, 18, 18, 18)]),
    );
    expect(outcome.valid).toBe(false);
    expect(outcome.problems).toEqual([
      {
        code: 'reading-count',
        room: 'living room',
        expected: 2,
        actual: 1,
        message: 'living room: a room of 24 m² needs 2 reading(s), got 1',
      },
      expect.objectContaining({ code: 'reading-count', room: 'bedroom', expected: 1, actual: 2 }),
    ]);
    expect(outcome.rooms[0]).toEqual({ name: 'living room', areaM2: 24, points: 2, mean: null, compliant: null });
    expect(outcome.rooms[2]?.compliant).toBe(true);
    expect(outcome.allCompliant).toBeNull();
  });

  it('reports an unusable area or reading instead of throwing', () => {
    const outcome = temperatureTestOutcome(
      testRecord([room('typo', 10000, 18, 18, 18, 18, 18), room('blank', 12, Number.NaN)]),
      { standardCelsius: 18 },
    );
    expect(outcome.problems.map((p) => p.code)).toEqual(['bad-area', 'bad-reading']);
    expect(outcome.problems[0]?.message).toMatch(/^typo: room area of 10000 m²/);
    expect(outcome.rooms[0]?.points).toBeNull();
    expect(outcome.rooms[1]).toMatchObject({ points: 1, mean: null, compliant: null });
  });

  it('reports a record with no rooms', () => {
    const outcome = temperatureTestOutcome(testRecord([], false));
    expect(outcome.problems.map((p) => p.code)).toEqual(['unsigned', 'no-rooms']);
    expect(outcome.allCompliant).toBeNull();
  });

  it('takes the method and the standard as options', () => {
    const outcome = temperatureTestOutcome(testRecord([room('bedroom', 12, 19)]), {
      standardCelsius: 20,
      method: [{ minAreaM2: 0, maxAreaM2: null, points: 1, placement: 'centre', label: { zh: '1点', en: 'one' } }],
    });
    expect(outcome.allCompliant).toBe(false);
  });
});
