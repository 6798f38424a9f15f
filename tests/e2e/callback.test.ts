/**
 * Issue 16, done-when: "A callback with nothing chosen cannot be saved; not reached records the
 * next try inside the allowed hours." Real Chromium against the real backend, a hotline user at
 * a phone (390×844, Chinese) calling at 21:00 and at a desk (1280×800, English) calling at
 * 10:30, China time: the card names the resident (their contact name, the phone masked), nothing
 * is chosen, a save with nothing chosen is refused at the outcome's field and records nothing;
 * "not reached" records the next try two hours on, moved into the callback hours (21:00 → the
 * next morning's 07:00; 10:30 → 14:00, after the midday rest), the card waits for it, and the
 * server stores it. A next try outside the hours, forged on the device, is refused by the
 * device's own write check (rule callback-next-try, the server's too). Screenshots of the card go
 * to $HEARTHLINE_SHOTS when set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startSite, type Site } from '../support/server';
import { admin, newResident, request, signIn } from '../support/client';
import { PHONE, checkAccessibility, formatViolations, launchContext, type LaunchedContext, type Viewport } from '../support/browser';
import { deviceEvents, recordOnDevice, waitForDevice } from './support/device';
import { dictionary, fill, type Lang } from '../../src/i18n';
import { aSubmittedRepair, anEvent, asCouchDoc } from '../support/builders/events';
import { newRequestId } from '../../src/db/schema/events/ids';
import { composeFollowUp } from '../../src/db/device/compose';
import { formatMoment } from '../../src/islands/format';
import { maskPhone } from '../../src/rules/customerPrivacy';

const ADMIN_PASSWORD = 'e2e callback admin 1';
const STATION = 'demo';
const DESK: Viewport = { width: 1280, height: 800 };
const SHOTS = process.env.HEARTHLINE_SHOTS;
const HOTLINE = { name: 'cb-hotline', password: 'cb hotline pass 1' };
const DISPATCHER = { name: 'cb-dispatcher', password: 'cb dispatcher pass 1' };
const TECH = { name: 'cb-tech', password: 'cb tech pass 1' };
const DAY = 86_400_000;

let site: Site;
const contexts: LaunchedContext[] = [];

/** The first instant after `after` at China wall-clock `hhmm`. */
function nextChina(hhmm: string, after = Date.now()): number {
  const day = new Date(after + 8 * 3_600_000).toISOString().slice(0, 10);
  const at = Date.parse(`${day}T${hhmm}:00+08:00`);
  return at > after ? at : at + DAY;
}

