import type { EventOf, EventRecord } from '../db/schema/events/event';
import type { RequestKind } from '../db/schema/requestKind';
import type { CALLBACK_OUTCOMES } from '../db/schema/events/payloads';
import { toEpochMs, type Instant } from './chinaTime';
import { CALLBACK_HOURS, mayCallAt, nextCallbackSlot, type CallbackHours } from './callbackHours';
import type { RequestState } from './requestState';
import { sortEvents } from './requestState';

/**
 * Callbacks (回访, issue 6 item 8): which finished requests wait for a call, when the call may
 * be offered (callbackHours), and the repair callback rate against its commitment.
 */

/** Kinds followed by a callback once the work is done (002 ch.1 §11; 004: 100 % after appliance jobs). */
export const CALLBACK_KINDS: readonly RequestKind[] = ['repair', 'temperature-test', 'complaint', 'appliance-installation', 'appliance-repair'];

/** At least 90 % of repair orders called back (002 ch.1 §11). */
export const REPAIR_CALLBACK_TARGET = 0.9;

export interface CallbackSummary {
  /** Calls made, reached or not, oldest first. */
  readonly calls: readonly EventOf<'callback'>[];
  /** The last call that reached the resident, or null. */
  readonly reached: EventOf<'callback'> | null;
}

/** The callbacks among a request's events (a copy delivered twice counts once). */
export function callbackSummary(events: readonly EventRecord[]): CallbackSummary {
  const calls = sortEvents(events).filter((e): e is EventOf<'callback'> => e.type === 'callback');
  const reached = [...calls].reverse().find((c) => c.payload.outcome !== 'unreachable') ?? null;
  return { calls, reached };
}

/** Whether the work of a request is done, so a callback may follow: resolved (signed where needed) or closed. */
function workDone(state: RequestState): boolean {
  return state.status === 'resolved' || state.status === 'closed';
}

/** A resident not reached is tried again this long after the call, at the next allowed moment (the seeds give no interval). */
export const CALLBACK_RETRY_MS = 2 * 3_600_000;

/** The next try after a call at `calledAt` that did not reach the resident: inside the allowed hours. */
export function nextCallbackTry(calledAt: Instant, hours: CallbackHours = CALLBACK_HOURS): Date {
  return nextCallbackSlot(toEpochMs(calledAt) + CALLBACK_RETRY_MS, hours);
}

/**
 * Why a callback's recorded next try breaks the callback hours, or null: a resident not reached is
 * tried again inside the allowed hours (002 ch.4 §7) and after the call. The write check (device
 * and server; the databases' validate_doc_update too) refuses such a record, so a tampered or
 * stale device cannot schedule a call at night.
 */
export function nextTryProblem(event: Pick<EventRecord, 'type' | 'at' | 'payload'>, hours: CallbackHours = CALLBACK_HOURS): string | null {
  if (event.type !== 'callback') return null;
  const payload = event.payload as { outcome?: string; nextTryAt?: string };
  if (payload.outcome !== 'unreachable' || payload.nextTryAt === undefined) return null;
  const next = Date.parse(payload.nextTryAt);
  if (!(next > Date.parse(event.at))) return 'the next try is not after the call';
  if (!mayCallAt(next, hours)) return 'the next try is outside the callback hours';
  return null;
}

/** What staff chose on the callback card; '' where nothing is chosen yet (nothing is chosen for them). */
export interface CallbackChoice {
  readonly outcome: (typeof CALLBACK_OUTCOMES)[number] | '';
  readonly attitude: string;
  readonly ability: string;
  readonly satisfaction: string;
  readonly comment: string;
}

/**
 * The callback payload the card records at `now`: not reached carries the next try (inside the
 * allowed hours); reached carries the scores and view. Nothing is defaulted: an unchosen outcome
 * or view stays missing, so the schema refuses it at its field ("请选择回访结果").
 */
