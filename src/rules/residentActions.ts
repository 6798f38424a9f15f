import type { EventOf, EventRecord } from '../db/schema/events/event';
import { mayEmit } from './permissions';
import { sortEvents, type RequestState, type RequestStatus } from './requestState';

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
const TERMINAL: ReadonlySet<RequestStatus> = new Set(['closed', 'withdrawn']);

/**
 * Whether the resident may sign now: a completion waiting for their signature, or (a
 * temperature test) a measured record not yet signed, which is invalid until they sign it.
 */
export function maySignOff(state: RequestState): boolean {
  if (!mayEmit('resident', 'signed-off') || TERMINAL.has(state.status)) return false;
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
