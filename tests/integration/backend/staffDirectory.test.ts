/**
 * Staff display names (issue 16 item 3) and GET /db/_account/staff on the real server: the admin
 * CLI gives a staff account a display name at creation (`--display-name`) or later
 * (`set-display-name`); station staff read their own station's colleagues (login, display name,
 * roles), operations staff every station's; residents and anonymous callers are refused, and no
 * secret (hash, salt) is ever answered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type Site } from '../../support/server';
import { admin, newResident, request, signIn } from '../../support/client';

let site: Site;
const suffix = Date.now().toString(36);
const stationA = `da-${suffix}`;
const stationB = `db-${suffix}`;
const people = {
  dispatcherA: { name: `dda-${suffix}`, password: 'dispatcher A pass 1', role: 'dispatcher', station: stationA, displayName: '王芳' },
  technicianA: { name: `tta-${suffix}`, password: 'technician A pass 1', role: 'technician', station: stationA },
  technicianB: { name: `ttb-${suffix}`, password: 'technician B pass 1', role: 'technician', station: stationB, displayName: '赵师傅' },
  hotline: { name: `hh-${suffix}`, password: 'hotline pass 1', role: 'hotline', displayName: '热线 李娜' },
} as const;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  site = await startSite({ env: { HEARTHLINE_ADMIN_PASSWORD: '' } });
  for (const [id, community] of [
    [stationA, `da-one-${suffix}`],
    [stationB, `db-one-${suffix}`],
  ] as const) {
    const res = await admin(site, ['create-station', '--id', id, '--name', `站 ${id}`, '--communities', community]);
    expect(res.code, res.stderr).toBe(0);
  }
  for (const [key, p] of Object.entries(people)) {
    const args = [
      'create-staff', '--name', p.name, '--role', p.role, '--password', p.password,
      ...('station' in p ? ['--station', p.station] : []),
      ...('displayName' in p ? ['--display-name', p.displayName] : []),
    ];
    const res = await admin(site, args);
    expect(res.code, res.stderr).toBe(0);
    cookies[key] = (await signIn(site.url, p.name, p.password)).cookie!;
  }
}, 120_000);

afterAll(async () => {
  await site?.stop();
});

const directory = (cookie?: string) => request(site.url, 'GET', '/db/_account/staff', undefined, cookie ? { cookie } : undefined);

describe('staff display names', () => {
  it('refuses a blank or over-long display name at creation and keeps no account', async () => {
    const blank = await admin(site, ['create-staff', '--name', `blank-${suffix}`, '--role', 'hotline', '--display-name', '  ', '--password', 'blank pass 12']);
    expect(blank.code).not.toBe(0);
    expect(blank.stderr + blank.stdout).toMatch(/display name/);
    const long = await admin(site, ['create-staff', '--name', `long-${suffix}`, '--role', 'hotline', '--display-name', '长'.repeat(41), '--password', 'long pass 123']);
    expect(long.code).not.toBe(0);
    const list = await admin(site, ['list-staff', '--json']);
    expect(JSON.parse(list.stdout).map((s: { name: string }) => s.name)).not.toContain(`blank-${suffix}`);
  });

  it("set-display-name names an account later and keeps its password", async () => {
    const res = await admin(site, ['set-display-name', '--name', people.technicianA.name, '--display-name', '陈师傅']);
    expect(res.code, res.stderr).toBe(0);
    expect((await signIn(site.url, people.technicianA.name, people.technicianA.password)).cookie).toBeTruthy();
    const list = JSON.parse((await admin(site, ['list-staff', '--json'])).stdout) as { name: string; displayName: string | null }[];
    expect(list.find((s) => s.name === people.technicianA.name)?.displayName).toBe('陈师傅');
    const missing = await admin(site, ['set-display-name', '--name', `nobody-${suffix}`, '--display-name', '某人']);
    expect(missing.code).not.toBe(0);
  });
});

describe('an account with several roles', () => {
  it('create-staff gives a station hall dispatcher and technician in one account, and refuses mixing station and operations roles', async () => {
    const hall = await admin(site, ['create-staff', '--name', `hall-${suffix}`, '--role', 'dispatcher,technician', '--station', stationA, '--password', 'hall pass 123', '--json']);
    expect(hall.code, hall.stderr).toBe(0);
    expect(JSON.parse(hall.stdout).roles).toEqual(['staff', 'role:dispatcher', 'role:technician', `station:${stationA}`]);
    const mixed = await admin(site, ['create-staff', '--name', `mix-${suffix}`, '--role', 'dispatcher,hotline', '--station', stationA, '--password', 'mixed pass 123']);
    expect(mixed.code).not.toBe(0);
    expect(mixed.stderr + mixed.stdout).toMatch(/cannot share an account/);
    const hallCookie = (await signIn(site.url, `hall-${suffix}`, 'hall pass 123')).cookie!;
    const res = await directory(hallCookie);
    expect(res.json.staff).toContainEqual({ name: `hall-${suffix}`, displayName: null, roles: ['dispatcher', 'technician'], station: stationA, communities: [] });
  });
});

describe('GET /db/_account/staff', () => {
  it("answers a station's staff their own station's colleagues with display names, no secrets", async () => {
    const res = await directory(cookies.dispatcherA);
    expect(res.status, res.text).toBe(200);
    const names = (res.json.staff as { name: string }[]).map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining([people.dispatcherA.name, people.technicianA.name]));
    expect(names).not.toContain(people.technicianB.name);
    expect(names).not.toContain(people.hotline.name);
    expect(res.json.staff).toContainEqual({ name: people.dispatcherA.name, displayName: '王芳', roles: ['dispatcher'], station: stationA, communities: [] });
    expect(res.text).not.toMatch(/derived_key|salt|password/);
  });

  it('answers operations staff every station', async () => {
    const res = await directory(cookies.hotline);
    expect(res.status, res.text).toBe(200);
    const names = (res.json.staff as { name: string }[]).map((s) => s.name);
    expect(names).toEqual(expect.arrayContaining([people.technicianA.name, people.technicianB.name, people.hotline.name]));
  });

  it('refuses residents and anonymous callers', async () => {
    const resident = await newResident(site.url, { community: `da-one-${suffix}` });
    expect((await directory(resident.cookie)).status).toBe(403);
    expect((await directory()).status).toBe(401);
  });
});
