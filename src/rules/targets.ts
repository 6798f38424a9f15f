import type { Target } from '../db/schema/commitments';

export type { Target };

/**
 * Slack for floating-point noise in computed figures: 29 of 50 is 58 % on paper but
 * (29 / 50) * 100 computes as 57.99999999999999. A figure within this of the target is
 * treated as equal to it. Far below any precision the committee publishes (0.1 %).
 */
export const TARGET_TOLERANCE = 1e-9;

/**
 * Whether a measured figure meets a published target (004 appendix: "over 99.9 %", "100 %
 * callback" …). `value` must be in the target's unit (percent as 0–100, scores as 1–10).
 * null means not measured (no records in the period): neither met nor missed, so null.
 */
export function meetsTarget(target: Target, value: number | null): boolean | null {
  if (value === null) return null;
  if (!Number.isFinite(value)) throw new RangeError(`a measured figure must be a finite number: ${value}`);
  const diff = value - target.value;
  switch (target.comparison) {
    case '>=':
      return diff >= -TARGET_TOLERANCE;
    case '>':
      return diff > TARGET_TOLERANCE;
    case '<=':
      return diff <= TARGET_TOLERANCE;
    case '<':
      return diff < -TARGET_TOLERANCE;
  }
}
