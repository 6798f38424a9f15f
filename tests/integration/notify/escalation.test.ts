/**
 * The deadline watcher in the real server (server/deadlines/watcher.mjs): a repair order left
 * alone, with no device open, is escalated at 24, 48, 72 and 96 hours, one `escalated` event
 * per level, and each rung's people (set with the admin CLI) get one e-mail, through a real SMTP
 * server on loopback, across a restart. The server's clock is moved by the test through
 * HEARTHLINE_CLOCK_FILE (server/clock.mjs); the write check keeps the real time.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type Site } from '../../support/server';
import { until } from './until';
import { admin, newResident, request, type Resident } from '../../support/client';
import { startSmtp, type LoopbackSmtp } from '../support/smtp';
import { residentRepairReport } from '../../support/builders/backendEvents';
import { escalationEventId } from '../../../server/deadlines/watcher.mjs';

const HOUR = 3_600_000;
const ADMIN_PASSWORD = 'admin pass 1';
const work = mkdtempSync(path.join(os.tmpdir(), 'hearthline-escalation-'));
const dataDir = path.join(work, 'data');
const clockFile = path.join(work, 'clock');
let env: Record<string, string>;
let site: Site;
let resident: Resident;
let smtp: LoopbackSmtp;
const suffix = Date.now().toString(36).slice(-5);
/** The ladder: level → the account on it and the address it is told at. */
const ladder = [
  { level: 1, name: `head-${suffix}`, role: 'station-head', station: 'demo', email: `head-${suffix}@heat.example.cn` },
  { level: 2, name: `mgr-${suffix}`, role: 'manager', email: `mgr-${suffix}@heat.example.cn` },
  { level: 3, name: `dep-${suffix}`, role: 'manager', email: `dep-${suffix}@heat.example.cn` },
  { level: 4, name: `gm-${suffix}`, role: 'manager', email: `gm-${suffix}@heat.example.cn` },
];

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


beforeAll(async () => {
  writeFileSync(clockFile, '0');
  smtp = await startSmtp();
  env = {
    HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD,
    HEARTHLINE_PUBLISHER: '0',
    HEARTHLINE_CLOCK_FILE: clockFile,
    HEARTHLINE_DEADLINE_SWEEP_MS: '250',
    HEARTHLINE_NOTIFY_SWEEP_MS: '250',
    HEARTHLINE_SMTP_URL: smtp.url,
    HEARTHLINE_MAIL_FROM: 'Hearthline <service@heat.example.cn>',
  };
  site = await startSite({ env, dataDir });
  resident = await newResident(site.url);
}, 120_000);

afterAll(async () => {
  await site?.stop();
  await smtp?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('who stands on each rung', () => {
  it('check-rungs names every empty rung until set-rung fills them; set-contact says how each is reached', async () => {
    const before = await admin(site, ['check-rungs']);
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(/level 1 \(供热所所长 Station head, after 24 h\) has nobody at station demo/);
    expect(before.stdout).toMatch(/level 4/);
    for (const p of ladder) {
      const created = await admin(site, ['create-staff', '--name', p.name, '--role', p.role, ...(p.station ? ['--station', p.station] : []), '--password', 'staff pass 12']);
      expect(created.code, created.stderr).toBe(0);
    }
    // an unknown account is refused, nothing saved
    const typo = await admin(site, ['set-rung', '--level', '2', '--accounts', 'nobody-here']);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toMatch(/not staff accounts: nobody-here/);
    for (const p of ladder) {
      const set = await admin(site, ['set-rung', '--level', String(p.level), ...(p.station ? ['--station', p.station] : []), '--accounts', p.name]);
      expect(set.code, set.stderr).toBe(0);
      const contact = await admin(site, ['set-contact', '--name', p.name, '--email', p.email]);
      expect(contact.code, contact.stderr).toBe(0);
    }
    const bad = await admin(site, ['set-contact', '--name', ladder[0]!.name, '--email', 'not an address']);
    expect(bad.code).toBe(1);
    const after = await admin(site, ['check-rungs']);
    expect(after.code, after.stdout + after.stderr).toBe(0);
    expect(after.stdout).toMatch(/Every rung has someone at every station/);
  }, 300_000); // 14 runs of the admin CLI, each a tsx process: over 2 minutes on 2 busy cores
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
    await until(async () => smtp.to(ladder[1]!.email), (m) => m.length >= 1);

    // A restart between two checks: the new process reads from its checkpoint and records nothing again.
    await site.stop();
    site = await startSite({ env, dataDir });
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await escalationsOf(report.requestId)).map((e) => e.payload.level).sort()).toEqual([1, 2]);
    expect(smtp.to(ladder[0]!.email)).toHaveLength(1);
    expect(smtp.to(ladder[1]!.email)).toHaveLength(1);

    moveClockTo(opened, 72.01);
    found = await until(() => escalationsOf(report.requestId), (e) => e.length >= 3);
    moveClockTo(opened, 96.01);
    found = await until(() => escalationsOf(report.requestId), (e) => e.length >= 4);
    await new Promise((r) => setTimeout(r, 1_500));
    found = await escalationsOf(report.requestId);
    expect(found.map((e) => e.payload.level).sort()).toEqual([1, 2, 3, 4]);
    for (const e of found) expect(e._rev.startsWith('1-')).toBe(true);
    // each rung's people told once, each about their own level
    await until(async () => smtp.to(ladder[3]!.email), (m) => m.length >= 1);
    await new Promise((r) => setTimeout(r, 1_000));
    for (const p of ladder) {
      const mail = smtp.to(p.email);
      expect(mail, p.email).toHaveLength(1);
      expect(mail[0]!.subject).toContain(`level ${p.level}`);
    }
    expect(smtp.messages).toHaveLength(4);
    // and the router copied them to the station, whose devices show them
    const station = await until(
      () => request(site.url, 'GET', `/db/station-demo/${escalationEventId(report.requestId, 4)}`, undefined, basic()),
      (r) => r.status === 200,
    );
    expect(station.status).toBe(200);
  }, 180_000);
});
