/**
 * The staff's view of a request's messages (issue 16, "check the staff's view … of the deliveries
 * list"), in real Chromium against the real backend with a real SMTP server on loopback: two
 * residents who chose e-mail file a repair each; the station dispatches both; one e-mail is
 * delivered, the other refused by the mail server for good. A dispatcher at a phone (Chinese)
 * and at a desk (English) reads on each card the message sent about the dispatch, the address
 * masked, and the failed one marked with "call instead" and the server's reason (the address
 * masked there too). Screenshots of both cards go to $HEARTHLINE_SHOTS when set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { startSite, type Site } from '../integration/support/site';
import { startSmtp, type LoopbackSmtp } from '../integration/support/smtp';
import { admin, newResident, request, signIn, type Resident } from '../integration/backend/client';
import { PHONE, checkAccessibility, formatViolations, launchContext, type LaunchedContext, type Viewport } from './support/browser';
import { waitForDevice } from './support/device';
import { dictionary, type Lang } from '../../src/i18n';
import { aSubmittedRepair, anEvent, asCouchDoc } from '../unit/builders/events';
import { newRequestId } from '../../src/db/schema/events/ids';
import { maskAddress } from '../../src/rules/notifications';

const ADMIN_PASSWORD = 'e2e deliveries admin 1';
const STATION = 'demo';
const DESK: Viewport = { width: 1280, height: 800 };
const SHOTS = process.env.HEARTHLINE_SHOTS;
const DISPATCHER = { name: 'dl-dispatcher', password: 'dl dispatcher pass 1' };
const TECH = { name: 'dl-tech', password: 'dl tech pass 1' };
const MAIL = { sent: 'qian.sent@heat.example.cn', refused: 'zhou.refused@heat.example.cn' };

let smtp: LoopbackSmtp;
let site: Site;
const contexts: LaunchedContext[] = [];
const requests: { sent: string; refused: string } = { sent: '', refused: '' };

/** A one-minute quiet time twelve hours away: the messages go at once whenever the test runs. */
function quietFarAway(): string {
  const clock = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(11, 16);
  const from = Date.now() + 12 * 3_600_000;
  return `${clock(from)}-${clock(from + 60_000)}`;
}

async function fileAndDispatch(resident: Resident, dispatcherCookie: string): Promise<string> {
  const submitted = aSubmittedRepair({ author: { name: resident.name, role: 'resident', device: 'phone-1' }, resident: resident.name, station: STATION, at: new Date().toISOString(), requestId: newRequestId(Date.now()) });
  const put = await request(site.url, 'PUT', `/db/${resident.db}/${submitted.id}`, asCouchDoc(submitted), { cookie: resident.cookie });
  expect(put.status, put.text).toBe(201);
  const dispatched = anEvent('dispatched', {
    requestId: submitted.requestId,
    resident: resident.name,
    station: STATION,
    at: new Date().toISOString(),
    author: { name: DISPATCHER.name, role: 'dispatcher', device: 'e2e' },
    payload: { technician: TECH.name, technicianName: '郑师傅', visitAt: new Date(Date.now() + 40 * 60_000).toISOString() },
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await request(site.url, 'PUT', `/db/station-${STATION}/${dispatched.id}`, asCouchDoc(dispatched), { cookie: dispatcherCookie });
    if (res.status === 201) break;
    if (Date.now() > deadline) throw new Error(res.text);
    await new Promise((r) => setTimeout(r, 300));
  }
  return submitted.requestId;
}

beforeAll(async () => {
  smtp = await startSmtp();
  smtp.refuse(MAIL.refused, 550);
  site = await startSite({
    env: {
      HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD,
      HEARTHLINE_SMTP_URL: smtp.url,
      HEARTHLINE_MAIL_FROM: 'Hearthline <service@heat.example.cn>',
      HEARTHLINE_QUIET_HOURS: quietFarAway(),
      HEARTHLINE_NOTIFY_RETRY_MS: '500',
      HEARTHLINE_PUBLISHER: '0',
    },
  });
  for (const [who, role] of [
    [DISPATCHER, 'dispatcher'],
    [TECH, 'technician'],
  ] as const) {
    const made = await admin(site, ['create-staff', '--name', who.name, '--role', role, '--station', STATION, '--display-name', role === 'technician' ? '郑师傅' : '冯调度', '--password', who.password], { password: ADMIN_PASSWORD });
    if (made.code !== 0) throw new Error(made.stderr + made.stdout);
  }
  const dispatcherCookie = (await signIn(site.url, DISPATCHER.name, DISPATCHER.password)).cookie!;
  for (const key of ['sent', 'refused'] as const) {
    const resident = await newResident(site.url, { community: 'demo-garden' });
    const profile = await request(site.url, 'PUT', '/db/_account/profile', { phone: resident.phone, contactName: '', address: '', channels: ['email'], email: MAIL[key] }, { cookie: resident.cookie });
    expect(profile.status, profile.text).toBe(200);
    requests[key] = await fileAndDispatch(resident, dispatcherCookie);
  }
  // the one delivered, the other refused for good
  for (const until = Date.now() + 60_000; smtp.to(MAIL.sent).length < 1; ) {
    if (Date.now() > until) throw new Error('the e-mail about the dispatch was not delivered');
    await new Promise((r) => setTimeout(r, 250));
  }
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
}, 180_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await site?.stop();
  await smtp?.stop();
});

