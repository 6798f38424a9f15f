import { beforeEach, describe, expect, it } from 'vitest';
import type { EventRecord } from '../../../src/db/schema/index';
import { requestState } from '../../../src/rules/requestState';
import { currentRating, finishRecords, finishStep, mayReopen, maySignOff, ratableVisits, residentActions, residentView, viewOfScore, visitsOf, type FinishAnswers } from '../../../src/rules/residentActions';
import { T0, aRequestHistory, anEvent, resetIds, type Step } from '../../support/builders/events';

beforeEach(() => resetIds());
const fold = (events: readonly EventRecord[]) => requestState(events, { now: Date.parse(T0) + 3_600_000 * 24 });
const repair = (steps: readonly Step[]) => aRequestHistory({ steps });
const later = (events: readonly EventRecord[], n = 1) => new Date(Date.parse(events.at(-1)!.at) + n * 60_000).toISOString();

describe('signing the completion', () => {
  it('is offered only while a completion waits for the resident', () => {
    expect(maySignOff(fold(repair(['accepted', 'dispatched', 'arrived'])))).toBe(false);
    const resolved = repair(['accepted', 'dispatched', 'arrived', 'work-done', 'resolved']);
    expect(fold(resolved).status).toBe('awaiting-sign-off');
    expect(maySignOff(fold(resolved))).toBe(true);
    expect(maySignOff(fold(repair(['dispatched', 'arrived', 'resolved', 'signed-off'])))).toBe(false);
    expect(maySignOff(fold(repair(['dispatched', 'arrived', 'resolved', 'closed'])))).toBe(false);
  });

  it('is offered for an unsigned temperature-test record (invalid until signed), not for a signed one', () => {
    const unsigned = aRequestHistory({ kind: 'temperature-test', steps: ['dispatched', 'arrived', ['measured', { payload: { signature: undefined } }]] });
    const state = fold(unsigned);
    expect(state.temperatureTest?.valid).toBe(false);
    expect(maySignOff(state)).toBe(true);
    const signedOff = [...unsigned, anEvent('signed-off', { requestId: unsigned[0]!.requestId, requestKind: 'temperature-test', author: 'resident', at: later(unsigned) })];
    expect(fold(signedOff).temperatureTest?.valid).toBe(true);
    expect(maySignOff(fold(signedOff))).toBe(false);
    const signedOnSite = aRequestHistory({ kind: 'temperature-test', steps: ['dispatched', 'arrived', 'measured'] });
    expect(maySignOff(fold(signedOnSite))).toBe(false);
  });
});

describe('reopening', () => {
  it('is offered once the work was reported done, and the fold then says reopened', () => {
    for (const steps of [
      ['dispatched', 'arrived', 'resolved'],
      ['dispatched', 'arrived', 'resolved', 'signed-off'],
      ['dispatched', 'arrived', 'resolved', 'signed-off', 'closed'],
    ] as Step[][]) {
      const events = repair(steps);
      expect(mayReopen(fold(events)), steps.join()).toBe(true);
      const reopened = [...events, anEvent('reopened', { requestId: events[0]!.requestId, at: later(events) })];
      expect(fold(reopened).status).toBe('reopened');
    }
  });
  it('is not offered before the work is done, nor after a withdrawal', () => {
    expect(mayReopen(fold(repair(['accepted', 'dispatched'])))).toBe(false);
    expect(mayReopen(fold(repair(['accepted', 'withdrawn'])))).toBe(false);
    expect(mayReopen(fold(repair(['dispatched', 'arrived', 'resolved', 'signed-off', 'reopened'])))).toBe(false);
  });
});

describe('visits and their rating', () => {
  it('a visit is an arrival, with the technician of the dispatch before it', () => {
    const events = repair([
      ['dispatched', { payload: { technicianName: '陈师傅' } }],
      'arrived',
      'resolved',
      'reopened',
      ['dispatched', { payload: { technicianName: '周师傅' } }],
      'arrived',
    ]);
    const visits = visitsOf(events);
    expect(visits.map((v) => v.technicianName)).toEqual(['陈师傅', '周师傅']);
    expect(visits.map((v) => v.id)).toEqual(events.filter((e) => e.type === 'arrived').map((e) => e.id));
  });

  it('a dispatch with nobody home is no visit; an internal arrival is not the resident’s to rate', () => {
    expect(visitsOf(repair(['dispatched', 'nobody-home']))).toEqual([]);
    expect(visitsOf(repair(['dispatched', ['arrived', { visibility: 'internal' }]]))).toEqual([]);
  });

  it('visits may be rated after the work too, but not once the request is withdrawn', () => {
    expect(ratableVisits(fold(repair(REPAIR)), repair(REPAIR))).toHaveLength(1);
    const withdrawn = repair(['dispatched', 'arrived', 'withdrawn']);
    expect(ratableVisits(fold(withdrawn), withdrawn)).toEqual([]);
  });

  it('the current rating is the resident’s latest rating of that visit, in history order', () => {
    const events = repair(['dispatched', 'arrived', 'resolved']);
    const visit = events.find((e) => e.type === 'arrived')!.id;
    expect(currentRating(events, visit)).toBeNull();
    const rated = (attitude: number, offset: number, extra: Record<string, unknown> = {}) =>
      anEvent('rated', { requestId: events[0]!.requestId, at: later(events, offset), payload: { visit, attitude }, ...extra });
    const second = rated(9, 2);
    const first = rated(4, 1);
    const otherVisit = rated(1, 3, { payload: { visit: 'ev-01KB0000000000000000000001', attitude: 1 } });
    // Arrival order does not matter: the fold orders by time.
    const withRatings = [...events, second, otherVisit, first];
    expect(currentRating(withRatings, visit)).toMatchObject({ attitude: 9, eventId: second.id, ratedAt: second.at });
  });

  it('only the request’s resident rates: a rating written by staff is not the resident’s', () => {
    const events = repair(['dispatched', 'arrived']);
    const visit = events.at(-1)!.id;
    const byAdmin = anEvent('rated', { requestId: events[0]!.requestId, at: later(events), author: 'admin', payload: { visit } });
    expect(currentRating([...events, byAdmin], visit)).toBeNull();
  });

  it('residentActions gathers the three', () => {
    const events = repair(['dispatched', 'arrived', 'resolved']);
    const actions = residentActions(fold(events), events);
    expect(actions.signOff).toBe(true);
    expect(actions.reopen).toBe(true);
    expect(actions.rate).toHaveLength(1);
  });
});

