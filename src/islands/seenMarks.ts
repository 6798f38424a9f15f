import { createSignal, type Accessor } from 'solid-js';
import type { SeenMark } from '../rules/updates';

/**
 * What the resident last saw of each request (src/rules/updates.ts), kept on this device per
 * user in localStorage: `hearthline:seen:<user>` → { [requestId]: { at, id } }. Another user
 * signing in on the same device has their own marks. A mark only moves forward.
 */

const KEY = 'hearthline:seen:';
type Marks = Record<string, SeenMark>;

function read(user: string): Marks {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY + user) ?? '{}');
    if (typeof parsed !== 'object' || parsed === null) return {};
    const marks: Marks = {};
    for (const [id, m] of Object.entries(parsed as Record<string, unknown>)) {
      const mark = m as Partial<SeenMark> | null;
      if (mark && typeof mark.at === 'string' && typeof mark.id === 'string') marks[id] = { at: mark.at, id: mark.id };
    }
    return marks;
  } catch {
    return {};
  }
}

export interface SeenMarks {
  readonly marks: Accessor<Marks>;
  /** Keeps `mark` as the last seen of `requestId` (ignored when older than the one kept). */
  see(requestId: string, mark: SeenMark | undefined): void;
}

export function seenMarks(user: string): SeenMarks {
  const [marks, setMarks] = createSignal<Marks>(read(user));
  return {
    marks,
    see(requestId, mark) {
      if (!mark) return;
      const now = marks()[requestId];
      if (now && (now.at > mark.at || (now.at === mark.at && now.id >= mark.id))) return;
      const next = { ...marks(), [requestId]: mark };
      setMarks(next);
      try {
        localStorage.setItem(KEY + user, JSON.stringify(next));
      } catch {
        // storage full: the badge comes back on the next load, nothing else is lost
      }
    },
  };
}
