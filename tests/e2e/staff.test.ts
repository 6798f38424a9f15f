/**
 * The staff console (issue 6) in real Chromium against the real backend:
 *   - a dispatcher dispatches a resident's repair and prints the 服务派单: one A4 page (Chromium's
 *     print to PDF) with every field of domain.md; a station-B dispatcher does not see station A's
 *     queue; a technician is not offered, and cannot record, a complaint remedy's approval;
 *   - a staff device offline for a whole simulated shift (the page's clock set to the shift)
 *     registers three walk-ins, dispatches them, records a measurement and a callback; on
 *     reconnect all of it reaches operations and the residents' databases (their timelines);
 *   - two staff devices working offline on the same complaint both keep their events, and the
 *     state derived from them (the complaint path, the row) is the same on both;
 *   - a reply with a forbidden phrase is held back with a warning; an unhandled complaint
 *     escalates to level 1 the next morning, recorded once by the server's deadline watcher (its
 *     clock moved with the page's) and shown by the console.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { startSite, type Site } from '../support/server';
import { admin, newResident, request, type Resident } from '../support/client';
import { checkAccessibility, formatViolations, launchContext, type LaunchedContext } from '../support/browser';
import { dictionary } from '../../src/i18n';
import { signInThroughForm } from '../support/signIn';
import { aSubmitted, aSubmittedRepair, asCouchDoc } from '../support/builders/events';
import { deviceEvents, recordOnDevice, waitForDevice } from './support/device';
import { composeFollowUp } from '../../src/db/device/compose';
import { newRequestId } from '../../src/db/schema/events/ids';

const zh = dictionary('zh-CN');
const sc = zh.staffConsole;
const ADMIN_PASSWORD = 'e2e staff console admin 1';
const STATION = 'demo';
const STATION_B = 'e2e-north';

let dataDir: string;
let site: Site;
const contexts: LaunchedContext[] = [];
/** The file that moves the server's deadline watcher (server/clock.mjs), kept in the data folder. */
const serverClock = () => path.join(dataDir, 'test-clock');
const adminAuth = () => ({ basic: { name: site.adminUser, password: ADMIN_PASSWORD } });

async function newDevice(): Promise<{ context: BrowserContext; page: Page }> {
  const launched = await launchContext({ viewport: { width: 1000, height: 900 } });
  contexts.push(launched);
  const page = launched.context.pages()[0] ?? (await launched.context.newPage());
  return { context: launched.context, page };
}

