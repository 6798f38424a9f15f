import { beforeEach, describe, expect, it } from 'vitest';
import { complaintProgress, mayEmit, requestState, COMPLAINT_STEPS } from '../../../src/rules/index';
import { aRequestHistory, anEvent, resetIds, T0 } from '../../support/builders/events';

beforeEach(() => resetIds());

describe('complaintProgress (000 §3.2)', () => {
  it('walks the full path step by step', () => {
    const events = aRequestHistory({ kind: 'complaint', steps: ['accepted', 'assessed', 'responsible', 'cause'] });
    const p = complaintProgress(events);
    expect(p.holds).toBe(true);
    expect(p.done).toEqual(['assessed', 'responsible', 'cause']);
    expect(p.next).toBe('remedy-proposed');
  });

  it('takes the short path when the complaint does not hold', () => {
    const events = aRequestHistory({ kind: 'complaint', steps: ['accepted', ['assessed', { payload: { holds: false, explanation: '属正常调节' } }]] });
    const p = complaintProgress(events);
    expect(p.holds).toBe(false);
    expect(p.next).toBe('resident-told');
  });

  it("counts the resident's view only from a callback that reached them", () => {
    const steps = ['assessed', 'responsible', 'cause', 'remedy-proposed', 'remedy-approved', 'remedy-done', 'resident-told'] as const;
    const unreachable = ['callback', { payload: { outcome: 'unreachable', attitude: undefined, ability: undefined, satisfaction: undefined } }] as const;
    expect(complaintProgress(aRequestHistory({ kind: 'complaint', steps: [...steps, unreachable as never] })).next).toBe('callback');
    const done = complaintProgress(aRequestHistory({ kind: 'complaint', steps: [...steps, 'callback', 'review'] }));
    expect(done.next).toBeNull();
    expect(done.done).toEqual([...COMPLAINT_STEPS]);
  });

  it('a technician cannot approve a complaint remedy; the station head can', () => {
    const events = aRequestHistory({ kind: 'complaint', steps: ['assessed', 'responsible', 'cause', 'remedy-proposed'] });
    const p = complaintProgress(events);
    expect(p.next).toBe('remedy-approved');
    expect(mayEmit('technician', 'remedy-approved')).toBe(false);
    expect(mayEmit('station-head', 'remedy-approved')).toBe(true);
    expect(mayEmit('complaint-handler', 'remedy-approved')).toBe(false);
  });

  it('two devices recording the same step offline: both events kept, the same progress and state either way', () => {
    const history = aRequestHistory({ kind: 'complaint', steps: ['accepted', 'assessed'] });
    const common = { requestId: history[0]!.requestId, requestKind: 'complaint' as const, at: new Date(Date.parse(T0) + 3_600_000).toISOString() };
    const a = anEvent('responsible', { ...common, author: 'complaintHandler' });
    const b = anEvent('responsible', { ...common, author: 'manager', payload: { department: '客服中心', owner: '孙经理' } });
    const one = [...history, a, b];
    const two = [b, ...history.slice().reverse(), a];
    expect(complaintProgress(one)).toEqual(complaintProgress(two));
    expect(complaintProgress(one).next).toBe('cause');
    const now = Date.parse(T0) + 7_200_000;
    expect(requestState(one, { now })).toEqual(requestState(two, { now }));
    expect(requestState(one, { now }).eventCount).toBe(5);
  });
});
