import { afterEach, describe, expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { openDeviceDatabase, type DeviceDatabase } from '../../../../src/db/device/database';
import { firstValueFrom, filter, timeout } from 'rxjs';
import { isEventRow, isRefusal, keepEventRows, makePushModifier, pullModifier, startReplication, type DeviceReplication } from '../../../../src/db/device/replication';
import { RESIDENT, aSubmittedRepair, asCouchDoc, couchUser } from '../../../support/builders/events';

let db: DeviceDatabase | undefined;
let n = 0;
afterEach(async () => {
  await db?.remove();
  db = undefined;
});

describe('pull: only events reach the device', () => {
  const ev = asCouchDoc(aSubmittedRepair(), { _rev: '1-abc' });
  const rows = [
    { id: 'profile', seq: '1', changes: [], doc: { _id: 'profile', _rev: '1-a', docType: 'profile', accountNumber: '12345678' } },
    { id: '_design/x', seq: '2', changes: [], doc: { _id: '_design/x', _rev: '1-b', views: {} } },
    { id: 'station:demo', seq: '3', changes: [], doc: { _id: 'station:demo', _rev: '1-c', docType: 'station' } },
    { id: ev._id, seq: '4', changes: [], doc: ev },
    { id: 'ev-gone', seq: '5', changes: [], deleted: true, doc: { _id: 'ev-gone', _rev: '2-d', _deleted: true } },
    { id: 'nodoc', seq: '6', changes: [] },
  ];

  it('drops profiles, station documents, design documents and deletions and keeps last_seq', () => {
    expect(rows.map(isEventRow)).toEqual([false, false, false, true, false, false]);
    const kept = keepEventRows({ results: rows, last_seq: '6-xyz', pending: 0 });
    expect(kept.results.map((r) => r.id)).toEqual([ev._id]);
    expect(kept.last_seq).toBe('6-xyz');
  });

  it('the pull modifier gives the device shape', () => {
    const { _id, _rev, ...rest } = ev;
    expect(pullModifier({ id: _id, ...rest, _deleted: false })).toEqual({ id: _id, ...rest, _deleted: false });
    expect(pullModifier(ev as unknown as Record<string, unknown>)).toEqual({ id: _id, ...rest, _deleted: false });
    // the server's receipt time stays on the server, in either shape (RxDB hands the modifier `id`)
    const receivedAt = '2025-12-01T00:00:01.000Z';
    expect(pullModifier({ id: _id, ...rest, receivedAt, _deleted: false })).toEqual({ id: _id, ...rest, _deleted: false });
    expect(pullModifier({ ...ev, receivedAt } as unknown as Record<string, unknown>)).toEqual({ id: _id, ...rest, _deleted: false });
  });
});

describe('push: the server check on the device', () => {
  const context = { database: { kind: 'resident' as const, owner: RESIDENT }, user: couchUser('resident') };

  it('passes a valid event, holds back and records a refused one, and holds back what was refused before', async () => {
    db = await openDeviceDatabase({ name: `device-push-${process.pid}-${n++}`, storage: getRxStorageMemory(), multiInstance: false });
    const modifier = makePushModifier({ db, ...context });
    const good = { ...aSubmittedRepair(), _deleted: false as const };
    expect(await modifier(good)).toBe(good);

    const foreign = { ...aSubmittedRepair({ author: 'otherResident' }), _deleted: false as const };
    await db.events.insert(foreign);
    expect(await db.outbox.count().exec()).toBe(1);
    expect(await modifier(foreign)).toBeNull();
    const rejection = (await db.outbox_rejections.findOne(foreign.id).exec())?.toJSON();
    expect(rejection).toMatchObject({ eventId: foreign.id, requestId: foreign.requestId, rule: 'author-is-user', source: 'device' });
    expect(rejection?.reason).toMatch(/author must be the signed-in user/);
    expect(await db.outbox.count().exec()).toBe(0);

    await db.outbox_rejections.insert({ eventId: good.id, requestId: good.requestId, rule: 'x', reason: 'y', source: 'server', at: 1 });
    expect(await modifier(good)).toBeNull();
  });
});

describe('the replication feeds the sync signal', () => {
  const context = { database: { kind: 'resident' as const, owner: RESIDENT }, user: couchUser('resident') };
  const url = 'http://device.test/db/resident-72/';

  async function run(fakeFetch: (input: string, init?: RequestInit) => Promise<Response>, until: (s: ReturnType<DeviceReplication['status']['get']>) => boolean) {
    db = await openDeviceDatabase({ name: `device-sig-${process.pid}-${n++}`, storage: getRxStorageMemory(), multiInstance: false });
    const sync = startReplication({ db, url, fetch: fakeFetch, ...context, retryTime: 20, maxRetryTime: 50 });
    try {
      await db.events.insert(aSubmittedRepair());
      return await firstValueFrom(sync.status.status$.pipe(filter(until), timeout(5_000)));
    } finally {
      await sync.stop();
    }
  }

  it('no network: offline, and the written event waits', async () => {
    const s = await run(() => Promise.reject(new TypeError('fetch failed')), (s) => s.state === 'offline' && s.waiting === 1);
    expect(s.lastError?.id).toBe('sync.error.network');
  });

  it('a 401 (the session ended): signed-out', async () => {
    const s = await run(
      () => Promise.resolve(new Response(JSON.stringify({ error: 'unauthorized' }), { status: 401 })),
      (s) => s.state === 'signed-out',
    );
    expect(s.lastError?.id).toBe('sync.error.session');
    expect(s.waiting).toBe(1);
  });

  it('only forbidden and unauthorized rows are refusals; an internal error is retried', () => {
    expect(isRefusal({ id: 'a', error: 'forbidden', reason: 'x' })).toBe(true);
    expect(isRefusal({ id: 'a', error: 'unauthorized' })).toBe(true);
    expect(isRefusal({ id: 'a', error: 'conflict' })).toBe(false);
    expect(isRefusal({ id: 'a', error: 'internal_error' })).toBe(false);
    expect(isRefusal({ id: 'a', ok: true })).toBe(false);
  });
});
