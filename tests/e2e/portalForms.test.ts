/**
 * The resident's request forms in real Chromium at a phone viewport, against the real backend:
 * one request of every kind reaches the operations database with the right fields, the gas
 * choice only shows the emergency phone, invalid input is shown at its field with nothing typed
 * lost (a reload included), "my account" masks the phone, and a request is filed with the
 * keyboard alone. Axe checks every state on the way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startSite, type Site } from '../support/server';
import { newAccountNumber, newPhone, newResident, request, type Resident, registerCustomer } from '../support/client';
import { PHONE, checkAccessibility, formatViolations, launchBrowser } from '../support/browser';
import { openRequestForm } from './support/portal';
import { fill, dictionary } from '../../src/i18n';
import { signInThroughForm } from '../support/signIn';
import { OPERATIONS_DB } from '../../src/db/databaseNames';
import { appointmentDays, temperatureTestDays } from '../../src/rules/bookingWindows';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const zh = dictionary('zh-CN');
const ADMIN_PASSWORD = 'e2e forms admin 1';
let site: Site;
let browser: Browser;

beforeAll(async () => {
  site = await startSite({ env: { HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

const asAdmin = { basic: { name: 'admin', password: ADMIN_PASSWORD } };

interface ServerEvent {
  requestKind: string;
  type: string;
  resident: string;
  payload: Record<string, unknown>;
}

/** The submissions of a resident that reached the operations database. */
async function operationsSubmissions(resident: string): Promise<ServerEvent[]> {
  const res = await request(site.url, 'GET', `/db/${OPERATIONS_DB}/_all_docs?include_docs=true`, undefined, asAdmin);
  return (res.json.rows as { doc: ServerEvent & { docType?: string } }[])
    .map((r) => r.doc)
    .filter((d) => d.docType === 'event' && d.type === 'submitted' && d.resident === resident);
}

async function signInAs(page: Page, resident: Resident): Promise<void> {
  await signInThroughForm(page, { login: resident.accountNumber, password: resident.password }, { goto: site.url + '/portal/' });
}

async function expectNoAxeViolations(page: Page, where: string): Promise<void> {
  const violations = await checkAccessibility(page);
  expect(violations, `${where}: ${formatViolations(violations)}`).toEqual([]);
}

/** Submits the open form and waits for "saved on this device". */
async function submit(page: Page, label: string): Promise<void> {
  const panel = page.locator('#new-request-panel');
  await panel.getByRole('button', { name: label }).click();
  await panel.locator('.notice[role="status"], .form-error').first().waitFor();
  expect(await panel.locator('.form-error').allTextContents(), label).toEqual([]);
}

