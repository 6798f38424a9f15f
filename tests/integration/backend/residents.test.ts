/**
 * Residents against the REAL server process (embedded mode, LevelDB in a temporary folder):
 * sign-up, sign-in, their own database, and what another resident or an anonymous visitor
 * gets from it (nothing) on every CouchDB endpoint. Also: system databases, database
 * create/delete, new_edits:false, design/local documents, headers, and a crash and restart.
 */
import { DESIGN_DOC_ID, designDocFor } from '../../../src/db/designDocs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type Site } from '../../support/server';
import { newResident, registerCustomer, request, signIn, signupBody, type Auth, type Resident } from '../../support/client';
import { residentSubmission } from '../../support/builders/backendEvents';

let site: Site;
let a: Resident;
let b: Resident;
const ADMIN_PASSWORD = 'admin-pw-for-residents-test';
/** The server admin: ours, or the external CouchDB's when the suite runs with COUCHDB_URL. */
const adminAuth = (): Auth => ({ basic: { name: site.adminUser, password: site.adminPassword! } });
const external = Boolean(process.env.COUCHDB_URL);

beforeAll(async () => {
  site = await startSite({ env: { HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  a = await newResident(site.url);
  b = await newResident(site.url, { community: 'demo-east' });
});

afterAll(async () => {
  await site?.stop();
});

const req = (method: string, p: string, body?: unknown, auth?: Auth, headers?: Record<string, string>) =>
  request(site.url, method, p, body, auth, headers);

describe('sign-up (POST /api/signup)', () => {
  it('creates the user, the resident database (members: only that user) and the profile', async () => {
    const body = signupBody({ phone: '+86 138-0013-8000' });
    await registerCustomer(site.url, { accountNumber: body.accountNumber, phones: ['13800138000'], station: 'demo' });
    const res = await req('POST', '/api/signup', body);
    expect(res.status).toBe(202);
    expect(res.json).toEqual({ ok: true, messageId: 'signup.received', reason: expect.stringMatching(/match our records/) });
    const db = `resident-${Buffer.from(`r-${body.accountNumber}`).toString('hex')}`;

    const user = await req('GET', `/db/_users/org.couchdb.user:r-${body.accountNumber}`, undefined, adminAuth());
    expect(user.json.roles).toEqual(['resident']);
    expect(user.json.password).toBeUndefined(); // stored hashed
    const security = await req('GET', `/db/${db}/_security`, undefined, adminAuth());
    expect(security.json).toEqual({ admins: { names: [], roles: [] }, members: { names: [`r-${body.accountNumber}`], roles: [] } });
    const profile = await req('GET', `/db/${db}/profile`, undefined, adminAuth());
    expect(profile.json).toMatchObject({
      docType: 'profile',
      accountNumber: body.accountNumber,
      phone: '13800138000', // normalised
      community: 'demo-garden',
      station: 'demo',
      noticeVersion: '2025-01',
    });
    expect(Date.parse(profile.json.consentedAt)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('answers a sign-up for an account number that already has an account like any other, and changes nothing', async () => {
    const res = await req('POST', '/api/signup', signupBody({ accountNumber: a.accountNumber, phone: a.phone, password: 'another password 1' }));
    expect(res.status).toBe(202);
    expect(res.json.messageId).toBe('signup.received');
    // …the first account still signs in with its own password, and not with the new one.
    expect((await signIn(site.url, a.name, a.password)).status).toBe(200);
    expect((await signIn(site.url, a.name, 'another password 1')).status).toBe(401);
  });

  it.each([
    ['accountNumber', { accountNumber: '1234567' }, 'signup.accountNumber.format'],
    ['accountNumber', { accountNumber: 12345678 }, 'signup.accountNumber.format'],
    ['phone', { phone: '12345' }, 'signup.phone.format'],
    ['phone', { phone: '02112345678' }, 'signup.phone.format'],
    ['password', { password: 'short' }, 'signup.password.short'],
    ['community', { community: 'Not An Id' }, 'signup.community.format'],
    ['community', { community: 'nowhere' }, 'signup.community.unknown'],
    ['consent', { consent: false }, 'signup.consent.required'],
    ['consent', { consent: undefined }, 'signup.consent.required'],
    ['noticeVersion', { noticeVersion: '' }, 'signup.noticeVersion.format'],
  ])('answers 400 naming the field %s (%j)', async (field, override, messageId) => {
    const res = await req('POST', '/api/signup', signupBody(override));
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: 'bad_request', field, messageId });
    expect(typeof res.json.reason).toBe('string');
  });

  it('refuses a body that is not JSON, too large, or not an object', async () => {
    expect((await req('POST', '/api/signup', 'accountNumber=1', undefined, { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await req('POST', '/api/signup', '{"accountNumber":', undefined)).json).toMatchObject({ error: 'bad_request', messageId: 'signup.body.invalid' });
    expect((await req('POST', '/api/signup', JSON.stringify({ ...signupBody(), pad: 'x'.repeat(20_000) }))).status).toBe(413);
    expect((await req('POST', '/api/signup', [])).json).toMatchObject({ field: '', messageId: 'signup.body.invalid' });
  });

  it('cannot be bypassed through _users (anonymous sign-up there is refused)', async () => {
    const res = await req('PUT', '/db/_users/org.couchdb.user:r-99999999', { name: 'r-99999999', password: 'x'.repeat(10), roles: [], type: 'user' });
    expect(res.status).toBe(401);
  });
});

describe('GET /api/communities', () => {
  it('lists the stations and their communities, public, without personal data', async () => {
    const res = await req('GET', '/api/communities');
    expect(res.status).toBe(200);
    expect(res.json.stations).toContainEqual(expect.objectContaining({ id: 'demo', communities: expect.arrayContaining([expect.objectContaining({ id: 'demo-garden' })]) }));
    expect(res.json.communities).toContainEqual(expect.objectContaining({ id: 'demo-east', station: 'demo' }));
    for (const r of [a, b]) {
      expect(res.text).not.toContain(r.phone);
      expect(res.text).not.toContain(r.accountNumber);
    }
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('sign-in cookie', () => {
  it('is AuthSession with Path=/db; HttpOnly; SameSite=Strict; Max-Age of a week, and no Secure over plain HTTP', async () => {
    const res = await signIn(site.url, a.name, a.password);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('AuthSession='))!;
    const attrs = cookie.split(';').slice(1).map((s) => s.trim().toLowerCase());
    expect(attrs).toContain('path=/db');
    expect(attrs).toContain('httponly');
    expect(attrs).toContain('samesite=strict');
    expect(attrs).not.toContain('secure');
    expect(attrs.filter((x) => x.startsWith('path='))).toEqual(['path=/db']);
    // Persistent for the session lifetime (a week by default), so closing the browser keeps it.
    expect(attrs.filter((x) => x.startsWith('max-age='))).toEqual(['max-age=604800']);
    expect(res.json).toMatchObject({ ok: true, name: a.name, roles: ['resident'] });
  });

  it('gets Secure behind TLS (X-Forwarded-Proto: https)', async () => {
    const res = await request(site.url, 'POST', '/db/_session', { name: a.name, password: a.password }, {}, { 'x-forwarded-proto': 'https' });
    expect(res.headers.getSetCookie().find((c) => c.startsWith('AuthSession='))).toMatch(/;\s*Secure/i);
  });

  it('the refreshed cookie on later requests is rewritten the same way', async () => {
    const res = await req('GET', `/db/${a.db}`, undefined, { cookie: a.cookie });
    expect(res.status).toBe(200);
    for (const c of res.headers.getSetCookie().filter((x) => x.startsWith('AuthSession='))) {
      expect(c).toMatch(/Path=\/db/);
      expect(c).toMatch(/SameSite=Strict/);
      expect(c).not.toMatch(/Path=\/(;|$)/);
    }
  });

  it('signing out clears the cookie on /db', async () => {
    // its own resident: signing out ends every session of the account (tests/integration/security/sessions.test.ts)
    const leaving = await newResident(site.url);
    const res = await req('DELETE', '/db/_session', undefined, { cookie: leaving.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie().find((c) => c.startsWith('AuthSession='))).toMatch(/Path=\/db/);
  });
});

describe("a resident's own database", () => {
  it('reads its profile and writes its own events (PUT, POST, _bulk_docs), read back everywhere', async () => {
    const auth = { cookie: a.cookie };
    const e1 = residentSubmission(a);
    const put = await req('PUT', `/db/${a.db}/${e1._id}`, e1, auth);
    expect(put.status, put.text).toBe(201);
    expect(put.json).toMatchObject({ ok: true, id: e1._id });

    const e2 = residentSubmission(a);
    const post = await req('POST', `/db/${a.db}`, e2, auth);
    expect(post.status, post.text).toBe(201);

    const e3 = residentSubmission(a);
    const bulk = await req('POST', `/db/${a.db}/_bulk_docs`, { docs: [e3] }, auth);
    expect(bulk.status).toBe(201);
    expect(bulk.json).toEqual([expect.objectContaining({ ok: true, id: e3._id })]);

    const all = await req('GET', `/db/${a.db}/_all_docs?include_docs=true`, undefined, auth);
    expect(all.json.rows.map((r: any) => r.id)).toEqual(expect.arrayContaining(['profile', e1._id, e2._id, e3._id]));
    const changes = await req('GET', `/db/${a.db}/_changes?include_docs=true`, undefined, auth);
    expect(changes.json.results.map((r: any) => r.id)).toEqual(expect.arrayContaining([e1._id, e2._id, e3._id]));
    const find = await req('POST', `/db/${a.db}/_find`, { selector: { docType: 'event' } }, auth);
    expect(find.json.docs).toHaveLength(3);
    const got = await req('POST', `/db/${a.db}/_bulk_get`, { docs: [{ id: 'profile' }] }, auth);
    expect(got.json.results[0].docs[0].ok.phone).toBe(a.phone);
    expect((await req('GET', `/db/${a.db}/profile`, undefined, auth)).json.accountNumber).toBe(a.accountNumber);
  });

  it('also accepts Basic credentials', async () => {
    const res = await req('GET', `/db/${a.db}/profile`, undefined, { basic: { name: a.name, password: a.password } });
    expect(res.status).toBe(200);
    expect(res.headers.get('www-authenticate')).toBeNull();
  });
});

describe("another resident, or nobody, gets nothing from A's database", () => {
  const endpoints = (db: string): [string, string, unknown?][] => [
    ['GET', `/db/${db}`],
    ['HEAD', `/db/${db}`],
    ['GET', `/db/${db}/_all_docs?include_docs=true`],
    ['POST', `/db/${db}/_all_docs`, { keys: ['profile'], include_docs: true }],
    ['GET', `/db/${db}/_changes?include_docs=true`],
    ['POST', `/db/${db}/_changes?include_docs=true`, {}],
    ['GET', `/db/${db}/_changes?feed=longpoll&since=0&include_docs=true`],
    ['POST', `/db/${db}/_find`, { selector: {} }],
    ['POST', `/db/${db}/_explain`, { selector: {} }],
    ['POST', `/db/${db}/_bulk_get`, { docs: [{ id: 'profile' }] }],
    ['GET', `/db/${db}/profile`],
    ['HEAD', `/db/${db}/profile`],
    ['GET', `/db/${db}/profile?revs_info=true`],
    ['GET', `/db/${db}/profile?open_revs=all`],
    ['POST', `/db/${db}/_revs_diff`, { profile: ['1-abc'] }],
    ['POST', `/db/${db}/_missing_revs`, { profile: ['1-abc'] }],
    ['GET', `/db/${db}/_index`],
    ['POST', `/db/${db}/_index`, { index: { fields: ['phone'] } }],
    ['GET', `/db/${db}/_security`],
    ['PUT', `/db/${db}/_security`, { admins: { names: [], roles: [] }, members: { names: ['intruder'], roles: [] } }],
    ['GET', `/db/${db}/_local/_security`],
    ['PUT', `/db/${db}/_local/_security`, { _id: '_local/_security', security: { members: { names: ['intruder'] } } }],
    ['PUT', `/db/${db}/_design/evil`, { views: { all: { map: 'function (d) { emit(d.phone) }' } } }],
    ['POST', `/db/${db}/_temp_view`, { map: 'function (d) { emit(d.phone) }' }],
    ['GET', `/db/${db}/_design_docs`],
    ['PUT', `/db/${db}/intruder`, { docType: 'event' }],
    ['POST', `/db/${db}`, { docType: 'event' }],
    ['POST', `/db/${db}/_bulk_docs`, { docs: [{ _id: 'intruder' }] }],
    ['DELETE', `/db/${db}/profile?rev=1-abc`],
    ['POST', `/db/${db}/_compact`],
    ['PUT', `/db/${db}`],
    ['DELETE', `/db/${db}`],
  ];

  it.each([
    ['resident B', () => ({ cookie: b.cookie }) as Auth, 403],
    ['resident B (Basic)', () => ({ basic: { name: b.name, password: b.password } }) as Auth, 403],
    ['nobody', () => ({}) as Auth, 401],
  ])('%s: every endpoint refused, no field of A in any answer', async (_who, auth, status) => {
    for (const [method, p, body] of endpoints(a.db)) {
      const res = await req(method, p, body, auth());
      expect([p, method, res.status]).toEqual([p, method, status]);
      expect(res.text).not.toContain(a.phone);
      expect(res.text).not.toContain(a.accountNumber);
      expect(res.headers.get('www-authenticate')).toBeNull();
    }
    // A's database is intact: the same security, the profile untouched, still there.
    const security = await req('GET', `/db/${a.db}/_security`, undefined, adminAuth());
    expect(security.json.members).toEqual({ names: [a.name], roles: [] });
    const docs = await req('GET', `/db/${a.db}/_all_docs`, undefined, adminAuth());
    expect(docs.json.rows.map((r: any) => r.id)).not.toContain('intruder');
    // no design document but the one setup generated, unchanged
    expect(docs.json.rows.filter((r: any) => r.id.startsWith('_design/')).map((r: any) => r.id)).toEqual([DESIGN_DOC_ID]);
    const dd = await req('GET', `/db/${a.db}/${DESIGN_DOC_ID}`, undefined, adminAuth());
    expect(dd.json.validate_doc_update).toBe(designDocFor({ kind: 'resident', owner: a.name }).validate_doc_update);
    expect((await req('GET', '/healthz')).status).toBe(200);
  });

  it('a database the admin deleted stays gone: its owner is told it is missing, and no write brings it back (without members it would be public)', async () => {
    const r = await newResident(site.url);
    // read and written first: the server keeps the database's security object
    expect((await req('GET', `/db/${r.db}/profile`, undefined, { cookie: r.cookie })).status).toBe(200);
    const e = residentSubmission(r);
    expect((await req('PUT', `/db/${r.db}/${e._id}`, e, { cookie: r.cookie })).status).toBe(201);
    expect((await req('DELETE', `/db/${r.db}`, undefined, adminAuth())).status).toBe(200);
    const next = residentSubmission(r);
    for (const [method, p, body] of [
      ['GET', `/db/${r.db}/profile`],
      ['PUT', `/db/${r.db}/${next._id}`, next],
      ['POST', `/db/${r.db}/_bulk_docs`, { docs: [residentSubmission(r)] }],
    ] as const) {
      const res = await req(method, p, body, { cookie: r.cookie });
      expect([method, p, res.status]).toEqual([method, p, 404]);
    }
    expect((await req('GET', `/db/${r.db}`, undefined, adminAuth())).status).toBe(404);
    expect((await req('GET', '/db/_all_dbs', undefined, adminAuth())).json).not.toContain(r.db);
  });

  it('cannot tell whether an account exists from the answer for its database', async () => {
    const missing = `resident-${Buffer.from('r-100000000001').toString('hex')}`;
    const existing = await req('GET', `/db/${a.db}/_all_docs`, undefined, { cookie: b.cookie });
    const absent = await req('GET', `/db/${missing}/_all_docs`, undefined, { cookie: b.cookie });
    expect(absent.status).toBe(existing.status);
    expect(absent.json).toEqual(existing.json);
  });
});

describe('databases that are not yours', () => {
  it('an empty members list is admin-only, never public', async () => {
    for (const name of ['station-empty-members', 'operations-copy']) {
      expect((await req('PUT', `/db/${name}`, undefined, adminAuth())).status).toBe(201);
      await req('PUT', `/db/${name}/_security`, { admins: { names: [], roles: [] }, members: { names: [], roles: [] } }, adminAuth());
      expect((await req('PUT', `/db/${name}/doc1`, { secret: 'only-admins-see-this' }, adminAuth())).status).toBe(201);
      for (const [auth, status] of [[{}, 401], [{ cookie: a.cookie }, 403]] as const) {
        for (const [method, p, body] of [
          ['GET', `/db/${name}/doc1`],
          ['GET', `/db/${name}/_all_docs?include_docs=true`],
          ['POST', `/db/${name}/_find`, { selector: {} }],
          ['POST', `/db/${name}/_bulk_get`, { docs: [{ id: 'doc1' }] }],
          ['GET', `/db/${name}/_changes?include_docs=true`],
        ] as const) {
          const res = await req(method, p, body, auth);
          expect([name, p, res.status]).toEqual([name, p, status]);
          expect(res.text).not.toContain('only-admins-see-this');
        }
      }
    }
  });

  it('a resident cannot read the operations or a station database', async () => {
    for (const db of ['operations', 'station-demo', 'router-state']) {
      expect((await req('GET', `/db/${db}/_all_docs`, undefined, { cookie: a.cookie })).status).toBe(403);
    }
  });

  it('non-admins cannot create or delete databases, and the server stays up', async () => {
    for (const auth of [{}, { cookie: a.cookie }] as Auth[]) {
      for (const name of ['brand-new-db', 'resident-00', a.db, 'operations']) {
        expect([401, 403]).toContain((await req('PUT', `/db/${name}`, undefined, auth)).status);
        expect([401, 403]).toContain((await req('DELETE', `/db/${name}`, undefined, auth)).status);
      }
    }
    expect((await req('GET', '/healthz')).json).toMatchObject({ ok: true });
    const dbs = await req('GET', '/db/_all_dbs', undefined, adminAuth());
    expect(dbs.json).not.toContain('brand-new-db');
    expect(dbs.json).toContain(a.db);
    expect(dbs.json).toContain('operations');
  });

  it('system databases and server settings are admin-only', async () => {
    for (const p of ['/db/_all_dbs', '/db/_users/_all_docs', `/db/_users/org.couchdb.user:${a.name}`, '/db/_config', '/db/_replicator', '/db/_active_tasks', '/db/_log', '/db/_utils/', '/db/_replicate']) {
      for (const [auth, status] of [[{}, 401], [{ cookie: a.cookie }, 403]] as const) {
        const res = await req('GET', p, undefined, auth);
        expect([p, res.status]).toEqual([p, status]);
        expect(res.text).not.toContain(a.accountNumber);
      }
    }
    // What sign-in needs stays open.
    expect((await req('GET', '/db/')).status).toBe(200);
    expect((await req('GET', '/db/_session')).json.userCtx).toEqual({ name: null, roles: [] });
    expect((await req('GET', '/db/_uuids')).status).toBe(200);
  });
});

describe('writes in your own database', () => {
  it('new_edits:false is refused (body and query), also for valid events', async () => {
    const auth = { cookie: a.cookie };
    const e = { ...residentSubmission(a), _rev: '1-abcdef' };
    const body = await req('POST', `/db/${a.db}/_bulk_docs`, { new_edits: false, docs: [e] }, auth);
    expect(body.status).toBe(403);
    expect(body.json).toMatchObject({ error: 'forbidden', rule: 'new-edits' });
    const query = await req('POST', `/db/${a.db}/_bulk_docs?new_edits=false`, { docs: [e] }, auth);
    expect(query.status).toBe(403);
    const put = await req('PUT', `/db/${a.db}/${e._id}?new_edits=false`, e, auth);
    expect(put.status).toBe(403);
    expect((await req('GET', `/db/${a.db}/${e._id}`, undefined, auth)).status).toBe(404);
  });

  it('design and local documents and attachments are refused', async () => {
    const auth = { cookie: a.cookie };
    const bulk = await req('POST', `/db/${a.db}/_bulk_docs`, { docs: [{ _id: '_design/x', views: {} }, { _id: '_local/_security', security: {} }] }, auth);
    expect(bulk.status).toBe(201);
    expect(bulk.json).toEqual([
      expect.objectContaining({ id: '_design/x', error: 'forbidden', rule: 'reserved-id' }),
      expect.objectContaining({ id: '_local/_security', error: 'forbidden', rule: 'reserved-id' }),
    ]);
    expect((await req('PUT', `/db/${a.db}/_design%2Fx`, { views: {} }, auth)).status).toBe(403);
    const e = { ...residentSubmission(a), _attachments: { 'a.txt': { content_type: 'text/plain', data: 'aGk=' } } };
    expect((await req('PUT', `/db/${a.db}/${e._id}`, e, auth)).json).toMatchObject({ rule: 'attachments' });
    expect((await req('PUT', `/db/${a.db}/${e._id}/a.txt`, 'hi', auth, { 'content-type': 'text/plain' })).json).toMatchObject({ rule: 'attachments' });
    const sec = await req('GET', `/db/${a.db}/_security`, undefined, adminAuth());
    expect(sec.json.members).toEqual({ names: [a.name], roles: [] });
  });

  it('an event by another author is refused, naming the rule', async () => {
    const e = residentSubmission(a);
    e.author = { ...e.author, name: b.name };
    const res = await req('PUT', `/db/${a.db}/${e._id}`, e, { cookie: a.cookie });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ error: 'forbidden', rule: 'author-is-user' });
    expect(res.json.reason).toContain('author');
  });

  it('a staff-only event type is refused, naming the rule', async () => {
    const e = residentSubmission(a);
    Object.assign(e, { type: 'dispatched', requestKind: 'repair', payload: { technician: 'wang', technicianName: '王师傅', visitAt: new Date().toISOString() } });
    const res = await req('PUT', `/db/${a.db}/${e._id}`, e, { cookie: a.cookie });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ error: 'forbidden', rule: 'may-emit' });
  });

  it('a change to an existing event, or its deletion, is refused, naming the rule', async () => {
    const auth = { cookie: a.cookie };
    const e = residentSubmission(a);
    const first = await req('PUT', `/db/${a.db}/${e._id}`, e, auth);
    expect(first.status).toBe(201);
    const changed = { ...e, _rev: first.json.rev, payload: { ...e.payload, question: 'changed' } };
    const put = await req('PUT', `/db/${a.db}/${e._id}`, changed, auth);
    expect(put.status).toBe(403);
    expect(put.json).toMatchObject({ rule: 'never-changed' });
    // Without a _rev the id still exists: the validator is told so (existing: true).
    const again = await req('POST', `/db/${a.db}/_bulk_docs`, { docs: [{ ...e, payload: { ...e.payload, question: 'again' } }] }, auth);
    expect(again.json).toEqual([expect.objectContaining({ id: e._id, error: 'forbidden', rule: 'never-changed' })]);
    // The same event sent again (a push whose answer was lost): a conflict, as CouchDB answers a
    // create of a held id, which the device counts as delivered; nothing is stored twice.
    const resent = await req('POST', `/db/${a.db}/_bulk_docs`, { docs: [e] }, auth);
    expect(resent.json).toEqual([expect.objectContaining({ id: e._id, error: 'conflict' })]);
    expect((await req('PUT', `/db/${a.db}/${e._id}`, e, auth)).status).toBe(409);
    const del = await req('DELETE', `/db/${a.db}/${e._id}?rev=${first.json.rev}`, undefined, auth);
    expect(del.status).toBe(403);
    expect(del.json).toMatchObject({ rule: 'never-deleted' });
    expect((await req('GET', `/db/${a.db}/${e._id}`, undefined, auth)).json.payload.question).toBe(e.payload.question);
  });

  it('one id twice in one _bulk_docs: the second row is refused by rule (each row is checked against the database as it was before the batch, so it would pass as a creation while changing the first)', async () => {
    const auth = { cookie: a.cookie };
    const e = residentSubmission(a);
    // The second row names a revision: whatever the first is stored as, it must not go through as "new".
    const twice = await req('POST', `/db/${a.db}/_bulk_docs`, { docs: [e, { ...e, _rev: '1-00000000000000000000000000000000', payload: { ...e.payload, question: 'changed in the same batch' } }] }, auth);
    expect(twice.status).toBe(201);
    expect(twice.json).toEqual([expect.objectContaining({ id: e._id, ok: true }), expect.objectContaining({ id: e._id, error: 'forbidden', rule: 'duplicate-id' })]);
    expect((await req('GET', `/db/${a.db}/${e._id}`, undefined, auth)).json.payload.question).toBe(e.payload.question);
  });

  it('an id written or deleted by someone else between two of the resident\'s writes still counts as existing (the guard no longer asks the database for each id)', async () => {
    const auth = { cookie: a.cookie };
    // The guard's own write first, so the next check may lean on what it knows of the database.
    const own = residentSubmission(a);
    expect((await req('PUT', `/db/${a.db}/${own._id}`, own, auth)).status).toBe(201);
    // Straight into the database as the server admin (as the router or an admin's repair writes).
    const byAdmin = residentSubmission(a);
    const stored = await req('PUT', `/db/${a.db}/${byAdmin._id}`, byAdmin, adminAuth());
    expect(stored.status).toBe(201);
    const changed = await req('POST', `/db/${a.db}/_bulk_docs`, { docs: [{ ...byAdmin, payload: { ...byAdmin.payload, question: 'mine now' } }] }, auth);
    expect(changed.json).toEqual([expect.objectContaining({ id: byAdmin._id, error: 'forbidden', rule: 'never-changed' })]);
    // Deleted by the admin: the id has a revision still, so a new document under it is a change.
    expect((await req('DELETE', `/db/${a.db}/${byAdmin._id}?rev=${stored.json.rev}`, undefined, adminAuth())).status).toBe(200);
    const recreated = await req('PUT', `/db/${a.db}/${byAdmin._id}`, { ...byAdmin, payload: { ...byAdmin.payload, question: 'again' } }, auth);
    expect(recreated.status).toBe(403);
    expect(recreated.json).toMatchObject({ rule: 'never-changed' });
  });

  it('a malformed event is refused, naming the field', async () => {
    const e = residentSubmission(a);
    delete e.payload.question;
    const res = await req('PUT', `/db/${a.db}/${e._id}`, e, { cookie: a.cookie });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ error: 'forbidden', rule: 'well-formed' });
    expect(res.json.reason).toContain('payload.question');
  });

  it('_bulk_docs lets valid rows through and answers each refused row by id', async () => {
    const auth = { cookie: a.cookie };
    const good1 = residentSubmission(a);
    const good2 = residentSubmission(a);
    const foreign = { ...residentSubmission(a), author: { name: b.name, role: 'resident', device: 'x' } };
    const malformed = { ...residentSubmission(a), at: 'yesterday' };
    const res = await req('POST', `/db/${a.db}/_bulk_docs`, { docs: [foreign, good1, malformed, good2] }, auth);
    expect(res.status).toBe(201);
    const byId = new Map(res.json.map((r: any) => [r.id, r]));
    expect(byId.get(good1._id)).toMatchObject({ ok: true });
    expect(byId.get(good2._id)).toMatchObject({ ok: true });
    expect(byId.get(foreign._id)).toMatchObject({ error: 'forbidden', rule: 'author-is-user' });
    expect(byId.get(malformed._id)).toMatchObject({ error: 'forbidden', rule: 'well-formed' });
    expect((byId.get(malformed._id) as any).reason).toContain('at');
    const stored = await req('POST', `/db/${a.db}/_all_docs`, { keys: [good1._id, good2._id, foreign._id, malformed._id] }, auth);
    expect(stored.json.rows.map((r: any) => Boolean(r.value))).toEqual([true, true, false, false]);
  });

  it("a resident cannot write into another resident's database even with a valid event", async () => {
    const res = await req('POST', `/db/${b.db}/_bulk_docs`, { docs: [residentSubmission(a)] }, { cookie: a.cookie });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ rule: 'membership' });
  });
});

describe('headers on /db and /api', () => {
  it('carry the security headers, no-store, and no CORS', async () => {
    for (const [method, p, body, auth] of [
      ['GET', '/db/', undefined, {}],
      ['GET', `/db/${a.db}/profile`, undefined, { cookie: a.cookie }],
      ['GET', `/db/${a.db}/profile`, undefined, {}],
      ['GET', '/api/communities', undefined, {}],
      ['POST', '/api/signup', {}, {}],
    ] as const) {
      const res = await req(method, p, body, auth, { origin: 'https://evil.example' });
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      if (p !== '/db/') expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('refuses state-changing requests from another origin', async () => {
    const e = residentSubmission(a);
    const res = await req('PUT', `/db/${a.db}/${e._id}`, e, { cookie: a.cookie }, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ rule: 'same-origin' });
    const same = await req('PUT', `/db/${a.db}/${e._id}`, e, { cookie: a.cookie }, { origin: site.url });
    expect(same.status).toBe(201);
    const preflight = await req('OPTIONS', `/db/${a.db}`, undefined, {}, { origin: 'https://evil.example', 'access-control-request-method': 'PUT' });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });
});

// Embedded: LevelDB on disk, the admin password printed once and stored hashed. With the suite's
// CouchDB the data is CouchDB's: what a crash of the server must keep is the same.
describe('a crash and a restart', () => {
  it('keeps accounts, events and sessions; embedded: prints no admin password again, stores it hashed', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hearthline-restart-'));
    try {
      const first = await startSite({ dataDir, env: { HEARTHLINE_ADMIN_PASSWORD: '' } });
      const printed = first.adminPassword;
      if (!external) expect(printed).toMatch(/^[\w-]{20,}$/);
      const r = await newResident(first.url);
      const e = residentSubmission(r);
      expect((await request(first.url, 'PUT', `/db/${r.db}/${e._id}`, e, { cookie: r.cookie })).status).toBe(201);
      await first.kill(); // SIGKILL: no clean shutdown

      const second = await startSite({ dataDir, env: { HEARTHLINE_ADMIN_PASSWORD: '' } });
      try {
        expect(second.output()).not.toContain('admin password');
        // The cookie from before the crash still works: the cookie secret is persisted.
        const doc = await request(second.url, 'GET', `/db/${r.db}/${e._id}`, undefined, { cookie: r.cookie });
        expect(doc.status).toBe(200);
        expect(doc.json.payload.question).toBe(e.payload.question);
        expect((await signIn(second.url, r.name, r.password)).status).toBe(200);
        const dbs = await request(second.url, 'GET', '/db/_all_dbs', undefined, { basic: { name: first.adminUser, password: printed! } });
        expect(dbs.json).toEqual(expect.arrayContaining(['operations', 'router-state', 'station-demo', r.db]));
      } finally {
        await second.stop();
      }
      if (external) return; // CouchDB's admin is CouchDB's: no config file of ours
      const config = readFileSync(path.join(dataDir, 'pouchdb-config.json'), 'utf8');
      expect(config).not.toContain(printed!);
      expect(JSON.parse(config).admins.admin).toMatch(/^-pbkdf2-/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it.skipIf(external)('refuses a second server on the same data folder with a clear message (embedded: LevelDB is one process a folder)', async () => {
    await expect(startSite({ dataDir: site.dataDir })).rejects.toThrow(/in use by another Hearthline process/);
  });
});
