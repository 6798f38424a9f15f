/**
 * The pull's catch-up (src/db/device/catchUp.ts) over a feed held in memory: what it writes,
 * and the pages it answers RxDB with (a full page of stored events at each checkpoint, the
 * feed's last page at the end), RxDB's next requests answered by the same run, and failed
 * reads and writes.
 */
import { describe, expect, it } from 'vitest';
import { createCatchUp, NO_SNAPSHOT, type ChangesPage, type ChangesRow } from '../../../../src/db/device/catchUp';

/** A feed of `n` rows (every 5th not an event), in pages of `limit`; seq = position. */
function feed(n: number, limit: number, opts: { failReadAt?: number; failWriteAt?: number; writeMs?: number } = {}) {
  const rows: ChangesRow[] = Array.from({ length: n }, (_, i) => ({ id: `d${i}`, seq: i + 1, doc: { _id: `d${i}`, docType: i % 5 === 4 ? 'profile' : 'event' } }));
  const pageAfter = (since: number): ChangesPage => {
    const results = rows.slice(since, since + limit);
    return { results, last_seq: since + results.length };
  };
  const written: string[] = [];
  const writes: number[] = [];
  const reads: number[] = [];
  let stopped = false;
  const catchUp = createCatchUp({
    chunk: 20,
    maxPending: limit,
    keep: (page: ChangesPage) => ({ ...page, results: (page.results ?? []).filter((r) => r.doc?.docType === 'event') }),
    async nextPage(since: unknown) {
      reads.push(Number(since));
      if (opts.failReadAt !== undefined && reads.length === opts.failReadAt) throw new Error('network');
      return pageAfter(Number(since));
    },
    async write(rs: ChangesRow[]) {
      await new Promise((r) => setTimeout(r, opts.writeMs ?? 1));
      if (opts.failWriteAt !== undefined && writes.length + 1 === opts.failWriteAt) throw new Error('disk');
      writes.push(rs.length);
      written.push(...rs.map((r) => r.id!));
    },
    stopped: () => stopped,
  });
  const events = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i).filter((i) => i % 5 !== 4).map((i) => `d${i}`);
  /** RxDB's requests, as its downstream makes them: from `since`, again from each answer, until a short page. */
  const rxdb = async (since = 0) => {
    const answers: ChangesPage[] = [];
    let page = await catchUp.start(String(since), limit, pageAfter(since));
    answers.push(page);
    while ((page.results ?? []).length >= limit) {
      const next = String(page.last_seq);
      expect(catchUp.continuesFrom(next, limit), `the run goes on from ${next}`).toBe(true);
      page = await catchUp.next();
      answers.push(page);
    }
    return answers;
  };
  return { written, writes, reads, pageAfter, catchUp, events, rxdb, stop: () => (stopped = true) };
}

