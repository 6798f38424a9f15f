/**
 * The device's RxDB (memory storage, in Node) replicating with the REAL server (startSite),
 * through the resident's and a dispatcher's own sessions (AuthSession cookie on Node's fetch).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { firstValueFrom, filter, timeout } from 'rxjs';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { startSite, type Site } from '../../support/server';
import { admin, newResident, request, signIn, type Resident } from '../../support/client';
import { newRequestId } from '../../../src/db/schema/events/ids';
import { PEOPLE, aSubmittedRepair, anEvent } from '../../support/builders/events';
import { correctEvent, openDeviceDatabase, recordEvent, writeOperationsRecord, type DeviceDatabase } from '../../../src/db/device/database';
import { composeOperationsRecord } from '../../../src/db/device/compose';
import { ulid } from '../../../src/db/schema/events/ids';
import { startReplication, type DeviceReplication } from '../../../src/db/device/replication';
import { parseDatabaseName, stationDbName } from '../../../src/db/databaseNames';
import { couchRolesFor } from '../../../src/db/schema/roles';
import type { EventRecord } from '../../../src/db/schema/events/event';

const STATION = 'demo';
const ADMIN_PASSWORD = 'device test admin 1';
const DISPATCHER = { name: 'dp-device', password: 'dispatcher pass 1' };

let dataDir: string;
let site: Site;
/** Where the server is now: a restart gets a new port, the devices keep their URL. */
let base: string;
let firstBase: string;
let resident: Resident;
let dispatcherCookie: string;
const opened: { db: DeviceDatabase; sync: DeviceReplication }[] = [];
let n = 0;

const adminAuth = () => ({ basic: { name: site.adminUser, password: ADMIN_PASSWORD } });

/** Lets a test hold a request at a chosen moment (e.g. to kill the server between two batches). */
type Gate = (input: string, init: RequestInit) => Promise<void>;

function cookieFetch(cookie: string, gate?: Gate) {
  return async (input: string, init: RequestInit = {}) => {
    await gate?.(input, init);
    return fetch(input.replace(firstBase, base), {
      ...init,
      headers: { ...(init.headers as Record<string, string> | undefined), cookie },
      signal: init.signal ?? AbortSignal.timeout(70_000),
    });
  };
}

async function device(who: { name: string; cookie: string; db: string; roles: string[] }, batchSize = 100, gate?: Gate) {
  const db = await openDeviceDatabase({ name: `device-int-${process.pid}-${n++}`, storage: getRxStorageMemory(), multiInstance: false });
  const sync = startReplication({
    db,
    url: `${firstBase}/db/${who.db}/`,
    fetch: cookieFetch(who.cookie, gate),
    user: { name: who.name, roles: who.roles },
    database: parseDatabaseName(who.db),
    batchSize,
    retryTime: 200,
    maxRetryTime: 1_000,
  });
  opened.push({ db, sync });
  return { db, sync };
}

const residentDevice = (batchSize?: number) =>
  device({ name: resident.name, cookie: resident.cookie, db: resident.db, roles: ['resident'] }, batchSize);

async function serverDocs(db: string, ids: string[]) {
  const res = await request(base, 'POST', `/db/${db}/_all_docs`, { keys: ids }, adminAuth());
  expect(res.status, res.text).toBe(200);
  return res.json.rows as { key: string; value?: { rev: string }; error?: string }[];
}

