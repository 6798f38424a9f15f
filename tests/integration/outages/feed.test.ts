/**
 * The outage feed of the server (server/outages/feed.mjs) on a real PouchDB (memory adapter;
 * with the suite's COUCHDB_URL, a database on that CouchDB: support/database.ts) with a controlled clock: it keeps the outage records only, answers from memory, drops a
 * restoration a day after it, forgets settled outages (and ignores their later records), and
 * a restart reads on from its checkpoint.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOutageFeed } from '../../../server/outages/feed.mjs';
import type { OperationsRecord } from '../../../src/db/schema/records';
import { aRecord, outageId, resetRecordIds } from '../../support/builders/records';
import { freshDatabase } from '../support/database';


const HOUR = 3_600_000;
const T0 = Date.parse('2025-12-10T01:00:00.000Z'); // 09:00 China time
let clock = T0;
let operations: any;
const feeds: ReturnType<typeof createOutageFeed>[] = [];

const toDoc = (r: OperationsRecord) => {
  const { id, ...rest } = r;
  return { _id: id, ...rest };
};
const at = (ms: number) => new Date(ms);
const announce = (n: number, when: number, plannedStart: number, area = '暖园小区 1-3 号楼') =>
  aRecord('outage-announced', at(when), { outage: outageId(n), plannedStart: new Date(plannedStart).toISOString(), affectedCustomers: 120, area }, 'demo');
const start = (n: number, when: number) =>
  aRecord('outage-started', at(when), { outage: outageId(n), planned: false, atHeatSource: false, affectedCustomers: 40, area: '东区 5 号楼' }, 'demo');
const restore = (n: number, when: number) => aRecord('outage-restored', at(when), { outage: outageId(n) }, 'demo');

function feed() {
  const f = createOutageFeed({
    couch: { mode: 'embedded', description: 'memory', listDatabases: async () => ['operations'], db: async () => operations },
    sweepIntervalMs: 0,
    batchSize: 3, // several batches even in a small test
    now: () => clock,
    logError: () => {},
  });
  feeds.push(f);
  return f;
}
const shown = (f: ReturnType<typeof createOutageFeed>) => f.notices().notices.map((n) => [n.outage, n.phase]);

beforeEach(async () => {
  resetRecordIds();
  clock = T0;
  operations = await freshDatabase('operations');
});

afterEach(async () => {
  for (const f of feeds.splice(0)) await f.stop();
  await operations.destroy();
});

describe('the outage feed', () => {
  it('keeps only outage records, answers from memory, and drops a restoration 24 hours after it', async () => {
    const f = feed();
    await operations.bulkDocs(
      [
        start(1, T0 - 2 * HOUR),
        announce(2, T0 - 72 * HOUR, T0 + 5 * HOUR),
        aRecord('call', at(T0 - HOUR), { line: 'hotline', answered: true, rings: 3 }),
        aRecord('line-down', at(T0 - 3 * HOUR), { line: 'hotline', from: at(T0 - 3 * HOUR).toISOString(), to: at(T0 - 2 * HOUR).toISOString(), reason: '王师傅检修线路' }),
      ].map(toDoc),
    );
    await f.start();
    expect(f.ready).toBe(true);
    expect(f.size).toBe(2);
    expect(shown(f)).toEqual([
      [outageId(1), 'ongoing'],
      [outageId(2), 'announced'],
    ]);

    // restored at T0: shown as restored for a day, to the millisecond
    await operations.put(toDoc(restore(1, T0)));
    f.notify('operations');
    await f.drain();
    expect(shown(f)).toContainEqual([outageId(1), 'restored']);

    // the database is not read per request: a record written without notify() is not seen until the next drain
    await operations.put(toDoc(start(3, T0)));
    clock = T0 + 24 * HOUR;
    expect(shown(f)).toEqual([
      [outageId(2), 'announced'], // planned start passed without a recorded start, no end: shown for a day after its planned start
      [outageId(1), 'restored'],
    ]);
    clock = T0 + 24 * HOUR + 1;
    expect(shown(f).map(([id]) => id)).not.toContain(outageId(1));
    await f.drain();
    expect(shown(f).map(([id]) => id)).toEqual([outageId(3), outageId(2)]);
  });

  it('forgets settled outages, ignores their later records, and reads on from its checkpoint after a restart', async () => {
    const first = feed();
    await operations.bulkDocs([start(1, T0 - 30 * HOUR), restore(1, T0 - 25 * HOUR), start(2, T0 - HOUR), announce(3, T0 - 50 * HOUR, T0 + 48 * HOUR)].map(toDoc));
    await first.start();
    expect(first.size).toBe(2); // outage 1 was restored 25 h ago: forgotten
    expect(shown(first).map(([id]) => id)).toEqual([outageId(2), outageId(3)]);
    await first.stop();

    // a late second restoration of the forgotten outage, and a new announcement, while the feed is down
    await operations.bulkDocs([restore(1, T0 - 24 * HOUR), announce(4, T0, T0 + 60 * HOUR)].map(toDoc));
    const changesRead: unknown[] = [];
    const realChanges = operations.changes.bind(operations);
    operations.changes = (opts: { since: unknown }) => {
      changesRead.push(opts.since);
      return realChanges(opts);
    };
    const second = feed();
    await second.start();
    expect(changesRead[0]).not.toBe(0); // from the checkpoint, not from the start of the database
    expect(shown(second).map(([id]) => id)).toEqual([outageId(2), outageId(3), outageId(4)]);
    expect(second.size).toBe(3);
  });

  it('leaves out a malformed outage record', async () => {
    const f = feed();
    const bad = { ...toDoc(start(1, T0)), payload: { outage: outageId(1), planned: 'yes' } };
    await operations.bulkDocs([bad, toDoc(start(2, T0))]);
    await f.start();
    expect(shown(f)).toEqual([[outageId(2), 'ongoing']]);
  });
});
