import { MINUTE_MS, toEpochMs, type Instant } from './chinaTime';

/**
 * In-home visits (002 ch.2 §13, ch.4 §11): arrive at the booked time or up to 10 minutes
 * early; later than the booked time is late, and the resident must be phoned and a new time
 * booked (a late notice) before arriving.
 */
export const EARLY_ALLOWANCE_MS = 10 * MINUTE_MS;

export type Arrival = 'on-time' | 'too-early' | 'late';

/** How an arrival at `at` stands against the booked `visitAt`: [visitAt − 10 min, visitAt] is on time. */
export function arrivalVerdict(visitAt: Instant, at: Instant, earlyMs: number = EARLY_ALLOWANCE_MS): Arrival {
  const visit = toEpochMs(visitAt);
  const now = toEpochMs(at);
  if (now > visit) return 'late';
  if (now < visit - earlyMs) return 'too-early';
  return 'on-time';
}

/**
 * Whether the technician must send a late notice (phone and re-book) before recording an
 * arrival at `at`: true when it would be late.
 */
export function needsLateNotice(visitAt: Instant, at: Instant): boolean {
  return arrivalVerdict(visitAt, at) === 'late';
}
