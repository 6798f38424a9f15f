/**
 * A new staff device's working set (server/backend/workingSet.mjs, GET /db/_account/working-set)
 * against the REAL server: what it holds, who may read it, and a device (RxDB, memory storage)
 * that loads it before its full pull and pushes none of it back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { startSite, type Site } from '../../support/server';
import { admin, newResident, request, signIn } from '../../support/client';
import { aRequestHistory, anEvent, asCouchDoc } from '../../support/builders/events';
import { openDeviceDatabase } from '../../../src/db/device/database';
import { startReplication } from '../../../src/db/device/replication';
import { parseDatabaseName, stationDbName } from '../../../src/db/databaseNames';
import type { EventRecord } from '../../../src/db/schema/events/event';

const STATION = 'demo';
const DB = stationDbName(STATION);
const ADMIN_PASSWORD = 'working set admin 1';
const DISPATCHER = { name: 'dp-working', password: 'dispatcher pass 1' };

let dataDir: string;
let site: Site;
let cookie: string;
const HOUR = 60 * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** An open request (dispatched), one closed in 2025, one closed an hour ago. */
const open = aRequestHistory({ station: STATION, start: iso(Date.now() - 30 * 24 * HOUR), steps: ['accepted', 'dispatched'] });
const closedLongAgo = aRequestHistory({ station: STATION, start: '2025-11-20T08:00:00.000Z' });
const closedToday = aRequestHistory({ station: STATION, start: iso(Date.now() - 5 * HOUR), every: 30 * 60_000 });

async function write(events: EventRecord[]) {
  const res = await request(site.url, 'POST', `/db/${DB}/_bulk_docs`, { docs: events.map((e) => asCouchDoc(e)) }, { basic: { name: site.adminUser, password: ADMIN_PASSWORD } });
  expect(res.status, res.text).toBe(201);
  expect((res.json as { ok?: boolean }[]).every((r) => r.ok), res.text).toBe(true);
}

const workingSet = async (who: string | undefined) => {
  const res = await fetch(`${site.url}/db/_account/working-set`, { headers: who ? { cookie: who } : {} });
  return { status: res.status, json: (await res.json()) as { docs?: { _id: string; requestId: string }[]; requests?: number } };
};

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'hearthline-working-set-'));
  site = await startSite({ dataDir, env: { HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  const run = await admin(site, ['create-staff', '--name', DISPATCHER.name, '--role', 'dispatcher', '--station', STATION, '--password', DISPATCHER.password], {
    password: ADMIN_PASSWORD,
  });
  expect(run.code, run.stderr + run.stdout).toBe(0);
  cookie = (await signIn(site.url, DISPATCHER.name, DISPATCHER.password)).cookie!;
  await write([...open, ...closedLongAgo, ...closedToday]);
}, 120_000);

afterAll(async () => {
  await site?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe.sequential('the working set of a station', () => {
  it('holds every event of the open request and of the one closed today, nothing of the one closed long ago', async () => {
    const { status, json } = await workingSet(cookie);
    expect(status).toBe(200);
    const ids = new Set(json.docs!.map((d) => d._id));
    for (const e of [...open, ...closedToday]) expect(ids.has(e.id), e.id).toBe(true);
    for (const e of closedLongAgo) expect(ids.has(e.id), e.id).toBe(false);
  });

  it('follows new writes: an event for the request closed long ago brings its whole history back', async () => {
    const first = closedLongAgo[0]!;
    const { requestId, requestKind, resident, station } = first;
    const again = anEvent('callback', { requestId, requestKind, resident, station, at: iso(Date.now() - HOUR) } as never) as EventRecord;
    await write([again]);
    const { json } = await workingSet(cookie);
    const ids = new Set(json.docs!.map((d) => d._id));
    expect(ids.has(again.id)).toBe(true);
    for (const e of closedLongAgo) expect(ids.has(e.id), `${e.id} of the touched request`).toBe(true);
  });

  it('is refused without a session (401) and to a resident (403)', async () => {
    expect((await workingSet(undefined)).status).toBe(401);
    const resident = await newResident(site.url, { community: 'demo-garden' });
    expect((await workingSet(resident.cookie)).status).toBe(403);
  });

  it('a new device loads it before its full pull, then has everything, and pushes none of it back', async () => {
    const db = await openDeviceDatabase({ name: `working-set-${process.pid}`, storage: getRxStorageMemory(), multiInstance: false });
    const sync = startReplication({
      db,
      url: `${site.url}/db/${DB}/`,
      fetch: (input, init = {}) => fetch(input, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), cookie } }),
      user: { name: DISPATCHER.name, roles: ['dispatcher', `station:${STATION}`] },
      database: parseDatabaseName(DB),
      retryTime: 200,
      maxRetryTime: 1_000,
    });
    try {
      const loaded = await sync.workingSet;
      expect(loaded).toBeGreaterThanOrEqual(open.length + closedToday.length);
      const held = await db.events.findByIds([...open, ...closedToday].map((e) => e.id)).exec();
      expect(held.size).toBe(open.length + closedToday.length);
      await sync.awaitInSync();
      const all = await db.events.findByIds(closedLongAgo.map((e) => e.id)).exec();
      expect(all.size, 'the full pull brought the rest').toBe(closedLongAgo.length);
      expect(await db.outbox.count().exec(), 'nothing loaded waits to be sent').toBe(0);
      const revs = await request(site.url, 'POST', `/db/${DB}/_all_docs`, { keys: open.map((e) => e.id) }, { basic: { name: site.adminUser, password: ADMIN_PASSWORD } });
      expect((revs.json.rows as { value: { rev: string } }[]).every((r) => r.value.rev.startsWith('1-')), 'no event was written again').toBe(true);
    } finally {
      await sync.stop();
      await db.remove();
    }
  });
});

