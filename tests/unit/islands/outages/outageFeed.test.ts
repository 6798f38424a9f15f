import { describe, expect, it } from 'vitest';
import type { PublicOutageNotice } from '../../../../src/rules/outages';
import { COPY_MAX_AGE_MS, LAST_FEED_KEY, noticeState, rememberFeed, usableCopy } from '../../../../src/islands/outages/outageFeed';
import { lastFeed, parseOutageFeed } from '../../../../src/islands/outages/feedReader';

/** The residents' outage page's handling of GET /api/outages: shape check, kept copy, states. */

const notice: PublicOutageNotice = {
  outage: 'ou-01JD0000000000000000000001',
  station: 'demo',
  stationName: '示范热力站',
  communities: [{ id: 'warm-garden', name: '暖园小区' }],
  phase: 'announced',
  planned: true,
  plannedStart: '2025-12-12T01:00:00.000Z',
  plannedEnd: '2025-12-12T09:00:00.000Z',
};
const feed = { asOf: '2025-12-10T01:00:00.000Z', notices: [notice] };

function memoryStorage() {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), items };
}

describe('parseOutageFeed', () => {
  it('keeps a well-formed answer, with only the fields a notice has', () => {
    expect(parseOutageFeed(feed)).toEqual(feed);
    expect(parseOutageFeed({ ...feed, notices: [{ ...notice, author: { name: 'wang' }, affectedCustomers: 120, area: '1-3 号楼' }] })).toEqual(feed);
    // a community without a name is left out, not shown by its id
    expect(parseOutageFeed({ ...feed, notices: [{ ...notice, communities: [...notice.communities, { id: 'x' }] }] })).toEqual(feed);
  });

  it('refuses what is not an answer (an error page, an older server) and leaves out a malformed notice', () => {
    for (const bad of [null, 'oops', [], { notices: [] }, { asOf: 'yesterday', notices: [] }, { asOf: feed.asOf, notices: {} }]) expect(parseOutageFeed(bad)).toBeNull();
    const mixed = { asOf: feed.asOf, notices: [notice, { ...notice, phase: 'exploded' }, { ...notice, plannedStart: 'soon' }, { ...notice, outage: 5 }, { ...notice, stationName: 3 }, 7] };
    expect(parseOutageFeed(mixed)?.notices).toEqual([notice]);
  });
});

describe('the kept copy', () => {
  it('is remembered and read back; a broken copy or a refusing storage loses nothing but the copy', () => {
    const storage = memoryStorage();
    expect(lastFeed(storage)).toBeNull();
    rememberFeed(storage, feed);
    expect(lastFeed(storage)).toEqual(feed);
    storage.items.set(LAST_FEED_KEY, '{not json');
    expect(lastFeed(storage)).toBeNull();
    expect(() => rememberFeed({ setItem: () => { throw new Error('QuotaExceededError'); } }, feed)).not.toThrow();
    expect(lastFeed(undefined)).toBeNull();
  });

  it('is shown for a day after it was read, and not after', () => {
    const read = Date.parse(feed.asOf);
    expect(usableCopy(feed, read + COPY_MAX_AGE_MS)).toBe(feed);
    expect(usableCopy(feed, read + COPY_MAX_AGE_MS + 1)).toBeNull();
    expect(usableCopy(null, read)).toBeNull();
  });
});

describe('noticeState', () => {
  it('names announced, ongoing and restored as planned, in progress and restored', () => {
    expect((['announced', 'ongoing', 'restored'] as const).map((phase) => noticeState({ ...notice, phase }))).toEqual(['planned', 'in-progress', 'restored']);
  });
});
