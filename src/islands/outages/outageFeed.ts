import type { OutagePhase, PublicOutageNotice } from '../../rules/outages';

/**
 * What the residents' outage page (OutageNotices.tsx) does with `GET /api/outages` besides
 * showing it: keep the last good copy on the device and name each notice's state; checking the answer's
 * shape is feedReader.ts's (loaded with the answer, so valibot stays out of the page's first
 * script). Pure but for the Storage handed in; no import of the rules
 * themselves (only their types), so the page's JavaScript stays small.
 */

export interface OutageFeed {
  /** When the server computed the notices (ISO instant). */
  readonly asOf: string;
  readonly notices: readonly PublicOutageNotice[];
}

/** A notice's state in the residents' words: planned (not started), in progress, restored. */
export type NoticeState = 'planned' | 'in-progress' | 'restored';
const STATE_OF: Record<OutagePhase, NoticeState> = { announced: 'planned', ongoing: 'in-progress', restored: 'restored' };
export const noticeState = (n: PublicOutageNotice): NoticeState => STATE_OF[n.phase];

/** Where the last good answer is kept (localStorage). */
export const LAST_FEED_KEY = 'hearthline:outages:last';

/** Keeps a good answer for the next visit without a network. A full or refused storage only loses the copy. */
export function rememberFeed(storage: Pick<Storage, 'setItem'> | undefined, feed: OutageFeed): void {
  try {
    storage?.setItem(LAST_FEED_KEY, JSON.stringify(feed));
  } catch {
    // private mode or quota: the page works, only without a copy for later
  }
}

/** A kept copy older than this is not shown at all: a day-old "in progress" would mislead more than it tells. */
export const COPY_MAX_AGE_MS = 24 * 3_600_000;

/** The kept copy when it is recent enough to show (with its time), else null. */
export function usableCopy(copy: OutageFeed | null, now: number, maxAgeMs = COPY_MAX_AGE_MS): OutageFeed | null {
  return copy !== null && now - Date.parse(copy.asOf) <= maxAgeMs ? copy : null;
}