beforeAll(async () => {
  site = await startSite({ env: { HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  for (const [who, role, station] of [
    [HOTLINE, 'hotline', undefined],
    [DISPATCHER, 'dispatcher', STATION],
    [TECH, 'technician', STATION],
  ] as const) {
    const made = await admin(site, ['create-staff', '--name', who.name, '--role', role, ...(station ? ['--station', station] : []), '--display-name', `${role} 名`, '--password', who.password], { password: ADMIN_PASSWORD });
    if (made.code !== 0) throw new Error(made.stderr + made.stdout);
  }
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await site?.stop();
});

/** A repair the resident filed and the station finished (dispatched, arrived, signed off, resolved). */
async function finishedRepair(contact: { name: string; phone: string }) {
  const resident = await newResident(site.url, { community: 'demo-garden' });
  const submitted = aSubmittedRepair({
    author: { name: resident.name, role: 'resident', device: 'phone-1' },
    resident: resident.name,
    station: STATION,
    at: new Date().toISOString(),
    requestId: newRequestId(Date.now()),
    payload: { contact },
  } as never);
  const put = await request(site.url, 'PUT', `/db/${resident.db}/${submitted.id}`, asCouchDoc(submitted), { cookie: resident.cookie });
  expect(put.status, put.text).toBe(201);
  // Each step a second after the one before, as people take them: steps written in the same
  // millisecond are ordered by their random ids, and a 'resolved' folded before its 'arrived'
  // left the repair not done, so no callback fell due (one run in three, before this).
  let stepAt = Date.parse(submitted.at);
  const step = (type: 'dispatched' | 'arrived' | 'signed-off' | 'resolved', who: { name: string }, role: 'dispatcher' | 'technician', payload?: object) =>
    anEvent(type, {
      requestId: submitted.requestId,
      resident: resident.name,
      station: STATION,
      at: new Date((stepAt += 1_000)).toISOString(),
      author: { name: who.name, role, device: 'e2e' },
      ...(payload ? { payload } : {}),
    } as never);
  const cookies = { dispatcher: (await signIn(site.url, DISPATCHER.name, DISPATCHER.password)).cookie!, technician: (await signIn(site.url, TECH.name, TECH.password)).cookie! };
  for (const [event, cookie] of [
    [step('dispatched', DISPATCHER, 'dispatcher', { technician: TECH.name, technicianName: '吴师傅', visitAt: new Date(Date.now() + 30 * 60_000).toISOString() }), cookies.dispatcher],
    [step('arrived', TECH, 'technician'), cookies.technician],
    // the resident signs on the technician's phone: the repair is done, a callback falls due
    [step('signed-off', TECH, 'technician'), cookies.technician],
    [step('resolved', TECH, 'technician', { summary: '已修复' }), cookies.technician],
  ] as const) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await request(site.url, 'PUT', `/db/station-${STATION}/${event.id}`, asCouchDoc(event), { cookie });
      if (res.status === 201) break;
      if (Date.now() > deadline) throw new Error(`${event.type}: ${res.text}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  return { resident, requestId: submitted.requestId };
}

async function hotlinePage(viewport: Viewport, lang: Lang): Promise<Page> {
  const launched = await launchContext({ viewport });
  contexts.push(launched);
  const page = launched.context.pages()[0] ?? (await launched.context.newPage());
  const t = dictionary(lang);
  await page.goto(site.url + (lang === 'en' ? '/en/staff/' : '/staff/'));
  await page.getByLabel(t.session.login).fill(HOTLINE.name);
  await page.getByLabel(t.session.password, { exact: true }).fill(HOTLINE.password);
  await page.getByRole('button', { name: t.session.signIn, exact: true }).click();
  await page.getByRole('button', { name: t.session.signOut }).waitFor();
  await waitForDevice(page);
  return page;
}

describe.each([
  ['zh-CN', PHONE, 'phone', '21:00', '07:00'],
  ['en', DESK, 'desk', '10:30', '14:00'],
] as const)('the callback card in %s at a %s viewport', (lang, viewport, label, callAt, nextAt) => {
  const t = dictionary(lang);
  const sc = t.staffConsole;
  it(`nothing chosen is refused; not reached at ${callAt} records the next try at ${nextAt}`, { timeout: 240_000 }, async () => {
    const contact = { name: lang === 'en' ? 'Ms Qian' : '钱女士', phone: '13987654321' };
    const { resident, requestId } = await finishedRepair(contact);
    const page = await hotlinePage(viewport, lang);
    const calledAt = nextChina(callAt);
    const expectedNext = nextChina(nextAt, calledAt);
    await page.clock.setSystemTime(calledAt);
    await page.locator('.staff-console').dispatchEvent('pointerdown');
    await page.getByRole('tab', { name: new RegExp(`^${sc.tabs.callbacks}`) }).click();
    const card = page.locator(`.callback-queue .request[data-request="${requestId}"]`);
    await card.waitFor({ timeout: 60_000 }).catch(async (err) => {
      throw new Error(`no callback card at ${new Date(calledAt).toISOString()}; the page's clock ${await page.evaluate(() => new Date().toISOString())}; the tab:\n${await page.locator('#panel-callbacks').innerText()}\n${err}`);
    });
    await page.locator('.staff-console').dispatchEvent('pointerdown');

    // Whom to call: the resident's contact name, the phone masked; nothing chosen for the caller.
    expect(await card.locator('[data-fact="callback-name"]').textContent()).toBe(contact.name);
    expect(await card.locator('[data-fact="callback-phone"] .phone').textContent()).toBe(maskPhone(contact.phone));
    expect(await card.innerText()).not.toContain(resident.name);
    expect(await card.locator('input[type="radio"]:checked').count()).toBe(0);
    expect(await card.locator('select[id$="-cb-view"]').inputValue()).toBe('');
    expect(await card.locator('.request-meta').textContent()).toContain(sc.callNow);
    if (SHOTS) await card.screenshot({ path: path.join(SHOTS, `callback-${label}-${lang}-blank.png`) });

    // Saved with nothing chosen: refused at the outcome's field, nothing recorded.
    await card.getByRole('button', { name: sc.saveCallback, exact: true }).click();
    const outcomeError = card.locator('fieldset[id$="-cb-outcome"] .field-error');
    await expect.poll(() => outcomeError.textContent()).toBe(lang === 'en' ? 'Choose the outcome.' : '请选择回访结果。');
    expect((await deviceEvents(page, requestId)).filter((e) => e.type === 'callback')).toEqual([]);

    // Not reached: the next try two hours on, moved into the callback hours.
    await card.getByLabel(sc.callbackOutcomes.unreachable, { exact: true }).check();
    await card.getByRole('button', { name: sc.saveCallback, exact: true }).click();
    await expect.poll(async () => (await deviceEvents(page, requestId)).filter((e) => e.type === 'callback').length, { timeout: 15_000 }).toBe(1);
    const tried = (await deviceEvents(page, requestId)).find((e) => e.type === 'callback')!;
    expect(tried.payload).toMatchObject({ outcome: 'unreachable' });
    // the page's clock runs on from the set time: the next try is the window's start, or a few ms after it
    const drift = Date.parse((tried.payload as { nextTryAt: string }).nextTryAt) - expectedNext;
    expect(drift).toBeGreaterThanOrEqual(0);
    expect(drift).toBeLessThan(60_000);
    // The card waits for the next try, says when, and offers no second save until then.
    const meta = card.locator('.request-meta');
    await expect.poll(() => meta.textContent()).toContain(fill(sc.callFrom, { time: formatMoment(lang, expectedNext) }));
    expect(await meta.textContent()).toContain(fill(sc.attempts, { n: 1 }));
    await expect.poll(() => card.locator('form[id$="-callback"]').count()).toBe(0);
    if (SHOTS) await card.screenshot({ path: path.join(SHOTS, `callback-${label}-${lang}-not-reached.png`) });
    const violations = await checkAccessibility(page, { include: ['.staff-console'] });
    expect(violations, formatViolations(violations)).toEqual([]);

    // The server stored it (its write check holds the same hours).
    await expect
      .poll(async () => {
        const res = await request(site.url, 'GET', `/db/operations/${tried.id}`, undefined, { basic: { name: site.adminUser, password: ADMIN_PASSWORD } });
        return res.status;
      }, { timeout: 30_000 })
      .toBe(200);

    // A next try at night, forged on this device, is refused by the device's own write check.
    const forged = composeFollowUp(
      { session: { name: HOTLINE.name, roles: ['hotline'] } as never, deviceId: 'forged', role: 'hotline' },
      { requestId, requestKind: 'repair', resident: resident.name, station: STATION },
      'callback',
      { outcome: 'unreachable', nextTryAt: new Date(nextChina('23:30', calledAt)).toISOString() },
      'resident',
    );
    expect(await recordOnDevice(page, [forged], lang)).toEqual([expect.stringContaining('callback-next-try')]);
  });
});
