/**
 * Issue 19, item 5: "the phone used is the verified one". A resident proves a phone with a
 * one-time code at sign-up and later writes another number into "my account": the dispatch SMS
 * goes to the proven phone, not to the profile's. A resident who signed up before SMS was
 * configured proved none: the profile's phone is used. The real server, its clock moved by
 * the test out of the quiet hours, and the loopback Alibaba Cloud SMS endpoint.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEventId } from '../../../src/db/schema/events/ids';
import { startSite, type Site } from '../../support/server';
import { until } from './until';
import { startAliyunSms, type FakeAliyunSms } from '../support/aliyunSms';
import { newPhone, newResident, newStaff, registerCustomer, request, signIn, signupBody, type Resident } from '../../support/client';
import { residentRepairReport } from '../../support/builders/backendEvents';
import { residentDbName } from '../../../src/db/databaseNames';

const HOUR = 3_600_000;
const CN = 8 * HOUR;
const ADMIN_PASSWORD = 'admin pass 1';
const OTP_TEMPLATE = 'SMS_300000001';
const DISPATCH_TEMPLATE = 'SMS_200000001';
const work = mkdtempSync(path.join(os.tmpdir(), 'hearthline-verified-phone-'));
const clockFile = path.join(work, 'clock');
const dataDir = path.join(work, 'data');
const suffix = Date.now().toString(36).slice(-5);
let site: Site;
let sms: FakeAliyunSms;
let dispatcher: string;
/** Signed up while the server sent no codes: no phone proven. */
let before: Resident;

const basic = () => ({ basic: { name: 'admin', password: ADMIN_PASSWORD } });
const moveClockTo = (ms: number) => writeFileSync(clockFile, String(ms - Date.now()));
/** The next instant at `hh:00` China time at least an hour after now. */
function nextChinaTime(hh: number): number {
  const local = Date.now() + CN + HOUR;
  let at = Math.floor(local / (24 * HOUR)) * 24 * HOUR + hh * HOUR;
  if (at <= local) at += 24 * HOUR;
  return at - CN;
}

beforeAll(async () => {
  writeFileSync(clockFile, '0');
  const plain = await startSite({ env: { HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD, HEARTHLINE_PUBLISHER: '0' }, dataDir });
  before = await newResident(plain.url);
  await plain.stop();
  sms = await startAliyunSms({
    templates: { [OTP_TEMPLATE]: '您的验证码为${code}，10分钟内有效，请勿告诉他人。', [DISPATCH_TEMPLATE]: '您的诉求已派单，${technicianName}将于${visitTime}上门服务。' },
  });
  site = await startSite({
    env: {
      ...sms.env(`otp=${OTP_TEMPLATE},dispatched=${DISPATCH_TEMPLATE}`),
      HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      HEARTHLINE_PUBLISHER: '0',
      HEARTHLINE_CLOCK_FILE: clockFile,
      HEARTHLINE_DEADLINE_SWEEP_MS: '250',
      HEARTHLINE_NOTIFY_SWEEP_MS: '250',
      HEARTHLINE_SIGNUP_ANSWER_MS: '200',
    },
    dataDir,
  });
  dispatcher = await newStaff(site, { name: `dp-${suffix}`, password: 'dispatcher pass 1', role: 'dispatcher', station: 'demo' });
  // the technician dispatched to: one of the station's (the write check refuses any other)
  await newStaff(site, { name: `tc-${suffix}`, password: 'technician pass 1', role: 'technician', station: 'demo' });
}, 180_000);

afterAll(async () => {
  await site?.stop();
  await sms?.close();
  rmSync(work, { recursive: true, force: true });
});

/** The dispatcher sends a technician to the request of `report`, at `morning` + 3 h. */
async function dispatch(report: { requestId: string; resident: string }, morning: number) {
  const now = Date.now();
  const dispatched = {
    _id: newEventId(now),
    docType: 'event',
    schemaVersion: 1,
    requestId: report.requestId,
    requestKind: 'repair',
    at: new Date(now).toISOString(),
    author: { name: `dp-${suffix}`, role: 'dispatcher', device: 'hall-pc' },
    resident: report.resident,
    station: 'demo',
    visibility: 'resident',
    type: 'dispatched',
    payload: { technician: `tc-${suffix}`, technicianName: '王师傅', visitAt: new Date(morning + 3 * HOUR).toISOString() },
  };
  const written = await request(site.url, 'PUT', `/db/station-demo/${dispatched._id}`, dispatched, { cookie: dispatcher });
  expect(written.status, written.text).toBe(201);
}

