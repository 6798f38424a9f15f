/**
 * Issue 16, done-when: "A technician sees only their visits, measures a temperature test with two
 * rooms, cannot finish it unsigned, corrects a reading, and the resident's timeline shows one
 * measurement with the corrected value." Real Chromium at the phone (390×844: the queue's cards)
 * and the desk viewport (1280×800: the queue's table, the detail beside it) against the real
 * backend: the resident files the test in their own database, a dispatcher of the
 * station dispatches it (and another visit to another technician), the technician works it on
 * the phone. Screenshots of the technician's form and the resident's timeline in both languages
 * go to HEARTHLINE_SHOTS when it is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { startSite, type Site } from '../support/server';
import { admin, newResident, request, signIn, type Resident } from '../support/client';
import { PHONE, checkAccessibility, formatViolations, launchContext, type LaunchedContext, type Viewport } from '../support/browser';
import { deviceEvents, recordOnDevice, waitForDevice } from './support/device';
import { dictionary, fill } from '../../src/i18n';
import { aSubmitted, aSubmittedRepair, anEvent, asCouchDoc } from '../support/builders/events';
import { newRequestId } from '../../src/db/schema/events/ids';
import { composeFollowUp } from '../../src/db/device/compose';

const zh = dictionary('zh-CN');
const en = dictionary('en');
const sc = zh.staffConsole;
const ADMIN_PASSWORD = 'e2e temperature admin 1';
const VIEWPORTS = [
  ['phone', PHONE],
  ['desk', { width: 1280, height: 800 }],
] as const;
// one technician per viewport: each sees only their own visits
const techOf = (label: string) => ({ name: `tc-temp-${label}`, password: 'technician pass 1' });
const otherOf = (label: string) => ({ name: `tc-other-${label}`, password: 'technician pass 2' });
const DISPATCHER = { name: 'dp-temp', password: 'dispatcher pass 1' };
const SHOTS = process.env.HEARTHLINE_SHOTS;

let site: Site;
const contexts: LaunchedContext[] = [];

beforeAll(async () => {
  site = await startSite({ env: { HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  for (const [who, role] of [
    ...VIEWPORTS.flatMap(([label]) => [
      [techOf(label), 'technician'],
      [otherOf(label), 'technician'],
    ] as const),
    [DISPATCHER, 'dispatcher'],
  ] as const) {
    const made = await admin(site, ['create-staff', '--name', who.name, '--role', role, '--station', 'demo', '--password', who.password], { password: ADMIN_PASSWORD });
    if (made.code !== 0) throw new Error(made.stderr);
  }
}, 120_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await site?.stop();
});

async function device(viewport: Viewport): Promise<Page> {
  const launched = await launchContext({ viewport });
  contexts.push(launched);
  return launched.context.pages()[0] ?? (await launched.context.newPage());
}

async function shot(target: Page | Locator, name: string) {
  if (SHOTS) await target.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/** A request the resident filed from their phone (their own database, their session). */
async function file(resident: Resident, event: ReturnType<typeof aSubmitted>) {
  const put = await request(site.url, 'PUT', `/db/${resident.db}/${event.id}`, asCouchDoc(event), { cookie: resident.cookie });
  expect(put.status, put.text).toBe(201);
}

/** The dispatcher's dispatch at the station, once the router has brought the request there. */
async function dispatch(cookie: string, submitted: ReturnType<typeof aSubmitted>, technician: string, technicianName: string) {
  const event = anEvent('dispatched', {
    requestId: submitted.requestId,
    requestKind: submitted.requestKind,
    resident: submitted.resident,
    station: 'demo',
    at: new Date().toISOString(),
    author: { name: DISPATCHER.name, role: 'dispatcher', device: 'hall-pc' },
    payload: { technician, technicianName, visitAt: new Date(Date.now() + 20 * 60_000).toISOString() },
  });
  await expect
    .poll(async () => (await request(site.url, 'PUT', `/db/station-demo/${event.id}`, asCouchDoc(event), { cookie })).status, { timeout: 30_000 })
    .toBe(201);
}

/**
 * A request of the queue opened: on a phone its card (the returned row holds the detail); on a
 * desk (≥ 1024 px) its table row chosen, the detail beside the table. `status()` reads its state.
 */
async function openRequest(page: Page, requestId: string, wide: boolean, open: string): Promise<{ row: Locator; status: () => Promise<string | null> }> {
  if (wide) {
    const tr = page.locator(`.queue-table tr[data-request="${requestId}"]`);
    await tr.waitFor({ timeout: 60_000 });
    const pick = tr.locator('.row-select');
    if ((await pick.getAttribute('aria-pressed')) !== 'true') await pick.click();
    const row = page.locator('#queue-detail');
    await row.locator('.request-detail').waitFor();
    return { row, status: () => tr.getAttribute('data-status') };
  }
  const row = page.locator(`.staff-queue .request[data-request="${requestId}"]`);
  await row.waitFor({ timeout: 60_000 });
  const button = row.getByRole('button', { name: open, exact: true });
  if (await button.count()) await button.click();
  return { row, status: () => row.getAttribute('data-status') };
}

