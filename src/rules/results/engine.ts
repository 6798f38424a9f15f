import type { Commitments, Condition, Duration, Indicator, Population, Target } from '../../db/schema/commitments';
import type { RequestKind } from '../../db/schema/requestKind';
import { CHINA_UTC_OFFSET_MS } from '../chinaTime';
import { CN_CALENDAR, MissingCalendarYearError, type WorkingDayCalendar } from '../calendar/index';
import { deadlineMs } from '../deadlines';
import { dueOnBookedDay } from '../bookingWindows';
import { meetsTarget } from '../targets';
import { elapsedVerdict } from './elapsed';
import { roomCompliant, temperatureTestOutcome } from '../temperatureTest';
import { inPeriod, monthSegments, overlapMs, periodBounds, toHours, toMinutes, type PeriodBounds } from './period';
import { MI, MARKS_OF_EVENT, NO_MILESTONES, checkIndicator, setMilestone, type RequestMilestone } from './milestones';
import { RequestSubject, Tally, activeBetween, bump, lastDayOf, monthOf, type HouseholdAcc, type OutageAcc, type RequestAcc, type Subject, type Verdict } from './accumulators';
import { DAY, plainReader, type Doc, type DocumentReader, type TopDoc } from './readers';

// The parts the callers name (server/couch/leanDocs.ts, bench/, the tests) stay importable from here.
export { READ_FIELDS, instantMs, isoInstant, plainReader, type DocumentReader, type TopDoc } from './readers';
export { MILESTONE_OF_EVENT, checkIndicator } from './milestones';

/**
 * The results engine: every figure a year's commitments declare, computed from the records
 * as a streaming fold. Documents are added one at a time in any order (`add`), and only
 * compact per-request, per-outage and per-household accumulators are kept — never the
 * events themselves — so memory grows with the number of requests, not of events. `finish`
 * turns the accumulators into figures. Pure: no I/O, and the moment of computation (`asOf`)
 * is passed in.
 *
 * The commitments' `measure` definitions drive it: an indicator of an existing shape
 * (ratio, mean, continuous-supply, availability) over an existing population is added in
 * YAML alone. `checkIndicator` refuses definitions that cannot be measured (a ring count
 * on requests, a milestone outages never reach) before any record is read.
 *
 * How each milestone is read from the records (one table, MILESTONE_OF_EVENT in milestones.ts):
 * - requests: the first event of the type (the first arrival, the first callback …), but
 *   `closed` is the last closing (a reopened case closes again); `accepted` is the staff
 *   registration or the first acceptance, and `first-reply` the first answer: a reply, a
 *   dispatch (it tells the visit time) or a resolution, never the acceptance (domain.md,
 *   "Settled readings: What answers a resident"), both as src/rules/requestState.ts reads
 *   them; a callback counts only when the resident was reached.
 * - outages: `announced`, `started`, `restored` from their records.
 * - households: `inspected`, `nobody-home` from inspection visits inside the period.
 *
 * The engine in four files: readers.ts (how a document is read: `DocumentReader`),
 * milestones.ts (which instants are measured, which indicators can be), accumulators.ts (what
 * is kept per request, outage and household, and the tallies), and this file, the fold. Over
 * 500 lines because the fold is one class: its `add` and `finish` share the accumulators and
 * the tallies, and spreading its methods over files would put that state behind accessors on
 * the hot path (a million events a run) for no reader's gain.
 */

// ------------------------------------------------------------------ inputs

export interface EngineOptions {
  /** The moment of computation: pending requests whose deadline has not passed are left out. */
  readonly asOf: number | Date;
  /** Overrides the commitments' period (a month, a quarter). */
  readonly period?: { readonly from: string; readonly to: string };
  /**
   * Only records of this station. Figures over company-wide records (calls, phone-line
   * downtime: COMPANY_WIDE) are then "not measured per station", never a station's share.
   */
  readonly station?: string;
  readonly calendar?: WorkingDayCalendar;
  /** Breakdown cells with fewer records than this publish no numbers (default 5). */
  readonly minCellRecords?: number;
  /**
   * How documents are read (default `plainReader`, field by field); server/couch/leanDocs.ts's
   * `leanReader` reads the documents it made from JSON bytes without parsing what the fold skips.
   */
  readonly reader?: DocumentReader;
}

// ------------------------------------------------------------------ outputs

