import {
  areaProblem,
  INDOOR_STANDARD_CELSIUS,
  MEASUREMENT_METHOD,
  measurementRow,
  type MeasurementRow,
} from './measurementMethod';
import { roundTo } from './rounding';

/** Tolerance for float noise in a mean: (17.2 + 17.9 + 18.9) / 3 computes as 17.999…996 but is 18. */
const CELSIUS_TOLERANCE = 1e-9;

/**
 * A room's figure: the mean of its points (002 ch.2 测温办法). The exact mean is kept;
 * round only for display (formatCelsius). Throws on no readings or a non-finite reading.
 */
export function roomMean(readings: readonly number[]): number {
  if (readings.length === 0) throw new RangeError('a room needs at least one reading to have a mean');
  for (const r of readings) {
    if (!Number.isFinite(r)) throw new RangeError(`a reading must be a finite number of °C, got ${r}`);
  }
  return readings.reduce((sum, r) => sum + r, 0) / readings.length;
}

/**
 * Whether a room's mean meets the indoor standard: at least 18 °C (002 §6). Judged on the
 * exact mean, not the displayed one: 17.96 °C shows as 18.0 °C yet falls short.
 */
export function roomCompliant(mean: number, standard: number = INDOOR_STANDARD_CELSIUS): boolean {
  return mean >= standard - CELSIUS_TOLERANCE;
}

/** A temperature for display, to 0.1 °C: "18.3 °C". */
export function formatCelsius(celsius: number): string {
  return `${roundTo(celsius, 1).toFixed(1)} °C`;
}

export interface RoomRecord {
  readonly name: string;
  readonly areaM2: number;
  readonly readings: readonly number[];
}

/** A temperature-test record as the technician enters it (室温检测记录单). */
export interface TemperatureTestRecord {
  readonly rooms: readonly RoomRecord[];
  /** The resident signed the record (002 ch.2: "测温记录无用户签字无效"). */
  readonly signed: boolean;
}

export type TemperatureTestProblem =
  | { readonly code: 'unsigned'; readonly message: string }
  | { readonly code: 'no-rooms'; readonly message: string }
  | { readonly code: 'bad-area'; readonly room: string; readonly message: string }
  | { readonly code: 'bad-reading'; readonly room: string; readonly message: string }
  | {
      readonly code: 'reading-count';
      readonly room: string;
      readonly expected: number;
      readonly actual: number;
      readonly message: string;
    };

export interface RoomOutcome {
  readonly name: string;
  readonly areaM2: number;
  /** Points the method requires for the area; null when the area is unusable. */
  readonly points: number | null;
  /** Exact mean of the readings; null when the room's readings are unusable. */
  readonly mean: number | null;
  readonly compliant: boolean | null;
}

export interface TemperatureTestOutcome {
  /** False when unsigned or when any room breaks the method; an invalid record never counts. */
  readonly valid: boolean;
  readonly problems: readonly TemperatureTestProblem[];
  readonly rooms: readonly RoomOutcome[];
  /** Every room at or above the standard; null when the record is invalid (no finding). */
  readonly allCompliant: boolean | null;
}

/**
 * Judge a temperature-test record (002 ch.2). Each room must carry exactly as many readings
 * as its area requires (MEASUREMENT_METHOD); its figure is their mean; the home complies
 * when every room does. A record without the resident's signature is invalid. Defects are
 * reported, not thrown, so a form can show them all at once. A room's figures are still
 * given when its own readings are sound, so staff can see them before the resident signs.
 */
export function temperatureTestOutcome(
  record: TemperatureTestRecord,
  options: { method?: readonly MeasurementRow[]; standardCelsius?: number } = {},
): TemperatureTestOutcome {
  const method = options.method ?? MEASUREMENT_METHOD;
  const standard = options.standardCelsius ?? INDOOR_STANDARD_CELSIUS;
  const problems: TemperatureTestProblem[] = [];
  if (!record.signed) {
    problems.push({ code: 'unsigned', message: "a record without the resident's signature is invalid" });
  }
  if (record.rooms.length === 0) {
    problems.push({ code: 'no-rooms', message: 'the record has no rooms' });
  }
  const rooms = record.rooms.map((room): RoomOutcome => {
    const unusable = { name: room.name, areaM2: room.areaM2, mean: null, compliant: null };
    const badArea = areaProblem(room.areaM2);
    if (badArea) {
      problems.push({ code: 'bad-area', room: room.name, message: `${room.name}: ${badArea}` });
      return { ...unusable, points: null };
    }
    const points = measurementRow(room.areaM2, method).points;
    if (room.readings.some((r) => !Number.isFinite(r))) {
      problems.push({ code: 'bad-reading', room: room.name, message: `${room.name}: every reading must be a number of °C` });
      return { ...unusable, points };
    }
    if (room.readings.length !== points) {
      problems.push({
        code: 'reading-count',
        room: room.name,
        expected: points,
        actual: room.readings.length,
        message: `${room.name}: a room of ${room.areaM2} m² needs ${points} reading(s), got ${room.readings.length}`,
      });
      return { ...unusable, points };
    }
    const mean = roomMean(room.readings);
    return { name: room.name, areaM2: room.areaM2, points, mean, compliant: roomCompliant(mean, standard) };
  });
  const valid = problems.length === 0;
  return {
    valid,
    problems,
    rooms,
    allCompliant: valid ? rooms.every((r) => r.compliant === true) : null,
  };
}
