/**
 * Issue 16 item 7 in real Chromium against the real backend: on a wide screen (≥ 1024 px) the
 * queue is a dense table (kind, address, state, technician, due time, escalation) sortable by
 * due time and filtered by kind, state, technician and escalation, with the selected request's
 * detail beside it; a phone keeps the cards. Everything by the keyboard alone (the sort and the
 * row choice are buttons, the focus is visible), and axe finds no serious or critical violation
 * on any tab of any role, at the phone and the desktop viewport. Screenshots go to
 * HEARTHLINE_SHOTS when it is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { startSite, type Site } from '../support/server';
import { admin, newResident, request, signIn } from '../support/client';
import { PHONE, checkAccessibility, formatViolations, launchContext, type LaunchedContext } from '../support/browser';
import { waitForDevice } from './support/device';
import { dictionary } from '../../src/i18n';
import { aSubmitted, aSubmittedRepair, anEvent, asCouchDoc } from '../support/builders/events';
import { newRequestId } from '../../src/db/schema/events/ids';

const zh = dictionary('zh-CN');
const sc = zh.staffConsole;
const ADMIN_PASSWORD = 'e2e queue table admin 1';
const DESKTOP = { width: 1280, height: 900 };
const SHOTS = process.env.HEARTHLINE_SHOTS;
const ROLES = [
  ['dispatcher', 'demo'],
  ['technician', 'demo'],
  ['station-head', 'demo'],
  ['hotline', undefined],
  ['complaint-handler', undefined],
  ['manager', undefined],
] as const;
const who = (role: string) => ({ name: `qt-${role}`, password: `${role} pass 1` });

let site: Site;
const contexts: LaunchedContext[] = [];
const ids: { repair: string; consultation: string } = { repair: '', consultation: '' };

beforeAll(async () => {
  site = await startSite({ env: { HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  for (const [role, station] of ROLES) {
    const made = await admin(site, ['create-staff', '--name', who(role).name, '--role', role, ...(station ? ['--station', station] : []), '--password', who(role).password], { password: ADMIN_PASSWORD });
    if (made.code !== 0) throw new Error(made.stderr);
  }
  // A resident's repair (dispatched to the technician) and consultation.
  const resident = await newResident(site.url, { community: 'demo-garden' });
  const common = { author: { name: resident.name, role: 'resident' as const, device: 'phone-1' }, resident: resident.name, station: 'demo' };
  const repair = aSubmittedRepair({ ...common, at: new Date().toISOString(), requestId: newRequestId(Date.now()) });
  const consultation = aSubmitted('consultation', { ...common, at: new Date(Date.now() + 1).toISOString(), requestId: newRequestId(Date.now() + 1) });
  for (const e of [repair, consultation]) {
    const put = await request(site.url, 'PUT', `/db/${resident.db}/${e.id}`, asCouchDoc(e), { cookie: resident.cookie });
    if (put.status !== 201) throw new Error(put.text);
  }
  ids.repair = repair.requestId;
  ids.consultation = consultation.requestId;
  const cookie = (await signIn(site.url, who('dispatcher').name, who('dispatcher').password)).cookie!;
  const dispatched = anEvent('dispatched', {
    requestId: repair.requestId,
    resident: resident.name,
    station: 'demo',
    at: new Date().toISOString(),
    author: { name: who('dispatcher').name, role: 'dispatcher', device: 'hall-pc' },
    payload: { technician: who('technician').name, technicianName: '王师傅', visitAt: new Date(Date.now() + 30 * 60_000).toISOString() },
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const put = await request(site.url, 'PUT', `/db/station-demo/${dispatched.id}`, asCouchDoc(dispatched), { cookie });
    if (put.status === 201) break;
    if (Date.now() > deadline) throw new Error(put.text);
    await new Promise((r) => setTimeout(r, 300));
  }
}, 180_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await site?.stop();
});

async function signedIn(role: string, viewport = DESKTOP): Promise<Page> {
  const launched = await launchContext({ viewport });
  contexts.push(launched);
  const page = launched.context.pages()[0] ?? (await launched.context.newPage());
  await page.goto(site.url + '/staff/');
  await page.getByLabel(zh.session.login).fill(who(role).name);
  await page.getByLabel(zh.session.password, { exact: true }).fill(who(role).password);
  await page.getByRole('button', { name: zh.session.signIn, exact: true }).click();
  await page.getByRole('button', { name: zh.session.signOut }).waitFor();
  await waitForDevice(page);
  await page.locator('.staff-console').waitFor();
  return page;
}

const focusOutline = (page: Page) => page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);

describe('the queue on a wide screen', () => {
  it('is a table sorted and filtered by keyboard, the chosen request beside it; a phone keeps the cards', async () => {
    const page = await signedIn('dispatcher');
    const table = page.locator('.queue-table');
    await table.waitFor({ timeout: 60_000 });
    const rows = table.locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(2);
    expect(await page.locator('.staff-queue').count()).toBe(0);
    const repairRow = table.locator(`tr[data-request="${ids.repair}"]`);
    expect(await repairRow.locator('td').nth(2).textContent()).toBe('王师傅'); // the technician's display name, never the login
    expect(await repairRow.textContent()).toContain('北辰路');

    // Sort by due time: a button in the column header, its state in aria-sort; Enter and Space.
    const sort = table.getByRole('button', { name: new RegExp(sc.tableDue) });
    const dueHeader = table.locator('thead th[aria-sort]');
    expect(await dueHeader.getAttribute('aria-sort')).toBe('none');
    await sort.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => dueHeader.getAttribute('aria-sort')).toBe('ascending');
    await page.keyboard.press('Space');
    await expect.poll(() => dueHeader.getAttribute('aria-sort')).toBe('descending');
    // Tab to the first row's button (a visible focus), Enter: its detail beside the table.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('row-select');
    expect(await focusOutline(page)).not.toBe('none');
    const chosen = await page.evaluate(() => document.activeElement!.closest('tr')!.getAttribute('data-request'));
    await page.keyboard.press('Enter');
    const detail = page.locator('#queue-detail');
    await expect.poll(() => detail.locator('.request-detail').count()).toBe(1);
    expect(await detail.textContent()).toContain(sc.told);
    expect(await table.locator(`tr[data-request="${chosen}"]`).getAttribute('aria-current')).toBe('true');
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'queue-table-desktop-zh.png') });

    // Filters: kind, then technician.
    const filters = page.locator('fieldset.filters');
    await filters.getByLabel(sc.kind).selectOption('consultation');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-request')).toBe(ids.consultation);
    await filters.getByLabel(sc.kind).selectOption('');
    const byTechnician = filters.getByRole('combobox', { name: new RegExp(`^${sc.tableTechnician}`) });
    expect(await byTechnician.locator('option').allTextContents()).toEqual([sc.all, '王师傅']); // the display name, not the login
    await byTechnician.selectOption(who('technician').name);
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-request')).toBe(ids.repair);
    await filters.getByRole('combobox', { name: new RegExp(`^${sc.tableTechnician}`) }).selectOption('');
    await filters.getByRole('combobox', { name: new RegExp(`^${sc.tableEscalation}`) }).selectOption('yes');
    await expect.poll(() => rows.count()).toBe(0);
    await filters.getByRole('combobox', { name: new RegExp(`^${sc.tableEscalation}`) }).selectOption('');

    // A phone: the cards, no table.
    await page.setViewportSize(PHONE);
    await page.locator('.staff-queue').waitFor();
    expect(await page.locator('.queue-table').count()).toBe(0);
    expect(await page.locator('.staff-queue .request').count()).toBe(2);
  }, 240_000);
});

describe('accessibility of the console (axe: no serious or critical violation)', () => {
  it('every tab of every role, at the desktop and the phone viewport', async () => {
    const found: string[] = [];
    for (const [role] of ROLES) {
      const page = await signedIn(role);
      const tabs = page.locator('.staff-console [role="tab"]');
      const count = await tabs.count();
      expect(count, role).toBeGreaterThan(0);
      for (const viewport of [DESKTOP, PHONE]) {
        await page.setViewportSize(viewport);
        for (let i = 0; i < count; i++) {
          await tabs.nth(i).click();
          const panel = page.locator(`#${await tabs.nth(i).getAttribute('aria-controls')}`);
          await panel.waitFor();
          // a table row chosen on the desktop, a card opened on the phone: the detail is checked too
          const pick = panel.locator('.row-select, .staff-queue .request .button.secondary').first();
          if ((await pick.count()) && (await pick.getAttribute('aria-pressed')) !== 'true' && (await pick.getAttribute('aria-expanded')) !== 'true') await pick.click();
          const violations = await checkAccessibility(page);
          if (violations.length) found.push(`${role} ${viewport.width}px ${await tabs.nth(i).textContent()}:\n${formatViolations(violations)}`);
        }
      }
      await contexts.pop()!.close();
    }
    expect(found.join('\n\n')).toBe('');
  }, 600_000);
});
