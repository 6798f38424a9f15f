/**
 * What a role may do (issue 16 item 2) is one rule: for every staff role, every kind and every
 * state a request passes through, each step the console offers (availableSteps) is accepted by
 * the write check the server runs (validateWrite), and each step the role may not take on that
 * kind is refused by it. What the server accepts and the console never offers is only the
 * short list of steps with no form of their own.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { validateWrite, type WriteDatabase } from '../../../src/db/validateWrite';
import { EVENT_TYPES, KIND_OF_TYPE, type EventRecord, type EventType } from '../../../src/db/schema/events/event';
import { REQUEST_KINDS, type RequestKind } from '../../../src/db/schema/requestKind';
import { STAFF_ROLES, couchRolesFor, isStationRole, type Role } from '../../../src/db/schema/roles';
import { requestState } from '../../../src/rules/requestState';
import { availableSteps, availableTabs, mayTakeStep, queueScope, roleForStep } from '../../../src/rules/steps';
import { PAYLOADS, STATION, T0, aRequestHistory, anEvent, asCouchDoc, resetIds, type Step } from '../../support/builders/events';

beforeEach(() => resetIds());

const WORKING_ROLES = STAFF_ROLES.filter((r) => r !== 'committee' && r !== 'admin');
const VISIT = '2025-12-01T01:00:00.000Z';
const dispatch: Step = ['dispatched', { payload: { visitAt: VISIT } }];

/** The states a request of `kind` passes through, each as its events. */
function histories(kind: RequestKind): EventRecord[][] {
  const paths: Step[][] = [[], ['accepted'], ['accepted', 'reply']];
  if (kind === 'complaint') paths.push(['accepted', 'assessed'], ['accepted', 'assessed', 'responsible', 'cause', 'remedy-proposed'], ['accepted', 'assessed', 'resident-told', 'resolved']);
  if (!['consultation', 'complaint', 'suggestion', 'praise'].includes(kind)) {
    paths.push(['accepted', dispatch], ['accepted', dispatch, 'arrived']);
    paths.push(kind === 'temperature-test' ? ['accepted', dispatch, 'arrived', 'measured', 'resolved'] : ['accepted', dispatch, 'arrived', 'work-done', 'resolved', 'signed-off']);
  } else paths.push(['accepted', 'resolved']);
  return paths.map((steps) => aRequestHistory({ kind, steps, every: 60_000 }));
}

const databaseOf = (role: Role): WriteDatabase => (isStationRole(role) ? { kind: 'station', station: STATION } : { kind: 'operations' });
const userOf = (role: Role) => ({ name: `u-${role}`, roles: couchRolesFor(isStationRole(role) ? { role, station: STATION } : { role }) });

/** The event the console would write for this step, as the server receives it. */
function serverVerdict(role: Role, kind: RequestKind, type: EventType, after: EventRecord) {
  const event = anEvent(type as Exclude<EventType, 'submitted'>, {
    requestId: after.requestId,
    requestKind: kind,
    resident: after.resident,
    station: STATION,
    at: new Date(Date.parse(after.at) + 60_000).toISOString(),
    author: { name: `u-${role}`, role, device: 'dev-1' },
    payload: PAYLOADS[type as Exclude<EventType, 'submitted'>],
    visibility: ['note', 'escalated', 'responsible', 'cause', 'remedy-proposed', 'remedy-approved', 'review'].includes(type) ? 'internal' : 'resident',
  } as never);
  return validateWrite({ database: databaseOf(role), doc: asCouchDoc(event), user: userOf(role), existing: false });
}

/** Steps the server accepts that have no form of their own: notes, routing, escalations (recorded by the device), registering (the register tab). */
const NO_FORM: readonly EventType[] = ['note', 'routed', 'escalated', 'submitted'];

