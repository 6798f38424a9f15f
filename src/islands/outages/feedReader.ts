import * as v from 'valibot';
import { OutageFeedAnswer, PublicOutageNotice as PublicOutageNoticeSchema } from '../../db/schema/outageFeed';
import type { PublicOutageNotice } from '../../rules/outages';
import { LAST_FEED_KEY, type OutageFeed } from './outageFeed';

/**
 * The residents' outage page reads `GET /api/outages`, and its kept copy, through the feed's
 * schema (src/db/schema/outageFeed.ts): a proxy's error page or an older server must not break
 * the page. Loaded by OutageNotices.tsx with the answer (a dynamic import), so valibot is not in
 * the page's first script (the /outages/ budget, bench/budget.mjs).
 */

/** A notice as the feed's schema reads it, or null when it is not one. */
function parseNotice(raw: unknown): PublicOutageNotice | null {
  const r = v.safeParse(PublicOutageNoticeSchema, raw);
  if (!r.success) return null;
  return { ...r.output, communities: r.output.communities ?? [] };
}

/**
 * The feed in an answer, or null when it is not one (then the page says it could not load).
 * Only the fields a notice has are kept; a malformed notice is left out, the others shown.
 */
export function parseOutageFeed(json: unknown): OutageFeed | null {
  const r = v.safeParse(OutageFeedAnswer, json);
  if (!r.success) return null;
  return { asOf: r.output.asOf, notices: r.output.notices.map(parseNotice).filter((n): n is PublicOutageNotice => n !== null) };
}

/** The copy kept by rememberFeed, checked like a fresh answer; null when there is none. */
export function lastFeed(storage: Pick<Storage, 'getItem'> | undefined): OutageFeed | null {
  try {
    const raw = storage?.getItem(LAST_FEED_KEY);
    return raw ? parseOutageFeed(JSON.parse(raw)) : null;
  } catch {
    return null;
  }
}