export interface Cell {
  readonly key: string;
  /**
   * How many underlying records the cell rests on, whatever the figure's unit (domain.md,
   * "Settled readings: Small cells"): the requests, outages, calls or callbacks of a ratio's
   * denominator, the scores of a mean, the households of a continuous-supply cell (its
   * customer-hours are theirs), the downtime records of an availability cell.
   */
  readonly records: number;
  readonly numerator?: number;
  readonly denominator?: number;
  readonly count?: number;
  readonly value: number | null;
  /** Fewer than `minCellRecords` records: numbers withheld. */
  readonly suppressed?: true;
  /** A month judged against the target, when the measure is defined per month (`eachMonth`). */
  readonly met?: boolean | null;
}

export interface Breakdown {
  readonly station: readonly Cell[];
  readonly kind: readonly Cell[];
  readonly month: readonly Cell[];
}

export interface ComputedFigure {
  readonly indicator: string;
  readonly shape: Indicator['measure']['shape'];
  /** Percent (0-100) or mean score; null when nothing was measured (zero denominator). */
  readonly value: number | null;
  readonly numerator?: number;
  readonly denominator?: number;
  readonly count?: number;
  readonly target: Target;
  readonly met: boolean | null;
  /** Records of the population left out: still pending, withdrawn, or unreadable (see warnings). */
  readonly excluded?: number;
  /** A per-station run of a figure over company-wide records: not measured per station (value null). */
  readonly notPerStation?: true;
  readonly breakdown: Breakdown;
}

export interface Hotspot {
  readonly key: string;
  readonly count: number;
}

export interface ComputedResults {
  readonly year: number;
  readonly period: { readonly from: string; readonly to: string };
  readonly asOf: string;
  readonly station?: string;
  readonly figures: readonly ComputedFigure[];
  /** The categories with the most complaints and reported problems (000 §6), cells under the minimum withheld. */
  readonly hotspots: {
    readonly complaintsByStation: readonly Hotspot[];
    readonly repairsByFault: readonly Hotspot[];
    readonly requestsByKind: readonly Hotspot[];
  };
  readonly read: { readonly events: number; readonly records: number; readonly ignored: number; readonly requests: number };
  readonly warnings: readonly string[];
}

// ------------------------------------------------------------------ the fold

const MAX_WARNINGS = 50;

export class ResultsFold {
  private readonly period: PeriodBounds;
  private readonly asOfMs: number;
  private readonly calendar: WorkingDayCalendar;
  private readonly station: string | undefined;
  private readonly minCell: number;
  /** How a document's instant and author and payload fields are read (EngineOptions.reader). */
  private readonly read: DocumentReader;

  private readonly requests = new Map<string, RequestAcc>();
  private readonly outages = new Map<string, OutageAcc>();
  private readonly households = new Map<string, HouseholdAcc>();
  /** Households with an inspection visit inside the period, by outcome. */
  private readonly visited = new Map<string, number>();
  private readonly lineDown = new Map<string, [number, number][]>();
  /** Figures folded as their records arrive (calls, callbacks): by indicator id. */
  private readonly direct = new Map<string, Tally>();
  private readonly directExcluded = new Map<string, number>();

  private events = 0;
  private records = 0;
  private ignored = 0;
  private readonly warnings: string[] = [];
  private warningCount = 0;

  constructor(
    readonly commitments: Commitments,
    options: EngineOptions,
  ) {
    const problems = commitments.indicators.map(checkIndicator).filter((p): p is string => p !== null);
    if (problems.length) throw new RangeError(problems.join('; '));
    this.asOfMs = options.asOf instanceof Date ? options.asOf.getTime() : options.asOf;
    this.elapsedContext.asOfMs = this.asOfMs;
    this.period = periodBounds(options.period ?? commitments.period, this.asOfMs);
    this.calendar = options.calendar ?? CN_CALENDAR;
    this.station = options.station;
    this.minCell = options.minCellRecords ?? 5;
    this.read = options.reader ?? plainReader;
    for (const ind of commitments.indicators) {
      const m = ind.measure;
      if (m.shape === 'mean' || (m.shape === 'ratio' && (m.of.records === 'calls' || m.of.records === 'callbacks'))) {
        this.direct.set(ind.id, new Tally());
        this.directExcluded.set(ind.id, 0);
      }
    }
  }

  private warn(text: string): void {
    this.warningCount += 1;
    if (this.warnings.length < MAX_WARNINGS) this.warnings.push(text);
  }

