import type { Duration, Population } from '../db/schema/commitments';
import type { OperationsRecord, RecordOf } from '../db/schema/records/record';
import { deadlineOf } from './deadlines';
import { elapsedVerdict, type ElapsedCondition } from './results/elapsed';

/**
 * Supply outages as the staff console shows them (issue 6 item 10): each outage's records
 * (`outage-announced`, `outage-started`, `outage-restored`, joined by `payload.outage`) folded
 * into its state, the notice it was given and the 24-hour restoration promise. Pure: the clock
 * (`now`, epoch ms) is passed in.
 *
 * The promises are those of 002 §8 / 004 as the commitments define them for the figures
 * (content/commitments/*.yaml, `outage-notice-48h` and `heating-restored-24h`; a unit test
 * keeps these two conditions equal to the published ones), and every verdict here is the
 * results engine's own (`elapsedVerdict`, src/rules/results/elapsed.ts), read the way its fold
 * reads the records: the earliest announcement and start, the latest restoration, the
 * planned start of the latest announcement; an outage is planned when its start says so, or,
 * before it starts, when it was announced; faults at the heat source are outside the 24-hour
 * promise.
 */

export const OUTAGE_RECORD_TYPES = ['outage-announced', 'outage-started', 'outage-restored', 'outage-emergency'] as const;
type OutageRecord = RecordOf<(typeof OUTAGE_RECORD_TYPES)[number]>;

/** 002 §8, 004: a planned outage is announced at least 48 hours before it starts. */
export const NOTICE: ElapsedCondition = { test: 'elapsed', from: 'announced', to: 'started', atLeast: { value: 48, unit: 'hours' } };
/** 002 §8: heating back within 24 hours of the start (faults at the heat source excepted). */
export const RESTORATION: ElapsedCondition = { test: 'elapsed', from: 'started', to: 'restored', atMost: { value: 24, unit: 'hours' } };

type OutagePopulation = Extract<Population, { records: 'outages' }>;
/** A promise about outages as the commitments measure it: which outages it covers, and the condition. */
export interface OutagePromise {
  readonly of: OutagePopulation;
  readonly where: ElapsedCondition;
}
/**
 * The heating promises (content/commitments/2025.yaml: `outage-notice-48h`,
 * `heating-restored-24h`). The gas commitments (2024) cover planned outages only for both;
 * a caller working to them passes theirs.
 */
export const HEATING_PROMISES: { readonly notice: OutagePromise; readonly restoration: OutagePromise } = {
  notice: { of: { records: 'outages', planned: true }, where: NOTICE },
  restoration: { of: { records: 'outages', excludeHeatSource: true }, where: RESTORATION },
};
export type OutagePromises = typeof HEATING_PROMISES;

/** Whether an outage is among those a promise covers (the engine's population filter). */
function covers(of: OutagePopulation, planned: boolean, atHeatSource: boolean, emergency: boolean): boolean {
  return (of.planned === undefined || of.planned === planned) && !(of.excludeHeatSource && atHeatSource) && !(of.excludeEmergencies && emergency);
}

/** Who marked an outage an emergency accident (紧急事故), when and why (an `outage-emergency` record). */
export interface EmergencyMark {
  readonly by: string;
  readonly at: number;
  readonly reason: string;
}

/** A start or restoration time more than this ahead of the device's clock is a typing mistake. */
export const CLOCK_SKEW_MS = 5 * 60_000;

const deadline = (from: number, d: Duration): number => deadlineOf(from, d).getTime();

export type OutagePhase = 'announced' | 'ongoing' | 'restored';

export interface NoticeState {
  /** The planned start minus the announcement (ms); null when it was never announced. */
  readonly leadMs: number | null;
  /** The announcement gave less than the notice period before the planned start (the warning). */
  readonly short: boolean;
  /**
   * The figure's verdict (announcement to actual start): met, missed, or pending while the
   * outage has not started.
   */
  readonly verdict: 'met' | 'missed' | 'pending';
}