export function callbackPayload(choice: CallbackChoice, now: Instant, hours: CallbackHours = CALLBACK_HOURS): Record<string, unknown> {
  const comment = choice.comment.trim() ? { comment: choice.comment.trim() } : {};
  if (choice.outcome === '') return { ...comment };
  if (choice.outcome === 'unreachable') return { outcome: 'unreachable', nextTryAt: nextCallbackTry(now, hours).toISOString(), ...comment };
  const score = (x: string) => (x.trim() === '' ? undefined : Number(x.trim()));
  return {
    outcome: choice.outcome,
    attitude: score(choice.attitude),
    ability: score(choice.ability),
    satisfaction: choice.satisfaction === '' ? undefined : choice.satisfaction,
    ...comment,
  };
}

export interface DueCallback {
  readonly requestId: string;
  readonly kind: RequestKind;
  /** Calls already tried without reaching the resident. */
  readonly attempts: number;
  /** Whether the resident may be phoned at `now`. */
  readonly mayCallNow: boolean;
  /** The first allowed instant at or after `now` and after the last try's next-try time (now itself when both allow). */
  readonly offerAt: Date;
}

/**
 * The callbacks due at `now`: requests of CALLBACK_KINDS whose work is done and whose resident
 * has not been reached by a callback yet, each with the first moment the call may be made.
 */
export function dueCallbacks(
  requests: readonly { state: RequestState; events: readonly EventRecord[] }[],
  now: Instant,
  hours: CallbackHours = CALLBACK_HOURS,
): DueCallback[] {
  const nowMs = toEpochMs(now);
  return requests
    .filter(({ state }) => CALLBACK_KINDS.includes(state.kind) && state.status !== 'withdrawn' && workDone(state))
    .map(({ state, events }) => ({ state, summary: callbackSummary(events) }))
    .filter(({ summary }) => summary.reached === null)
    .map(({ state, summary }) => {
      // A resident not reached is offered again from the next try the last call recorded.
      const last = summary.calls.at(-1);
      const retry = last && last.payload.outcome === 'unreachable' && last.payload.nextTryAt ? Date.parse(last.payload.nextTryAt) : nowMs;
      const from = Math.max(nowMs, retry);
      const offerAt = nextCallbackSlot(from, hours);
      return { requestId: state.requestId, kind: state.kind, attempts: summary.calls.length, mayCallNow: offerAt.getTime() === nowMs && mayCallAt(nowMs, hours), offerAt };
    })
    .sort((a, b) => (a.requestId < b.requestId ? -1 : 1));
}

export interface CallbackRate {
  /** Repair orders whose work is done. */
  readonly done: number;
  /** Of those, the ones whose resident was reached by a callback. */
  readonly calledBack: number;
  /** calledBack / done, or null when no repair is done yet. */
  readonly rate: number | null;
  readonly target: number;
  /** Whether the rate meets the target; null when there is nothing to measure. */
  readonly met: boolean | null;
}

/**
 * The repair callback rate (002 ch.1 §11: at least 90 %): repair orders called back over repair
 * orders done. A call that did not reach the resident does not count as called back.
 */
export function repairCallbackRate(
  requests: readonly { state: RequestState; events: readonly EventRecord[] }[],
  target: number = REPAIR_CALLBACK_TARGET,
): CallbackRate {
  const done = requests.filter(({ state }) => state.kind === 'repair' && workDone(state));
  const calledBack = done.filter(({ events }) => callbackSummary(events).reached !== null).length;
  const rate = done.length ? calledBack / done.length : null;
  return { done: done.length, calledBack, rate, target, met: rate === null ? null : rate >= target };
}

/** Means of the 1-10 scores of reached callbacks (004 §10 figures 15-16), or null with none. */
export function callbackScores(requests: readonly { events: readonly EventRecord[] }[]): { attitude: number | null; ability: number | null; count: number } {
  const scored = requests.flatMap(({ events }) =>
    callbackSummary(events).calls.flatMap((c) => (c.payload.outcome === 'unreachable' ? [] : [c.payload])),
  );
  if (!scored.length) return { attitude: null, ability: null, count: 0 };
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  return { attitude: mean(scored.map((p) => p.attitude)), ability: mean(scored.map((p) => p.ability)), count: scored.length };
}
