/**
 * The pull's catch-up (src/db/device/catchUp.ts) over a feed held in memory: what it writes,
 * and the page it answers RxDB with (a full page at each checkpoint, the feed's last page at
 * the end), including a failed read in the middle.
 */
import { describe, expect, it } from 'vitest';
import { catchUp, type ChangesPage, type ChangesRow } from '../../../../src/db/device/catchUp';

/** A feed of `n` rows (every 5th not an event), in pages of `limit`; seq = position. */
function feed(n: number, limit: number, failAt?: number) {
  const rows: ChangesRow[] = Array.from({ length: n }, (_, i) => ({ id: `d${i}`, seq: i + 1, doc: { _id: `d${i}`, docType: i % 5 === 4 ? 'profile' : 'event' } }));
  const pageAfter = (since: number): ChangesPage => {
    const results = rows.slice(since, since + limit);
    return { results, last_seq: since + results.length };
  };
  const written: string[] = [];
  const writes: number[] = [];
  let reads = 0;
  return {
    written,
    writes,
    first: pageAfter(0),
    options: (chunk: number, maxPending = limit) => ({
      limit,
      chunk,
      maxPending,
      keep: (page: ChangesPage) => ({ ...page, results: (page.results ?? []).filter((r) => r.doc?.docType === 'event') }),
      async nextPage(since: unknown) {
        reads += 1;
        if (failAt !== undefined && reads === failAt) throw new Error('network');
        return pageAfter(Number(since));
      },
      async write(rs: ChangesRow[]) {
        await new Promise((r) => setTimeout(r, 1));
        writes.push(rs.length);
        written.push(...rs.map((r) => r.id!));
      },
      stopped: () => false,
    }),
    pageAfter,
  };
}

describe('catch-up', () => {
  it('a first page shorter than the limit goes to RxDB as it is (its kind only)', async () => {
    const f = feed(6, 10);
    const page = await catchUp({ first: f.first, ...f.options(100) });
    expect(page.results!.map((r) => r.id)).toEqual(['d0', 'd1', 'd2', 'd3', 'd5']);
    expect(f.written).toEqual([]);
  });

  it('writes every event once up to the feed’s end and hands RxDB the last page with its last_seq', async () => {
    const f = feed(95, 10);
    const page = await catchUp({ first: f.first, ...f.options(1_000) });
    expect(page.last_seq).toBe(95);
    // The last page (rows 91-95) is RxDB's to write; everything before it was written here, once.
    expect(page.results!.map((r) => r.id)).toEqual(['d90', 'd91', 'd92', 'd93']);
    const events = Array.from({ length: 90 }, (_, i) => i).filter((i) => i % 5 !== 4).map((i) => `d${i}`);
    expect(f.written).toEqual(events);
    expect(Math.max(...f.writes), 'pages read during a write go into the next one').toBeGreaterThanOrEqual(8);
  });

  it('an empty last page carries the last event written, so RxDB keeps the checkpoint', async () => {
    const f = feed(100, 10);
    const page = await catchUp({ first: f.first, ...f.options(1_000) });
    expect(page.last_seq).toBe(100);
    expect(page.results!.map((r) => r.id)).toEqual(['d98']);
    expect(f.written.at(-1)).toBe('d98');
  });

  it('every chunk: a full page of events already written, with the last_seq written, and RxDB asks on from there', async () => {
    const f = feed(95, 10);
    const first = await catchUp({ first: f.first, ...f.options(20) });
    expect(first.results).toHaveLength(10);
    expect(first.results!.every((r) => f.written.includes(r.id!)), 'already stored: RxDB skips them').toBe(true);
    const upTo = Number(first.last_seq);
    expect(f.written.at(-1)).toBe(first.results!.at(-1)!.id);
    // RxDB's next request starts after that checkpoint.
    const second = await catchUp({ first: f.pageAfter(upTo), ...f.options(20) });
    expect(Number(second.last_seq)).toBeGreaterThan(upTo);
    expect(new Set(f.written).size, 'nothing written twice').toBe(f.written.length);
  });

  it('at a chunk, the next page’s read is already under way and handed on for RxDB’s next request', async () => {
    const f = feed(95, 10);
    const handed: { since: unknown; page: Promise<ChangesPage> }[] = [];
    const first = await catchUp({ first: f.first, ...f.options(20), ahead: (since, page) => handed.push({ since, page }) });
    expect(handed).toHaveLength(1);
    expect(handed[0]!.since, 'the page after the checkpoint RxDB stores').toBe(first.last_seq);
    expect(await handed[0]!.page).toEqual(f.pageAfter(Number(first.last_seq)));
    // RxDB's next request takes it: the load goes on with nothing read or written twice.
    const second = await catchUp({ first: await handed[0]!.page, ...f.options(1_000) });
    expect(second.last_seq).toBe(95);
    expect(new Set(f.written).size).toBe(f.written.length);
    expect([...f.written, ...second.results!.map((r) => r.id!)]).toEqual(Array.from({ length: 95 }, (_, i) => i).filter((i) => i % 5 !== 4).map((i) => `d${i}`));
  });

  it('a read ahead that fails is no unhandled error (nobody may take it)', async () => {
    const f = feed(95, 10, 3); // the third read is the one started at the first chunk
    let handed: Promise<ChangesPage> | undefined;
    const page = await catchUp({ first: f.first, ...f.options(20), ahead: (_since, p) => (handed = p) });
    expect(page.results).toHaveLength(10);
    await expect(handed).rejects.toThrow('network');
  });

  it('a read failing midway: what was written is handed over as a checkpoint; too little of it, the error goes to RxDB', async () => {
    const f = feed(95, 10, 4);
    const page = await catchUp({ first: f.first, ...f.options(1_000) });
    expect(page.results).toHaveLength(10);
    expect(page.last_seq).toBe(40);
    const g = feed(95, 10, 1);
    await expect(catchUp({ first: g.first, ...g.options(1_000) })).rejects.toThrow('network');
  });
});
