/**
 * The guard's plumbing, in process: createApp + createBackend (memory adapter; with the suite's
 * COUCHDB_URL, proxy mode to that CouchDB in this file's namespace) with a write check injected
 * as a parameter, so what the guard passes to it and does with its verdicts is visible on its
 * own. Plus the pure pieces: classify, cookies, database names, the limiter.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../../server/app.mjs';
import { createBackend, databaseKind, residentDbName } from '../../../server/backend/index.mjs';
import { classify } from '../../../server/backend/guard/classifyRequest.mjs';
import { hardenSessionCookie } from '../../../server/backend/responseHeaders.mjs';
import { SignInLimiter, networkOf } from '../../../server/backend/signinLimiter.mjs';
import { DIST_DIR, rememberSiteAdmin } from '../../support/server';
import { inProcessBackend } from '../support/backend';
import { newResident, request, type Resident } from '../../support/client';

type Input = { database: any; doc: any; user: { name: string | null; roles: string[] }; existing: boolean };
type Verdict = { ok: true; event?: unknown } | { ok: false; status: number; rule: string; reason: string };

let calls: Input[] = [];
/** Each test sets how the injected check answers. */
let decide: (input: Input) => Verdict = () => ({ ok: true });
const injected = (input: Input): Verdict => {
  calls.push(structuredClone(input));
  return decide(input);
};

let server: Server;
let base: string;
let dataDir: string;
let backend: Awaited<ReturnType<typeof createBackend>>;
let a: Resident;
const underTest = inProcessBackend('guard-test-admin');
/** The server admin: ours, or the suite's CouchDB's (proxy mode). */
const ADMIN = { basic: underTest.admin };
// Staff written straight into _users: CouchDB has one for every test file and run.
const suffix = Math.random().toString(36).slice(2, 8);
const TECH = `tech-${suffix}`;
const DESK = `desk-${suffix}`;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'hearthline-guard-'));
  backend = await createBackend({
    dataDir,
    ...underTest.options,
    validateWrite: injected as any,
    log: () => {},
    logError: () => {},
  });
  const app = createApp({ distDir: DIST_DIR, mounts: { '/db': backend.db, '/api': backend.api } });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  rememberSiteAdmin(base, { adminUser: ADMIN.basic.name, adminPassword: ADMIN.basic.password });
  a = await newResident(base);
  // Station staff, written straight into _users through the store.
  await backend.store.put('_users', { _id: `org.couchdb.user:${TECH}`, name: TECH, type: 'user', roles: ['staff', 'role:technician', 'station:demo'], password: 'tech-pass-1' });
  await backend.store.put('_users', { _id: `org.couchdb.user:${DESK}`, name: DESK, type: 'user', roles: ['staff', 'role:hotline', 'operations'], password: 'desk-pass-1' });
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await backend?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  calls = [];
  decide = () => ({ ok: true });
});

const asA = () => ({ cookie: a.cookie });

