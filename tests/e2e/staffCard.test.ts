/**
 * The request as the resident told it (issue 16 item 1), in real Chromium against the real
 * backend, at a phone's and a desk's viewport: a resident files one request of each kind with
 * distinctive words; the station head of the resident's station opens each card and reads every
 * word of it (fault and description, complaint target/time/place/demand, the question, the rooms
 * and slots, the appointment's date and slot), with the customer archive beside it; the timeline
 * names the resident and the staff member by display name (never the login), and an internal
 * note is marked internal. Screenshots of the card in both languages land in
 * $HEARTHLINE_SHOTS (when set) to be looked at.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { startSite, type Site } from '../support/server';
import { admin, newResident, request, type Resident } from '../support/client';
import { checkAccessibility, formatViolations, launchContext, type LaunchedContext, type Viewport } from '../support/browser';
import { dictionary } from '../../src/i18n';
import { aSubmitted, asCouchDoc } from '../support/builders/events';
import { waitForDevice } from './support/device';
import { newRequestId } from '../../src/db/schema/events/ids';
import { appointmentDays, temperatureTestDays } from '../../src/rules/bookingWindows';
import type { RequestKind } from '../../src/db/schema/requestKind';
import { maskPhone } from '../../src/rules/customerPrivacy';

const zh = dictionary('zh-CN');
const en = dictionary('en');
const ADMIN_PASSWORD = 'e2e staff card admin 1';
const STATION = 'demo';
const SHOTS = process.env.HEARTHLINE_SHOTS;

let site: Site;
const contexts: LaunchedContext[] = [];
let resident: Resident;
const head = { name: 'cardhead', password: 'card head pass 1', displayName: '刘所长' };
const filed = new Map<RequestKind, { requestId: string; words: string[] }>();

const now = Date.now();
const contact = { name: '欧阳秀英', phone: '13912345678' };
const address = '梧桐路 88 号 7 栋 1203';
const tomorrow = temperatureTestDays(now)[1]!;
const appointmentDay = appointmentDays('appointment-installation', now)[0]!;

/** One submission of each kind, every free-text field distinctive. */
const SUBMISSIONS: Partial<Record<RequestKind, { payload: Record<string, unknown>; words: string[] }>> = {
  repair: {
    payload: { channel: 'portal', contact, address, fault: 'other', details: '卫生间暖气片接口滴水不止', contactTimes: ['工作日晚上'] },
    words: ['卫生间暖气片接口滴水不止', '工作日晚上', zh.forms.repair.faults.other],
  },
  complaint: {
    payload: { channel: 'portal', contact, address, about: '抄表员态度粗暴', happenedAt: new Date(now - 86_400_000).toISOString(), place: '小区南门值班室', demand: '书面道歉并更换抄表员' },
    words: ['抄表员态度粗暴', '小区南门值班室', '书面道歉并更换抄表员'],
  },
  consultation: { payload: { channel: 'portal', contact, question: '地暖用户的计量收费怎样核算' }, words: ['地暖用户的计量收费怎样核算'] },
  'temperature-test': {
    payload: {
      channel: 'portal',
      contact,
      address,
      rooms: [
        { name: '朝北次卧', areaM2: 11 },
        { name: '客餐厅', areaM2: 34 },
      ],
      preferredSlots: [{ date: tomorrow, from: '09:00', to: '11:00' }],
    },
    words: ['朝北次卧 11 ㎡', '客餐厅 34 ㎡', `${tomorrow} 09:00–11:00`],
  },
  'appointment-installation': {
    payload: { channel: 'portal', contact, address, preferredDate: appointmentDay, slot: 'afternoon', note: '请带上壁挂炉说明书' },
    words: [appointmentDay, zh.timeline.slots.afternoon, '请带上壁挂炉说明书'],
  },
  suggestion: { payload: { channel: 'portal', contact, text: '建议在营业厅增设老人座椅' }, words: ['建议在营业厅增设老人座椅'] },
  praise: { payload: { channel: 'portal', contact, text: '冒雪上门修好了阀门', staffName: '孙师傅' }, words: ['冒雪上门修好了阀门', '孙师傅'] },
};

