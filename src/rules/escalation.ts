import type { Bilingual } from '../db/schema/common';
import { HOUR_MS, toEpochMs, type Instant } from './chinaTime';

/** One rung of the escalation ladder. */
export interface EscalationRung {
  /** Hours the order has stayed unhandled since it was opened. */
  readonly afterHours: number;
  readonly level: number;
  readonly escalatesTo: string;
  readonly label: Bilingual;
}

/**
 * An unhandled repair or complaint order escalates up the management chain (002 ch.1 §12:
 * "24小时未处理…升级至供热所所长；48小时…公司经理；72小时…分管经理；96小时…总经理").
 * Elapsed hours, not working hours: the seed counts clock hours and the season runs 24 h.
 */
export const ESCALATION_LADDER: readonly EscalationRung[] = [
  { afterHours: 24, level: 1, escalatesTo: 'station-head', label: { zh: '供热所所长', en: 'Station head' } },
  { afterHours: 48, level: 2, escalatesTo: 'company-manager', label: { zh: '公司经理', en: 'Company manager' } },
  { afterHours: 72, level: 3, escalatesTo: 'deputy-manager', label: { zh: '分管经理', en: 'Deputy manager in charge' } },
  { afterHours: 96, level: 4, escalatesTo: 'general-manager', label: { zh: '总经理', en: 'General manager' } },
];

/** Checks that a ladder climbs: afterHours and level strictly increase, level 1 first. */
function checkedLadder(ladder: readonly EscalationRung[]): readonly EscalationRung[] {
  ladder.forEach((rung, i) => {
    const prev = ladder[i - 1];
    if (!Number.isFinite(rung.afterHours) || rung.afterHours < 0) {
      throw new RangeError(`escalation rung ${rung.level}: afterHours must be a finite number, zero or more`);
    }
    if (rung.level !== i + 1) throw new RangeError(`escalation rungs must be levels 1, 2, 3 … in order; found ${rung.level} at position ${i + 1}`);
    if (prev && rung.afterHours <= prev.afterHours) {
      throw new RangeError(`escalation rung ${rung.level} must come after rung ${prev.level} (${rung.afterHours} h ≤ ${prev.afterHours} h)`);
    }
  });
  return ladder;
}

/** The instant at which an order opened at `openedAt` reaches a rung. */
function reachedAt(openedAtMs: number, rung: EscalationRung): number {
  return openedAtMs + rung.afterHours * HOUR_MS;
}

/**
 * The escalation level of an order opened at `openedAt` and still unhandled at `now`:
 * 0 before the first rung, else the highest rung reached (a rung is reached at exactly its
 * hour: 24 h 00 min is level 1). A `now` before `openedAt` (a skewed clock) is level 0.
 * Whether the order is still unhandled is the caller's to say; this only counts hours.
 */
export function escalationLevel(openedAt: Instant, now: Instant, ladder: readonly EscalationRung[] = ESCALATION_LADDER): number {
  const opened = toEpochMs(openedAt);
  const nowMs = toEpochMs(now);
  let level = 0;
  for (const rung of checkedLadder(ladder)) {
    if (nowMs >= reachedAt(opened, rung)) level = rung.level;
  }
  return level;
}

/** The next rung still ahead at `now` and when it is reached, or null at the top of the ladder. */
export function nextEscalation(
  openedAt: Instant,
  now: Instant,
  ladder: readonly EscalationRung[] = ESCALATION_LADDER,
): { level: number; escalatesTo: string; label: Bilingual; at: Date } | null {
  const opened = toEpochMs(openedAt);
  const nowMs = toEpochMs(now);
  for (const rung of checkedLadder(ladder)) {
    const at = reachedAt(opened, rung);
    if (at > nowMs) return { level: rung.level, escalatesTo: rung.escalatesTo, label: rung.label, at: new Date(at) };
  }
  return null;
}

/**
 * The levels reached by `now` that are not yet in `alreadyRecordedLevels`, lowest first, so
 * each escalation is recorded once per level even when a device was offline past several
 * rungs (it then records every skipped rung, not only the top one).
 */
export function escalationsDue(
  openedAt: Instant,
  now: Instant,
  alreadyRecordedLevels: readonly number[],
  ladder: readonly EscalationRung[] = ESCALATION_LADDER,
): number[] {
  const reached = escalationLevel(openedAt, now, ladder);
  const recorded = new Set(alreadyRecordedLevels);
  const due: number[] = [];
  for (let level = 1; level <= reached; level += 1) {
    if (!recorded.has(level)) due.push(level);
  }
  return due;
}
