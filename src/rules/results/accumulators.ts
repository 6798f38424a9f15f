import type { Milestone } from '../../db/schema/milestone';
import type { RequestKind } from '../../db/schema/requestKind';
import { CHINA_UTC_OFFSET_MS } from '../chinaTime';
import { MILESTONE_INDEX } from './milestones';
import { chinaMonth, type PeriodBounds } from './period';
import { DAY } from './readers';

/**
 * What the fold keeps instead of the records: one compact accumulator per request, outage and
 * household, and the tallies of the figures counted as records arrive. Memory grows with these,
 * never with the number of events.
 */

export interface RequestAcc {
  kind: RequestKind;
  station: string;
  /**
   * Milestone instants (ms), NaN while not reached, by index in REQUEST_MILESTONES. A plain
   * array of numbers, not a Float64Array: eleven doubles are past the size V8 keeps a typed
   * array's storage on its heap, so each request's array cost a separate allocation and its
   * release (3 % of the compute bench).
   */
  readonly t: number[];
  withdrawn: boolean;
  fault?: string;
  /** Appointments: the day the resident booked; the visit is due by its end when that is later than the promise (bookingWindows.ts). */
  bookedDay?: string;
  /** Temperature tests: the last measured record. */
  measuredAt?: number;
  measuredId?: string;
  measuredValid?: boolean;
  measuredMinMean?: number;
  measuredSigned?: boolean;
  lastSignOffAt?: number;
}

export interface OutageAcc {
  station?: string;
  announced: number;
  plannedStart: number;
  started: number;
  restored: number;
  planned?: boolean;
  atHeatSource: boolean;
  /** A staff member marked it an emergency accident (an `outage-emergency` record). */
  emergency: boolean;
  affected: number;
}

export interface HouseholdAcc {
  station?: string;
  at: number;
  activeFrom: string;
  activeTo?: string;
}

// ------------------------------------------------------------------ tallies of figures

export class Tally {
  num = 0;
  den = 0;
  readonly station = new Map<string, [number, number]>();
  readonly kind = new Map<string, [number, number]>();
  readonly month = new Map<string, [number, number]>();
  add(numerator: number, denominator: number, keys: { station?: string; kind?: string; month?: string }): void {
    this.num += numerator;
    this.den += denominator;
    bump(this.station, keys.station, numerator, denominator);
    bump(this.kind, keys.kind, numerator, denominator);
    bump(this.month, keys.month, numerator, denominator);
  }
}
export function bump(map: Map<string, [number, number]>, key: string | undefined, a: number, b: number): void {
  if (key === undefined) return;
  const cell = map.get(key);
  if (cell) {
    cell[0] += a;
    cell[1] += b;
  } else map.set(key, [a, b]);
}

export type Verdict = 'met' | 'missed' | 'excluded';

const monthCache = new Map<number, string>();
/** chinaMonth, cached by China day: a season has a few hundred days, a year's records millions. */
export function monthOf(ms: number): string {
  const day = Math.floor((ms + CHINA_UTC_OFFSET_MS) / DAY);
  let m = monthCache.get(day);
  if (m === undefined) {
    m = chinaMonth(ms);
    if (monthCache.size > 10_000) monthCache.clear();
    monthCache.set(day, m);
  }
  return m;
}

export interface Subject {
  readonly keys: { station?: string; kind?: string; month?: string };
  /** The instant a milestone was reached (ms), NaN when not reached. */
  time(m: Milestone): number;
  readonly withdrawn: boolean;
  readonly minMean?: number;
  /** Appointments: the day the resident booked (the deadline from the submission is at least its end). */
  readonly bookedDay?: string;
}

/** A request as a member of a population (a class, not a closure per request: finishing made one per request and indicator). */
export class RequestSubject implements Subject {
  readonly keys: { station: string; kind: string; month: string };
  readonly withdrawn: boolean;
  readonly bookedDay?: string;
  constructor(
    private readonly r: RequestAcc,
    month: string,
  ) {
    this.keys = { station: r.station, kind: r.kind, month };
    this.withdrawn = r.withdrawn;
    this.bookedDay = r.bookedDay;
  }
  time(m: Milestone): number {
    const i = MILESTONE_INDEX.get(m);
    return i === undefined ? NaN : this.r.t[i]!;
  }
}

export function lastDayOf(p: PeriodBounds): string {
  return new Date(p.endMs - 1 + CHINA_UTC_OFFSET_MS).toISOString().slice(0, 10);
}

export function activeBetween(h: HouseholdAcc, firstDay: string, lastDay: string): boolean {
  return h.activeFrom <= lastDay && (h.activeTo === undefined || h.activeTo >= firstDay);
}
