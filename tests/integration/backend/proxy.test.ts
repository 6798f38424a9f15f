/**
 * Proxy mode (COUCHDB_URL). No Apache CouchDB is installed here, so a second REAL server in
 * embedded mode plays the external CouchDB: the proxy server gets
 * COUCHDB_URL=http://admin:<pw>@127.0.0.1:<port>/db and runs setup, the accounts API and the
 * guard against it. Then the proxy module on its own against a bare HTTP server, for what the
 * two-server test cannot see (headers sent upstream, streaming).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProxy } from '../../../server/backend/proxy.mjs';
import { createRemoteStore } from '../../../server/backend/remote.mjs';
import { responseHeaders } from '../../../server/backend/responseHeaders.mjs';
import { startSite, type Site } from '../../support/server';
import { admin, newResident, request, signIn, type Resident } from '../../support/client';
import { residentSubmission } from '../../support/builders/backendEvents';

const UPSTREAM_PASSWORD = 'upstream-admin-Secret-42';

describe('a Hearthline server in proxy mode', () => {
  let upstream: Site;
  let proxy: Site;
  let a: Resident;
  let b: Resident;

  beforeAll(async () => {
    upstream = await startSite({ env: { COUCHDB_URL: '', HEARTHLINE_ADMIN_PASSWORD: UPSTREAM_PASSWORD, HEARTHLINE_DEMO: '0' } });
    proxy = await startSite({
      env: { COUCHDB_URL: `http://admin:${encodeURIComponent(UPSTREAM_PASSWORD)}@${new URL(upstream.url).host}/db`, HEARTHLINE_ADMIN_PASSWORD: '' },
    });
    a = await newResident(proxy.url);
    b = await newResident(proxy.url);
  });
  afterAll(async () => {
    await proxy?.stop();
    await upstream?.stop();
  });

  /** Every answer of the proxy is checked for the upstream's credentials and address. */
  function clean(res: { text: string; headers: Headers }) {
    const all = res.text + JSON.stringify([...res.headers]);
    expect(all).not.toContain(UPSTREAM_PASSWORD);
    expect(all).not.toContain(new URL(upstream.url).host);
  }

  it('says so at start, without the credentials, and runs setup on the external server', async () => {
    expect(proxy.output()).toMatch(/backend: proxy to Apache CouchDB at http:\/\/127\.0\.0\.1:\d+\/db/);
    expect(proxy.output()).not.toContain(UPSTREAM_PASSWORD);
    expect(proxy.output()).toMatch(/seeded the demo station/);
    const dbs = await request(upstream.url, 'GET', '/db/_all_dbs', undefined, { basic: { name: 'admin', password: UPSTREAM_PASSWORD } });
    expect(dbs.json).toEqual(expect.arrayContaining(['operations', 'router-state', 'station-demo', a.db]));
    const communities = await request(proxy.url, 'GET', '/api/communities');
    expect(communities.json.communities.map((c: any) => c.id)).toEqual(['demo-garden', 'demo-east']);
  });

  it('passes the session cookie through, rewritten to Path=/db; HttpOnly; SameSite=Strict', async () => {
    const res = await signIn(proxy.url, a.name, a.password);
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('AuthSession='))!;
    expect(cookie).toMatch(/; Path=\/db; HttpOnly; SameSite=Strict$/);
    clean(res);
    const session = await request(proxy.url, 'GET', '/db/_session', undefined, { cookie: a.cookie });
    expect(session.json.userCtx).toEqual({ name: a.name, roles: ['resident'] });
  });

  it('serves the resident their own database and validated writes', async () => {
    const e = residentSubmission(a);
    const put = await request(proxy.url, 'PUT', `/db/${a.db}/${e._id}`, e, { cookie: a.cookie });
    expect(put.status, put.text).toBe(201);
    clean(put);
    const bad = { ...residentSubmission(a), author: { name: b.name, role: 'resident', device: 'x' } };
    const bulk = await request(proxy.url, 'POST', `/db/${a.db}/_bulk_docs`, { docs: [bad, residentSubmission(a)] }, { cookie: a.cookie });
    expect(bulk.json).toEqual([expect.objectContaining({ id: bad._id, rule: 'author-is-user' }), expect.objectContaining({ ok: true })]);
    const all = await request(proxy.url, 'GET', `/db/${a.db}/_all_docs?include_docs=true`, undefined, { cookie: a.cookie });
    expect(all.json.rows.map((r: any) => r.id)).toEqual(expect.arrayContaining(['profile', e._id]));
    clean(all);
    expect((await request(proxy.url, 'POST', `/db/${a.db}/_bulk_docs`, { new_edits: false, docs: [] }, { cookie: a.cookie })).status).toBe(403);
  });

  it("refuses another resident on every endpoint of A's database", async () => {
    for (const [method, p, body] of [
      ['GET', `/db/${a.db}/_all_docs?include_docs=true`],
      ['GET', `/db/${a.db}/_changes?include_docs=true`],
      ['POST', `/db/${a.db}/_find`, { selector: {} }],
      ['POST', `/db/${a.db}/_bulk_get`, { docs: [{ id: 'profile' }] }],
      ['GET', `/db/${a.db}/profile`],
      ['POST', `/db/${a.db}/_revs_diff`, { profile: ['1-a'] }],
      ['POST', `/db/${a.db}/_index`, { index: { fields: ['phone'] } }],
      ['PUT', `/db/${a.db}`],
      ['DELETE', `/db/${a.db}`],
    ] as const) {
      const res = await request(proxy.url, method, p, body, { cookie: b.cookie });
      expect([p, res.status]).toEqual([p, 403]);
      expect(res.text).not.toContain(a.phone);
      expect(res.text).not.toContain(a.accountNumber);
    }
    expect((await request(proxy.url, 'GET', '/db/_all_dbs', undefined, { cookie: b.cookie })).status).toBe(403);
  });

  it('a member taken out of a database by the admin through /db is refused at once, though the server keeps security objects', async () => {
    const r = await newResident(proxy.url);
    const upstreamAdmin = { basic: { name: 'admin', password: UPSTREAM_PASSWORD } };
    // read and written: the server now holds the database's security object (remote.mjs securityTtlMs)
    expect((await request(proxy.url, 'GET', `/db/${r.db}/profile`, undefined, { cookie: r.cookie })).status).toBe(200);
    const e = residentSubmission(r);
    expect((await request(proxy.url, 'PUT', `/db/${r.db}/${e._id}`, e, { cookie: r.cookie })).status).toBe(201);
    const held = (await request(proxy.url, 'GET', `/db/${r.db}/_security`, undefined, upstreamAdmin)).json;
    const out = await request(proxy.url, 'PUT', `/db/${r.db}/_security`, { ...held, members: { names: [], roles: [] } }, upstreamAdmin);
    expect(out.status, out.text).toBe(200);
    for (const [method, p, body] of [
      ['GET', `/db/${r.db}/profile`],
      ['GET', `/db/${r.db}/_changes?include_docs=true`],
      ['POST', `/db/${r.db}/_bulk_docs`, { docs: [residentSubmission(r)] }],
    ] as const) {
      const res = await request(proxy.url, method, p, body, { cookie: r.cookie });
      expect([p, res.status]).toEqual([p, 403]);
    }
    expect((await request(proxy.url, 'PUT', `/db/${r.db}/_security`, held, upstreamAdmin)).status).toBe(200);
    expect((await request(proxy.url, 'GET', `/db/${r.db}/profile`, undefined, { cookie: r.cookie })).status).toBe(200);
    // a database deleted by the admin is told missing to its owner at once, not served from the kept object
    expect((await request(proxy.url, 'DELETE', `/db/${r.db}`, undefined, upstreamAdmin)).status).toBe(200);
    const gone = await request(proxy.url, 'GET', `/db/${r.db}/profile`, undefined, { cookie: r.cookie });
    expect(gone.status).toBe(404);
  });

  it('the remote store keeps a security object for its TTL, forgets it on its own writes, and never keeps a missing database', async () => {
    const url = `http://admin:${encodeURIComponent(UPSTREAM_PASSWORD)}@${new URL(upstream.url).host}/db`;
    const store = createRemoteStore({ url, mode: 'remote', securityTtlMs: 60_000 });
    const upstreamAdmin = { basic: { name: 'admin', password: UPSTREAM_PASSWORD } };
    const name = `station-ttl-${Date.now().toString(36)}`;
    await expect(store.getSecurity(name)).rejects.toMatchObject({ status: 404 });
    await store.createDb(name);
    expect(await store.getSecurity(name)).toEqual({}); // made meanwhile: seen at once
    const first = { admins: { names: [], roles: [] }, members: { names: [], roles: ['station:ttl'] } };
    await store.putSecurity(name, first);
    expect(await store.getSecurity(name)).toEqual(first); // its own write: seen at once
    // a change made elsewhere (another server, CouchDB itself) is seen within the TTL, not before
    const second = { admins: { names: [], roles: [] }, members: { names: [], roles: ['station:other'] } };
    expect((await request(upstream.url, 'PUT', `/db/${name}/_security`, second, upstreamAdmin)).status).toBe(200);
    expect(await store.getSecurity(name)).toEqual(first);
    store.forgetSecurity(name);
    expect(await store.getSecurity(name)).toEqual(second);
    // what the caller changes in an answer is not what the next caller gets
    const answer = await store.getSecurity(name);
    answer.members!.roles!.push('station:mutated');
    expect(await store.getSecurity(name)).toEqual(second);
    await store.deleteDb(name);
    await expect(store.getSecurity(name)).rejects.toMatchObject({ status: 404 });
    // without a TTL every read asks
    const plain = createRemoteStore({ url, mode: 'remote' });
    await plain.createDb(name);
    await plain.putSecurity(name, first);
    expect((await request(upstream.url, 'PUT', `/db/${name}/_security`, second, upstreamAdmin)).status).toBe(200);
    expect(await plain.getSecurity(name)).toEqual(second);
    await plain.deleteDb(name);
  });

  it('streams a long-poll _changes feed', async () => {
    const since = (await request(proxy.url, 'GET', `/db/${a.db}/_changes?descending=true&limit=1`, undefined, { cookie: a.cookie })).json.last_seq;
    const waiting = request(proxy.url, 'GET', `/db/${a.db}/_changes?feed=longpoll&since=${encodeURIComponent(since)}&timeout=10000`, undefined, { cookie: a.cookie });
    await new Promise((r) => setTimeout(r, 300));
    const e = residentSubmission(a);
    await request(proxy.url, 'PUT', `/db/${a.db}/${e._id}`, e, { cookie: a.cookie });
    const changes = await waiting;
    expect(changes.json.results.map((r: any) => r.id)).toContain(e._id);
  });

  it('the admin CLI works through the proxy with the external admin credentials', async () => {
    const res = await admin(proxy, ['create-staff', '--name', `px-${Date.now().toString(36)}`, '--role', 'hotline', '--json']);
    expect(res.code, res.stderr).toBe(0);
    expect(proxy.adminPassword).toBe(UPSTREAM_PASSWORD);
  });

  it('counts failed sign-ins like embedded mode', async () => {
    const r = await newResident(proxy.url);
    for (let i = 0; i < 6; i++) expect((await signIn(proxy.url, r.name, 'wrong-password')).status).toBe(401);
    const locked = await signIn(proxy.url, r.name, r.password);
    expect(locked.status).toBe(401);
    expect(locked.json.reason).toMatch(/paused after too many attempts/);
  });

  it('bounds each request as in embedded mode: bodies, documents per _bulk_docs, $regex; reads go through with a limit', async () => {
    const many = await request(proxy.url, 'POST', `/db/${a.db}/_bulk_docs`, { docs: Array.from({ length: 1001 }, (_, i) => ({ _id: `x${i}` })) }, { cookie: a.cookie });
    expect(many.status).toBe(413);
    expect(many.json.rule).toBe('bulk-docs-count');
    const regex = await request(proxy.url, 'POST', `/db/${a.db}/_find`, { selector: { type: { $regex: '^(a+)+$' } } }, { cookie: a.cookie });
    expect(regex.status).toBe(400);
    expect(regex.json.rule).toBe('find-selector');
    const big = await request(proxy.url, 'POST', `/db/${a.db}/_all_docs`, { keys: ['k'.repeat(2 * 1024 * 1024)] }, { cookie: a.cookie });
    expect(big.status).toBe(413);
    // the body the guard read is forwarded: the keys come back from CouchDB
    const keys = await request(proxy.url, 'POST', `/db/${a.db}/_all_docs`, { keys: ['profile'] }, { cookie: a.cookie });
    expect(keys.json.rows.map((r: any) => r.id)).toEqual(['profile']);
    const find = await request(proxy.url, 'POST', `/db/${a.db}/_find`, { selector: { docType: 'profile' } }, { cookie: a.cookie });
    expect(find.json.docs.map((d: any) => d._id)).toEqual(['profile']);
    clean(find);
  });

  it('ends sessions as in embedded mode: a signed-out cookie is refused and not renewed', async () => {
    const r = await newResident(proxy.url);
    expect((await request(proxy.url, 'DELETE', '/db/_session', undefined, { cookie: r.cookie })).status).toBe(200);
    const db = await request(proxy.url, 'GET', `/db/${r.db}`, undefined, { cookie: r.cookie });
    expect(db.status).toBe(401);
    const session = await request(proxy.url, 'GET', '/db/_session', undefined, { cookie: r.cookie });
    expect(session.json.userCtx.name).toBeNull();
    expect(session.headers.getSetCookie().some((c) => /^AuthSession=[^;]/.test(c))).toBe(false);
    const again = await signIn(proxy.url, r.name, r.password);
    expect((await request(proxy.url, 'GET', `/db/${r.db}`, undefined, { cookie: again.cookie })).status).toBe(200);
  });

  it('answers 502 without the credentials when the external server is down', async () => {
    await upstream.stop();
    const res = await request(proxy.url, 'GET', '/db/', undefined, {});
    expect(res.status).toBe(502);
    expect(res.json).toMatchObject({ error: 'bad_gateway' });
    clean(res);
    const api = await request(proxy.url, 'GET', '/api/communities');
    expect(api.status).toBe(502);
    clean(api);
  });
});

