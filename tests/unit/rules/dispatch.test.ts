import { describe, expect, it } from 'vitest';
import { checkVisitTime, communityOfAddress, dispatchBoard, dispatchProblem, technicianChoices, technicianDay, visitDeadline, visitMissed, withinVisitingHoursAt } from '../../../src/rules/dispatch';
import { requestState } from '../../../src/rules/requestState';
import type { StaffEntry } from '../../../src/rules/peopleNames';
import { PEOPLE, STATION, aRequestHistory, anEvent } from '../../support/builders/events';

/** 2025-12-01 in China: 08:00 is 00:00 UTC. */
const china = (hhmm: string, day = '2025-12-01') => Date.parse(`${day}T${hhmm}:00+08:00`);
const iso = (ms: number) => new Date(ms).toISOString();

const STAFF: StaffEntry[] = [
  { name: 'tc-chen', displayName: '陈师傅', roles: ['technician'], station: STATION, communities: ['east'] },
  { name: 'tc-zhou', displayName: '周师傅', roles: ['technician'], station: STATION, communities: ['garden'] },
  { name: 'hall-1', displayName: '大厅李娜', roles: ['dispatcher', 'technician'], station: STATION },
  { name: 'dp-wang', displayName: '王调度', roles: ['dispatcher'], station: STATION },
  { name: 'tc-far', displayName: '远方师傅', roles: ['technician'], station: 'other-station', communities: ['garden'] },
];

/** A repair dispatched to `technician` for `visitAt`, submitted two hours before it. */
function dispatchedTo(technician: string, visitAt: number, steps: ('arrived' | 'resolved')[] = []) {
  return aRequestHistory({
    start: iso(visitAt - 2 * 3_600_000),
    every: 60_000,
    steps: ['accepted', ['dispatched', { payload: { technician, technicianName: 'x', visitAt: iso(visitAt) } }], ...steps],
  });
}
const stateOf = (events: ReturnType<typeof aRequestHistory>, now: number) => requestState(events, { now });

describe('the dispatch picker (000 §3.3: the nearest technician first)', () => {
  const now = china('09:00');
  const states = [
    stateOf(dispatchedTo('tc-chen', china('10:00')), now),
    stateOf(dispatchedTo('tc-chen', china('14:00')), now),
    stateOf(dispatchedTo('tc-zhou', china('11:00')), now),
    stateOf(dispatchedTo('tc-zhou', china('10:00', '2025-12-02')), now), // tomorrow: not today's
    stateOf(dispatchedTo('tc-zhou', china('08:30'), ['arrived', 'resolved']), now), // done today: booked, not open
  ];

  it('lists the station technicians only (a multi-role account counts), with display names, today\'s visits and open orders', () => {
    const list = technicianChoices(STAFF, STATION, states, null, now);
    expect(list.map((c) => c.name).sort()).toEqual(['hall-1', 'tc-chen', 'tc-zhou']);
    const chen = list.find((c) => c.name === 'tc-chen')!;
    expect(chen).toMatchObject({ displayName: '陈师傅', bookedToday: 2, openOrders: 2, communities: ['east'] });
    const zhou = list.find((c) => c.name === 'tc-zhou')!;
    expect(zhou).toMatchObject({ bookedToday: 2, openOrders: 2 });
  });

  it('puts who covers the request\'s community first, then the least loaded', () => {
    expect(technicianChoices(STAFF, STATION, states, 'garden', now).map((c) => c.name)).toEqual(['tc-zhou', 'hall-1', 'tc-chen']);
    expect(technicianChoices(STAFF, STATION, states, 'east', now).map((c) => c.name)).toEqual(['tc-chen', 'hall-1', 'tc-zhou']);
    expect(technicianChoices(STAFF, STATION, states, null, now)[0]!.name).toBe('hall-1');
  });

  it('reads the community from the address by the community\'s id or a word of its display name', () => {
    const communities = [
      { id: 'demo-garden', name: '示范花园 Demo Garden' },
      { id: 'demo-east', name: '东区示范小区 Demo East' },
    ];
    expect(communityOfAddress('示范花园 3-2-401', communities)).toBe('demo-garden');
    expect(communityOfAddress('东区示范小区5号楼', communities)).toBe('demo-east');
    expect(communityOfAddress('Demo East, building 5', communities)).toBe('demo-east');
    expect(communityOfAddress('幸福里 1 号', communities)).toBeNull();
    expect(communityOfAddress(undefined, communities)).toBeNull();
  });
});

