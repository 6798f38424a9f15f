import type { PublicText } from '../db/schema/common';
import type { Commitments, Target } from '../db/schema/commitments';
import { chinaDay, type Instant } from './chinaTime';
import type { ComputedResults } from './results/engine';

/**
 * The committee's provisional figures (issue 7): the results engine (src/rules/results) run on
 * the device over the records it holds, for the commitments in force now, measured up to now.
 * Nothing here is published; the view says so and gives the moment of computation.
 */

/**
 * The commitments in force on `now`: the set whose period holds today (China time), else the
 * newest set whose period has begun (between two heating seasons the last season is the
 * current year's), else null.
 */
export function currentCommitments(sets: readonly Commitments[], now: Instant): Commitments | null {
  const today = chinaDay(now);
  const begun = sets.filter((s) => s.period.from <= today).sort((a, b) => b.year - a.year);
  return begun.find((s) => today <= s.period.to) ?? begun[0] ?? null;
}

/** met, not met, or nothing measured yet (a zero denominator: never shown as 0 % or 100 %). */
export type ProvisionalStatus = 'met' | 'not-met' | 'not-measured';

export interface ProvisionalRow {
  readonly indicator: string;
  readonly label: PublicText;
  readonly value: number | null;
  readonly target: Target;
  readonly status: ProvisionalStatus;
  /** The figure's counts, for "23 of 25". */
  readonly numerator?: number;
  readonly denominator?: number;
  readonly count?: number;
}

/** One row per indicator of the commitments, in their order, from a computation of them. */
export function provisionalRows(commitments: Commitments, computed: ComputedResults): ProvisionalRow[] {
  const figures = new Map(computed.figures.map((f) => [f.indicator, f]));
  return commitments.indicators.map((ind) => {
    const f = figures.get(ind.id);
    const value = f?.value ?? null;
    const status: ProvisionalStatus = value === null || f?.met === null || f?.met === undefined ? 'not-measured' : f.met ? 'met' : 'not-met';
    return {
      indicator: ind.id,
      label: ind.label,
      value,
      target: ind.target,
      status,
      ...(f?.numerator !== undefined ? { numerator: f.numerator } : {}),
      ...(f?.denominator !== undefined ? { denominator: f.denominator } : {}),
      ...(f?.count !== undefined ? { count: f.count } : {}),
    };
  });
}