export interface RestorationState {
  /** Start + 24 hours. */
  readonly dueAt: number;
  /** Until the limit (ms): negative once past it; for a restored outage, what was left at restoration. */
  readonly leftMs: number;
  /** Not restored and the limit reached (the engine counts it missed from that instant on). */
  readonly overdue: boolean;
  /**
   * The figure's verdict: met, missed, pending (ongoing inside the limit), exempt (a fault at
   * the heat source, or any outage the promise does not cover), left-out (restored before it started: clocks or records wrong).
   */
  readonly verdict: 'met' | 'missed' | 'pending' | 'exempt' | 'left-out';
}

export interface OutageState {
  readonly outage: string;
  readonly station?: string;
  /** The staff's own words for where (free text): never shown to the public. */
  readonly area: string;
  /** Community ids from the station's list, as staff chose them (the public notice names these). */
  readonly communities: readonly string[];
  readonly affectedCustomers: number;
  readonly planned: boolean;
  readonly atHeatSource: boolean;
  /** Marked an emergency accident (the first mark); null when nobody marked it. */
  readonly emergency: EmergencyMark | null;
  readonly phase: OutagePhase;
  readonly announcedAt: number | null;
  readonly plannedStart: number | null;
  readonly plannedEnd: number | null;
  readonly startedAt: number | null;
  readonly restoredAt: number | null;
  /** Planned outages only. */
  readonly notice: NoticeState | null;
  /** Outages that started. */
  readonly restoration: RestorationState | null;
  /** Announced, its planned start has passed and no start is recorded yet. */
  readonly startOverdue: boolean;
  /** The outage's records, in time order (the list shows who recorded what). */
  readonly records: readonly OperationsRecord[];
}

const isOutageRecord = (r: OperationsRecord): r is OutageRecord => (OUTAGE_RECORD_TYPES as readonly string[]).includes(r.type);
const byTime = (a: OperationsRecord, b: OperationsRecord) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const orNull = (ms: number): number | null => (Number.isNaN(ms) ? null : ms);

/** Whether an announcement at `announcedAt` for a start at `plannedStart` gives too little notice. */
export function shortNotice(announcedAt: number, plannedStart: number, promises: OutagePromises = HEATING_PROMISES): boolean {
  // The figure's own verdict, with the planned start standing in for the actual one.
  return elapsedVerdict(promises.notice.where, announcedAt, plannedStart, { asOfMs: announcedAt, deadline }) === 'missed';
}

