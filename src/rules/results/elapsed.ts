import type { Condition, Duration } from '../../db/schema/commitments';

/**
 * The verdict of an `elapsed` condition (a deadline, `atMost`, or a notice period, `atLeast`)
 * on one member of a population, from the instants of its two milestones. The results engine
 * judges every published figure of this shape with it, and the staff console's outage screen
 * (src/rules/outages.ts) judges a single outage with it, so both read the promise the same way.
 *
 * Instants are epoch ms, NaN when the milestone is not reached.
 * - notice (`atLeast`): not started yet → excluded (nothing to judge); started without the
 *   first milestone (never announced) → missed; else met when `to` ≥ `from` + the period
 *   (exactly the period counts as given).
 * - deadline (`atMost`): `from` not reached → excluded; `to` not reached → missed once the
 *   deadline has come (deadline ≤ asOf), else excluded (still pending, or withdrawn); `to`
 *   before `from` → out-of-order (clocks or records wrong: the caller warns and leaves it out);
 *   else met when `to` ≤ the deadline (the 24th hour is inside "within 24 hours").
 *
 * `deadline(from, duration)` is the instant the duration ends (deadlineOf, or the engine's
 * cached copy of it); it may throw (a working-day deadline outside the calendar), and the
 * caller decides what that means.
 */
export type ElapsedCondition = Extract<Condition, { test: 'elapsed' }>;
export type ElapsedVerdict = 'met' | 'missed' | 'excluded' | 'out-of-order';

export function elapsedVerdict(
  where: ElapsedCondition,
  from: number,
  to: number,
  context: { asOfMs: number; withdrawn?: boolean; deadline: (fromMs: number, d: Duration) => number },
): ElapsedVerdict {
  if (where.atLeast) {
    if (Number.isNaN(to)) return 'excluded'; // not started yet
    if (Number.isNaN(from)) return 'missed'; // started without notice
    return to >= context.deadline(from, where.atLeast) ? 'met' : 'missed';
  }
  if (Number.isNaN(from)) return 'excluded';
  if (Number.isNaN(to)) {
    if (context.withdrawn) return 'excluded';
    return context.deadline(from, where.atMost!) <= context.asOfMs ? 'missed' : 'excluded';
  }
  if (to < from) return 'out-of-order';
  return to <= context.deadline(from, where.atMost!) ? 'met' : 'missed';
}
