/**
 * Issue 21, "a resident portal for a 60-year-old on a phone", in real Chromium at 390×844
 * against the real backend:
 *   - a resident books next Saturday's gas-appliance repair (a kind served on any day, promised
 *     within 24 hours): the day is offered, the promise is shown, and the staff card shows the
 *     booked day and the visit deadline counted from it (Saturday 24:00), not the 24 hours;
 *   - a repair appointment (working days only) refuses a Sunday at the field as it is chosen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startSite, type Site } from '../support/server';
import { admin, newResident, type Resident } from '../support/client';
import { PHONE, launchBrowser } from '../support/browser';
import { openRequestForm } from './support/portal';
import { waitForDevice } from './support/device';
import { fill, dictionary } from '../../src/i18n';
import { signInThroughForm } from '../support/signIn';
import { addCalendarDays, chinaDay, weekdayOf } from '../../src/rules/chinaTime';
import { formatDayWithWeekday } from '../../src/islands/forms/fieldValues';
import { formatDay } from '../../src/islands/format';
import { appointmentDays } from '../../src/rules/bookingWindows';

const zh = dictionary('zh-CN');
const ADMIN_PASSWORD = 'e2e portal phone admin 1';
const STATION = 'demo';
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

async function signInAs(page: Page, resident: Resident): Promise<void> {
  await signInThroughForm(page, { login: resident.accountNumber, password: resident.password }, { goto: site.url + '/portal/' });
}

async function createStaff(name: string, role: string, station?: string) {
  const password = `${name} pass 1`;
  const run = await admin(site, ['create-staff', '--name', name, '--role', role, ...(station ? ['--station', station] : []), '--password', password], {
    password: ADMIN_PASSWORD,
  });
  expect(run.code, run.stderr + run.stdout).toBe(0);
  return { name, password };
}

/** The first Saturday at least two days after today (China time): "next Saturday". */
function nextSaturday(): string {
  const today = chinaDay(Date.now());
  let ahead = (6 - weekdayOf(today) + 7) % 7;
  if (ahead < 2) ahead += 7;
  return addCalendarDays(today, ahead);
}

describe('dates the resident chooses', () => {
  it('books next Saturday for a gas-appliance repair; the staff card shows that day and the deadline counted from it', async () => {
    const resident = await newResident(site.url, { community: 'demo-garden' });
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await signInAs(page, resident);
    await openRequestForm(page, 'appointment');
    const panel = page.locator('#new-request-panel');
    await panel.getByLabel(zh.requestKinds['appliance-repair']).check();

    // The promise and the choice are told beside the field.
    const hint = (await panel.locator('#appointment-date-hint').textContent()) ?? '';
    const offered = appointmentDays('appliance-repair', Date.now());
    expect(hint).toContain(fill(zh.forms.appointment.promise, { limit: '24 小时', earliest: formatDayWithWeekday('zh-CN', offered[0]!), last: formatDayWithWeekday('zh-CN', chinaDay(Date.now() + 24 * 3_600_000)) }));
    expect(hint).toContain(formatDayWithWeekday('zh-CN', offered.at(-1)!));

    const saturday = nextSaturday();
    await panel.getByLabel(zh.forms.appointment.date).fill(saturday);
    expect(await panel.locator('#appointment-date-error').count()).toBe(0);
    await panel.getByLabel(fill(zh.forms.appointment.slots.morning, { from: '08:00', to: '12:00' })).check();
    await panel.getByLabel(zh.forms.address).fill('暖园小区 2 号楼 302');
    await panel.getByLabel(zh.forms.contactName).fill('赵女士');
    await panel.getByRole('button', { name: zh.forms.appointment.submit }).click();
    await panel.locator('.notice[role="status"], .form-error').first().waitFor();
    expect(await panel.locator('.form-error').allTextContents()).toEqual([]);
    // Sent before the phone is put away (closing the page earlier would keep it on the device).
    await expect.poll(() => page.locator('.sync-status .sync-headline').textContent(), { timeout: 20_000 }).toBe(zh.sync.synced);
    await context.close();

    // The station's dispatcher sees the booked day and the visit due by its end.
    const dispatcher = await createStaff('dp-saturday', 'dispatcher', STATION);
    const staff = await browser.newContext({ viewport: { width: 1000, height: 900 } });
    const staffPage = await staff.newPage();
    await staffPage.goto(site.url + '/staff/');
    await staffPage.getByLabel(zh.session.login).fill(dispatcher.name);
    await staffPage.getByLabel(zh.session.password, { exact: true }).fill(dispatcher.password);
    await staffPage.getByRole('button', { name: zh.session.signIn, exact: true }).click();
    await staffPage.getByRole('button', { name: zh.session.signOut }).waitFor();
    await waitForDevice(staffPage);
    const row = staffPage.locator('.staff-queue .request', { hasText: zh.requestKinds['appliance-repair'] });
    await row.first().waitFor({ timeout: 30_000 });
    const meta = (await row.first().locator('.request-meta').textContent()) ?? '';
    expect(meta).toContain(fill(zh.staff.bookedFor, { day: formatDayWithWeekday('zh-CN', saturday) }));
    const saturdayEnd = new Date(`${saturday}T23:59:00+08:00`).getTime();
    expect(meta).toContain(fill(zh.staff.visitDue, { time: `${formatDay('zh-CN', saturdayEnd)} 24:00` }));
    await staff.close();
  }, 120_000);

  it('a working-day service names a Sunday at the field as it is chosen', async () => {
    const resident = await newResident(site.url, { community: 'demo-garden' });
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await signInAs(page, resident);
    await openRequestForm(page, 'appointment');
    const panel = page.locator('#new-request-panel');
    await panel.getByLabel(zh.requestKinds['appointment-repair']).check();
    const sunday = addCalendarDays(nextSaturday(), 1);
    await panel.getByLabel(zh.forms.appointment.date).fill(sunday);
    const error = panel.locator('#appointment-date-error');
    await error.waitFor();
    expect(await error.textContent()).toContain(zh.forms.appointment.workingDays);
    await context.close();
  }, 60_000);
});

