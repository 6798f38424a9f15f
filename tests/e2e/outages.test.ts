/**
 * Outage notices in the staff console (issue 6 item 10) in real Chromium against the real
 * backend:
 *   - a manager's phone, offline, refuses a bad household count at its field, announces a
 *     planned outage 72 h ahead (no warning) and one 30 h ahead (warned; saved only once the
 *     warning is confirmed), records a fault's start and its restoration;
 *   - on reconnect the four records reach the operations database (read with the server
 *     admin's credentials), and a hotline device shows the same outages in the same states;
 *   - a dispatcher (station staff: no operations records) has no outage screen at all.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { startSite, type Site } from '../support/server';
import { admin, request } from '../support/client';
import { checkAccessibility, formatViolations, launchContext, PHONE, type LaunchedContext } from '../support/browser';
import { dictionary } from '../../src/i18n';
import { signInThroughForm } from '../support/signIn';
import { waitForDevice } from './support/device';
import type { BrowserDevice } from '../../src/db/device/browserDevice';

const zh = dictionary('zh-CN');
const o = zh.outages;
const ADMIN_PASSWORD = 'e2e outages admin 1';
const STATION = 'demo';
const HOUR = 3_600_000;

let dataDir: string;
let site: Site;
const contexts: LaunchedContext[] = [];

async function newDevice(viewport = PHONE): Promise<{ context: BrowserContext; page: Page }> {
  const launched = await launchContext({ viewport });
  contexts.push(launched);
  const page = launched.context.pages()[0] ?? (await launched.context.newPage());
  return { context: launched.context, page };
}

async function createStaff(name: string, role: string, station?: string) {
  const password = `${name} pass 1`;
  const run = await admin(site, ['create-staff', '--name', name, '--role', role, ...(station ? ['--station', station] : []), '--password', password], {
    password: ADMIN_PASSWORD,
  });
  expect(run.code, run.stderr + run.stdout).toBe(0);
  return { name, password };
}

async function signInOnStaffPage(page: Page, who: { name: string; password: string }) {
  await signInThroughForm(page, { login: who.name, password: who.password }, { goto: site.url + '/staff/' });
  await waitForDevice(page);
}

const syncHeadline = (page: Page) => page.locator('.sync-status .sync-headline');
/** China wall-clock `YYYY-MM-DDTHH:MM` of an instant (a datetime-local value). */
const chinaInput = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16);

/** The outage records in the page's local database: type and outage of each. */
async function deviceRecords(page: Page): Promise<{ id: string; type: string; outage: string; station?: string; communities?: string[] }[]> {
  return page.evaluate(async () => {
    const device = (await (window as unknown as { hearthline: { device: () => Promise<BrowserDevice> } }).hearthline.device())!;
    const docs = await device.db.records.find().exec();
    return docs.map((d) => {
      const r = d.toJSON() as unknown as { id: string; type: string; station?: string; payload: { outage: string; communities?: string[] } };
      return {
        id: r.id,
        type: r.type,
        outage: r.payload.outage,
        ...(r.station ? { station: r.station } : {}),
        ...(r.payload.communities ? { communities: r.payload.communities } : {}),
      };
    });
  });
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() - started > timeoutMs) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function fillAnnouncement(form: Locator, fields: { area: string; households: string; startMs: number; endMs?: number }) {
  await form.getByLabel(o.station, { exact: true }).selectOption(STATION);
  await form.getByLabel(o.area, { exact: true }).fill(fields.area);
  await form.getByLabel(o.households, { exact: true }).fill(fields.households);
  await form.getByLabel(o.plannedStart, { exact: true }).fill(chinaInput(fields.startMs));
  if (fields.endMs !== undefined) await form.getByLabel(o.plannedEnd, { exact: true }).fill(chinaInput(fields.endMs));
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'hearthline-e2e-outages-'));
  site = await startSite({ dataDir, env: { HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD } });
}, 120_000);

afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