/** The state of one outage from its records (any order; records of other outages ignored). */
export function outageState(outage: string, records: readonly OperationsRecord[], now: number, promises: OutagePromises = HEATING_PROMISES): OutageState {
  const own = records.filter((r): r is OutageRecord => isOutageRecord(r) && r.payload.outage === outage).sort(byTime);
  let announcedAt = NaN;
  let startedAt = NaN;
  let restoredAt = NaN;
  let plannedStart = NaN;
  let plannedEnd = NaN;
  let startedPlanned: boolean | undefined;
  let atHeatSource = false;
  let station: string | undefined;
  let area = '';
  let communities: readonly string[] = [];
  let affected = 0;
  let fromStart = false;
  let emergency: EmergencyMark | null = null;
  for (const r of own) {
    const at = Date.parse(r.at);
    if (r.station !== undefined) station = r.station;
    switch (r.type) {
      case 'outage-announced':
        if (Number.isNaN(announcedAt) || at < announcedAt) announcedAt = at;
        plannedStart = Date.parse(r.payload.plannedStart);
        plannedEnd = r.payload.plannedEnd ? Date.parse(r.payload.plannedEnd) : NaN;
        if (!fromStart) {
          area = r.payload.area;
          communities = r.payload.communities ?? [];
          affected = r.payload.affectedCustomers;
        }
        break;
      case 'outage-started':
        if (Number.isNaN(startedAt) || at < startedAt) startedAt = at;
        startedPlanned = r.payload.planned;
        atHeatSource = r.payload.atHeatSource;
        area = r.payload.area;
        communities = r.payload.communities ?? [];
        affected = r.payload.affectedCustomers;
        fromStart = true;
        break;
      case 'outage-restored':
        if (Number.isNaN(restoredAt) || at > restoredAt) restoredAt = at;
        break;
      case 'outage-emergency':
        emergency ??= { by: r.author.name, at, reason: r.payload.reason };
        break;
    }
  }
  const planned = startedPlanned ?? !Number.isNaN(announcedAt);
  const notice: NoticeState | null = covers(promises.notice.of, planned, atHeatSource, emergency !== null)
    ? {
        leadMs: Number.isNaN(announcedAt) || Number.isNaN(plannedStart) ? null : plannedStart - announcedAt,
        short: Number.isNaN(announcedAt) || (!Number.isNaN(plannedStart) && shortNotice(announcedAt, plannedStart, promises)),
        verdict: pendingIfExcluded(elapsedVerdict(promises.notice.where, announcedAt, startedAt, { asOfMs: now, deadline })),
      }
    : null;
  let restoration: RestorationState | null = null;
  if (!Number.isNaN(startedAt)) {
    const { of, where } = promises.restoration;
    const dueAt = deadline(startedAt, where.atMost!);
    const end = Number.isNaN(restoredAt) ? now : restoredAt;
    const verdict = covers(of, planned, atHeatSource, emergency !== null) ? elapsedVerdict(where, startedAt, restoredAt, { asOfMs: now, deadline }) : 'exempt';
    restoration = {
      dueAt,
      leftMs: dueAt - end,
      overdue: Number.isNaN(restoredAt) && verdict === 'missed',
      verdict: verdict === 'exempt' ? 'exempt' : verdict === 'out-of-order' ? 'left-out' : pendingIfExcluded(verdict),
    };
  }
  const phase: OutagePhase = !Number.isNaN(restoredAt) ? 'restored' : !Number.isNaN(startedAt) ? 'ongoing' : 'announced';
  return {
    outage,
    ...(station !== undefined ? { station } : {}),
    area,
    communities,
    affectedCustomers: affected,
    planned,
    atHeatSource,
    emergency,
    phase,
    announcedAt: orNull(announcedAt),
    plannedStart: orNull(plannedStart),
    plannedEnd: orNull(plannedEnd),
    startedAt: orNull(startedAt),
    restoredAt: orNull(restoredAt),
    notice,
    restoration,
    startOverdue: phase === 'announced' && !Number.isNaN(plannedStart) && plannedStart <= now,
    records: own,
  };
}

function pendingIfExcluded(v: 'met' | 'missed' | 'excluded' | 'out-of-order'): 'met' | 'missed' | 'pending' {
  return v === 'met' || v === 'missed' ? v : 'pending';
}

/** Every outage of these records, in the order of the list (see compareOutages). */
export function outageStates(records: readonly OperationsRecord[], now: number, promises: OutagePromises = HEATING_PROMISES): OutageState[] {
  const byOutage = new Map<string, OperationsRecord[]>();
  for (const r of records) {
    if (!isOutageRecord(r)) continue;
    const list = byOutage.get(r.payload.outage);
    if (list) list.push(r);
    else byOutage.set(r.payload.outage, [r]);
  }
  return [...byOutage].map(([id, own]) => outageState(id, own, now, promises)).sort(compareOutages);
}

/**
 * The order of the list: what needs someone now comes first.
 *   1. ongoing and past the 24-hour limit, longest overdue first;
 *   2. ongoing inside it, nearest the limit first (outages outside the promise, such as faults at
 *      the heat source, after them, oldest first);
 *   3. announced, soonest planned start first (one whose start is not recorded yet leads);
 *   4. restored, latest restoration first.
 */
