/**
 * The residents' outage page in real Chromium against the real server: a planned outage a
 * manager announced through /db (as the staff console would) is listed on /outages/ with its
 * area, station, state and planned times in China time, linked from the navigation, axe clean;
 * when /api/outages fails the page says so and shows the copy it read, with its time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ulid } from '../../src/db/schema/events/ids';
import { dictionary, fill } from '../../src/i18n';
import { formatMoment } from '../../src/islands/format';
import { startSite, type Site } from '../support/server';
import { admin, request, signIn } from '../support/client';
import { DEMO_STATION } from '../../server/backend/setup.mjs';
import { checkAccessibility, collectConsoleErrors, formatViolations, launchContext, type LaunchedContext } from '../support/browser';

const zh = dictionary('zh-CN');
const t = zh.outageNotices;
const HOUR = 3_600_000;
const manager = { name: `mg-notice-${Date.now().toString(36)}`, password: 'manager pass 1', cookie: '' };
let site: Site;
let browser: LaunchedContext;

beforeAll(async () => {
  site = await startSite({ env: { HEARTHLINE_ADMIN_PASSWORD: 'e2e notices admin 1', HEARTHLINE_PUBLISHER: '0' } });
  const res = await admin(site, ['create-staff', '--name', manager.name, '--role', 'manager', '--password', manager.password]);
  expect(res.code, res.stderr).toBe(0);
  manager.cookie = (await signIn(site.url, manager.name, manager.password)).cookie!;
  browser = await launchContext();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

describe('the outage page', () => {
  it('lists a planned outage announced through the API, in China time, and keeps a copy when the API fails', async () => {
    const plannedStart = new Date(Date.now() + 72 * HOUR).toISOString();
    const plannedEnd = new Date(Date.now() + 80 * HOUR).toISOString();
    const id = `rc-${ulid(Date.now())}`;
    const record = {
      _id: id,
      docType: 'record',
      schemaVersion: 1,
      type: 'outage-announced',
      at: new Date().toISOString(),
      author: { name: manager.name, role: 'manager', device: 'pc-manager' },
      station: 'demo',
      payload: { outage: `ou-${ulid(Date.now())}`, plannedStart, plannedEnd, affectedCustomers: 120, area: '1-3 号楼 李四 13900001111', communities: ['demo-garden'] },
    };
    const put = await request(site.url, 'PUT', `/db/operations/${id}`, record, { cookie: manager.cookie });
    expect(put.status, put.text).toBe(201);

    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const errors = collectConsoleErrors(page);
    await page.goto(`${site.url}/`);
    await page.getByRole('navigation').getByRole('link', { name: t.nav }).click();
    await page.waitForURL(/\/outages\/$/);
    // named by the community the manager chose from the station's list; the free text stays inside
    const garden = DEMO_STATION.communities.find((c) => c.id === 'demo-garden')!.name;
    const item = page.locator('.outage-list li', { hasText: garden });
    await item.waitFor();
    expect(await item.locator('h2').textContent()).toBe(garden);
    const text = (await item.textContent()) ?? '';
    expect(text).not.toContain('李四');
    expect(text).not.toContain('1-3 号楼');
    expect(text).toContain(t.state.planned);
    expect(text).toContain(DEMO_STATION.name); // by its name, not its id
    expect(text).toContain(fill(t.plannedRange, { from: formatMoment('zh-CN', plannedStart), to: formatMoment('zh-CN', plannedEnd) }));
    expect(text).not.toContain(manager.name);
    const violations = await checkAccessibility(page, { include: ['main'] });
    expect(violations, formatViolations(violations)).toEqual([]);
    expect(errors()).toEqual([]);

    // The API fails (a server or network error): the page says so and shows the copy it read, with its time.
    await page.route('**/api/outages', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":"unavailable"}' }));
    await page.reload();
    const alert = page.locator('.outage-notices [role="alert"]');
    await alert.waitFor();
    const keptAt = await page.evaluate(() => JSON.parse(localStorage.getItem('hearthline:outages:last') ?? '{}').asOf as string);
    expect(await alert.locator('p').textContent()).toBe(fill(t.failedCopy, { time: formatMoment('zh-CN', keptAt) }));
    await item.waitFor();
    const failed = await checkAccessibility(page, { include: ['main'] });
    expect(failed, formatViolations(failed)).toEqual([]);
  });
});
