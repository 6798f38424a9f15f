/**
 * Residents told outside the app by the real server (server/notify/), through a real SMTP server
 * and a loopback stand-in for the SMS provider's HTTP API (the phones branch's adapter,
 * server/notify/sms/), with the server's clock moved by the test (HEARTHLINE_CLOCK_FILE):
 * - a dispatch tells the resident by SMS (the default) or e-mail where chosen, once, with the
 *   technician's display name and the visit time; at 23:00 China time it waits until 07:00;
 *   a provider's passing failure is retried, and still one SMS arrives;
 * - nothing internal and no free text reaches a resident (a note is no message; a late notice's
 *   reason stays in the app);
 * - a planned outage for a community tells its residents (not those of another community) once,
 *   48 hours before it starts, and its restoration once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEventId, ulid } from '../../../src/db/schema/events/ids';
import { startSite, type Site } from '../../support/server';
import { until } from './until';
import { startSmtp, type LoopbackSmtp } from '../support/smtp';
import { startAliyunSms, type FakeAliyunSms } from '../support/aliyunSms';
import { newResident as signUpResident, newStaff, request, type Resident } from '../../support/client';
import { residentRepairReport, type Doc } from '../../support/builders/backendEvents';

const HOUR = 3_600_000;
const CN = 8 * HOUR;
const ADMIN_PASSWORD = 'admin pass 1';
const work = mkdtempSync(path.join(os.tmpdir(), 'hearthline-notify-'));
const clockFile = path.join(work, 'clock');
const suffix = Date.now().toString(36).slice(-5);
let site: Site;
let smtp: LoopbackSmtp;
let sms: FakeAliyunSms;
/** The utility's registered templates, by the template values the notifier sends (README, Notifications). */
const SMS_TEMPLATES = {
  SMS_200000001: '您的诉求已派单，${technicianName}将于${visitTime}上门服务。',
  SMS_200000002: '抱歉，上门时间改为${visitTime}。',
  SMS_200000003: '${communities}计划于${start}至${end}停止供热，请提前做好准备。',
  SMS_200000004: '${communities}已恢复供热。',
  SMS_300000001: '您的验证码为${code}，10分钟内有效，请勿告诉他人。',
};
const cookies: Record<string, string> = {};
let garden: Resident;
let gardenDefault: Resident;
let east: Resident;
const mail = { garden: `garden-${suffix}@example.cn`, east: `east-${suffix}@example.cn` };

const basic = () => ({ basic: { name: 'admin', password: ADMIN_PASSWORD } });
/** Moves the server's watchers to the instant `ms` (epoch). */
const moveClockTo = (ms: number) => writeFileSync(clockFile, String(ms - Date.now()));
/** The next instant at `hh:mm` China time after now. */
function nextChinaTime(hh: number, mm = 0): number {
  const local = Date.now() + CN;
  let at = Math.floor(local / (24 * HOUR)) * 24 * HOUR + hh * HOUR + mm * 60_000;
  if (at <= local) at += 24 * HOUR;
  return at - CN;
}


async function notifications(filter: (d: any) => boolean): Promise<any[]> {
  const res = await request(site.url, 'GET', '/db/notifications/_all_docs?include_docs=true', undefined, basic());
  expect(res.status, res.text).toBe(200);
  return res.json.rows.map((r: any) => r.doc).filter((d: any) => d.docType === 'notification' && filter(d));
}

/** A resident signed up as the server asks with SMS configured: with the code sent to the phone on file. */
function newResident(base: string, overrides: Record<string, unknown> = {}) {
  return signUpResident(base, overrides, async (phone, ask) => {
    const since = sms.messages.length;
    const asked = await ask();
    expect(asked.status, asked.text).toBe(202);
    return (await sms.waitForMessage(phone, since)).code;
  });
}

/** The notifications a phone received (the sign-up's one-time code is not one). */
const toldBySms = (phone: string) => sms.messages.filter((m) => m.phone === phone && m.templateCode !== 'SMS_300000001');
/** The first notification to reach the phone (after its sign-up code). */
const firstNotice = (phone: string) => sms.waitForMessage(phone, sms.messages.findLastIndex((m) => m.phone === phone && m.templateCode === 'SMS_300000001') + 1, 30_000);

async function chooseChannels(r: Resident, channels: string[], email?: string) {
  const res = await request(site.url, 'PUT', '/db/_account/profile', { phone: r.phone, contactName: '', address: '', channels, ...(email !== undefined ? { email } : {}) }, { cookie: r.cookie });
  expect(res.status, res.text).toBe(200);
  return res;
}

