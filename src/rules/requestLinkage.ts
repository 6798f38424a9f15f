import type { EventType } from '../db/schema/events/event';
import type { RequestKind } from '../db/schema/requestKind';
import { TRAIL_TYPES, type TrailEvent } from './measurementRecords';

/**
 * Writes tied to their owners (issue 17, findings 2 and 3): every event after a request's
 * `submitted` names a request that exists in the database it is written to, and carries that
 * request's resident, kind and (one of) its stations. Pure: the facts of the request are looked
 * up by the caller — the server's guard and router from the database (server/backend/
 * requestRegistry.mjs folds its `_changes` with `addToRequestIndex`), the device from its own
 * events — and handed in.
 *
 * Why the database written to: each database is one audience (a resident, a station,
 * operations). A station-2 technician writing about a station-1 request into station-2's
 * database, or resident B writing about A's request into B's, names a request that database
 * has never held: refused, whatever the ids say. Operations holds every request, so operations
 * staff may write about any.
 */

/** What a database knows of one request: its submission and the stations it was handed to. */
export interface RequestFacts {
  readonly requestId: string;
  readonly requestKind: RequestKind;
  /** The resident who owns the request (the submission's). */
  readonly resident: string;
  /** The stations in charge: the submission's first, then each a `routed` event handed it to. */
  readonly stations: readonly string[];
  /** The submission's own time (`at`, the device's clock). */
  readonly submittedAt: string;
  /** The id of the submission event. */
  readonly submissionId: string;
  /** The role that submitted it (resident, hotline…). */
  readonly submittedBy: string;
  /**
   * Temperature tests: the events that decide its measurement record (dispatches, saves,
   * signatures; measurementRecords.ts), without signature images. Absent for other kinds.
   */
  readonly trail?: readonly TrailEvent[];
}

/** What the linkage reads of an event (either shape). */
export interface LinkedEvent {
  readonly id?: string;
  readonly _id?: string;
  readonly type: EventType;
  readonly requestId: string;
  readonly requestKind: RequestKind;
  readonly resident: string;
  readonly station: string;
  readonly at: string;
  readonly author: { readonly role: string };
  readonly payload?: unknown;
}

export const LINKAGE_RULES = ['request-exists', 'request-unknown', 'request-owner', 'request-station', 'event-time'] as const;
export type LinkageRule = (typeof LINKAGE_RULES)[number];

export interface LinkageProblem {
  readonly rule: LinkageRule;
  readonly reason: string;
}

const idOf = (e: LinkedEvent): string => e.id ?? e._id ?? '';

/**
 * Whether `event` may be written into a database that knows `request` (null: the database
 * holds no submission of the event's request). The first rule broken, or null.
 *
 * - a `submitted` event starts a request: its id must be new there (another submission of the
 *   same request id is a hijack: the state would follow whichever came first);
 * - any other event needs the request's submission there, the same resident, the same kind, a
 *   station the request was in, and a time not before the submission (domain.md, "Times").
 */
export function linkageProblem(event: LinkedEvent, request: RequestFacts | null): LinkageProblem | null {
  if (event.type === 'submitted') {
    if (request && request.submissionId !== idOf(event)) {
      return { rule: 'request-exists', reason: `request ${event.requestId} was already submitted here (event ${request.submissionId}); a new request needs a new id` };
    }
    return null;
  }
  if (!request) {
    return { rule: 'request-unknown', reason: `request ${event.requestId} does not exist in this database: an event follows a request its database holds` };
  }
  if (event.resident !== request.resident) {
    return { rule: 'request-owner', reason: `request ${event.requestId} is not resident "${event.resident}"'s: events carry their request's resident` };
  }
  if (event.requestKind !== request.requestKind) {
    return { rule: 'request-owner', reason: `request ${event.requestId} is a ${request.requestKind} request, not ${event.requestKind}` };
  }
  if (!request.stations.includes(event.station)) {
    return {
      rule: 'request-station',
      reason: `request ${event.requestId} is in the care of ${request.stations.join(', ')}, not station "${event.station}"`,
    };
  }
  if (Date.parse(event.at) < Date.parse(request.submittedAt)) {
    return { rule: 'event-time', reason: `the event is dated ${event.at}, before its request was submitted (${request.submittedAt})` };
  }
  return null;
}