describe('filing every kind of request', () => {
  it('a new resident signs up, files one of each; each reaches operations with its fields; gas only shows the emergency phone', async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    // Signed up in the portal itself, as a new resident would.
    await page.goto(site.url + '/portal/');
    await page.getByRole('button', { name: zh.signup.noAccount }).click();
    const signup = page.locator('form.sign-up');
    await signup.getByLabel(zh.signup.community).selectOption({ index: 1 });
    const accountNumber = newAccountNumber();
    const resident = { name: `r-${accountNumber}`, phone: newPhone() };
    // The utility's register holds the account and its phone (as its import would load them).
    await registerCustomer(site.url, { accountNumber, phones: [resident.phone], station: 'demo' });
    await signup.getByLabel(zh.signup.accountNumber).fill(accountNumber);
    await signup.getByLabel(zh.signup.phone).fill(resident.phone);
    await signup.getByLabel(zh.signup.password).fill('warm winter 2026');
    await signup.getByRole('checkbox').check();
    await signup.getByRole('button', { name: zh.signup.submit }).click();
    await page.getByRole('button', { name: zh.session.signOut }).waitFor({ timeout: 20_000 });
    await expectNoAxeViolations(page, 'the chooser');

    // A gas smell: the emergency phone at once, and no form.
    const utility = parse(readFileSync('content/utility.yaml', 'utf8')) as { emergencyPhone: string };
    await page.locator('[data-choice="gas"]').click();
    const gas = page.locator('#gas-emergency');
    await gas.waitFor();
    expect(await gas.locator(`a[href="tel:${utility.emergencyPhone}"]`).count()).toBe(2);
    expect(await page.locator('#new-request-panel form').count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('gas-emergency');
    await expectNoAxeViolations(page, 'the gas emergency');

    await openRequestForm(page, 'repair');
    const panel = page.locator('#new-request-panel');
    await panel.getByLabel(zh.forms.repair.faults['building-without-heat']).check();
    await panel.getByLabel(zh.forms.address).fill('暖园小区 2 号楼 302');
    await panel.getByLabel(zh.forms.contactName).fill('赵女士');
    await panel.getByLabel(zh.forms.contactTimes.weekdayEvening).check();
    await expectNoAxeViolations(page, 'the repair form');
    await submit(page, zh.forms.repair.submit);

    await openRequestForm(page, 'temperature-test');
    await panel.getByLabel(fill(zh.forms.temperatureTest.roomName, { n: 1 })).fill('客厅');
    await panel.getByLabel(fill(zh.forms.temperatureTest.roomArea, { n: 1 })).fill('24.5');
    await panel.getByRole('button', { name: zh.forms.temperatureTest.addRoom }).click();
    await panel.getByLabel(fill(zh.forms.temperatureTest.roomName, { n: 2 })).fill('卧室');
    await panel.getByLabel(fill(zh.forms.temperatureTest.roomArea, { n: 2 })).fill('12');
    // The measurement method speaks as the area is typed: 24.5 m² gets two points.
    expect(await panel.locator('#temperature-test-room-0-area-hint').textContent()).toBe(fill(zh.forms.temperatureTest.points, { n: 2 }));
    const testDay = temperatureTestDays(Date.now())[2]!;
    await panel.getByLabel(fill(zh.forms.temperatureTest.slotDate, { n: 1 })).selectOption(testDay);
    await panel.getByLabel(zh.forms.address).fill('暖园小区 2 号楼 302');
    await panel.getByLabel(zh.forms.contactName).fill('赵女士');
    await expectNoAxeViolations(page, 'the temperature-test form');
    await submit(page, zh.forms.temperatureTest.submit);

    await openRequestForm(page, 'appointment');
    await panel.getByLabel(zh.requestKinds['appointment-installation']).check();
    const firstDay = appointmentDays('appointment-installation', Date.now())[0]!;
    await panel.locator('.quick-picks button').first().click();
    expect(await panel.getByLabel(zh.forms.appointment.date).inputValue()).toBe(firstDay);
    await panel.getByLabel(fill(zh.forms.appointment.slots.afternoon, { from: '13:00', to: '18:00' })).check();
    await panel.getByLabel(zh.forms.address).fill('暖园小区 2 号楼 302');
    await panel.getByLabel(zh.forms.contactName).fill('赵女士');
    await expectNoAxeViolations(page, 'the appointment form');
    await submit(page, zh.forms.appointment.submit);

    await openRequestForm(page, 'complaint');
    await panel.getByLabel(zh.forms.complaint.about).fill('维修人员上门迟到两小时');
    await panel.getByLabel(zh.forms.complaint.happenedAt).fill('2026-11-20T19:30');
    await panel.getByLabel(zh.forms.complaint.demand).fill('希望说明原因并改进');
    await panel.getByLabel(zh.forms.address).fill('暖园小区 2 号楼 302');
    await panel.getByLabel(zh.forms.contactName).fill('赵女士');
    await expectNoAxeViolations(page, 'the complaint form');
    await submit(page, zh.forms.complaint.submit);

    for (const [kind, text] of [
      ['consultation', '今年的采暖费什么时候交？'],
      ['suggestion', '希望在小区里张贴停暖通知'],
      ['praise', '陈师傅修得又快又好'],
    ] as const) {
      await openRequestForm(page, kind);
      await panel.getByLabel(zh.forms[kind].text).fill(text);
      if (kind === 'praise') await panel.getByLabel(zh.forms.praise.staffName).fill('陈师傅');
      await panel.getByLabel(zh.forms.contactName).fill('赵女士');
      await submit(page, zh.forms[kind].submit);
    }

    // All seven reach the operations database through the router, each with its own fields.
    await expect.poll(async () => (await operationsSubmissions(resident.name)).length, { timeout: 30_000 }).toBe(7);
    const byKind = new Map((await operationsSubmissions(resident.name)).map((e) => [e.requestKind, e.payload]));
    const contact = { name: '赵女士', phone: resident.phone };
    expect(byKind.get('repair')).toEqual({ channel: 'portal', fault: 'building-without-heat', address: '暖园小区 2 号楼 302', contact, contactTimes: [zh.forms.contactTimes.weekdayEvening] });
    expect(byKind.get('temperature-test')).toEqual({
      channel: 'portal',
      rooms: [
        { name: '客厅', areaM2: 24.5 },
        { name: '卧室', areaM2: 12 },
      ],
      preferredSlots: [{ date: testDay, from: '09:00', to: '11:00' }],
      address: '暖园小区 2 号楼 302',
      contact,
    });
    expect(byKind.get('appointment-installation')).toEqual({ channel: 'portal', preferredDate: firstDay, slot: 'afternoon', address: '暖园小区 2 号楼 302', contact });
    expect(byKind.get('complaint')).toEqual({
      channel: 'portal',
      about: '维修人员上门迟到两小时',
      happenedAt: '2026-11-20T11:30:00.000Z',
      place: '暖园小区 2 号楼 302',
      demand: '希望说明原因并改进',
      address: '暖园小区 2 号楼 302',
      contact,
    });
    expect(byKind.get('consultation')).toEqual({ channel: 'portal', question: '今年的采暖费什么时候交？', contact });
    expect(byKind.get('suggestion')).toEqual({ channel: 'portal', text: '希望在小区里张贴停暖通知', contact });
    expect(byKind.get('praise')).toEqual({ channel: 'portal', text: '陈师傅修得又快又好', staffName: '陈师傅', contact });
    expect(byKind.has('emergency')).toBe(false);
    await context.close();
  }, 120_000);
});

