/**
 * Two servers on one database share their sign-in limits (issue 22, item 3: the counters lived
 * in each process's memory and file, so with N servers an attacker had N times the free
 * failures). As in twoServers.test.ts, a third REAL server in embedded mode plays the CouchDB
 * both servers use (COUCHDB_URL). Wrong passwords through server A until A makes the account
 * wait; then server B makes it wait too, even with the right password, and a network paused on
 * B is paused on A. Signing out on one ends the cookie on the other. The other limits a stranger
 * can run into are shared the same way: sign-ups that created nothing from one address, and
 * customer look-ups of one account (a resident's count as refused ones), spread over both
 * servers, add up (before, each server counted its own half in memory).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type Site } from '../../support/server';
import { newAccountNumber, newResident, request, signIn, signupBody, type Resident } from '../../support/client';

const UPSTREAM_PASSWORD = 'upstream-admin-Secret-78';
const FREE_FAILURES = 3;
const NETWORK_FAILURES = 8;
const SIGNUPS_PER_ADDRESS = 4;
const LOOKUPS_PER_HOUR = 4;

let upstream: Site;
let a: Site;
let b: Site;
let resident: Resident;

/** A sign-in as if from `address` (both servers trust the loopback's X-Forwarded-For). */
async function signInFrom(site: Site, address: string, name: string, password: string) {
  const res = await fetch(`${site.url}/db/_session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify({ name, password }),
  });
  await res.arrayBuffer();
  return res;
}

beforeAll(async () => {
  // The stand-in CouchDB is a Hearthline server with limits of its own, which would count every
  // failure the two servers pass on (all from the loopback); Apache CouchDB has none: off here.
  upstream = await startSite({
    env: {
      COUCHDB_URL: '',
      HEARTHLINE_ADMIN_PASSWORD: UPSTREAM_PASSWORD,
      HEARTHLINE_ROUTER: '0',
      HEARTHLINE_PUBLISHER: '0',
      HEARTHLINE_SIGNIN_FREE_FAILURES: '100000',
      HEARTHLINE_SIGNIN_MAX_NETWORK_FAILURES: '100000',
    },
  });
  const couchUrl = `http://admin:${encodeURIComponent(UPSTREAM_PASSWORD)}@${new URL(upstream.url).host}/db`;
  const env = {
    COUCHDB_URL: couchUrl,
    HEARTHLINE_ADMIN_PASSWORD: '',
    HEARTHLINE_PUBLISHER: '0',
    HEARTHLINE_ROUTER: '0',
    HEARTHLINE_TRUST_PROXY: 'loopback',
    HEARTHLINE_SIGNIN_FREE_FAILURES: String(FREE_FAILURES),
    HEARTHLINE_SIGNIN_MAX_NETWORK_FAILURES: String(NETWORK_FAILURES),
    HEARTHLINE_SIGNUP_MAX_PER_ADDRESS: String(SIGNUPS_PER_ADDRESS),
    HEARTHLINE_SIGNUP_ANSWER_MS: '1',
    HEARTHLINE_LOOKUPS_PER_HOUR: String(LOOKUPS_PER_HOUR),
  };
  [a, b] = await Promise.all([startSite({ env }), startSite({ env })]);
  resident = await newResident(a!.url);
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await upstream?.stop();
});

describe('two servers on one database', () => {
  it('share the sign-in limits: an account made to wait on one waits on the other', async () => {
    // the right password works on both from this network
    expect((await signInFrom(b, '192.0.2.10', resident.name, resident.password)).status).toBe(200);
    for (let i = 0; i < FREE_FAILURES; i++) expect((await signInFrom(a, '192.0.2.10', resident.name, `wrong-${i}`)).status).toBe(401);
    const onA = await signInFrom(a, '192.0.2.10', resident.name, resident.password);
    expect(onA.status).toBe(401);
    expect(Number(onA.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // B counted none of them itself: before, it let the right password in at once
    const onB = await signInFrom(b, '192.0.2.11', resident.name, resident.password);
    expect(onB.status).toBe(401);
    expect(Number(onB.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // another network is not slowed down
    expect((await signInFrom(b, '198.51.100.10', resident.name, resident.password)).status).toBe(200);
  });

  it('share a paused network: failures spread over both servers add up', async () => {
    for (let i = 0; i < NETWORK_FAILURES; i++) {
      const site = i % 2 ? a : b;
      expect((await signInFrom(site, `203.0.113.${20 + i}`, `r-2000000000${i}`, 'wrong')).status).toBe(401);
    }
    // each server saw 4 of the 8: only together do they reach the network's limit
    expect((await signInFrom(a, '203.0.113.200', resident.name, resident.password)).status).toBe(401);
    expect((await signInFrom(b, '203.0.113.201', resident.name, resident.password)).status).toBe(401);
  });

  it('share sign-outs: a cookie ended on one is refused by the other', async () => {
    const session = await signIn(a.url, resident.name, resident.password);
    expect(session.status).toBe(200);
    const profile = `/db/${resident.db}/profile`;
    expect((await request(b.url, 'GET', profile, undefined, { cookie: session.cookie })).status).toBe(200);
    expect((await request(a.url, 'DELETE', '/db/_session', undefined, { cookie: session.cookie })).status).toBe(200);
    // B may have the account's "not ended" cached for a few seconds (sessions.mjs): within 10 s it refuses
    const deadline = Date.now() + 10_000;
    let status = 200;
    while (Date.now() < deadline && status === 200) {
      status = (await request(b.url, 'GET', profile, undefined, { cookie: session.cookie })).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe(401);
  });

  it('share the sign-up limit per address: attempts that created nothing, spread over both, add up', async () => {
    const signUpFrom = async (site: Site) => {
      // a well-formed sign-up of an account the register does not have: answered 202, nothing made
      const res = await fetch(`${site.url}/api/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-forwarded-for': '192.0.2.77' },
        body: JSON.stringify(signupBody({ accountNumber: newAccountNumber() })),
      });
      await res.arrayBuffer();
      return res.status;
    };
    for (let i = 0; i < SIGNUPS_PER_ADDRESS; i++) expect(await signUpFrom(i % 2 ? a : b)).toBe(202);
    // each server saw 2 of the 4: only together do they reach the address's limit
    expect(await signUpFrom(a)).toBe(429);
    expect(await signUpFrom(b)).toBe(429);
  });

  it("share the look-up limit per account: a resident's refused look-ups on both servers add up", async () => {
    const session = await signIn(a.url, resident.name, resident.password);
    const lookUp = (site: Site) => request(site.url, 'GET', '/db/_account/customers?q=12345678', undefined, { cookie: session.cookie });
    for (let i = 0; i < LOOKUPS_PER_HOUR; i++) expect((await lookUp(i % 2 ? a : b)).status).toBe(403);
    const limited = await lookUp(a);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await lookUp(b)).status).toBe(429);
  });
});