describe('what the guard passes to validateWrite', () => {
  it("the database kind, owner and the profile's station, the document as sent, the session user, and existing", async () => {
    const doc = { _id: 'doc-1', anything: { nested: [1, 2] } };
    expect((await request(base, 'PUT', `/db/${a.db}/doc-1`, doc, asA())).status).toBe(201);
    expect(calls).toEqual([{ database: { kind: 'resident', owner: a.name, station: 'demo' }, doc, user: { name: a.name, roles: ['resident'] }, existing: false }]);

    calls = [];
    await request(base, 'POST', `/db/${a.db}/_bulk_docs`, { docs: [{ _id: 'doc-1', again: true }, { _id: 'doc-2' }] }, asA());
    expect(calls.map((c) => [c.doc._id, c.existing])).toEqual([
      ['doc-1', true],
      ['doc-2', false],
    ]);
  });

  it('a deleted document still exists for the check', async () => {
    const put = await request(base, 'PUT', `/db/${a.db}/gone`, { x: 1 }, asA());
    const del = await request(base, 'DELETE', `/db/${a.db}/gone?rev=${put.json.rev}`, undefined, asA());
    expect(del.status).toBe(200);
    expect(calls[1]).toMatchObject({ doc: { _id: 'gone', _rev: put.json.rev, _deleted: true }, existing: true });
    calls = [];
    await request(base, 'PUT', `/db/${a.db}/gone`, { x: 2 }, asA());
    expect(calls[0]!.existing).toBe(true);
  });

  it('station and operations databases by kind, with the staff roles', async () => {
    await request(base, 'POST', '/db/station-demo/_bulk_docs', { docs: [{ _id: 's-1' }] }, { basic: { name: TECH, password: 'tech-pass-1' } });
    await request(base, 'POST', '/db/operations', { _id: 'o-1' }, { basic: { name: DESK, password: 'desk-pass-1' } });
    expect(calls).toEqual([
      expect.objectContaining({ database: { kind: 'station', station: 'demo' }, user: { name: TECH, roles: ['staff', 'role:technician', 'station:demo'] } }),
      expect.objectContaining({ database: { kind: 'operations' }, user: { name: DESK, roles: ['staff', 'role:hotline', 'operations'] } }),
    ]);
  });

  it('a POST without an id gets one before the check', async () => {
    const res = await request(base, 'POST', `/db/${a.db}`, { x: 1 }, asA());
    expect(res.status).toBe(201);
    expect(calls[0]!.doc._id).toBe(res.json.id);
  });

  it('server admins are not checked (the router validates its own writes)', async () => {
    expect((await request(base, 'PUT', `/db/${a.db}/by-admin`, { x: 1 }, ADMIN)).status).toBe(201);
    expect(calls).toEqual([]);
  });

  it('refusals before the check (membership, new_edits, reserved ids) never reach it', async () => {
    await request(base, 'PUT', '/db/station-demo/x', { x: 1 }, asA());
    await request(base, 'POST', `/db/${a.db}/_bulk_docs`, { new_edits: false, docs: [{ _id: 'y', _rev: '1-a' }] }, asA());
    await request(base, 'POST', `/db/${a.db}/_bulk_docs`, { docs: [{ _id: '_local/z' }] }, asA());
    expect(calls).toEqual([]);
  });
});

