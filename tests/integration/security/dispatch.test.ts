/**
 * A dispatch as the server holds it (issue 16 item 3), through the real server process: a
 * station's dispatcher writing straight to /db (as a tampered or stale device would) cannot send
 * an order to a login that is not one of the station's technicians ("nosuchtech", a technician of
 * another station, a dispatcher), nor for a visit before the order was written; the station's
 * own technician at a time ahead is stored and reaches the resident. The admin CLI records the
 * communities a technician covers (only their station's), and the staff directory lists them.
 * A technician reads the phone of their own visit only (POST /db/_account/visits/phone), and
 * every view, given or refused, is in the access log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type Site } from '../../support/server';
import { admin, newResident, request, signIn, type Resident } from '../../support/client';
import { aSubmittedRepair, anEvent, asCouchDoc } from '../../support/builders/events';
import { stationDbName } from '../../../src/db/databaseNames';

const STATION = 'demo';
const suffix = Date.now().toString(36);
const DISPATCHER = { name: `dpx-${suffix}`, password: 'dispatcher pass 1' };
const TECHNICIAN = { name: `tcx-${suffix}`, password: 'technician pass 1' };
const ELSEWHERE = { name: `tcy-${suffix}`, password: 'technician pass 2' };

let site: Site;
let resident: Resident;
let cookie: string;
let submitted: ReturnType<typeof aSubmittedRepair>;

beforeAll(async () => {
  site = await startSite();
  resident = await newResident(site.url, { community: 'demo-garden' });
  for (const args of [
    ['create-station', '--id', `far-${suffix}`, '--name', 'Far station', '--communities', `far-garden-${suffix}`],
    ['create-staff', '--name', DISPATCHER.name, '--role', 'dispatcher', '--station', STATION, '--password', DISPATCHER.password],
    ['create-staff', '--name', TECHNICIAN.name, '--role', 'technician', '--station', STATION, '--password', TECHNICIAN.password, '--display-name', '陈师傅', '--communities', 'demo-garden'],
    ['create-staff', '--name', ELSEWHERE.name, '--role', 'technician', '--station', `far-${suffix}`, '--password', ELSEWHERE.password],
  ]) {
    const run = await admin(site, args);
    expect(run.code, run.stderr + run.stdout).toBe(0);
  }
  cookie = (await signIn(site.url, DISPATCHER.name, DISPATCHER.password)).cookie!;
  submitted = aSubmittedRepair({ author: { name: resident.name, role: 'resident', device: 'phone-x' }, resident: resident.name, station: STATION, at: new Date().toISOString() });
  const put = await request(site.url, 'PUT', `/db/${resident.db}/${submitted.id}`, asCouchDoc(submitted), { cookie: resident.cookie });
  expect(put.status, put.text).toBe(201);
  // the station holds the request before its dispatch is written
  for (let i = 0; ; i++) {
    const got = await request(site.url, 'GET', `/db/${stationDbName(STATION)}/${submitted.id}`, undefined, { cookie });
    if (got.status === 200) break;
    if (i > 200) throw new Error('the request did not reach the station');
    await new Promise((r) => setTimeout(r, 100));
  }
}, 120_000);

afterAll(async () => {
  await site?.stop();
});

function dispatch(technician: string, visitAtMs: number) {
  const at = new Date().toISOString();
  return asCouchDoc(
    anEvent('dispatched', {
      requestId: submitted.requestId,
      resident: resident.name,
      station: STATION,
      at,
      author: { name: DISPATCHER.name, role: 'dispatcher', device: 'pc-x' },
      payload: { technician, technicianName: '陈师傅', visitAt: new Date(visitAtMs).toISOString() },
    }),
  );
}
const write = (doc: ReturnType<typeof dispatch>) => request(site.url, 'PUT', `/db/${stationDbName(STATION)}/${doc._id}`, doc, { cookie });
const bulk = (doc: ReturnType<typeof dispatch>) => request(site.url, 'POST', `/db/${stationDbName(STATION)}/_bulk_docs`, { docs: [doc], new_edits: true }, { cookie });

describe('the server holds who is dispatched and when', () => {
  it.each([
    ['a login nobody has', 'nosuchtech'],
    ["another station's technician", ELSEWHERE.name],
    ['a dispatcher, not a technician', DISPATCHER.name],
  ])('refuses an order to %s', async (_what, login) => {
    const doc = dispatch(login, Date.now() + 3_600_000);
    const put = await write(doc);
    expect(put.status, put.text).toBe(403);
    expect(put.json.rule).toBe('dispatch-technician');
    const viaBulk = await bulk(dispatch(login, Date.now() + 3_600_000));
    expect(JSON.stringify(viaBulk.json)).toContain('dispatch-technician');
  });

  it('refuses a visit before the order was written', async () => {
    const put = await write(dispatch(TECHNICIAN.name, Date.now() - 2 * 3_600_000));
    expect(put.status, put.text).toBe(403);
    expect(put.json.rule).toBe('dispatch-time');
  });

  it("stores an order to the station's technician for a time ahead, and the resident reads it", async () => {
    const doc = dispatch(TECHNICIAN.name, Date.now() + 3_600_000);
    const put = await write(doc);
    expect(put.status, put.text).toBe(201);
    for (let i = 0; ; i++) {
      const got = await request(site.url, 'GET', `/db/${resident.db}/${doc._id}`, undefined, { cookie: resident.cookie });
      if (got.status === 200) {
        expect(got.json.payload.technicianName).toBe('陈师傅');
        break;
      }
      if (i > 200) throw new Error('the dispatch did not reach the resident');
      await new Promise((r) => setTimeout(r, 100));
    }
  });
});

describe('the communities a technician covers', () => {
  it('are listed in the staff directory', async () => {
    const dir = await request(site.url, 'GET', '/db/_account/staff', undefined, { cookie });
    expect(dir.status).toBe(200);
    const tech = dir.json.staff.find((s: { name: string }) => s.name === TECHNICIAN.name);
    expect(tech).toMatchObject({ displayName: '陈师傅', roles: ['technician'], station: STATION, communities: ['demo-garden'] });
  });

  it("are only the station's own, and only a technician's", async () => {
    const foreign = await admin(site, ['set-communities', '--name', TECHNICIAN.name, '--communities', `far-garden-${suffix}`]);
    expect(foreign.code).not.toBe(0);
    expect(foreign.stderr + foreign.stdout).toMatch(/not one of station demo/);
    const notTech = await admin(site, ['set-communities', '--name', DISPATCHER.name, '--communities', 'demo-east']);
    expect(notTech.code).not.toBe(0);
    const ok = await admin(site, ['set-communities', '--name', TECHNICIAN.name, '--communities', 'demo-east,demo-garden']);
    expect(ok.code, ok.stderr).toBe(0);
    const dir = await request(site.url, 'GET', '/db/_account/staff', undefined, { cookie });
    expect(dir.json.staff.find((s: { name: string }) => s.name === TECHNICIAN.name).communities).toEqual(['demo-east', 'demo-garden']);
  });
});

describe("the phone of a technician's own visit", () => {
  const phone = (who: string, requestId: string) => request(site.url, 'POST', '/db/_account/visits/phone', { requestId }, { cookie: who });
  const log = async () => {
    const res = await request(site.url, 'GET', '/db/customer-access-log/_all_docs?include_docs=true', undefined, { basic: { name: site.adminUser, password: site.adminPassword! } });
    return (res.json.rows as { doc: { action: string; actor: { name: string }; accounts: string[]; purpose?: string } }[]).map((r) => r.doc);
  };

  it('is refused to a technician of another visit, of another station, and to a dispatcher', async () => {
    const other = { name: `tcz-${suffix}`, password: 'technician pass 3' };
    const made = await admin(site, ['create-staff', '--name', other.name, '--role', 'technician', '--station', STATION, '--password', other.password]);
    expect(made.code, made.stderr).toBe(0);
    for (const who of [other, ELSEWHERE, DISPATCHER]) {
      const res = await phone((await signIn(site.url, who.name, who.password)).cookie!, submitted.requestId);
      expect([403, 404], `${who.name}: ${res.text}`).toContain(res.status);
      expect(res.text).not.toContain((submitted.payload as { contact: { phone: string } }).contact.phone);
    }
    expect((await log()).some((e) => e.action === 'reveal-refused' && e.actor.name === other.name && e.accounts.includes(resident.accountNumber))).toBe(true);
  });

  it('is answered to the technician the visit is booked with, and the view is in the access log', async () => {
    const cookie = (await signIn(site.url, TECHNICIAN.name, TECHNICIAN.password)).cookie!;
    let res = await phone(cookie, submitted.requestId);
    // the server's copy of the station's open requests catches up with the dispatch within its sweep
    for (let i = 0; res.status !== 200 && i < 60; i++) {
      await new Promise((r) => setTimeout(r, 250));
      res = await phone(cookie, submitted.requestId);
    }
    expect(res.status, res.text).toBe(200);
    expect(res.json.phone).toBe((submitted.payload as { contact: { phone: string } }).contact.phone);
    const entry = (await log()).find((e) => e.action === 'reveal' && e.actor.name === TECHNICIAN.name);
    expect(entry).toMatchObject({ accounts: [resident.accountNumber], purpose: 'dispatch' });
  });
});
