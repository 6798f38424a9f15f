/**
 * GET /db/_account/customers (issue 6 item 2): staff find a resident by account number or phone
 * on the real server. Station staff find only their own station's residents; operations staff
 * find every one; residents and anonymous callers find nobody. The lookup answers from the
 * customer directory (server/backend/customerDirectory.mjs): built from the profiles on the
 * first lookup, then kept current by sign-ups and the residents' own changes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type Site } from '../../support/server';
import { admin, newPhone, newResident, request, signIn, type Resident } from '../../support/client';

let site: Site;
const suffix = Date.now().toString(36);
const stationA = `ca-${suffix}`;
const stationB = `cb-${suffix}`;
const people = {
  dispatcherA: { name: `dpa-${suffix}`, password: 'dispatcher A pass 1', role: 'dispatcher', station: stationA },
  dispatcherB: { name: `dpb-${suffix}`, password: 'dispatcher B pass 1', role: 'dispatcher', station: stationB },
  hotline: { name: `hl-${suffix}`, password: 'hotline pass 1', role: 'hotline' },
} as const;
let inA: Resident;
let inB: Resident;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  site = await startSite({ env: { HEARTHLINE_ADMIN_PASSWORD: '' } });
  for (const [id, community] of [
    [stationA, `ca-one-${suffix}`],
    [stationB, `cb-one-${suffix}`],
  ] as const) {
    const res = await admin(site, ['create-station', '--id', id, '--name', `站 ${id}`, '--communities', community]);
    expect(res.code, res.stderr).toBe(0);
  }
  for (const [key, p] of Object.entries(people)) {
    const args = ['create-staff', '--name', p.name, '--role', p.role, '--password', p.password, ...('station' in p ? ['--station', p.station] : [])];
    const res = await admin(site, args);
    expect(res.code, res.stderr).toBe(0);
    const session = await signIn(site.url, p.name, p.password);
    cookies[key] = session.cookie!;
  }
  inA = await newResident(site.url, { community: `ca-one-${suffix}` });
  inB = await newResident(site.url, { community: `cb-one-${suffix}` });
}, 120_000);

afterAll(async () => {
  await site?.stop();
});

/** Phones are masked in every list (tests/integration/security/customerLookup.test.ts). */
const masked = (phone: string) => `${phone.slice(0, 3)}****${phone.slice(-4)}`;
const lookUp = (q: string, cookie?: string) => request(site.url, 'GET', `/db/_account/customers?q=${encodeURIComponent(q)}`, undefined, cookie ? { cookie } : undefined);

describe('GET /db/_account/customers', () => {
  it("finds a station's resident by account number or phone for that station's staff", async () => {
    const byAccount = await lookUp(inA.accountNumber, cookies.dispatcherA);
    expect(byAccount.status, byAccount.text).toBe(200);
    expect(byAccount.json.customers).toEqual([expect.objectContaining({ accountNumber: inA.accountNumber, phoneMasked: masked(inA.phone), station: stationA })]);
    const byPhone = await lookUp(inA.phone, cookies.dispatcherA);
    expect(byPhone.json.customers.map((c: { accountNumber: string }) => c.accountNumber)).toEqual([inA.accountNumber]);
  });

  it("does not show another station's resident to a station dispatcher", async () => {
    const res = await lookUp(inB.accountNumber, cookies.dispatcherA);
    expect(res.status).toBe(200);
    expect(res.json.customers).toEqual([]);
    const own = await lookUp(inB.accountNumber, cookies.dispatcherB);
    expect(own.json.customers).toHaveLength(1);
  });

  it('shows every station to operations staff (the hotline)', async () => {
    for (const r of [inA, inB]) {
      const res = await lookUp(r.accountNumber, cookies.hotline);
      expect(res.json.customers.map((c: { accountNumber: string }) => c.accountNumber)).toEqual([r.accountNumber]);
    }
  });

  it('finds a resident who signed up after the directory was built, and by the phone they changed to, not the old one', async () => {
    // The directory exists: the first lookup above built it from the profiles (inA and inB
    // had signed up before it), so this one is found through the sign-up's record.
    const later = await newResident(site.url, { community: `ca-one-${suffix}` });
    const found = await lookUp(later.accountNumber, cookies.dispatcherA);
    expect(found.json.customers).toEqual([expect.objectContaining({ accountNumber: later.accountNumber, phoneMasked: masked(later.phone), station: stationA })]);

    const phone = newPhone();
    const changed = await request(site.url, 'PUT', '/db/_account/profile', { phone, contactName: '', address: '' }, { cookie: later.cookie });
    expect(changed.status, changed.text).toBe(200);
    const byNew = await lookUp(phone, cookies.dispatcherA);
    expect(byNew.json.customers).toEqual([expect.objectContaining({ accountNumber: later.accountNumber, phoneMasked: masked(phone) })]);
    expect((await lookUp(later.phone, cookies.dispatcherA)).json.customers).toEqual([]);
  });

  it('refuses residents and anonymous callers, and a query too short to find one person', async () => {
    expect((await lookUp(inA.accountNumber)).status).toBe(401);
    expect((await lookUp(inA.accountNumber, inB.cookie)).status).toBe(403);
    const short = await lookUp('1234', cookies.hotline); // the hotline finds one person by a whole number
    expect(short.status).toBe(400);
    expect(short.json.field).toBe('q');
  });
});