/** A staff event about the request of `report`, written into the station's database by the dispatcher. */
function staffEvent(report: Doc, type: string, payload: Record<string, unknown>, visibility = 'resident'): Doc {
  const now = Date.now();
  return {
    _id: newEventId(now),
    docType: 'event',
    schemaVersion: 1,
    requestId: report.requestId,
    requestKind: report.requestKind,
    at: new Date(now).toISOString(),
    author: { name: `dp-${suffix}`, role: 'dispatcher', device: 'hall-pc' },
    resident: report.resident,
    station: 'demo',
    visibility,
    type,
    payload,
  };
}

async function writeStaffEvent(e: Doc) {
  const res = await request(site.url, 'PUT', `/db/station-demo/${e._id}`, e, { cookie: cookies.dispatcher });
  expect(res.status, res.text).toBe(201);
}

async function fileRepair(r: Resident): Promise<Doc> {
  const report = residentRepairReport(r);
  const put = await request(site.url, 'PUT', `/db/${r.db}/${report._id}`, report, { cookie: r.cookie });
  expect(put.status, put.text).toBe(201);
  // staff write about it only once the station holds it (the router's copy)
  await until(() => request(site.url, 'GET', `/db/station-demo/${report._id}`, undefined, basic()), (res) => res.status === 200);
  return report;
}

beforeAll(async () => {
  writeFileSync(clockFile, '0');
  smtp = await startSmtp();
  sms = await startAliyunSms({ templates: SMS_TEMPLATES });
  site = await startSite({
    env: {
      ...sms.env('dispatched=SMS_200000001,visit-moved=SMS_200000002,outage-announced=SMS_200000003,outage-restored=SMS_200000004,otp=SMS_300000001'),
      HEARTHLINE_NOTIFY_RETRY_MS: '500',
      HEARTHLINE_SIGNUP_ANSWER_MS: '200',
      HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      HEARTHLINE_PUBLISHER: '0',
      HEARTHLINE_CLOCK_FILE: clockFile,
      HEARTHLINE_DEADLINE_SWEEP_MS: '250',
      HEARTHLINE_NOTIFY_SWEEP_MS: '250',
      HEARTHLINE_SMTP_URL: smtp.url,
      HEARTHLINE_MAIL_FROM: 'Hearthline <service@heat.example.cn>',
    },
  });
  cookies.dispatcher = await newStaff(site, { name: `dp-${suffix}`, password: 'dispatcher pass 1', role: 'dispatcher', station: 'demo' });
  // the technician dispatched to: one of the station's (the write check refuses any other)
  await newStaff(site, { name: `tc-${suffix}`, password: 'technician pass 1', role: 'technician', station: 'demo' });
  cookies.manager = await newStaff(site, { name: `mg-${suffix}`, password: 'manager pass 1', role: 'manager' });
  garden = await newResident(site.url, { community: 'demo-garden' });
  gardenDefault = await newResident(site.url, { community: 'demo-garden' });
  east = await newResident(site.url, { community: 'demo-east' });
  await chooseChannels(garden, ['email'], mail.garden);
  await chooseChannels(east, ['email'], mail.east);
}, 180_000);

afterAll(async () => {
  await site?.stop();
  await smtp?.stop();
  await sms?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('"my account": how to be told', () => {
  it('e-mail chosen without an address is refused at the address field, in the user\u2019s words', async () => {
    const res = await request(site.url, 'PUT', '/db/_account/profile', { phone: garden.phone, contactName: '', address: '', channels: ['email'], email: '' }, { cookie: garden.cookie });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ field: 'email', messageId: 'profile.email.required' });
    const bad = await request(site.url, 'PUT', '/db/_account/profile', { phone: garden.phone, contactName: '', address: '', channels: ['fax'] }, { cookie: garden.cookie });
    expect(bad.status).toBe(400);
    expect(bad.json.field).toMatch(/^channels/);
  });
});

