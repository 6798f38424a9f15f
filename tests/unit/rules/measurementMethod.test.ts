import { describe, expect, it } from 'vitest';
import {
  CLEARANCE_M,
  INDOOR_STANDARD_CELSIUS,
  MAX_ROOM_AREA_M2,
  MEASUREMENT_METHOD,
  measurementPoints,
  POINT_HEIGHT_M,
  type MeasurementRow,
} from '../../../src/rules/index';

// 002 ch.2 测温办法: <16 m² one point at the centre; 16 to <30 m² two points dividing the
// diagonal farther from the door into three; then (domain.md) 30 to <60 m² three points
// dividing it into four; ≥ 60 m² five points.
describe('measurementPoints: how many points by floor area', () => {
  it.each([
    [0.5, 1, 'centre'],
    [15.9, 1, 'centre'],
    [16, 2, 'diagonal-thirds'],
    [29.99, 2, 'diagonal-thirds'],
    [30, 3, 'diagonal-quarters'],
    [59.99, 3, 'diagonal-quarters'],
    [60, 5, 'centre-and-diagonals'],
    [MAX_ROOM_AREA_M2, 5, 'centre-and-diagonals'],
  ] as const)('%s m² → %s point(s), %s', (area, count, placement) => {
    const result = measurementPoints(area);
    expect(result.count).toBe(count);
    expect(result.placement).toBe(placement);
    expect(result.positions).toHaveLength(count);
  });

  it('puts the single point at the centre', () => {
    expect(measurementPoints(12).positions).toEqual([{ x: 0.5, y: 0.5 }]);
  });

  it('puts two points at the thirds of the diagonal farther from the door (door at (0,0))', () => {
    const [a, b] = measurementPoints(20).positions;
    // the far diagonal runs from (1,0) to (0,1); its thirds are (2/3,1/3) and (1/3,2/3)
    expect(a?.x).toBeCloseTo(2 / 3);
    expect(a?.y).toBeCloseTo(1 / 3);
    expect(b?.x).toBeCloseTo(1 / 3);
    expect(b?.y).toBeCloseTo(2 / 3);
    for (const p of [a, b]) expect((p?.x ?? 0) + (p?.y ?? 0)).toBeCloseTo(1); // on that diagonal
  });

  it('puts three points at the quarters of the far diagonal, the middle one at the centre', () => {
    expect(measurementPoints(45).positions).toEqual([
      { x: 0.75, y: 0.25 },
      { x: 0.5, y: 0.5 },
      { x: 0.25, y: 0.75 },
    ]);
  });

  it('puts five points at the centre and the middle of each half-diagonal', () => {
    const positions = measurementPoints(80).positions;
    expect(positions[0]).toEqual({ x: 0.5, y: 0.5 });
    expect(positions.slice(1)).toEqual(
      expect.arrayContaining([
        { x: 0.25, y: 0.25 },
        { x: 0.75, y: 0.25 },
        { x: 0.75, y: 0.75 },
        { x: 0.25, y: 0.75 },
      ]),
    );
  });

  it('keeps every point inside the room', () => {
    for (const area of [1, 20, 45, 80]) {
      for (const p of measurementPoints(area).positions) {
        expect(p.x).toBeGreaterThan(0);
        expect(p.x).toBeLessThan(1);
        expect(p.y).toBeGreaterThan(0);
        expect(p.y).toBeLessThan(1);
      }
    }
  });

  it('returns fresh positions that a caller may change without touching the method', () => {
    const first = measurementPoints(12);
    const pos = first.positions[0];
    if (pos) (pos as { x: number }).x = 99;
    expect(measurementPoints(12).positions[0]).toEqual({ x: 0.5, y: 0.5 });
  });
});

describe('measurementPoints: areas that cannot be measured', () => {
  it.each([0, -5])('refuses %s m²', (area) => {
    expect(() => measurementPoints(area)).toThrow(RangeError);
    expect(() => measurementPoints(area)).toThrow(/more than 0 m²/);
  });

  it('refuses 10 000 m² as a typing error', () => {
    expect(() => measurementPoints(10000)).toThrow(/more than the 1000 m²/);
    expect(() => measurementPoints(MAX_ROOM_AREA_M2 + 0.01)).toThrow(RangeError);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY])('refuses %s', (area) => {
    expect(() => measurementPoints(area)).toThrow(/finite/);
  });
});

describe('MEASUREMENT_METHOD: the table a utility may change', () => {
  it('covers every area from 0 up without gaps or overlaps', () => {
    MEASUREMENT_METHOD.forEach((row, i) => {
      const next = MEASUREMENT_METHOD[i + 1];
      if (next) expect(next.minAreaM2).toBe(row.maxAreaM2);
      else expect(row.maxAreaM2).toBeNull();
    });
    expect(MEASUREMENT_METHOD[0]?.minAreaM2).toBe(0);
  });

  it('labels every row in Chinese and English', () => {
    for (const row of MEASUREMENT_METHOD) {
      expect(row.label.zh).toMatch(/㎡/);
      expect(row.label.en).toMatch(/m²/);
    }
  });

  it('is taken as a parameter: a utility measuring 2 points from 12 m²', () => {
    const method: MeasurementRow[] = [
      { minAreaM2: 0, maxAreaM2: 12, points: 1, placement: 'centre', label: { zh: '1点', en: 'one' } },
      { minAreaM2: 12, maxAreaM2: null, points: 2, placement: 'diagonal-thirds', label: { zh: '2点', en: 'two' } },
    ];
    expect(measurementPoints(12, method).count).toBe(2);
    expect(measurementPoints(80, method).count).toBe(2);
  });

  it('refuses a table whose point count disagrees with its placement', () => {
    const method: MeasurementRow[] = [
      { minAreaM2: 0, maxAreaM2: null, points: 3, placement: 'centre', label: { zh: '错', en: 'wrong' } },
    ];
    expect(() => measurementPoints(10, method)).toThrow(/placement centre has 1 points, not 3/);
  });

  it('refuses an area the table does not cover', () => {
    const method: MeasurementRow[] = [
      { minAreaM2: 10, maxAreaM2: null, points: 1, placement: 'centre', label: { zh: '1点', en: 'one' } },
    ];
    expect(() => measurementPoints(5, method)).toThrow(/no row for a room of 5 m²/);
  });
});

describe('measuring constants (002 ch.2 测温办法, §6)', () => {
  it('measures between 0.7 m and 1.8 m high, 0.5 m clear of walls and heat sources', () => {
    expect(POINT_HEIGHT_M).toEqual({ low: 0.7, high: 1.8 });
    expect(CLEARANCE_M).toBe(0.5);
  });

  it('reads the seed\'s "182" as a standard of 18 °C', () => {
    expect(INDOOR_STANDARD_CELSIUS).toBe(18);
  });
});
