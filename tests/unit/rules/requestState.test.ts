import { beforeEach, describe, expect, it } from 'vitest';
import { newEventId, type EventRecord, type EventType } from '../../../src/db/schema/index';
import { calendarFor, compareEvents, requestState, sortEvents, visibleTimeline, type RequestState } from '../../../src/rules/index';
import { PEOPLE, PNG_SIGNATURE, STATION, OTHER_STATION, T0, aRequestHistory, anEvent, resetIds, type Step } from '../../support/builders/events';
import { cst, hours, minutes } from '../../support/builders/rules';

beforeEach(() => resetIds());

const at = (ms: number): string => new Date(Date.parse(T0) + ms).toISOString();
/** A step at a given offset from T0. */
const step = (type: EventType, offset: number, overrides: Record<string, unknown> = {}): Step => [type, { at: at(offset), ...overrides }];

function stateAt(events: readonly EventRecord[], offset: number): RequestState {
  return requestState(events, { now: Date.parse(T0) + offset });
}

/** A deterministic shuffle (seeded), so a failing order can be replayed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i -= 1) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('a repair from submission to closing', () => {
  const history = () => aRequestHistory({ kind: 'repair' }); // accepted, dispatched, arrived, work-done, resolved, signed-off, closed

  it('moves through the statuses', () => {
    const events = history();
    const statuses = events.map((_, i) => requestState(events.slice(0, i + 1), { now: Date.parse(T0) + hours(5) }).status);
    expect(statuses).toEqual(['submitted', 'accepted', 'dispatched', 'on-site', 'on-site', 'awaiting-sign-off', 'resolved', 'closed']);
  });

  it('derives who, when and by when', () => {
    const events = history();
    const s = stateAt(events, hours(5));
    expect(s).toMatchObject({
      requestId: events[0]!.requestId,
      kind: 'repair',
      resident: 'r-1001',
      station: STATION,
      status: 'closed',
      submittedAt: T0,
      owner: PEOPLE.hotline.name,
      assignee: PEOPLE.technician.name,
      visit: { technician: PEOPLE.technician.name, technicianName: '陈师傅', at: '2025-12-01T01:00:00.000Z' },
      answerDueAt: at(hours(24)),
      // Accepted at 30 min answers nothing; the dispatch at 60 min tells the visit time.
      answeredAt: at(minutes(60)),
      answerOverdue: false,
      acceptedAt: at(minutes(30)),
      closeDueAt: null,
      closedAt: at(minutes(210)),
      escalationLevel: 0,
      escalationsDue: [],
      needsSignOff: false,
      signedOff: true,
      temperatureTest: null,
      lastEventAt: at(minutes(210)),
      eventCount: 8,
      warnings: [],
    });
  });

  it('waits for the signature when resolved before it', () => {
    const events = aRequestHistory({ steps: ['accepted', 'dispatched', 'arrived', 'resolved'] });
    expect(stateAt(events, hours(3))).toMatchObject({ status: 'awaiting-sign-off', needsSignOff: true, signedOff: false });
  });

  it('is resolved at once when the resident signed before the technician marked it resolved', () => {
    const events = aRequestHistory({ steps: ['accepted', 'dispatched', 'arrived', 'work-done', 'signed-off', 'resolved'] });
    expect(stateAt(events, hours(4))).toMatchObject({ status: 'resolved', needsSignOff: false, signedOff: true });
  });

  it('a consultation needs no signature', () => {
    const events = aRequestHistory({ kind: 'consultation', steps: ['reply', 'resolved'] });
    expect(stateAt(events, hours(2))).toMatchObject({ status: 'resolved', needsSignOff: false });
  });
});

describe('every device derives the same state', () => {
  it('whatever order the events arrived in, duplicates included', () => {
    // Two devices: the dispatcher re-books while the technician is already there (same millisecond).
    const events = aRequestHistory({
      steps: [
        step('accepted', minutes(5)),
        step('dispatched', minutes(10)),
        step('late-notice', minutes(50), { author: 'dispatcher' }),
        step('arrived', minutes(50)),
        step('note', minutes(50), { author: 'technician' }),
        step('work-done', minutes(80)),
        step('resolved', minutes(90)),
      ],
    });
    const reference = stateAt(events, hours(3));
    for (let seed = 1; seed <= 200; seed += 1) {
      const arrival = shuffled(events, seed);
      expect(stateAt(arrival, hours(3)), `seed ${seed}`).toEqual(reference);
    }
    expect(stateAt([...events, ...events.slice(2, 5)], hours(3))).toEqual(reference);
  });

  it('ties on `at` are broken by id, and `submitted` always comes first', () => {
    const events = aRequestHistory({ steps: [step('accepted', -minutes(3)), step('note', 0, { author: 'hotline' })] });
    const [submitted, accepted, note] = events;
    const sorted = sortEvents([note!, accepted!, submitted!]);
    expect(sorted.map((e) => e.type)).toEqual(['submitted', 'accepted', 'note']);
    expect(compareEvents(submitted!, note!)).toBeLessThan(0);
    const a = anEvent('note', { at: T0, author: 'hotline' });
    const b = anEvent('note', { at: T0, author: 'hotline' });
    expect(compareEvents(a, b)).toBe(a.id < b.id ? -1 : 1);
  });

  it("a device's own events of one millisecond fold in the order it made them", () => {
    // The technician's form saves arrived, work-done and resolved at one instant: the ids the
    // device makes (no random source given: its monotonic factory) keep that order, in any
    // arrival order, for every request (random ids put resolved before arrived about half the time).
    for (let n = 0; n < 100; n += 1) {
      const [submitted, accepted, dispatched] = aRequestHistory({ steps: ['accepted', 'dispatched'] });
      const instant = at(hours(2));
      const onSite = (['arrived', 'work-done', 'resolved'] as const).map((type) =>
        anEvent(type, { requestId: submitted!.requestId, at: instant, id: newEventId(Date.parse(instant)) }),
      );
      const events = shuffled([submitted!, accepted!, dispatched!, ...onSite], n + 1);
      expect(sortEvents(events).slice(-3).map((e) => e.type), `request ${n}`).toEqual(['arrived', 'work-done', 'resolved']);
      expect(stateAt(events, hours(3)), `request ${n}`).toMatchObject({ status: 'awaiting-sign-off', needsSignOff: true });
    }
  });

  it('a staff clock behind the resident’s does not put the acceptance before the request', () => {
    const events = aRequestHistory({ steps: [step('accepted', -minutes(3))] });
    expect(stateAt(events, hours(1))).toMatchObject({ status: 'accepted', owner: PEOPLE.hotline.name });
  });

  it('works before the submitted event has arrived (replication delivers in any order)', () => {
    const events = aRequestHistory({ steps: ['accepted', 'dispatched'] }).slice(1);
    expect(stateAt(events, hours(1))).toMatchObject({ status: 'dispatched', submittedAt: null, answerDueAt: null, escalationLevel: 0 });
  });
});

describe('first-contact ownership (首问负责制, 002 §7)', () => {
  it('stays with whoever took the request, after hand-over to another station and person', () => {
    const events = aRequestHistory({
      steps: [
        'accepted',
        ['routed', { payload: { toStation: OTHER_STATION, owner: PEOPLE.otherStationDispatcher.name } }],
        ['accepted', { author: 'otherStationDispatcher', station: OTHER_STATION }],
        ['dispatched', { author: 'otherStationDispatcher', station: OTHER_STATION }],
      ],
    });
    const s = stateAt(events, hours(3));
    expect(s.owner).toBe(PEOPLE.hotline.name);
    expect(s.station).toBe(OTHER_STATION);
    expect(s.status).toBe('dispatched');
  });

  it('belongs to the staff member who registers a walk-in or phoned request', () => {
    const events = aRequestHistory({ submittedBy: 'hotline', steps: [['accepted', { author: 'dispatcher' }]] });
    const s = stateAt(events, hours(1));
    expect(s.owner).toBe(PEOPLE.hotline.name);
    expect(s.acceptedAt).toBe(T0);
  });

  it('is nobody until staff take it', () => {
    expect(stateAt(aRequestHistory({ steps: [] }), hours(1)).owner).toBeNull();
  });
});

describe('reopening', () => {
  const closedRepair = () =>
    aRequestHistory({ steps: ['accepted', 'dispatched', 'arrived', 'resolved', 'signed-off', 'closed', ['reopened', { author: 'resident' }]] });

  it('after sign-off and closing, a reopened request is back in the queue, owner unchanged', () => {
    const events = closedRepair();
    const s = stateAt(events, hours(5));
    expect(s).toMatchObject({ status: 'reopened', owner: PEOPLE.hotline.name, closedAt: null, signedOff: false });
  });

  it('and is dispatched again', () => {
    const closed = closedRepair();
    const events = [...closed, anEvent('dispatched', { requestId: closed[0]!.requestId, at: at(hours(5)) })];
    expect(stateAt(events, hours(6)).status).toBe('dispatched');
  });

  it('an unsatisfied signature reopens it: dispatch again until satisfied (000 §3.3)', () => {
    const events = aRequestHistory({
      steps: ['accepted', 'dispatched', 'arrived', 'resolved', ['signed-off', { payload: { satisfied: false, comment: '还是不热' } }]],
    });
    expect(stateAt(events, hours(3))).toMatchObject({ status: 'reopened', signedOff: false });
  });

  it('counts escalation from the reopening, not from the first submission', () => {
    const events = closedRepair(); // reopened at 3.5 h
    expect(stateAt(events, hours(24)).escalationLevel).toBe(0);
    expect(stateAt(events, hours(27.5)).escalationLevel).toBe(1);
  });

  it('an open request cannot be reopened', () => {
    const events = aRequestHistory({ steps: ['accepted', ['reopened', { author: 'resident' }]] });
    expect(stateAt(events, hours(1)).status).toBe('accepted');
  });
});

describe('escalation (002 ch.1 §12)', () => {
  const open = () => aRequestHistory({ steps: ['accepted'] });

  it.each([
    [hours(23) + minutes(59), 0, []],
    [hours(24), 1, [1]],
    [hours(47) + minutes(59), 1, [1]],
    [hours(48), 2, [1, 2]],
    [hours(96), 4, [1, 2, 3, 4]],
  ])('at %s ms: level %s, due %j', (offset, level, due) => {
    expect(stateAt(open(), offset)).toMatchObject({ escalationLevel: level, escalationsDue: due });
  });

  it('a recorded escalation is no longer due; a device offline past several rungs records each', () => {
    const opened = open();
    const events = [...opened, anEvent('escalated', { requestId: opened[0]!.requestId, at: at(hours(24)) })];
    expect(stateAt(events, hours(24)).escalationsDue).toEqual([]);
    expect(stateAt(events, hours(73)).escalationsDue).toEqual([2, 3]);
  });

  it('stops once resolved, closed or withdrawn', () => {
    const resolved = aRequestHistory({ steps: ['accepted', 'dispatched', 'arrived', 'resolved'] });
    expect(stateAt(resolved, hours(100))).toMatchObject({ escalationLevel: 0, escalationsDue: [] });
    const withdrawn = aRequestHistory({ steps: [['withdrawn', { author: 'resident' }]] });
    expect(stateAt(withdrawn, hours(100))).toMatchObject({ status: 'withdrawn', escalationLevel: 0 });
  });

  it('applies to repairs and complaints only', () => {
    expect(stateAt(aRequestHistory({ kind: 'consultation', steps: [] }), hours(30)).escalationLevel).toBe(0);
    expect(stateAt(aRequestHistory({ kind: 'complaint', steps: [] }), hours(30)).escalationLevel).toBe(1);
  });

  it('takes another ladder', () => {
    const ladder = [{ afterHours: 1, level: 1, escalatesTo: 'lead', label: { zh: '组长', en: 'Lead' } }];
    expect(requestState(open(), { now: Date.parse(T0) + hours(1), ladder }).escalationsDue).toEqual([1]);
  });
});

describe('the answer deadline', () => {
  it('24 hours for a consultation (002 §12); exactly at the limit is in time', () => {
    const unanswered = aRequestHistory({ kind: 'consultation', steps: [] });
    expect(stateAt(unanswered, hours(24))).toMatchObject({ answerDueAt: at(hours(24)), answeredAt: null, answerOverdue: false });
    expect(stateAt(unanswered, hours(24) + 1).answerOverdue).toBe(true);
    const onTime = aRequestHistory({ kind: 'consultation', steps: [step('reply', hours(24))] });
    expect(stateAt(onTime, hours(30))).toMatchObject({ answeredAt: at(hours(24)), answerOverdue: false });
    const late = aRequestHistory({ kind: 'consultation', steps: [step('reply', hours(24) + 1)] });
    expect(stateAt(late, hours(30)).answerOverdue).toBe(true);
  });

  it('the first reply, dispatch or resolution answers; an acceptance alone never does', () => {
    // domain.md, "Settled readings: What answers a resident".
    const events = aRequestHistory({ steps: [step('dispatched', hours(2)), step('accepted', hours(3))] });
    expect(stateAt(events, hours(4)).answeredAt).toBe(at(hours(2)));
    // Accepted at 1 h and nothing more: at 24 h + 1 ms unanswered and overdue.
    const acceptedOnly = aRequestHistory({ kind: 'consultation', steps: [step('accepted', hours(1))] });
    expect(stateAt(acceptedOnly, hours(24) + 1)).toMatchObject({ acceptedAt: at(hours(1)), answeredAt: null, answerOverdue: true });
    // A resolution at 5 h answers a complaint accepted at 1 h.
    const resolved = aRequestHistory({ kind: 'complaint', steps: [step('accepted', hours(1), { author: 'complaintHandler' }), step('remedy-done', hours(5))] });
    expect(stateAt(resolved, hours(30))).toMatchObject({ answeredAt: at(hours(5)), answerOverdue: false });
  });

  it('gas appointments: installation 2 working days, repair 1 (004), over the National Day holiday', () => {
    const start = cst('2025-09-30 10:00').toISOString();
    const booked = (day: string) => (events: EventRecord[]) => events.map((e) => (e.type === 'submitted' ? { ...e, payload: { ...e.payload, preferredDate: day } } : e)) as EventRecord[];
    const install = booked('2025-10-09')(aRequestHistory({ kind: 'appointment-installation', steps: [], start }));
    expect(requestState(install, { now: Date.parse(start) }).answerDueAt).toBe(cst('2025-10-11 00:00').toISOString());
    const repair = booked('2025-10-09')(aRequestHistory({ kind: 'appointment-repair', steps: [], start }));
    expect(requestState(repair, { now: Date.parse(start) }).answerDueAt).toBe(cst('2025-10-10 00:00').toISOString());
  });

  it('an appointment the resident booked for a later day is due at the end of that day, and the day is in the state', () => {
    const start = cst('2025-12-01 10:00').toISOString(); // Monday
    const events = aRequestHistory({ kind: 'appliance-repair', steps: [], start }).map((e) =>
      e.type === 'submitted' ? { ...e, payload: { ...e.payload, preferredDate: '2025-12-06' } } : e,
    ) as EventRecord[];
    const state = requestState(events, { now: Date.parse(start) });
    expect(state.bookedDay).toBe('2025-12-06');
    expect(state.answerDueAt).toBe(cst('2025-12-07 00:00').toISOString());
    // Not overdue the next day (the 24-hour promise has passed, the booked Saturday has not).
    expect(requestState(events, { now: cst('2025-12-03 10:00').getTime() }).answerOverdue).toBe(false);
  });

  it('takes the calendar; a year without one gives no deadline and a warning, not a crash', () => {
    const start = cst('2025-09-30 10:00').toISOString();
    const install = aRequestHistory({ kind: 'appointment-installation', steps: [], start });
    const s = requestState(install, { now: Date.parse(start), calendar: calendarFor([2024]) });
    expect(s.answerDueAt).toBeNull();
    expect(s.warnings[0]).toMatch(/No working-day calendar for 2025/);
  });

  it('no limit for praise or meter reading', () => {
    expect(stateAt(aRequestHistory({ kind: 'praise', steps: [] }), hours(1)).answerDueAt).toBeNull();
    expect(stateAt(aRequestHistory({ kind: 'appointment-meter-reading', steps: [] }), hours(1)).answerDueAt).toBeNull();
  });
});

describe('complaints (000 §3.2, 003 §25)', () => {
  it('are closed within 6 days of acceptance', () => {
    const events = aRequestHistory({
      kind: 'complaint',
      steps: [
        step('accepted', hours(1), { author: 'complaintHandler' }),
        step('assessed', hours(2)),
        step('cause', hours(3)),
        step('remedy-proposed', hours(4)),
        step('remedy-approved', hours(5)),
        step('remedy-done', hours(30)),
      ],
    });
    // Accepted Mon 1 Dec 2025 09:00 China time (T0 + 1 h): the day of acceptance is not
    // counted, Tue 2 … Sun 7 are the six days, so the case is due Sun 7 Dec 24:00 China time
    // = 2025-12-07T16:00Z (domain.md, "Settled readings: Counting days"), T0 + 160 h, not
    // T0 + 1 h + 144 h.
    const s = stateAt(events, hours(31));
    expect(s).toMatchObject({ status: 'resolved', owner: PEOPLE.complaintHandler.name, closeDueAt: '2025-12-07T16:00:00.000Z', closeOverdue: false });
    expect(stateAt(events, hours(160)).closeOverdue).toBe(false);
    expect(stateAt(events, hours(160) + 1).closeOverdue).toBe(true);
  });
});

describe('visits', () => {
  it('a late notice moves the booked time', () => {
    const events = aRequestHistory({ steps: ['accepted', 'dispatched', ['late-notice', { payload: { newVisitAt: at(hours(3)) } }]] });
    expect(stateAt(events, hours(2))).toMatchObject({ status: 'dispatched', visit: { at: at(hours(3)) } });
  });

  it('nobody home: re-booked, or back to the queue when not', () => {
    const rebooked = aRequestHistory({ steps: ['accepted', 'dispatched', ['nobody-home', { payload: { newVisitAt: at(hours(26)) } }]] });
    expect(stateAt(rebooked, hours(2))).toMatchObject({ status: 'dispatched', visit: { at: at(hours(26)) } });
    const notRebooked = aRequestHistory({ steps: ['accepted', 'dispatched', 'nobody-home'] });
    expect(stateAt(notRebooked, hours(2))).toMatchObject({ status: 'accepted', visit: null, assignee: PEOPLE.technician.name });
  });

  it('a closed request is not dispatched by a late event', () => {
    const events = aRequestHistory({ steps: ['accepted', 'closed', 'dispatched'] });
    expect(stateAt(events, hours(2))).toMatchObject({ status: 'closed', visit: null });
  });

  it('a withdrawn request stays withdrawn', () => {
    const events = aRequestHistory({ steps: ['accepted', ['withdrawn', { author: 'resident' }], 'closed'] });
    expect(stateAt(events, hours(2)).status).toBe('withdrawn');
  });
});

describe('temperature tests (002 ch.2)', () => {
  const rooms = [
    { name: '客厅', areaM2: 24, readings: [18.5, 18.9] },
    { name: '卧室', areaM2: 12, readings: [17.1] },
  ];

  it('a record signed on the device is valid and judged by the measurement rules', () => {
    const events = aRequestHistory({ kind: 'temperature-test', steps: ['accepted', 'dispatched', 'arrived', ['measured', { payload: { rooms } }], 'resolved'] });
    const s = stateAt(events, hours(3));
    expect(s.status).toBe('resolved');
    expect(s.temperatureTest).toMatchObject({ valid: true, allCompliant: false });
  });

  it('an unsigned record is invalid and the request waits for the signature', () => {
    const steps: Step[] = ['accepted', 'dispatched', 'arrived', ['measured', { payload: { rooms, signature: undefined } }], 'resolved'];
    const events = aRequestHistory({ kind: 'temperature-test', steps });
    const s = stateAt(events, hours(3));
    expect(s).toMatchObject({ status: 'awaiting-sign-off', needsSignOff: true });
    expect(s.temperatureTest?.valid).toBe(false);
    expect(s.temperatureTest?.problems.map((p) => p.code)).toEqual(['unsigned']);
    // The resident signs the record afterwards in the portal (staff no longer write a separate sign-off on a test).
    const signed = aRequestHistory({ kind: 'temperature-test', steps: [...steps, ['signed-off', { author: 'resident', payload: { signature: PNG_SIGNATURE } }]] });
    expect(stateAt(signed, hours(4))).toMatchObject({ status: 'resolved', temperatureTest: { valid: true } });
  });
});

describe('visibleTimeline', () => {
  it('drops internal events and keeps the order', () => {
    const events = aRequestHistory({ steps: ['accepted', ['note', { author: 'hotline' }], 'dispatched', ['escalated', { author: 'hotline' }], ['reply', { visibility: 'internal' }]] });
    expect(visibleTimeline(shuffled(events, 3)).map((e) => e.type)).toEqual(['submitted', 'accepted', 'dispatched']);
  });
});

describe('mistakes in the input', () => {
  it('no events', () => {
    expect(() => requestState([], { now: 0 })).toThrow(/at least one event/);
  });

  it('events of two requests', () => {
    const a = aRequestHistory({ steps: [] });
    const b = aRequestHistory({ steps: [] });
    expect(() => requestState([...a, ...b], { now: 0 })).toThrow(/two requests/);
  });

  it('a staff step the kind does not have (a consultation\'s dispatch) is left out with a warning', () => {
    const events = aRequestHistory({ kind: 'consultation', steps: ['accepted', 'dispatched', ['arrived', { author: 'technician' }]] });
    const state = requestState(events, { now: Date.parse(T0) + 3 * 3_600_000 });
    expect(state).toMatchObject({ status: 'accepted', visit: null, assignee: null, answeredAt: null });
    expect(state.warnings).toEqual([
      `event ${events[2]!.id} (dispatched) is not a step of a consultation request: left out`,
      `event ${events[3]!.id} (arrived) is not a step of a consultation request: left out`,
    ]);
  });

  it('a correction supersedes the visit\'s earlier save: the state judges the corrected record, and its own signature', () => {
    const rooms = (living: number) => [{ name: '客厅', areaM2: 24, readings: [living, 18.9] }];
    const steps: Step[] = ['accepted', 'dispatched', 'arrived', ['measured', { payload: { rooms: rooms(16.1), signature: undefined } }], ['measured', { payload: { rooms: rooms(18.5) } }]];
    const corrected = stateAt(aRequestHistory({ kind: 'temperature-test', steps }), hours(3));
    expect(corrected.temperatureTest).toMatchObject({ valid: true, allCompliant: true, rooms: [{ name: '客厅', mean: 18.7 }] });
    // A correction without the resident's signature makes the record a draft again, even after a signed save.
    const unsignedFix: Step[] = [...steps, ['measured', { payload: { rooms: rooms(18.1), signature: undefined } }]];
    expect(stateAt(aRequestHistory({ kind: 'temperature-test', steps: unsignedFix }), hours(4)).temperatureTest?.problems.map((p) => p.code)).toEqual(['unsigned']);
  });

  it('an event of another kind is left out with a warning: one bad record does not stop a queue', () => {
    const [submitted] = aRequestHistory({ steps: [] });
    const other = anEvent('reply', { requestId: submitted!.requestId, requestKind: 'consultation' });
    const state = requestState([other, submitted!], { now: 0 });
    expect(state.kind).toBe(submitted!.requestKind);
    expect(state.answeredAt).toBeNull(); // the stray reply does not count as the answer
    expect(state.warnings).toEqual([`event ${other.id} is of kind consultation, not the request's ${submitted!.requestKind}: left out`]);
  });
});