describe.sequential('the catch-up of a new device (catchUp.ts), page by page against the real server', () => {
  it('brings every event once in pages of 7 (a checkpoint every 14), keeps its checkpoint for the next start, and then follows live', async () => {
    const more = Array.from({ length: 6 }, (_, i) => aRequestHistory({ station: STATION, start: iso(Date.UTC(2025, 10, 1) + i * HOUR) })).flat();
    await write(more);
    const all = await request(site.url, 'GET', `/db/${DB}/_all_docs?include_docs=true`, undefined, { basic: { name: site.adminUser, password: ADMIN_PASSWORD } });
    const eventIds = (all.json.rows as { id: string; doc: { docType?: string } }[]).filter((r) => r.doc.docType === 'event').map((r) => r.id);
    expect(eventIds.length).toBeGreaterThan(40);
    const name = `catch-up-${process.pid}`;
    const db = await openDeviceDatabase({ name, storage: getRxStorageMemory(), multiInstance: false });
    const urls: string[] = [];
    const start = (workingSet?: false) =>
      startReplication({
        snapshotReaders: 0, // the changes page after page (the snapshot: the next test)
        db,
        url: `${site.url}/db/${DB}/`,
        fetch: (input, init = {}) => {
          urls.push(input);
          return fetch(input, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), cookie } });
        },
        user: { name: DISPATCHER.name, roles: ['dispatcher', `station:${STATION}`] },
        database: parseDatabaseName(DB),
        pullBatchSize: 7,
        catchUpChunk: 14,
        retryTime: 200,
        maxRetryTime: 1_000,
        ...(workingSet === false ? { workingSet } : {}),
      });
    let sync = start();
    try {
      await sync.awaitInSync();
      const held = await db.events.findByIds(eventIds).exec();
      expect(held.size, 'every event of the station').toBe(eventIds.length);
      expect(await db.events.count().exec(), 'and nothing else').toBe(eventIds.length);
      expect(await db.outbox.count().exec(), 'nothing pulled waits to be sent').toBe(0);
      const pages = urls.filter((u) => u.includes('_changes') && u.includes('feed=normal')).map((u) => new URL(u).searchParams.get('since'));
      expect(pages.length, 'read in pages').toBeGreaterThan(eventIds.length / 7);
      // At each checkpoint the next page was already being read, and RxDB's request for it took that read.
      expect(pages.length, 'no page read twice').toBe(new Set(pages).size);
      const revs = await request(site.url, 'POST', `/db/${DB}/_all_docs`, { keys: eventIds }, { basic: { name: site.adminUser, password: ADMIN_PASSWORD } });
      expect((revs.json.rows as { value: { rev: string } }[]).every((r) => r.value.rev.startsWith('1-')), 'no event was written again').toBe(true);
      await sync.stop();

      // The next start reads on from the checkpoint the catch-up handed RxDB, not from the beginning.
      urls.length = 0;
      sync = start(false);
      await sync.awaitInSync();
      const since = urls.filter((u) => u.includes('_changes') && u.includes('feed=normal')).map((u) => new URL(u).searchParams.get('since'));
      expect(since.length).toBeGreaterThan(0);
      expect(since[0], 'from its checkpoint').not.toBe('0');
      const late = aRequestHistory({ station: STATION, start: iso(Date.now() - HOUR), steps: [] });
      await write(late);
      await expect.poll(async () => (await db.events.findByIds(late.map((e) => e.id)).exec()).size, { timeout: 30_000, interval: 200 }).toBe(late.length);
    } finally {
      await sync.stop();
      await db.remove();
    }
  }, 120_000);

  it('a new device reads the station as it is now in ranges at once (snapshot.ts), then the changes from the sequence read before: every event once, events written during the load too', async () => {
    const more = Array.from({ length: 8 }, (_, i) => aRequestHistory({ station: STATION, start: iso(Date.UTC(2025, 9, 1) + i * 24 * HOUR) })).flat();
    await write(more);
    const name = `snapshot-${process.pid}`;
    const db = await openDeviceDatabase({ name, storage: getRxStorageMemory(), multiInstance: false });
    const urls: string[] = [];
    const during = aRequestHistory({ station: STATION, start: iso(Date.now() - 2 * HOUR), steps: [] });
    let wroteDuring: Promise<void> | null = null;
    const sync = startReplication({
      db,
      url: `${site.url}/db/${DB}/`,
      fetch: (input, init = {}) => {
        urls.push(input);
        // While the ranges are read, a resident's request arrives at the station.
        if (input.includes('_all_docs?include_docs') && !wroteDuring) wroteDuring = write(during);
        return fetch(input, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), cookie } });
      },
      user: { name: DISPATCHER.name, roles: ['dispatcher', `station:${STATION}`] },
      database: parseDatabaseName(DB),
      pullBatchSize: 7,
      catchUpChunk: 14,
      snapshotReaders: 3,
      snapshotMinRoundTripMs: 0, // loopback: read it whatever the round trip
      retryTime: 200,
      maxRetryTime: 1_000,
      workingSet: false,
    });
    try {
      await sync.awaitInSync();
      await wroteDuring;
      const all = await request(site.url, 'GET', `/db/${DB}/_all_docs?include_docs=true`, undefined, { basic: { name: site.adminUser, password: ADMIN_PASSWORD } });
      const eventIds = (all.json.rows as { id: string; doc: { docType?: string } }[]).filter((r) => r.doc.docType === 'event').map((r) => r.id);
      await expect.poll(async () => (await db.events.findByIds(eventIds).exec()).size, { timeout: 30_000, interval: 200 }).toBe(eventIds.length);
      expect(await db.events.count().exec(), 'and nothing else').toBe(eventIds.length);
      expect(await db.outbox.count().exec(), 'nothing pulled waits to be sent').toBe(0);
      const ranges = urls.filter((u) => u.includes('_all_docs?include_docs'));
      const starts = new Set(ranges.filter((u) => !u.includes('skip=')).map((u) => new URL(u).searchParams.get('startkey')));
      expect(starts.size, 'three ranges').toBe(3);
      expect(ranges.length, 'each read in pages').toBeGreaterThan(eventIds.length / 7);
      const changes = urls.filter((u) => u.includes('_changes') && u.includes('feed=normal')).map((u) => new URL(u).searchParams.get('since'));
      expect(changes.length, 'the changes: the first page, then from the snapshot on').toBeLessThan(6);
      const revs = await request(site.url, 'POST', `/db/${DB}/_all_docs`, { keys: eventIds }, { basic: { name: site.adminUser, password: ADMIN_PASSWORD } });
      expect((revs.json.rows as { value: { rev: string } }[]).every((r) => r.value.rev.startsWith('1-')), 'no event was written again').toBe(true);
    } finally {
      await sync.stop();
      await db.remove();
    }
  }, 120_000);
});