describe('catch-up', () => {
  it('a first page shorter than the limit goes to RxDB as it is (its kind only)', async () => {
    const f = feed(6, 10);
    const page = await f.catchUp.start('0', 10, f.pageAfter(0));
    expect(page.results!.map((r) => r.id)).toEqual(['d0', 'd1', 'd2', 'd3', 'd5']);
    expect(f.written).toEqual([]);
    expect(f.catchUp.continuesFrom(String(page.last_seq), 10)).toBe(false);
  });

  it('writes every event once up to the feed’s end; RxDB gets a checkpoint of stored events every chunk, then the last page', async () => {
    const f = feed(95, 10);
    const answers = await f.rxdb();
    const last = answers.at(-1)!;
    expect(last.last_seq).toBe(95);
    // The last page (rows 91-95) is RxDB's to write; everything before it was written here, once.
    expect(last.results!.map((r) => r.id)).toEqual(['d90', 'd91', 'd92', 'd93']);
    expect(f.written).toEqual(f.events(0, 90));
    for (const checkpoint of answers.slice(0, -1)) {
      expect(checkpoint.results).toHaveLength(10);
      // Only stored events are ever answered: the checkpoint's page ends at the last one stored then.
      expect(checkpoint.results!.every((r) => f.written.includes(r.id!)), 'already stored: RxDB skips them').toBe(true);
      expect(checkpoint.results!.at(-1)!.id).toBe(f.events(0, Number(checkpoint.last_seq)).at(-1));
    }
    expect(answers.length, 'a checkpoint every 20 events stored').toBeGreaterThanOrEqual(3);
    expect(f.reads, 'each page read once').toEqual([...new Set(f.reads)]);
  });

  it('an empty last page carries the last event written, so RxDB keeps the checkpoint', async () => {
    const f = feed(100, 10);
    const last = (await f.rxdb()).at(-1)!;
    expect(last.last_seq).toBe(100);
    expect(last.results!.map((r) => r.id)).toEqual(['d98']);
    expect(f.written.at(-1)).toBe('d98');
  });

  it('goes on reading and writing while RxDB stores a checkpoint, and stops two chunks past one RxDB never follows', async () => {
    const f = feed(400, 10);
    const first = await f.catchUp.start('0', 10, f.pageAfter(0));
    expect(first.results).toHaveLength(10);
    const answeredAt = f.events(0, Number(first.last_seq)).length;
    // RxDB does not ask on: the run reads and writes on to its bound (two chunks: 40 events,
    // 8 a page here) and waits there.
    await expect.poll(() => f.written.length - answeredAt, { timeout: 10_000, interval: 20 }).toBeGreaterThanOrEqual(40);
    await new Promise((r) => setTimeout(r, 100));
    expect(f.written.length - answeredAt, 'at most two chunks past it').toBeLessThanOrEqual(2 * 20 + 8);
    expect(f.written.length).toBeLessThan(f.events(0, 400).length);
    // RxDB asks on from the checkpoint: the run answers from what it already holds.
    expect(f.catchUp.continuesFrom(String(first.last_seq), 10)).toBe(true);
    const second = await f.catchUp.next();
    expect(Number(second.last_seq)).toBeGreaterThan(Number(first.last_seq));
    // Another since (RxDB restarted from an older checkpoint) is not this run's.
    expect(f.catchUp.continuesFrom('0', 10)).toBe(false);
    f.catchUp.stop();
    expect(f.catchUp.continuesFrom(String(second.last_seq), 10)).toBe(false);
  });

  /** RxDB's requests until the run answers no more (the last answer, or the error it ended with). */
  const follow = async (f: ReturnType<typeof feed>) => {
    const answers: ChangesPage[] = [];
    try {
      let page = await f.catchUp.start('0', 10, f.pageAfter(0));
      answers.push(page);
      while (f.catchUp.continuesFrom(String(page.last_seq), 10)) {
        page = await f.catchUp.next();
        answers.push(page);
      }
      return { answers, error: null };
    } catch (error) {
      return { answers, error: error as Error };
    }
  };

  it('a read failing midway: what was read before is written and handed over as a checkpoint; too little of it, the error goes to RxDB', async () => {
    const f = feed(95, 10, { failReadAt: 4 }); // pages 1-4 read (the first by RxDB), the 5th fails
    const { answers, error } = await follow(f);
    expect(error).toBeNull();
    expect(answers.at(-1)!.last_seq, 'the last page stored before the failure').toBe(40);
    expect(answers.every((a) => a.results!.length === 10)).toBe(true);
    expect(f.written).toEqual(f.events(0, 40));
    expect(f.catchUp.continuesFrom('40', 10), 'RxDB reads afresh from there').toBe(false);
    const g = feed(95, 10, { failReadAt: 1 });
    await expect(g.catchUp.start('0', 10, g.pageAfter(0))).rejects.toThrow('network');
  });

  it('a write failing: every checkpoint answered is stored, and the error goes to RxDB', async () => {
    const f = feed(200, 10, { failWriteAt: 3, writeMs: 20 });
    const { answers, error } = await follow(f);
    expect(error?.message).toBe('disk');
    expect(answers.length).toBeGreaterThan(0);
    for (const a of answers) expect(f.events(0, Number(a.last_seq)).every((id) => f.written.includes(id)), `stored up to ${a.last_seq}`).toBe(true);
    const g = feed(200, 10, { failWriteAt: 1 });
    await expect(g.catchUp.start('0', 10, g.pageAfter(0))).rejects.toThrow('disk');
  });

  it('a stopped replication gets no answer and reads no more', async () => {
    const f = feed(400, 10, { writeMs: 20 });
    const answer = f.catchUp.start('0', 10, f.pageAfter(0));
    f.stop();
    await expect(answer).rejects.toThrow('stopped');
    const reads = f.reads.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(f.reads.length).toBeLessThanOrEqual(reads + 1);
  });
});

