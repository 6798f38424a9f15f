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

/**
 * "Last measured" beside a proposed target, with the reason when there is no figure (issue 23
 * item 5: "尚无实测数据" for 9 of 11 indicators, sample figures for the other 2). The year is the
 * one the draft started from; its figure comes from, in order:
 *   - the published results of that year (content/results/<year>.json, computed from the
 *     records when the next year's commitments were published), never a sample file;
 *   - else the results engine run on this device's records of that year (provisional);
 * and when neither has one, why: the indicator is new (that year did not measure it), nothing
 * was recorded for it that year, or that year's figures are not computed yet.
 */
export type LastMeasuredReading =
  | { readonly kind: 'measured'; readonly year: number; readonly value: number; readonly met: boolean | null; readonly source: 'published' | 'provisional' }
  | { readonly kind: 'new-indicator'; readonly year: number }
  | { readonly kind: 'nothing-recorded'; readonly year: number }
  | { readonly kind: 'not-computed'; readonly year: number };

export interface LastMeasuredSources {
  /** The year the draft started from. */
  readonly year: number;
  /** The published results files (sample files are skipped). */
  readonly results: readonly Results[];
  /** The indicator ids that year's commitments measured (null: no commitments of that year). */
  readonly measuredIds: readonly string[] | null;
  /** The figures the device computed for that year (null: not computed, or no records). */
  readonly provisional: ReadonlyMap<string, { readonly value: number | null; readonly met: boolean | null }> | null;
}

export function lastMeasuredReading(indicatorId: string | null, s: LastMeasuredSources): LastMeasuredReading {
  const year = s.year;
  if (indicatorId === null || (s.measuredIds !== null && !s.measuredIds.includes(indicatorId))) return { kind: 'new-indicator', year };
  const file = s.results.find((r) => r.year === year && r.station === undefined && !r.sample);
  const published = file?.figures.find((f) => f.indicator === indicatorId);
  if (published && published.value !== null) return { kind: 'measured', year, value: published.value, met: published.met ?? null, source: 'published' };
  if (published) return { kind: 'nothing-recorded', year };
  const provisional = s.provisional?.get(indicatorId);
  if (provisional && provisional.value !== null) return { kind: 'measured', year, value: provisional.value, met: provisional.met, source: 'provisional' };
  if (provisional) return { kind: 'nothing-recorded', year };
  return { kind: 'not-computed', year };
}
