/**
 * Staff told by role (issue 19, item 3), in the real server with its clock moved by the test
 * (HEARTHLINE_CLOCK_FILE) and a real SMTP server on loopback:
 * - a complaint remedy proposed: the station head of the complaint's station is told, once;
 * - a complaint's remedy carried out: its callback falls due (src/rules/callbacks.ts) and the
 *   deadline watcher tells the callback staff (hotline, complaint handlers), once each, also
 *   across a restart of the server.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEventId } from '../../../src/db/schema/events/ids';
import { startSite, type Site } from '../../support/server';
import { until } from './until';
import { startSmtp, type LoopbackSmtp } from '../support/smtp';
import { admin, newResident, newStaff, request, type Resident } from '../../support/client';
import { residentSubmission, type Doc } from '../../support/builders/backendEvents';

const HOUR = 3_600_000;
const CN = 8 * HOUR;
const ADMIN_PASSWORD = 'admin pass 1';
const work = mkdtempSync(path.join(os.tmpdir(), 'hearthline-notify-staff-'));
const dataDir = path.join(work, 'data');
const clockFile = path.join(work, 'clock');
const suffix = Date.now().toString(36).slice(-5);
let env: Record<string, string>;
let site: Site;
let smtp: LoopbackSmtp;
let resident: Resident;
const cookies: Record<string, string> = {};
/** The staff, each with the address the utility set for them (set-contact). */
const staff = {
  head: { name: `sh-${suffix}`, role: 'station-head', station: 'demo', email: `head-${suffix}@heat.example.cn` },
  otherHead: { name: `sh2-${suffix}`, role: 'station-head', station: 'other', email: `head2-${suffix}@heat.example.cn` },
  hotline: { name: `hl-${suffix}`, role: 'hotline', email: `hotline-${suffix}@heat.example.cn` },
  handler: { name: `ch-${suffix}`, role: 'complaint-handler', email: `handler-${suffix}@heat.example.cn` },
  dispatcher: { name: `dp-${suffix}`, role: 'dispatcher', station: 'demo', email: `disp-${suffix}@heat.example.cn` },
};

const basic = () => ({ basic: { name: 'admin', password: ADMIN_PASSWORD } });
/** Moves the server's watchers to the instant `ms` (epoch). */
const moveClockTo = (ms: number) => writeFileSync(clockFile, String(ms - Date.now()));
/** The next instant at `hh:mm` China time at least an hour after now. */
function nextChinaTime(hh: number, mm = 0): number {
  const local = Date.now() + CN + HOUR;
  let at = Math.floor(local / (24 * HOUR)) * 24 * HOUR + hh * HOUR + mm * 60_000;
  if (at <= local) at += 24 * HOUR;
  return at - CN;
}

async function notifications(filter: (d: any) => boolean): Promise<any[]> {
  const res = await request(site.url, 'GET', '/db/notifications/_all_docs?include_docs=true', undefined, basic());
  expect(res.status, res.text).toBe(200);
  return res.json.rows.map((r: any) => r.doc).filter((d: any) => d.docType === 'notification' && filter(d));
}

/** A complaint handler's step on the complaint, written into operations (the database of the staff who work across stations). */
async function handlerStep(complaint: Doc, type: string, payload: Record<string, unknown>) {
  const now = Date.now();
  const e = {
    _id: newEventId(now),
    docType: 'event',
    schemaVersion: 1,
    requestId: complaint.requestId,
    requestKind: 'complaint',
    at: new Date(now).toISOString(),
    author: { name: staff.handler.name, role: 'complaint-handler', device: 'pc-complaints' },
    resident: complaint.resident,
    station: 'demo',
    visibility: 'internal',
    type,
    payload,
  };
  const res = await request(site.url, 'PUT', `/db/operations/${e._id}`, e, { cookie: cookies.handler });
  expect(res.status, res.text).toBe(201);
  return e;
}

