import { beforeEach, describe, expect, it } from 'vitest';
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

