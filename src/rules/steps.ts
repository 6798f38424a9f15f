import type { EventRecord, EventType } from '../db/schema/events/event';
import type { RequestKind } from '../db/schema/requestKind';
import { stepFitsKind } from './stepKinds';
import { mayFinishTemperatureTest } from './measurementRecords';
import type { Role } from '../db/schema/roles';
import { dueCallbacks } from './callbacks';
import { complaintProgress } from './complaintPath';
import { mayEmit } from './permissions';
import { isOpen, type RequestState } from './requestState';
import { arrivalVerdict } from './visit';
import { ACCOUNT_DESK_ROLES } from './customerPrivacy';

/**
 * What a member of staff may do, as one rule (issue 16 item 2). Two layers:
 *   - `mayTakeStep(role, type, kind)`: whether the role may ever write this step on this kind of
 *     request (the permissions table, and the kind: a consultation has no dispatch, a
 *     temperature test no repair steps). The write check (validateWrite, on the device and the
 *     server) refuses the rest, so the server accepts exactly what this allows.
 *   - `availableSteps(request, roles, now)`: the steps the console offers now, for the request's
 *     state (a dispatch before the visit, arrival after it, a callback once resolved…). Each is
 *     a subset of `mayTakeStep`, written in the first of the user's roles that may take it.
 *   - `availableTabs(roles, database)`: the console's sections the user may use.
 * A staff account may hold several roles (a hall that registers and dispatches): every rule
 * takes the list.
 */

export { VISIT_KINDS, stepFitsKind } from './stepKinds';

/** Whether a person acting in `role` may ever write `type` on a request of `kind`. */
export function mayTakeStep(role: Role, type: EventType, kind: RequestKind): boolean {
  return mayEmit(role, type) && (role === 'resident' || role === 'admin' || stepFitsKind(type, kind));
}

/** The first of `roles` that may take the step (the role the event is written in), or undefined. */
export function roleForStep(roles: readonly Role[], type: EventType, kind?: RequestKind): Role | undefined {
  return roles.find((r) => (kind ? mayTakeStep(r, type, kind) : mayEmit(r, type)));
}

export interface StepRequest {
  readonly state: RequestState;
  readonly events: readonly EventRecord[];
}

export interface AvailableStep {
  readonly type: EventType;
  /** The role the step is written in. */
  readonly role: Role;
}

const ACTIVE = (s: RequestState) => isOpen(s.status);

/** The steps the user may take on this request now, in the order the console shows them. */
export function availableSteps(request: StepRequest, roles: readonly Role[], now: number): AvailableStep[] {
  const { state, events } = request;
  const kind = state.kind;
  const wanted: EventType[] = [];
  const active = ACTIVE(state);
  const visitOpen = state.status === 'dispatched' || state.status === 'reopened';
  if (state.status === 'submitted') wanted.push('accepted');
  if (active && state.status !== 'on-site' && state.status !== 'resolved' && state.status !== 'awaiting-sign-off') wanted.push('dispatched');
  if (visitOpen && state.visit) {
    wanted.push(arrivalVerdict(Date.parse(state.visit.at), now) === 'late' ? 'late-notice' : 'arrived', 'nobody-home');
  }
  if (state.status === 'on-site') {
    // A temperature test: measure (the resident signs the record on the same form), then done,
    // only on a valid signed record (measurementRecords.ts; the write check holds the same).
    if (kind === 'temperature-test') wanted.push('measured', ...(mayFinishTemperatureTest(events) ? (['resolved'] as const) : []));
    else wanted.push('diagnosed', 'work-done', 'signed-off', 'resolved');
  }
  if (kind === 'complaint' && active) {
    const next = complaintProgress(events).next;
    if (next && next !== 'callback') wanted.push(next);
  }
  if (active) wanted.push('reply');
  // A callback when one is due and may be made now: inside the callback hours and not before the
  // next try a call that did not reach the resident recorded (callbacks.ts; 002 ch.4 §7).
  if (dueCallbacks([{ state, events }], now)[0]?.mayCallNow) wanted.push('callback');
  if (state.status === 'resolved') wanted.push('closed');
  return wanted.flatMap((type) => {
    const role = roleForStep(roles, type, kind);
    return role ? [{ type, role }] : [];
  });
}

/** Whether the user may take `type` on this request now. */
export function mayTakeNow(request: StepRequest, roles: readonly Role[], type: EventType, now: number): boolean {
  return availableSteps(request, roles, now).some((s) => s.type === type);
}

export const CONSOLE_TABS = ['queue', 'board', 'today', 'register', 'callbacks', 'outages', 'accounts'] as const;
export type ConsoleTab = (typeof CONSOLE_TABS)[number];

/**
 * The console's sections for these roles: the queue for every role that handles requests;
 * registering a walk-in or a call for roles that may register (`submitted`); callbacks for roles
 * that call back; outage notices on every operations device (their records live in operations;
 * the committee reads them); the accounts desk (in-person checks at a hall, the access log) for
 * the roles of src/rules/customerPrivacy.ts. The dispatch board (each technician's visits today
 * and tomorrow, their free hours) for dispatchers and station heads; a technician's own day for
 * technicians, first for a technician alone (issue 16 item 4).
 */
export function availableTabs(roles: readonly Role[], database: 'station' | 'operations' | 'resident' | 'other'): ConsoleTab[] {
  const any = (type: EventType) => roles.some((r) => r !== 'resident' && mayEmit(r, type));
  const tabs: ConsoleTab[] = [];
  const technician = roles.includes('technician');
  if (technician && queueScope(roles) === 'mine') tabs.push('today');
  if (roles.some((r) => r !== 'resident' && r !== 'committee')) tabs.push('queue');
  if (roles.includes('dispatcher') || roles.includes('station-head')) tabs.push('board');
  if (technician && !tabs.includes('today')) tabs.push('today');
  if (any('submitted')) tabs.push('register');
  if (any('callback')) tabs.push('callbacks');
  // Every operations device shows the outage notices; who may record one is the records' write check.
  if (database === 'operations') tabs.push('outages');
  if (roles.some((r) => ACCOUNT_DESK_ROLES.includes(r))) tabs.push('accounts');
  return tabs;
}

/**
 * Whose requests the queue lists: a technician (with no other role) sees only the requests
 * dispatched to them, not the station's consultations and praise.
 */
export function queueScope(roles: readonly Role[]): 'station' | 'mine' {
  return roles.length > 0 && roles.every((r) => r === 'technician') ? 'mine' : 'station';
}