describe.each(WORKING_ROLES)('%s: the console offers what the server accepts, and only that', (role) => {
  it.each(REQUEST_KINDS.filter((k) => k !== 'emergency'))('%s', (kind) => {
    const offered = new Set<EventType>();
    for (const events of histories(kind)) {
      const state = requestState(events, { now: Date.parse(T0) + 3_600_000 });
      const last = events.at(-1)!;
      for (const step of availableSteps({ state, events }, [role], Date.parse(VISIT))) {
        expect(step.role).toBe(role);
        const verdict = serverVerdict(role, kind, step.type, last);
        expect(verdict.ok ? 'ok' : `${verdict.rule}: ${verdict.reason}`, `${role} offered ${step.type} on a ${state.status} ${kind}`).toBe('ok');
        offered.add(step.type);
      }
    }
    const first = histories(kind)[0]!.at(-1)!;
    for (const type of EVENT_TYPES.filter((t) => t !== 'submitted' && t !== 'rated' && t !== 'withdrawn' && t !== 'reopened')) {
      const only = (KIND_OF_TYPE as Partial<Record<EventType, RequestKind>>)[type];
      if (only !== undefined && only !== kind) {
        expect(mayTakeStep(role, type, kind)).toBe(false); // the schema refuses it as malformed
        continue;
      }
      const verdict = serverVerdict(role, kind, type, first);
      const accepted = verdict.ok || verdict.rule !== 'may-emit';
      expect(accepted, `${role} ${type} on ${kind}: ${verdict.ok ? 'ok' : verdict.reason}`).toBe(mayTakeStep(role, type, kind));
      if (mayTakeStep(role, type, kind) && !offered.has(type) && !NO_FORM.includes(type)) {
        // Accepted but never offered in these states: only steps the states above do not reach.
        expect(['resolved', 'arrived', 'nobody-home', 'diagnosed', 'work-done', 'measured', 'callback', 'remedy-approved', 'review', 'remedy-done', 'resident-told', 'late-notice', 'signed-off', 'closed', 'cause', 'responsible', 'remedy-proposed', 'assessed']).toContain(type);
      }
    }
  });
});

describe('steps fit the kind', () => {
  it('a consultation, suggestion, praise or complaint has no dispatch nor visit steps, for any role', () => {
    for (const role of WORKING_ROLES)
      for (const kind of ['consultation', 'suggestion', 'praise', 'complaint'] as const)
        for (const type of ['dispatched', 'arrived', 'diagnosed', 'work-done'] as const) expect(mayTakeStep(role, type, kind)).toBe(false);
  });
  it('a temperature test is measured, not diagnosed or repaired; a repair is not measured', () => {
    expect(mayTakeStep('technician', 'measured', 'temperature-test')).toBe(true);
    expect(mayTakeStep('technician', 'diagnosed', 'temperature-test')).toBe(false);
    expect(mayTakeStep('technician', 'work-done', 'temperature-test')).toBe(false);
    const [submitted, , , arrived] = aRequestHistory({ kind: 'temperature-test', steps: ['accepted', dispatch, 'arrived'] });
    const events = aRequestHistory({ kind: 'temperature-test', steps: ['accepted', dispatch, 'arrived'] });
    const state = requestState(events, { now: Date.parse(T0) });
    // arrive → measure rooms (the resident signs on the same form) → done: no repair steps, no second signature
    expect(availableSteps({ state, events }, ['technician'], Date.parse(VISIT)).map((s) => s.type)).toEqual(['measured']);
    expect(mayTakeStep('technician', 'signed-off', 'temperature-test')).toBe(false);
    expect(mayTakeStep('resident', 'signed-off', 'temperature-test')).toBe(true); // the portal's signature still signs a record
    expect(mayTakeStep('technician', 'signed-off', 'repair')).toBe(true);
    expect(submitted && arrived).toBeTruthy();
  });

  it('a temperature test is finished (resolved) only on a valid record the resident signed', () => {
    const rooms = [{ name: '客厅', areaM2: 24, readings: [18.5, 18.9] }];
    const offered = (steps: Step[]) => {
      const events = aRequestHistory({ kind: 'temperature-test', steps: ['accepted', dispatch, 'arrived', ...steps] });
      return availableSteps({ state: requestState(events, { now: Date.parse(VISIT) }), events }, ['technician'], Date.parse(VISIT)).map((s) => s.type);
    };
    expect(offered([['measured', { payload: { rooms, signature: undefined } }]])).toEqual(['measured']);
    expect(offered([['measured', { payload: { rooms: [{ ...rooms[0]!, readings: [18.5] }] } }]])).toEqual(['measured']); // 24 m² needs 2 points
    expect(offered([['measured', { payload: { rooms } }]])).toEqual(['measured', 'resolved']);
    expect(offered([['measured', { payload: { rooms } }], ['measured', { payload: { rooms, signature: undefined } }]])).toEqual(['measured']);
  });

  it('a consultation, suggestion, praise or complaint is never dispatched nor visited, by any role', () => {
    for (const kind of ['consultation', 'suggestion', 'praise', 'complaint'] as const) {
      for (const role of ['dispatcher', 'station-head', 'manager'] as const) expect(mayTakeStep(role, 'dispatched', kind), `${role} ${kind}`).toBe(false);
      expect(mayTakeStep('technician', 'arrived', kind)).toBe(false);
      const events = aRequestHistory({ kind, steps: ['accepted'] });
      const steps = availableSteps({ state: requestState(events, { now: Date.parse(T0) }), events }, ['manager', 'dispatcher', 'technician'], Date.parse(T0));
      expect(steps.map((s) => s.type)).not.toContain('dispatched');
    }
  });
});