describe('invalid input', () => {
  it('is shown at its field in Chinese, announced, and nothing typed is lost, across a reload too', async () => {
    const resident = await newResident(site.url, { community: 'demo-garden' });
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await signInAs(page, resident);
    const panel = page.locator('#new-request-panel');

    // An empty complaint: one message per required field; the summary takes the focus.
    await openRequestForm(page, 'complaint');
    await panel.getByLabel(zh.forms.address).fill('');
    await panel.getByRole('button', { name: zh.forms.complaint.submit }).click();
    await panel.locator('#complaint-errors').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('complaint-errors');
    expect(await panel.locator('#complaint-about-error').textContent()).toBe('请填写投诉事项。');
    expect(await panel.locator('#complaint-demand-error').textContent()).toBe('请填写您的要求。');
    expect(await panel.getByLabel(zh.forms.complaint.about).getAttribute('aria-invalid')).toBe('true');
    await expectNoAxeViolations(page, 'the complaint form with errors');

    // A 500-character field takes 500 characters, not a 501st; the counter says the limit is reached.
    await openRequestForm(page, 'consultation');
    const text = panel.getByLabel(zh.forms.consultation.text);
    await text.fill('暖'.repeat(499));
    await text.press('End');
    await page.keyboard.type('气多');
    expect(await text.inputValue()).toHaveLength(500);
    expect(await panel.locator('#consultation-text-count').textContent()).toBe(`${fill(zh.forms.count, { n: 500, max: 500 })} · ${fill(zh.forms.atLimit, { max: 500 })}`);
    // 5,000 characters pasted: 500 kept, and the counter says how many were left out.
    await text.fill('');
    await text.focus();
    await text.evaluate((el: HTMLTextAreaElement, pasted) => {
      const data = new DataTransfer();
      data.setData('text/plain', pasted);
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, '暖'.repeat(5000));
    await page.keyboard.insertText('暖'.repeat(5000));
    expect(await text.inputValue()).toHaveLength(500);
    expect(await panel.locator('#consultation-text-count').textContent()).toContain(fill(zh.forms.cut, { cut: 4500, max: 500 }));

    // A floor area of 0 and of 10,000 m².
    await openRequestForm(page, 'temperature-test');
    await panel.getByLabel(fill(zh.forms.temperatureTest.roomName, { n: 1 })).fill('客厅');
    await panel.getByLabel(fill(zh.forms.temperatureTest.roomArea, { n: 1 })).fill('0');
    await panel.getByRole('button', { name: zh.forms.temperatureTest.addRoom }).click();
    await panel.getByLabel(fill(zh.forms.temperatureTest.roomName, { n: 2 })).fill('仓库');
    await panel.getByLabel(fill(zh.forms.temperatureTest.roomArea, { n: 2 })).fill('10000');
    await panel.getByLabel(fill(zh.forms.temperatureTest.slotDate, { n: 1 })).selectOption({ index: 1 });
    await panel.getByLabel(zh.forms.address).fill('暖园小区 2 号楼 302');
    await panel.getByLabel(zh.forms.contactName).fill('赵女士');
    await panel.getByRole('button', { name: zh.forms.temperatureTest.submit }).click();
    await panel.locator('#temperature-test-room-0-area-error').waitFor();
    expect(await panel.locator('#temperature-test-room-0-area-error').textContent()).toBe('面积必须大于 0 ㎡且不超过 1000 ㎡。');
    expect(await panel.locator('#temperature-test-room-1-area-error').textContent()).toBe('面积必须大于 0 ㎡且不超过 1000 ㎡。');

    // A date past the booking horizon (a repair appointment 40 days ahead).
    await openRequestForm(page, 'appointment');
    await panel.getByLabel(zh.requestKinds['appointment-repair']).check();
    const tooLate = new Date(Date.now() + 40 * 86_400_000).toISOString().slice(0, 10);
    await panel.getByLabel(zh.forms.appointment.date).fill(tooLate);
    await panel.getByLabel(fill(zh.forms.appointment.slots.morning, { from: '08:00', to: '12:00' })).check();
    await panel.getByLabel(zh.forms.address).fill('暖园小区 2 号楼 302');
    await panel.getByLabel(zh.forms.contactName).fill('赵女士');
    await panel.getByRole('button', { name: zh.forms.appointment.submit }).click();
    await panel.locator('#appointment-date-error').waitFor();
    expect(await panel.locator('#appointment-date-error').textContent()).toContain('这一天不能预约');
    await expectNoAxeViolations(page, 'the appointment form with errors');

    // Nothing was recorded, and a reload brings every draft back as it was typed.
    expect(await page.locator('.request').count()).toBe(0);
    await page.reload();
    await page.getByRole('button', { name: zh.session.signOut }).waitFor();
    await openRequestForm(page, 'appointment');
    expect(await panel.getByLabel(zh.forms.appointment.date).inputValue()).toBe(tooLate);
    expect(await panel.getByLabel(zh.requestKinds['appointment-repair']).isChecked()).toBe(true);
    await openRequestForm(page, 'consultation');
    expect(await panel.getByLabel(zh.forms.consultation.text).inputValue()).toHaveLength(500);
    await openRequestForm(page, 'temperature-test');
    expect(await panel.getByLabel(fill(zh.forms.temperatureTest.roomArea, { n: 2 })).inputValue()).toBe('10000');
    await context.close();
  }, 120_000);
});

describe('my account and the keyboard', () => {
  it('masks the phone, fills the forms from the account, and files a request with the keyboard alone', async () => {
    const resident = await newResident(site.url, { community: 'demo-garden' });
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await signInAs(page, resident);

    const account = page.locator('.my-account');
    await account.waitFor();
    const masked = `${resident.phone.slice(0, 3)}****${resident.phone.slice(-4)}`;
    expect(await account.locator('[data-field="phone"]').textContent()).toBe(masked);
    expect(await page.locator('body').textContent()).not.toContain(resident.phone);
    await expectNoAxeViolations(page, 'my account');

    await account.getByRole('button', { name: zh.account.edit }).click();
    expect(await account.getByLabel(zh.account.phone, { exact: true }).inputValue()).toBe(resident.phone); // whole only while edited
    await account.getByLabel(zh.account.phone, { exact: true }).fill('12345');
    await account.getByRole('button', { name: zh.account.save }).click();
    await account.locator('#account-error').waitFor();
    expect(await account.locator('#account-error').textContent()).toBe(zh.signup.messages['signup.phone.format']);
    await account.getByLabel(zh.account.phone, { exact: true }).fill('13700001111');
    await account.getByLabel(zh.account.contactName).fill('钱先生');
    await account.getByLabel(zh.account.address).fill('暖园小区 5 号楼 101');
    await account.getByRole('button', { name: zh.account.save }).click();
    await account.locator('.notice[role="status"]').waitFor();
    expect(await account.locator('[data-field="phone"]').textContent()).toBe('137****1111');
    const profile = await request(site.url, 'GET', `/db/${resident.db}/profile`, undefined, asAdmin);
    expect(profile.json).toMatchObject({ phone: '13700001111', contactName: '钱先生', address: '暖园小区 5 号楼 101' });

    // The keyboard alone: choose "consultation", type, send. The forms start from the account.
    const choice = page.locator('[data-choice="consultation"]');
    await choice.focus();
    await page.keyboard.press('Enter');
    await page.locator('#new-request-panel form.consultation-form').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('new-request-panel');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('consultation-text');
    await page.keyboard.type('暖气什么时候开始收费？');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe('钱先生');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe('13700001111');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(zh.forms.consultation.submit);
    await page.keyboard.press('Enter');
    await page.locator('#new-request-panel .notice[role="status"]').waitFor();
    await page.locator('.request').first().waitFor();
    expect(await page.locator('.request').count()).toBe(1);
    await context.close();
  }, 120_000);
});
