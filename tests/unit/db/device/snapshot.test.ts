/**
 * The ranges of ids a new device's snapshot reads at once (src/db/device/snapshot.ts): together
 * they hold every id exactly once, and events made at an even pace fall about evenly into them.
 */
import { describe, expect, it } from 'vitest';
import { idRanges, readSnapshot, type IdRange } from '../../../../src/db/device/snapshot';
import { NO_SNAPSHOT, type ChangesRow } from '../../../../src/db/device/catchUp';
import { newEventId, seededRandom } from '../../../../src/db/schema/events/ids';

const holds = (r: IdRange, id: string) => (r.start === null || id >= r.start) && (r.end === null || id < r.end);

describe('idRanges', () => {
  const random = seededRandom(7);
  const start = Date.UTC(2025, 10, 15);
  // A season of events at an even pace, plus ids of other forms that share the database.
  const events = Array.from({ length: 4000 }, (_, i) => newEventId(start + i * 97_000, random)).sort();
  const others = ['_design/x', 'profile', 'r-20250101', 'ev-', 'ev-zzz', 'a', 'rq-01KA2CZH005JMBT0JH3T2ZJ417'];

  it('cut at even times, every id falls in exactly one range, and the events about evenly', () => {
    const ranges = idRanges(events[0]!, events.at(-1)!, 4);
    expect(ranges).toHaveLength(4);
    expect(ranges[0]!.start).toBeNull();
    expect(ranges.at(-1)!.end).toBeNull();
    for (const id of [...events, ...others]) expect(ranges.filter((r) => holds(r, id)), id).toHaveLength(1);
    const counts = ranges.map((r) => events.filter((id) => holds(r, id)).length);
    for (const c of counts) expect(c).toBeGreaterThan(900);
  });

  it('one range when there is nothing to cut: no events, one event, one instant, ids without a time', () => {
    expect(idRanges(null, null, 4)).toEqual([{ start: null, end: null }]);
    expect(idRanges(events[0]!, events[0]!, 4)).toEqual([{ start: null, end: null }]);
    expect(idRanges('ev-not-a-ulid', 'ev-zzzz', 4)).toEqual([{ start: null, end: null }]);
    expect(idRanges(events[0]!, events.at(-1)!, 1)).toEqual([{ start: null, end: null }]);
  });

  it('events two milliseconds apart cut into at most as many ranges as there are instants between', () => {
    const a = newEventId(start, random);
    const b = newEventId(start + 2, random);
    const ranges = idRanges(a, b, 8);
    expect(ranges.length).toBeLessThanOrEqual(3);
    for (const id of [a, b, ...others]) expect(ranges.filter((r) => holds(r, id))).toHaveLength(1);
  });
});

/** A database held in memory that answers `GET /` and `_all_docs` as CouchDB does, after `delayMs`. */
function memoryDatabase(ids: string[], delayMs: number) {
  const sorted = [...ids].sort();
  const asked: string[] = [];
  const getJson = async (path: string) => {
    asked.push(path);
    await new Promise((r) => setTimeout(r, delayMs));
    if (path === '') return { update_seq: `${sorted.length}-opaque` };
    const q = new URLSearchParams(path.split('?')[1]);
    const key = (k: string) => (q.has(k) ? (JSON.parse(q.get(k)!) as string) : null);
    const desc = q.get('descending') === 'true';
    const [start, end] = [key('startkey'), key('endkey')];
    let rows = desc ? [...sorted].reverse() : sorted;
    rows = rows.filter((id) => (start === null || (desc ? id <= start : id >= start)) && (end === null || (desc ? id >= end : q.get('inclusive_end') === 'false' ? id < end : id <= end)));
    rows = rows.slice(Number(q.get('skip') ?? 0), Number(q.get('skip') ?? 0) + Number(q.get('limit') ?? rows.length));
    return { rows: rows.map((id) => ({ id, key: id, value: { rev: '1-a' }, ...(q.get('include_docs') === 'true' ? { doc: { _id: id, docType: 'event' } } : {}) })) };
  };
  return { getJson, asked };
}

describe('readSnapshot', () => {
  const random = seededRandom(11);
  const ids = [...Array.from({ length: 2000 }, (_, i) => newEventId(Date.UTC(2025, 10, 15) + i * 60_000, random)), 'profile', '_design/x', 'r-20250101'];

  it('every document once, in ranges read at once, and the sequence read first', async () => {
    const db = memoryDatabase(ids, 1);
    const taken: string[] = [];
    const seq = await readSnapshot({ getJson: db.getJson, limit: 100, readers: 4, take: async (rows: ChangesRow[]) => void taken.push(...rows.map((r) => r.id!)) });
    expect(seq).toBe(`${ids.length}-opaque`);
    expect(db.asked[0]).toBe('');
    expect(taken.sort()).toEqual([...ids].sort());
    const firstPages = db.asked.filter((p) => p.includes('include_docs') && !p.includes('skip='));
    expect(firstPages).toHaveLength(4);
  });

  it('near the server (round trips under the bound) it reads nothing: NO_SNAPSHOT; far from it, the snapshot', async () => {
    const near = memoryDatabase(ids, 0);
    const take = async () => {};
    expect(await readSnapshot({ getJson: near.getJson, limit: 100, minRoundTripMs: 25, take })).toBe(NO_SNAPSHOT);
    expect(near.asked, 'one info read, nothing else').toEqual(['']);
    const far = memoryDatabase(ids, 40);
    expect(await readSnapshot({ getJson: far.getJson, limit: 500, minRoundTripMs: 25, take })).toBe(`${ids.length}-opaque`);
    expect(far.asked.slice(0, 3), 'the round trip measured three times').toEqual(['', '', '']);
    expect(far.asked.some((p) => p.includes('include_docs'))).toBe(true);
  });

  it('a failed range rejects, and the other ranges read no further', async () => {
    const db = memoryDatabase(ids, 1);
    let pages = 0;
    const getJson = async (path: string) => {
      if (path.includes('include_docs') && ++pages === 3) throw new Error('network');
      return db.getJson(path);
    };
    await expect(readSnapshot({ getJson, limit: 50, readers: 4, take: async () => {} })).rejects.toThrow('network');
    const before = db.asked.length;
    await new Promise((r) => setTimeout(r, 50));
    expect(db.asked.length - before).toBeLessThanOrEqual(4);
  });
});