beforeAll(async () => {
  site = await startSite({ env: { HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  const run = await admin(site, ['create-staff', '--name', head.name, '--role', 'station-head', '--station', STATION, '--display-name', head.displayName, '--password', head.password], {
    password: ADMIN_PASSWORD,
  });
  expect(run.code, run.stderr + run.stdout).toBe(0);
  resident = await newResident(site.url, { community: 'demo-garden' });
  let at = now - 60_000;
  for (const [kind, s] of Object.entries(SUBMISSIONS) as [RequestKind, { payload: Record<string, unknown>; words: string[] }][]) {
    at += 1_000;
    const event = aSubmitted(kind, {
      author: { name: resident.name, role: 'resident', device: 'phone-1' },
      resident: resident.name,
      station: STATION,
      at: new Date(at).toISOString(),
      requestId: newRequestId(at),
      payload: s.payload,
    } as never);
    const put = await request(site.url, 'PUT', `/db/${resident.db}/${event.id}`, asCouchDoc(event), { cookie: resident.cookie });
    expect(put.status, `${kind}: ${put.text}`).toBe(201);
    // the phone masked: a card needs to tell people apart, not to call them (the callback card and a technician's day show it on purpose, logged)
    filed.set(kind, { requestId: event.requestId, words: [...s.words, contact.name, maskPhone(contact.phone)] });
  }
}, 180_000);

afterAll(async () => {
  for (const c of contexts) await c.close();
  await site?.stop();
});

async function signedIn(viewport: Viewport, lang: 'zh-CN' | 'en'): Promise<Page> {
  const launched = await launchContext({ viewport });
  contexts.push(launched);
  const page = launched.context.pages()[0] ?? (await launched.context.newPage());
  const t = lang === 'en' ? en : zh;
  await page.goto(site.url + (lang === 'en' ? '/en/staff/' : '/staff/'));
  await page.getByLabel(t.session.login).fill(head.name);
  await page.getByLabel(t.session.password, { exact: true }).fill(head.password);
  await page.getByRole('button', { name: t.session.signIn, exact: true }).click();
  await page.getByRole('button', { name: t.session.signOut }).waitFor();
  await waitForDevice(page);
  return page;
}

const row = (page: Page, requestId: string) => page.locator(`.staff-queue .request[data-request="${requestId}"]`);

/** Opens a request's card: its row's card on a phone; on a desk (≥ 1024 px) the table row's detail beside the table. */
async function openCard(page: Page, requestId: string, t: typeof zh, label: 'phone' | 'desk'): Promise<Locator> {
  if (label === 'phone') {
    const r = row(page, requestId);
    await r.waitFor({ timeout: 60_000 });
    await r.getByRole('button', { name: t.staffConsole.open }).click();
    return r;
  }
  const pick = page.locator(`.queue-table tr[data-request="${requestId}"] .row-select`);
  await pick.waitFor({ timeout: 60_000 });
  if ((await pick.getAttribute('aria-pressed')) !== 'true') await pick.click();
  return page.locator('#queue-detail');
}

describe.each([
  ['phone', { width: 390, height: 844 }],
  ['desk', { width: 1366, height: 900 }],
] as const)('the staff card at a %s viewport', (label, viewport) => {
  it('shows every word the resident wrote, kind by kind, with the archive and a timeline that names people', async () => {
    const page = await signedIn(viewport, 'zh-CN');
    for (const [kind, { requestId, words }] of filed) {
      const r = await openCard(page, requestId, zh, label);
      const card = r.locator('.request-card');
      await card.waitFor();
      const text = await card.innerText();
      for (const w of words) expect(text, `${kind}: ${w}`).toContain(w);
      expect(text).toContain(resident.accountNumber);
      expect(text, `${kind}: the phone in full`).not.toContain(contact.phone);
      await expect.poll(() => r.locator('.customer-archive').innerText()).toContain(zh.staffConsole.archiveRequests);
      // The resident is named by their contact name, not their login.
      const timeline = await r.locator('.staff-timeline').innerText();
      expect(timeline).toContain(`${contact.name}（${zh.staffConsole.roles.resident}）`);
      expect(timeline).not.toContain(resident.name);
      if (label === 'phone') await r.getByRole('button', { name: zh.staffConsole.hide }).click();
    }

    // The station head accepts the repair (on the first device; the second reads it replicated):
    // the timeline names them by display name, never by login.
    if (label === 'phone') await row(page, filed.get('repair')!.requestId).getByRole('button', { name: zh.staff.accept }).click();
    const repair = await openCard(page, filed.get('repair')!.requestId, zh, label);
    const accepted = repair.locator('.staff-timeline li[data-type="accepted"]');
    await expect.poll(() => accepted.innerText().catch(() => ''), { timeout: 30_000 }).toContain(`${head.displayName}（${zh.staffConsole.roles['station-head']}）`);
    expect(await repair.locator('.staff-timeline').innerText()).not.toContain(head.name);

    const violations = await checkAccessibility(page, { include: ['.staff-console'] });
    expect(violations, formatViolations(violations)).toEqual([]);
    if (SHOTS) await repair.screenshot({ path: path.join(SHOTS, `card-${label}-zh.png`) });
  }, 180_000);

  it('reads the same card in English', async () => {
    const page = await signedIn(viewport, 'en');
    const { requestId } = filed.get('temperature-test')!;
    const r = await openCard(page, requestId, en as unknown as typeof zh, label);
    const text = await r.locator('.request-card').innerText();
    expect(text).toContain(en.staffConsole.facts.rooms);
    expect(text).toContain('朝北次卧 11 m²');
    expect(text).toContain(en.staffConsole.facts.preferredSlots);
    if (SHOTS) await r.screenshot({ path: path.join(SHOTS, `card-${label}-en.png`) });
  }, 180_000);
});