/** A repair the resident files, once the station holds it. */
async function fileRepair(r: { name: string; phone: string; db: string; cookie: string }) {
  const report = residentRepairReport({ name: r.name, phone: r.phone });
  const put = await request(site.url, 'PUT', `/db/${r.db}/${report._id}`, report, { cookie: r.cookie });
  expect(put.status, put.text).toBe(201);
  await until(() => request(site.url, 'GET', `/db/station-demo/${report._id}`, undefined, basic()), (res) => res.status === 200);
  return report as typeof report & { requestId: string; resident: string };
}

describe('the phone an SMS goes to', () => {
  it('is the one the resident proved with a code, not a number typed into "my account" since', async () => {
    // sign-up with the code sent to the phone on file
    const body = signupBody();
    const accountNumber = String(body.accountNumber);
    const proven = String(body.phone);
    await registerCustomer(site.url, { accountNumber, phones: [proven], station: 'demo', community: 'demo-garden' });
    const since = sms.messages.length;
    const asked = await request(site.url, 'POST', '/api/signup/code', { accountNumber, phone: proven });
    expect(asked.status, asked.text).toBe(202);
    const code = (await sms.waitForMessage(proven, since)).code;
    const created = await request(site.url, 'POST', '/api/signup', { ...body, phoneCode: code });
    expect(created.status, created.text).toBe(202);
    const name = `r-${accountNumber}`;
    const session = await signIn(site.url, name, String(body.password));
    expect(session.cookie).toBeTruthy();
    const cookie = session.cookie!;
    const db = residentDbName(name);

    // another number in "my account", SMS chosen
    const typed = newPhone();
    const profile = await request(site.url, 'PUT', '/db/_account/profile', { phone: typed, contactName: '', address: '', channels: ['sms'] }, { cookie });
    expect(profile.status, profile.text).toBe(200);
    const stored = await request(site.url, 'GET', `/db/${db}/profile`, undefined, basic());
    expect(stored.json.phone).toBe(typed);

    // a repair, dispatched in the morning (outside the quiet hours)
    const morning = nextChinaTime(9);
    moveClockTo(morning);
    const report = await fileRepair({ name, phone: proven, db, cookie });
    await dispatch(report, morning);

    const text = await until(() => sms.messages.filter((m) => m.templateCode === DISPATCH_TEMPLATE), (m) => m.length >= 1);
    expect(text).toHaveLength(1);
    expect(text[0]!.phone).toBe(proven);
    expect(text[0]!.params.technicianName).toBe('王师傅');
    await new Promise((r) => setTimeout(r, 1_000));
    expect(sms.messages.filter((m) => m.phone === typed)).toEqual([]);
    const records = await request(site.url, 'GET', '/db/notifications/_all_docs?include_docs=true', undefined, basic());
    const sent = records.json.rows.map((r: any) => r.doc).filter((d: any) => d.docType === 'notification' && d.recipient === name);
    expect(sent.map((d: any) => [d.kind, d.channel, d.to])).toEqual([['dispatched', 'sms', proven]]);
  }, 180_000);

  it('is the profile\'s phone where none was proven (an account made before SMS was configured)', async () => {
    const morning = nextChinaTime(10);
    moveClockTo(morning);
    const report = await fileRepair(before);
    await dispatch(report, morning);
    const text = await until(() => sms.messages.filter((m) => m.templateCode === DISPATCH_TEMPLATE && m.phone === before.phone), (m) => m.length >= 1);
    expect(text).toHaveLength(1);
    const records = await request(site.url, 'GET', '/db/notifications/_all_docs?include_docs=true', undefined, basic());
    const sent = records.json.rows.map((r: any) => r.doc).filter((d: any) => d.docType === 'notification' && d.recipient === before.name);
    expect(sent.map((d: any) => [d.kind, d.channel, d.to])).toEqual([['dispatched', 'sms', before.phone]]);
  }, 180_000);
});