describe('what the guard does with the verdicts', () => {
  it('single writes answer the verdict status with { error, reason, rule }', async () => {
    decide = () => ({ ok: false, status: 401, rule: 'signed-in', reason: 'sign in first' });
    const r401 = await request(base, 'PUT', `/db/${a.db}/v-1`, { x: 1 }, asA());
    expect(r401.status).toBe(401);
    expect(r401.json).toEqual({ error: 'unauthorized', reason: 'sign in first', rule: 'signed-in' });
    decide = () => ({ ok: false, status: 403, rule: 'some-rule', reason: 'because' });
    const r403 = await request(base, 'POST', `/db/${a.db}`, { _id: 'v-2' }, asA());
    expect(r403.status).toBe(403);
    expect(r403.json).toEqual({ error: 'forbidden', reason: 'because', rule: 'some-rule' });
    const stored = await request(base, 'POST', `/db/${a.db}/_all_docs`, { keys: ['v-1', 'v-2'] }, ADMIN);
    expect(stored.json.rows.every((r: any) => r.error === 'not_found')).toBe(true);
  });

  it('_bulk_docs: one row per document in request order; refused rows name the rule; the rest is stored', async () => {
    decide = ({ doc }) => (doc.bad ? { ok: false, status: 403, rule: `rule-${doc._id}`, reason: 'no' } : { ok: true });
    const docs = [{ _id: 'b-1', bad: true }, { _id: 'b-2' }, { _id: 'b-3', bad: true }, { _id: 'b-4' }];
    const res = await request(base, 'POST', `/db/${a.db}/_bulk_docs`, { docs }, asA());
    expect(res.status).toBe(201);
    expect(res.json).toEqual([
      { id: 'b-1', error: 'forbidden', reason: 'no', rule: 'rule-b-1' },
      expect.objectContaining({ ok: true, id: 'b-2' }),
      { id: 'b-3', error: 'forbidden', reason: 'no', rule: 'rule-b-3' },
      expect.objectContaining({ ok: true, id: 'b-4' }),
    ]);
    const stored = await request(base, 'POST', `/db/${a.db}/_all_docs`, { keys: ['b-1', 'b-2', 'b-3', 'b-4'] }, ADMIN);
    expect(stored.json.rows.map((r: any) => Boolean(r.value))).toEqual([false, true, false, true]);
  });

  it('conflicts come back as CouchDB answers them', async () => {
    await request(base, 'PUT', `/db/${a.db}/c-1`, { x: 1 }, asA());
    const single = await request(base, 'PUT', `/db/${a.db}/c-1`, { x: 2 }, asA());
    expect(single.status).toBe(409);
    expect(single.json.error).toBe('conflict');
    const bulk = await request(base, 'POST', `/db/${a.db}/_bulk_docs`, { docs: [{ _id: 'c-1' }, { _id: 'c-2' }] }, asA());
    expect(bulk.json).toEqual([expect.objectContaining({ id: 'c-1', error: 'conflict' }), expect.objectContaining({ ok: true, id: 'c-2' })]);
  });

  it('a check that throws stores nothing and answers 500 (fails closed)', async () => {
    decide = () => {
      throw new Error('bug in the check');
    };
    const single = await request(base, 'PUT', `/db/${a.db}/t-1`, { x: 1 }, asA());
    expect(single.status).toBe(500);
    expect(single.json.rule).toBe('internal');
    const bulk = await request(base, 'POST', `/db/${a.db}/_bulk_docs`, { docs: [{ _id: 't-2' }] }, asA());
    expect(bulk.json).toEqual([expect.objectContaining({ id: 't-2', error: 'internal_error' })]);
    const stored = await request(base, 'POST', `/db/${a.db}/_all_docs`, { keys: ['t-1', 't-2'] }, ADMIN);
    expect(stored.json.rows.every((r: any) => r.error === 'not_found')).toBe(true);
  });

  it('malformed bodies are answered before the check', async () => {
    expect((await request(base, 'PUT', `/db/${a.db}/m-1`, '{"x":', asA())).json).toMatchObject({ error: 'bad_request', reason: 'invalid_json' });
    expect((await request(base, 'PUT', `/db/${a.db}/m-1`, 'x=1', asA(), { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await request(base, 'POST', `/db/${a.db}/_bulk_docs`, { docs: 'nope' }, asA())).status).toBe(400);
    expect((await request(base, 'PUT', `/db/${a.db}/m-1`, { _id: 'other' }, asA())).status).toBe(400);
    const rows = await request(base, 'POST', `/db/${a.db}/_bulk_docs`, { docs: [42, { _id: 7 }] }, asA());
    expect(rows.json.map((r: any) => r.error)).toEqual(['bad_request', 'bad_request']);
    expect(calls).toEqual([]);
  });
});

describe('classify (what a non-admin asks for)', () => {
  it.each([
    ['GET', [], 'read'],
    ['POST', [], 'create'],
    ['PUT', [], 'refuse'],
    ['DELETE', [], 'refuse'],
    ['GET', ['_all_docs'], 'read'],
    ['POST', ['_all_docs'], 'read'],
    ['POST', ['_find'], 'read'],
    ['POST', ['_bulk_get'], 'read'],
    ['POST', ['_revs_diff'], 'read'],
    ['GET', ['_changes'], 'read'],
    ['GET', ['_index'], 'read'],
    ['POST', ['_index'], 'refuse'],
    ['DELETE', ['_index', '_design', 'x', 'json', 'y'], 'refuse'],
    ['POST', ['_bulk_docs'], 'bulk'],
    ['GET', ['_security'], 'refuse'],
    ['POST', ['_temp_view'], 'refuse'],
    ['POST', ['_purge'], 'refuse'],
    ['POST', ['_compact'], 'refuse'],
    ['GET', ['_design', 'x'], 'refuse'],
    ['GET', ['_design%2Fx'], 'refuse'],
    ['PUT', ['_local', 'x'], 'refuse'],
    ['GET', ['doc'], 'read'],
    ['PUT', ['doc'], 'put'],
    ['DELETE', ['doc'], 'delete'],
    ['COPY', ['doc'], 'refuse'],
    ['GET', ['doc', 'att.txt'], 'read'],
    ['PUT', ['doc', 'att.txt'], 'refuse'],
    ['GET', ['%E0%A4%A'], 'refuse'],
  ])('%s %j → %s', (method, rest, op) => {
    expect(classify(method, rest).op).toBe(op);
  });
});

describe('names', () => {
  it('resident databases are resident-<hex of the user name>, and only that encoding names one', () => {
    expect(residentDbName('r-12345678')).toBe('resident-722d3132333435363738');
    expect(databaseKind('resident-722d3132333435363738')).toEqual({ kind: 'resident', owner: 'r-12345678' });
    expect(databaseKind('resident-722D3132333435363738').kind).toBe('other');
    expect(databaseKind('resident-7')).toEqual({ kind: 'other', name: 'resident-7' });
    expect(databaseKind('station-s1')).toEqual({ kind: 'station', station: 's1' });
    expect(databaseKind('station-S1').kind).toBe('other');
    expect(databaseKind('operations')).toEqual({ kind: 'operations' });
    expect(databaseKind('_users')).toEqual({ kind: 'other', name: '_users' });
    expect(databaseKind('router-state').kind).toBe('other');
  });
});

describe('hardenSessionCookie', () => {
  it('sets Path=/db; HttpOnly; SameSite=Strict (and Secure on TLS), keeping the rest', () => {
    expect(hardenSessionCookie('AuthSession=abc; Version=1; Path=/; HttpOnly', { secure: false })).toBe('AuthSession=abc; Version=1; Path=/db; HttpOnly; SameSite=Strict');
    expect(hardenSessionCookie('AuthSession=abc; Path=/; SameSite=None; Secure; Max-Age=600', { secure: true })).toBe(
      'AuthSession=abc; Max-Age=600; Path=/db; HttpOnly; SameSite=Strict; Secure',
    );
    expect(hardenSessionCookie('AuthSession=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT', { secure: false })).toBe(
      'AuthSession=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/db; HttpOnly; SameSite=Strict',
    );
    expect(hardenSessionCookie('other=1; Path=/', { secure: false })).toBe('other=1; Path=/');
  });

  it('makes a session cookie persistent for the session lifetime, and leaves a sign-out cookie expired', () => {
    // express-pouchdb passes its timeout in seconds as express's maxAge (milliseconds): replaced.
    expect(hardenSessionCookie('AuthSession=abc; Max-Age=0.6; Expires=Thu, 01 Jan 1970 00:00:01 GMT; Path=/', { secure: false, maxAgeSeconds: 604800 })).toBe(
      'AuthSession=abc; Max-Age=604800; Path=/db; HttpOnly; SameSite=Strict',
    );
    expect(hardenSessionCookie('AuthSession=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT', { secure: false, maxAgeSeconds: 604800 })).toBe(
      'AuthSession=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/db; HttpOnly; SameSite=Strict',
    );
  });
});

describe('SignInLimiter', () => {
  it('slows an account down on the network that failed only, growing up to the cap; a success resets that pair', () => {
    let now = 1_000_000;
    const limiter = new SignInLimiter({ freeFailures: 3, baseDelayMs: 1_000, maxDelayMs: 4_000, maxNetworkFailures: 100, forgetMs: 60_000, now: () => now });
    try {
      for (let i = 0; i < 2; i++) limiter.recordFailure('alice', '10.0.0.1');
      expect(limiter.isLocked('alice', '10.0.0.1')).toBe(false);
      limiter.recordFailure('alice', '10.0.0.1');
      expect(limiter.retryAfter('alice', '10.0.0.1')).toBe(1);
      expect(limiter.isLocked('alice', '10.0.0.77')).toBe(true); // the same /24
      expect(limiter.isLocked('alice', '10.0.1.1')).toBe(false); // another network: alice herself
      expect(limiter.isLocked('bob', '10.0.0.1')).toBe(false); // another account
      now += 1_000;
      expect(limiter.isLocked('alice', '10.0.0.1')).toBe(false);
      limiter.recordFailure('alice', '10.0.0.1');
      expect(limiter.retryAfter('alice', '10.0.0.1')).toBe(2);
      now += 2_000;
      limiter.recordFailure('alice', '10.0.0.1');
      limiter.recordFailure('alice', '10.0.0.1');
      expect(limiter.retryAfter('alice', '10.0.0.1')).toBe(4); // capped
      limiter.recordSuccess('alice', '10.0.0.1');
      expect(limiter.isLocked('alice', '10.0.0.1')).toBe(false);
    } finally {
      limiter.close();
    }
  });

  it('pauses a network after its limit of failures whatever the accounts; a success does not launder it; it ends', () => {
    let now = 0;
    const limiter = new SignInLimiter({ maxNetworkFailures: 20, forgetMs: 60_000, now: () => now });
    try {
      for (let i = 0; i < 19; i++) limiter.recordFailure(`user-${i}`, `10.0.9.${i}`);
      expect(limiter.isLocked('bob', '10.0.9.200')).toBe(false);
      limiter.recordSuccess('bob', '10.0.9.200');
      limiter.recordFailure('user-x', '10.0.9.250');
      expect(limiter.isLocked('bob', '10.0.9.200')).toBe(true);
      expect(limiter.isLocked('bob', '10.0.8.1')).toBe(false);
      now += 60_001;
      expect(limiter.isLocked('bob', '10.0.9.200')).toBe(false);
    } finally {
      limiter.close();
    }
  });

  it('forgets old failures', () => {
    let now = 0;
    const limiter = new SignInLimiter({ forgetMs: 1_000, now: () => now });
    try {
      for (let i = 0; i < 5; i++) limiter.recordFailure('carol', '10.1.1.1');
      now += 1_500;
      limiter.recordFailure('carol', '10.1.1.1');
      expect(limiter.isLocked('carol', '10.1.1.1')).toBe(false);
      limiter.prune();
      expect(limiter.pairs.size).toBe(1);
    } finally {
      limiter.close();
    }
  });

  it('groups addresses by network: IPv4 /24, IPv6 /64, IPv4-mapped IPv6 as IPv4', () => {
    expect(networkOf('192.0.2.7')).toBe('192.0.2.0/24');
    expect(networkOf('::ffff:192.0.2.200')).toBe('192.0.2.0/24');
    expect(networkOf('2001:db8:1:2:3::4')).toBe('2001:db8:1:2::/64');
    expect(networkOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(networkOf('::1')).toBe('0:0:0:0::/64');
  });

  it('keeps its counters in a private file across a restart', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hearthline-limiter-'));
    const file = path.join(dir, 'signin-limits.json');
    try {
      const first = new SignInLimiter({ maxNetworkFailures: 2, file });
      first.recordFailure('a', '203.0.113.1');
      first.recordFailure('b', '203.0.113.2');
      first.close();
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const second = new SignInLimiter({ maxNetworkFailures: 2, file });
      expect(second.isLocked('c', '203.0.113.3')).toBe(true);
      second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