describe('an account with several roles', () => {
  it('a station hall registers (dispatcher) and visits (technician) with one account, each step written in the role that may', () => {
    const roles: Role[] = ['dispatcher', 'technician'];
    expect(roleForStep(roles, 'submitted', 'repair')).toBe('dispatcher');
    expect(roleForStep(roles, 'arrived', 'repair')).toBe('technician');
    expect(couchRolesFor({ role: roles, station: STATION })).toEqual(['staff', 'role:dispatcher', 'role:technician', `station:${STATION}`]);
    const events = aRequestHistory({ steps: ['accepted', dispatch] });
    const state = requestState(events, { now: Date.parse(T0) });
    expect(availableSteps({ state, events }, roles, Date.parse(VISIT))).toEqual(
      expect.arrayContaining([
        { type: 'dispatched', role: 'dispatcher' },
        { type: 'arrived', role: 'technician' },
      ]),
    );
    expect(availableTabs(roles, 'station')).toEqual(['queue', 'board', 'today', 'register', 'accounts']);
    expect(queueScope(roles)).toBe('station');
  });
  it('refuses mixing station roles with roles across stations', () => {
    expect(() => couchRolesFor({ role: ['dispatcher', 'hotline'], station: STATION })).toThrow(/cannot share/);
  });
});

describe('availableTabs', () => {
  it.each([
    // accounts: the desk for in-person checks at a hall (and the access log for managers),
    // for the roles of src/rules/customerPrivacy.ts
    ['hotline', 'operations', ['queue', 'register', 'callbacks', 'outages', 'accounts']],
    ['complaint-handler', 'operations', ['queue', 'callbacks', 'outages']],
    // the dispatch board for who dispatches or heads the station; a technician opens on their own day
    ['dispatcher', 'station', ['queue', 'board', 'register', 'accounts']],
    ['station-head', 'station', ['queue', 'board', 'register', 'accounts']],
    ['technician', 'station', ['today', 'queue']],
    ['manager', 'operations', ['queue', 'register', 'callbacks', 'outages', 'accounts']],
    ['committee', 'operations', ['outages']],
  ] as const)('%s on a %s device: %j', (role, db, tabs) => {
    expect(availableTabs([role], db)).toEqual(tabs);
  });
  it('a technician alone sees only their own visits', () => {
    expect(queueScope(['technician'])).toBe('mine');
  });
});
