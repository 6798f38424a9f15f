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
import type { BrowserContext, Page, Route } from 'playwright-core';
import { startSite, type Site } from '../support/server';
import { admin, newResident, request } from '../support/client';
import { launchContext, checkAccessibility, collectConsoleErrors, formatViolations, type LaunchedContext } from '../support/browser';
import { openRequestForm } from './support/portal';
import { dictionary, fill } from '../../src/i18n';
import { signInThroughForm as signInWithForm } from '../support/signIn';
import { aSubmittedRepair, asCouchDoc } from '../support/builders/events';
import { newRequestId } from '../../src/db/schema/events/ids';
import { deviceEvents, recordOnDevice, waitForDevice } from './support/device';

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
  await signInWithForm(page, { login, password }, { goto: site.url + pagePath });
}

async function fileRepair(page: Page, details: string) {
  await openRequestForm(page, 'repair');
  await page.getByLabel(zh.forms.repair.faults['radiator-not-warm']).check();
  await page.getByLabel(zh.forms.repair.details).fill(details);
  await page.getByLabel(zh.forms.address).fill('暖园小区 3 号楼 2 单元 501');
  await page.getByLabel(zh.forms.contactName).fill('王女士');
  await page.getByRole('button', { name: zh.forms.repair.submit }).click();
  await page.locator('.repair-form .notice[role="status"]').waitFor();
}

const syncHeadline = (page: Page) => page.locator('.sync-status .sync-headline');

const now = () => new Date().toISOString();

/** A valid repair report of a resident, as their device would write it. */
// Each report is its own request (the server refuses a second submission of one request id).
const aReportBy = (resident: { name: string }, overrides: Parameters<typeof aSubmittedRepair>[0] = {}) =>
  aSubmittedRepair({ author: { name: resident.name, role: 'resident', device: 'x' }, resident: resident.name, station: STATION, at: now(), requestId: newRequestId(Date.now()), ...overrides });

/** The server's copy of some documents (admin): rev per id, or undefined when missing or deleted. */
async function serverRevs(db: string, ids: string[]): Promise<(string | undefined)[]> {
  const res = await request(site.url, 'POST', `/db/${db}/_all_docs`, { keys: ids }, adminAuth());
  expect(res.status, res.text).toBe(200);
  return (res.json.rows as { value?: { rev: string; deleted?: boolean } }[]).map((r) => (r.value && !r.value.deleted ? r.value.rev : undefined));
}

