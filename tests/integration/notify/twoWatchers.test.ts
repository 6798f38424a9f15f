/**
 * Two deadline watchers (server/deadlines/watcher.mjs) against one database: the embedded
 * backend admits one server process per data folder, so "two server processes" are two watcher
 * instances over the same real PouchDB storage, each with its own memory, racing on every
 * check. Each level of each order is recorded once: the event id is derived from the request
 * and the level, and the second writer gets a conflict.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS_DB } from '../../../src/db/databaseNames';
import { createDeadlineWatcher, escalationEventId } from '../../../server/deadlines/watcher.mjs';
import { aRequestHistory, asCouchDoc } from '../../support/builders/events';
import { openWorld, quiet, type World } from '../router/support/world';

const HOUR = 3_600_000;
let world: World;

beforeAll(async () => {
  world = await openWorld();
  await world.createDb(OPERATIONS_DB);
});

afterAll(async () => {
  await world?.close();
});

describe('two deadline watchers on one database', () => {
  it('record each level of each order once, whichever checks first, and agree afterwards', async () => {
    const histories = Array.from({ length: 5 }, () => aRequestHistory({ kind: 'repair', steps: [] }));
    const operations = await world.db(OPERATIONS_DB);
    await operations.bulkDocs(histories.flat().map((e) => asCouchDoc(e)));
    const opened = Date.parse(histories[0]![0]!.at);

    let clock = opened;
    const couch = world.couch();
    const watchers = [0, 1].map(() => createDeadlineWatcher({ couch, now: () => clock, sweepIntervalMs: 0, ...quiet }));

    for (const hours of [1, 24, 30, 48, 72, 96, 120]) {
      clock = opened + hours * HOUR;
      // both at once: they race on the same ids
      await Promise.all(watchers.map((w) => w.drain()));
    }

    const all = await operations.allDocs({ include_docs: true });
    const escalations = all.rows.map((r: any) => r.doc).filter((d: any) => d.type === 'escalated');
    expect(escalations).toHaveLength(5 * 4);
    for (const h of histories) {
      const levels = escalations.filter((d: any) => d.requestId === h[0]!.requestId).map((d: any) => d.payload.level).sort();
      expect(levels).toEqual([1, 2, 3, 4]);
      for (const level of levels) expect(escalations.some((d: any) => d._id === escalationEventId(h[0]!.requestId, level))).toBe(true);
    }
    // no document was written twice (a conflict would leave a second revision)
    for (const d of escalations) expect(d._rev.startsWith('1-')).toBe(true);
    const [a, b] = watchers.map((w) => w.stats);
    expect(a!.written + b!.written).toBe(20);
    await Promise.all(watchers.map((w) => w.stop()));
  });

  it("a watcher that has not read the other's events yet gets a conflict for each level and writes nothing", async () => {
    const history = aRequestHistory({ kind: 'complaint', steps: [] });
    const operations = await world.db(OPERATIONS_DB);
    await operations.bulkDocs(history.map((e) => asCouchDoc(e)));
    const opened = Date.parse(history[0]!.at);
    let clock = opened + 100 * HOUR;
    const couch = world.couch();
    // The lagging one reads _changes without the escalations (as a process whose read is behind).
    const lagging = {
      ...couch,
      async db(name: string) {
        const db = await couch.db(name);
        return new Proxy(db, {
          get(target, prop) {
            if (prop !== 'changes') return typeof target[prop] === 'function' ? target[prop].bind(target) : target[prop];
            return async (opts: any) => {
              const res = await target.changes(opts);
              return { ...res, results: res.results.filter((c: any) => c.doc?.type !== 'escalated') };
            };
          },
        });
      },
    };
    const first = createDeadlineWatcher({ couch, now: () => clock, sweepIntervalMs: 0, ...quiet });
    const second = createDeadlineWatcher({ couch: lagging, now: () => clock, sweepIntervalMs: 0, ...quiet });
    await first.drain();
    expect(first.stats.written).toBe(4);
    await second.drain();
    expect(second.stats).toMatchObject({ written: 0, conflicts: 4 });
    const all = await operations.allDocs({ include_docs: true });
    const mine = all.rows.map((r: any) => r.doc).filter((d: any) => d.type === 'escalated' && d.requestId === history[0]!.requestId);
    expect(mine.map((d: any) => d.payload.level).sort()).toEqual([1, 2, 3, 4]);
    // and it does not try again: its memory now holds the stored events
    clock += HOUR;
    await second.drain();
    expect(second.stats.conflicts).toBe(4);
    await first.stop();
    await second.stop();
  });
});