  /** Adds one document: an event or an operations record, in either key shape. Others are counted and ignored. */
  add(doc: unknown): void {
    if (typeof doc !== 'object' || doc === null) {
      this.ignored += 1;
      return;
    }
    const d = doc as TopDoc;
    if (d.docType === 'event') this.addEvent(d);
    else if (d.docType === 'record') this.addRecord(d);
    else this.ignored += 1;
  }

  private addEvent(d: TopDoc): void {
    const requestId = d.requestId as string;
    const at = this.read.instantOf(d);
    if (typeof requestId !== 'string' || Number.isNaN(at)) {
      this.ignored += 1;
      return;
    }
    this.events += 1;
    const type = d.type as string;
    let acc = this.requests.get(requestId);
    if (!acc) {
      // Every field named from the start: one object shape for every request, so the loops
      // over all requests when finishing read them at one place.
      acc = {
        kind: d.requestKind as RequestKind,
        station: d.station as string,
        t: NO_MILESTONES.slice(),
        withdrawn: false,
        fault: undefined,
        bookedDay: undefined,
        measuredAt: undefined,
        measuredId: undefined,
        measuredValid: undefined,
        measuredMinMean: undefined,
        measuredSigned: undefined,
        lastSignOffAt: undefined,
      };
      this.requests.set(requestId, acc);
    }
    // The payload is read only by the types below that need it: most events (accepted,
    // arrived, …) are milestones alone, and a lean document (server/couch/leanDocs.ts) parses
    // a payload only when it is read.
    const marks = MARKS_OF_EVENT.get(type);
    if (marks) for (let k = 0; k < marks.length; k += 1) setMilestone(acc.t, marks[k]!, at, marks[k] === MI.closed);
    switch (type) {
      case 'submitted': {
        acc.station = d.station as string; // the submission's station wins over a later event's
        acc.kind = d.requestKind as RequestKind;
        if (this.read.fieldOf(d, 'author', 'role') !== 'resident') setMilestone(acc.t, MI.accepted, at, false);
        if (acc.kind === 'repair') {
          const fault = this.read.fieldOf(d, 'payload', 'fault');
          if (typeof fault === 'string') acc.fault = fault;
        }
        const bookedDay = this.read.fieldOf(d, 'payload', 'preferredDate');
        if (typeof bookedDay === 'string') acc.bookedDay = bookedDay;
        break;
      }
      case 'callback': {
        // Callbacks and calls are read field by field (fieldOf): a lean document then reads
        // those few fields from its bytes, where parsing each payload whole was a tenth of the fold.
        const reached = this.read.fieldOf(d, 'payload', 'outcome') !== 'unreachable';
        if (reached) setMilestone(acc.t, MI.callback, at, false);
        this.addCallback(d, reached, at);
        break;
      }
      case 'withdrawn':
        acc.withdrawn = true;
        break;
      case 'measured':
        this.addMeasured(acc, d, this.read.payloadOf(d), at);
        break;
      case 'signed-off':
        if (acc.lastSignOffAt === undefined || at > acc.lastSignOffAt) acc.lastSignOffAt = at;
        break;
    }
  }

  private addMeasured(acc: RequestAcc, d: TopDoc, payload: Doc, at: number): void {
    const id = (d._id ?? d.id) as string;
    if (acc.measuredAt !== undefined && (at < acc.measuredAt || (at === acc.measuredAt && id < (acc.measuredId ?? '')))) return;
    const rooms = Array.isArray(payload.rooms) ? (payload.rooms as { name: string; areaM2: number; readings: number[] }[]) : [];
    // Judged without the signature: a signed-off event may sign the record later.
    const outcome = temperatureTestOutcome({ rooms, signed: true });
    acc.measuredAt = at;
    acc.measuredId = id;
    acc.measuredValid = outcome.valid;
    acc.measuredMinMean = outcome.valid ? Math.min(...outcome.rooms.map((r) => r.mean ?? -Infinity)) : undefined;
    acc.measuredSigned = typeof payload.signature === 'string';
  }