async function createStaff(name: string, role: string, station?: string, displayName?: string) {
  const password = `${name} pass 1`;
  const run = await admin(site, ['create-staff', '--name', name, '--role', role, ...(station ? ['--station', station] : []), ...(displayName ? ['--display-name', displayName] : []), '--password', password], {
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
const queueRow = (page: Page, requestId: string) => page.locator(`.staff-queue .request[data-request="${requestId}"]`);

/** A resident's own report, put into their database as their device would. */
async function residentReport(resident: Resident, kind: 'repair' | 'complaint' = 'repair') {
  const author = { name: resident.name, role: 'resident' as const, device: 'phone-1' };
  const common = { author, resident: resident.name, station: STATION, at: new Date().toISOString(), requestId: newRequestId(Date.now()) };
  const event = kind === 'repair' ? aSubmittedRepair(common) : aSubmitted('complaint', common);
  const put = await request(site.url, 'PUT', `/db/${resident.db}/${event.id}`, asCouchDoc(event), { cookie: resident.cookie });
  expect(put.status, put.text).toBe(201);
  return event;
}

async function serverIds(db: string, ids: string[]): Promise<boolean[]> {
  const res = await request(site.url, 'POST', `/db/${db}/_all_docs`, { keys: ids }, adminAuth());
  expect(res.status, res.text).toBe(200);
  return (res.json.rows as { value?: { deleted?: boolean } }[]).map((r) => Boolean(r.value && !r.value.deleted));
}

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await read();
    if (ok(value) || Date.now() - started > timeoutMs) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Draws a signature on a signature pad. */
async function sign(pad: Locator) {
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  const page = pad.page();
  await page.mouse.move(box.x + 20, box.y + box.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(box.x + 20 + i * 25, box.y + box.height / 2 + (i % 2 ? 15 : -15));
  await page.mouse.up();
}

/** Moves the page's clock (the shift goes on) and lets the console read it. */
async function clockTo(page: Page, ms: number) {
  await page.clock.setSystemTime(ms);
  await page.locator('.staff-console').dispatchEvent('pointerdown');
}

/** China wall-clock `YYYY-MM-DDTHH:MM` of an instant (a datetime-local value). */
const chinaInput = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16);
/** The instant of a China wall-clock time today (China's day). */
const chinaToday = (hhmm: string) => {
  const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  return new Date(`${day}T${hhmm}:00+08:00`).getTime();
};

/** Opens a queue row's detail (one row is open at a time). */
async function openRow(row: Locator) {
  if ((await row.getByRole('button', { name: sc.hide }).count()) === 0) await row.getByRole('button', { name: sc.open }).click();
}

/** Dispatches from the picker: the technician chosen by display name, a visit time, confirmed when after the deadline. */
async function dispatchFromRow(row: Locator, technicianName: string, visitAtMs: number) {
  await openRow(row);
  await row.getByRole('radio', { name: new RegExp(`^${technicianName}`) }).check();
  await row.getByLabel(zh.dispatch.visitAt).fill(chinaInput(visitAtMs));
  await row.getByLabel(zh.dispatch.supervisor).fill('刘所长');
  const confirm = row.getByRole('checkbox', { name: /我已与住户沟通/ });
  if (await confirm.count()) await confirm.check();
  await row.getByRole('button', { name: zh.dispatch.submit, exact: true }).click();
  await expect.poll(() => row.getAttribute('data-status')).toBe('dispatched');
}

/** The next 10:00 China time at least an hour ahead: inside the visiting hours whenever the test runs. */
const nextTen = () => {
  const today = chinaToday('10:00');
  return today - Date.now() > 3_600_000 ? today : today + 24 * 3_600_000;
};

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'hearthline-e2e-staff-'));
  writeFileSync(serverClock(), '0');
  site = await startSite({ dataDir, env: { HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD, HEARTHLINE_CLOCK_FILE: serverClock(), HEARTHLINE_DEADLINE_SWEEP_MS: '500' } });
  const made = await admin(site, ['create-station', '--id', STATION_B, '--name', '城北供热所', '--communities', 'north-garden'], { password: ADMIN_PASSWORD });
  expect(made.code, made.stderr).toBe(0);
}, 120_000);

afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