describe('the proxy module against a bare HTTP server', () => {
  let upstream: http.Server;
  let front: http.Server;
  let frontUrl: string;
  let namespaced: http.Server;
  let namespacedUrl: string;
  let seen: { method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    upstream = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        if (req.url?.startsWith('/couch/_all_dbs')) {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(['_users', 'other-operations', 'tns-operations', 'tns-station-demo']));
          return;
        }
        if (req.url?.startsWith('/couch/_db_updates')) {
          res.writeHead(200, { 'content-type': 'application/json' });
          const results = ['other-operations', 'tns-station-demo', '_users'].map((db_name, i) => ({ db_name, type: 'updated', seq: `${i + 1}-g1` }));
          res.end(JSON.stringify({ results, last_seq: '3-g1' }));
          return;
        }
        if (req.url?.startsWith('/couch/stream')) {
          // Three chunks 300 ms apart: the client must get the first before the last is sent.
          res.writeHead(200, { 'content-type': 'text/plain', connection: 'keep-alive', 'keep-alive': 'timeout=5' });
          let n = 0;
          const t = setInterval(() => {
            res.write(`chunk ${n}\n`);
            if (++n === 3) {
              clearInterval(t);
              res.end();
            }
          }, 300);
          return;
        }
        res.writeHead(201, {
          'content-type': 'application/json',
          location: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/couch/db1/doc1`,
          'www-authenticate': 'Basic realm="server"',
          'access-control-allow-origin': '*',
          'set-cookie': ['AuthSession=xyz; Version=1; Path=/; HttpOnly'],
        });
        res.end(JSON.stringify({ ok: true }));
      });
    });
    upstream.listen(0, '127.0.0.1');
    await new Promise((r) => upstream.once('listening', r));
    const port = (upstream.address() as AddressInfo).port;
    const couchUrl = `http://admin:s3cret@127.0.0.1:${port}/couch`;
    const app = express();
    app.use('/db', responseHeaders({ upstreamBase: `http://127.0.0.1:${port}/couch` }), createProxy({ couchUrl }));
    front = app.listen(0, '127.0.0.1');
    await new Promise((r) => front.once('listening', r));
    frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
    // the same upstream seen by a server with a namespace of databases (HEARTHLINE_DB_PREFIX)
    const spaced = express();
    spaced.use('/db', createProxy({ couchUrl, dbPrefix: 'tns-' }));
    namespaced = spaced.listen(0, '127.0.0.1');
    await new Promise((r) => namespaced.once('listening', r));
    namespacedUrl = `http://127.0.0.1:${(namespaced.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => namespaced?.close(r));
    await new Promise((r) => front?.close(r));
    await new Promise((r) => upstream?.close(r));
  });

  it("forwards the client's own credentials and session cookie only, never the admin's", async () => {
    seen = [];
    const res = await fetch(`${frontUrl}/db/db1/doc1?x=1`, {
      method: 'PUT',
      headers: {
        'content-type': 'application/json',
        authorization: 'Basic dXNlcjpwdw==',
        cookie: 'theme=dark; AuthSession=abc; other=1',
        'x-forwarded-for': '1.2.3.4',
      },
      body: JSON.stringify({ a: 1 }),
    });
    expect(res.status).toBe(201);
    const got = seen[0]!;
    expect(got.method).toBe('PUT');
    expect(got.url).toBe('/couch/db1/doc1?x=1');
    expect(got.headers.authorization).toBe('Basic dXNlcjpwdw==');
    expect(got.headers.cookie).toBe('AuthSession=abc');
    expect(got.headers['x-forwarded-for']).toBeUndefined();
    expect(got.body).toBe('{"a":1}');
    expect(JSON.stringify(got.headers)).not.toContain(Buffer.from('admin:s3cret').toString('base64'));

    // Answers: cookie hardened, Location relative to /db, no WWW-Authenticate, no CORS.
    expect(res.headers.getSetCookie()).toEqual(['AuthSession=xyz; Version=1; Path=/db; HttpOnly; SameSite=Strict']);
    expect(res.headers.get('location')).toBe('/db/db1/doc1');
    expect(res.headers.get('www-authenticate')).toBeNull();
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const anonymous = await fetch(`${frontUrl}/db/db1`);
    await anonymous.text();
    expect(seen[1]!.headers.authorization).toBeUndefined();
  });

  it('in a namespace: our databases carry its prefix upstream, CouchDB\u2019s own do not, and the lists name only ours, in our names', async () => {
    seen = [];
    for (const p of ['/db/operations/doc1?rev=1-a', '/db/resident-722d31/_changes?since=0', '/db/_users/org.couchdb.user:r-1', '/db/_session', '/db/']) {
      await (await fetch(namespacedUrl + p)).text();
    }
    expect(seen.map((x) => x.url)).toEqual([
      '/couch/tns-operations/doc1?rev=1-a',
      '/couch/tns-resident-722d31/_changes?since=0',
      '/couch/_users/org.couchdb.user:r-1',
      '/couch/_session',
      '/couch/',
    ]);
    expect(await (await fetch(`${namespacedUrl}/db/_all_dbs`)).json()).toEqual(['_users', 'operations', 'station-demo']);
    const updates = await (await fetch(`${namespacedUrl}/db/_db_updates?feed=longpoll&since=now`)).json();
    expect(updates).toEqual({ results: [{ db_name: 'station-demo', type: 'updated', seq: '2-g1' }, { db_name: '_users', type: 'updated', seq: '3-g1' }], last_seq: '3-g1' });
    // an account written through /db (the admin CLI's create-staff) carries the namespace, as the server's own do
    seen = [];
    await fetch(`${namespacedUrl}/db/_users/org.couchdb.user:dp-1`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'dp-1', type: 'user', roles: ['staff'], password: 'pw' }) });
    await fetch(`${namespacedUrl}/db/_users/_bulk_docs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ docs: [{ _id: 'org.couchdb.user:dp-2', name: 'dp-2' }, { _id: '_design/x' }] }) });
    expect(JSON.parse(seen[0]!.body)).toEqual({ _id: 'org.couchdb.user:dp-1', name: 'dp-1', type: 'user', roles: ['staff'], password: 'pw', hearthlineNamespace: 'tns-' });
    expect(JSON.parse(seen[1]!.body).docs).toEqual([{ _id: 'org.couchdb.user:dp-2', name: 'dp-2', hearthlineNamespace: 'tns-' }, { _id: '_design/x' }]);
    // without a namespace the same answer passes untouched
    expect(await (await fetch(`${frontUrl}/db/_all_dbs`)).json()).toEqual(['_users', 'other-operations', 'tns-operations', 'tns-station-demo']);
  });

  it('streams the answer as it comes', async () => {
    const t0 = Date.now();
    const res = await fetch(`${frontUrl}/db/stream`);
    const reader = res.body!.getReader();
    const first = await reader.read();
    const firstAt = Date.now() - t0;
    expect(new TextDecoder().decode(first.value)).toContain('chunk 0');
    let rest = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      rest += new TextDecoder().decode(value);
    }
    expect(rest).toContain('chunk 2');
    expect(firstAt).toBeLessThan(Date.now() - t0 - 300);
  });
});

