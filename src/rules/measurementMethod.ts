import type { Bilingual } from '../db/schema/common';
import { MAX_ROOM_AREA_M2 } from '../db/schema/vocabulary';

/** Where a room's measuring points go (002 ch.2, 测温办法). */
export type PointPlacement = 'centre' | 'diagonal-thirds' | 'diagonal-quarters' | 'centre-and-diagonals';

export interface MeasurementRow {
  /** Floor area from which the row applies, m², included. */
  readonly minAreaM2: number;
  /** Floor area at which the next row takes over, m², excluded; null for open-ended. */
  readonly maxAreaM2: number | null;
  readonly points: number;
  readonly placement: PointPlacement;
  readonly label: Bilingual;
}

/**
 * The number and place of measuring points by room floor area (002 ch.2, 测温办法 1:
 * "室内面积不足16㎡的，测室中央1点；16㎡以上但不足30㎡测2点（居室对角线三等分，取离房间门
 * 较远的房间对角线的二…" — the seed is cut off there). The rows from 30 m² follow the common
 * rule that continues it, as domain.md directs: 30 to under 60 m², three points dividing the
 * diagonal into four; 60 m² and over, five points (centre and four on the two diagonals).
 * One table that a utility can change.
 */
export const MEASUREMENT_METHOD: readonly MeasurementRow[] = [
  {
    minAreaM2: 0,
    maxAreaM2: 16,
    points: 1,
    placement: 'centre',
    label: { zh: '不足16㎡：房间中央1点', en: 'Under 16 m²: one point at the centre of the room' },
  },
  {
    minAreaM2: 16,
    maxAreaM2: 30,
    points: 2,
    placement: 'diagonal-thirds',
    label: {
      zh: '16㎡至不足30㎡：2点，将离门较远的对角线三等分，取中间两个分点',
      en: '16 to under 30 m²: two points, the inner points dividing the diagonal farther from the door into three',
    },
  },
  {
    minAreaM2: 30,
    maxAreaM2: 60,
    points: 3,
    placement: 'diagonal-quarters',
    label: {
      zh: '30㎡至不足60㎡：3点，将对角线四等分，取中间三个分点',
      en: '30 to under 60 m²: three points, the inner points dividing the diagonal into four',
    },
  },
  {
    minAreaM2: 60,
    maxAreaM2: null,
    points: 5,
    placement: 'centre-and-diagonals',
    label: {
      zh: '60㎡及以上：5点，房间中央1点及两条对角线上各2点',
      en: '60 m² and over: five points, the centre and two on each diagonal',
    },
  },
];

/** Measuring height above the floor, m (002 ch.2 测温办法: between 0.7 m and 1.8 m). */
export const POINT_HEIGHT_M = { low: 0.7, high: 1.8 } as const;
/** Least distance of a point from outer walls and heat sources, m (002 ch.2 测温办法). */
export const CLEARANCE_M = 0.5;
/** Least indoor temperature of a heated room in season, °C (002 §6; the seed's "182" read as 18). */
export const INDOOR_STANDARD_CELSIUS = 18;
/** Larger than any room of a home; a larger area is a typing error (m² entered as cm², say). Declared with the schemas' vocabulary. */
export { MAX_ROOM_AREA_M2 };

/** A point on the floor of a room drawn as the unit square, the door at the corner (0, 0). */
export interface FloorPoint {
  readonly x: number;
  readonly y: number;
}

/**
 * Positions on the unit room. The door is at (0, 0), so the diagonal farther from the door
 * is the one from (1, 0) to (0, 1); the point a fraction t along it is (1 − t, t).
 * Staff still keep the 0.5 m clearance (CLEARANCE_M) when placing the thermometer.
 */
function farDiagonal(t: number): FloorPoint {
  return { x: 1 - t, y: t };
}

const POSITIONS: Record<PointPlacement, readonly FloorPoint[]> = {
  centre: [{ x: 0.5, y: 0.5 }],
  // The two inner points dividing the far diagonal into three.
  'diagonal-thirds': [farDiagonal(1 / 3), farDiagonal(2 / 3)],
  // The three inner points dividing the far diagonal into four (the middle one is the centre).
  'diagonal-quarters': [farDiagonal(1 / 4), farDiagonal(2 / 4), farDiagonal(3 / 4)],
  // The centre, then the midpoint of each half-diagonal (centre to each corner).
  'centre-and-diagonals': [
    { x: 0.5, y: 0.5 },
    { x: 0.25, y: 0.25 },
    { x: 0.75, y: 0.25 },
    { x: 0.75, y: 0.75 },
    { x: 0.25, y: 0.75 },
  ],
};

/**
 * Why a floor area cannot be measured, or null when it can. Shared by measurementPoints
 * (which throws) and temperatureTestOutcome (which reports).
 */
export function areaProblem(areaM2: number): string | null {
  if (!Number.isFinite(areaM2)) return `room area must be a finite number of m², got ${areaM2}`;
  if (areaM2 <= 0) return `room area must be more than 0 m², got ${areaM2}`;
  if (areaM2 > MAX_ROOM_AREA_M2) return `room area of ${areaM2} m² is more than the ${MAX_ROOM_AREA_M2} m² a room can have; check the figure`;
  return null;
}

/** The row of the method that applies to a floor area. */
export function measurementRow(areaM2: number, method: readonly MeasurementRow[] = MEASUREMENT_METHOD): MeasurementRow {
  const problem = areaProblem(areaM2);
  if (problem) throw new RangeError(problem);
  const row = method.find((r) => areaM2 >= r.minAreaM2 && (r.maxAreaM2 === null || areaM2 < r.maxAreaM2));
  if (!row) throw new RangeError(`the measurement method has no row for a room of ${areaM2} m²`);
  return row;
}

/**
 * How many points to measure in a room of `areaM2` and where, on the unit room (door at
 * (0, 0)). Throws a RangeError for an area ≤ 0, not finite, or above MAX_ROOM_AREA_M2, and
 * when the table's point count disagrees with its placement.
 */
export function measurementPoints(
  areaM2: number,
  method: readonly MeasurementRow[] = MEASUREMENT_METHOD,
): { count: number; placement: PointPlacement; positions: FloorPoint[] } {
  const row = measurementRow(areaM2, method);
  const positions = POSITIONS[row.placement].map((p) => ({ ...p }));
  if (positions.length !== row.points) {
    throw new RangeError(
      `measurement method row from ${row.minAreaM2} m²: placement ${row.placement} has ${positions.length} points, not ${row.points}`,
    );
  }
  return { count: row.points, placement: row.placement, positions };
}