describe('a dispatch tells the resident', () => {
  it('once, by the channel chosen, with the technician and the visit time; at 23:00 it waits until 07:00', async () => {
    const night = nextChinaTime(23);
    moveClockTo(night);
    const report = await fileRepair(garden);
    // a staff note is internal: never a message
    await writeStaffEvent(staffEvent(report, 'note', { text: '内部：住户脾气不好' }, 'internal'));
    const visitAt = new Date(night + 10 * HOUR).toISOString(); // 09:00 the next morning, China time
    const dispatched = staffEvent(report, 'dispatched', { technician: `tc-${suffix}`, technicianName: '王师傅', visitAt });
    await writeStaffEvent(dispatched);

    const [record] = await until(() => notifications((d) => d.requestId === report.requestId), (d) => d.length >= 1);
    expect(record).toMatchObject({ kind: 'dispatched', channel: 'email', to: mail.garden, recipient: garden.name, state: 'pending' });
    // held through the night: 07:00 China time the next morning
    expect(record.notBefore).toBe(new Date(night + 8 * HOUR).toISOString());
    await new Promise((r) => setTimeout(r, 1_500));
    expect(smtp.to(mail.garden)).toHaveLength(0);
    moveClockTo(night + 8 * HOUR - 60_000); // 06:59
    await new Promise((r) => setTimeout(r, 1_000));
    expect(smtp.to(mail.garden)).toHaveLength(0);

    moveClockTo(night + 8 * HOUR + 1_000); // 07:00
    const got = await until(() => smtp.to(mail.garden), (m) => m.length >= 1);
    expect(got).toHaveLength(1);
    expect(got[0]!.subject).toBe('维修人员已派出 / A technician is on the way');
    const [, month, day] = new Date(night + 10 * HOUR + CN).toISOString().slice(0, 10).split('-');
    expect(got[0]!.text).toContain(`王师傅将于${Number(month)}月${Number(day)}日 09:00上门服务`);
    expect(got[0]!.text).not.toContain('内部');
    // e-mail only was chosen: no SMS
    expect(toldBySms(garden.phone)).toEqual([]);
    await until(() => notifications((d) => d._id === record._id && d.state === 'sent'), (d) => d.length === 1);

    // a late notice: the new time, never the reason typed by staff
    await writeStaffEvent(staffEvent(report, 'late-notice', { newVisitAt: new Date(night + 12 * HOUR).toISOString(), reason: '前一户漏水，内部调度' }));
    const moved = await until(() => smtp.to(mail.garden), (m) => m.length >= 2);
    expect(moved[1]!.text).toContain('11:00');
    expect(moved[1]!.raw).not.toContain('=E5=86=85=E9=83=A8'); // 内部, encoded
    expect(moved[1]!.text).not.toContain('漏水');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(smtp.to(mail.garden)).toHaveLength(2);
  }, 120_000);
});

describe('SMS', () => {
  it('a resident who never chose is told by SMS, once, under the utility’s signature; one who chose both gets both; a passing failure is retried', async () => {
    const afternoon = nextChinaTime(15);
    moveClockTo(afternoon);
    const smsOnly = await newResident(site.url, { community: 'demo-east' });
    const report = await fileRepair(smsOnly);
    const visitAt = afternoon + 90 * 60_000; // 16:30
    sms.failNext('isp.SYSTEM_ERROR'); // the provider's own error: try again later
    await writeStaffEvent(staffEvent(report, 'dispatched', { technician: `tc-${suffix}`, technicianName: '赵师傅', visitAt: new Date(visitAt).toISOString() }));
    const text = await firstNotice(smsOnly.phone);
    expect(text.signName).toBe(sms.signName);
    expect(text.templateCode).toBe('SMS_200000001');
    const [, month, day] = new Date(visitAt + CN).toISOString().slice(0, 10).split('-');
    expect(text.text).toBe(`【${sms.signName}】您的诉求已派单，赵师傅将于${Number(month)}月${Number(day)}日 16:30上门服务。`);
    const [record] = await until(() => notifications((d) => d.requestId === report.requestId && d.state === 'sent'), (d) => d.length >= 1);
    expect(record).toMatchObject({ channel: 'sms', to: smsOnly.phone, attempts: 2 });
    await new Promise((r) => setTimeout(r, 1_500));
    expect(toldBySms(smsOnly.phone)).toHaveLength(1);

    const both = await newResident(site.url, { community: 'demo-east' });
    const bothMail = `both-${suffix}@example.cn`;
    await chooseChannels(both, ['sms', 'email'], bothMail);
    const second = await fileRepair(both);
    await writeStaffEvent(staffEvent(second, 'dispatched', { technician: `tc-${suffix}`, technicianName: '赵师傅', visitAt: new Date(visitAt).toISOString() }));
    await firstNotice(both.phone);
    await until(() => smtp.to(bothMail), (m) => m.length >= 1);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(toldBySms(both.phone)).toHaveLength(1);
    expect(smtp.to(bothMail)).toHaveLength(1);
  }, 120_000);
});

