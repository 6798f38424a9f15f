/**
 * Issue 17, findings 2 and 3 (Build 2): writes tied to their owners. Attacks through the real
 * server (embedded backend, router in the process):
 * - a station-2 technician writes a `late-notice` and a `resolved` naming station-1 resident A's
 *   request into station-2's database: refused, never stored, never delivered to A;
 * - the same for a request id nobody submitted, and for an account nobody has registered yet
 *   (nothing parked and delivered when it signs up);
 * - resident B writes `withdrawn` carrying A's request id into B's own database: refused, and
 *   A's request stays open at the station;
 * - an event slipped straight into a database (as the admin: what a client reaching CouchDB
 *   directly could do) naming A's request from another station is never copied into A's database.
 * The honest flows (A's submission, the station's dispatch reaching A) still pass.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type Site } from '../../support/server';
import { admin, newAccountNumber, newResident, request, signIn, type Resident } from '../../support/client';
import { PEOPLE, aSubmittedRepair, anEvent, asCouchDoc } from '../../support/builders/events';
import { residentDbName, stationDbName } from '../../../src/db/databaseNames';
import { newRequestId } from '../../../src/db/schema/events/ids';

const STATION_1 = 'demo'; // seeded on first start, serves demo-garden
const STATION_2 = 'north-two';
const DISPATCHER_1 = { name: 'own-dp1', password: 'dispatcher pass 1' };
const TECHNICIAN_2 = { name: 'own-tech2', password: 'technician pass 2' };

let site: Site;
let residentA: Resident;
let residentB: Resident;
let dispatcher1: string;
let technician2: string;
let adminAuth: { basic: { name: string; password: string } };
let requestA: ReturnType<typeof aSubmittedRepair>;

const now = () => new Date().toISOString();

async function get(db: string, id: string) {
  return request(site.url, 'GET', `/db/${db}/${encodeURIComponent(id)}`, undefined, adminAuth);
}

async function arrival(db: string, id: string, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    if ((await get(db, id)).status === 200) return;
    if (Date.now() - started > timeoutMs) throw new Error(`${id} did not reach ${db}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Lets the router run (its sweep is 5 s; a write notifies it at once) and settle. */
async function routerSettles(): Promise<void> {
  await new Promise((r) => setTimeout(r, 1_500));
}

beforeAll(async () => {
  site = await startSite();
  adminAuth = { basic: { name: site.adminUser, password: site.adminPassword! } };
  for (const args of [
    ['create-station', '--id', STATION_2, '--name', '北二供热所', '--communities', 'north-two-garden'],
    ['create-staff', '--name', DISPATCHER_1.name, '--role', 'dispatcher', '--station', STATION_1, '--password', DISPATCHER_1.password],
    // the builders' technician: a dispatch goes to one of the station's technicians
    ['create-staff', '--name', PEOPLE.technician.name, '--role', 'technician', '--station', STATION_1, '--password', 'technician pass 1'],
    ['create-staff', '--name', TECHNICIAN_2.name, '--role', 'technician', '--station', STATION_2, '--password', TECHNICIAN_2.password],
  ]) {
    const run = await admin(site, args);
    expect(run.code, run.stderr + run.stdout).toBe(0);
  }
  residentA = await newResident(site.url, { community: 'demo-garden' });
  residentB = await newResident(site.url, { community: 'demo-garden' });
  dispatcher1 = (await signIn(site.url, DISPATCHER_1.name, DISPATCHER_1.password)).cookie!;
  technician2 = (await signIn(site.url, TECHNICIAN_2.name, TECHNICIAN_2.password)).cookie!;

  requestA = aSubmittedRepair({ author: { name: residentA.name, role: 'resident', device: 'phone-a' }, resident: residentA.name, station: STATION_1, at: now() });
  const put = await request(site.url, 'PUT', `/db/${residentA.db}/${requestA.id}`, asCouchDoc(requestA), { cookie: residentA.cookie });
  expect(put.status, put.text).toBe(201);
  await arrival(stationDbName(STATION_1), requestA.id);
  await arrival('operations', requestA.id);
}, 180_000);

afterAll(async () => {
  await site?.stop();
});