/**
 * A new device's run from the beginning with a snapshot (catchUp.ts `snapshot`, snapshot.ts):
 * the database as it is now read in ranges at once, then its changes from the sequence read
 * before them. Events written while the snapshot is read come in the changes after it.
 */
describe('catch-up from the beginning with a snapshot', () => {
  function withSnapshot(n: number, limit: number, opts: { ranges?: number; addDuring?: number; failSnapshotAt?: number; writeMs?: number; notWorthIt?: boolean } = {}) {
    const rows: ChangesRow[] = [];
    const add = (count: number) => {
      for (let i = 0; i < count; i += 1) {
        const k = rows.length;
        rows.push({ id: `d${String(k).padStart(4, '0')}`, seq: k + 1, doc: { _id: `d${String(k).padStart(4, '0')}`, docType: k % 5 === 4 ? 'profile' : 'event' } });
      }
    };
    add(n);
    const pageAfter = (since: number): ChangesPage => {
      const results = rows.slice(since, since + limit);
      return { results, last_seq: since + results.length };
    };
    const written: string[] = [];
    const changesReads: number[] = [];
    const snapshotPages: number[] = [];
    const answersSeen: ChangesPage[] = [];
    let snapshotSeq = -1;
    const catchUp = createCatchUp({
      chunk: 20,
      maxPending: 2 * limit,
      keep: (page: ChangesPage) => ({ ...page, results: (page.results ?? []).filter((r) => r.doc?.docType === 'event') }),
      async nextPage(since: unknown) {
        changesReads.push(Number(since));
        return pageAfter(Number(since));
      },
      async write(rs: ChangesRow[]) {
        await new Promise((r) => setTimeout(r, opts.writeMs ?? 1));
        written.push(...rs.map((r) => r.id!));
      },
      stopped: () => false,
      async snapshot(pageSize, take) {
        if (opts.notWorthIt) return NO_SNAPSHOT;
        snapshotSeq = rows.length; // the sequence first
        const ranges = opts.ranges ?? 3;
        const ids = rows.map((r) => r.id!);
        const cuts = Array.from({ length: ranges - 1 }, (_, i) => ids[Math.floor(((i + 1) * ids.length) / ranges)]!);
        const bounds = [null, ...cuts, null];
        let pages = 0;
        await Promise.all(
          bounds.slice(0, -1).map(async (start, i) => {
            const end = bounds[i + 1];
            let from = 0;
            for (;;) {
              // Read as the database is at that moment: rows added meanwhile may be in a range.
              const inRange = rows.filter((r) => (start === null || r.id! >= start) && (end == null || r.id! < end));
              const page = inRange.slice(from, from + pageSize);
              pages += 1;
              if (opts.failSnapshotAt !== undefined && pages === opts.failSnapshotAt) throw new Error('network');
              if (opts.addDuring && pages === 2) add(opts.addDuring);
              snapshotPages.push(page.length);
              await take(page);
              if (page.length < pageSize) return;
              from += pageSize;
            }
          }),
        );
        return snapshotSeq;
      },
    });
    const events = () => rows.filter((r) => r.doc?.docType === 'event').map((r) => r.id!);
    const rxdb = async () => {
      let page = await catchUp.start('0', limit, pageAfter(0));
      answersSeen.push(page);
      while ((page.results ?? []).length >= limit && catchUp.continuesFrom(String(page.last_seq), limit)) {
        page = await catchUp.next();
        answersSeen.push(page);
      }
      return answersSeen;
    };
    return { written, changesReads, snapshotPages, events, rxdb, catchUp, pageAfter, seq: () => snapshotSeq, rows };
  }

  it('reads the database in ranges instead of page after page, stores every event, and hands RxDB the snapshot’s sequence only once all of it is stored', async () => {
    const f = withSnapshot(95, 10, { writeMs: 5 });
    const answers = await f.rxdb();
    expect(new Set(f.written), 'every event').toEqual(new Set(f.events()));
    expect(f.snapshotPages.length, 'read in pages of the ranges').toBeGreaterThanOrEqual(3);
    expect(f.changesReads, 'the changes are read only from the snapshot’s sequence on').toEqual([95]);
    for (const a of answers.slice(0, -1)) {
      // A checkpoint's sequence is either the first page's (stored first) or the snapshot's, once all of it is stored.
      expect([10, 95]).toContain(Number(a.last_seq));
      if (Number(a.last_seq) === 95) expect(f.events().every((id) => f.written.includes(id))).toBe(true);
    }
    expect(answers.at(-1)!.last_seq).toBe(95);
  });

  it('events written while the snapshot is read come with the changes after it (some twice: the device keeps the first)', async () => {
    const f = withSnapshot(95, 10, { addDuring: 12 });
    const answers = await f.rxdb();
    expect(f.seq()).toBe(95);
    expect(f.rows).toHaveLength(107);
    expect(new Set(f.written), 'the later ones too').toEqual(new Set(f.events()));
    expect(f.changesReads[0], 'the changes from the sequence read before the snapshot').toBe(95);
    expect(answers.at(-1)!.last_seq).toBe(107);
  });

  it('a snapshot not worth it (near the server) reads nothing: the changes from the first page on, page after page', async () => {
    const f = withSnapshot(95, 10, { notWorthIt: true });
    const answers = await f.rxdb();
    expect(f.snapshotPages).toEqual([]);
    expect(f.changesReads).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(new Set(f.written)).toEqual(new Set(f.events().slice(0, -4)));
    expect(answers.at(-1)!.last_seq).toBe(95);
  });

  it('a run from a checkpoint reads the changes, not a snapshot', async () => {
    const f = withSnapshot(95, 10);
    const page = await f.catchUp.start('30', 10, f.pageAfter(30));
    expect(page.results!.length).toBe(10);
    expect(f.snapshotPages).toEqual([]);
    expect(f.changesReads[0]).toBe(40);
    f.catchUp.stop();
  });

  it('a failed snapshot read: the first page stays a checkpoint, and RxDB reads afresh from it (page after page)', async () => {
    const f = withSnapshot(300, 10, { failSnapshotAt: 6 });
    const answers: ChangesPage[] = [];
    let error: unknown = null;
    try {
      let page = await f.catchUp.start('0', 10, f.pageAfter(0));
      answers.push(page);
      while (f.catchUp.continuesFrom(String(page.last_seq), 10)) answers.push((page = await f.catchUp.next()));
    } catch (err) {
      error = err;
    }
    // Either the error reaches RxDB, or a checkpoint at the first page's end does: both leave
    // RxDB's checkpoint where every event before it is stored.
    expect(error !== null || answers.length > 0, 'RxDB hears of it one way or the other').toBe(true);
    if (error) expect(String(error)).toContain('network');
    for (const a of answers) expect(Number(a.last_seq)).toBe(10);
    expect(f.events().slice(0, 8).every((id) => f.written.includes(id))).toBe(true);
    expect(f.catchUp.continuesFrom('10', 10), 'a new request starts afresh').toBe(false);
  });
});
