/**
 * Finding 6, second half: nothing proved the person owned the account number (`55556666` was
 * registered with a stranger's phone). Now sign-up creates an account only when the account
 * number and phone match the utility's customer register (loaded with `npm run import`), or a
 * phone a service hall confirmed in person; the register's station is the profile's.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type Site } from '../../support/server';
import { admin, newAccountNumber, newPhone, newStaff, registerCustomer, request, runCli, signupBody } from '../../support/client';

let site: Site;
const ADMIN = 'proof admin pass 1';
const suffix = Date.now().toString(36);
const north = `pn-${suffix}`;
const south = `ps-${suffix}`;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  site = await startSite({ env: { HEARTHLINE_ADMIN_PASSWORD: ADMIN, HEARTHLINE_SIGNUP_ANSWER_MS: '50' } });
  for (const [id, community] of [
    [north, `${north}-garden`],
    [south, `${south}-garden`],
  ] as const) {
    const res = await admin(site, ['create-station', '--id', id, '--name', `站 ${id}`, '--communities', community]);
    expect(res.code, res.stderr).toBe(0);
  }
  cookies.hotline = await newStaff(site, { name: `hl-${suffix}`, password: 'hotline pass 1', role: 'hotline' });
  cookies.technician = await newStaff(site, { name: `tc-${suffix}`, password: 'technician pass 1', role: 'technician', station: north });
  cookies.dispatcher = await newStaff(site, { name: `dp-${suffix}`, password: 'dispatcher pass 1', role: 'dispatcher', station: north });
}, 180_000);

afterAll(async () => {
  await site?.stop();
});

const asAdmin = { basic: { name: 'admin', password: ADMIN } };
const userExists = async (accountNumber: string) => (await request(site.url, 'GET', `/db/_users/org.couchdb.user:r-${accountNumber}`, undefined, asAdmin)).status === 200;
const canSignIn = async (accountNumber: string, password = 'correct horse 1') =>
  (await request(site.url, 'POST', '/db/_session', { name: `r-${accountNumber}`, password })).status === 200;

describe('sign-up proves the account number against the customer register', () => {
  it("refuses a stranger's phone for an account number (55556666), and an account the register does not hold", async () => {
    const owner = newPhone();
    await registerCustomer(site.url, { accountNumber: '55556666', phones: [owner], station: north, community: `${north}-garden` });
    await request(site.url, 'POST', '/api/signup', signupBody({ accountNumber: '55556666', phone: newPhone(), community: `${north}-garden` }));
    expect(await userExists('55556666')).toBe(false);
    expect(await canSignIn('55556666')).toBe(false);

    const unknown = newAccountNumber();
    await request(site.url, 'POST', '/api/signup', signupBody({ accountNumber: unknown, community: `${north}-garden` }));
    expect(await userExists(unknown)).toBe(false);
  });

  it('creates the account when the phone is on file, at the station the register names', async () => {
    const accountNumber = newAccountNumber();
    const phone = newPhone();
    await registerCustomer(site.url, { accountNumber, phones: [newPhone(), phone], station: south, community: `${south}-garden` });
    // The resident picked a community of another station: the register's wins.
    const res = await request(site.url, 'POST', '/api/signup', signupBody({ accountNumber, phone: `+86 ${phone}`, community: `${north}-garden` }));
    expect(res.status).toBe(202);
    expect(await canSignIn(accountNumber)).toBe(true);
    const profile = await request(site.url, 'GET', `/db/resident-${Buffer.from(`r-${accountNumber}`).toString('hex')}/profile`, undefined, asAdmin);
    expect(profile.json).toMatchObject({ accountNumber, phone, station: south, community: `${south}-garden` });
  });

  it('refuses an account the register marks closed', async () => {
    const accountNumber = newAccountNumber();
    const phone = newPhone();
    await registerCustomer(site.url, { accountNumber, phones: [phone], station: north, active: false });
    await request(site.url, 'POST', '/api/signup', signupBody({ accountNumber, phone, community: `${north}-garden` }));
    expect(await userExists(accountNumber)).toBe(false);
  });

  it('loads the register with `npm run import` (customer rows) and signs an imported customer up', async () => {
    const accountNumber = newAccountNumber();
    const phone = newPhone();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hearthline-register-'));
    const file = path.join(dir, 'register.csv');
    writeFileSync(file, `row,account,phones,station,community\ncustomer,${accountNumber},${phone},${north},${north}-garden\ncustomer,1234,13900000000,${north},\n`);
    const bad = await runImport([file, '--system', 'billing']);
    expect(bad.code).toBe(1);
    expect(bad.stdout + bad.stderr).toMatch(/line 3: .*account/);
    const ok = await runImport([file, '--system', 'billing', '--skip-bad']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/loaded 1/);
    // The same file again changes nothing.
    const again = await runImport([file, '--system', 'billing', '--skip-bad']);
    expect(again.stdout).toMatch(/loaded 0.*1 already present/);

    await request(site.url, 'POST', '/api/signup', signupBody({ accountNumber, phone, community: `${north}-garden` }));
    expect(await canSignIn(accountNumber)).toBe(true);
  });

  it('lets a service hall confirm a new phone in person; technicians cannot, and the confirmation is logged', async () => {
    const accountNumber = newAccountNumber();
    const oldPhone = newPhone();
    const newOne = newPhone();
    await registerCustomer(site.url, { accountNumber, phones: [oldPhone], station: north, community: `${north}-garden` });
    const confirm = (cookie: string, body: unknown) => request(site.url, 'POST', '/db/_account/register/confirm', body, { cookie });

    const refused = await confirm(cookies.technician!, { accountNumber, phone: newOne, evidence: 'bill' });
    expect(refused.status).toBe(403);
    const noEvidence = await confirm(cookies.hotline!, { accountNumber, phone: newOne });
    expect(noEvidence.status).toBe(400);
    expect(noEvidence.json.field).toBe('evidence');
    const done = await confirm(cookies.hotline!, { accountNumber, phone: newOne, evidence: 'bill' });
    expect(done.status, done.text).toBe(201);

    await request(site.url, 'POST', '/api/signup', signupBody({ accountNumber, phone: newOne, community: `${north}-garden` }));
    expect(await canSignIn(accountNumber)).toBe(true);

    const log = await request(site.url, 'GET', '/db/customer-access-log/_all_docs?include_docs=true', undefined, asAdmin);
    const entries = log.json.rows.map((r: { doc: Record<string, unknown> }) => r.doc);
    expect(entries).toContainEqual(expect.objectContaining({ action: 'confirm', accounts: [accountNumber], actor: expect.objectContaining({ name: `hl-${suffix}`, role: 'hotline' }) }));
  });

  it('keeps the register away from everyone but the server', async () => {
    for (const cookie of [cookies.hotline!, cookies.dispatcher!]) {
      const res = await request(site.url, 'GET', '/db/customer-register/_all_docs', undefined, { cookie });
      expect(res.status).toBe(403);
    }
  });
});

const runImport = (args: string[]) => runCli('server/cli/import.mjs', site, args);