  private addCallback(d: TopDoc, reached: boolean, at: number): void {
    if (!inPeriod(at, this.period)) return;
    const station = d.station as string;
    if (this.station !== undefined && station !== this.station) return;
    const kind = d.requestKind as string;
    const keys = { station, kind, month: monthOf(at) };
    for (const ind of this.commitments.indicators) {
      const m = ind.measure;
      if (m.shape === 'mean') {
        if (m.of.kinds && !m.of.kinds.includes(kind as RequestKind)) continue;
        const score = this.read.fieldOf(d, 'payload', m.score);
        if (!reached || typeof score !== 'number') {
          this.directExcluded.set(ind.id, this.directExcluded.get(ind.id)! + 1);
          continue;
        }
        this.direct.get(ind.id)!.add(score, 1, keys);
      } else if (m.shape === 'ratio' && m.of.records === 'callbacks') {
        if (m.of.kinds && !m.of.kinds.includes(kind as RequestKind)) continue;
        // An unreachable resident gave no view: that call is not a callback (see the header).
        if (!reached) {
          this.directExcluded.set(ind.id, this.directExcluded.get(ind.id)! + 1);
          continue;
        }
        const verdict = this.fieldVerdict(m.where, d);
        this.direct.get(ind.id)!.add(verdict === 'met' ? 1 : 0, 1, keys);
      }
    }
  }

  /** The verdict of a condition on fields of a document's payload. */
  private fieldVerdict(where: Condition, d: TopDoc): Verdict {
    switch (where.test) {
      case 'field-at-most': {
        const v = this.read.fieldOf(d, 'payload', where.field);
        return this.read.fieldOf(d, 'payload', 'answered') === true && typeof v === 'number' && v <= where.value ? 'met' : 'missed';
      }
      case 'field-one-of': {
        const v = this.read.fieldOf(d, 'payload', where.field);
        return typeof v === 'string' && where.values.includes(v) ? 'met' : 'missed';
      }
      default:
        return 'excluded';
    }
  }

  private addRecord(d: TopDoc): void {
    const at = this.read.instantOf(d);
    if (Number.isNaN(at)) {
      this.ignored += 1;
      return;
    }
    this.records += 1;
    // A call's payload is read field by field (see the callbacks in addEvent); the rarer records parse theirs.
    const payload = d.type === 'call' ? {} : this.read.payloadOf(d);
    const station = typeof d.station === 'string' ? d.station : undefined;
    switch (d.type) {
      case 'outage-announced':
      case 'outage-started':
      case 'outage-restored':
      case 'outage-emergency': {
        const key = payload.outage as string;
        let o = this.outages.get(key);
        if (!o) {
          o = { station, announced: NaN, plannedStart: NaN, started: NaN, restored: NaN, atHeatSource: false, emergency: false, affected: 0 };
          this.outages.set(key, o);
        }
        if (station !== undefined) o.station = station;
        if (d.type === 'outage-announced') {
          if (Number.isNaN(o.announced) || at < o.announced) o.announced = at;
          o.plannedStart = Date.parse(payload.plannedStart as string);
          if (o.planned === undefined) o.affected = Number(payload.affectedCustomers) || 0;
        } else if (d.type === 'outage-started') {
          if (Number.isNaN(o.started) || at < o.started) o.started = at;
          o.planned = payload.planned === true;
          o.atHeatSource = payload.atHeatSource === true;
          o.affected = Number(payload.affectedCustomers) || 0;
        } else if (d.type === 'outage-emergency') o.emergency = true;
        else if (Number.isNaN(o.restored) || at > o.restored) o.restored = at;
        break;
      }
      case 'call': {
        if (!inPeriod(at, this.period)) return;
        if (this.station !== undefined && station !== this.station) return;
        const line = this.read.fieldOf(d, 'payload', 'line');
        for (const ind of this.commitments.indicators) {
          const m = ind.measure;
          if (m.shape !== 'ratio' || m.of.records !== 'calls' || m.of.line !== line) continue;
          const verdict = this.fieldVerdict(m.where, d);
          this.direct.get(ind.id)!.add(verdict === 'met' ? 1 : 0, 1, { station, month: monthOf(at) });
        }
        break;
      }
      case 'line-down': {
        if (this.station !== undefined && station !== this.station) return;
        const line = payload.line as string;
        const from = Date.parse(payload.from as string);
        const to = Date.parse(payload.to as string);
        if (!(to > from)) {
          this.warn(`line-down record ${String(d._id ?? d.id)} ends before it starts: left out`);
          return;
        }
        const list = this.lineDown.get(line) ?? [];
        list.push([from, to]);
        this.lineDown.set(line, list);
        break;
      }
      case 'household': {
        const key = payload.household as string;
        const prev = this.households.get(key);
        if (prev && prev.at > at) return; // an older record of a household already replaced
        this.households.set(key, {
          station,
          at,
          activeFrom: payload.activeFrom as string,
          activeTo: typeof payload.activeTo === 'string' ? payload.activeTo : undefined,
        });
        break;
      }
      case 'inspection': {
        if (!inPeriod(at, this.period)) return;
        const key = payload.household as string;
        const bit = payload.outcome === 'inspected' ? 1 : 2;
        this.visited.set(key, (this.visited.get(key) ?? 0) | bit);
        break;
      }
      default:
        this.records -= 1;
        this.ignored += 1;
    }
  }