async function signedIn(viewport: Viewport, lang: Lang): Promise<Page> {
  const launched = await launchContext({ viewport });
  contexts.push(launched);
  const page = launched.context.pages()[0] ?? (await launched.context.newPage());
  const t = dictionary(lang);
  await page.goto(site.url + (lang === 'en' ? '/en/staff/' : '/staff/'));
  await page.getByLabel(t.session.login).fill(DISPATCHER.name);
  await page.getByLabel(t.session.password, { exact: true }).fill(DISPATCHER.password);
  await page.getByRole('button', { name: t.session.signIn, exact: true }).click();
  await page.getByRole('button', { name: t.session.signOut }).waitFor();
  await waitForDevice(page);
  return page;
}

async function openCard(page: Page, requestId: string, wide: boolean, open: string): Promise<Locator> {
  if (wide) {
    const pick = page.locator(`.queue-table tr[data-request="${requestId}"] .row-select`);
    await pick.waitFor({ timeout: 60_000 });
    if ((await pick.getAttribute('aria-pressed')) !== 'true') await pick.click();
    return page.locator('#queue-detail');
  }
  const row = page.locator(`.staff-queue .request[data-request="${requestId}"]`);
  await row.waitFor({ timeout: 60_000 });
  const button = row.getByRole('button', { name: open, exact: true });
  if (await button.count()) await button.click();
  return row;
}

describe.each([
  ['zh-CN', PHONE, 'phone'],
  ['en', DESK, 'desk'],
] as const)('the messages on the card in %s at a %s viewport', (lang, viewport, label) => {
  const t = dictionary(lang);
  const d = t.staffConsole.deliveries;
  it('lists the dispatch message sent and the one the mail server refused, addresses masked', async () => {
    const page = await signedIn(viewport, lang);
    const wide = viewport.width >= 1024;

    const sentCard = await openCard(page, requests.sent, wide, t.staffConsole.open);
    const sent = sentCard.locator('.deliveries li');
    await expect.poll(() => sent.count(), { timeout: 30_000 }).toBe(1);
    const sentText = await sent.innerText();
    for (const part of [d.kinds.dispatched, d.channels.email, maskAddress(MAIL.sent), d.states.sent]) expect(sentText).toContain(part);
    expect(await sentCard.innerText()).not.toContain(MAIL.sent);
    if (SHOTS) await sentCard.locator('.deliveries').screenshot({ path: path.join(SHOTS, `deliveries-${label}-${lang}-sent.png`) });
    if (!wide) await sentCard.getByRole('button', { name: t.staffConsole.hide, exact: true }).click();

    const refusedCard = await openCard(page, requests.refused, wide, t.staffConsole.open);
    const failed = refusedCard.locator('.deliveries li[data-state="failed"]');
    await failed.waitFor({ timeout: 60_000 });
    const failedText = await failed.innerText();
    expect(failedText).toContain(d.states.failed);
    expect(failedText).toContain(d.failed.split('{attempts}')[0]!);
    // the mail server's reason, said to be its own words (it is not translated)
    expect(failedText).toContain(d.reason.split('{error}')[0]!);
    expect(failedText).toContain(maskAddress(MAIL.refused));
    expect(await refusedCard.innerText()).not.toContain(MAIL.refused);
    if (SHOTS) await refusedCard.locator('.deliveries').screenshot({ path: path.join(SHOTS, `deliveries-${label}-${lang}-failed.png`) });
    const violations = await checkAccessibility(page, { include: ['.staff-console'] });
    expect(violations, formatViolations(violations)).toEqual([]);
  }, 180_000);
});