const REPAIR: Step[] = ['accepted', 'dispatched', 'arrived', 'work-done', 'resolved', 'signed-off', 'closed'];

describe('the one finish step (issue 21: confirm or "not solved", and the rating, in one form)', () => {
  const answers = (over: Partial<FinishAnswers> = {}): FinishAnswers => ({ solved: '', signature: null, reason: '', attitude: '', ability: '', arrival: '', promises: '', ...over });

  it('a repair waiting for the signature: sign, offer "not solved", rate the visit', () => {
    const events = repair(['dispatched', 'arrived', 'resolved']);
    const step = finishStep(fold(events), events)!;
    expect(step.confirm).toBe('sign');
    expect(step.reopen).toBe(true);
    expect(step.visit?.id).toBe(events.find((e) => e.type === 'arrived')!.id);
    expect(step.rated).toEqual([]);
  });

  it('a complaint resolved (nothing to sign): a plain confirmation; nothing before the work is done', () => {
    const done = aRequestHistory({ kind: 'complaint', steps: ['accepted', 'resolved'] });
    expect(finishStep(fold(done), done)).toMatchObject({ confirm: 'ok', reopen: true, visit: null });
    const open = repair(['accepted', 'dispatched']);
    expect(finishStep(fold(open), open)).toBeNull();
  });

  it('once signed and rated: only "not solved" is left, and the rating can be changed', () => {
    const events = repair(['dispatched', 'arrived', 'resolved', 'signed-off']);
    const visit = events.find((e) => e.type === 'arrived')!.id;
    const rated = [...events, anEvent('rated', { requestId: events[0]!.requestId, at: later(events), payload: { visit } })];
    const step = finishStep(fold(rated), rated)!;
    expect(step).toMatchObject({ confirm: null, reopen: true, visit: null });
    expect(step.rated.map((v) => v.id)).toEqual([visit]);
  });

  it('records the rating, then the signed confirmation; attitude and skill views come from the scores', () => {
    const events = repair(['dispatched', 'arrived', 'resolved']);
    const step = finishStep(fold(events), events)!;
    const records = finishRecords(step, answers({ solved: 'yes', signature: 'data:image/png;base64,x', attitude: '9', ability: '6', arrival: 'satisfied', promises: 'poor' }));
    expect(records).toEqual([
      { type: 'rated', payload: { visit: step.visit!.id, attitude: 9, ability: 6, view: { attitude: 'very-satisfied', skill: 'average', arrival: 'satisfied', promises: 'poor' } } },
      { type: 'signed-off', payload: { signature: 'data:image/png;base64,x', satisfied: true } },
    ]);
  });

  it('"not solved" reopens with the reason; no rating when none was given', () => {
    const events = repair(['dispatched', 'arrived', 'resolved']);
    const step = finishStep(fold(events), events)!;
    expect(finishRecords(step, answers({ solved: 'no', reason: ' 还是不热 ' }))).toEqual([{ type: 'reopened', payload: { reason: '还是不热' } }]);
  });

  it('a half-answered rating is sent as it is, so the schema names the questions left', () => {
    const events = repair(['dispatched', 'arrived', 'resolved']);
    const step = finishStep(fold(events), events)!;
    const [rating] = finishRecords(step, answers({ solved: 'yes', attitude: '3' }));
    expect(rating).toEqual({ type: 'rated', payload: { visit: step.visit!.id, attitude: 3, view: { attitude: 'poor' } } });
  });

  it('viewOfScore: 9–10 very satisfied, 7–8 satisfied, 5–6 average, 1–4 poor', () => {
    expect([10, 9, 8, 7, 6, 5, 4, 1].map(viewOfScore)).toEqual(['very-satisfied', 'very-satisfied', 'satisfied', 'satisfied', 'average', 'average', 'poor', 'poor']);
  });
});

describe('what the resident list says (issue 21: states that tell the truth)', () => {
  it('a consultation answered by a reply says "answered" and carries the answer; a reopening starts over', () => {
    const asked = aRequestHistory({ kind: 'consultation', steps: [] });
    expect(residentView(fold(asked), asked)).toEqual({ status: 'submitted', answer: null });
    const reply = anEvent('reply', { requestId: asked[0]!.requestId, requestKind: 'consultation', at: later(asked), visibility: 'resident', payload: { text: '11 月 15 日开始供暖。', channel: 'portal' } });
    const answered = [...asked, reply];
    expect(residentView(fold(answered), answered)).toEqual({ status: 'answered', answer: '11 月 15 日开始供暖。' });
  });

  it('a repair in progress keeps its own status even with a reply', () => {
    const events = repair(['accepted', 'dispatched']);
    const reply = anEvent('reply', { requestId: events[0]!.requestId, at: later(events), visibility: 'resident', payload: { text: '明天上午到。', channel: 'portal' } });
    expect(residentView(fold([...events, reply]), [...events, reply]).status).toBe('dispatched');
  });
});
