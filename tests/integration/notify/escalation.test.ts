/**
 * The deadline watcher in the real server (server/deadlines/watcher.mjs): a repair order left
 * alone, with no device open, is escalated at 24, 48, 72 and 96 hours, one `escalated` event
 * per level, across a restart. The server's clock is moved by the test through
 * HEARTHLINE_CLOCK_FILE (server/clock.mjs); the write check keeps the real time.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type Site } from '../support/site';
import { newResident, request, type Resident } from '../backend/client';
import { residentRepairReport } from '../backend/events';
import { escalationEventId } from '../../../server/deadlines/watcher.mjs';

const HOUR = 3_600_000;
const ADMIN_PASSWORD = 'admin pass 1';
const work = mkdtempSync(path.join(os.tmpdir(), 'hearthline-escalation-'));
const dataDir = path.join(work, 'data');
const clockFile = path.join(work, 'clock');
const env = { HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD, HEARTHLINE_PUBLISHER: '0', HEARTHLINE_CLOCK_FILE: clockFile, HEARTHLINE_DEADLINE_SWEEP_MS: '250' };
let site: Site;
let resident: Resident;

/** Moves the server's watchers to `hours` after `from` (real time). */
function moveClockTo(from: number, hours: number) {
  writeFileSync(clockFile, String(from + hours * HOUR - Date.now()));
}

const basic = () => ({ basic: { name: 'admin', password: ADMIN_PASSWORD } });

async function escalationsOf(requestId: string): Promise<any[]> {
  const res = await request(site.url, 'GET', '/db/operations/_all_docs?include_docs=true', undefined, basic());
  expect(res.status, res.text).toBe(200);
  return res.json.rows.map((r: any) => r.doc).filter((d: any) => d.type === 'escalated' && d.requestId === requestId);
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  writeFileSync(clockFile, '0');
  site = await startSite({ env, dataDir });
  resident = await newResident(site.url);
}, 120_000);

afterAll(async () => {
  await site?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('escalation by the server, no device open', () => {
  it('records 24/48/72/96 h once per level, and a restart writes nothing twice', async () => {
    const report = residentRepairReport(resident);
    const put = await request(site.url, 'PUT', `/db/${resident.db}/${report._id}`, report, { cookie: resident.cookie });
    expect(put.status, put.text).toBe(201);
    const opened = Date.parse(report.at);
    // the router's copy reaches operations
    await until(
      () => request(site.url, 'GET', `/db/operations/${report._id}`, undefined, basic()),
      (r) => r.status === 200,
    );

    moveClockTo(opened, 23.9);
    await new Promise((r) => setTimeout(r, 1_500)); // several sweeps: nothing is due yet
    expect(await escalationsOf(report.requestId)).toEqual([]);

    moveClockTo(opened, 24.01);
    let found = await until(() => escalationsOf(report.requestId), (e) => e.length >= 1);
    expect(found.map((e) => e.payload.level)).toEqual([1]);
    expect(found[0]._id).toBe(escalationEventId(report.requestId, 1));
    expect(found[0]).toMatchObject({ visibility: 'internal', resident: resident.name, station: 'demo', author: { role: 'admin' } });

    moveClockTo(opened, 48.01);
    found = await until(() => escalationsOf(report.requestId), (e) => e.length >= 2);
    expect(found.map((e) => e.payload.level).sort()).toEqual([1, 2]);

    // A restart between two checks: the new process reads from its checkpoint and records nothing again.
    await site.stop();
    site = await startSite({ env, dataDir });
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await escalationsOf(report.requestId)).map((e) => e.payload.level).sort()).toEqual([1, 2]);

    moveClockTo(opened, 72.01);
    found = await until(() => escalationsOf(report.requestId), (e) => e.length >= 3);
    moveClockTo(opened, 96.01);
    found = await until(() => escalationsOf(report.requestId), (e) => e.length >= 4);
    await new Promise((r) => setTimeout(r, 1_500));
    found = await escalationsOf(report.requestId);
    expect(found.map((e) => e.payload.level).sort()).toEqual([1, 2, 3, 4]);
    for (const e of found) expect(e._rev.startsWith('1-')).toBe(true);
    // and the router copied them to the station, whose devices show them
    const station = await until(
      () => request(site.url, 'GET', `/db/station-demo/${escalationEventId(report.requestId, 4)}`, undefined, basic()),
      (r) => r.status === 200,
    );
    expect(station.status).toBe(200);
  }, 180_000);
});