describe('a failed delivery is visible to staff on the request', () => {
  it('the dispatcher reads each message of the request with its state and, when it failed, why; a resident reads none', async () => {
    const morning = nextChinaTime(10);
    moveClockTo(morning);
    const bounce = `bounce-${suffix}@example.cn`;
    smtp.refuse(bounce, 550);
    await chooseChannels(gardenDefault, ['email'], bounce);
    const report = await fileRepair(gardenDefault);
    await writeStaffEvent(staffEvent(report, 'dispatched', { technician: `tc-${suffix}`, technicianName: '李师傅', visitAt: new Date(morning + 5 * HOUR).toISOString() }));
    const read = () => request(site.url, 'GET', `/db/_account/deliveries?request=${report.requestId}`, undefined, { cookie: cookies.dispatcher });
    const res = await until(read, (r) => r.json?.deliveries?.[0]?.state === 'failed');
    expect(res.status, res.text).toBe(200);
    expect(res.json.deliveries).toHaveLength(1);
    expect(res.json.deliveries[0]).toMatchObject({ kind: 'dispatched', channel: 'email', audience: 'resident', state: 'failed', attempts: 1, to: 'b***@example.cn' });
    expect(res.json.deliveries[0].error).toMatch(/refused/);
    // the resident's own address is not shown in full, and the message text is not there
    expect(res.text).not.toContain(bounce);
    expect(res.text).not.toContain('李师傅');
    // a resident, or nobody, reads no deliveries
    expect((await request(site.url, 'GET', `/db/_account/deliveries?request=${report.requestId}`, undefined, { cookie: gardenDefault.cookie })).status).toBe(403);
    expect((await request(site.url, 'GET', `/db/_account/deliveries?request=${report.requestId}`)).status).toBe(401);
    expect((await request(site.url, 'GET', '/db/_account/deliveries?request=nonsense', undefined, { cookie: cookies.dispatcher })).status).toBe(400);
  }, 120_000);
});

describe('a planned outage tells the residents of its communities', () => {
  it('once, 48 h before it starts, and its restoration once; another community hears nothing', async () => {
    moveClockTo(Date.now());
    const before = { garden: smtp.to(mail.garden).length, east: smtp.to(mail.east).length };
    const outage = `ou-${ulid(Date.now())}`;
    const plannedStart = nextChinaTime(10) + 3 * 24 * HOUR; // 10:00 China time, three days on
    const record = (type: string, payload: Record<string, unknown>) => ({
      _id: `rc-${ulid(Date.now())}`,
      docType: 'record',
      schemaVersion: 1,
      type,
      at: new Date().toISOString(),
      author: { name: `mg-${suffix}`, role: 'manager', device: 'ops-pc' },
      station: 'demo',
      payload,
    });
    const put = async (doc: { _id: string }) => {
      const res = await request(site.url, 'PUT', `/db/operations/${doc._id}`, doc, { cookie: cookies.manager });
      expect(res.status, res.text).toBe(201);
    };
    await put(record('outage-announced', { outage, plannedStart: new Date(plannedStart).toISOString(), plannedEnd: new Date(plannedStart + 6 * HOUR).toISOString(), affectedCustomers: 120, area: '暖园小区 1-3 号楼', communities: ['demo-garden'] }));
    const announced = await until(() => notifications((d) => d.kind === 'outage-announced' && d._id.includes(':' + garden.name + ':')), (d) => d.length >= 1);
    expect(announced).toHaveLength(1);
    expect(announced[0].notBefore).toBe(new Date(plannedStart - 48 * HOUR).toISOString());
    expect(await notifications((d) => d.kind === 'outage-announced' && d.recipient === east.name)).toEqual([]);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(smtp.to(mail.garden)).toHaveLength(before.garden);

    moveClockTo(plannedStart - 48 * HOUR + 60_000);
    const told = await until(() => smtp.to(mail.garden), (m) => m.length >= before.garden + 1);
    expect(told.at(-1)!.subject).toBe('计划停暖通知 / Planned heating outage');
    expect(told.at(-1)!.text).toContain('计划于');
    expect(told.at(-1)!.text).not.toContain('号楼'); // the staff's free-text area stays inside

    moveClockTo(plannedStart + 60_000);
    await put(record('outage-started', { outage, planned: true, atHeatSource: false, affectedCustomers: 120, area: '暖园小区 1-3 号楼', communities: ['demo-garden'] }));
    moveClockTo(plannedStart + 5 * HOUR);
    await put(record('outage-restored', { outage }));
    const restored = await until(() => smtp.to(mail.garden), (m) => m.length >= before.garden + 2);
    expect(restored.at(-1)!.subject).toBe('恢复供热 / Heating restored');
    await new Promise((r) => setTimeout(r, 1_500));
    // once each: the planned start is no second message, and nothing for the other community
    expect(smtp.to(mail.garden)).toHaveLength(before.garden + 2);
    expect(smtp.to(mail.east)).toHaveLength(before.east);
  }, 120_000);
});
