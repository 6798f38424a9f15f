/**
 * Finding 11 of issue #17: what the public can read without signing in.
 * - `/api/router/health` told anyone the database counts and how many events wait for accounts
 *   that do not exist yet: it needs a server admin now;
 * - `X-Powered-By: Express` named the software: no answer carries it;
 * - `/api/outages` published the outage's free-text `area` as typed (a name and a phone typed
 *   there went public): the notices carry the communities staff chose from the station's list,
 *   by the names the station's list gives them, and never the free text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from '../../../src/db/schema/events/ids';
import { DEMO_STATION } from '../../../server/backend/setup.mjs';
import { startSite, type Site } from '../../support/server';
import { admin, newResident, request, signIn, type Resident } from '../../support/client';

const ADMIN_PASSWORD = 'admin pass for public surface';
const suffix = Date.now().toString(36);
const manager = { name: `mg-pub-${suffix}`, password: 'manager pass 1', cookie: '' };
let site: Site;
let resident: Resident;

beforeAll(async () => {
  site = await startSite({ env: { HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD, HEARTHLINE_PUBLISHER: '0' } });
  const res = await admin(site, ['create-staff', '--name', manager.name, '--role', 'manager', '--password', manager.password]);
  expect(res.code, res.stderr).toBe(0);
  manager.cookie = (await signIn(site.url, manager.name, manager.password)).cookie!;
  resident = await newResident(site.url);
});

afterAll(async () => {
  await site?.stop();
});

describe('/api/router/health', () => {
  it('answers nobody, a resident or a staff member with 401/403 and no figures; a server admin with the figures', async () => {
    const anonymous = await request(site.url, 'GET', '/api/router/health');
    expect(anonymous.status).toBe(401);
    expect(anonymous.json).toMatchObject({ error: 'unauthorized', reason: expect.stringMatching(/admin/) });
    expect(anonymous.text).not.toMatch(/lag|sources|parked|databases/i);

    const residentBasic = await request(site.url, 'GET', '/api/router/health', undefined, { basic: { name: resident.name, password: resident.password } });
    expect(residentBasic.status).toBe(403);
    expect(residentBasic.text).not.toMatch(/lag|sources|parked/i);
    const staffBasic = await request(site.url, 'GET', '/api/router/health', undefined, { basic: { name: manager.name, password: manager.password } });
    expect(staffBasic.status).toBe(403);
    const wrong = await request(site.url, 'GET', '/api/router/health', undefined, { basic: { name: 'admin', password: 'not it' } });
    expect(wrong.status).toBe(401);

    const asAdmin = await request(site.url, 'GET', '/api/router/health', undefined, { basic: { name: 'admin', password: ADMIN_PASSWORD } });
    expect([200, 503]).toContain(asAdmin.status);
    expect(asAdmin.json).toHaveProperty('ok');
  });
});

describe('no X-Powered-By', () => {
  it('on the site, /healthz, /api and every kind of /db answer', async () => {
    const answers = await Promise.all([
      request(site.url, 'GET', '/'),
      request(site.url, 'GET', '/healthz'),
      request(site.url, 'GET', '/no-such-page'),
      request(site.url, 'GET', '/api/communities'),
      request(site.url, 'GET', '/api/outages'),
      request(site.url, 'GET', '/db/'),
      request(site.url, 'GET', '/db/_session', undefined, { cookie: resident.cookie }),
      request(site.url, 'GET', `/db/${resident.db}`, undefined, { cookie: resident.cookie }),
      request(site.url, 'GET', `/db/${resident.db}/profile`, undefined, { cookie: resident.cookie }),
      request(site.url, 'GET', `/db/${resident.db}/missing-doc`, undefined, { cookie: resident.cookie }),
      request(site.url, 'GET', '/db/operations'),
    ]);
    for (const res of answers) {
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('server')).toBeNull();
    }
    expect(answers.map((a) => a.status)).toEqual([200, 200, 404, 200, 200, 200, 200, 200, 200, 404, 401]);
  });
});

describe('/api/outages: communities from the station list, never the free text', () => {
  it('publishes the names of the communities staff chose, and neither the area nor an unknown community', async () => {
    const out = `ou-${ulid(Date.now())}`;
    const doc = {
      _id: `rc-${ulid(Date.now())}`,
      docType: 'record',
      schemaVersion: 1,
      type: 'outage-started',
      at: new Date(Date.now() - 60_000).toISOString(),
      author: { name: manager.name, role: 'manager', device: 'pc-1' },
      station: 'demo',
      payload: {
        outage: out,
        planned: false,
        atHeatSource: false,
        affectedCustomers: 12,
        // what the attack typed: a name and a phone in the free text
        area: '张三 13900001111 家门口',
        communities: ['demo-garden', 'not-a-community'],
      },
    };
    const put = await request(site.url, 'PUT', `/db/operations/${doc._id}`, doc, { cookie: manager.cookie });
    expect(put.status, put.text).toBe(201);

    let res;
    for (const until = Date.now() + 20_000; ; ) {
      res = await request(site.url, 'GET', '/api/outages');
      if (res.json?.notices?.some((n: { outage: string }) => n.outage === out) || Date.now() > until) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const notice = res.json.notices.find((n: { outage: string }) => n.outage === out);
    const garden = DEMO_STATION.communities.find((c: { id: string }) => c.id === 'demo-garden')!;
    expect(notice).toEqual({
      outage: out,
      station: 'demo',
      stationName: DEMO_STATION.name,
      communities: [{ id: 'demo-garden', name: garden.name }],
      phase: 'ongoing',
      planned: false,
      startedAt: doc.at,
    });
    for (const secret of ['张三', '13900001111', '家门口', 'not-a-community', 'area']) expect(res.text).not.toContain(secret);
  });
});