describe('the visit time', () => {
  const now = china('07:30');
  it('refuses a time in the past, but not the current minute', () => {
    expect(checkVisitTime(china('07:29'), { now, kind: 'repair', deadline: null }).problem).toBe('past');
    expect(checkVisitTime(china('07:30'), { now: now + 45_000, kind: 'emergency', deadline: null }).problem).toBeNull();
  });
  it('refuses a time outside the visiting hours 08:00–20:00, except for an emergency', () => {
    expect(checkVisitTime(china('07:59'), { now, kind: 'repair', deadline: null }).problem).toBe('outside-hours');
    expect(checkVisitTime(china('20:01'), { now, kind: 'temperature-test', deadline: null }).problem).toBe('outside-hours');
    expect(checkVisitTime(china('08:00'), { now, kind: 'repair', deadline: null }).problem).toBeNull();
    expect(checkVisitTime(china('20:00'), { now, kind: 'repair', deadline: null }).problem).toBeNull();
    expect(checkVisitTime(china('23:00'), { now, kind: 'emergency', deadline: null }).problem).toBeNull();
    expect(withinVisitingHoursAt(china('12:00'))).toBe(true);
  });
  it('warns, naming the deadline, when the time falls after the request\'s deadline (exactly at it is in time)', () => {
    const deadline = iso(china('08:02'));
    expect(checkVisitTime(china('09:30'), { now, kind: 'repair', deadline })).toEqual({ problem: null, afterDeadline: deadline });
    expect(checkVisitTime(china('08:02'), { now, kind: 'repair', deadline }).afterDeadline).toBeNull();
  });
  it('a repair\'s deadline is the 1-hour arrival (002 §7); an appointment\'s the end of its booked day', () => {
    const repair = requestState(aRequestHistory({ start: iso(china('07:02')), steps: ['accepted'] }), { now: china('07:30') });
    expect(visitDeadline(repair)).toBe(iso(china('08:02')));
    const appointment = requestState(aRequestHistory({ kind: 'appointment-repair', start: iso(china('10:00')), steps: [], submission: { payload: { preferredDate: '2025-12-05' } } }), { now: china('10:30') });
    expect(visitDeadline(appointment)).toBe(iso(Date.parse('2025-12-06T00:00:00+08:00')));
  });
});

describe('what the server holds of a dispatch', () => {
  const at = iso(china('09:00'));
  const dispatch = (technician: string, visitAt: string) =>
    anEvent('dispatched', { author: 'dispatcher', at, payload: { technician, technicianName: '陈师傅', visitAt } });
  it('refuses a technician who is not one of the station\'s', () => {
    expect(dispatchProblem(dispatch('nosuchtech', iso(china('10:00'))), ['tc-chen'])?.rule).toBe('dispatch-technician');
    expect(dispatchProblem(dispatch(PEOPLE.technician.name, iso(china('10:00'))), ['tc-chen'])).toBeNull();
  });
  it('refuses a visit before the moment the order was written, judged by its own time (offline writes too)', () => {
    expect(dispatchProblem(dispatch('tc-chen', iso(china('08:59'))), ['tc-chen'])?.rule).toBe('dispatch-time');
    expect(dispatchProblem(dispatch('tc-chen', iso(china('09:00'))), ['tc-chen'])).toBeNull();
  });
  it('checks nothing but dispatches', () => {
    expect(dispatchProblem(anEvent('arrived', { author: 'technician' }), [])).toBeNull();
  });
});

describe('the board and a technician\'s day', () => {
  const now = china('11:20');
  const items = [
    dispatchedTo('tc-chen', china('14:00')),
    dispatchedTo('tc-chen', china('09:00')), // missed this morning: still today's work
    dispatchedTo('tc-chen', china('10:00', '2025-12-02')),
    dispatchedTo('tc-zhou', china('15:30')),
    dispatchedTo('tc-chen', china('08:30'), ['arrived', 'resolved']),
  ].map((events) => ({ state: stateOf(events, now) }));

  it('lists each technician\'s visits today and tomorrow with the hours still free', () => {
    const board = dispatchBoard(STAFF, STATION, items.map((i) => i.state), now);
    expect(board.days).toEqual(['2025-12-01', '2025-12-02']);
    const chen = board.rows.find((r) => r.technician.name === 'tc-chen')!;
    expect(chen.days[0]!.visits.map((v) => v.at)).toEqual([iso(china('08:30')), iso(china('09:00')), iso(china('14:00'))]);
    // today from 11:00 on (the hour under way still has time), 14:00 taken
    expect(chen.days[0]!.free).toEqual(['11:00', '12:00', '13:00', '15:00', '16:00', '17:00', '18:00', '19:00']);
    expect(chen.days[1]!.free).not.toContain('10:00');
    expect(chen.days[1]!.free).toHaveLength(11);
  });

  it('gives a technician only their own open visits up to today, in time order', () => {
    const day = technicianDay(items, 'tc-chen', now);
    expect(day.map((i) => i.state.visit!.at)).toEqual([iso(china('09:00')), iso(china('14:00'))]);
    expect(technicianDay(items, 'tc-zhou', now)).toHaveLength(1);
  });
});

describe('a missed visit on the technician\'s day', () => {
  it('is one whose time has passed while the order still stands at dispatched', () => {
    const nine = china('09:00');
    const waiting = dispatchedTo('tc-chen', nine);
    expect(visitMissed(stateOf(waiting, nine - 60_000), nine - 60_000)).toBe(false);
    expect(visitMissed(stateOf(waiting, nine + 60_000), nine + 60_000)).toBe(true);
    // an arrival moves the order on: no longer missed however late it is
    const arrived = dispatchedTo('tc-chen', nine, ['arrived']);
    expect(visitMissed(stateOf(arrived, nine + 3_600_000), nine + 3_600_000)).toBe(false);
  });
});

