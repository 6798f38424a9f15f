/**
 * The embedded backend closes idle databases (issue 22, item 5: every database stayed open with
 * 4 file handles for good; 500 databases read once held 2,068 handles). The real backend
 * (LevelDB in a temporary folder, in this process, behind the guard) with at most 5 idle
 * databases open: 30 databases created and read through /db leave at most 5 open and the
 * process's file handles bounded; an instance held by a follower across its closing still
 * works; a database with a live feed stays open; the database info keeps its disk size without
 * listing the folder on each read. The figures at 500 and 10,000 databases: bench/scale.ts.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../../server/backend/index.mjs';
import { createPouchCouch } from '../../../server/couch/index.mjs';
import { residentDbName } from '../../../src/db/databaseNames';
import { startSite } from '../../support/server';
import { request } from '../../support/client';

const PASSWORD = 'admin-pw-for-open-databases';
const MAX_OPEN = 5;
const COUNT = 30;

let dataDir: string;
let backend: Awaited<ReturnType<typeof createBackend>>;
let server: Server;
let base = '';
const auth = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;
const name = (i: number) => residentDbName(`open-${100000 + i}`);
const fds = () => readdirSync('/proc/self/fd').length;

async function admin(method: string, p: string, body?: unknown) {
  const res = await fetch(`${base}/db${p}`, {
    method,
    headers: { authorization: auth, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, json: (await res.json()) as any };
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'hearthline-open-databases-'));
  // idle for a second is idle enough here (60 s by default)
  backend = await createBackend({ dataDir, adminPassword: PASSWORD, demo: false, openDatabases: { maxOpen: MAX_OPEN, idleMs: 1_000 }, log: () => {}, logError: () => {} });
  const app = express();
  app.use('/db', backend.db);
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await backend?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const waitFor = async (check: () => boolean, ms = 20_000) => {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) {
    backend.openDatabases!.evict();
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
};

describe('open databases on the embedded backend', () => {
  it('closes idle ones: at most the bound stay open, and file handles do not grow with the databases', async () => {
    const handlesBefore = fds();
    for (let i = 0; i < COUNT; i++) {
      expect((await admin('PUT', `/${name(i)}`)).status).toBe(201);
      expect((await admin('PUT', `/${name(i)}/doc-${i}`, { n: i })).status).toBe(201);
    }
    for (let i = 0; i < COUNT; i++) expect((await admin('GET', `/${name(i)}/doc-${i}`)).json).toMatchObject({ n: i });
    expect(await waitFor(() => backend.openDatabases!.stats().open <= MAX_OPEN + 4)).toBe(true); // + _users, operations, … (never closed / in use)
    const stats = backend.openDatabases!.stats();
    expect(stats.closed).toBeGreaterThanOrEqual(COUNT - MAX_OPEN);
    // 4 handles a LevelDB: 30 databases kept open would add 120
    expect(fds() - handlesBefore).toBeLessThan(4 * (MAX_OPEN + 6));
    // and every one still answers (opened again)
    for (let i = 0; i < COUNT; i++) expect((await admin('GET', `/${name(i)}`)).json).toMatchObject({ db_name: name(i), doc_count: 1 });
  });

  it('an instance a follower holds works after its database was closed', async () => {
    const couch = createPouchCouch({ PouchDB: backend.PouchDB });
    const held = await couch.db(name(0));
    for (let i = 1; i < COUNT; i++) await admin('GET', `/${name(i)}`); // pushes name(0) out
    expect(await waitFor(() => !backend.PouchDB.__dbCacheMap.has(name(0)))).toBe(true);
    expect(await held.get('doc-0')).toMatchObject({ n: 0 });
    await held.put({ _id: 'later', n: 1 });
    expect((await admin('GET', `/${name(0)}/later`)).json).toMatchObject({ n: 1 });
  });

  it('keeps a database with a live feed open, and the feed delivers', async () => {
    const couch = createPouchCouch({ PouchDB: backend.PouchDB });
    const seen: string[] = [];
    const feed = (await couch.db(name(1))).changes({ live: true, since: 'now' }).on('change', (c: { id: string }) => seen.push(c.id));
    for (let i = 2; i < COUNT; i++) await admin('GET', `/${name(i)}`);
    await new Promise((r) => setTimeout(r, 1_500));
    backend.openDatabases!.evict();
    expect(backend.PouchDB.__dbCacheMap.has(name(1))).toBe(true);
    expect((await admin('PUT', `/${name(1)}/while-open`, { n: 2 })).status).toBe(201);
    const until = Date.now() + 10_000;
    while (!seen.includes('while-open') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    feed.cancel();
    expect(seen).toContain('while-open');
  });

  it('lists a database that is on disk whatever pouchdb-all-dbs recorded (it records some time after a creation: a crash lost them)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hearthline-open-databases-list-'));
    const env = { HEARTHLINE_ADMIN_PASSWORD: PASSWORD, HEARTHLINE_ROUTER: '0', HEARTHLINE_PUBLISHER: '0', HEARTHLINE_DEMO: '0' };
    const basic = { name: 'admin', password: PASSWORD };
    try {
      let site = await startSite({ dataDir: dir, env });
      expect((await request(site.url, 'PUT', `/db/${name(99)}`, undefined, { basic })).status).toBe(201);
      await site.stop();
      // the record of which databases exist, lost (as when the process died before its queue ran)
      rmSync(path.join(dir, 'pouch__all_dbs__'), { recursive: true, force: true });
      site = await startSite({ dataDir: dir, env });
      try {
        expect((await request(site.url, 'GET', `/db/${name(99)}`, undefined, { basic })).status).toBe(200);
        expect((await request(site.url, 'GET', '/db/_all_dbs', undefined, { basic })).json).toContain(name(99));
      } finally {
        await site.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('answers the disk size in the database info', async () => {
    const info = (await admin('GET', `/${name(2)}`)).json;
    expect(info.disk_size).toBeGreaterThan(0);
  });
});

/**
 * Live feeds across evictions (the LRU closing a database must never leave a feed on it deaf):
 * a device's or follower's feed open on one database while many others are opened and the
 * least recently used closed, then a write to it.
 */
