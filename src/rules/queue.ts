import type { RequestKind } from '../db/schema/requestKind';
import { HOUR_MS, toEpochMs, type Instant } from './chinaTime';
import { ESCALATION_LADDER, nextEscalation, type EscalationRung } from './escalation';
import { isOpen, type RequestState, type RequestStatus } from './requestState';

/**
 * The staff queue (issue 6, item 3): every open request with the deadline that comes first,
 * how urgent it is, and its escalation level, all computed from the request's state (itself a
 * fold of the events), the escalation ladder and the working-day calendar. Pure: `now` is
 * passed in, so the same events give the same queue on every device.
 */

/** Which commitment a due time belongs to. */
export type DueWhat = 'answer' | 'on-site' | 'visit' | 'close' | 'escalation';
/** overdue: a deadline has passed (or the order climbed the ladder); soon: one falls within the window. */
export type Urgency = 'overdue' | 'soon' | 'later' | 'none';

/** A technician on site for a heating repair within 1 hour (002 §7, "一小时上门维修"). */
export const REPAIR_ON_SITE_MS = HOUR_MS;

/** How far ahead a deadline counts as soon due, by default: 4 hours (a sixth of the 24-hour answer). */
export const SOON_DUE_MS = 4 * HOUR_MS;

export interface Deadline {
  readonly what: DueWhat;
  readonly at: string;
}

export interface QueueEntry {
  readonly state: RequestState;
  /** The earliest deadline still ahead or missed, or null when none applies. */
  readonly due: Deadline | null;
  /** Every deadline that applies now, earliest first. */
  readonly deadlines: readonly Deadline[];
  readonly urgency: Urgency;
  readonly escalationLevel: number;
}

const FINISHED: ReadonlySet<RequestStatus> = new Set(['resolved', 'awaiting-sign-off', 'closed', 'withdrawn']);
/** Statuses before the technician is on site. */
const NOT_ARRIVED: ReadonlySet<RequestStatus> = new Set(['submitted', 'accepted', 'dispatched', 'reopened']);

/**
 * The deadlines that still bind a request at `now`:
 * - answer: while it has not been answered (first reply, acceptance or dispatch);
 * - on-site: a repair's technician within 1 hour of the report (or its reopening), until arrival;
 * - visit: the booked visit while the technician has not arrived (status dispatched);
 * - close: a complaint's 6 days from acceptance while it is open;
 * - escalation: the next rung of the ladder while a repair or complaint is unhandled.
 */
