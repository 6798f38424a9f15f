/**
 * "My requests" follows a request: a dispatcher's event written at the station reaches the
 * resident's timeline in real Chromium without a reload (server → router → the resident's
 * database → live replication → the island), with a new-update badge (on the request and a
 * count on the heading, announced politely) that opening the timeline clears for good, and an
 * internal note never does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startSite, type Site } from '../support/server';
import { admin, newResident, request, signIn } from '../support/client';
import { PHONE, collectConsoleErrors, launchBrowser } from '../support/browser';
import { openRequestForm } from './support/portal';
import { dictionary, fill } from '../../src/i18n';
import { anEvent, asCouchDoc } from '../support/builders/events';
import { formatMoment } from '../../src/islands/format';

const zh = dictionary('zh-CN');
const ADMIN_PASSWORD = 'e2e timeline admin 1';
const DISPATCHER = { name: 'dp-timeline', password: 'dispatcher pass 1' };
let site: Site;
let browser: Browser;

beforeAll(async () => {
  site = await startSite({ env: { HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  const made = await admin(site, ['create-staff', '--name', DISPATCHER.name, '--role', 'dispatcher', '--station', 'demo', '--password', DISPATCHER.password], { password: ADMIN_PASSWORD });
  if (made.code !== 0) throw new Error(made.stderr);
  // a dispatch goes to one of the station's technicians (the server refuses any other login)
  const tech = await admin(site, ['create-staff', '--name', 'tech-zhang', '--role', 'technician', '--station', 'demo', '--display-name', '张师傅', '--password', 'technician pass 1'], { password: ADMIN_PASSWORD });
  if (tech.code !== 0) throw new Error(tech.stderr);
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

describe('the resident’s timeline', () => {
  it('shows the dispatch with technician and visit time as it happens, and never an internal note', async () => {
    const resident = await newResident(site.url, { community: 'demo-garden' });
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto(site.url + '/portal/');
    await page.getByLabel(zh.session.login).fill(resident.accountNumber);
    await page.getByLabel(zh.session.password, { exact: true }).fill(resident.password);
    await page.getByRole('button', { name: zh.session.signIn, exact: true }).click();
    await openRequestForm(page, 'repair');
    await page.getByLabel(zh.forms.repair.faults['radiator-not-warm']).check();
    await page.getByLabel(zh.forms.address).fill('暖园小区 1 号楼 101');
    await page.getByLabel(zh.forms.contactName).fill('李先生');
    await page.getByRole('button', { name: zh.forms.repair.submit }).click();
    await expect.poll(() => page.locator('.sync-status .sync-headline').textContent(), { timeout: 20_000 }).toBe(zh.sync.synced);

    const row = page.locator('.request').first();
    const requestId = await row.getAttribute('data-request');
    expect(requestId).toMatch(/^rq-/);
    await row.getByText(zh.timeline.title).click();
    await expect.poll(() => row.locator('.timeline li').allTextContents()).toEqual([expect.stringContaining(zh.timeline.types.submitted)]);
    // The resident's own report is no news to them.
    expect(await row.locator('.new-update').count()).toBe(0);
    expect(await page.locator('#my-requests-title .badge').count()).toBe(0);

    // The dispatcher writes at the station (their own session, the server's checks).
    const staff = await signIn(site.url, DISPATCHER.name, DISPATCHER.password);
    const author = { name: DISPATCHER.name, role: 'dispatcher' as const, device: 'hall-pc-1' };
    const envelope = { requestId: requestId!, requestKind: 'repair' as const, resident: resident.name, station: 'demo', author };
    // tomorrow 10:00 China time: a visit is never booked before the order is written
    const visitAt = new Date(`${new Date(Date.now() + 32 * 3_600_000).toISOString().slice(0, 10)}T10:00:00+08:00`).toISOString();
    const dispatched = anEvent('dispatched', { ...envelope, at: new Date().toISOString(), visibility: 'resident', payload: { technician: 'tech-zhang', technicianName: '张师傅', visitAt } });
    const note = anEvent('note', { ...envelope, at: new Date(Date.now() + 1).toISOString(), payload: { text: '住户态度不好（内部）' } });
    // The station holds the request once the router has copied the submission there (the server
    // refuses an event about a request its database does not hold): until then the write is refused.
    for (const event of [dispatched, note]) {
      await expect
        .poll(async () => (await request(site.url, 'PUT', `/db/station-demo/${event.id}`, asCouchDoc(event), { cookie: staff.cookie! })).status, { timeout: 20_000 })
        .toBe(201);
    }

    // No reload: the router copies the dispatch to the resident's database and the page shows it.
    await expect
      .poll(() => row.locator('.timeline li').allTextContents(), { timeout: 30_000 })
      .toEqual([expect.stringContaining(zh.timeline.types.submitted), expect.stringContaining(zh.timeline.types.dispatched)]);
    expect(await row.locator('.timeline li[data-type="dispatched"]').textContent()).toContain(`张师傅 预计 ${formatMoment('zh-CN', visitAt)} 上门`);
    expect(await row.locator('.request-meta').textContent()).toContain(zh.requestStatus.dispatched);
    // The dispatch is news: a badge on the request, the count on the heading, said politely
    // by a live region, and the new line marked in the open timeline. The note is not news.
    await expect.poll(() => row.locator('.new-update').textContent()).toBe(fill(zh.requests.newBadge, { n: 1 }));
    expect(await page.locator('#my-requests-title .badge').textContent()).toBe('1');
    expect(await page.locator('#my-requests-title').textContent()).toBe(`${zh.requests.mine} 1${fill(zh.requests.updatesInHeading, { n: 1 })}`);
    const live = page.locator('[data-news-announcement]');
    expect(await live.getAttribute('aria-live')).toBe('polite');
    expect(await live.textContent()).toBe(fill(zh.requests.updates, { n: 1 }));
    expect(await row.locator('.timeline li[data-type="dispatched"]').getAttribute('data-new')).toBe('yes');
    // Opening the timeline again clears the badge, the count and the announcement …
    await row.getByText(zh.timeline.title).click();
    await row.getByText(zh.timeline.title).click();
    await expect.poll(() => row.locator('.new-update').count()).toBe(0);
    expect(await page.locator('#my-requests-title .badge').count()).toBe(0);
    expect(await live.textContent()).toBe('');
    // … for good: what was seen is kept on the device.
    const pageText = await page.content();
    expect(pageText).not.toContain('住户态度不好');
    await page.close();
    const again = await context.newPage();
    const errors = collectConsoleErrors(again);
    await again.goto(site.url + '/portal/');
    const sameRow = again.locator(`.request[data-request="${requestId}"]`);
    await expect.poll(() => sameRow.count(), { timeout: 20_000 }).toBe(1).catch(async (err) => {
      throw new Error(`${err}\n${errors().join('\n')}\n${(await again.locator('main').textContent())?.slice(0, 2000)}`);
    });
    expect(await sameRow.locator('.new-update').count()).toBe(0);
    expect(await again.locator('#my-requests-title .badge').count()).toBe(0);
    // The note stays at the station: not in the resident's database, not on the page.
    const inResidentDb = await request(site.url, 'GET', `/db/${resident.db}/${note.id}`, undefined, { cookie: resident.cookie });
    expect(inResidentDb.status).toBe(404);
    expect(await again.content()).not.toContain('住户态度不好');
    expect(errors()).toEqual([]);
    await context.close();
  }, 90_000);
});