describe('live feeds while databases are closed around them', () => {
  /** Reads a streamed answer until `done(text)` says enough, or the time runs out. */
  async function readUntil(path: string, done: (text: string) => boolean, ms = 20_000) {
    const abort = new AbortController();
    const res = await fetch(`${base}/db${path}`, { headers: { authorization: auth, accept: 'application/json' }, signal: abort.signal });
    const reader = res.body!.getReader();
    let text = '';
    const until = Date.now() + ms;
    const timer = setTimeout(() => abort.abort(), ms);
    try {
      while (!done(text) && Date.now() < until) {
        const { value, done: ended } = await reader.read();
        if (ended) break;
        text += new TextDecoder().decode(value);
      }
    } catch {
      // aborted: the time ran out
    } finally {
      clearTimeout(timer);
      abort.abort();
    }
    return text;
  }
  const pushOthersOut = async (except: number) => {
    for (let i = 0; i < COUNT; i++) if (i !== except) await admin('GET', `/${name(i)}`);
    await new Promise((r) => setTimeout(r, 1_100)); // idle for the bound's second
    await backend.openDatabases!.evict();
  };

  it('a continuous _changes feed over HTTP hears a write made after the others were closed', async () => {
    const feed = readUntil(`/${name(3)}/_changes?feed=continuous&since=now&heartbeat=1000`, (t) => t.includes('"after-evictions-continuous"'));
    await new Promise((r) => setTimeout(r, 300));
    await pushOthersOut(3);
    expect((await admin('PUT', `/${name(3)}/after-evictions-continuous`, { n: 1 })).status).toBe(201);
    expect(await feed).toContain('"after-evictions-continuous"');
  }, 60_000);

  it('a long poll over HTTP hears a write made after the others were closed', async () => {
    const since = (await admin('GET', `/${name(4)}`)).json.update_seq;
    const poll = readUntil(`/${name(4)}/_changes?feed=longpoll&since=${since}&heartbeat=1000`, (t) => t.includes('last_seq'));
    await new Promise((r) => setTimeout(r, 300));
    await pushOthersOut(4);
    expect((await admin('PUT', `/${name(4)}/after-evictions-longpoll`, { n: 1 })).status).toBe(201);
    expect(await poll).toContain('"after-evictions-longpoll"');
  }, 60_000);

  it("a follower's live feed started on its held instance while that database is being closed hears later writes", async () => {
    const couch = createPouchCouch({ PouchDB: backend.PouchDB });
    const held = await couch.db(name(5));
    for (let i = 6; i < COUNT; i++) await admin('GET', `/${name(i)}`);
    await new Promise((r) => setTimeout(r, 1_100));
    const evicting = backend.openDatabases!.evict();
    // the close has begun (the instance left the open set) but LevelDB has not finished it
    for (let i = 0; i < 1_000 && backend.PouchDB.__dbCacheMap.has(name(5)); i++) await Promise.resolve();
    expect(backend.PouchDB.__dbCacheMap.has(name(5))).toBe(false);
    const seen: string[] = [];
    const feed = held.changes({ live: true, since: 'now' }).on('change', (c: { id: string }) => seen.push(c.id));
    await evicting;
    const put = await admin('PUT', `/${name(5)}/after-close`, { n: 1 });
    const until = Date.now() + 15_000;
    while (!seen.includes('after-close') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    feed.cancel();
    expect(put.status).toBe(201);
    expect(seen).toContain('after-close');
    expect((await admin('GET', `/${name(5)}/after-close`)).json).toMatchObject({ n: 1 });
  }, 60_000);
});
