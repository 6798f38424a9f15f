import { beforeEach, describe, expect, it } from 'vitest';
import { seenMarkOf, unseenUpdates } from '../../../src/rules/updates';
import { RESIDENT, aRequestHistory, resetIds } from '../../support/builders/events';

beforeEach(() => resetIds());

describe('new updates of a request', () => {
  const events = aRequestHistory({ steps: ['accepted', 'note', 'dispatched'] }); // submitted by the resident

  it('are the events by others the resident may see, when nothing was seen yet', () => {
    expect(unseenUpdates(events, RESIDENT, undefined).map((e) => e.type)).toEqual(['accepted', 'dispatched']);
  });

  it('never count the resident’s own events, nor internal ones', () => {
    const own = aRequestHistory({ steps: [] });
    expect(unseenUpdates(own, RESIDENT, undefined)).toEqual([]);
    expect(unseenUpdates(events, RESIDENT, undefined).some((e) => e.type === 'note')).toBe(false);
  });

  it('are only those after the seen mark; opening the timeline marks its newest visible event', () => {
    const seenAfterAccepted = seenMarkOf(events.slice(0, 2))!;
    expect(unseenUpdates(events, RESIDENT, seenAfterAccepted).map((e) => e.type)).toEqual(['dispatched']);
    const mark = seenMarkOf(events)!;
    expect(mark.id).toBe(events.find((e) => e.type === 'dispatched')!.id); // not the later internal note
    expect(unseenUpdates(events, RESIDENT, mark)).toEqual([]);
  });

  it('break a tie in time by id, as the history does', () => {
    const [submitted, accepted, dispatched] = aRequestHistory({ steps: ['accepted', 'dispatched'] });
    const a = { ...accepted!, at: submitted!.at };
    const b = { ...dispatched!, at: submitted!.at };
    const [low, high] = a.id < b.id ? [a, b] : [b, a];
    expect(unseenUpdates([submitted!, a, b], RESIDENT, { at: low.at, id: low.id })).toEqual([high]);
    expect(unseenUpdates([submitted!, a, b], RESIDENT, { at: high.at, id: high.id })).toEqual([]);
  });

  it('has no mark for a history without visible events', () => {
    expect(seenMarkOf([])).toBeUndefined();
  });
});
