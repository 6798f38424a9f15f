/**
 * Finding 7 of issue #17: signing out left the cookie valid for the rest of its week (and every
 * use renewed it); only a password reset ended it. Now signing out, a password reset and an
 * admin's "sign out everywhere" (`npm run admin -- end-sessions --name …`) end the session at
 * once: the cookie (and every cookie of that account issued before, refreshed copies too) is
 * refused on /db and /db/_account, is not renewed, and stays refused after a restart. Signing in
 * again afterwards works.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type Site } from '../../support/server';
import { admin, newResident, request, signIn, type Resident } from '../../support/client';
import { residentSubmission } from '../../support/builders/backendEvents';

const ADMIN_PASSWORD = 'admin pass for sessions';
let site: Site;
// named here, so that a restart can reuse it (startSite leaves a folder it did not make)
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hearthline-sessions-'));

beforeAll(async () => {
  site = await startSite({ dataDir, env: { HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD } });
});

afterAll(async () => {
  await site?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A renewed cookie: what the server sends back with an answer to a signed-in request. */
async function refreshed(cookie: string): Promise<string> {
  const res = await request(site.url, 'GET', '/db/_session', undefined, { cookie });
  expect(res.json.userCtx.name).not.toBeNull();
  const set = res.headers.getSetCookie().find((c) => /^AuthSession=[^;]/.test(c));
  return set ? set.split(';')[0]! : cookie;
}

/** Whether a cookie still opens the resident's database and account, and what /_session says of it. */
async function works(r: Resident, cookie: string) {
  const db = await request(site.url, 'GET', `/db/${r.db}`, undefined, { cookie });
  const profile = await request(site.url, 'PUT', '/db/_account/profile', { phone: r.phone, contactName: '', address: '' }, { cookie });
  const session = await request(site.url, 'GET', '/db/_session', undefined, { cookie });
  const renewed = session.headers.getSetCookie().some((c) => /^AuthSession=[^;]/.test(c));
  return { db: db.status, profile: profile.status, name: session.json?.userCtx?.name ?? null, renewed };
}

const DEAD = { db: 401, profile: 401, name: null, renewed: false };

describe('sessions that end', () => {
  it('signing out ends that session and every earlier copy of its cookie, at once; signing in again works', async () => {
    const r = await newResident(site.url);
    const first = r.cookie;
    // the cookie a later request renewed it to (both would otherwise stay valid for a week)
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = await refreshed(first);
    expect((await works(r, second)).db).toBe(200);

    const out = await request(site.url, 'DELETE', '/db/_session', undefined, { cookie: second });
    expect(out.status).toBe(200);
    expect(await works(r, second)).toEqual(DEAD);
    expect(await works(r, first)).toEqual(DEAD);

    const again = await signIn(site.url, r.name, r.password);
    expect(again.status).toBe(200);
    expect((await works(r, again.cookie!)).db).toBe(200);
  });

  it('a password reset ends every session of the account', async () => {
    const r = await newResident(site.url);
    const res = await admin(site, ['reset-password', '--name', r.name, '--password', 'a new password 2']);
    expect(res.code, res.stderr).toBe(0);
    expect(await works(r, r.cookie)).toEqual(DEAD);
    expect((await signIn(site.url, r.name, 'a new password 2')).status).toBe(200);
  });

  it('a new password counts at once, also where the server answers or writes itself', async () => {
    const r = await newResident(site.url);
    const asAdmin = { basic: { name: 'admin', password: ADMIN_PASSWORD } };
    const userPath = `/db/_users/${encodeURIComponent(`org.couchdb.user:${r.name}`)}`;
    const account = (await request(site.url, 'GET', userPath, undefined, asAdmin)).json;
    expect((await works(r, r.cookie)).db).toBe(200); // the server has just checked the cookie
    // the admin CLI's reset-password, without the seconds of starting the CLI
    const { derived_key: _k, salt: _s, iterations: _i, password_scheme: _p, pbkdf2_prf: _f, ...rest } = account;
    expect((await request(site.url, 'PUT', userPath, { ...rest, password: 'a new password 3' }, asAdmin)).status).toBe(201);
    // With CouchDB the server had cached the cookie's session for 5 s: the guard stored the
    // member's write (as admin) and /db/_account answered, with a cookie CouchDB refused.
    const e = residentSubmission(r);
    expect((await request(site.url, 'PUT', `/db/${r.db}/${e._id}`, e, { cookie: r.cookie })).status).toBe(401);
    expect(await works(r, r.cookie)).toEqual(DEAD);
    expect((await request(site.url, 'GET', `/db/${r.db}/${e._id}`, undefined, asAdmin)).status).toBe(404);
  });

  it("an admin's end-sessions ends every session of that account on every device, and only that account's", async () => {
    const r = await newResident(site.url);
    const other = await newResident(site.url);
    const phone = r.cookie;
    const hallPc = (await signIn(site.url, r.name, r.password)).cookie!;
    expect((await works(r, hallPc)).db).toBe(200);

    const res = await admin(site, ['end-sessions', '--name', r.name]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(r.name);
    expect(await works(r, phone)).toEqual(DEAD);
    expect(await works(r, hallPc)).toEqual(DEAD);
    expect((await works(other, other.cookie)).db).toBe(200);

    const typo = await admin(site, ['end-sessions', '--name', `${r.name}x`]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('no account named');

    // only a server admin may ask
    const refused = await request(site.url, 'POST', '/api/sessions/end', { name: other.name }, { basic: { name: r.name, password: r.password } });
    expect(refused.status).toBe(403);
    expect((await works(other, other.cookie)).db).toBe(200);

    const again = await signIn(site.url, r.name, r.password);
    expect((await works(r, again.cookie!)).db).toBe(200);
  });

  // On CouchDB too: the restarted server works in this file's namespace, where the ended sessions are kept.
  it('an ended session stays ended after a crash and restart', async () => {
    const r = await newResident(site.url);
    expect((await request(site.url, 'DELETE', '/db/_session', undefined, { cookie: r.cookie })).status).toBe(200);
    await site.kill();
    site = await startSite({ dataDir, env: { HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    expect(await works(r, r.cookie)).toEqual(DEAD);
    expect((await signIn(site.url, r.name, r.password)).status).toBe(200);
  });
});