export function compareOutages(a: OutageState, b: OutageState): number {
  const rank = (o: OutageState) => (o.phase === 'ongoing' ? (o.restoration?.overdue ? 0 : o.restoration?.verdict === 'exempt' ? 2 : 1) : o.phase === 'announced' ? 3 : 4);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  const key = (o: OutageState): number => {
    switch (rank(o)) {
      case 0:
      case 1:
        return o.restoration!.dueAt;
      case 2:
        return o.startedAt!;
      case 3:
        return o.plannedStart ?? Infinity;
      default:
        return -(o.restoredAt ?? 0);
    }
  };
  return key(a) - key(b) || (a.outage < b.outage ? -1 : a.outage > b.outage ? 1 : 0);
}

// ------------------------------------------------------------------ checks before saving

export type OutageProblem = 'start-past' | 'end-before-start' | 'in-future' | 'before-start' | 'not-a-time';
export interface OutageFormProblem {
  /** The record's field the problem belongs to, as the write check names fields. */
  readonly path: string;
  readonly problem: OutageProblem;
}

/**
 * What is wrong with an announcement before it is saved (the write check then checks the
 * record's shape): the planned start must be a time still to come, the planned end after it.
 * `shortNotice` is not a problem but the warning the user must confirm.
 */
export function checkAnnouncement(
  draft: { plannedStart: number | null; plannedEnd: number | null },
  now: number,
  promises: OutagePromises = HEATING_PROMISES,
): {
  problems: OutageFormProblem[];
  leadMs: number | null;
  shortNotice: boolean;
} {
  const problems: OutageFormProblem[] = [];
  const { plannedStart, plannedEnd } = draft;
  if (plannedStart === null) problems.push({ path: 'payload.plannedStart', problem: 'not-a-time' });
  else if (plannedStart <= now) problems.push({ path: 'payload.plannedStart', problem: 'start-past' });
  if (plannedStart !== null && plannedEnd !== null && plannedEnd <= plannedStart) problems.push({ path: 'payload.plannedEnd', problem: 'end-before-start' });
  const leadMs = plannedStart === null ? null : plannedStart - now;
  return { problems, leadMs, shortNotice: plannedStart !== null && plannedStart > now && shortNotice(now, plannedStart, promises) };
}

/**
 * What is wrong with the place of a new outage (announced or a fault) before it is saved: the
 * station must be chosen (the record envelope's station is optional in the schema, an outage's
 * is not) and, where the station's communities are known on the device, at least one of them
 * (the public notices name communities, never the internal area note). `communities`: the ids of
 * the station's communities as known (none when the list could not be read: then the outage is
 * recorded without them).
 */
export function checkOutagePlace(place: { station: string; communities: readonly string[]; chosen: readonly string[] }): OutagePlaceProblem[] {
  const problems: OutagePlaceProblem[] = [];
  if (!place.station.trim()) problems.push({ path: 'station', problem: 'station-missing' });
  if (place.communities.length > 0 && !place.communities.some((c) => place.chosen.includes(c))) problems.push({ path: 'payload.communities', problem: 'communities-missing' });
  return problems;
}
export interface OutagePlaceProblem {
  readonly path: 'station' | 'payload.communities';
  readonly problem: 'station-missing' | 'communities-missing';
}

/**
 * What is wrong with the time given for a start or a restoration (null: now): not in the
 * future (beyond the clock skew); a restoration not before the start.
 */
export function checkEventTime(at: number | null, now: number, startedAt: number | null = null): OutageFormProblem[] {
  if (at === null) return [];
  if (Number.isNaN(at)) return [{ path: 'at', problem: 'not-a-time' }];
  if (at > now + CLOCK_SKEW_MS) return [{ path: 'at', problem: 'in-future' }];
  if (startedAt !== null && at < startedAt) return [{ path: 'at', problem: 'before-start' }];
  return [];
}