beforeAll(async () => {
  // inside the callback hours and outside the quiet hours, whenever the test runs
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
  const station = await admin(site, ['create-station', '--id', 'other', '--name', '城东热力站', '--communities', `other-${suffix}=东区`]);
  expect(station.code, station.stderr).toBe(0);
  for (const [key, s] of Object.entries(staff)) {
    cookies[key] = await newStaff(site, { name: s.name, password: 'staff pass 12', role: s.role, ...('station' in s ? { station: s.station } : {}) });
    const contact = await admin(site, ['set-contact', '--name', s.name, '--email', s.email]);
    expect(contact.code, contact.stderr).toBe(0);
  }
  resident = await newResident(site.url);
}, 180_000);

afterAll(async () => {
  await site?.stop();
  await smtp?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('staff told by role', () => {
  it('a remedy proposed tells the approver once; the remedy carried out makes the callback due, told to the callback staff once, across a restart', async () => {
    moveClockTo(nextChinaTime(9, 30));
    const submitted: Doc = residentSubmission(resident);
    const complaint: Doc = {
      ...submitted,
      requestKind: 'complaint',
      payload: { channel: 'portal', contact: { name: '张三', phone: resident.phone }, address: '暖园小区 1 号楼 101', about: '维修人员态度差', place: '暖园小区 1 号楼', demand: '道歉' },
    };
    const put = await request(site.url, 'PUT', `/db/${resident.db}/${complaint._id}`, complaint, { cookie: resident.cookie });
    expect(put.status, put.text).toBe(201);
    await until(() => request(site.url, 'GET', `/db/operations/${complaint._id}`, undefined, basic()), (r) => r.status === 200);

    const proposed = await handlerStep(complaint, 'remedy-proposed', { remedy: '内部：上门道歉并减免一个月费用' });
    const remedyMail = await until(() => smtp.to(staff.head.email), (m) => m.length >= 1);
    expect(remedyMail).toHaveLength(1);
    expect(remedyMail[0]!.subject).toContain('投诉处理措施待审批');
    expect(remedyMail[0]!.text).toContain(complaint.requestId);
    expect(remedyMail[0]!.text).not.toContain('减免'); // the remedy's words stay in the app
    const remedyRecords = await notifications((d) => d.kind === 'remedy-awaiting-approval');
    expect(remedyRecords.map((d) => d._id)).toEqual([`nt:${complaint.requestId}:${proposed._id}:${staff.head.name}:email`]);

    // nobody is called back before the work is done
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await notifications((d) => d.kind === 'callback-due')).toEqual([]);

    await handlerStep(complaint, 'remedy-done', { summary: '已上门道歉' });
    await until(() => notifications((d) => d.kind === 'callback-due'), (n) => n.length >= 2);
    await until(() => smtp.to(staff.handler.email), (m) => m.length >= 1);
    await until(() => smtp.to(staff.hotline.email), (m) => m.length >= 1);

    // A restart: the watcher folds the complaint again and finds its callback still due.
    await site.stop();
    site = await startSite({ env, dataDir });
    await new Promise((r) => setTimeout(r, 2_000));

    const callbackRecords = await notifications((d) => d.kind === 'callback-due');
    expect(callbackRecords.map((d) => d.recipient).sort()).toEqual([staff.handler.name, staff.hotline.name].sort());
    for (const d of callbackRecords) {
      expect(d._id).toBe(`nt:${complaint.requestId}:callback-due-1:${d.recipient}:email`);
      expect(d._rev.startsWith('1-') || d.state === 'sent').toBe(true);
    }
    expect(smtp.to(staff.hotline.email)).toHaveLength(1);
    expect(smtp.to(staff.handler.email)).toHaveLength(1);
    expect(smtp.to(staff.hotline.email)[0]!.subject).toContain('待回访');
    // the remedy's approver once, and nobody else of the station or of another station
    expect(smtp.to(staff.head.email)).toHaveLength(1);
    expect(smtp.to(staff.otherHead.email)).toHaveLength(0);
    expect(smtp.to(staff.dispatcher.email)).toHaveLength(0);
    expect(smtp.messages).toHaveLength(3);
  }, 180_000);
});