afterAll(async () => {
  await site?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('outage notices in the staff console', () => {
  it('announces, warns under 48 hours, records a fault and its restoration offline; all of it reaches operations and a second device', async () => {
    const manager = await createStaff('mg-outage', 'manager');
    const hotline = await createStaff('hl-outage', 'hotline');
    const dispatcher = await createStaff('dp-outage', 'dispatcher', STATION);

    const { context, page } = await newDevice();
    await signInOnStaffPage(page, manager);
    await expect.poll(() => syncHeadline(page).textContent(), { timeout: 30_000 }).toBe(zh.sync.synced);
    await context.setOffline(true);

    await page.getByRole('tab', { name: o.tab }).click();
    const announce = page.locator('#outage-announce');
    await announce.waitFor();

    // A bad household count is refused at its field, in Chinese; nothing typed is lost, nothing saved.
    await fillAnnouncement(announce, { area: '暖园小区 1-3 号楼', households: '12.5', startMs: Date.now() + 72 * HOUR, endMs: Date.now() + 80 * HOUR });
    await announce.getByRole('button', { name: o.announce, exact: true }).click();
    const householdsField = announce.getByLabel(o.households, { exact: true });
    await expect.poll(() => householdsField.getAttribute('aria-invalid')).toBe('true');
    expect(await announce.locator('#oa-households-error').textContent()).toBe('影响户数必须是整数。');
    expect(await announce.getByLabel(o.area, { exact: true }).inputValue()).toBe('暖园小区 1-3 号楼');
    expect(await deviceRecords(page)).toEqual([]);

    // 72 hours ahead: no warning; saved.
    await householdsField.fill('120');
    expect(await announce.locator('#oa-short').count()).toBe(0);
    await announce.getByRole('button', { name: o.announce, exact: true }).click();
    await announce.locator('.notice[role="status"]').waitFor();
    expect(await householdsField.getAttribute('aria-invalid')).toBeNull();
    await expect.poll(async () => (await deviceRecords(page)).length).toBe(1);

    // 30 hours ahead: the warning comes before saving, and the button waits for its confirmation.
    await fillAnnouncement(announce, { area: '东区 5 号楼', households: '36', startMs: Date.now() + 30 * HOUR });
    const warning = announce.locator('#oa-short');
    await warning.waitFor();
    expect(await warning.textContent()).toMatch(/(29 小时 59 分|30 小时 0 分).*不足 48 小时/);
    const announceButton = announce.getByRole('button', { name: o.announce, exact: true });
    expect(await announceButton.isDisabled()).toBe(true);
    expect(await deviceRecords(page)).toHaveLength(1);
    const warned = await checkAccessibility(page, { include: ['.outages'] });
    expect(warned, formatViolations(warned)).toEqual([]);
    // Confirmed and sent with the keyboard alone.
    await warning.getByLabel(o.confirmShort).focus();
    await page.keyboard.press('Space');
    await expect.poll(() => announceButton.isDisabled()).toBe(false);
    await announceButton.focus();
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await deviceRecords(page)).length).toBe(2);

    // A fault (not at the heat source) starts now, and is restored.
    const fault = page.locator('#outage-fault');
    await fault.getByLabel(o.station, { exact: true }).selectOption(STATION);
    await fault.getByLabel(o.area, { exact: true }).fill('暖园小区 7 号楼');
    await fault.getByLabel(o.households, { exact: true }).fill('48');
    await fault.getByRole('button', { name: o.recordFault, exact: true }).click();
    await expect.poll(async () => (await deviceRecords(page)).length).toBe(3);
    const faultId = (await deviceRecords(page)).find((r) => r.type === 'outage-started')!.outage;
    const faultRow = page.locator(`.outage-list .outage[data-outage="${faultId}"]`);
    expect(await faultRow.getAttribute('data-phase')).toBe('ongoing');
    expect(await faultRow.locator('[data-countdown]').textContent()).toContain('距 24 小时时限还剩 23 小时');
    // The ongoing fault leads the list.
    expect(await page.locator('.outage-list .outage').first().getAttribute('data-outage')).toBe(faultId);

    const violations = await checkAccessibility(page, { include: ['.outages'] });
    expect(violations, formatViolations(violations)).toEqual([]);

    await faultRow.getByRole('button', { name: o.recordRestored, exact: true }).click();
    await expect.poll(() => faultRow.getAttribute('data-phase')).toBe('restored');
    expect(await faultRow.textContent()).toContain(o.restorationVerdict.met);

    // The fault is marked an emergency accident, saying why (domain.md, "Settled readings:
    // Outages that are emergencies"): a blank reason is refused at its field, nothing saved.
    await faultRow.locator('details.emergency-mark summary').click();
    const markForm = faultRow.locator('details.emergency-mark form');
    await markForm.getByRole('button', { name: o.markEmergency, exact: true }).click();
    await expect.poll(() => markForm.locator('[aria-invalid="true"]').count()).toBe(1);
    expect((await deviceRecords(page)).length).toBe(4);
    await markForm.getByLabel(o.emergencyReason, { exact: true }).fill('第三方施工挖断管线');
    await markForm.getByRole('button', { name: o.markEmergency, exact: true }).click();
    await expect.poll(() => faultRow.locator('[data-emergency="yes"]').count()).toBe(1);
    expect(await faultRow.locator('[data-emergency="yes"]').textContent()).toContain('第三方施工挖断管线');
    expect(await faultRow.locator('details.emergency-mark').count()).toBe(0);

    const onDevice = await deviceRecords(page);
    expect(onDevice.map((r) => r.type).sort()).toEqual(['outage-announced', 'outage-announced', 'outage-emergency', 'outage-restored', 'outage-started']);
    expect(onDevice.every((r) => r.station === STATION)).toBe(true);
    const announced = page.locator('.outage-list .outage[data-phase="announced"]');
    expect(await announced.count()).toBe(2);
    // Soonest planned start first: the 30-hour one, marked short.
    expect(await announced.first().locator('[data-notice-short]').getAttribute('data-notice-short')).toBe('yes');
    expect(await announced.nth(1).locator('[data-notice-short]').getAttribute('data-notice-short')).toBe('no');

    // Back online: the records reach the operations database.
    await context.setOffline(false);
    await expect.poll(() => syncHeadline(page).textContent(), { timeout: 60_000 }).toBe(zh.sync.synced);
    const readOps = async () => {
      const res = await request(site.url, 'POST', '/db/operations/_all_docs?include_docs=true', { keys: onDevice.map((r) => r.id) }, { basic: { name: site.adminUser, password: ADMIN_PASSWORD } });
      expect(res.status, res.text).toBe(200);
      return (res.json.rows as { doc?: { type: string; author: { name: string } } | null }[]).map((r) => r.doc ?? null);
    };
    const inOps = await eventually(readOps, (docs) => docs.every(Boolean), 60_000);
    expect(inOps.map((d) => d?.type).sort()).toEqual(['outage-announced', 'outage-announced', 'outage-emergency', 'outage-restored', 'outage-started']);
    expect(inOps.every((d) => d?.author.name === manager.name)).toBe(true);

    // A second operations device (the hotline) shows the same outages in the same states.
    const second = await newDevice({ width: 1000, height: 900 });
    await signInOnStaffPage(second.page, hotline);
    await second.page.getByRole('tab', { name: o.tab }).click();
    const rows = second.page.locator('.outage-list .outage');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(3);
    const phases = async (p: Page) => p.locator('.outage-list .outage').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-outage')}:${e.getAttribute('data-phase')}`));
    expect(await phases(second.page)).toEqual(await phases(page));

    // Online, the forms offer the station's communities (from its list; the public notice names
    // only these, never the free-text area): none chosen is refused at the field, one is recorded.
    const fault2 = second.page.locator('#outage-fault');
    await fault2.getByLabel(o.station, { exact: true }).selectOption(STATION);
    const garden = fault2.getByRole('checkbox', { name: '示范花园 Demo Garden' });
    await garden.waitFor();
    expect(await fault2.getByRole('checkbox', { name: '东区示范小区 Demo East' }).count()).toBe(1);
    await fault2.getByLabel(o.area, { exact: true }).fill('3 号楼阀门');
    await fault2.getByLabel(o.households, { exact: true }).fill('5');
    await fault2.getByRole('button', { name: o.recordFault, exact: true }).click();
    await expect.poll(() => fault2.locator('#of-communities-error').textContent()).toBe(o.communitiesRequired);
    expect(await fault2.getByLabel(o.area, { exact: true }).inputValue()).toBe('3 号楼阀门'); // nothing typed is lost
    await garden.check();
    await fault2.getByRole('button', { name: o.recordFault, exact: true }).click();
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(4);
    const recorded = (await deviceRecords(second.page)).find((r) => r.type === 'outage-started' && r.communities);
    expect(recorded?.communities).toEqual(['demo-garden']);

    // Station staff hold no operations records: no outage screen.
    const station = await newDevice();
    await signInOnStaffPage(station.page, dispatcher);
    await station.page.getByRole('tab', { name: zh.staffConsole.tabs.queue }).waitFor();
    expect(await station.page.getByRole('tab', { name: o.tab }).count()).toBe(0);
    expect(await station.page.locator('#outage-announce, #outage-fault').count()).toBe(0);
  }, 240_000);

  it('shows the committee the outages but no way to record one', async () => {
    const committee = await createStaff('cm-outage', 'committee');
    const { page } = await newDevice();
    await signInOnStaffPage(page, committee);
    await page.getByRole('tab', { name: o.tab }).click();
    await page.locator('.outages').waitFor();
    await expect.poll(() => page.locator('.outage-list .outage').count(), { timeout: 30_000 }).toBe(4);
    expect(await page.locator('#outage-announce, #outage-fault, .outage form').count()).toBe(0);
    expect(await page.locator('.outages .notice').textContent()).toBe(o.readOnly);
  }, 120_000);
});
