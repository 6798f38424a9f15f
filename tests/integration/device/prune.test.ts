/**
 * Pruning a staff device with the REAL server: old closed requests leave the device, never
 * the server; the removals are never pushed and never come back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { firstValueFrom, filter, timeout } from 'rxjs';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { startSite, type Site } from '../../support/server';
import { admin, newResident, request, signIn, type Resident } from '../../support/client';
import { aRequestHistory, anEvent, asCouchDoc } from '../../support/builders/events';
import { openDeviceDatabase, recordEvent, type DeviceDatabase } from '../../../src/db/device/database';
import { startReplication, type DeviceReplication } from '../../../src/db/device/replication';
import { pruneClosedRequests } from '../../../src/db/device/prune';
import { parseDatabaseName, stationDbName } from '../../../src/db/databaseNames';
import { couchRolesFor } from '../../../src/db/schema/roles';

const STATION = 'demo';
const STATION_DB = stationDbName(STATION);
const ADMIN_PASSWORD = 'prune test admin 1';
const DISPATCHER = { name: 'dp-prune', password: 'dispatcher pass 1' };
const ROLES = couchRolesFor({ role: 'dispatcher', station: STATION });
const DAY = 24 * 60 * 60 * 1000;

let dataDir: string;
let site: Site;
let resident: Resident;
let cookie: string;
const opened: { db: DeviceDatabase; sync: DeviceReplication }[] = [];

const adminAuth = () => ({ basic: { name: site.adminUser, password: ADMIN_PASSWORD } });

function staffDevice(db: DeviceDatabase) {
  const sync = startReplication({
    db,
    url: `${site.url}/db/${STATION_DB}/`,
    fetch: (input, init = {}) =>
      fetch(input, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), cookie }, signal: init.signal ?? AbortSignal.timeout(70_000) }),
    user: { name: DISPATCHER.name, roles: ROLES },
    database: parseDatabaseName(STATION_DB),
    retryTime: 200,
    maxRetryTime: 1_000,
  });
  opened.push({ db, sync });
  return sync;
}

async function serverRows(ids: string[]) {
  const res = await request(site.url, 'POST', `/db/${STATION_DB}/_all_docs`, { keys: ids }, adminAuth());
  expect(res.status, res.text).toBe(200);
  return res.json.rows as { key: string; value?: { rev: string; deleted?: boolean }; error?: string }[];
}

async function localHas(db: DeviceDatabase, ids: string[], timeoutMs = 20_000) {
  await firstValueFrom(db.events.findByIds(ids).$.pipe(filter((m) => ids.every((id) => m.has(id))), timeout(timeoutMs)));
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'hearthline-prune-'));
  site = await startSite({ dataDir, env: { HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  resident = await newResident(site.url, { community: 'demo-garden' });
  const run = await admin(site, ['create-staff', '--name', DISPATCHER.name, '--role', 'dispatcher', '--station', STATION, '--password', DISPATCHER.password], {
    password: ADMIN_PASSWORD,
  });
  expect(run.code, run.stderr + run.stdout).toBe(0);
  const session = await signIn(site.url, DISPATCHER.name, DISPATCHER.password);
  expect(session.status).toBe(200);
  cookie = session.cookie!;
}, 120_000);

afterAll(async () => {
  for (const { db, sync } of opened.splice(0)) {
    await sync.stop().catch(() => undefined);
    await db.remove().catch(() => undefined);
  }
  await site?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('pruning a staff device', () => {
  it('drops an old closed request from the device only: the server keeps every event, nothing is refused, nothing comes back', async () => {
    const now = Date.now();
    const common = { resident: resident.name, station: STATION };
    const closed = aRequestHistory({ ...common, start: new Date(now - 200 * DAY).toISOString() });
    const open = aRequestHistory({ ...common, start: new Date(now - 200 * DAY).toISOString(), steps: ['accepted'] });
    // History from before this device existed: on the server already (written as server admin).
    const put = await request(site.url, 'POST', `/db/${STATION_DB}/_bulk_docs`, { docs: [...closed, ...open].map((e) => asCouchDoc(e)) }, adminAuth());
    expect(put.status, put.text).toBe(201);

    const db = await openDeviceDatabase({ name: `device-prune-int-${process.pid}`, storage: getRxStorageMemory(), multiInstance: false });
    let sync = staffDevice(db);
    await sync.awaitInSync();
    const closedIds = closed.map((e) => e.id);
    await localHas(db, [...closedIds, ...open.map((e) => e.id)]);

    expect(await pruneClosedRequests(db, { database: parseDatabaseName(STATION_DB), now })).toEqual({ requests: 1, events: closed.length });
    expect(await db.events.findByIds(closedIds).exec()).toHaveProperty('size', 0);
    await sync.awaitInSync();

    // the server still has every event, first revision, not deleted
    const rows = await serverRows(closedIds);
    expect(rows.map((r) => [r.key, r.value?.rev.startsWith('1-'), r.value?.deleted ?? false])).toEqual(closedIds.map((id) => [id, true, false]));
    // no rejection: the tombstones were never pushed
    expect(await db.outbox_rejections.count().exec()).toBe(0);
    expect(sync.status.get()).toMatchObject({ rejected: 0, waiting: 0, lastError: null });

    // new activity on the station: the device pulls it, and the pruned events stay away
    const note = anEvent('note', {
      ...common,
      requestId: open[0]!.requestId,
      author: { name: DISPATCHER.name, role: 'dispatcher', device: 'pc-prune' },
      at: new Date().toISOString(),
      payload: { text: '已电话联系住户' },
    });
    expect((await recordEvent(db, note, { database: parseDatabaseName(STATION_DB), user: { name: DISPATCHER.name, roles: ROLES } })).ok).toBe(true);
    await sync.awaitInSync();
    expect((await serverRows([note.id]))[0]?.value?.rev).toMatch(/^1-/);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await db.events.findByIds(closedIds).exec()).toHaveProperty('size', 0);

    // nor after the replication starts again (the app reopened)
    await sync.stop();
    sync = staffDevice(db);
    await sync.awaitInSync();
    await new Promise((r) => setTimeout(r, 500));
    expect(await db.events.findByIds(closedIds).exec()).toHaveProperty('size', 0);
    expect(await db.events.count().exec()).toBe(open.length + 1);
    expect(sync.status.get()).toMatchObject({ rejected: 0, waiting: 0 });
    expect((await serverRows(closedIds)).every((r) => r.value?.rev.startsWith('1-') && !r.value.deleted)).toBe(true);
  });
});