  // ---------------------------------------------------------------- finishing

  /** The figures, from what has been added so far (the fold may continue afterwards). */
  finish(): ComputedResults {
    const figures = this.commitments.indicators.map((ind) => this.figure(ind));
    return {
      year: this.commitments.year,
      period: { from: this.period.from, to: this.period.to },
      asOf: new Date(this.asOfMs).toISOString(),
      ...(this.station !== undefined ? { station: this.station } : {}),
      figures,
      hotspots: this.hotspots(),
      read: { events: this.events, records: this.records, ignored: this.ignored, requests: this.requests.size },
      warnings: this.warningCount > this.warnings.length ? [...this.warnings, `… and ${this.warningCount - this.warnings.length} more`] : [...this.warnings],
    };
  }

  private figure(ind: Indicator): ComputedFigure {
    const m = ind.measure;
    if (this.station !== undefined && isCompanyWide(m)) {
      return {
        indicator: ind.id,
        shape: m.shape,
        value: null,
        target: ind.target,
        met: null,
        notPerStation: true,
        breakdown: { station: [], kind: [], month: [] },
      };
    }
    switch (m.shape) {
      case 'ratio': {
        if (m.of.records === 'calls' || m.of.records === 'callbacks') {
          return this.ratioFigure(ind, this.direct.get(ind.id)!, this.directExcluded.get(ind.id)!);
        }
        const tally = new Tally();
        let excluded = 0;
        for (const s of this.subjects(m.of)) {
          const verdict = this.verdict(m.where, s);
          if (verdict === 'excluded') excluded += 1;
          else tally.add(verdict === 'met' ? 1 : 0, 1, s.keys);
        }
        return this.ratioFigure(ind, tally, excluded);
      }
      case 'mean':
        return this.meanFigure(ind, this.direct.get(ind.id)!, this.directExcluded.get(ind.id)!);
      case 'continuous-supply':
        return this.continuousSupply(ind, m);
      case 'availability':
        return this.availability(ind, m.line);
    }
  }

