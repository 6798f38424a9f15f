/**
 * The ranges of ids a new device's snapshot reads at once (src/db/device/snapshot.ts): together
 * they hold every id exactly once, and events made at an even pace fall about evenly into them.
 */
import { describe, expect, it } from 'vitest';
import { idRanges, type IdRange } from '../../../../src/db/device/snapshot';
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