async function createDispatcher(name: string, password: string) {
  const run = await admin(site, ['create-staff', '--name', name, '--role', 'dispatcher', '--station', STATION, '--password', password], {
    password: ADMIN_PASSWORD,
  });
  expect(run.code, run.stderr + run.stdout).toBe(0);
}

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
    // The app shell's update prompt may not reload while records wait (registerServiceWorker.ts).
    const canReloadNow = () => reopened.evaluate(() => (window as unknown as { hearthline: { canReloadNow(): boolean } }).hearthline.canReloadNow());
    expect(await canReloadNow()).toBe(false);
    // The signed-in page with its form, list and status: labels, contrast, keyboard (axe).
    const violations = await checkAccessibility(reopened);
    expect(violations, formatViolations(violations)).toEqual([]);

    await context.setOffline(false);
    await expect.poll(() => syncHeadline(reopened).textContent(), { timeout: 30_000 }).toBe(zh.sync.synced);
    const arrived = await serverEvents(resident.db);
    expect(arrived).toHaveLength(3);
    expect(arrived.every((e) => e.rev.startsWith('1-'))).toBe(true);
    await expect.poll(() => reopened.locator('.request[data-waiting="no"]').count()).toBe(3);
    expect(await canReloadNow()).toBe(true);
    // The router copies them to operations and the station, once each.
    const ids = arrived.map((e) => e.id).sort();
    const inOps = await eventually(() => serverEvents('operations'), (evs) => ids.every((id) => evs.some((e) => e.id === id)));
    expect(ids.every((id) => inOps.filter((e) => e.id === id).length === 1)).toBe(true);
    expect(errors().filter((e) => !/offline|disconnected/i.test(e))).toEqual([]);
  }, 120_000);

  it('the backend killed in the middle of a 500-event push and restarted on the same port: all arrive exactly once', async () => {
    const resident = await newResident(site.url, { community: 'demo-garden' });
    const { context, page } = await newDevice();
    await signInThroughForm(page, resident.accountNumber, resident.password);
    await expect.poll(() => syncHeadline(page).textContent(), { timeout: 20_000 }).toBe(zh.sync.synced);
    await waitForDevice(page);

    // Push batches from the second on are held until the server has been killed, so the kill
    // always falls in the middle of the push, however fast the machine is. (500 events are at
    // least two batches of 250; how many more depends on how the inserts and the push interleave,
    // so waiting for a third batch hung whenever the push took the 500 in two.)
    let pushes = 0;
    let holding = true;
    const held: Route[] = [];
    let atHeldBatch!: () => void;
    const aBatchIsHeld = new Promise<void>((resolve) => (atHeldBatch = resolve));
    await context.route((url) => /^\/db\/[^/]+\/_bulk_docs$/.test(url.pathname), async (route) => {
      if (holding && route.request().method() === 'POST' && ++pushes >= 2) {
        held.push(route);
        atHeldBatch();
        return;
      }
      await route.continue();
    });

    const events = Array.from({ length: 500 }, (_, i) => aReportBy(resident, { at: new Date(Date.now() + i).toISOString() }));
    const ids = events.map((e) => e.id);
    expect(await recordOnDevice(page, events)).toEqual([]);
    await aBatchIsHeld;
    const storedAtKill = (await serverRevs(resident.db, ids)).filter(Boolean).length;
    await site.kill();
    // The held batch now meets a dead server (connection refused), as a batch in flight would.
    holding = false;
    for (const route of held) await route.continue().catch(() => undefined);
    expect(storedAtKill).toBeGreaterThan(0);
    expect(storedAtKill).toBeLessThan(500); // killed in the middle of the push
    await expect.poll(() => syncHeadline(page).textContent(), { timeout: 10_000 }).not.toBe(zh.sync.synced);

    site = await startOnSamePort();
    expect(new URL(site.url).port).toBe(port); // the same origin: the page keeps its IndexedDB

    await expect.poll(() => syncHeadline(page).textContent(), { timeout: 45_000 }).toBe(zh.sync.synced);
    const revs = await serverRevs(resident.db, ids);
    expect(revs.filter(Boolean)).toHaveLength(500);
    expect(revs.every((rev) => rev?.startsWith('1-'))).toBe(true);
    expect(await serverEvents(resident.db)).toHaveLength(500);
    await expect.poll(() => page.locator('.request[data-waiting="yes"]').count()).toBe(0);
    // The router, restarted too, copies every one to operations.
    const inOps = await eventually(() => serverRevs('operations', ids), (r) => r.every(Boolean));
    expect(inOps.every((rev) => rev?.startsWith('1-'))).toBe(true);
  }, 120_000);

  it('two staff devices accept the same request offline: both events on both devices and the server, the same state on both', async () => {
    const staff = [
      { name: 'dp-e2e-a', password: 'dispatcher a pass 1' },
      { name: 'dp-e2e-b', password: 'dispatcher b pass 1' },
    ];
    for (const s of staff) await createDispatcher(s.name, s.password);
    // The resident's report, sent from their own (other) device: on the server, routed to the station.
    const resident = await newResident(site.url, { community: 'demo-garden' });
    const report = aReportBy(resident);
    const put = await request(site.url, 'PUT', `/db/${resident.db}/${report.id}`, asCouchDoc(report), { cookie: resident.cookie });
    expect(put.status, put.text).toBe(201);

    const devices: { context: BrowserContext; page: Page }[] = [];
    for (const s of staff) {
      const d = await newDevice();
      await signInThroughForm(d.page, s.name, s.password, '/staff/');
      devices.push(d);
    }
    const rows = devices.map((d) => d.page.locator(`.request[data-request="${report.requestId}"]`));
    for (const row of rows) await row.waitFor({ timeout: 30_000 });
    for (const d of devices) await waitForDevice(d.page);

    for (const d of devices) await d.context.setOffline(true);
    for (const row of rows) {
      await row.getByRole('button', { name: zh.staff.accept, exact: true }).click();
      await expect.poll(() => row.getAttribute('data-status')).toBe('accepted');
      await expect.poll(() => row.getAttribute('data-waiting')).toBe('yes');
    }
    const acceptedOn = async (page: Page) => (await deviceEvents(page, report.requestId)).filter((e) => e.type === 'accepted');
    for (const d of devices) expect(await acceptedOn(d.page)).toHaveLength(1); // each knows only its own

    for (const d of devices) await d.context.setOffline(false);
    for (const d of devices) await expect.poll(async () => (await acceptedOn(d.page)).length, { timeout: 30_000 }).toBe(2);
    const accepted = await acceptedOn(devices[0]!.page);
    expect(accepted.map((e) => e.author.name).sort()).toEqual(staff.map((s) => s.name).sort());
    expect((await acceptedOn(devices[1]!.page)).map((e) => e.id).sort()).toEqual(accepted.map((e) => e.id).sort());

    const acceptedIds = accepted.map((e) => e.id);
    const inOps = await eventually(() => serverRevs('operations', acceptedIds), (revs) => revs.every(Boolean));
    expect(inOps.every((rev) => rev?.startsWith('1-'))).toBe(true);

    // The state derived from the events is the same on both: the earlier acceptance (by time,
    // then id) makes its author the owner.
    const first = [...accepted].sort((a, b) => (a.at !== b.at ? (a.at < b.at ? -1 : 1) : a.id < b.id ? -1 : 1))[0]!;
    for (const d of devices) await expect.poll(() => syncHeadline(d.page).textContent(), { timeout: 30_000 }).toBe(zh.sync.synced);
    const metas = rows.map((row) => row.locator('.request-meta'));
    for (const meta of metas) {
      await expect.poll(() => meta.textContent(), { timeout: 10_000 }).toContain(fill(zh.staff.owner, { name: first.author.name }));
      expect(await meta.textContent()).toContain(zh.requestStatus.accepted);
    }
    expect(await metas[0]!.textContent()).toBe(await metas[1]!.textContent());
    for (const row of rows) {
      expect(await row.getAttribute('data-status')).toBe('accepted');
      expect(await row.getAttribute('data-waiting')).toBe('no');
    }
  }, 120_000);

  it('an event the server refuses is shown with its reason, the rest of the batch arrives, and the correction is sent', async () => {
    const resident = await newResident(site.url, { community: 'demo-garden' });
    // An id the server will refuse (rule never-changed): a document of that id was there and was deleted.
    const refused = aReportBy(resident, { payload: { details: '暖气片冰凉' } });
    const put = await request(site.url, 'PUT', `/db/${resident.db}/${refused.id}`, asCouchDoc(refused), adminAuth());
    expect(put.status, put.text).toBe(201);
    const del = await request(site.url, 'DELETE', `/db/${resident.db}/${refused.id}?rev=${put.json.rev}`, undefined, adminAuth());
    expect(del.status, del.text).toBe(200);

    const { context, page } = await newDevice();
    await signInThroughForm(page, resident.accountNumber, resident.password);
    await expect.poll(() => syncHeadline(page).textContent(), { timeout: 20_000 }).toBe(zh.sync.synced);
    await waitForDevice(page);

    // Offline, RxDB retries its first batch (the first report) as it was; what is written
    // meanwhile goes out together once that one is through: the refused event and a good one
    // share a batch.
    await context.setOffline(true);
    await fileRepair(page, '正常的报修 1');
    expect(await recordOnDevice(page, [refused])).toEqual([]);
    await fileRepair(page, '正常的报修 2');
    await expect.poll(() => syncHeadline(page).textContent()).toContain(fill(zh.sync.waiting, { n: 3 }));
    const pushed: string[][] = [];
    page.on('request', (req) => {
      if (req.method() === 'POST' && new URL(req.url()).pathname.endsWith('/_bulk_docs')) {
        pushed.push(((req.postDataJSON() as { docs?: { _id: string }[] }).docs ?? []).map((d) => d._id));
      }
    });
    await context.setOffline(false);

    const refusedRow = page.locator(`.request[data-request="${refused.requestId}"]`);
    await expect.poll(() => refusedRow.getAttribute('data-refused'), { timeout: 30_000 }).toBe('yes');
    expect(await refusedRow.locator('.refusal .field-error').textContent()).toBe(
      fill(zh.requests.refused, { reason: zh.refusalRules['never-changed'] }),
    );
    await expect.poll(() => page.locator('.sync-status .sync-error').allTextContents()).toContain(fill(zh.sync.rejected, { n: 1 }));
    // The good ones arrived, once each; the refused id is still not on the server.
    const good = await eventually(() => serverEvents(resident.db), (evs) => evs.length >= 2);
    expect(good).toHaveLength(2);
    expect(good.every((e) => e.id !== refused.id && e.rev.startsWith('1-'))).toBe(true);
    expect(await serverRevs(resident.db, [refused.id])).toEqual([undefined]);
    // The refused one went out in a batch with a good one: the server refused that row and stored the other.
    expect(pushed.some((ids) => ids.includes(refused.id) && good.some((e) => ids.includes(e.id)))).toBe(true);
    const others = page.locator(`.request:not([data-request="${refused.requestId}"])`);
    await expect.poll(() => others.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-waiting')))).toEqual(['no', 'no']);

    await refusedRow.getByRole('button', { name: zh.requests.correct }).click();
    const form = refusedRow.locator('.repair-form');
    // Filled in from the refused report.
    expect(await form.getByLabel(zh.forms.address).inputValue()).toBe(refused.payload.address);
    expect(await form.getByLabel(zh.forms.repair.details).inputValue()).toBe('暖气片冰凉');
    expect(await form.getByLabel(zh.forms.repair.faults['radiator-not-warm']).isChecked()).toBe(true);
    await form.getByRole('button', { name: zh.forms.repair.submit }).click();

    await expect.poll(() => refusedRow.getAttribute('data-refused'), { timeout: 10_000 }).toBe('no');
    await expect.poll(() => syncHeadline(page).textContent(), { timeout: 30_000 }).toBe(zh.sync.synced);
    await expect.poll(() => page.locator('.sync-status .sync-error').count()).toBe(0);
    const docs = await request(site.url, 'GET', `/db/${resident.db}/_all_docs?include_docs=true`, undefined, adminAuth());
    const events = (docs.json.rows as { id: string; doc: { requestId: string; _rev: string } }[]).filter((r) => r.id.startsWith('ev-'));
    expect(events).toHaveLength(3);
    const correction = events.find((r) => r.doc.requestId === refused.requestId);
    expect(correction).toBeDefined();
    expect(correction!.id).not.toBe(refused.id);
    expect(correction!.doc._rev.startsWith('1-')).toBe(true);
  }, 120_000);

  it('a session that expired while offline: the user is asked to sign in again, then everything arrives once', async () => {
    const resident = await newResident(site.url, { community: 'demo-garden' });
    const { context, page } = await newDevice();
    await signInThroughForm(page, resident.accountNumber, resident.password);
    await expect.poll(() => syncHeadline(page).textContent(), { timeout: 20_000 }).toBe(zh.sync.synced);

    await context.setOffline(true);
    await context.clearCookies(); // the server session is gone, as when it expired
    for (const n of [1, 2]) await fileRepair(page, `登录过期时的报修 ${n}`);
    await expect.poll(() => syncHeadline(page).textContent()).toContain(fill(zh.sync.waiting, { n: 2 }));
    await context.setOffline(false);

    await expect.poll(() => syncHeadline(page).textContent(), { timeout: 30_000 }).toContain(zh.sync['signed-out']);
    const again = page.locator('form.sign-in-again');
    await again.getByRole('heading', { name: zh.session.signInAgainTitle }).waitFor();
    expect(await serverEvents(resident.db)).toHaveLength(0);
    expect(await page.locator('.request[data-waiting="yes"]').count()).toBe(2);

    await again.getByLabel(zh.session.password).fill(resident.password);
    await again.getByRole('button', { name: zh.session.signInAgain }).click();
    await expect.poll(() => syncHeadline(page).textContent(), { timeout: 30_000 }).toBe(zh.sync.synced);
    await expect.poll(() => again.count()).toBe(0);
    const arrived = await serverEvents(resident.db);
    expect(arrived).toHaveLength(2);
    expect(arrived.every((e) => e.rev.startsWith('1-'))).toBe(true);
    await expect.poll(() => page.locator('.request[data-waiting="no"]').count()).toBe(2);
  }, 120_000);

  it('the report form is usable before the device database has loaded; its submit waits for it', async () => {
    const resident = await newResident(site.url, { community: 'demo-garden' });
    const { context, page } = await newDevice();
    await signInThroughForm(page, resident.accountNumber, resident.password);
    await expect.poll(() => syncHeadline(page).textContent(), { timeout: 20_000 }).toBe(zh.sync.synced);

    // Hold the device layer's script (RxDB, Dexie) on the next page load.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let heldRequests = 0;
    await context.route(/\/_astro\/browserDevice\.[^/]*\.js$/, async (route) => {
      heldRequests++;
      await held;
      await route.continue();
    });
    const fresh = await context.newPage();
    await fresh.goto(site.url + '/portal/');
    await openRequestForm(fresh, 'repair');
    await fresh.getByLabel(zh.forms.repair.faults.leak).check();
    await fresh.getByLabel(zh.forms.address).fill('暖园小区 3 号楼 2 单元 501');
    await fresh.getByLabel(zh.forms.contactName).fill('王女士');
    expect(heldRequests).toBeGreaterThan(0); // the form was filled in while the device layer was held
    // Only the placeholder of the sync panel (it holds the panel's place while the device opens): no open device's panel.
    expect(await fresh.locator('.sync-status[data-state]').count()).toBe(0);
    await fresh.getByRole('button', { name: zh.forms.repair.submit }).click();
    release();
    await fresh.locator('.repair-form .notice[role="status"]').waitFor();
    await expect.poll(() => syncHeadline(fresh).textContent(), { timeout: 20_000 }).toBe(zh.sync.synced);
    expect(await serverEvents(resident.db)).toHaveLength(1);
  }, 60_000);
});