  private cells(map: Map<string, [number, number]>, kind: 'ratio' | 'mean'): Cell[] {
    return [...map.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, [a, b]]): Cell => {
        if (b < this.minCell) return { key, records: b, value: null, suppressed: true };
        return kind === 'ratio'
          ? { key, records: b, numerator: a, denominator: b, value: (a / b) * 100 }
          : { key, records: b, count: b, value: a / b };
      });
  }

  private ratioFigure(ind: Indicator, t: Tally, excluded: number): ComputedFigure {
    const value = t.den === 0 ? null : (t.num / t.den) * 100;
    return {
      indicator: ind.id,
      shape: ind.measure.shape,
      value,
      numerator: t.num,
      denominator: t.den,
      target: ind.target,
      met: meetsTarget(ind.target, value),
      ...(excluded ? { excluded } : {}),
      breakdown: { station: this.cells(t.station, 'ratio'), kind: this.cells(t.kind, 'ratio'), month: this.cells(t.month, 'ratio') },
    };
  }

  private meanFigure(ind: Indicator, t: Tally, excluded: number): ComputedFigure {
    const value = t.den === 0 ? null : t.num / t.den;
    return {
      indicator: ind.id,
      shape: 'mean',
      value,
      count: t.den,
      target: ind.target,
      met: meetsTarget(ind.target, value),
      ...(excluded ? { excluded } : {}),
      breakdown: { station: this.cells(t.station, 'mean'), kind: this.cells(t.kind, 'mean'), month: this.cells(t.month, 'mean') },
    };
  }

  /** The members of a population (requests, outages, households, temperature tests) inside the period. */
  private *subjects(of: Population): Generator<Subject> {
    const p = this.period;
    const st = this.station;
    switch (of.records) {
      case 'requests': {
        const reachedIdx = of.reached ? MI[of.reached as RequestMilestone] : undefined;
        for (const r of this.requests.values()) {
          if (!of.kinds.includes(r.kind)) continue;
          if (st !== undefined && r.station !== st) continue;
          const submitted = r.t[MI.submitted]!;
          if (Number.isNaN(submitted) || !inPeriod(submitted, p)) continue;
          if (reachedIdx !== undefined && Number.isNaN(r.t[reachedIdx]!)) continue;
          yield new RequestSubject(r, monthOf(submitted));
        }
        return;
      }
      case 'outages':
        for (const o of this.outages.values()) {
          if (st !== undefined && o.station !== st) continue;
          const planned = o.planned ?? !Number.isNaN(o.announced);
          if (of.planned !== undefined && planned !== of.planned) continue;
          if (of.excludeHeatSource && o.atHeatSource) continue;
          if (of.excludeEmergencies && o.emergency) continue;
          const anchor = Number.isNaN(o.started) ? o.plannedStart : o.started;
          if (Number.isNaN(anchor) || !inPeriod(anchor, p)) continue;
          yield {
            keys: { station: o.station, month: monthOf(anchor) },
            time: (m) => (m === 'announced' ? o.announced : m === 'started' ? o.started : m === 'restored' ? o.restored : NaN),
            withdrawn: false,
          };
        }
        return;
      case 'households':
        for (const [key, h] of this.households) {
          if (st !== undefined && h.station !== st) continue;
          if (!activeBetween(h, p.from, lastDayOf(p))) continue;
          const bits = this.visited.get(key) ?? 0;
          yield {
            keys: { station: h.station },
            time: (m) => (m === 'inspected' ? (bits & 1 ? 0 : NaN) : m === 'nobody-home' ? (bits & 2 ? 0 : NaN) : NaN),
            withdrawn: false,
          };
        }
        return;
      case 'temperature-tests':
        for (const r of this.requests.values()) {
          if (r.kind !== 'temperature-test' || r.measuredAt === undefined) continue;
          if (st !== undefined && r.station !== st) continue;
          if (!inPeriod(r.measuredAt, p)) continue;
          const signed = r.measuredSigned === true || (r.lastSignOffAt !== undefined && r.lastSignOffAt >= r.measuredAt);
          // 002 ch.2: an unsigned record is invalid and never counts; nor does one that breaks the method.
          if (!signed || !r.measuredValid) continue;
          yield { keys: { station: r.station, kind: r.kind, month: monthOf(r.measuredAt) }, time: () => NaN, withdrawn: false, minMean: r.measuredMinMean };
        }
        return;
      default:
        return;
    }
  }

  /**
   * elapsedVerdict's context, one for the fold (`withdrawn` set per subject): a context object
   * and a closure made per request and indicator were a tenth of finishing.
   */
  private readonly elapsedContext = {
    asOfMs: 0,
    withdrawn: false,
    /** A deadline from the submission of an appointment booked for a later day runs to that day's end (dueOnBookedDay). */
    bookedDay: undefined as string | undefined,
    deadline: (from: number, d: Duration): number => dueOnBookedDay(this.deadline(from, d), this.elapsedContext.bookedDay),
  };

  private verdict(where: Condition, s: Subject): Verdict {
    switch (where.test) {
      case 'elapsed': {
        // One reading of deadlines and notice periods, shared with the outage screen (elapsed.ts).
        let verdict: ReturnType<typeof elapsedVerdict>;
        try {
          const context = this.elapsedContext;
          context.withdrawn = s.withdrawn;
          context.bookedDay = where.from === 'submitted' && where.atMost ? s.bookedDay : undefined;
          verdict = elapsedVerdict(where, s.time(where.from), s.time(where.to), context);
        } catch (err) {
          if (err instanceof MissingCalendarYearError) {
            this.warn(`${err.message}: a working-day deadline could not be computed, the record is left out`);
            return 'excluded';
          }
          throw err;
        }
        if (verdict === 'out-of-order') {
          this.warn(`a record reached "${where.to}" before "${where.from}" (clocks out of order): left out`);
          return 'excluded';
        }
        return verdict;
      }
      case 'reached':
        for (const m of where.anyOf) if (!Number.isNaN(s.time(m))) return 'met';
        return 'missed';
      case 'rooms-at-least':
        return s.minMean !== undefined && roomCompliant(s.minMean, where.celsius) ? 'met' : 'missed';
      default:
        return 'excluded';
    }
  }

  /**
   * Working-day deadlines by count, then by China day: every request of a day shares its
   * deadline (numbers as keys: a key string made per request and indicator cost more than
   * the lookup saved).
   */
  private readonly workingDayDeadlines = new Map<number, Map<number, number>>();

  private deadline(from: number, d: Duration): number {
    if (d.unit !== 'working-days') return deadlineMs(from, d, this.calendar);
    let byDay = this.workingDayDeadlines.get(d.value);
    if (!byDay) {
      byDay = new Map();
      this.workingDayDeadlines.set(d.value, byDay);
    }
    const day = Math.floor((from + CHINA_UTC_OFFSET_MS) / DAY);
    let ms = byDay.get(day);
    if (ms === undefined) {
      ms = deadlineMs(from, d, this.calendar);
      byDay.set(day, ms);
    }
    return ms;
  }

  /**
   * (1 − Σ AₙTₙ / (N·B·24)) × 100 %, month by month (004 §10.1): Aₙ customers cut off by
   * outage n, Tₙ its hours inside the month, N households active in the month, B the month's
   * days inside the period. numerator = N·B·24 − Σ AₙTₙ customer-hours supplied, denominator
   * = N·B·24; the figure of several months sums both (the year's figure: the same formula
   * over the year's customer-hours). An outage not yet restored runs until `asOf`.
   *
   * Each month cell is that month's figure; with `eachMonth` it is judged against the target
   * too, beside the year's verdict (domain.md, "Settled readings: Continuous supply"). A cell
   * rests on its households (the customers whose hours it counts): one of fewer than the
   * minimum is withheld, customer-hours or not ("Small cells").
   */
  private continuousSupply(ind: Indicator, m: Extract<Indicator['measure'], { shape: 'continuous-supply' }>): ComputedFigure {
    const of = m.of;
    const st = this.station;
    const month: Cell[] = [];
    const byStation = new Map<string, [number, number]>();
    const householdsOfStation = new Map<string, number>();
    for (const h of this.households.values()) {
      if (st !== undefined && h.station !== st) continue;
      if (!activeBetween(h, this.period.from, lastDayOf(this.period))) continue;
      const k = h.station ?? '';
      householdsOfStation.set(k, (householdsOfStation.get(k) ?? 0) + 1);
    }
    let num = 0;
    let den = 0;
    const outages = [...this.outages.values()].filter(
      (o) =>
        !Number.isNaN(o.started) &&
        (st === undefined || o.station === st) &&
        (of.planned === undefined || (o.planned ?? true) === of.planned) &&
        !(of.excludeHeatSource && o.atHeatSource) &&
        !(of.excludeEmergencies && o.emergency),
    );
    for (const seg of monthSegments(this.period)) {
      const n = new Map<string, number>();
      let households = 0;
      for (const h of this.households.values()) {
        if (st !== undefined && h.station !== st) continue;
        if (!activeBetween(h, seg.firstDay, seg.lastDay)) continue;
        households += 1;
        const k = h.station ?? '';
        n.set(k, (n.get(k) ?? 0) + 1);
      }
      const hours = toHours(seg.endMs - seg.startMs);
      const lost = new Map<string, number>();
      let lostAll = 0;
      for (const o of outages) {
        const end = Number.isNaN(o.restored) ? this.asOfMs : o.restored;
        const h = toHours(overlapMs(o.started, end, seg.startMs, seg.endMs));
        if (h <= 0) continue;
        lostAll += o.affected * h;
        const k = o.station ?? '';
        lost.set(k, (lost.get(k) ?? 0) + o.affected * h);
      }
      const segDen = households * hours;
      const cell = this.measuredCell(seg.month, households, segDen - lostAll, segDen);
      month.push(m.eachMonth && !cell.suppressed ? { ...cell, met: meetsTarget(ind.target, cell.value) } : cell);
      num += segDen - lostAll;
      den += segDen;
      for (const [k, count] of n) bump(byStation, k, count * hours - (lost.get(k) ?? 0), count * hours);
    }
    const value = den === 0 ? null : (num / den) * 100;
    const station = [...byStation.entries()]
      .filter(([key]) => key !== '')
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, [a, b]]) => this.measuredCell(key, householdsOfStation.get(key) ?? 0, a, b));
    return {
      indicator: ind.id,
      shape: 'continuous-supply',
      value,
      numerator: num,
      denominator: den,
      target: ind.target,
      met: meetsTarget(ind.target, value),
      breakdown: { station, kind: [], month },
    };
  }

  /**
   * A cell of a figure measured in units other than records (customer-hours, minutes):
   * `records` is what it rests on, and under the minimum its numbers are withheld.
   */
  private measuredCell(key: string, records: number, numerator: number, denominator: number): Cell {
    if (records < this.minCell) return { key, records, value: null, suppressed: true };
    return { key, records, numerator, denominator, value: denominator === 0 ? null : (numerator / denominator) * 100 };
  }

  /**
   * (1 − minutes out of service / minutes in the period) × 100 % (004 §10.5); overlapping
   * downtimes count once. A month cell rests on the downtime records that touch the month:
   * fewer than the minimum, and its minutes are withheld ("Small cells").
   */
  private availability(ind: Indicator, line: string): ComputedFigure {
    const intervals = (this.lineDown.get(line) ?? []).slice().sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [a, b] of intervals) {
      const last = merged[merged.length - 1];
      if (last && a <= last[1]) last[1] = Math.max(last[1], b);
      else merged.push([a, b]);
    }
    const month: Cell[] = [];
    let num = 0;
    let den = 0;
    for (const seg of monthSegments(this.period)) {
      const total = toMinutes(seg.endMs - seg.startMs);
      const down = merged.reduce((sum, [a, b]) => sum + toMinutes(overlapMs(a, b, seg.startMs, seg.endMs)), 0);
      const records = intervals.reduce((count, [a, b]) => count + (overlapMs(a, b, seg.startMs, seg.endMs) > 0 ? 1 : 0), 0);
      month.push(this.measuredCell(seg.month, records, total - down, total));
      num += total - down;
      den += total;
    }
    const value = den === 0 ? null : (num / den) * 100;
    return {
      indicator: ind.id,
      shape: 'availability',
      value,
      numerator: num,
      denominator: den,
      target: ind.target,
      met: meetsTarget(ind.target, value),
      breakdown: { station: [], kind: [], month },
    };
  }

  private hotspots(): ComputedResults['hotspots'] {
    const complaints = new Map<string, number>();
    const faults = new Map<string, number>();
    const kinds = new Map<string, number>();
    for (const r of this.requests.values()) {
      const submitted = r.t[MI.submitted]!;
      if (Number.isNaN(submitted) || !inPeriod(submitted, this.period)) continue;
      if (this.station !== undefined && r.station !== this.station) continue;
      kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
      if (r.kind === 'complaint') complaints.set(r.station, (complaints.get(r.station) ?? 0) + 1);
      if (r.kind === 'repair' && r.fault) faults.set(r.fault, (faults.get(r.fault) ?? 0) + 1);
    }
    const top = (map: Map<string, number>): Hotspot[] =>
      [...map.entries()]
        .filter(([, count]) => count >= this.minCell)
        .sort(([ka, a], [kb, b]) => b - a || (ka < kb ? -1 : 1))
        .slice(0, 10)
        .map(([key, count]) => ({ key, count }));
    return { complaintsByStation: top(complaints), repairsByFault: top(faults), requestsByKind: top(kinds) };
  }
}

/**
 * Figures over company-wide records, which carry no station (domain.md, "Settled readings:
 * Company-wide records"): calls to a line and a line's downtime. A per-station run says "not
 * measured per station" for them.
 */
export function isCompanyWide(m: Indicator['measure']): boolean {
  return m.shape === 'availability' || (m.shape === 'ratio' && m.of.records === 'calls');
}

/** Computes a year's figures from an iterable of documents (a convenience over ResultsFold). */
export function computeResults(commitments: Commitments, docs: Iterable<unknown>, options: EngineOptions): ComputedResults {
  const fold = new ResultsFold(commitments, options);
  for (const d of docs) fold.add(d);
  return fold.finish();
}

/** The same over an async stream (a database read page by page, an NDJSON file). */
export async function computeResultsFrom(
  commitments: Commitments,
  docs: AsyncIterable<unknown>,
  options: EngineOptions,
): Promise<ComputedResults> {
  const fold = new ResultsFold(commitments, options);
  for await (const d of docs) fold.add(d);
  return fold.finish();
}
