import type { EventRecord } from '../db/schema/events/event';
import { visibleTimeline } from './requestState';

/**
 * New updates of a request for its resident: events shown to them, written by someone else,
 * after the last one they saw. "Seen" is a mark kept on the device (the newest event shown
 * when the resident last opened the request's timeline), so the rule takes it as input.
 */

/** The newest event the resident had seen: compared by time, then id (the order of the history). */
export interface SeenMark {
  readonly at: string;
  readonly id: string;
}

const after = (e: { at: string; id: string }, mark: SeenMark): boolean => e.at > mark.at || (e.at === mark.at && e.id > mark.id);

/** Updates the resident `user` has not seen yet, in history order. No mark: every update is new. */
export function unseenUpdates<E extends EventRecord>(events: readonly E[], user: string, seen: SeenMark | undefined): E[] {
  return visibleTimeline(events).filter((e) => e.author.name !== user && (seen === undefined || after(e, seen)));
}

/** The mark to keep when the resident opens the timeline: its newest visible event (undefined: none). */
export function seenMarkOf(events: readonly EventRecord[]): SeenMark | undefined {
  let mark: SeenMark | undefined;
  for (const e of visibleTimeline(events)) if (mark === undefined || after(e, mark)) mark = { at: e.at, id: e.id };
  return mark;
}
