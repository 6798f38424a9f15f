import type { Results } from '../../db/schema/results';

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