describe('the remote store’s kept security objects against a slow CouchDB', () => {
  it('a read under way when the object is forgotten keeps nothing: the next read asks again', async () => {
    let asked = 0;
    let members = ['before'];
    const couch = http.createServer((req, res) => {
      if (req.url === '/slowdb/_security') {
        asked++;
        const answer = JSON.stringify({ members: { names: members, roles: [] } });
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(answer);
        }, 300);
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not_found","reason":"missing"}');
    });
    await new Promise<void>((r) => couch.listen(0, '127.0.0.1', r));
    try {
      const store = createRemoteStore({ url: `http://admin:pw@127.0.0.1:${(couch.address() as AddressInfo).port}`, securityTtlMs: 60_000 });
      const reading = store.getSecurity('slowdb'); // answered with the object as it was when asked
      await new Promise((r) => setTimeout(r, 100));
      members = ['after'];
      store.forgetSecurity('slowdb'); // e.g. an admin's PUT _security passed the proxy meanwhile
      expect((await reading).members?.names).toEqual(['before']);
      expect((await store.getSecurity('slowdb')).members?.names).toEqual(['after']);
      expect(asked).toBe(2);
      expect((await store.getSecurity('slowdb')).members?.names).toEqual(['after']); // kept now
      expect(asked).toBe(2);
    } finally {
      await new Promise((r) => couch.close(r));
    }
  });
});
