import { beforeEach, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { Callback } from '../../../src/db/schema/events/payloads';
import { describeEventIssues } from '../../../src/i18n/issues';
import { callbackPayload, nextCallbackTry, nextTryProblem } from '../../../src/rules/callbacks';
import { mayCallAt } from '../../../src/rules/callbackHours';
import { callbackScores, dueCallbacks, repairCallbackRate, requestState, REPAIR_CALLBACK_TARGET } from '../../../src/rules/index';
import { aRequestHistory, resetIds, T0 } from '../builders/events';
import { cst, hours } from './builders';

beforeEach(() => resetIds());

const DONE = ['accepted', 'dispatched', 'arrived', 'work-done', 'signed-off', 'resolved'] as const;

function request(steps: readonly (string | [string, object])[], kind: 'repair' | 'consultation' = 'repair') {
  const events = aRequestHistory({ kind, steps: steps as never });
  return { events, state: requestState(events, { now: Date.parse(T0) + hours(10) }) };
}

const callback = (outcome: 'satisfied' | 'unreachable', attitude = 9, ability = 8) =>
  [
    'callback',
    outcome === 'unreachable' ? { payload: { outcome, attitude: undefined, ability: undefined, satisfaction: undefined } } : { payload: { outcome, attitude, ability } },
  ] as [string, object];

describe('dueCallbacks', () => {
  it('lists finished repairs not yet called back, with the first allowed moment', () => {
    const finished = request(DONE);
    const reached = request([...DONE, callback('satisfied')]);
    const tried = request([...DONE, callback('unreachable')]);
    const open = request(['accepted']);
    const consultation = request(['accepted', 'reply'], 'consultation');
    const lunch = cst('2025-12-01 12:30');
    const due = dueCallbacks([finished, reached, tried, open, consultation], lunch);
    expect(due.map((d) => d.requestId).sort()).toEqual([finished.state.requestId, tried.state.requestId].sort());
    expect(due.find((d) => d.requestId === tried.state.requestId)!.attempts).toBe(1);
    // never offered at 12:30 (midday rest): from 14:00
    expect(due.every((d) => !d.mayCallNow && d.offerAt.getTime() === cst('2025-12-01 14:00').getTime())).toBe(true);
  });

  it('offers a call at once inside the allowed hours', () => {
    const [d] = dueCallbacks([request(DONE)], cst('2025-12-01 09:00'));
    expect(d!.mayCallNow).toBe(true);
    expect(d!.offerAt).toEqual(cst('2025-12-01 09:00'));
  });
});

describe('repairCallbackRate: at least 90 % of repair orders called back (002 ch.1 §11)', () => {
  it('is null with no finished repair', () => {
    expect(repairCallbackRate([request(['accepted'])])).toMatchObject({ done: 0, rate: null, met: null });
  });

  it('counts only calls that reached the resident: 9 of 10 meets 90 %, 8 of 10 does not', () => {
    const reached = Array.from({ length: 9 }, () => request([...DONE, callback('satisfied')]));
    const missed = request([...DONE, callback('unreachable')]);
    expect(repairCallbackRate([...reached, missed])).toEqual({ done: 10, calledBack: 9, rate: 0.9, target: REPAIR_CALLBACK_TARGET, met: true });
    const eight = reached.slice(0, 8);
    expect(repairCallbackRate([...eight, missed, request(DONE)])).toMatchObject({ done: 10, calledBack: 8, met: false });
  });
});

describe('callbackScores', () => {
  it('averages the 1-10 scores of calls that reached the resident', () => {
    const a = request([...DONE, callback('satisfied', 10, 9)]);
    const b = request([...DONE, callback('satisfied', 8, 7), callback('unreachable')]);
    expect(callbackScores([a, b])).toEqual({ attitude: 9, ability: 8, count: 2 });
    expect(callbackScores([request(DONE)])).toEqual({ attitude: null, ability: null, count: 0 });
  });
});


describe('the callback card (issue 16)', () => {
  const blank = { outcome: '', attitude: '', ability: '', satisfaction: '', comment: '' } as const;

  it('chooses nothing for staff: an unchosen outcome is refused at its field, in both languages', () => {
    const payload = callbackPayload(blank, cst('2025-12-01 09:00'));
    expect(payload).toEqual({});
    const zh = describeEventIssues(v.safeParse(Callback, payload).issues ?? [], 'zh-CN');
    const en = describeEventIssues(v.safeParse(Callback, payload).issues ?? [], 'en');
    expect(zh.map((i) => [i.path, i.message])).toEqual([['outcome', '请选择回访结果。']]);
    expect(en.map((i) => [i.path, i.message])).toEqual([['outcome', 'Choose the outcome.']]);
  });

  it('a reached resident with no view chosen is refused at the view, not recorded as satisfied', () => {
    const payload = callbackPayload({ ...blank, outcome: 'satisfied', attitude: '9', ability: '8' }, cst('2025-12-01 09:00'));
    const issues = describeEventIssues(v.safeParse(Callback, payload).issues ?? [], 'zh-CN');
    expect(issues.map((i) => [i.path, i.message])).toEqual([['satisfaction', '请选择满意度。']]);
  });

  it('not reached records the next try inside the allowed hours (002 ch.4 §7)', () => {
    // 10:30 + 2 h = 12:30, the midday rest: the next try is 14:00.
    const noon = callbackPayload({ ...blank, outcome: 'unreachable' }, cst('2025-12-01 10:30'));
    expect(noon).toEqual({ outcome: 'unreachable', nextTryAt: cst('2025-12-01 14:00').toISOString() });
    expect(v.safeParse(Callback, noon).success).toBe(true);
    // 21:00 + 2 h is after 22:00: the next morning at 07:00.
    expect(nextCallbackTry(cst('2025-12-01 21:00'))).toEqual(cst('2025-12-02 07:00'));
    // 15:00 + 2 h = 17:00, allowed as it is.
    expect(nextCallbackTry(cst('2025-12-01 15:00'))).toEqual(cst('2025-12-01 17:00'));
    expect(mayCallAt(nextCallbackTry(cst('2025-12-01 10:30')))).toBe(true);
  });

  it('the write check refuses a next try outside the callback hours or not after the call', () => {
    const at = cst('2025-12-01 21:00').toISOString();
    const tried = (nextTryAt: string) => ({ type: 'callback' as const, at, payload: { outcome: 'unreachable', nextTryAt } });
    expect(nextTryProblem(tried(cst('2025-12-02 07:00').toISOString()))).toBeNull();
    expect(nextTryProblem(tried(cst('2025-12-01 23:00').toISOString()))).toMatch(/outside the callback hours/);
    expect(nextTryProblem(tried(cst('2025-12-02 12:30').toISOString()))).toMatch(/outside the callback hours/); // the midday rest
    expect(nextTryProblem(tried(cst('2025-12-01 20:00').toISOString()))).toMatch(/not after the call/);
    // what the card records is always accepted
    const card = callbackPayload({ ...blank, outcome: 'unreachable' }, cst('2025-12-01 21:00'));
    expect(nextTryProblem({ type: 'callback', at, payload: card })).toBeNull();
    // a reached resident, or no next try at all: nothing to check
    expect(nextTryProblem({ type: 'callback', at, payload: { outcome: 'satisfied' } })).toBeNull();
    expect(nextTryProblem({ type: 'callback', at, payload: { outcome: 'unreachable' } })).toBeNull();
  });

  it('a resident not reached is offered again from the next try, not at once', () => {
    const tried = request([...DONE, ['callback', { payload: { outcome: 'unreachable', attitude: undefined, ability: undefined, satisfaction: undefined, nextTryAt: cst('2025-12-01 14:00').toISOString() } }]]);
    const [early] = dueCallbacks([tried], cst('2025-12-01 10:40'));
    expect(early!.mayCallNow).toBe(false);
    expect(early!.offerAt).toEqual(cst('2025-12-01 14:00'));
    const [later] = dueCallbacks([tried], cst('2025-12-01 15:00'));
    expect(later!.mayCallNow).toBe(true);
  });
});
