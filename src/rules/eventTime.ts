/**
 * The time of an event (domain.md, "Settled readings", Times): the device's clock when it was
 * written (`at`), kept as written; the server keeps its own receipt time beside it
 * (`receivedAt`) and refuses an event dated more than 24 hours in its future. (An event dated
 * before its request's submission is refused by src/rules/requestLinkage.ts, which knows the
 * request.) Pure: the server's clock is passed in.
 *
 * The published results count `at` (src/rules/results/): a resident who wrote a report offline
 * at 23:00 reported it then, whenever the network carried it. These bounds are what keep a
 * wrong or forged device clock from moving figures: no event from the future, none before
 * its request.
 */

/** How far ahead of the server's clock a device's clock may be. */
export const MAX_CLOCK_AHEAD_MS = 24 * 60 * 60 * 1000;

export interface TimeProblem {
  readonly rule: 'event-time';
  readonly reason: string;
}

/** Whether an event dated `at` may be received at `nowMs` (the server's clock). */
export function futureProblem(at: string, nowMs: number, maxAheadMs: number = MAX_CLOCK_AHEAD_MS): TimeProblem | null {
  const ms = Date.parse(at);
  if (Number.isFinite(ms) && ms - nowMs > maxAheadMs) {
    return {
      rule: 'event-time',
      reason: `the event is dated ${at}, more than ${Math.round(maxAheadMs / 3_600_000)} hours ahead of the server's clock (${new Date(nowMs).toISOString()}): check the device's date and time`,
    };
  }
  return null;
}