// ------------------------------------------------------------------ what residents may see

/** An outage as a public notice: where and when, nothing about who recorded it or why. */
export interface PublicOutageNotice {
  readonly outage: string;
  readonly station?: string;
  /** The station's name as the utility set it up (the station document), when the caller knows it. */
  readonly stationName?: string;
  /** The communities it concerns, by the names of the station's list (none: the station only). */
  readonly communities: readonly { readonly id: string; readonly name: string }[];
  readonly phase: OutagePhase;
  readonly planned: boolean;
  readonly plannedStart?: string;
  readonly plannedEnd?: string;
  readonly startedAt?: string;
  readonly restoredAt?: string;
}

/**
 * The outages residents would expect to be told about (issue 6 item 10; served by the server
 * at `GET /api/outages`, server/outages/): heating off now, planned outages starting within
 * `horizonMs` and not yet over (a planned outage whose start has passed without a recorded
 * start stays until its planned end, or for `recentMs` after its planned start when it gave
 * no end: after that a resident would read a stale plan), and restorations of the last
 * `recentMs`. Only the station, its communities and the times: no author, device, record or
 * household count, and no free text: the "where" is the communities staff chose from the
 * station's list, named as that list names them (`communityNames`: id → { name, station }); an
 * id the list does not hold, or holds for another station, is left out. The staff's `area`
 * text is never published (a name and a phone typed there once went public: issue #17). In
 * the list's order (compareOutages).
 */
export function publicOutageNotices(
  states: readonly OutageState[],
  now: number,
  options: {
    horizonMs?: number;
    recentMs?: number;
    stationNames?: ReadonlyMap<string, string>;
    communityNames?: ReadonlyMap<string, { readonly name: string; readonly station: string }>;
  } = {},
): PublicOutageNotice[] {
  const horizon = options.horizonMs ?? 14 * 24 * 3_600_000;
  const recent = options.recentMs ?? 24 * 3_600_000;
  const iso = (ms: number | null) => (ms === null ? undefined : new Date(ms).toISOString());
  return states
    .filter((s) =>
      s.phase === 'ongoing'
        ? true
        : s.phase === 'announced'
          ? s.plannedStart !== null && s.plannedStart <= now + horizon && (s.plannedEnd ?? s.plannedStart + recent) > now
          : s.restoredAt !== null && s.restoredAt >= now - recent,
    )
    .sort(compareOutages)
    .map((s) => {
      const times = { plannedStart: iso(s.plannedStart), plannedEnd: iso(s.plannedEnd), startedAt: iso(s.startedAt), restoredAt: iso(s.restoredAt) };
      return {
        outage: s.outage,
        ...(s.station !== undefined ? { station: s.station } : {}),
        ...(s.station !== undefined && options.stationNames?.has(s.station) ? { stationName: options.stationNames.get(s.station) } : {}),
        communities: s.communities.flatMap((id) => {
          const known = options.communityNames?.get(id);
          return known && known.station === s.station ? [{ id, name: known.name }] : [];
        }),
        phase: s.phase,
        planned: s.planned,
        ...Object.fromEntries(Object.entries(times).filter(([, v]) => v !== undefined)),
      };
    });
}

/**
 * The outages no public notice will show again, whatever records come later: restored more
 * than `recentMs` ago (a later record of the same outage, such as a second device's restoration,
 * changes nothing a resident sees). The server's notice feed forgets their records, so its
 * memory holds the outages of the moment, not the season's.
 */
export function settledOutages(states: readonly OutageState[], now: number, options: { recentMs?: number } = {}): string[] {
  const recent = options.recentMs ?? 24 * 3_600_000;
  return states.filter((s) => s.phase === 'restored' && s.restoredAt !== null && s.restoredAt < now - recent).map((s) => s.outage);
}
