import { afterEach, describe, expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { openDeviceDatabase, recordRejection, type DeviceDatabase } from '../../../../src/db/device/database';
import { DEFAULT_PRUNE_WINDOW_DAYS, pruneClosedRequests } from '../../../../src/db/device/prune';
import { makePushModifier } from '../../../../src/db/device/replication';
import type { EventRecord } from '../../../../src/db/schema/events/event';
import { PEOPLE, RESIDENT, aRequestHistory, anEvent, couchUser, type Step } from '../../../support/builders/events';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.parse('2026-06-01T04:00:00.000Z');
const STATION_DB = { kind: 'station' as const, station: PEOPLE.dispatcher.station };
const EVERY = 30 * 60_000;

let db: DeviceDatabase | undefined;
let n = 0;
const open = async () => (db = await openDeviceDatabase({ name: `device-prune-${process.pid}-${n++}`, storage: getRxStorageMemory(), multiInstance: false }));

afterEach(async () => {
  await db?.remove();
  db = undefined;
});

/** A request whose last event is `daysAgo` days before NOW (a repair closed, by default). */
function requestEndedAgo(daysAgo: number, steps?: readonly Step[]): EventRecord[] {
  const count = (steps ?? ['accepted', 'dispatched', 'arrived', 'work-done', 'resolved', 'signed-off', 'closed']).length;
  const start = NOW - daysAgo * DAY - count * EVERY;
  return aRequestHistory({ start: new Date(start).toISOString(), every: EVERY, ...(steps ? { steps } : {}) });
}

/** Events pulled from the server (or sent and acknowledged): nothing waits in the outbox. */
async function stored(d: DeviceDatabase, ...requests: EventRecord[][]) {
  await d.events.bulkInsert(requests.flat());
  await d.outbox.find().remove();
}

async function ids(d: DeviceDatabase) {
  return (await d.events.find().exec()).map((e) => e.id).sort();
}

const idsOf = (...requests: EventRecord[][]) => requests.flat().map((e) => e.id).sort();

describe('pruneClosedRequests', () => {
  it('removes requests closed longer than 90 days ago, keeps one closed 89 days ago and open ones', async () => {
    const d = await open();
    const old = requestEndedAgo(91);
    const recent = requestEndedAgo(89);
    const openOld = requestEndedAgo(200, ['accepted', 'dispatched']);
    await stored(d, old, recent, openOld);
    expect(DEFAULT_PRUNE_WINDOW_DAYS).toBe(90);
    expect(await pruneClosedRequests(d, { database: STATION_DB, now: NOW })).toEqual({ requests: 1, events: old.length });
    expect(await ids(d)).toEqual(idsOf(recent, openOld));
    // the removals are not new writes: nothing waits for the server
    expect(await d.outbox.count().exec()).toBe(0);
    // and the tombstones are purged from the storage
    const left = await d.events.storageInstance.findDocumentsById(old.map((e) => e.id), true);
    expect(left).toEqual([]);
    // a second run finds nothing more
    expect(await pruneClosedRequests(d, { database: STATION_DB, now: NOW })).toEqual({ requests: 0, events: 0 });
  });

  it('measures from the last event: exactly 90 days is kept, a callback after closing restarts the window', async () => {
    const d = await open();
    const exactly = requestEndedAgo(90);
    const calledBack = requestEndedAgo(120);
    const callback = anEvent('callback', { requestId: calledBack[0]!.requestId, at: new Date(NOW - 10 * DAY).toISOString() });
    await stored(d, exactly, [...calledBack, callback]);
    expect(await pruneClosedRequests(d, { database: STATION_DB, now: NOW })).toEqual({ requests: 0, events: 0 });
    expect(await pruneClosedRequests(d, { database: STATION_DB, now: NOW + 1 })).toEqual({ requests: 1, events: exactly.length });
  });

  it('withdrawn requests are pruned too; reopened ones are not', async () => {
    const d = await open();
    const withdrawn = requestEndedAgo(100, ['withdrawn']);
    const reopened = requestEndedAgo(100, ['accepted', 'dispatched', 'arrived', 'work-done', 'resolved', 'signed-off', 'closed', 'reopened']);
    await stored(d, withdrawn, reopened);
    expect(await pruneClosedRequests(d, { database: STATION_DB, now: NOW })).toEqual({ requests: 1, events: withdrawn.length });
    expect(await ids(d)).toEqual(idsOf(reopened));
  });

  it('keeps a closed request while one of its events still waits in the outbox', async () => {
    const d = await open();
    const old = requestEndedAgo(120);
    await stored(d, old);
    const note = anEvent('note', { requestId: old[0]!.requestId, author: 'dispatcher', at: new Date(NOW - 100 * DAY).toISOString() });
    await d.events.insert(note); // written on this device, not yet acknowledged
    expect(await d.outbox.count().exec()).toBe(1);
    expect(await pruneClosedRequests(d, { database: STATION_DB, now: NOW })).toEqual({ requests: 0, events: 0 });
    expect(await ids(d)).toEqual(idsOf(old, [note]));
    await d.outbox.find().remove(); // acknowledged
    expect(await pruneClosedRequests(d, { database: STATION_DB, now: NOW })).toEqual({ requests: 1, events: old.length + 1 });
  });

  it('keeps a closed request with a refused event, even once corrected', async () => {
    const d = await open();
    const refused = requestEndedAgo(120);
    const corrected = requestEndedAgo(120);
    await stored(d, refused, corrected);
    await recordRejection(d, { eventId: refused[3]!.id, requestId: refused[3]!.requestId, rule: 'may-emit', reason: 'x', source: 'server', at: 1 });
    await recordRejection(d, { eventId: corrected[2]!.id, requestId: corrected[2]!.requestId, rule: 'may-emit', reason: 'x', source: 'device', at: 1 });
    await (await d.outbox_rejections.findOne(corrected[2]!.id).exec())!.incrementalPatch({ supersededBy: 'ev-someone' });
    expect(await pruneClosedRequests(d, { database: STATION_DB, now: NOW })).toEqual({ requests: 0, events: 0 });
    expect(await ids(d)).toEqual(idsOf(refused, corrected));
  });

  it('takes a window: 30 days prunes what 90 keeps', async () => {
    const d = await open();
    const month = requestEndedAgo(31);
    const week = requestEndedAgo(7);
    await stored(d, month, week);
    expect(await pruneClosedRequests(d, { database: STATION_DB, now: NOW })).toEqual({ requests: 0, events: 0 });
    expect(await pruneClosedRequests(d, { database: STATION_DB, now: NOW, windowDays: 30 })).toEqual({ requests: 1, events: month.length });
    expect(await pruneClosedRequests(d, { database: STATION_DB, now: new Date(NOW), windowDays: 0 })).toEqual({ requests: 1, events: week.length });
    expect(await d.events.count().exec()).toBe(0);
    await expect(pruneClosedRequests(d, { database: STATION_DB, now: NOW, windowDays: -1 })).rejects.toThrow(RangeError);
  });

  it('runs on staff devices only (station, operations), never on a resident device', async () => {
    const d = await open();
    const old = requestEndedAgo(120);
    await stored(d, old);
    await expect(pruneClosedRequests(d, { database: { kind: 'resident', owner: RESIDENT }, now: NOW })).rejects.toThrow(TypeError);
    expect(await d.events.count().exec()).toBe(old.length);
    expect(await pruneClosedRequests(d, { database: { kind: 'operations' }, now: NOW })).toEqual({ requests: 1, events: old.length });
  });
});

describe('a removal never reaches the server', () => {
  it('the push modifier holds a tombstone back without recording a rejection', async () => {
    const d = await open();
    const modifier = makePushModifier({ db: d, database: STATION_DB, user: couchUser('dispatcher') });
    const [submitted] = requestEndedAgo(120);
    expect(await modifier({ ...submitted!, _deleted: true })).toBeNull();
    expect(await d.outbox_rejections.count().exec()).toBe(0);
  });
});
