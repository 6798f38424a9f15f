/**
 * The sign-up's `verifyPhone` hook (server/backend/signup.mjs), where issue 19's SMS one-time
 * code is checked: it is asked for every well-formed sign-up before the register is read (so a
 * refusal it shows at its field cannot tell whether the account exists); an account is created
 * only when it and the register both say yes; otherwise the answer stays the one answer.
 * In process (createBackend, memory adapter; with the suite's COUCHDB_URL, proxy mode to it), the
 * hook injected as a parameter.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../server/app.mjs';
import { createBackend } from '../../../server/backend/index.mjs';
import { DIST_DIR, rememberSiteAdmin } from '../../support/server';
import { inProcessBackend } from '../support/backend';
import { newAccountNumber, newPhone, registerCustomer, request, signupBody } from '../../support/client';

let server: Server;
let base: string;
let dataDir: string;
let backend: Awaited<ReturnType<typeof createBackend>>;
const asked: { accountNumber: string; phone: string }[] = [];
/** Phones the hook says were proven (as an SMS code typed back would). */
const proven = new Set<string>();
/** Account numbers the hook refuses at a field. */
const refusals = new Map<string, { status: number; field: string; messageId: 'phoneCode.locked' | 'phoneCode.wrong'; retryAfter?: number }>();

const underTest = inProcessBackend('verify-phone-admin');

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'hearthline-verify-phone-'));
  backend = await createBackend({
    dataDir,
    ...underTest.options,
    log: () => {},
    logError: () => {},
    signup: {
      answerMs: 50,
      verifyPhone: async ({ accountNumber, phone }) => {
        asked.push({ accountNumber, phone });
        return refusals.get(accountNumber) ?? proven.has(phone);
      },
    },
  });
  const app = createApp({ distDir: DIST_DIR, mounts: { '/db': backend.db, '/api': backend.api } });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  rememberSiteAdmin(base, { adminUser: underTest.admin.name, adminPassword: underTest.admin.password });
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await backend?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const canSignIn = async (accountNumber: string) => (await request(base, 'POST', '/db/_session', { name: `r-${accountNumber}`, password: 'correct horse 1' })).status === 200;

describe('the verifyPhone hook after the register', () => {
  it('is asked for every well-formed sign-up, before the register, so its answer cannot depend on it; a yes does not replace the register', async () => {
    const accountNumber = newAccountNumber();
    await registerCustomer(base, { accountNumber, phones: [newPhone()], station: 'demo' });
    const phone = newPhone();
    proven.add(phone);
    const res = await request(base, 'POST', '/api/signup', signupBody({ accountNumber, phone }));
    expect(res.status).toBe(202);
    expect(asked).toContainEqual({ accountNumber, phone });
    expect(await canSignIn(accountNumber)).toBe(false);
  });

  it('a refusal it returns (a wrong code) is answered at its field, with Retry-After when it says so', async () => {
    const accountNumber = newAccountNumber();
    refusals.set(accountNumber, { status: 429, field: 'phoneCode', messageId: 'phoneCode.locked', retryAfter: 60 });
    const res = await request(base, 'POST', '/api/signup', signupBody({ accountNumber }));
    expect(res.status).toBe(429);
    expect(res.json).toMatchObject({ field: 'phoneCode', messageId: 'phoneCode.locked' });
    expect(res.headers.get('retry-after')).toBe('60');
    expect(await canSignIn(accountNumber)).toBe(false);
  });

  it('refuses the account when the hook does not confirm the phone, creates it when it does, with one answer', async () => {
    const accountNumber = newAccountNumber();
    const phone = newPhone();
    await registerCustomer(base, { accountNumber, phones: [phone], station: 'demo' });
    const refused = await request(base, 'POST', '/api/signup', signupBody({ accountNumber, phone }));
    expect(asked).toContainEqual({ accountNumber, phone });
    expect(await canSignIn(accountNumber)).toBe(false);

    proven.add(phone);
    const created = await request(base, 'POST', '/api/signup', signupBody({ accountNumber, phone }));
    expect(await canSignIn(accountNumber)).toBe(true);
    expect(created.status).toBe(refused.status);
    expect(created.json).toEqual(refused.json);
  });
});
