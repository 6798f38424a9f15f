/**
 * Staff and stations, set up with the admin CLI (`npm run admin`, server/cli/admin.mjs) against
 * the REAL server, whose admin password is the one it generated and printed on its first
 * start. Then: station staff reach their own station's database only, operations staff reach
 * every station, residents none, and station writes go through the same write check.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type Site } from '../../support/server';
import { admin, newResident, request, signIn, type Auth } from '../../support/client';
import { submissionOf, technicianArrival } from '../../support/builders/backendEvents';

let site: Site;
const staff: Record<string, { name: string; password: string }> = {};
const external = Boolean(process.env.COUCHDB_URL);
const suffix = Date.now().toString(36);
const stationA = `sa-${suffix}`;
const stationB = `sb-${suffix}`;

beforeAll(async () => {
  site = await startSite({ env: { HEARTHLINE_ADMIN_PASSWORD: '' } });
});

afterAll(async () => {
  await site?.stop();
});

const basic = (who: { name: string; password: string }): Auth => ({ basic: who });

describe('the first start', () => {
  it.skipIf(external)('prints a generated admin password once, which the CLI then uses', () => {
    expect(site.output()).toMatch(/Hearthline admin password \(shown only this once\): \S+/);
    expect(site.adminPassword).toBeTruthy();
  });
});

describe('npm run admin', () => {
  it('create-station creates the station document and its database with station and operations members', async () => {
    for (const [id, communities] of [
      [stationA, `a-one-${suffix},a-two-${suffix}=第二小区`],
      [stationB, `b-one-${suffix}`],
    ]) {
      const res = await admin(site, ['create-station', '--id', id!, '--name', `站 ${id}`, '--communities', communities!]);
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toContain(`Created the station ${id}`);
      const sec = await request(site.url, 'GET', `/db/station-${id}/_security`, undefined, basic({ name: site.adminUser, password: site.adminPassword! }));
      expect(sec.json.members.roles).toEqual([`station:${id}`, 'operations']);
    }
    const list = await request(site.url, 'GET', '/api/communities');
    expect(list.json.communities).toContainEqual({ id: `a-two-${suffix}`, name: '第二小区', station: stationA });
  });

  it('create-station refuses an existing station without --update and a community of another station', async () => {
    const again = await admin(site, ['create-station', '--id', stationA, '--name', 'x', '--communities', 'x']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
    const taken = await admin(site, ['create-station', '--id', `sc-${suffix}`, '--name', 'x', '--communities', `b-one-${suffix}`]);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/already served by the station/);
  });

  it('create-staff prints a generated password once; --json gives the roles', async () => {
    for (const [name, role, station] of [
      [`tech-a-${suffix}`, 'technician', stationA],
      [`disp-b-${suffix}`, 'dispatcher', stationB],
      [`hotline-${suffix}`, 'hotline', undefined],
    ] as const) {
      const res = await admin(site, ['create-staff', '--name', name, '--role', role, ...(station ? ['--station', station] : []), '--json']);
      expect(res.code, res.stderr).toBe(0);
      const out = JSON.parse(res.stdout);
      expect(out.roles).toEqual(['staff', `role:${role}`, station ? `station:${station}` : 'operations']);
      expect(out.password).toMatch(/^[\w-]{20,}$/);
      staff[role] = { name, password: out.password };
    }
    const given = await admin(site, ['create-staff', '--name', `head-${suffix}`, '--role', 'station-head', '--station', stationA, '--password', 'given-pass-1']);
    expect(given.code).toBe(0);
    expect(given.stdout).not.toContain('given-pass-1');
    expect((await signIn(site.url, `head-${suffix}`, 'given-pass-1')).status).toBe(200);
  });

  it('create-staff explains what is wrong', async () => {
    const cases: [string[], RegExp][] = [
      [['create-staff', '--name', `x-${suffix}`, '--role', 'janitor'], /Unknown role "janitor"/],
      [['create-staff', '--name', `x-${suffix}`, '--role', 'technician'], /needs|works at one station/],
      [['create-staff', '--name', `x-${suffix}`, '--role', 'technician', '--station', 'nowhere'], /no station "nowhere"/],
      [['create-staff', '--name', `x-${suffix}`, '--role', 'hotline', '--station', stationA], /not bound to a station/],
      [['create-staff', '--name', 'r-12345678', '--role', 'hotline'], /not allowed/],
      [['create-staff', '--name', staff.technician!.name, '--role', 'technician', '--station', stationA], /already exists/],
    ];
    for (const [args, message] of cases) {
      const res = await admin(site, args);
      expect([args.join(' '), res.code]).toEqual([args.join(' '), 1]);
      expect(res.stderr).toMatch(message);
    }
    const usage = await admin(site, ['create-staff', '--role', 'hotline']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/needs --name/);
  });

  it('list-staff lists staff without secrets', async () => {
    const res = await admin(site, ['list-staff', '--json']);
    expect(res.code).toBe(0);
    const list = JSON.parse(res.stdout);
    expect(list).toContainEqual(expect.objectContaining({ name: staff.technician!.name, role: 'technician', station: stationA }));
    expect(list).toContainEqual(expect.objectContaining({ name: staff.hotline!.name, role: 'hotline', station: null }));
    expect(res.stdout).not.toMatch(/derived_key|salt|password/);
    const text = await admin(site, ['list-staff']);
    expect(text.stdout).toMatch(new RegExp(`${staff.dispatcher!.name}\\s+dispatcher\\s+${stationB}`));
  });

  it('reset-password gives a new password; the old one stops working', async () => {
    const who = staff.dispatcher!;
    const res = await admin(site, ['reset-password', '--name', who.name]);
    expect(res.code).toBe(0);
    const password = res.stdout.match(/Password \(shown only this once\): (\S+)/)?.[1];
    expect(password).toBeTruthy();
    expect((await signIn(site.url, who.name, who.password)).status).toBe(401);
    expect((await signIn(site.url, who.name, password!)).status).toBe(200);
    who.password = password!;
    expect((await admin(site, ['reset-password', '--name', `nobody-${suffix}`])).stderr).toMatch(/no user/);
  });

  it('fails clearly without the right admin password or without a server', async () => {
    const wrong = await admin(site, ['list-staff'], { password: 'not-the-password' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/did not accept the admin password/);
    const none = await admin(site, ['list-staff'], { password: '' });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--admin-password or HEARTHLINE_ADMIN_PASSWORD/);
    const down = await admin({ url: 'http://127.0.0.1:9', adminPassword: 'x' }, ['list-staff']);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/cannot reach the Hearthline server/);
  });
});

describe('who reaches which station', () => {
  const reads = (db: string): [string, string, unknown?][] => [
    ['GET', `/db/${db}`],
    ['GET', `/db/${db}/_all_docs?include_docs=true`],
    ['GET', `/db/${db}/_changes?include_docs=true`],
    ['POST', `/db/${db}/_find`, { selector: {} }],
    ['POST', `/db/${db}/_bulk_get`, { docs: [{ id: 'x' }] }],
    ['POST', `/db/${db}/_revs_diff`, { x: ['1-a'] }],
    ['GET', `/db/${db}/x`],
  ];

  it("a station-A technician reads and writes station A, and gets nothing from station B", async () => {
    const tech = basic(staff.technician!);
    const adminAuth = basic({ name: site.adminUser, password: site.adminPassword! });
    const event = technicianArrival(staff.technician!.name, stationA);
    // The request is in the station's database (as the router copies it there).
    const seeded = submissionOf(event);
    expect((await request(site.url, 'PUT', `/db/station-${stationA}/${seeded._id}`, seeded, adminAuth)).status).toBe(201);
    const put = await request(site.url, 'PUT', `/db/station-${stationA}/${event._id}`, event, tech);
    expect(put.status, put.text).toBe(201);
    // Something in B to (not) see.
    const dispEvent = { ...technicianArrival(staff.dispatcher!.name, stationB), type: 'late-notice', author: { name: staff.dispatcher!.name, role: 'dispatcher', device: 'pc' }, payload: { newVisitAt: new Date().toISOString(), reason: 'secret-b-reason' } };
    const seededB = submissionOf(dispEvent);
    expect((await request(site.url, 'PUT', `/db/station-${stationB}/${seededB._id}`, seededB, adminAuth)).status).toBe(201);
    const putB = await request(site.url, 'PUT', `/db/station-${stationB}/${dispEvent._id}`, dispEvent, basic(staff.dispatcher!));
    expect(putB.status, putB.text).toBe(201);

    for (const [method, p, body] of reads(`station-${stationA}`)) {
      expect([p, (await request(site.url, method, p, body, tech)).status]).toEqual([p, p.endsWith('/x') ? 404 : 200]);
    }
    for (const [method, p, body] of reads(`station-${stationB}`)) {
      const res = await request(site.url, method, p, body, tech);
      expect([p, res.status]).toEqual([p, 403]);
      expect(res.text).not.toContain('secret-b-reason');
    }
    const intoB = await request(site.url, 'POST', `/db/station-${stationB}/_bulk_docs`, { docs: [technicianArrival(staff.technician!.name, stationB)] }, tech);
    expect(intoB.status).toBe(403);
    expect((await request(site.url, 'GET', '/db/operations/_all_docs', undefined, tech)).status).toBe(403);
  });

  it("station writes go through the write check: a station's database takes only its own station's events", async () => {
    const tech = basic(staff.technician!);
    const aboutB = technicianArrival(staff.technician!.name, stationB);
    const res = await request(site.url, 'PUT', `/db/station-${stationA}/${aboutB._id}`, aboutB, tech);
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ rule: 'station-database' });
    const asDispatcher = { ...technicianArrival(staff.technician!.name, stationA), author: { name: staff.technician!.name, role: 'dispatcher', device: 'x' } };
    expect((await request(site.url, 'PUT', `/db/station-${stationA}/${asDispatcher._id}`, asDispatcher, tech)).json).toMatchObject({ rule: 'author-role' });
  });

  it('operations staff (hotline) read every station and the operations database', async () => {
    const hotline = basic(staff.hotline!);
    for (const db of [`station-${stationA}`, `station-${stationB}`, 'operations']) {
      expect([db, (await request(site.url, 'GET', `/db/${db}/_all_docs`, undefined, hotline)).status]).toEqual([db, 200]);
    }
    const b = await request(site.url, 'POST', `/db/station-${stationB}/_find`, { selector: { type: 'late-notice' } }, hotline);
    expect(b.json.docs[0].payload.reason).toBe('secret-b-reason');
  });

  it('residents reach no station and staff reach no resident database', async () => {
    const r = await newResident(site.url, { community: `a-one-${suffix}` });
    for (const db of [`station-${stationA}`, `station-${stationB}`, 'operations']) {
      expect((await request(site.url, 'GET', `/db/${db}/_all_docs`, undefined, { cookie: r.cookie })).status).toBe(403);
    }
    for (const who of [staff.technician!, staff.hotline!]) {
      const res = await request(site.url, 'GET', `/db/${r.db}/profile`, undefined, basic(who));
      expect(res.status).toBe(403);
      expect(res.text).not.toContain(r.phone);
    }
  });
});