/** Every message a form shows when sent empty (contact name and address cleared), in the order listed, and at which field. */
async function emptyFormMessages(page: Page, lang: 'zh-CN' | 'en', choice: 'repair' | 'complaint' | 'appointment' | 'temperature-test' | 'consultation' | 'praise') {
  const t = dictionary(lang);
  await openRequestForm(page, choice);
  const panel = page.locator('#new-request-panel');
  for (const label of [t.forms.address, t.forms.contactName]) {
    const field = panel.getByLabel(label, { exact: true });
    if (await field.count()) await field.fill('');
  }
  // The service is a choice before the form's fields: chosen, so the fields' own messages show.
  if (choice === 'appointment') await panel.getByLabel(t.requestKindLabels['appointment-repair'], { exact: true }).check();
  const submitLabel = choice === 'temperature-test' ? t.forms.temperatureTest.submit : t.forms[choice].submit;
  await panel.getByRole('button', { name: submitLabel }).click();
  await panel.locator('.form-error, .notice[role="status"]').first().waitFor();
  const summary = await panel.locator('.form-error li').allTextContents();
  // Each field's own message, with the label it stands under.
  const atFields = await panel.locator('.field-error').evaluateAll((els) =>
    els.map((el) => {
      const field = el.closest('.field, fieldset');
      const label = field?.querySelector('label, legend')?.textContent ?? '';
      return `${label.trim()} → ${el.textContent}`;
    }),
  );
  return { summary, atFields };
}

describe('words a resident understands', () => {
  it('every field of every form, sent empty, says what to do in both languages, listed in the order of the fields', async () => {
    const resident = await newResident(site.url, { community: 'demo-garden' });
    const found: Record<string, unknown> = {};
    for (const lang of ['zh-CN', 'en'] as const) {
      const t = dictionary(lang);
      const context = await browser.newContext({ viewport: PHONE });
      const page = await context.newPage();
      await page.goto(site.url + (lang === 'en' ? '/en/portal/' : '/portal/'));
      await page.getByLabel(t.session.login).fill(resident.accountNumber);
      await page.getByLabel(t.session.password, { exact: true }).fill(resident.password);
      await page.getByRole('button', { name: t.session.signIn, exact: true }).click();
      await page.getByRole('button', { name: t.session.signOut }).waitFor();
      for (const choice of ['repair', 'complaint', 'appointment', 'temperature-test', 'consultation', 'praise'] as const) {
        found[`${lang} ${choice}`] = await emptyFormMessages(page, lang, choice);
      }
      await context.close();
    }
    expect(found).toEqual(EXPECTED_MESSAGES);
  }, 180_000);
});