describe.each(VIEWPORTS)('a temperature test on the technician’s device (%s)', (label, viewport) => {
  const TECH = techOf(label);
  const OTHER_TECH = otherOf(label);
  const wide = viewport.width >= 1024;
  const phone = () => device(viewport);
  it('two rooms measured, not finished unsigned, a reading corrected: one measurement with the corrected value', { timeout: 300_000 }, async () => {
    const resident = await newResident(site.url, { community: 'demo-garden' });
    const tomorrow = new Date(Date.now() + 8 * 3_600_000 + 86_400_000).toISOString().slice(0, 10);
    const common = { author: { name: resident.name, role: 'resident' as const, device: 'phone-1' }, resident: resident.name, station: 'demo' };
    const test = aSubmitted('temperature-test', {
      ...common,
      at: new Date().toISOString(),
      requestId: newRequestId(Date.now()),
      payload: {
        rooms: [
          { name: '客厅', areaM2: 24 },
          { name: '主卧', areaM2: 12 },
        ],
        preferredSlots: [{ date: tomorrow, from: '09:00', to: '11:00' }],
      },
    });
    const someoneElses = aSubmittedRepair({ ...common, at: new Date(Date.now() + 1).toISOString(), requestId: newRequestId(Date.now() + 1) });
    await file(resident, test);
    await file(resident, someoneElses);
    const dispatcher = (await signIn(site.url, DISPATCHER.name, DISPATCHER.password)).cookie!;
    await dispatch(dispatcher, test, TECH.name, '王师傅');
    await dispatch(dispatcher, someoneElses, OTHER_TECH.name, '赵师傅');

    // The technician's phone: only their own visit in the queue.
    const page = await phone();
    await page.goto(site.url + '/staff/');
    await page.getByLabel(zh.session.login).fill(TECH.name);
    await page.getByLabel(zh.session.password, { exact: true }).fill(TECH.password);
    await page.getByRole('button', { name: zh.session.signIn, exact: true }).click();
    await waitForDevice(page);
    // a technician opens on their day; the queue holds only their own visits
    await page.getByRole('tab', { name: sc.tabs.queue }).click();
    const { row, status } = await openRequest(page, test.requestId, wide, sc.open);
    expect(await page.locator(wide ? '.queue-table tbody tr' : '.staff-queue .request').count()).toBe(1);

    // Arrive first; a test has no repair steps and no separate sign-off beside the measurement.
    await row.getByRole('button', { name: sc.arrived, exact: true }).click();
    await expect.poll(status).toBe('on-site');
    const measure = row.locator('form[id$="-measure"]');
    await measure.waitFor();
    for (const absent of [sc.diagnoseTitle, sc.workTitle, sc.signTitle, sc.resolveTitle]) expect(await row.getByRole('heading', { name: absent, exact: true }).count(), absent).toBe(0);
    expect(await row.locator('canvas').count()).toBe(1);

    // The rooms the resident asked for, with the points their areas need: 24 m² two, 12 m² one.
    expect(await measure.getByLabel(sc.roomName).evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(['客厅', '主卧']);
    const readings = measure.getByLabel(/^测点 \d（°C）$/);
    expect(await readings.count()).toBe(3);
    // A figure that is not a number is refused at its own field.
    await readings.nth(0).fill('18.6');
    await readings.nth(1).fill('abc');
    await readings.nth(2).fill('16.0');
    await measure.getByRole('button', { name: sc.saveMeasurement }).click();
    const fieldError = measure.locator(`#${await readings.nth(1).getAttribute('id')}-error`);
    await expect.poll(() => fieldError.textContent()).toBeTruthy();
    expect(await readings.nth(1).getAttribute('aria-invalid')).toBe('true');
    expect(await readings.nth(0).getAttribute('aria-invalid')).not.toBe('true');

    // Saved unsigned: a draft, marked invalid, and the test cannot be finished.
    await readings.nth(1).fill('18.8');
    await measure.getByRole('button', { name: sc.saveMeasurement }).click();
    await measure.locator('[data-record="draft"]').waitFor();
    expect(await measure.locator('[data-record="draft"]').textContent()).toContain(sc.recordSavedDraft);
    expect(await row.getByRole('button', { name: sc.resolve }).count()).toBe(0);
    const forced = composeFollowUp(
      { session: { name: TECH.name, roles: ['technician'], station: 'demo' } as never, deviceId: 'tc-phone', role: 'technician' },
      { requestId: test.requestId, requestKind: 'temperature-test', resident: resident.name, station: 'demo' },
      'resolved',
      { summary: '测温完成' },
      'resident',
    );
    const refusals = await recordOnDevice(page, [forced]);
    expect(refusals.join(' ')).toContain('temperature-record');
    await shot(row, `temperature-draft-zh-${label}`);

    // The saved readings come back into the form after a reload.
    await page.reload();
    await waitForDevice(page);
    await page.getByRole('tab', { name: sc.tabs.queue }).click();
    await openRequest(page, test.requestId, wide, sc.open);
    await measure.locator('[data-record="draft"]').waitFor({ timeout: 60_000 }); // the device reopens its database after the reload: slow on a loaded machine
    expect(await readings.evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value))).toEqual(['18.6', '18.8', '16']);

    // The correction: the bedroom read again, the resident signs (typed name: the keyboard path), saved.
    await readings.nth(2).fill('18.3');
    await measure.getByLabel(zh.completion.signature.typed).fill('张三');
    await measure.getByRole('button', { name: zh.completion.signature.useTyped }).click();
    await expect.poll(() => measure.locator('.notice[data-valid]').textContent()).toBe(sc.recordCompliant);
    await measure.getByRole('button', { name: sc.saveCorrection }).click({ timeout: 60_000 });
    await measure.locator('[data-record="valid"]').waitFor();
    expect(await measure.locator('[data-record="valid"]').textContent()).toContain(fill(sc.recordCorrected, { n: 1 }));
    // Under the record just saved, signed, no verdict of the empty signature pad as if it were invalid.
    expect(await measure.locator('.notice[data-valid]').count()).toBe(0);
    // One measurement in the staff's timeline, with the corrected value; the form keeps it.
    const staffMeasured = row.locator('.staff-timeline li[data-type="measured"]');
    await expect.poll(() => staffMeasured.count()).toBe(1);
    expect(await staffMeasured.textContent()).toContain('主卧 18.3 °C');
    expect(await staffMeasured.textContent()).not.toContain('16.0');
    expect((await deviceEvents(page, test.requestId)).filter((e) => e.type === 'measured')).toHaveLength(2); // nothing altered: both saves kept
    await shot(row, `temperature-corrected-zh-${label}`);

    // Now it may be finished.
    await row.getByLabel(sc.resolution).fill('两个房间均达标');
    await row.getByRole('button', { name: sc.resolve }).click();
    await expect.poll(status).toBe('resolved');

    // English on the same phone: the same record, in English.
    await page.goto(site.url + '/en/staff/');
    await waitForDevice(page);
    await page.getByRole('tab', { name: en.staffConsole.tabs.queue }).click();
    const { row: enRow, status: enStatus } = await openRequest(page, test.requestId, wide, en.staffConsole.open);
    await expect.poll(enStatus, { timeout: 60_000 }).toBe('resolved');
    await expect.poll(() => enRow.locator('.staff-timeline li[data-type="measured"]').textContent()).toContain(fill(en.staffConsole.recordCorrected, { n: 1 }));
    await shot(enRow, `temperature-staff-en-${label}`);
    const a11y = await checkAccessibility(page);
    expect(a11y.filter((v) => v.impact === 'serious' || v.impact === 'critical'), formatViolations(a11y)).toEqual([]);

    // The resident's timeline (their phone): one measurement, with the corrected value.
    const home = await phone();
    await home.goto(site.url + '/portal/');
    await home.getByLabel(zh.session.login).fill(resident.accountNumber);
    await home.getByLabel(zh.session.password, { exact: true }).fill(resident.password);
    await home.getByRole('button', { name: zh.session.signIn, exact: true }).click();
    const mine = home.locator(`.request[data-request="${test.requestId}"]`);
    await mine.waitFor({ timeout: 30_000 });
    await mine.getByText(zh.timeline.title).click();
    const measuredLine = mine.locator('.timeline li[data-type="measured"]');
    await expect.poll(() => measuredLine.count(), { timeout: 60_000 }).toBe(1);
    await expect.poll(() => mine.locator('.timeline li[data-type="resolved"]').count(), { timeout: 60_000 }).toBe(1);
    expect(await measuredLine.count()).toBe(1);
    expect(await measuredLine.textContent()).toContain('主卧 18.3 °C');
    expect(await mine.locator('.temperature-result').getAttribute('data-valid')).toBe('yes');
    expect(await mine.locator('.temperature-result tr[data-room="主卧"]').textContent()).toContain('18.3');
    // Signed on the technician's phone: the resident is not asked to sign it again.
    expect(await mine.locator('canvas').count()).toBe(0);
    expect(await mine.textContent()).not.toContain(zh.completion.signTestTitle);
    await shot(mine, `temperature-resident-zh-${label}`);
    await home.goto(site.url + '/en/portal/');
    const mineEn = home.locator(`.request[data-request="${test.requestId}"]`);
    await mineEn.waitFor({ timeout: 30_000 });
    await mineEn.getByText(en.timeline.title).click();
    await expect.poll(() => mineEn.locator('.timeline li[data-type="measured"]').count()).toBe(1);
    await shot(mineEn, `temperature-resident-en-${label}`);
  });
});
