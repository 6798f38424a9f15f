/**
 * Two servers on one database (COUCHDB_URL): the suite's Apache CouchDB when it runs with
 * COUCHDB_URL (both servers in this file's namespace of databases); else a third REAL server in
 * embedded mode plays it (its own router and publisher off), as in backend/proxy.test.ts. Both servers take requests; the router runs in the one that holds its
 * lease (server/followers/lease.mjs), the other answers its health as a standby; when the
 * leader is killed (SIGKILL: no release), the other takes the router over within a minute and
 * routes what was written meanwhile. Every copy keeps its original's revision and no conflict.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type Site } from '../../support/server';
import { newResident, request, type Resident } from '../../support/client';
import { residentSubmission } from '../../support/builders/backendEvents';

const UPSTREAM_PASSWORD = 'upstream-admin-Secret-77';

/** The suite's Apache CouchDB, when it runs against one. */
const external = process.env.COUCHDB_URL;

let upstream: Site | undefined;
let servers: Site[] = [];
let resident: Resident;

/** The database server's admin: the embedded upstream's, or the one in COUCHDB_URL. */
const upstreamAdmin = () =>
  external ? { basic: { name: servers[0]!.adminUser, password: servers[0]!.adminPassword! } } : { basic: { name: 'admin', password: UPSTREAM_PASSWORD } };
/** Where the test reads operations as that admin: the upstream, or a server still running (names as the servers see them). */
const readerUrl = () => upstream?.url ?? servers[servers.length - 1]!.url;

async function routerHealth(site: Site): Promise<any> {
  const res = await request(site.url, 'GET', '/api/router/health', undefined, upstreamAdmin());
  return { status: res.status, ...(res.json ?? {}) };
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The document in operations (as the upstream's admin), or null. */
async function inOperations(id: string): Promise<any> {
  const res = await request(readerUrl(), 'GET', `/db/operations/${encodeURIComponent(id)}?conflicts=true`, undefined, upstreamAdmin());
  return res.status === 200 ? res.json : null;
}

beforeAll(async () => {
  let couchUrl = external;
  if (!couchUrl) {
    upstream = await startSite({ env: { COUCHDB_URL: '', HEARTHLINE_ADMIN_PASSWORD: UPSTREAM_PASSWORD, HEARTHLINE_ROUTER: '0', HEARTHLINE_PUBLISHER: '0' } });
    couchUrl = `http://admin:${encodeURIComponent(UPSTREAM_PASSWORD)}@${new URL(upstream.url).host}/db`;
  }
  servers = await Promise.all([0, 1].map(() => startSite({ env: { COUCHDB_URL: couchUrl, HEARTHLINE_ADMIN_PASSWORD: '', HEARTHLINE_PUBLISHER: '0' } })));
  resident = await newResident(servers[0]!.url);
}, 120_000);

afterAll(async () => {
  for (const s of servers) await s.stop();
  await upstream?.stop();
});

describe('two servers on one database', () => {
  it('route every event once from one leader, and the other takes over within a minute when the leader is killed', async () => {
    // one leader, one standby
    const roles = await until(
      'one router leader',
      async () => {
        const hs = await Promise.all(servers.map(routerHealth));
        return hs.filter((h) => h.running).length === 1 && hs.filter((h) => h.standby).length === 1 && hs;
      },
      60_000,
    );
    const leaderIndex = roles.findIndex((h) => h.running);
    const leader = servers[leaderIndex]!;
    const standby = servers[1 - leaderIndex]!;
    expect(roles[1 - leaderIndex]).toMatchObject({ status: 200, ok: true, running: false, standby: true });

    // a write through the standby is routed by the leader
    const first = residentSubmission(resident);
    const put1 = await request(standby.url, 'PUT', `/db/${resident.db}/${first._id}`, first, { cookie: resident.cookie });
    expect(put1.status, put1.text).toBe(201);
    const copied1 = await until('the first submission in operations', () => inOperations(first._id), 30_000);
    expect(copied1._rev).toBe(put1.json.rev);

    // the leader dies without a word
    await leader.kill();
    servers = servers.filter((s) => s !== leader);
    const t0 = Date.now();
    const second = residentSubmission(resident);
    const put2 = await request(standby.url, 'PUT', `/db/${resident.db}/${second._id}`, second, { cookie: resident.cookie });
    expect(put2.status, put2.text).toBe(201);
    const copied2 = await until('the second submission in operations', () => inOperations(second._id), 90_000);
    const tookOverMs = Date.now() - t0;
    expect(tookOverMs).toBeLessThan(60_000);
    expect(copied2._rev).toBe(put2.json.rev);
    expect(copied2._conflicts ?? []).toEqual([]);
    expect(await routerHealth(standby)).toMatchObject({ status: 200, running: true });
    // the first was not copied again: still its one revision, no conflict
    expect((await inOperations(first._id))._conflicts ?? []).toEqual([]);
    console.log(`[two servers] the standby routed a write made after the leader's kill in ${(tookOverMs / 1000).toFixed(1)} s`);
  }, 180_000);
});
