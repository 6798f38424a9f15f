/**
 * Failed sign-ins slow down guessing per account and network and pause a network after too many
 * failures (server/backend/signinLimiter.mjs), and a refusal never tells whether the account
 * exists or whether the password was right. That a stranger cannot keep a named person out,
 * and that the counters outlive a restart: tests/integration/security/signinLimits.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type Site } from '../../support/server';
import { newResident, request, signIn, type Resident } from '../../support/client';

const REFUSED = {
  error: 'unauthorized',
  reason: 'Name or password is incorrect, or sign-in is paused after too many attempts. Try again later.',
};

describe('per account and network (3 wrong passwords, then a growing wait)', () => {
  let site: Site;
  let a: Resident;
  let c: Resident;

  beforeAll(async () => {
    // A high network limit, so that only the per-account delay is exercised here.
    site = await startSite({ env: { HEARTHLINE_SIGNIN_MAX_NETWORK_FAILURES: '1000' } });
    a = await newResident(site.url);
    c = await newResident(site.url);
  });
  afterAll(async () => {
    await site?.stop();
  });

  it('answers every failure with the same 401, and a waiting account the same even with the right password', async () => {
    const ghost = 'r-100000000000'; // no such account
    const answers: unknown[] = [];
    for (const name of [a.name, ghost]) {
      for (let i = 0; i < 3; i++) {
        const res = await signIn(site.url, name, `wrong-${i}`);
        expect(res.status).toBe(401);
        expect(res.headers.getSetCookie()).toEqual([]);
        answers.push(res.json);
      }
    }
    // Waiting now: the right password gets the same answer as a wrong one and as a ghost.
    const right = await signIn(site.url, a.name, a.password);
    const ghostAgain = await signIn(site.url, ghost, 'whatever');
    expect(right.status).toBe(401);
    expect(right.cookie).toBeUndefined();
    expect(ghostAgain.status).toBe(401);
    answers.push(right.json, ghostAgain.json);
    for (const answer of answers) expect(answer).toEqual(REFUSED);
    expect(right.text).toBe(ghostAgain.text);
    expect(right.headers.get('retry-after')).toBe(ghostAgain.headers.get('retry-after'));

    // Basic credentials are the same sign-in: refused while waiting.
    const basic = await request(site.url, 'GET', `/db/${a.db}`, undefined, { basic: { name: a.name, password: a.password } });
    expect(basic.status).toBe(401);
    expect(basic.json).toEqual(REFUSED);
    expect(basic.headers.get('www-authenticate')).toBeNull();

    // A session from before keeps working; other accounts are not affected.
    expect((await request(site.url, 'GET', `/db/${a.db}/profile`, undefined, { cookie: a.cookie })).status).toBe(200);
    expect((await signIn(site.url, c.name, c.password)).status).toBe(200);

    // After the wait (1 s after the third failure), the right password is accepted.
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await signIn(site.url, a.name, a.password)).status).toBe(200);
  });

  it('wrong Basic credentials count as failed sign-ins', async () => {
    const r = await newResident(site.url);
    for (let i = 0; i < 3; i++) {
      const res = await request(site.url, 'GET', '/db/_session', undefined, { basic: { name: r.name, password: `bad-${i}` } });
      expect(res.status).toBe(401);
      expect(res.json).toEqual(REFUSED);
    }
    expect((await signIn(site.url, r.name, r.password)).status).toBe(401);
  });

  it('a successful sign-in resets the count', async () => {
    const r = await newResident(site.url);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 2; i++) expect((await signIn(site.url, r.name, 'nope-nope')).status).toBe(401);
      expect((await signIn(site.url, r.name, r.password)).status).toBe(200);
    }
  });

  it('accepts the form encoding too, under the same rules', async () => {
    const res = await request(site.url, 'POST', '/db/_session', `name=${encodeURIComponent(c.name)}&password=${encodeURIComponent(c.password)}`, {}, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()[0]).toMatch(/^AuthSession=.*Path=\/db/);
  });
});

describe('per network, and the pause ends', () => {
  let site: Site;
  let a: Resident;

  beforeAll(async () => {
    site = await startSite({
      env: { HEARTHLINE_SIGNIN_MAX_NETWORK_FAILURES: '8', HEARTHLINE_SIGNIN_LOCK_SECONDS: '3' },
    });
    a = await newResident(site.url);
  });
  afterAll(async () => {
    await site?.stop();
  });

  it('pauses the network after its limit of failures across accounts, for the configured time', async () => {
    for (let i = 0; i < 8; i++) {
      // Different names, so no account waits on its own.
      expect((await signIn(site.url, `r-10000000000${i}`, 'guess')).status).toBe(401);
    }
    const paused = await signIn(site.url, a.name, a.password);
    expect(paused.status).toBe(401);
    expect(paused.json).toEqual(REFUSED);
    await new Promise((r) => setTimeout(r, 3_200));
    expect((await signIn(site.url, a.name, a.password)).status).toBe(200);
  });
});