describe('finding 2: staff write only about requests of their station', () => {
  it("a station-2 technician's late-notice and resolved about station-1 resident A's request are refused and never reach A", async () => {
    const technician = { name: TECHNICIAN_2.name, role: 'technician' as const, device: 'tablet-2' };
    const forged = [
      anEvent('late-notice', {
        requestId: requestA.requestId,
        resident: residentA.name,
        station: STATION_2,
        author: technician,
        at: now(),
        payload: { newVisitAt: new Date(Date.now() + 3_600_000).toISOString(), reason: '维修需预付200元，请转账至6222…' },
      }),
      anEvent('resolved', { requestId: requestA.requestId, resident: residentA.name, station: STATION_2, author: technician, at: now() }),
    ].map((e) => asCouchDoc(e));
    const res = await request(site.url, 'POST', `/db/${stationDbName(STATION_2)}/_bulk_docs`, { docs: forged }, { cookie: technician2 });
    expect(res.status, res.text).toBe(201);
    for (const row of res.json) {
      expect(row.error, JSON.stringify(row)).toBe('forbidden');
      expect(row.rule).toBe('request-unknown');
    }
    await routerSettles();
    for (const doc of forged) {
      expect((await get(stationDbName(STATION_2), doc._id)).status).toBe(404);
      expect((await get(residentA.db, doc._id)).status).toBe(404);
      expect((await get('operations', doc._id)).status).toBe(404);
    }
    const own = await request(site.url, 'GET', `/db/${residentA.db}/_all_docs?include_docs=true`, undefined, { cookie: residentA.cookie });
    expect(own.text).not.toContain('预付200元');
  });

  it('a follow-up of a request id nobody submitted is refused', async () => {
    const made = asCouchDoc(
      anEvent('resolved', {
        requestId: newRequestId(Date.now()),
        resident: residentA.name,
        station: STATION_2,
        author: { name: TECHNICIAN_2.name, role: 'technician', device: 'tablet-2' },
        at: now(),
      }),
    );
    const res = await request(site.url, 'PUT', `/db/${stationDbName(STATION_2)}/${made._id}`, made, { cookie: technician2 });
    expect(res.status, res.text).toBe(403);
    expect(res.json.rule).toBe('request-unknown');
  });

  it('an event for an account nobody has registered is refused, nothing is parked, and the account gets nothing when it signs up', async () => {
    const accountNumber = newAccountNumber();
    const ghost = `r-${accountNumber}`;
    const made = asCouchDoc(
      anEvent('late-notice', {
        requestId: newRequestId(Date.now()),
        resident: ghost,
        station: STATION_2,
        author: { name: TECHNICIAN_2.name, role: 'technician', device: 'tablet-2' },
        at: now(),
        payload: { newVisitAt: new Date(Date.now() + 3_600_000).toISOString(), reason: '请先转账' },
      }),
    );
    const res = await request(site.url, 'PUT', `/db/${stationDbName(STATION_2)}/${made._id}`, made, { cookie: technician2 });
    expect(res.status, res.text).toBe(403);
    await routerSettles();
    const parked = await request(site.url, 'GET', `/db/router-state/_all_docs?startkey="parked:"&endkey="parked:\ufff0"`, undefined, adminAuth);
    expect(parked.status).toBe(200);
    expect(parked.text).not.toContain(made._id);

    const ghostResident = await newResident(site.url, { community: 'north-two-garden', accountNumber });
    expect(ghostResident.db).toBe(residentDbName(ghost));
    await routerSettles();
    const own = await request(site.url, 'GET', `/db/${ghostResident.db}/_all_docs`, undefined, { cookie: ghostResident.cookie });
    expect(own.json.rows.map((r: { id: string }) => r.id)).not.toContain(made._id);
  });

  it("an event slipped into station-2's database behind the guard (as a direct CouchDB client could) is never copied into A's database", async () => {
    const slipped = asCouchDoc(
      anEvent('resolved', {
        requestId: requestA.requestId,
        resident: residentA.name,
        station: STATION_2,
        author: { name: TECHNICIAN_2.name, role: 'technician', device: 'tablet-2' },
        at: now(),
        payload: { summary: '已修复，请付费' },
      }),
    );
    const put = await request(site.url, 'PUT', `/db/${stationDbName(STATION_2)}/${slipped._id}`, slipped, adminAuth);
    expect(put.status, put.text).toBe(201);
    // An admin's write wakes no router: its 5-second sweep finds it.
    await new Promise((r) => setTimeout(r, 6_500));
    expect((await get(residentA.db, slipped._id)).status).toBe(404);
    expect((await get('operations', slipped._id)).status).toBe(404);
    expect((await get(stationDbName(STATION_1), slipped._id)).status).toBe(404);
  });

  it("station-1's own dispatch of A's request still reaches A", async () => {
    const dispatched = asCouchDoc(
      anEvent('dispatched', {
        requestId: requestA.requestId,
        resident: residentA.name,
        station: STATION_1,
        author: { name: DISPATCHER_1.name, role: 'dispatcher', device: 'pc-1' },
        at: now(),
        payload: { visitAt: new Date(Date.now() + 7_200_000).toISOString() },
      }),
    );
    const put = await request(site.url, 'PUT', `/db/${stationDbName(STATION_1)}/${dispatched._id}`, dispatched, { cookie: dispatcher1 });
    expect(put.status, put.text).toBe(201);
    await arrival(residentA.db, dispatched._id);
  });

  it('a station-1 dispatcher cannot name another resident on A\'s request', async () => {
    const wrong = asCouchDoc(
      anEvent('reply', {
        requestId: requestA.requestId,
        resident: residentB.name,
        station: STATION_1,
        author: { name: DISPATCHER_1.name, role: 'dispatcher', device: 'pc-1' },
        at: now(),
      }),
    );
    const put = await request(site.url, 'PUT', `/db/${stationDbName(STATION_1)}/${wrong._id}`, wrong, { cookie: dispatcher1 });
    expect(put.status, put.text).toBe(403);
    expect(put.json.rule).toBe('request-owner');
  });
});

