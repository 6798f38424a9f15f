import type { Commitments, Indicator } from '../db/schema/commitments';
import type { Figure, Results } from '../db/schema/results';
import { meetsTarget } from '../rules/targets';

export interface IndicatorResult {
  indicator: Indicator;
  figure: Figure | undefined;
  /** null when there was nothing to measure (no figure, or a zero denominator). */
  value: number | null;
  met: boolean | null;
}

/** Pairs each committed indicator with its measured figure; an indicator without one is "not measured". */
export function resultsAgainstCommitments(commitments: Commitments, results: Results): IndicatorResult[] {
  const byId = new Map(results.figures.map((f) => [f.indicator, f]));
  return commitments.indicators.map((indicator) => {
    const figure = byId.get(indicator.id);
    const value = figure?.value ?? null;
    return { indicator, figure, value, met: meetsTarget(indicator.target, value) };
  });
}

export function countOutcomes(rows: IndicatorResult[]): { met: number; notMet: number; notMeasured: number } {
  return {
    met: rows.filter((r) => r.met === true).length,
    notMet: rows.filter((r) => r.met === false).length,
    notMeasured: rows.filter((r) => r.met === null).length,
  };
}
