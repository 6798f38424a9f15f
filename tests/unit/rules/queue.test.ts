import { beforeEach, describe, expect, it } from 'vitest';
import {
  buildQueue,
  orderQueue,
  queueEntry,
  requestState,
  type RequestState,
} from '../../../src/rules/index';
import { aRequestHistory, anEvent, resetIds, OTHER_STATION, T0 } from '../../support/builders/events';
import { hours, minutes } from '../../support/builders/rules';

const t0 = Date.parse(T0);
const at = (ms: number) => new Date(t0 + ms);
const iso = (ms: number) => at(ms).toISOString();

function stateOf(history: ReturnType<typeof aRequestHistory>, nowMs: number): RequestState {
  return requestState(history, { now: at(nowMs) });
}

beforeEach(() => resetIds());

describe('queueEntry: the deadline that comes first, and how urgent it is', () => {
  it('a new repair must have its technician on site within 1 hour, and its answer within 24 h', () => {
    const history = aRequestHistory({ steps: [] });
    const fresh = queueEntry(stateOf(history, 0), at(0));
    expect(fresh.due).toEqual({ what: 'on-site', at: iso(hours(1)) });
    expect(fresh.deadlines.map((d) => d.what)).toEqual(['on-site', 'answer', 'escalation']);
    expect(fresh.deadlines.find((d) => d.what === 'answer')!.at).toBe(iso(hours(24)));
    expect(fresh.urgency).toBe('soon');
    expect(queueEntry(stateOf(history, hours(1)), at(hours(1))).urgency).toBe('soon'); // exactly at the hour: not missed
    expect(queueEntry(stateOf(history, hours(1) + 1), at(hours(1) + 1)).urgency).toBe('overdue');
  });

  it('a consultation is due for its answer 24 h after submission, and soon due 4 h before', () => {
    const history = aRequestHistory({ kind: 'consultation', steps: [] });
    const fresh = queueEntry(stateOf(history, 0), at(0));
    expect(fresh.due).toEqual({ what: 'answer', at: iso(hours(24)) });
    expect(fresh.urgency).toBe('later');
    expect(queueEntry(stateOf(history, hours(19)), at(hours(19))).urgency).toBe('later');
    expect(queueEntry(stateOf(history, hours(20)), at(hours(20))).urgency).toBe('soon');
  });

  it('is overdue at 24 h unanswered, and at escalation level 1', () => {
    const history = aRequestHistory({ steps: [] });
    const late = queueEntry(stateOf(history, hours(24) + 1), at(hours(24) + 1));
    expect(late.urgency).toBe('overdue');
    expect(late.escalationLevel).toBe(1);
  });

  it('a dispatched request is due at its visit time, and overdue once it passes without arrival', () => {
    const visitAt = iso(hours(3));
    const history = aRequestHistory({ kind: 'temperature-test', steps: ['accepted', ['dispatched', { payload: { visitAt } }]] });
    const before = queueEntry(stateOf(history, hours(2)), at(hours(2)));
    expect(before.due).toEqual({ what: 'visit', at: visitAt });
    expect(before.urgency).toBe('soon');
    expect(queueEntry(stateOf(history, hours(3) + 1), at(hours(3) + 1)).urgency).toBe('overdue');
  });

  it('the 1-hour on-site deadline ends with the arrival', () => {
    const history = aRequestHistory({ steps: ['accepted', 'dispatched', 'arrived'] }); // arrived at 1 h 30
    const entry = queueEntry(stateOf(history, hours(2)), at(hours(2)));
    expect(entry.deadlines.map((d) => d.what)).toEqual(['escalation']);
  });

  it('a complaint carries its 6-day close deadline after it is answered', () => {
    // Accepted at T0 + 30 min (Mon 1 Dec 2025 08:30 China time), answered by a reply at T0 + 60 min
    // (an acceptance alone answers nothing). Six days counted as the Civil Code does: Tue 2 …
    // Sun 7, due Sun 7 Dec 24:00 China time = T0 + 7 × 24 h − 8 h = T0 + 160 h.
    const history = aRequestHistory({ kind: 'complaint', steps: ['accepted', 'reply'] });
    const entry = queueEntry(stateOf(history, hours(1) + minutes(1)), at(hours(1) + minutes(1)));
    expect(entry.deadlines.map((d) => d.what)).toEqual(['escalation', 'close']);
    expect(entry.deadlines.find((d) => d.what === 'close')!.at).toBe(iso(hours(160)));
    // Accepted only: the answer is still owed.
    const acceptedOnly = aRequestHistory({ kind: 'complaint', steps: ['accepted'] });
    expect(queueEntry(stateOf(acceptedOnly, hours(1)), at(hours(1))).deadlines.map((d) => d.what)).toContain('answer');
  });

  it('a resolved repair has no deadline left', () => {
    const history = aRequestHistory({ steps: ['accepted', 'dispatched', 'arrived', 'work-done', 'signed-off', 'resolved'] });
    const entry = queueEntry(stateOf(history, hours(5)), at(hours(5)));
    expect(entry.due).toBeNull();
    expect(entry.urgency).toBe('none');
  });
});