/** Read one by one against the labels on screen (issue 21): what each field says when left empty. */
const EXPECTED_MESSAGES: Record<string, unknown> = {
  "zh-CN repair": {
    "summary": [
      "请选择故障类型。",
      "请填写地址。",
      "请填写联系人。"
    ],
    "atFields": [
      "故障类型 → 请选择故障类型。",
      "地址 → 请填写地址。",
      "联系人 → 请填写联系人。"
    ]
  },
  "zh-CN complaint": {
    "summary": [
      "请填写投诉事项。",
      "请填写您的要求。",
      "请填写地址。",
      "请填写联系人。"
    ],
    "atFields": [
      "投诉事项 → 请填写投诉事项。",
      "您的要求 → 请填写您的要求。",
      "地址 → 请填写地址。",
      "联系人 → 请填写联系人。"
    ]
  },
  "zh-CN appointment": {
    "summary": [
      "请选择上门日期。",
      "请选择时段。",
      "请填写地址。",
      "请填写联系人。"
    ],
    "atFields": [
      "上门日期 → 请选择上门日期。",
      "时段 → 请选择时段。",
      "地址 → 请填写地址。",
      "联系人 → 请填写联系人。"
    ]
  },
  "zh-CN temperature-test": {
    "summary": [
      "请填写房间名称。",
      "请填写面积。",
      "请选择日期。",
      "请填写地址。",
      "请填写联系人。"
    ],
    "atFields": [
      "房间 1 名称 → 请填写房间名称。",
      "房间 1 面积（平方米） → 请填写面积。",
      "时间 1：日期 → 请选择日期。",
      "地址 → 请填写地址。",
      "联系人 → 请填写联系人。"
    ]
  },
  "zh-CN consultation": {
    "summary": [
      "请填写您的问题。",
      "请填写联系人。"
    ],
    "atFields": [
      "您的问题 → 请填写您的问题。",
      "联系人 → 请填写联系人。"
    ]
  },
  "zh-CN praise": {
    "summary": [
      "请填写表扬内容。",
      "请填写联系人。"
    ],
    "atFields": [
      "表扬内容 → 请填写表扬内容。",
      "联系人 → 请填写联系人。"
    ]
  },
  "en repair": {
    "summary": [
      "Choose the fault.",
      "Address is required.",
      "Contact name is required."
    ],
    "atFields": [
      "Fault → Choose the fault.",
      "Address → Address is required.",
      "Contact name → Contact name is required."
    ]
  },
  "en complaint": {
    "summary": [
      "What the complaint is about is required.",
      "What you want us to do is required.",
      "Address is required.",
      "Contact name is required."
    ],
    "atFields": [
      "What the complaint is about → What the complaint is about is required.",
      "What you want us to do → What you want us to do is required.",
      "Address → Address is required.",
      "Contact name → Contact name is required."
    ]
  },
  "en appointment": {
    "summary": [
      "Choose the date of the visit.",
      "Choose the time of day.",
      "Address is required.",
      "Contact name is required."
    ],
    "atFields": [
      "Date of the visit → Choose the date of the visit.",
      "Time of day → Choose the time of day.",
      "Address → Address is required.",
      "Contact name → Contact name is required."
    ]
  },
  "en temperature-test": {
    "summary": [
      "Room name is required.",
      "Area is required.",
      "Choose the day.",
      "Address is required.",
      "Contact name is required."
    ],
    "atFields": [
      "Room 1: name → Room name is required.",
      "Room 1: floor area (m²) → Area is required.",
      "Time 1: day → Choose the day.",
      "Address → Address is required.",
      "Contact name → Contact name is required."
    ]
  },
  "en consultation": {
    "summary": [
      "Your question is required.",
      "Contact name is required."
    ],
    "atFields": [
      "Your question → Your question is required.",
      "Contact name → Contact name is required."
    ]
  },
  "en praise": {
    "summary": [
      "What you want to say is required.",
      "Contact name is required."
    ],
    "atFields": [
      "What you want to say → What you want to say is required.",
      "Contact name → Contact name is required."
    ]
  }
};