afterAll(async () => {
  await site?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the staff console', () => {
  it('dispatches and prints the 服务派单 on one A4 page with every field; station B does not see station A; a technician cannot approve a remedy', async () => {
    const dispatcher = await createStaff('dp-print', 'dispatcher', STATION);
    const dispatcherB = await createStaff('dp-north', 'dispatcher', STATION_B);
    const technician = await createStaff('tc-print', 'technician', STATION, '陈师傅');
    const resident = await newResident(site.url, { community: 'demo-garden' });
    const report = await residentReport(resident);
    const complaint = await residentReport(resident, 'complaint');

    const { page } = await newDevice();
    await signInOnStaffPage(page, dispatcher);
    const row = queueRow(page, report.requestId);
    await row.waitFor({ timeout: 30_000 });
    await row.getByRole('button', { name: zh.staff.accept, exact: true }).click();
    await expect.poll(() => row.getAttribute('data-status')).toBe('accepted');
    expect(technician.name).toBe('tc-print');
    await dispatchFromRow(row, '陈师傅', nextTen());

    const violations = await checkAccessibility(page, { include: ['.staff-console'] });
    expect(violations, formatViolations(violations)).toEqual([]);

    await row.getByRole('button', { name: sc.printSheet }).click();
    const sheet = page.locator('.dispatch-sheet');
    await sheet.waitFor();
    const labels = await sheet.locator('th').allTextContents();
    expect(labels).toEqual([
      sc.sheet.station, sc.sheet.date, sc.sheet.receivedTime, sc.sheet.receivedBy, sc.sheet.visitAt, sc.sheet.address, sc.sheet.phone,
      sc.sheet.contact, sc.sheet.content, sc.sheet.issuedAt, sc.sheet.issuedTo, sc.sheet.supervisor, sc.sheet.callbackAt, sc.sheet.callbackBy,
      sc.sheet.callbackResult,
    ]);
    const value = (label: string) => sheet.locator(`tr[data-field="${label}"] td`).textContent();
    expect(await value(sc.sheet.station)).toBe(STATION);
    expect(await value(sc.sheet.receivedBy)).toBe(dispatcher.name);
    expect(await value(sc.sheet.issuedTo)).toBe('陈师傅');
    expect(await value(sc.sheet.supervisor)).toBe('刘所长');
    expect(await value(sc.sheet.contact)).toBe('张女士');
    expect(await value(sc.sheet.content)).toContain(zh.forms.repair.faults['radiator-not-warm']);
    expect(await sheet.textContent()).toContain(sc.sheet.title);

    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.staff-console').isVisible()).toBe(false); // only the form prints
    expect(await sheet.isVisible()).toBe(true);
    const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
    const pages = pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? [];
    expect(pages).toHaveLength(1);
    await page.emulateMedia({ media: 'screen' });
    await page.getByRole('button', { name: sc.closeSheet }).click();

    // A reply with a forbidden phrase of the service norms is held back with a warning first.
    const reply = row.locator('form[id$="-reply"]');
    await reply.getByLabel(sc.replyText).fill('这是规定，就不行。');
    await expect.poll(() => reply.locator('[role="alert"] li').allTextContents()).toEqual(['这是规定，就不行']);
    await reply.getByRole('button', { name: sc.sendReply }).click();
    await reply.getByRole('button', { name: sc.sendAnyway }).waitFor();
    const replies = async () => (await deviceEvents(page, report.requestId)).filter((e) => e.type === 'reply');
    expect(await replies()).toHaveLength(0);
    await reply.getByLabel(sc.replyText).fill('');
    await reply.getByLabel(sc.template).selectOption('arranged');
    expect(await reply.locator('[role="alert"]').count()).toBe(0);
    await reply.getByRole('button', { name: sc.sendReply }).click();
    await expect.poll(async () => (await replies()).length).toBe(1);

    // Station B's dispatcher: the device holds station B's records only.
    const north = await newDevice();
    await signInOnStaffPage(north.page, dispatcherB);
    await expect.poll(() => syncHeadline(north.page).textContent(), { timeout: 30_000 }).toBe(zh.sync.synced);
    expect(await north.page.locator('.staff-queue .request').count()).toBe(0);
    expect(await queueRow(north.page, report.requestId).count()).toBe(0);
    const onB = await north.page.evaluate(async () => {
      const d = (await (window as unknown as { hearthline: { device: () => Promise<{ db: { events: { find: () => { exec: () => Promise<unknown[]> } } } }> } }).hearthline.device());
      return (await d.db.events.find().exec()).length;
    });
    expect(onB).toBe(0);

    // The technician: sees only the visits dispatched to them (not the complaint), and the
    // complaint's remedy approval is not recordable.
    const tech = await newDevice();
    await signInOnStaffPage(tech.page, technician);
    await expect.poll(() => syncHeadline(tech.page).textContent(), { timeout: 30_000 }).toBe(zh.sync.synced);
    // a technician's console opens on their day; the queue is the next tab
    await tech.page.getByRole('tab', { name: sc.tabs.queue }).click();
    await queueRow(tech.page, report.requestId).waitFor({ timeout: 30_000 });
    expect(await queueRow(tech.page, complaint.requestId).count()).toBe(0);
    const approval = composeFollowUp(
      { session: { name: technician.name, roles: ['technician'], station: STATION }, deviceId: 'phone-tc', role: 'technician' },
      { requestId: complaint.requestId, requestKind: 'complaint', resident: resident.name, station: STATION },
      'remedy-approved',
      {},
      'internal',
    );
    const refusals = await recordOnDevice(tech.page, [approval]);
    expect(refusals).toEqual([expect.stringContaining('may-emit')]);
  }, 180_000);

  it('works a whole simulated shift offline: three walk-ins registered and dispatched, a measurement and a callback, all delivered on reconnect', async () => {
    const manager = await createStaff('mg-shift', 'manager');
    await createStaff('tc-shift', 'technician', STATION, '王师傅');
    const residents = [
      await newResident(site.url, { community: 'demo-garden' }),
      await newResident(site.url, { community: 'demo-east' }),
      await newResident(site.url, { community: 'demo-garden' }),
    ];
    const { context, page } = await newDevice();
    await signInOnStaffPage(page, manager);
    await expect.poll(() => syncHeadline(page).textContent(), { timeout: 30_000 }).toBe(zh.sync.synced);

    await context.setOffline(true);
    // The shift starts at 08:00 China time; the page's clock follows it.
    await clockTo(page, chinaToday('08:00'));
    await page.getByRole('tab', { name: sc.tabs.register }).click();
    const kinds = ['repair', 'temperature-test', 'complaint'] as const;
    const registered: string[] = [];
    // Stations are chosen by their display names (the list the device kept from /api/communities).
    const places = await request(site.url, 'GET', '/api/communities');
    const stationName = (places.json.stations as { id: string; name: string }[]).find((x) => x.id === STATION)!.name;
    {
      const form = page.locator('#panel-register form');
      expect(await form.locator('#reg-station option').allTextContents()).toContain(stationName);
      // Nothing chosen: the field asks to choose a station, not for a slug.
      await form.getByLabel(sc.accountNumber, { exact: true }).fill(residents[0]!.accountNumber);
      await form.getByRole('button', { name: sc.register, exact: true }).click();
      await expect.poll(() => form.locator('#reg-station-error').textContent()).toBe('请选择供热所。');
      expect(await form.innerText()).not.toContain('小写字母或数字');
    }
    for (const [i, kind] of kinds.entries()) {
      const form = page.locator('#panel-register form');
      await form.getByLabel(sc.accountNumber, { exact: true }).fill(residents[i]!.accountNumber);
      await form.getByLabel(sc.station, { exact: true }).selectOption({ label: stationName });
      await form.getByLabel(sc.kind, { exact: true }).selectOption(kind);
      await form.getByLabel(sc.channel, { exact: true }).selectOption('hall');
      await form.getByLabel(zh.forms.contactName, { exact: true }).fill(`住户${i + 1}`);
      await form.getByLabel(zh.forms.contactPhone, { exact: true }).fill(residents[i]!.phone);
      await form.getByLabel(zh.forms.address, { exact: true }).fill(`暖园小区 ${i + 1} 号楼 101`);
      if (kind === 'repair') {
        await form.getByLabel(zh.forms.repair.details, { exact: true }).fill('客厅暖气片不热');
        // No fault is pre-chosen: saved without one, the field says so and nothing is registered.
        await form.getByRole('button', { name: sc.register, exact: true }).click();
        await expect.poll(() => form.locator('#reg-fault-error').textContent()).toBeTruthy();
        expect(await form.locator('#reg-fault').getAttribute('aria-invalid')).toBe('true');
        await form.getByLabel(zh.forms.repair.fault, { exact: true }).selectOption('radiator-not-warm');
      }
      if (kind === 'complaint') {
        await form.getByLabel(sc.complaintAbout, { exact: true }).fill('维修人员迟到');
        await form.getByLabel(sc.demand, { exact: true }).fill('说明原因');
      }
      if (kind === 'temperature-test') {
        await form.getByLabel(sc.roomName, { exact: true }).fill('卧室');
        await form.getByLabel(sc.roomArea, { exact: true }).fill('12');
        await form.getByLabel(sc.preferredDate, { exact: true }).fill(new Date(chinaToday('08:00') + 8 * 3_600_000).toISOString().slice(0, 10));
      }
      // The notice names the new request: wait for a new one, not the previous registration's.
      const notice = form.locator('.notice[role="status"]');
      const before = (await notice.count()) ? await notice.textContent() : null;
      await form.getByRole('button', { name: sc.register, exact: true }).click();
      await expect.poll(() => notice.textContent()).toContain(sc.registered.slice(0, 3));
      await expect.poll(() => notice.textContent()).not.toBe(before);
      await form.locator('.form-error').waitFor({ state: 'detached' });
    }
    const stored = await page.evaluate(async () => {
      const d = await (window as unknown as { hearthline: { device: () => Promise<{ db: { events: { find: (q: object) => { exec: () => Promise<{ toJSON: () => { requestId: string; resident: string; type: string } }[]> } } } }> } }).hearthline.device();
      return (await d.db.events.find({ selector: { type: 'submitted' } }).exec()).map((x) => x.toJSON());
    });
    for (const r of residents) {
      const mine = stored.find((e) => e.resident === r.name);
      expect(mine, r.name).toBeTruthy();
      registered.push(mine!.requestId);
    }

    // The customer search: "为此用户登记" works with a real mouse click (pointerdown moves the
    // console's clock; the list must not be rebuilt under the pointer) and with the keyboard.
    {
      const form = page.locator('#panel-register form');
      const search = page.locator('#panel-register .customer-search');
      await search.getByLabel(sc.findCustomer).fill(residents[0]!.accountNumber);
      const use = search.locator(`.customer[data-account="${residents[0]!.accountNumber}"]`).getByRole('button', { name: sc.useCustomer });
      await form.getByLabel(sc.accountNumber, { exact: true }).fill('');
      await form.getByLabel(zh.forms.contactName, { exact: true }).fill('');
      await use.click();
      await expect.poll(() => form.getByLabel(sc.accountNumber, { exact: true }).inputValue()).toBe(residents[0]!.accountNumber);
      expect(await form.getByLabel(zh.forms.contactName, { exact: true }).inputValue()).toBe('住户1');
      await form.getByLabel(sc.accountNumber, { exact: true }).fill('');
      await use.focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => form.getByLabel(sc.accountNumber, { exact: true }).inputValue()).toBe(residents[0]!.accountNumber);
    }

    await page.getByRole('tab', { name: sc.tabs.queue }).click();
    await clockTo(page, chinaToday('08:15'));
    // The repair and the temperature test are dispatched; a complaint has no dispatch (issue 16).
    await dispatchFromRow(queueRow(page, registered[0]!), '王师傅', chinaToday('09:00'));
    await dispatchFromRow(queueRow(page, registered[1]!), '王师傅', chinaToday('10:00'));
    await openRow(queueRow(page, registered[2]!));
    expect(await queueRow(page, registered[2]!).locator('.technician-picker').count()).toBe(0);

    // 09:00 at the repair: arrive, sign, resolve.
    await clockTo(page, chinaToday('08:55'));
    const repair = queueRow(page, registered[0]!);
    await openRow(repair);
    await repair.getByRole('button', { name: sc.arrived, exact: true }).click();
    await expect.poll(() => repair.getAttribute('data-status')).toBe('on-site');
    await sign(repair.locator('canvas').first());
    await repair.getByRole('button', { name: sc.signSubmit }).click();
    const signForm = repair.locator('form[id$="-sign"]');
    await signForm.locator('.notice[role="status"], .form-error').first().waitFor();
    expect(await signForm.locator('.form-error').count(), await signForm.innerText()).toBe(0);
    await repair.getByLabel(sc.resolution).fill('排气后恢复正常');
    await repair.getByRole('button', { name: sc.resolve }).click();
    await expect.poll(() => repair.count()).toBe(1);
    await expect.poll(() => repair.getAttribute('data-status')).toBe('resolved');

    // 10:00 at the temperature test: one room of 12 m² → one point; signed.
    await clockTo(page, chinaToday('09:55'));
    const test = queueRow(page, registered[1]!);
    await openRow(test);
    // Arrive first: the measurement is a step on site (arrive → measure → sign → done).
    await test.getByRole('button', { name: sc.arrived, exact: true }).click();
    await expect.poll(() => test.getAttribute('data-status')).toBe('on-site');
    const measure = test.locator('form[id$="-measure"]');
    expect(await measure.getByLabel(/测点/).count()).toBe(1);
    await measure.getByLabel(fill1(sc.reading)).fill('18.6');
    await expect.poll(() => measure.locator('.notice').textContent()).toBe(sc.recordUnsigned);
    await sign(measure.locator('canvas'));
    await expect.poll(() => measure.locator('.notice').textContent()).toBe(sc.recordCompliant);
    await measure.getByRole('button', { name: sc.saveMeasurement }).click();
    await measure.locator('[data-record="valid"]').waitFor();

    // 15:00: the callback of the repair, inside the allowed hours.
    await clockTo(page, chinaToday('15:00'));
    await page.getByRole('tab', { name: /回访/ }).click();
    const due = page.locator(`.callback-queue .request[data-request="${registered[0]}"]`);
    await due.waitFor();
    // The card says whom to call: the resident's name, the phone masked (shown in full only with a reason).
    expect(await due.locator('[data-fact="callback-name"]').textContent()).toBe('住户1');
    const masked = residents[0]!.phone.slice(0, 3) + '****' + residents[0]!.phone.slice(-4);
    expect(await due.locator('[data-fact="callback-phone"] .phone').textContent()).toBe(masked);
    expect(await due.locator('a[href^="tel:"]').count()).toBe(0);
    // Nothing is chosen for the caller: a save with nothing chosen is refused at the field.
    expect(await due.locator('input[type="radio"]:checked').count()).toBe(0);
    expect(await due.getByLabel(sc.view).inputValue()).toBe('');
    await due.getByRole('button', { name: sc.saveCallback }).click();
    await expect.poll(() => due.locator('fieldset[id$="-cb-outcome"] .field-error').textContent()).toBe('请选择回访结果。');
    // Not reached at 15:00: the next try is 17:00 (two hours on, inside the allowed hours), and the card waits for it.
    await due.getByLabel(sc.callbackOutcomes.unreachable, { exact: true }).check();
    await due.getByRole('button', { name: sc.saveCallback }).click();
    await expect.poll(() => due.locator('.request-meta').textContent()).toContain('17:00');
    const tried = (await deviceEvents(page, registered[0]!)).find((e) => e.type === 'callback');
    expect(tried?.payload).toMatchObject({ outcome: 'unreachable' });
    // The page's clock runs on from 15:00, so the next try is 17:00 and a few milliseconds.
    const nextTry = Date.parse((tried!.payload as { nextTryAt: string }).nextTryAt) - chinaToday('17:00');
    expect(nextTry).toBeGreaterThanOrEqual(0);
    expect(nextTry).toBeLessThan(60_000);
    // 17:01: reached; a reached resident with no view chosen is refused at the view.
    await clockTo(page, chinaToday('17:01'));
    await due.getByLabel(sc.callbackOutcomes.satisfied, { exact: true }).check();
    await due.getByLabel(sc.attitudeScore).fill('10');
    await due.getByLabel(sc.abilityScore).fill('9');
    await due.getByRole('button', { name: sc.saveCallback }).click();
    await expect.poll(() => due.locator('[id$="-cb-view-error"]').textContent()).toBe('请选择满意度。');
    await due.getByLabel(sc.view).selectOption('satisfied');
    await due.getByRole('button', { name: sc.saveCallback }).click();
    await expect.poll(() => page.locator('.callback-rate').textContent()).toContain('100.0%');

    const mine = async () => (await Promise.all(registered.map((id) => deviceEvents(page, id)))).flat();
    const shift = await mine();
    // 3 registrations, 2 dispatches, the arrivals, signature and resolution, a measurement, a callback
    expect(shift.length).toBeGreaterThanOrEqual(11);
    expect(shift.map((e) => e.type)).toEqual(expect.arrayContaining(['submitted', 'dispatched', 'arrived', 'signed-off', 'resolved', 'measured', 'callback']));

    await context.setOffline(false);
    await expect.poll(() => syncHeadline(page).textContent(), { timeout: 60_000 }).toBe(zh.sync.synced);
    const ids = shift.map((e) => e.id);
    const inOps = await eventually(() => serverIds('operations', ids), (found) => found.every(Boolean), 60_000);
    expect(inOps.every(Boolean)).toBe(true);
    // Every resident's database holds what the resident may see of their own request.
    for (const [i, r] of residents.entries()) {
      const theirs = shift.filter((e) => e.requestId === registered[i]);
      const visible = await page.evaluate(
        async (eventIds) => {
          const d = await (window as unknown as { hearthline: { device: () => Promise<{ db: { events: { findByIds: (ids: string[]) => { exec: () => Promise<Map<string, { visibility: string }>> } } } }> } }).hearthline.device();
          const found = await d.db.events.findByIds(eventIds).exec();
          return eventIds.filter((id) => found.get(id)?.visibility === 'resident');
        },
        theirs.map((e) => e.id),
      );
      expect(visible.length).toBeGreaterThan(0);
      const inResident = await eventually(() => serverIds(r.db, visible), (found) => found.every(Boolean), 60_000);
      expect(inResident.every(Boolean), r.name).toBe(true);
    }

    // The next morning, 25 h after the complaint was registered and still not handled: the
    // server records escalation level 1 once (no device needs to be open), the device receives
    // it by replication and the console shows it, however often it looks again.
    await page.getByRole('tab', { name: sc.tabs.queue }).click();
    writeFileSync(serverClock(), String(chinaToday('08:00') + 25 * 3_600_000 - Date.now()));
    await clockTo(page, chinaToday('08:00') + 25 * 3_600_000);
    const escalated = async () => (await deviceEvents(page, registered[2]!)).filter((e) => e.type === 'escalated');
    await expect.poll(async () => (await escalated()).length, { timeout: 60_000 }).toBe(1);
    expect((await escalated())[0]!.author.role).toBe('admin');
    await expect.poll(() => queueRow(page, registered[2]!).getAttribute('data-level')).toBe('1');
    for (let i = 0; i < 3; i++) await clockTo(page, chinaToday('08:00') + 25 * 3_600_000 + i * 60_000);
    expect(await escalated()).toHaveLength(1);
    expect((await escalated()).length + (await Promise.all([0, 1].map((i) => deviceEvents(page, registered[i]!)))).flat().filter((e) => e.type === 'escalated').length).toBe(1);
  }, 240_000);

  it('two staff devices on the same complaint offline both keep their events and agree on the state', async () => {
    const handlers = [await createStaff('ch-one', 'complaint-handler'), await createStaff('ch-two', 'complaint-handler')];
    const resident = await newResident(site.url, { community: 'demo-garden' });
    const complaint = await residentReport(resident, 'complaint');
    const devices: { context: BrowserContext; page: Page }[] = [];
    for (const h of handlers) {
      const d = await newDevice();
      await signInOnStaffPage(d.page, h);
      devices.push(d);
    }
    const rows = devices.map((d) => queueRow(d.page, complaint.requestId));
    for (const row of rows) await row.waitFor({ timeout: 30_000 });
    for (const d of devices) await d.context.setOffline(true);
    const assessedOn = async (page: Page) => (await deviceEvents(page, complaint.requestId)).filter((e) => e.type === 'assessed');
    for (const [i, row] of rows.entries()) {
      await row.getByRole('button', { name: sc.open }).click();
      const step = row.locator('form[id$="-assessed"]');
      await step.getByLabel(sc.stepFields.assessed[0]!).fill(`核实属实（${i + 1}）`);
      // Nothing is judged for the handler: a save before choosing whether it holds is refused at that choice.
      expect(await step.locator('input[type="radio"]:checked').count()).toBe(0);
      if (i === 0) {
        await step.getByRole('button', { name: sc.save }).click();
        await expect.poll(() => step.locator('[id$="-holds-error"]').count()).toBe(1);
        expect(await assessedOn(devices[0]!.page)).toHaveLength(0);
      }
      await step.getByLabel(sc.holds, { exact: true }).check();
      await step.getByRole('button', { name: sc.save }).click();
      await expect.poll(() => row.locator('.path-steps li[data-step="assessed"]').getAttribute('data-done')).toBe('yes');
    }
    for (const d of devices) expect(await assessedOn(d.page)).toHaveLength(1);

    for (const d of devices) await d.context.setOffline(false);
    for (const d of devices) await expect.poll(async () => (await assessedOn(d.page)).length, { timeout: 30_000 }).toBe(2);
    for (const d of devices) await expect.poll(() => syncHeadline(d.page).textContent(), { timeout: 30_000 }).toBe(zh.sync.synced);
    const [a, b] = rows.map((row) => row.locator('.path-steps'));
    await expect.poll(async () => (await a!.textContent()) === (await b!.textContent()), { timeout: 10_000 }).toBe(true);
    expect(await rows[0]!.locator('.request-meta').textContent()).toBe(await rows[1]!.locator('.request-meta').textContent());
    expect(await rows[0]!.getAttribute('data-status')).toBe(await rows[1]!.getAttribute('data-status'));
    expect(await rows[0]!.locator('.path-steps li[data-step="responsible"]').textContent()).toContain(sc.nextStep);
    const ids = (await assessedOn(devices[0]!.page)).map((e) => e.id);
    const inOps = await eventually(() => serverIds('operations', ids), (found) => found.every(Boolean));
    expect(inOps).toEqual([true, true]);
  }, 180_000);
});

/** The label of the first reading. */
function fill1(template: string): string {
  return template.replace('{n}', '1');
}