describe('buildQueue: overdue and soon-due first, filters', () => {
  const queue = () => {
    const now = hours(30);
    const overdue1 = aRequestHistory({ steps: [], start: iso(0) }); // 30 h unanswered: level 1
    const overdue2 = aRequestHistory({ steps: [], start: iso(-hours(20)) }); // 50 h: level 2
    const soon = aRequestHistory({ kind: 'consultation', steps: [], start: iso(hours(8)) }); // due at 32 h
    const later = aRequestHistory({ kind: 'consultation', steps: [], start: iso(hours(20)) }); // due at 44 h
    const closed = aRequestHistory({ start: iso(0) });
    const elsewhere = aRequestHistory({ kind: 'consultation', steps: [], start: iso(hours(21)), station: OTHER_STATION });
    const states = [later, closed, soon, overdue1, elsewhere, overdue2].map((h) => requestState(h, { now: at(now) }));
    return { now: at(now), states, ids: { overdue1, overdue2, soon, later, elsewhere } };
  };

  it('orders overdue (higher level first), then soon, then later; closed left out', () => {
    const { now, states, ids } = queue();
    const order = buildQueue(states, now).map((e) => e.state.requestId);
    expect(order).toEqual([ids.overdue2[0]!.requestId, ids.overdue1[0]!.requestId, ids.soon[0]!.requestId, ids.later[0]!.requestId, ids.elsewhere[0]!.requestId]);
  });

  it('filters by kind, status, station and owner', () => {
    const { now, states, ids } = queue();
    expect(buildQueue(states, now, { kind: 'repair' })).toHaveLength(2);
    expect(buildQueue(states, now, { station: OTHER_STATION }).map((e) => e.state.requestId)).toEqual([ids.elsewhere[0]!.requestId]);
    expect(buildQueue(states, now, { status: 'submitted' })).toHaveLength(5);
    expect(buildQueue(states, now, { owner: 'nobody' })).toEqual([]);
    expect(buildQueue(states, now, { urgency: 'overdue' })).toHaveLength(2);
  });

  it('filters by technician and by escalation (the table on wide screens)', () => {
    const { now, states, ids } = queue();
    expect(buildQueue(states, now, { escalated: 'yes' }).map((e) => e.escalationLevel)).toEqual([2, 1]);
    expect(buildQueue(states, now, { escalated: 'no' })).toHaveLength(3);
    const visited = requestState(aRequestHistory({ steps: ['accepted', 'dispatched'] }), { now: at(hours(1)) });
    expect(buildQueue([...states, visited], now, { technician: 'tc-chen' }).map((e) => e.state.requestId)).toEqual([visited.requestId]);
    expect(buildQueue(states, now, { technician: 'tc-chen' })).toEqual([]);
    expect(ids.soon).toBeTruthy();
  });

  it('orders the table by due time either way, no due time last, the queue order breaking ties', () => {
    const { now, states, ids } = queue();
    const entries = buildQueue(states, now);
    const id = (h: { requestId: string }[]) => h[0]!.requestId;
    const dues = (order: 'due-ascending' | 'due-descending') => orderQueue(entries, order).map((e) => e.due?.at ?? null);
    const asc = dues('due-ascending');
    expect(asc.filter((x) => x !== null)).toEqual([...asc.filter((x) => x !== null)].sort());
    const desc = dues('due-descending');
    expect(desc.filter((x) => x !== null)).toEqual([...desc.filter((x) => x !== null)].sort().reverse());
    expect(orderQueue(entries, 'queue').map((e) => e.state.requestId)[0]).toBe(id(ids.overdue2));
    expect(orderQueue(entries, 'due-ascending')).toHaveLength(entries.length);
  });

  it('lists the owner filter by first-contact owner or technician', () => {
    const h = aRequestHistory({ steps: ['accepted', 'dispatched'] });
    const state = requestState(h, { now: at(hours(1)) });
    expect(buildQueue([state], at(hours(1)), { owner: 'hl-li' })).toHaveLength(1);
    expect(buildQueue([state], at(hours(1)), { owner: 'tc-chen' })).toHaveLength(1);
  });
});

describe('escalations: recorded once per level, even by two writers', () => {
  it("owes level 1 at 24 h (the server's deadline watcher records it)", () => {
    const h = aRequestHistory({ steps: [] });
    expect(requestState(h, { now: at(hours(24) - 1) }).escalationsDue).toEqual([]);
    expect(requestState(h, { now: at(hours(24)) }).escalationsDue).toEqual([1]);
  });

  it('two devices both recording level 1 offline: both events kept, the level counted once, same state either order', () => {
    const h = aRequestHistory({ steps: [] });
    const common = { requestId: h[0]!.requestId, at: iso(hours(24) + minutes(1)) };
    const fromA = anEvent('escalated', { ...common, author: 'dispatcher', payload: { level: 1 } });
    const fromB = anEvent('escalated', { ...common, author: 'stationHead', payload: { level: 1 } });
    const now = at(hours(30));
    const one = requestState([...h, fromA, fromB], { now });
    const other = requestState([fromB, ...h, fromA], { now });
    expect(one).toEqual(other);
    expect(one.eventCount).toBe(3);
    expect(one.escalationLevel).toBe(1);
    expect(one.escalationsDue).toEqual([]);
    // at 48 h only level 2 is owed
    expect(requestState([...h, fromA, fromB], { now: at(hours(48)) }).escalationsDue).toEqual([2]);
  });
});
