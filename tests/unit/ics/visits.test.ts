import { beforeEach, describe, expect, it } from 'vitest';
import { requestState } from '../../../src/rules/requestState';
import { VISIT_LENGTH_MS, calendarUid, isToCome, visitCalendarEvent, visitTime } from '../../../src/ics/visits';
import { T0, aRequestHistory, resetIds } from '../../support/builders/events';

beforeEach(() => resetIds());
const state = (events: Parameters<typeof requestState>[0]) => requestState(events, { now: Date.parse(T0) });

describe('the visit time of a request', () => {
  it('is the booked visit of a dispatched repair, stamped by the dispatch', () => {
    const events = aRequestHistory({ steps: ['accepted', ['dispatched', { payload: { visitAt: '2025-12-01T06:00:00.000Z', technicianName: '张师傅' } }]] });
    const time = visitTime(state(events), events)!;
    expect(time).toMatchObject({ kind: 'booked', technicianName: '张师傅', start: Date.parse('2025-12-01T06:00:00.000Z'), sequence: 1 });
    expect(time.end - time.start).toBe(VISIT_LENGTH_MS);
    expect(time.stamp).toBe(Date.parse(events[2]!.at));
  });

  it('follows a late notice: the new time, a higher sequence, the same UID', () => {
    const events = aRequestHistory({ steps: ['dispatched', ['late-notice', { payload: { newVisitAt: '2025-12-01T08:00:00.000Z' } }]] });
    const time = visitTime(state(events), events)!;
    expect(time.start).toBe(Date.parse('2025-12-01T08:00:00.000Z'));
    expect(time.sequence).toBe(2);
    expect(visitCalendarEvent(events[0]!.requestId, time, { summary: 's' }).uid).toBe(calendarUid(events[0]!.requestId));
  });

  it('is an appointment’s preferred day and slot, China time, until booked', () => {
    const morning = aRequestHistory({ kind: 'appointment-installation', submission: { payload: { preferredDate: '2025-12-03', slot: 'morning' } } });
    expect(visitTime(state(morning), morning)).toMatchObject({
      kind: 'appointment',
      start: Date.parse('2025-12-03T00:00:00.000Z'), // 08:00 Beijing
      end: Date.parse('2025-12-03T04:00:00.000Z'), // 12:00
      sequence: 0,
      technicianName: null,
    });
    const afternoon = aRequestHistory({ kind: 'appointment-repair', submission: { payload: { preferredDate: '2025-12-03', slot: 'afternoon' } } });
    expect(visitTime(state(afternoon), afternoon)).toMatchObject({ start: Date.parse('2025-12-03T06:00:00.000Z'), end: Date.parse('2025-12-03T10:00:00.000Z') });
  });

  it('is none for a repair not yet booked, nor once the work is done', () => {
    const waiting = aRequestHistory({ steps: ['accepted'] });
    expect(visitTime(state(waiting), waiting)).toBeNull();
    const done = aRequestHistory({ steps: ['dispatched', 'arrived', 'resolved'] });
    expect(visitTime(state(done), done)).toBeNull();
  });

  it('is none without the events (the timeline before its events have loaded)', () => {
    const events = aRequestHistory({ steps: ['dispatched'] });
    expect(visitTime(state(events), [])).toBeNull();
  });

  it('puts the address in the location', () => {
    const events = aRequestHistory({ steps: ['dispatched'], submission: { payload: { address: '暖园小区 1 号楼 101' } } });
    expect(visitCalendarEvent(events[0]!.requestId, visitTime(state(events), events)!, { summary: 's' }).location).toBe('暖园小区 1 号楼 101');
  });
});

describe('calendar files only for visits to come (issue 21)', () => {
  it('a visit is to come until it ends', () => {
    const time = { start: 1_000, end: 1_000 + VISIT_LENGTH_MS } as Parameters<typeof isToCome>[0];
    expect(isToCome(time, 0)).toBe(true);
    expect(isToCome(time, 1_000 + VISIT_LENGTH_MS - 1)).toBe(true);
    expect(isToCome(time, 1_000 + VISIT_LENGTH_MS)).toBe(false);
  });
});