/** Polls until every id is in the server database; returns their revisions. */
async function arrived(db: string, ids: string[], timeoutMs = 20_000): Promise<string[]> {
  const started = Date.now();
  for (;;) {
    const rows = await serverDocs(db, ids);
    if (rows.every((r) => r.value)) return rows.map((r) => r.value!.rev);
    if (Date.now() - started > timeoutMs) throw new Error(`${rows.filter((r) => !r.value).length} of ${ids.length} never reached ${db}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function localHas(db: DeviceDatabase, ids: string[], timeoutMs = 10_000) {
  await firstValueFrom(
    db.events.findByIds(ids).$.pipe(
      filter((m) => ids.every((id) => m.has(id))),
      timeout(timeoutMs),
    ),
  );
}

const now = () => new Date().toISOString();
const byResident = (overrides: Parameters<typeof aSubmittedRepair>[0] = {}) =>
  // each a request of its own (a second submission of one request id is refused: request-exists)
  aSubmittedRepair({ requestId: newRequestId(Date.now()), author: { name: resident.name, role: 'resident', device: 'phone-a' }, resident: resident.name, station: STATION, at: now(), ...overrides });

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'hearthline-device-'));
  site = await startSite({ dataDir, env: { HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  base = firstBase = site.url;
  resident = await newResident(base, { community: 'demo-garden' });
  const run = await admin(site, ['create-staff', '--name', DISPATCHER.name, '--role', 'dispatcher', '--station', STATION, '--password', DISPATCHER.password], {
    password: ADMIN_PASSWORD,
  });
  expect(run.code, run.stderr + run.stdout).toBe(0);
  // the builders' technician: a dispatch goes to one of the station's technicians
  const tech = await admin(site, ['create-staff', '--name', PEOPLE.technician.name, '--role', 'technician', '--station', STATION, '--password', 'technician pass 1'], {
    password: ADMIN_PASSWORD,
  });
  expect(tech.code, tech.stderr + tech.stdout).toBe(0);
  const session = await signIn(base, DISPATCHER.name, DISPATCHER.password);
  expect(session.status).toBe(200);
  dispatcherCookie = session.cookie!;
}, 120_000);

/** RxDB's open-source build allows 13 open collections per process: each test closes its devices. */
async function closeDevices() {
  for (const { db, sync } of opened.splice(0)) {
    await sync.stop().catch(() => undefined);
    await db.remove().catch(() => undefined);
  }
}
afterEach(closeDevices);

afterAll(async () => {
  await closeDevices();
  await site?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe.sequential('a device replicating with the real server', () => {
  let submitted: EventRecord[] = [];

  it('pushes 3 submitted events: each reaches the server and operations exactly once; the signal goes waiting → synced', async () => {
    const { db, sync } = await residentDevice();
    await sync.awaitInSync();
    submitted = [byResident(), byResident(), byResident()];
    for (const ev of submitted) expect((await recordEvent(db, ev, { database: parseDatabaseName(resident.db), user: { name: resident.name, roles: ['resident'] } })).ok).toBe(true);
    expect(sync.status.get().waiting).toBeGreaterThan(0);
    expect(sync.status.get().state).not.toBe('synced');
    await sync.awaitInSync();
    const ids = submitted.map((e) => e.id);
    expect((await arrived(resident.db, ids)).every((rev) => rev.startsWith('1-'))).toBe(true);
    expect((await arrived('operations', ids)).every((rev) => rev.startsWith('1-'))).toBe(true);
    await firstValueFrom(sync.status.status$.pipe(filter((s) => s.state === 'synced'), timeout(5_000)));
    expect(sync.status.get()).toMatchObject({ waiting: 0, rejected: 0, lastError: null });
    // the profile document is on the server but never on the device
    expect(await db.events.findOne('profile').exec()).toBeNull();
    // an acknowledgement lost (the app closed between RxDB's meta write and the outbox removal)
    // is found again by checking the waiting ids against the server
    await db.outbox.insert({ id: submitted[0]!.id, writtenAt: Date.now() });
    await firstValueFrom(sync.status.status$.pipe(filter((s) => s.waiting === 1), timeout(2_000)));
    await sync.reconcile();
    await firstValueFrom(sync.status.status$.pipe(filter((s) => s.waiting === 0 && s.state === 'synced'), timeout(2_000)));
  });

  it("a second device of the same resident pulls them (and not the profile)", async () => {
    const { db, sync } = await residentDevice();
    await sync.awaitInSync();
    await localHas(db, submitted.map((e) => e.id));
    expect(await db.events.count().exec()).toBe(3);
    expect(sync.status.get()).toMatchObject({ state: 'synced', waiting: 0 });
  });

  it("a dispatcher's event reaches the resident's device through the router; an internal note never does", async () => {
    const residentDb = await residentDevice();
    await residentDb.sync.awaitInSync();
    const staff = await device({ name: DISPATCHER.name, cookie: dispatcherCookie, db: stationDbName(STATION), roles: couchRolesFor({ role: 'dispatcher', station: STATION }) });
    await staff.sync.awaitInSync();
    await localHas(staff.db, submitted.map((e) => e.id)); // the router copied the submissions to the station
    const context = { database: parseDatabaseName(stationDbName(STATION)), user: { name: DISPATCHER.name, roles: couchRolesFor({ role: 'dispatcher', station: STATION }) } };
    const common = { requestId: submitted[0]!.requestId, resident: resident.name, station: STATION };
    const author = { name: DISPATCHER.name, role: 'dispatcher' as const, device: 'pc-device' };
    const note = anEvent('note', { ...common, author, at: now(), payload: { text: '住户情绪激动' } });
    const dispatched = anEvent('dispatched', { ...common, author, at: now(), payload: { visitAt: new Date(Date.now() + 3_600_000).toISOString() } });
    expect((await recordEvent(staff.db, note, context)).ok).toBe(true);
    expect((await recordEvent(staff.db, dispatched, context)).ok).toBe(true);
    await staff.sync.awaitInSync();
    await localHas(residentDb.db, [dispatched.id]);
    await arrived('operations', [note.id]);
    expect(await residentDb.db.events.findOne(note.id).exec()).toBeNull();
  });

  it('a refused event is held back with its reason while the rest of the batch arrives; a correction then arrives', async () => {
    const { db, sync } = await residentDevice();
    await sync.awaitInSync();
    const foreign = byResident({ author: { name: 'r-someone-else', role: 'resident', device: 'phone-a' } });
    const good = [byResident(), byResident()];
    await db.events.bulkInsert([good[0]!, foreign, good[1]!]); // written without recordEvent's check
    await sync.awaitInSync();
    await arrived(resident.db, good.map((e) => e.id));
    expect((await serverDocs(resident.db, [foreign.id]))[0]?.error).toBe('not_found');
    const rejection = (await db.outbox_rejections.findOne(foreign.id).exec())?.toJSON();
    expect(rejection).toMatchObject({ rule: 'author-is-user', source: 'device', requestId: foreign.requestId });
    expect(rejection?.reason).toMatch(/author must be the signed-in user/);
    expect(sync.status.get()).toMatchObject({ rejected: 1, waiting: 0 });

    const fixed = byResident({ requestId: foreign.requestId });
    const context = { database: parseDatabaseName(resident.db), user: { name: resident.name, roles: ['resident'] } };
    expect((await correctEvent(db, foreign.id, fixed, context)).ok).toBe(true);
    await sync.awaitInSync();
    await arrived(resident.db, [fixed.id]);
    expect(sync.status.get()).toMatchObject({ rejected: 0, waiting: 0, state: 'synced' });
  });

  it('a row the server refuses (an id that was deleted there) is recorded and does not block the others', async () => {
    const taken = byResident();
    const put = await request(base, 'PUT', `/db/${resident.db}/${taken.id}`, { ...taken, id: undefined, _id: taken.id }, adminAuth());
    expect(put.status, put.text).toBe(201);
    const del = await request(base, 'DELETE', `/db/${resident.db}/${taken.id}?rev=${put.json.rev}`, undefined, adminAuth());
    expect(del.status, del.text).toBe(200);

    const { db, sync } = await residentDevice();
    await sync.awaitInSync();
    const others = [byResident(), byResident()];
    await db.events.bulkInsert([others[0]!, taken, others[1]!]);
    await sync.awaitInSync();
    await arrived(resident.db, others.map((e) => e.id));
    const rejection = (await db.outbox_rejections.findOne(taken.id).exec())?.toJSON();
    expect(rejection).toMatchObject({ source: 'server', rule: 'never-changed' });
    expect(sync.status.get()).toMatchObject({ rejected: 1, waiting: 0 });
    expect(sync.status.get().state).not.toBe('error');
  });

  it('an event the server stored while its answer was lost (the page left mid-push) counts as delivered when sent again, never as refused', async () => {
    // The device's push is held at the door until the event is on the server: as when the
    // first push got there and the page navigated away before its answer came back.
    let stored: () => void = () => undefined;
    const onServer = new Promise<void>((resolve) => (stored = resolve));
    const gate: Gate = async (input) => {
      if (input.includes('/_bulk_docs')) await onServer;
    };
    const { db, sync } = await device({ name: resident.name, cookie: resident.cookie, db: resident.db, roles: ['resident'] }, 100, gate);
    await sync.awaitInSync();
    const delivered = byResident();
    const other = byResident();
    await db.events.bulkInsert([delivered, other]);
    const first = await request(base, 'PUT', `/db/${resident.db}/${delivered.id}`, { ...delivered, id: undefined, _id: delivered.id }, { cookie: resident.cookie });
    expect(first.status, first.text).toBe(201);
    stored();
    await arrived(resident.db, [other.id]);
    await sync.awaitInSync();
    expect(await db.outbox_rejections.findOne(delivered.id).exec()).toBeNull();
    expect(sync.status.get()).toMatchObject({ rejected: 0, waiting: 0 });
    expect((await serverDocs(resident.db, [delivered.id]))[0]?.value?.rev).toBe(first.json.rev); // stored once
  });

  it("operations records travel only between operations devices: written offline-first, pushed, pulled into `records` (never `events`); a refused one is held back", async () => {
    const manager = { name: 'mg-device', password: 'manager pass 1' };
    const made = await admin(site, ['create-staff', '--name', manager.name, '--role', 'manager', '--password', manager.password], { password: ADMIN_PASSWORD });
    expect(made.code, made.stderr + made.stdout).toBe(0);
    const cookie = (await signIn(base, manager.name, manager.password)).cookie!;
    const roles = couchRolesFor({ role: 'manager' });
    const first = await device({ name: manager.name, cookie, db: 'operations', roles });
    const context = { database: parseDatabaseName('operations'), user: { name: manager.name, roles } };
    const writer = { session: { name: manager.name, roles: ['manager' as const], profile: undefined }, deviceId: 'hall-pc-1' };
    const notice = composeOperationsRecord(
      writer,
      'outage-announced',
      { outage: `ou-${ulid(Date.now())}`, plannedStart: new Date(Date.now() + 72 * 3600_000).toISOString(), affectedCustomers: 120, area: '阳光花园 1-3 号楼' },
      { station: STATION },
    );
    const written = await writeOperationsRecord(first.db, notice, context, 'en');
    expect(written.ok, JSON.stringify(written)).toBe(true);
    // A household count of -1 is refused on the device, with the field named, and stored nowhere.
    const bad = composeOperationsRecord(writer, 'outage-announced', { ...(notice.payload as object), affectedCustomers: -1 }, { station: STATION });
    const refused = await writeOperationsRecord(first.db, bad, context, 'en');
    expect(refused).toMatchObject({ ok: false, rule: 'well-formed' });
    expect(refused.ok ? [] : refused.issues.map((i) => i.path)).toContain('payload.affectedCustomers');
    expect(await first.db.records.findOne(bad.id as string).exec()).toBeNull();
    // Written without the check (an older app version): the push holds it back with its reason.
    const foreign = composeOperationsRecord({ ...writer, session: { ...writer.session, name: 'mg-someone-else' } }, 'outage-restored', { outage: (notice.payload as { outage: string }).outage }, { station: STATION });
    await first.db.records.insert(foreign as never);
    expect(first.sync.records, 'an operations device replicates records').toBeDefined();
    await first.sync.awaitInSync();
    await arrived('operations', [notice.id as string]);
    expect((await serverDocs('operations', [foreign.id as string]))[0]?.error).toBe('not_found');
    expect((await first.db.outbox_rejections.findOne(foreign.id as string).exec())?.rule).toBe('author-is-user');
    expect(first.sync.status.get()).toMatchObject({ waiting: 0, rejected: 1 });

    const second = await device({ name: manager.name, cookie, db: 'operations', roles });
    await second.sync.awaitInSync();
    const pulled = await firstValueFrom(
      second.db.records.findByIds([notice.id as string]).$.pipe(filter((m) => m.size === 1), timeout(10_000)),
    );
    expect(pulled.get(notice.id as string)?.toJSON()).toMatchObject({ type: 'outage-announced', station: STATION, payload: { affectedCustomers: 120 } });
    // live: a record written on the first device after the second is in sync reaches it without a restart
    const restored = composeOperationsRecord(writer, 'outage-restored', { outage: (notice.payload as { outage: string }).outage }, { station: STATION });
    expect((await writeOperationsRecord(first.db, restored, context, 'en')).ok).toBe(true);
    const live = await firstValueFrom(
      second.db.records.findByIds([restored.id as string]).$.pipe(filter((m) => m.size === 1), timeout(20_000)),
    );
    expect(live.get(restored.id as string)?.type).toBe('outage-restored');
    expect(await second.db.events.findOne(notice.id as string).exec()).toBeNull();
    // the operations events came to `events` as before, and no event came to `records`
    expect(await second.db.events.count().exec()).toBeGreaterThan(0);
    expect((await second.db.records.find().exec()).every((r) => r.id.startsWith('rc-'))).toBe(true);
    // a station device never replicates records
    const staff = await device({ name: DISPATCHER.name, cookie: dispatcherCookie, db: stationDbName(STATION), roles: couchRolesFor({ role: 'dispatcher', station: STATION }) });
    await staff.sync.awaitInSync();
    expect(staff.sync.records).toBeUndefined();
    expect(await staff.db.records.count().exec()).toBe(0);
  });

  it('500 events pushed while the server is killed and restarted on the same data all arrive exactly once', async () => {
    const second = await newResident(base, { community: 'demo-garden' });
    // Push batches from the third on are held until the server has been killed, so the kill
    // always falls in the middle of the push, however fast the machine is.
    let pushes = 0;
    let atHeldBatch!: () => void;
    const aBatchIsHeld = new Promise<void>((resolve) => (atHeldBatch = resolve));
    let releaseHeldBatches!: () => void;
    const serverKilled = new Promise<void>((resolve) => (releaseHeldBatches = resolve));
    const gate: Gate = async (input, init) => {
      if (init.method === 'POST' && input.includes('/_bulk_docs') && ++pushes >= 3) {
        atHeldBatch();
        await serverKilled;
      }
    };
    const { db, sync } = await device({ name: second.name, cookie: second.cookie, db: second.db, roles: ['resident'] }, 50, gate);
    await sync.awaitInSync();
    const events = Array.from({ length: 500 }, (_, i) =>
      aSubmittedRepair({
        requestId: newRequestId(Date.now()),
        author: { name: second.name, role: 'resident', device: 'phone-b' },
        resident: second.name,
        station: STATION,
        at: new Date(Date.now() + i).toISOString(),
      }),
    );
    await db.events.bulkInsert(events);
    const ids = events.map((e) => e.id);
    await aBatchIsHeld;
    let storedAtKill = 0;
    while (storedAtKill === 0) {
      storedAtKill = (await serverDocs(second.db, ids)).filter((r) => r.value).length;
      await new Promise((r) => setTimeout(r, 20));
    }
    await site.kill();
    releaseHeldBatches();
    expect(storedAtKill).toBeGreaterThan(0);
    expect(storedAtKill).toBeLessThan(500); // killed in the middle of the push
    expect(await db.outbox.count().exec()).toBeGreaterThan(0);
    site = await startSite({ dataDir, env: { HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    base = site.url;
    await sync.awaitInSync();
    const revs = await arrived(second.db, ids, 30_000);
    expect(revs.every((rev) => rev.startsWith('1-'))).toBe(true);
    const all = await request(base, 'GET', `/db/${second.db}/_all_docs`, undefined, adminAuth());
    expect(all.json.rows.filter((r: { id: string }) => r.id.startsWith('ev-'))).toHaveLength(500);
    expect((await arrived('operations', ids, 30_000)).every((rev) => rev.startsWith('1-'))).toBe(true);
    await firstValueFrom(sync.status.status$.pipe(filter((s) => s.waiting === 0 && s.state === 'synced'), timeout(10_000)));
  });
});
