import type { EventOf, EventRecord } from '../db/schema/events/event';
import { mayEmit } from './permissions';
import { SIGN_OFF_KINDS, isOpen, sortEvents, type RequestState, type RequestStatus } from './requestState';
import type { View } from '../db/schema/events/fields';

/**
 * What the resident may do with a request now: sign the completion, reopen it, rate a visit.
 * Pure functions of the request's state and events; the island only asks them.
 *
 * ## Which events identify a visit
 * A visit is an `arrived` event: the technician was in the home, so there is something to rate
 * (a dispatch only books a time, and may end with nobody home or a re-booking). The visit's
 * technician is the one of the last `dispatched` before the arrival. A rating names its visit
 * by the `arrived` event's id (`rated.payload.visit`).
 */

/** Statuses in which a `reopened` event reopens the request (as requestState folds it). */
export const REOPENABLE: ReadonlySet<RequestStatus> = new Set(['resolved', 'awaiting-sign-off', 'closed']);

/**
 * Whether the resident may sign now: a completion waiting for their signature, or (a
 * temperature test) a measured record not yet signed, which is invalid until they sign it.
 */
export function maySignOff(state: RequestState): boolean {
  if (!mayEmit('resident', 'signed-off') || !isOpen(state.status)) return false;
  if (state.needsSignOff) return true;
  return state.temperatureTest !== null && state.temperatureTest.problems.some((p) => p.code === 'unsigned');
}

/** Whether the resident may reopen: the work was reported done (resolved, waiting for sign-off, or closed). */
export function mayReopen(state: RequestState): boolean {
  return mayEmit('resident', 'reopened') && REOPENABLE.has(state.status);
}

export interface RatableVisit {
  /** The `arrived` event's id: what a rating names. */
  readonly id: string;
  /** When the technician arrived. */
  readonly at: string;
  /** The technician's display name from the dispatch before, if any. */
  readonly technicianName: string | null;
}

/** The visits of a request the resident may see, in history order. */
export function visitsOf(events: readonly EventRecord[]): RatableVisit[] {
  const visits: RatableVisit[] = [];
  let technicianName: string | null = null;
  for (const e of sortEvents(events)) {
    if (e.type === 'dispatched') technicianName = e.payload.technicianName;
    if (e.type === 'arrived' && e.visibility === 'resident') visits.push({ id: e.id, at: e.at, technicianName });
  }
  return visits;
}

/** The visits the resident may rate now: every visit, unless the request was withdrawn. */
export function ratableVisits(state: RequestState, events: readonly EventRecord[]): RatableVisit[] {
  if (!mayEmit('resident', 'rated') || state.status === 'withdrawn') return [];
  return visitsOf(events);
}

export type Rating = EventOf<'rated'>['payload'] & { readonly ratedAt: string; readonly eventId: string };

/**
 * The current rating of a visit: the latest `rated` event (in history order) about it by the
 * request's resident. A visit is rated once; a later rating replaces the earlier one, which
 * stays in the history. Null when not rated.
 */
export function currentRating(events: readonly EventRecord[], visitId: string): Rating | null {
  let current: Rating | null = null;
  for (const e of sortEvents(events)) {
    if (e.type === 'rated' && e.payload.visit === visitId && e.author.role === 'resident' && e.author.name === e.resident) {
      current = { ...e.payload, ratedAt: e.at, eventId: e.id };
    }
  }
  return current;
}

export interface ResidentActions {
  readonly signOff: boolean;
  readonly reopen: boolean;
  readonly rate: readonly RatableVisit[];
}

/** Everything the resident may do with the request now. */
export function residentActions(state: RequestState, events: readonly EventRecord[]): ResidentActions {
  return { signOff: maySignOff(state), reopen: mayReopen(state), rate: ratableVisits(state, events) };
}

/**
 * The resident's four-point view of attitude and skill (003 §17) read from their own 1–10
 * scores of attitude and ability (001 §4), so the finish form asks each of those once: 9–10
 * very satisfied, 7–8 satisfied, 5–6 average, 1–4 poor. Arrival time and keeping promises have
 * no score and are asked as they are.
 */
export function viewOfScore(score: number): View {
  if (score >= 9) return 'very-satisfied';
  if (score >= 7) return 'satisfied';
  if (score >= 5) return 'average';
  return 'poor';
}

