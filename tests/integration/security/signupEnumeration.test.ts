/**
 * Finding 6, first half: sign-up answered 409 for any account number that had an account, with
 * no limit, so anyone could list which account numbers are registered. Now every well-formed
 * sign-up gets the same answer (status, body, headers that matter) whether the account exists,
 * is new, or is not the utility's, no sooner than a fixed time; and sign-up attempts that
 * create nothing are limited per client address and per account number.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type Site } from '../../support/server';
import { newAccountNumber, newPhone, newResident, registerCustomer, request, signupBody, type Reply } from '../../support/client';

let site: Site;
/** The answer floor this test gives the server (HEARTHLINE_SIGNUP_ANSWER_MS). */
const FLOOR_MS = 400;

beforeAll(async () => {
  site = await startSite({
    env: {
      HEARTHLINE_ADMIN_PASSWORD: 'enumeration admin 1',
      HEARTHLINE_SIGNUP_ANSWER_MS: String(FLOOR_MS),
      HEARTHLINE_SIGNUP_MAX_PER_ADDRESS: '12',
      HEARTHLINE_SIGNUP_MAX_PER_ACCOUNT: '4',
    },
  });
}, 120_000);

afterAll(async () => {
  await site?.stop();
});

/** What a client can compare between two answers. */
const shape = (r: Reply) => ({
  status: r.status,
  body: r.json,
  type: r.headers.get('content-type'),
  cookie: r.headers.get('set-cookie'),
  length: r.headers.get('content-length'),
});

async function timed(body: Record<string, unknown>) {
  const started = performance.now();
  const reply = await request(site.url, 'POST', '/api/signup', body);
  return { reply, ms: performance.now() - started };
}

describe('sign-up answers the same whether or not an account exists', () => {
  it('gives one answer to an existing account, a new one, one not in the register and a wrong phone', async () => {
    const existing = await newResident(site.url);
    const registered = newAccountNumber();
    const registeredPhone = newPhone();
    await registerCustomer(site.url, { accountNumber: registered, phones: [registeredPhone], station: 'demo', community: 'demo-garden' });

    const attempts = {
      existingSamePhone: await timed(signupBody({ accountNumber: existing.accountNumber, phone: existing.phone })),
      existingOtherPhone: await timed(signupBody({ accountNumber: existing.accountNumber })),
      notInRegister: await timed(signupBody()),
      wrongPhone: await timed(signupBody({ accountNumber: registered })),
      created: await timed(signupBody({ accountNumber: registered, phone: registeredPhone })),
    };
    const first = shape(attempts.existingSamePhone.reply);
    expect(first.status).not.toBe(409);
    expect(first.status).toBeLessThan(300);
    for (const [what, a] of Object.entries(attempts)) {
      expect(shape(a.reply), what).toEqual(first);
      expect(a.reply.text, what).not.toMatch(/taken|exists|conflict/i);
      // No answer sooner than the floor: the time says nothing about which path was taken.
      expect(a.ms, what).toBeGreaterThanOrEqual(FLOOR_MS - 5);
    }
    // …and the one that matched the register did create the account.
    const signedIn = await request(site.url, 'POST', '/db/_session', { name: `r-${registered}`, password: 'correct horse 1' });
    expect(signedIn.status).toBe(200);
  });

  it('limits attempts per account number, whether or not it exists, with the same answer for both', async () => {
    const existing = await newResident(site.url);
    const ghost = newAccountNumber();
    /** @param {string} accountNumber */
    const hammer = async (accountNumber: string) => {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await request(site.url, 'POST', '/api/signup', signupBody({ accountNumber }))).status);
      return statuses;
    };
    const onExisting = await hammer(existing.accountNumber);
    const onGhost = await hammer(ghost);
    expect(onExisting).toEqual(onGhost);
    expect(onExisting.slice(0, 4).every((s) => s === 202)).toBe(true);
    expect(onExisting.slice(4)).toEqual([429, 429]);
    const limited = await request(site.url, 'POST', '/api/signup', signupBody({ accountNumber: ghost }));
    expect(limited.status).toBe(429);
    expect(limited.json).toMatchObject({ error: 'too_many_requests', messageId: 'signup.tooMany' });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('limits attempts per client address across account numbers', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) statuses.push((await request(site.url, 'POST', '/api/signup', signupBody())).status);
    expect(statuses).toContain(429);
    // Only attempts that created nothing count: the earlier tests' ones used part of the budget.
    expect(statuses.indexOf(429)).toBeLessThanOrEqual(12);
  });
});
