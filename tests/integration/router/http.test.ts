/**
 * `npm run router` (server/router/main.mjs) against the REAL server over HTTP: the router runs
 * as its own process with the server admin's URL of /db (it passes the guard as an admin), and
 * answers GET /healthz. Events written by a resident, a technician and the hotline through /db
 * reach the databases they belong to, and nothing else.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { admin, newResident, request, signIn, type Auth, type Resident } from '../../support/client';
import { eventAt, residentRepairReport, residentSubmission, technicianArrival, type Doc } from '../../support/builders/backendEvents';
import { REPO_ROOT, startSite, type Site } from '../../support/server';

const ADMIN_PASSWORD = 'admin-pw-for-router-test';
const suffix = Date.now().toString(36).slice(-6);
const tech = { name: `tc-router-${suffix}`, password: 'tech-pass-for-router' };
const hotline = { name: `hl-router-${suffix}`, password: 'hotline-pass-for-router' };

let site: Site;
let resident: Resident;
let techCookie: string;
let hotlineCookie: string;
let router: ChildProcess | undefined;
let routerOutput = '';
let healthUrl = '';

const adminAuth = (): Auth => ({ basic: { name: site.adminUser, password: site.adminPassword! } });
const get = (p: string, auth: Auth) => request(site.url, 'GET', p, undefined, auth);
const put = (db: string, doc: Doc, auth: Auth) => request(site.url, 'PUT', `/db/${db}/${encodeURIComponent(doc._id)}`, doc, auth);

const event = (author: { name: string; role: string }, type: string, fields: Record<string, unknown>): Doc =>
  eventAt({ ...author, device: 'test-pc' }, type, { resident: resident.name, station: 'demo', ...fields });

async function health(detail = false): Promise<any> {
  const res = await fetch(`${healthUrl}${detail ? '?detail=1' : ''}`);
  return { status: res.status, ...(await res.json()) };
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n--- router output ---\n${routerOutput}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  site = await startSite({ env: { HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  resident = await newResident(site.url); // community demo-garden: station demo
  for (const [who, role, extra] of [
    [tech, 'technician', ['--station', 'demo']],
    [hotline, 'hotline', []],
  ] as const) {
    const res = await admin(site, ['create-staff', '--name', who.name, '--role', role, ...extra, '--password', who.password]);
    if (res.code !== 0) throw new Error(`create-staff ${who.name}: ${res.stderr}`);
  }
  techCookie = (await signIn(site.url, tech.name, tech.password)).cookie!;
  hotlineCookie = (await signIn(site.url, hotline.name, hotline.password)).cookie!;
});

afterAll(async () => {
  if (router && router.exitCode === null && router.signalCode === null) {
    router.kill('SIGKILL');
    await new Promise((r) => router!.once('exit', r));
  }
  await site?.stop();
});

describe('npm run router against the server’s /db', () => {
  it('routes what residents and staff write, reports its health, and stops cleanly', async () => {
    // A repair: a technician arrives at it (a consultation has no visit: src/rules/steps.ts).
    const submission = residentRepairReport(resident);
    // Staff write about a request their database holds: all three follow the resident's submission.
    const ofRequest = { requestId: submission.requestId, requestKind: submission.requestKind, resident: resident.name };
    const arrival = { ...technicianArrival(tech.name, 'demo', resident.name), ...ofRequest };
    const note = event({ name: tech.name, role: 'technician' }, 'note', { ...ofRequest, visibility: 'internal', payload: { text: '住户白天不在家' } });
    const reply = event({ name: hotline.name, role: 'hotline' }, 'reply', { ...ofRequest, visibility: 'resident', payload: { text: '明天上午上门。', channel: 'sms' } });
    const filed = await put(resident.db, submission, { cookie: resident.cookie });
    expect(filed.status, filed.text).toBe(201);
    // No router runs yet: the submission is put where it would have copied it (same revision).
    const stored = (await get(`/db/${resident.db}/${submission._id}`, adminAuth())).json;
    for (const db of ['station-demo', 'operations']) {
      const copy = await request(site.url, 'POST', `/db/${db}/_bulk_docs`, { docs: [stored], new_edits: false }, adminAuth());
      expect(copy.status, copy.text).toBe(201);
    }
    const arrived = await put('station-demo', arrival, { cookie: techCookie });
    expect(arrived.status, arrived.text).toBe(201);
    expect((await put('station-demo', note, { cookie: techCookie })).status).toBe(201);
    expect((await put('operations', reply, { cookie: hotlineCookie })).status).toBe(201);

    const url = new URL(site.url);
    url.username = encodeURIComponent(site.adminUser);
    url.password = encodeURIComponent(site.adminPassword!);
    const t0 = Date.now();
    router = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'server/router/main.mjs')], {
      cwd: REPO_ROOT,
      env: { ...process.env, COUCHDB_URL: `${url.origin.replace('//', `//${url.username}:${url.password}@`)}/db`, ROUTER_PORT: '0', ROUTER_BACKSTOP_ROUND_MS: '200' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (c: Buffer) => (routerOutput = (routerOutput + c.toString('utf8')).slice(-20_000));
    router.stdout!.on('data', keep);
    router.stderr!.on('data', keep);
    healthUrl = await until('the router to listen', async () => routerOutput.match(/router listening on (http:\/\/\S+\/healthz)/)?.[1]);
    expect(routerOutput).not.toContain(ADMIN_PASSWORD);

    const settled = await until('the router to catch up', async () => {
      const h = await health();
      return h.ok && h.lagDatabases === 0 && h.status === 200 && h;
    });
    const routedIn = Date.now() - t0;
    expect(settled).toMatchObject({ ok: true, failingSources: 0, rejected: 0 });
    expect(JSON.stringify(settled)).not.toMatch(/resident-[0-9a-f]/);

    const has = async (db: string, id: string, auth: Auth = adminAuth()) => (await get(`/db/${db}/${encodeURIComponent(id)}`, auth)).status === 200;
    // the resident's submission: operations and the station
    expect(await has('operations', submission._id)).toBe(true);
    expect(await has('station-demo', submission._id)).toBe(true);
    // the technician's arrival: operations and the resident (who reads it with their own session)
    expect(await has('operations', arrival._id)).toBe(true);
    expect(await has(resident.db, arrival._id, { cookie: resident.cookie })).toBe(true);
    // the internal note: operations, never the resident
    expect(await has('operations', note._id)).toBe(true);
    expect(await has(resident.db, note._id, { cookie: resident.cookie })).toBe(false);
    // the hotline's reply: the station and the resident
    expect(await has('station-demo', reply._id)).toBe(true);
    expect(await has(resident.db, reply._id, { cookie: resident.cookie })).toBe(true);
    // same revision everywhere
    const original = (await get(`/db/${resident.db}/${submission._id}`, { cookie: resident.cookie })).json._rev;
    expect((await get(`/db/operations/${submission._id}`, adminAuth())).json._rev).toBe(original);

    // live: a later write is picked up by the sweep (no notify from another process)
    const later = residentSubmission(resident);
    const t1 = Date.now();
    expect((await put(resident.db, later, { cookie: resident.cookie })).status).toBe(201);
    await until('the later submission in operations', () => has('operations', later._id));
    const liveMs = Date.now() - t1;

    const detail = await health(true);
    expect(detail.failing).toEqual([]);
    expect(detail.sources).toBeGreaterThanOrEqual(3);

    const exited = new Promise<number | null>((r) => router!.once('exit', (code) => r(code)));
    router.kill('SIGTERM');
    expect(await exited).toBe(0);
    console.log(`[router http test] caught up ${routedIn} ms after start; a later write routed in ${liveMs} ms (sweep 200 ms)`);
  });
});