describe("finding 3: a resident writes only about their own requests", () => {
  it("resident B's withdrawn carrying A's request id is refused, and A's request is not withdrawn at the station", async () => {
    const withdrawn = asCouchDoc(
      anEvent('withdrawn', {
        requestId: requestA.requestId,
        resident: residentB.name,
        station: STATION_1,
        author: { name: residentB.name, role: 'resident', device: 'phone-b' },
        at: now(),
      }),
    );
    const put = await request(site.url, 'PUT', `/db/${residentB.db}/${withdrawn._id}`, withdrawn, { cookie: residentB.cookie });
    expect(put.status, put.text).toBe(403);
    expect(put.json.rule).toBe('request-unknown');
    await routerSettles();
    expect((await get(residentB.db, withdrawn._id)).status).toBe(404);
    expect((await get(stationDbName(STATION_1), withdrawn._id)).status).toBe(404);
    expect((await get('operations', withdrawn._id)).status).toBe(404);
  });

  it("resident B cannot hijack A's request id with a submission of their own", async () => {
    const hijack = asCouchDoc(
      aSubmittedRepair({
        requestId: requestA.requestId,
        author: { name: residentB.name, role: 'resident', device: 'phone-b' },
        resident: residentB.name,
        station: STATION_1,
        at: new Date(Date.parse(requestA.at) - 60_000).toISOString(),
      }),
    );
    const put = await request(site.url, 'PUT', `/db/${residentB.db}/${hijack._id}`, hijack, { cookie: residentB.cookie });
    // B's own database does not know A's request, so the guard cannot tell; the router must not
    // copy a second submission of the same request into the station or operations.
    if (put.status === 201) await routerSettles();
    else expect(put.json.rule).toBe('request-exists');
    expect((await get(stationDbName(STATION_1), hijack._id)).status).toBe(404);
    expect((await get('operations', hijack._id)).status).toBe(404);
  });

  it("A's own withdrawal is accepted and reaches the station", async () => {
    const withdrawn = asCouchDoc(
      anEvent('withdrawn', {
        requestId: requestA.requestId,
        resident: residentA.name,
        station: STATION_1,
        author: { name: residentA.name, role: 'resident', device: 'phone-a' },
        at: now(),
      }),
    );
    const put = await request(site.url, 'PUT', `/db/${residentA.db}/${withdrawn._id}`, withdrawn, { cookie: residentA.cookie });
    expect(put.status, put.text).toBe(201);
    await arrival(stationDbName(STATION_1), withdrawn._id);
  });
});