/**
 * The one finish step of a request (what the resident is asked when the work is reported done):
 * - `confirm`: 'sign' when the completion or a temperature record waits for their signature,
 *   'ok' when the work is done and nothing needs signing, null when there is nothing to confirm;
 * - `reopen`: whether "not solved" is offered (it reopens the request);
 * - `visit`: the visit to rate in the same form (the last one not rated yet), or null;
 * - `rated`: the visits rated already, whose rating can be changed apart from the form.
 * Null when the request is not at its end (nothing to confirm, reopen or rate).
 */
export interface FinishStep {
  readonly confirm: 'sign' | 'ok' | null;
  readonly reopen: boolean;
  readonly visit: RatableVisit | null;
  readonly rated: readonly RatableVisit[];
}

export function finishStep(state: RequestState, events: readonly EventRecord[]): FinishStep | null {
  const actions = residentActions(state, events);
  const unrated = actions.rate.filter((v) => currentRating(events, v.id) === null);
  const rated = actions.rate.filter((v) => currentRating(events, v.id) !== null);
  const confirm = actions.signOff ? 'sign' : actions.reopen && !state.signedOff && !SIGN_OFF_KINDS.includes(state.kind) && state.status === 'resolved' ? 'ok' : null;
  const visit = unrated.at(-1) ?? null;
  if (!confirm && !actions.reopen && !visit && !rated.length) return null;
  return { confirm, reopen: actions.reopen, visit, rated };
}

/** What the resident answered in the finish form, as typed. */
export interface FinishAnswers {
  /** "Solved" (confirm) or "not solved" (reopen); '' when not chosen. */
  readonly solved: 'yes' | 'no' | '';
  /** The signature (a data URL), when the step asks for one. */
  readonly signature: string | null;
  /** Why it is not solved (the reopening's reason). */
  readonly reason: string;
  readonly attitude: string;
  readonly ability: string;
  readonly arrival: View | '';
  readonly promises: View | '';
}

export type FinishRecord = { readonly type: 'signed-off' | 'reopened' | 'rated'; readonly payload: Record<string, unknown> };

/**
 * The events the finish form records, in the order they are written: the rating first (a
 * rating is about the visit, whatever the outcome), then the confirmation (`signed-off`,
 * satisfied) or the reopening (`reopened`, with its reason). The rating is left out when none
 * of its questions was answered (a rating is welcome, never required); a rating half answered
 * is sent as it is, so the schema names the questions left. Nothing is recorded for "solved"
 * on a kind with nothing to sign: the work stands as reported. `solved` unanswered gives the
 * confirmation with no `satisfied`, so the schema asks for it.
 */
export function finishRecords(step: FinishStep, answers: FinishAnswers): FinishRecord[] {
  const records: FinishRecord[] = [];
  if (step.visit) {
    const anyRating = answers.attitude || answers.ability || answers.arrival || answers.promises;
    if (anyRating) {
      const attitude = answers.attitude ? Number(answers.attitude) : undefined;
      const ability = answers.ability ? Number(answers.ability) : undefined;
      const view: Record<string, View> = {};
      if (attitude !== undefined) view.attitude = viewOfScore(attitude);
      if (ability !== undefined) view.skill = viewOfScore(ability);
      if (answers.arrival) view.arrival = answers.arrival;
      if (answers.promises) view.promises = answers.promises;
      records.push({
        type: 'rated',
        payload: { visit: step.visit.id, ...(attitude !== undefined ? { attitude } : {}), ...(ability !== undefined ? { ability } : {}), view },
      });
    }
  }
  if (answers.solved === 'no' && step.reopen) {
    records.push({ type: 'reopened', payload: { reason: answers.reason.trim() } });
  } else if (step.confirm === 'sign') {
    records.push({
      type: 'signed-off',
      payload: { ...(answers.signature ? { signature: answers.signature } : {}), ...(answers.solved === 'yes' ? { satisfied: true } : {}) },
    });
  }
  return records;
}

/**
 * What the resident's list says of a request: its status, or 'answered' once staff replied to
 * a request still at `submitted` or `accepted` (a consultation is answered by its reply and
 * stays "submitted" in the fold, which would tell the resident nobody answered); and the last
 * reply the resident may see, to show with it. A reopening starts over: only replies after it count.
 */
export function residentView(state: RequestState, events: readonly EventRecord[]): { status: RequestStatus | 'answered'; answer: string | null } {
  let answer: string | null = null;
  for (const e of sortEvents(events)) {
    if (e.type === 'reopened') answer = null;
    if (e.type === 'reply' && e.visibility === 'resident') answer = e.payload.text;
  }
  const answered = answer !== null && (state.status === 'submitted' || state.status === 'accepted');
  return { status: answered ? 'answered' : state.status, answer };
}