// ---------------------------------------------------------------- the index

/** A request as a database's events show it so far (a hand-over may arrive before the submission). */
interface Entry {
  facts: RequestFacts | null;
  routedTo: string[];
  trail: TrailEvent[];
}

/** Every request of a database, folded from its events in any order. */
export interface RequestIndex {
  readonly entries: Map<string, Entry>;
}

export function emptyRequestIndex(): RequestIndex {
  return { entries: new Map() };
}

/** The station a `routed` event hands its request to, if any. */
function handedTo(event: LinkedEvent): string | undefined {
  if (event.type !== 'routed') return undefined;
  const to = (event.payload as { toStation?: unknown } | undefined)?.toStation;
  return typeof to === 'string' ? to : undefined;
}

/**
 * Adds what an event tells about its request: a submission (the first one seen stays: a second
 * one is what linkageProblem refuses) or a hand-over to another station. Other events add
 * nothing. Order-independent, idempotent.
 */
export function addToRequestIndex(index: RequestIndex, event: LinkedEvent): void {
  const to = handedTo(event);
  const trail = event.requestKind === 'temperature-test' && TRAIL_TYPES.includes(event.type);
  if (event.type !== 'submitted' && to === undefined && !trail) return;
  let entry = index.entries.get(event.requestId);
  if (!entry) index.entries.set(event.requestId, (entry = { facts: null, routedTo: [], trail: [] }));
  if (trail) {
    const id = idOf(event);
    if (!entry.trail.some((e) => e.id === id)) entry.trail.push(trailCopy(event, id));
    return;
  }
  if (event.type === 'submitted') {
    if (entry.facts) return;
    entry.facts = {
      requestId: event.requestId,
      requestKind: event.requestKind,
      resident: event.resident,
      stations: [...new Set([event.station, ...entry.routedTo])],
      submittedAt: event.at,
      submissionId: idOf(event),
      submittedBy: event.author.role,
    };
    return;
  }
  if (to !== undefined && !entry.routedTo.includes(to)) {
    entry.routedTo.push(to);
    if (entry.facts && !entry.facts.stations.includes(to)) entry.facts = { ...entry.facts, stations: [...entry.facts.stations, to] };
  }
}

/** What the record rule reads of a trail event: a signature is kept as the fact that there is one. */
function trailCopy(event: LinkedEvent, id: string): TrailEvent {
  const payload = event.payload as { rooms?: unknown; signature?: unknown } | undefined;
  const kept = event.type === 'measured' ? { rooms: payload?.rooms, ...(payload?.signature !== undefined ? { signature: true } : {}) } : {};
  return { id, type: event.type, at: event.at, payload: kept };
}

/** The facts of a request in the index, or null when its submission is not there. */
export function requestFacts(index: RequestIndex, requestId: string): RequestFacts | null {
  const entry = index.entries.get(requestId);
  if (!entry?.facts) return null;
  return entry.trail.length ? { ...entry.facts, trail: [...entry.trail] } : entry.facts;
}

/** The trail events a write adds (the guard's overlay of one batch), for merging into the facts. */
export function requestTrail(index: RequestIndex, requestId: string): readonly TrailEvent[] {
  return index.entries.get(requestId)?.trail ?? [];
}

/** The index of a set of events (the device: its own; tests). */
export function indexRequests(events: Iterable<LinkedEvent>): RequestIndex {
  const index = emptyRequestIndex();
  for (const e of events) addToRequestIndex(index, e);
  return index;
}

/**
 * Whether the router may copy `event` (found at its origin, where linkageProblem held) into a
 * database that knows `request` of it (null: not yet — the copy brings it, or comes before it).
 * The station was judged at the origin; what a copy must never do is meet another request of
 * the same id (a second submission, a hijack from a database that did not know the first one)
 * or another resident's request.
 */
export function copyProblem(event: LinkedEvent, request: RequestFacts | null): LinkageProblem | null {
  if (!request) return null;
  if (event.type === 'submitted' && request.submissionId !== idOf(event)) {
    return { rule: 'request-exists', reason: `request ${event.requestId} was submitted there already (event ${request.submissionId})` };
  }
  if (event.resident !== request.resident) {
    return { rule: 'request-owner', reason: `request ${event.requestId} there is not resident "${event.resident}"'s` };
  }
  return null;
}
