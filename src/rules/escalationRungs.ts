import type { RungEntry } from '../db/schema/notifications';
import { ESCALATION_LADDER, type EscalationRung } from './escalation';

/**
 * Who stands on each rung of the escalation ladder (002 ch.1 §12: station head, company
 * manager, deputy manager in charge, general manager) is data the utility sets: entries of
 * accounts per level, for one station or for all. Pure.
 */

/** The accounts told when an order of `station` reaches `level`: that station's entries and the company-wide ones. */
export function rungAccounts(rungs: readonly RungEntry[], level: number, station: string): string[] {
  const out = new Set<string>();
  for (const r of rungs) if (r.level === level && (r.station === undefined || r.station === station)) for (const a of r.accounts) out.add(a);
  return [...out].sort();
}

export interface RungGap {
  readonly level: number;
  readonly rung: EscalationRung;
  /** The station with nobody on this rung. */
  readonly station: string;
}

/** Every rung of the ladder, at every station, with nobody on it: the utility must fill them. */
export function rungGaps(rungs: readonly RungEntry[], stations: readonly string[], ladder: readonly EscalationRung[] = ESCALATION_LADDER): RungGap[] {
  const gaps: RungGap[] = [];
  for (const rung of ladder) for (const station of stations) if (rungAccounts(rungs, rung.level, station).length === 0) gaps.push({ level: rung.level, rung, station });
  return gaps;
}

/**
 * The ladder after setting who stands on `level` at `station` (or company-wide): the entry for
 * that place is replaced; an empty list removes it.
 */
export function withRung(rungs: readonly RungEntry[], level: number, station: string | undefined, accounts: readonly string[]): RungEntry[] {
  const rest = rungs.filter((r) => !(r.level === level && r.station === station));
  if (accounts.length === 0) return rest;
  const entry: RungEntry = station === undefined ? { level, accounts: [...accounts] } : { level, station, accounts: [...accounts] };
  return [...rest, entry].sort((a, b) => a.level - b.level || (a.station ?? '').localeCompare(b.station ?? ''));
}
