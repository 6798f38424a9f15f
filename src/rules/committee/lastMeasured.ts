import type { Results } from '../../db/schema/results';

/**
 * Beside every proposed target, the last value measured for that indicator: the newest
 * results file (content/results/<year>.json, computed by `npm run results`) that has a figure
 * for the indicator's id, at or before the year the draft started from. A draft may be half
 * edited, so its indicators are read loosely: an entry without an id gets no figure.
 */

export interface LastMeasured {
  readonly year: number;
  /** null: nothing was measured (a denominator of zero). */
  readonly value: number | null;
  /** The verdict against that year's own target, when the file has one. */
  readonly met: boolean | null;
  readonly sample: boolean;
}

export interface IndicatorBeside {
  readonly index: number;
  readonly id: string | null;
  readonly last: LastMeasured | null;
}

export function lastMeasured(indicatorId: string, results: readonly Results[], upTo: number): LastMeasured | null {
  const years = results.filter((r) => r.year <= upTo && r.station === undefined).sort((a, b) => b.year - a.year);
  for (const file of years) {
    const figure = file.figures.find((f) => f.indicator === indicatorId);
    if (figure) return { year: file.year, value: figure.value, met: figure.met ?? null, sample: file.sample };
  }
  return null;
}

/** One row per indicator of a (possibly unfinished) draft set, in its order. */
export function indicatorsBesideLastMeasured(set: unknown, results: readonly Results[], upTo: number): IndicatorBeside[] {
  const indicators = typeof set === 'object' && set !== null ? (set as { indicators?: unknown }).indicators : undefined;
  if (!Array.isArray(indicators)) return [];
  return indicators.map((ind, index) => {
    const id = typeof ind === 'object' && ind !== null && typeof (ind as { id?: unknown }).id === 'string' ? (ind as { id: string }).id : null;
    return { index, id, last: id === null ? null : lastMeasured(id, results, upTo) };
  });
}