export function deadlinesOf(state: RequestState, now: Instant, ladder: readonly EscalationRung[] = ESCALATION_LADDER): Deadline[] {
  const list: Deadline[] = [];
  if (!isOpen(state.status)) return list;
  if (state.answerDueAt !== null && state.answeredAt === null) list.push({ what: 'answer', at: state.answerDueAt });
  if (state.kind === 'repair' && state.openedAt !== null && NOT_ARRIVED.has(state.status)) {
    list.push({ what: 'on-site', at: new Date(Date.parse(state.openedAt) + REPAIR_ON_SITE_MS).toISOString() });
  }
  if (state.status === 'dispatched' && state.visit) list.push({ what: 'visit', at: state.visit.at });
  if (state.closeDueAt !== null && state.closedAt === null) list.push({ what: 'close', at: state.closeDueAt });
  if (!FINISHED.has(state.status) && state.openedAt !== null && (state.kind === 'repair' || state.kind === 'complaint')) {
    const next = nextEscalation(Date.parse(state.openedAt), now, ladder);
    if (next) list.push({ what: 'escalation', at: next.at.toISOString() });
  }
  return list.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/** A request's place in the queue at `now`. */
export function queueEntry(
  state: RequestState,
  now: Instant,
  options: { soonMs?: number; ladder?: readonly EscalationRung[] } = {},
): QueueEntry {
  const nowMs = toEpochMs(now);
  const soonMs = options.soonMs ?? SOON_DUE_MS;
  const deadlines = deadlinesOf(state, nowMs, options.ladder);
  const due = deadlines[0] ?? null;
  const missed = deadlines.some((d) => Date.parse(d.at) < nowMs);
  const urgency: Urgency =
    missed || state.escalationLevel > 0 || state.answerOverdue || state.closeOverdue
      ? 'overdue'
      : due === null
        ? 'none'
        : Date.parse(due.at) - nowMs <= soonMs
          ? 'soon'
          : 'later';
  return { state, due, deadlines, urgency, escalationLevel: state.escalationLevel };
}

const URGENCY_RANK: Record<Urgency, number> = { overdue: 0, soon: 1, later: 2, none: 3 };

/**
 * Queue order: overdue first (higher escalation level first), then soon due, then the rest;
 * within a group the earliest due time first, then the oldest submission, then the request id
 * (a total order: every device lists the same queue the same way).
 */
export function compareQueueEntries(a: QueueEntry, b: QueueEntry): number {
  const rank = URGENCY_RANK[a.urgency] - URGENCY_RANK[b.urgency];
  if (rank) return rank;
  if (a.escalationLevel !== b.escalationLevel) return b.escalationLevel - a.escalationLevel;
  const ad = a.due?.at ?? '\uffff';
  const bd = b.due?.at ?? '\uffff';
  if (ad !== bd) return ad < bd ? -1 : 1;
  const as = a.state.submittedAt ?? '\uffff';
  const bs = b.state.submittedAt ?? '\uffff';
  if (as !== bs) return as < bs ? -1 : 1;
  return a.state.requestId < b.state.requestId ? -1 : a.state.requestId > b.state.requestId ? 1 : 0;
}

export interface QueueFilter {
  readonly kind?: RequestKind;
  readonly status?: RequestStatus;
  readonly station?: string;
  /** The first-contact owner or the assigned technician. */
  readonly owner?: string;
  readonly urgency?: Urgency;
  /** The technician of the booked visit (or the last dispatch). */
  readonly technician?: string;
  /** Escalated: on a rung of the ladder (level ≥ 1) or not. */
  readonly escalated?: 'yes' | 'no';
}

export function matchesFilter(entry: QueueEntry, filter: QueueFilter): boolean {
  const s = entry.state;
  if (filter.kind !== undefined && s.kind !== filter.kind) return false;
  if (filter.status !== undefined && s.status !== filter.status) return false;
  if (filter.station !== undefined && s.station !== filter.station) return false;
  if (filter.owner !== undefined && s.owner !== filter.owner && s.assignee !== filter.owner) return false;
  if (filter.urgency !== undefined && entry.urgency !== filter.urgency) return false;
  if (filter.technician !== undefined && (s.visit?.technician ?? s.assignee) !== filter.technician) return false;
  if (filter.escalated !== undefined && (entry.escalationLevel > 0 ? 'yes' : 'no') !== filter.escalated) return false;
  return true;
}

/** How the queue table is ordered: the queue's own order, or by due time (no due time last). */
export type QueueOrder = 'queue' | 'due-ascending' | 'due-descending';

/** The entries in `order` (the queue order breaks ties, so every device lists the same). */
export function orderQueue(entries: readonly QueueEntry[], order: QueueOrder): QueueEntry[] {
  const sorted = [...entries].sort(compareQueueEntries);
  if (order === 'queue') return sorted;
  const sign = order === 'due-ascending' ? 1 : -1;
  return sorted
    .map((e, i) => ({ e, i }))
    .sort((a, b) => {
      const ad = a.e.due?.at ?? null;
      const bd = b.e.due?.at ?? null;
      if (ad === null || bd === null) return ad === bd ? a.i - b.i : ad === null ? 1 : -1;
      return ad === bd ? a.i - b.i : (ad < bd ? -1 : 1) * sign;
    })
    .map((x) => x.e);
}

/** The open requests as a queue: closed and withdrawn left out, filtered, in queue order. */
export function buildQueue(
  states: readonly RequestState[],
  now: Instant,
  filter: QueueFilter = {},
  options: { soonMs?: number; ladder?: readonly EscalationRung[] } = {},
): QueueEntry[] {
  return states
    .filter((s) => isOpen(s.status))
    .map((s) => queueEntry(s, now, options))
    .filter((e) => matchesFilter(e, filter))
    .sort(compareQueueEntries);
}
