/**
 * `GET /api/outages` on the real server: an outage announced by a manager through /db (the
 * write check of every record) reaches the public notices without a sign-in; the answer is
 * JSON with a short public cache, and carries neither the staff member's name nor the device,
 * the record ids, the household count, the outage's free-text area nor any other record's free
 * text: where is the communities chosen from the station's list, by the list's names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from '../../../src/db/schema/events/ids';
import { startSite, type Site } from '../../support/server';
import { admin, request, signIn } from '../../support/client';
import { DEMO_STATION } from '../../../server/backend/setup.mjs';

const HOUR = 3_600_000;
const suffix = Date.now().toString(36);
const manager = { name: `mg-out-${suffix}`, password: 'manager pass 1', cookie: '' };
const DEVICE = 'pc-secret-device-7';
let site: Site;

const newId = () => `rc-${ulid(Date.now())}`;
const outage = () => `ou-${ulid(Date.now())}`;

function recordDoc(type: string, payload: Record<string, unknown>, at = new Date().toISOString(), station = 'demo') {
  return { _id: newId(), docType: 'record', schemaVersion: 1, type, at, author: { name: manager.name, role: 'manager', device: DEVICE }, station, payload };
}

async function put(doc: { _id: string }) {
  const res = await request(site.url, 'PUT', `/db/operations/${doc._id}`, doc, { cookie: manager.cookie });
  expect(res.status, res.text).toBe(201);
}

async function noticesUntil(ok: (json: any) => boolean, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await request(site.url, 'GET', '/api/outages');
    if ((res.status === 200 && ok(res.json)) || Date.now() > until) return res;
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  site = await startSite({ env: { HEARTHLINE_ADMIN_PASSWORD: 'admin pass 1', HEARTHLINE_PUBLISHER: '0' } });
  const res = await admin(site, ['create-staff', '--name', manager.name, '--role', 'manager', '--password', manager.password]);
  expect(res.code, res.stderr).toBe(0);
  manager.cookie = (await signIn(site.url, manager.name, manager.password)).cookie!;
});

afterAll(async () => {
  await site?.stop();
});

describe('GET /api/outages', () => {
  it("lists a manager's announcement and a fault, publicly, with a short cache and no staff or household data", async () => {
    const planned = outage();
    const plannedStart = new Date(Date.now() + 72 * HOUR).toISOString();
    const plannedEnd = new Date(Date.now() + 80 * HOUR).toISOString();
    await put(recordDoc('outage-announced', { outage: planned, plannedStart, plannedEnd, affectedCustomers: 4321, area: '暖园小区 1-3 号楼', communities: ['demo-garden'] }));
    const fault = outage();
    const startedAt = new Date(Date.now() - HOUR).toISOString();
    await put(recordDoc('outage-started', { outage: fault, planned: false, atHeatSource: false, affectedCustomers: 987, area: '东区 5 号楼', communities: ['demo-east'] }, startedAt));
    // an operations record with free text that may name people: never part of the notices
    await put(
      recordDoc('line-down', { line: 'hotline', from: new Date(Date.now() - 2 * HOUR).toISOString(), to: new Date(Date.now() - HOUR).toISOString(), reason: '张三 报告线路故障' }, new Date(Date.now() - 2 * HOUR).toISOString()),
    );

    const res = await noticesUntil((j) => j.notices?.length === 2);
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=30');
    expect(Date.parse(res.json.asOf)).toBeGreaterThan(Date.now() - 60_000);
    expect(res.json.notices).toEqual([
      // the station by the name the utility gave it, as residents know it
      { outage: fault, station: 'demo', stationName: DEMO_STATION.name, communities: [DEMO_STATION.communities[1]], phase: 'ongoing', planned: false, startedAt },
      { outage: planned, station: 'demo', stationName: DEMO_STATION.name, communities: [DEMO_STATION.communities[0]], phase: 'announced', planned: true, plannedStart, plannedEnd },
    ]);
    // nor the staff's free-text area
    for (const secret of [manager.name, 'manager', DEVICE, '4321', '987', '张三', 'rc-', 'author', 'affectedCustomers', '号楼', 'area']) expect(res.text).not.toContain(secret);

    // restored: still listed, as restored
    await put(recordDoc('outage-restored', { outage: fault }));
    const restored = await noticesUntil((j) => j.notices?.some((n: any) => n.outage === fault && n.phase === 'restored'));
    expect(restored.json.notices.find((n: any) => n.outage === fault)).toMatchObject({ phase: 'restored', startedAt, restoredAt: expect.any(String) });
  });

  it('answers GET and HEAD only, with no sign-in needed', async () => {
    expect((await request(site.url, 'HEAD', '/api/outages')).status).toBe(200);
    const post = await request(site.url, 'POST', '/api/outages', {});
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});
