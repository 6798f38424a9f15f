import { EVENT_TYPES, type EventType } from '../db/schema/events/event';
import type { RequestStatus } from './requestState';
import { ROLES, type Role } from '../db/schema/roles';

/**
 * Which events each role may write. The table is the whole rule: validateWrite on the server
 * and on the device both read it (domain.md: "a resident cannot dispatch or close; a
 * technician cannot approve a complaint remedy").
 */
const RESIDENT: readonly EventType[] = ['submitted', 'signed-off', 'reopened', 'rated', 'withdrawn'];

const HOTLINE: readonly EventType[] = ['submitted', 'accepted', 'routed', 'reply', 'note', 'callback', 'closed', 'escalated'];

const COMPLAINT_HANDLER: readonly EventType[] = [
  'accepted',
  'routed',
  'assessed',
  'responsible',
  'cause',
  'remedy-proposed',
  'remedy-done',
  'resident-told',
  'review',
  'reply',
  'note',
  'callback',
  'closed',
  'escalated',
];

/**
 * `submitted`: the station's service hall registers walk-ins and calls (domain.md: "at service
 * halls they also register walk-in requests") and dispatches them, with one account.
 */
const DISPATCHER: readonly EventType[] = ['submitted', 'accepted', 'routed', 'dispatched', 'late-notice', 'reply', 'note', 'closed', 'escalated'];

/** `signed-off`: the resident signs on the technician's device (000 §3.3, 002 ch.2). */
const TECHNICIAN: readonly EventType[] = [
  'arrived',
  'late-notice',
  'nobody-home',
  'diagnosed',
  'work-done',
  'measured',
  'resolved',
  'signed-off',
  'note',
];

/** The station head leads the station's dispatch, approves remedies (the "leader approves" of 000 §3.2) and reviews. */
const STATION_HEAD: readonly EventType[] = [...DISPATCHER, 'remedy-approved', 'review'];

/** Every type some member of staff may write, and the leader's approval. */
const ALL_STAFF: readonly EventType[] = [...HOTLINE, ...COMPLAINT_HANDLER, ...DISPATCHER, ...TECHNICIAN, ...STATION_HEAD, 'remedy-approved'];

function inOrder(types: readonly EventType[]): readonly EventType[] {
  const set = new Set(types);
  return EVENT_TYPES.filter((t) => set.has(t));
}

export const PERMISSIONS: Readonly<Record<Role, readonly EventType[]>> = {
  resident: inOrder(RESIDENT),
  hotline: inOrder(HOTLINE),
  'complaint-handler': inOrder(COMPLAINT_HANDLER),
  dispatcher: inOrder(DISPATCHER),
  technician: inOrder(TECHNICIAN),
  'station-head': inOrder(STATION_HEAD),
  manager: inOrder(ALL_STAFF),
  /** The committee publishes commitments and reads results; it writes no request events. */
  committee: [],
  admin: [...EVENT_TYPES],
};

/** Whether a person acting in `role` may write an event of `type`. */
export function mayEmit(role: Role, type: EventType, table: Readonly<Record<Role, readonly EventType[]>> = PERMISSIONS): boolean {
  return table[role].includes(type);
}

/** The roles that may write an event of `type`. */
export function rolesMayEmit(type: EventType, table: Readonly<Record<Role, readonly EventType[]>> = PERMISSIONS): Role[] {
  return ROLES.filter((role) => table[role].includes(type));
}

