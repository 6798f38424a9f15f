/**
 * Issue 21, item 3 ("words a resident understands everywhere"), done when: "the English and
 * Chinese messages of every form field are shown in a test and read right". In real Chromium at
 * 390×844 against the real server (with the loopback SMS provider, so the code fields show), every
 * field of every portal form is filled wrongly in each way a person can get it wrong (left empty,
 * a wrong format, a choice that does not fit), in both languages, and each message is read at its
 * field under the label on screen:
 *   - sign-in, sign-up, forgotten password, every request form, "my account", the finish form;
 *   - every message is in the table below, read one by one against the labels (a changed word
 *     fails here, to be read again);
 *   - no message holds a field id or an internal word (payload, camelCase, a vocabulary value);
 *   - the error summary lists the problems in the order of the fields on screen;
 *   - an optional field never asks to be filled;
 *   - every field with a limit takes its limit and not one character more, and its counter says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { startSite, type Site } from '../support/server';
import { startAliyunSms, type FakeAliyunSms } from '../integration/support/aliyunSms';
import { admin, signIn, type Resident } from '../support/client';
import { newResidentBySms, requestWithSteps } from './support/station';
import { PHONE, launchBrowser } from '../support/browser';
import { openRequestForm } from './support/portal';
import { dictionary, fill, type Lang } from '../../src/i18n';
import { formatDayWithWeekday } from '../../src/islands/forms/fieldValues';
import { REQUEST_KINDS } from '../../src/db/schema/requestKind';
import { REPAIR_FAULTS, DAY_SLOTS } from '../../src/db/schema/events/payloads';
import { VIEWS } from '../../src/db/schema/events/fields';
import { addCalendarDays, chinaDay, weekdayOf } from '../../src/rules/chinaTime';
import { appointmentDays, temperatureTestDays } from '../../src/rules/bookingWindows';
import type { PortalChoice } from '../../src/islands/forms/RequestForm';

const ADMIN_PASSWORD = 'e2e portal messages admin 1';
const TECHNICIAN = { name: 'tc-messages', password: 'technician pass 1' };
const DISPATCHER = { name: 'dp-messages', password: 'dispatcher pass 1' };
let sms: FakeAliyunSms;
let site: Site;
let browser: Browser;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  sms = await startAliyunSms({ templates: { SMS_500000001: '您的验证码为${code}，10分钟内有效，请勿告诉他人。' } });
  site = await startSite({ env: { ...sms.env('otp=SMS_500000001'), HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD, HEARTHLINE_SIGNUP_ANSWER_MS: '200', HEARTHLINE_PHONE_CODE_INTERVAL_SECONDS: '1' } });
  for (const [who, role] of [
    [TECHNICIAN, 'technician'],
    [DISPATCHER, 'dispatcher'],
  ] as const) {
    const made = await admin(site, ['create-staff', '--name', who.name, '--role', role, '--station', 'demo', '--password', who.password], { password: ADMIN_PASSWORD });
    if (made.code !== 0) throw new Error(made.stderr);
    cookies[who.name] = (await signIn(site.url, who.name, who.password)).cookie!;
  }
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await site?.stop();
  await sms?.close();
});


/** Each message shown at a field of `scope`, with the label (or legend) it stands under: "label → message". */
async function atFields(scope: Locator): Promise<string[]> {
  return scope.locator('.field-error').evaluateAll((els) =>
    els
      .filter((el) => (el as HTMLElement).offsetParent !== null)
      .map((el) => {
        const field = el.closest('fieldset, .field');
        const own = field?.querySelector(':scope > label, :scope > legend') ?? field?.querySelector('label, legend');
        return `${(own?.textContent ?? '').replace(/\s+/g, ' ').trim()} → ${el.textContent}`;
      }),
  );
}

/** The error summary above a form, in its order. */
const summaryOf = (scope: Locator) => scope.locator('.form-error li').allTextContents();

/** Words of the code and the data that must never reach a person in a message. */
const INTERNAL = [
  ...REQUEST_KINDS.filter((k) => k.includes('-')),
  ...REPAIR_FAULTS.filter((f) => f !== 'other' && f !== 'leak' && f !== 'valve'),
  ...VIEWS.filter((v) => v.includes('-')),
  'demo-garden',
  'demo-east',
  'payload',
  'undefined',
  'null',
  'NaN',
  'preferredDate',
  'areaM2',
  'contactTimes',
  'happenedAt',
  'staffName',
  'accountNumber',
  'phoneCode',
  'noticeVersion',
  'rq-',
  'ev-',
];
void DAY_SLOTS;
function internalWords(message: string): string[] {
  const found = INTERNAL.filter((w) => message.includes(w));
  // camelCase, dotted paths (payload.contact.name), message ids (value.required)
  const shaped = message.match(/\b[a-z]+[A-Z][A-Za-z]*\b|\b[a-z]+\.[a-z]+\b|\b[a-z]+\[\d+\]/g) ?? [];
  // An example address the message gives (name@example.cn) is meant to be read.
  return [...found, ...shaped.filter((s) => !message.includes(`@${s}`))];
}

/** The optional fields' messages (a field whose hint says "optional", or whose label does): none may ask to fill. */
async function optionalFieldErrors(scope: Locator, t: ReturnType<typeof dictionary>): Promise<string[]> {
  return scope.locator('.field, fieldset').evaluateAll(
    (fields, words) =>
      fields
        .filter((f) => {
          const own = f.querySelector(':scope > label, :scope > legend, :scope > .hint');
          const text = [...f.querySelectorAll(':scope > label, :scope > legend, :scope > .hint')].map((e) => e.textContent ?? '').join(' ');
          return own !== null && (text.includes(words.optional) || text.includes(words.optionalTitle));
        })
        .flatMap((f) => [...f.querySelectorAll(':scope > .field-error')].map((e) => e.textContent ?? '')),
    { optional: t.forms.optional, optionalTitle: t.rating.optionalTitle },
  );
}

/** Every field of `scope` with a limit takes exactly its limit: one more typed character is not taken, and the counter says the limit is reached. */
async function limitsHold(page: Page, scope: Locator, t: ReturnType<typeof dictionary>): Promise<string[]> {
  const checked: string[] = [];
  const fields = scope.locator('textarea[maxlength], input[maxlength]');
  for (let i = 0; i < (await fields.count()); i++) {
    const field = fields.nth(i);
    if (!(await field.isVisible())) continue;
    const max = Number(await field.getAttribute('maxlength'));
    const id = (await field.getAttribute('id'))!;
    await field.fill('暖'.repeat(max - 1));
    await field.press('End');
    await page.keyboard.type('气多');
    expect(await field.inputValue(), id).toHaveLength(max);
    expect(await page.locator(`#${id}-count`).textContent(), id).toBe(`${fill(t.forms.count, { n: max, max })} · ${fill(t.forms.atLimit, { max })}`);
    checked.push(`${id}:${max}`);
  }
  return checked;
}

/** What a resident can do wrong in each request form, beyond leaving it empty. */
interface FormPass {
  name: string;
  choice: PortalChoice;
  submit: (t: ReturnType<typeof dictionary>) => string;
  fill: (panel: Locator, t: ReturnType<typeof dictionary>) => Promise<void>;
}

const nextSunday = () => {
  const today = chinaDay(Date.now());
  let ahead = (7 - weekdayOf(today)) % 7;
  if (ahead < 2) ahead += 7;
  return addCalendarDays(today, ahead);
};

async function contact(panel: Locator, t: ReturnType<typeof dictionary>, values: { address?: string; name: string; phone: string }) {
  if (values.address !== undefined) await panel.getByLabel(t.forms.address, { exact: true }).fill(values.address);
  await panel.getByLabel(t.forms.contactName, { exact: true }).fill(values.name);
  await panel.getByLabel(t.forms.contactPhone, { exact: true }).fill(values.phone);
}

const EMPTY_CONTACT = { address: '', name: '', phone: '' };
const WRONG_PHONE = { address: '暖园小区 2 号楼 302', name: '赵女士', phone: '1380013800' };

const PASSES: FormPass[] = [
  { name: 'repair, empty', choice: 'repair', submit: (t) => t.forms.repair.submit, fill: (p, t) => contact(p, t, EMPTY_CONTACT) },
  {
    name: 'repair, "other" without details, a phone one digit short',
    choice: 'repair',
    submit: (t) => t.forms.repair.submit,
    fill: async (p, t) => {
      await p.getByLabel(t.forms.repair.faults.other, { exact: true }).check();
      await p.getByLabel(t.forms.repair.details, { exact: true }).fill('   ');
      await contact(p, t, WRONG_PHONE);
    },
  },
  { name: 'complaint, empty', choice: 'complaint', submit: (t) => t.forms.complaint.submit, fill: (p, t) => contact(p, t, EMPTY_CONTACT) },
  {
    name: 'complaint, blanks typed, a landline without its area code',
    choice: 'complaint',
    submit: (t) => t.forms.complaint.submit,
    fill: async (p, t) => {
      await p.getByLabel(t.forms.complaint.about, { exact: true }).fill('   ');
      await p.getByLabel(t.forms.complaint.place, { exact: true }).fill('   ');
      await p.getByLabel(t.forms.complaint.demand, { exact: true }).fill('请尽快修好');
      await contact(p, t, { ...WRONG_PHONE, phone: '6612345' });
    },
  },
  { name: 'appointment, nothing chosen', choice: 'appointment', submit: (t) => t.forms.appointment.submit, fill: (p, t) => contact(p, t, EMPTY_CONTACT) },
  {
    name: 'appointment, a service chosen, nothing else',
    choice: 'appointment',
    submit: (t) => t.forms.appointment.submit,
    fill: async (p, t) => {
      await p.getByLabel(t.requestKindLabels['appointment-repair'], { exact: true }).check();
      await contact(p, t, EMPTY_CONTACT);
    },
  },
  {
    name: 'appointment, a Sunday for a working-day service',
    choice: 'appointment',
    submit: (t) => t.forms.appointment.submit,
    fill: async (p, t) => {
      await p.getByLabel(t.requestKindLabels['appointment-repair'], { exact: true }).check();
      await p.getByLabel(t.forms.appointment.date, { exact: true }).fill(nextSunday());
      await p.getByLabel(fill(t.forms.appointment.slots.morning, { from: '08:00', to: '12:00' })).check();
      await contact(p, t, WRONG_PHONE);
    },
  },
  { name: 'temperature test, empty', choice: 'temperature-test', submit: (t) => t.forms.temperatureTest.submit, fill: (p, t) => contact(p, t, EMPTY_CONTACT) },
  {
    name: 'temperature test, areas of letters and 0, a time before 8:00 and one that ends before it starts (the schema problems first)',
    choice: 'temperature-test',
    submit: (t) => t.forms.temperatureTest.submit,
    fill: async (p, t) => {
      const tt = t.forms.temperatureTest;
      await p.getByLabel(fill(tt.roomName, { n: 1 }), { exact: true }).fill('客厅');
      await p.getByLabel(fill(tt.roomArea, { n: 1 }), { exact: true }).fill('二十');
      await p.getByRole('button', { name: tt.addRoom }).click();
      await p.getByLabel(fill(tt.roomName, { n: 2 }), { exact: true }).fill('主卧');
      await p.getByLabel(fill(tt.roomArea, { n: 2 }), { exact: true }).fill('0');
      const [today, tomorrow] = temperatureTestDays(Date.now());
      await p.getByLabel(fill(tt.slotDate, { n: 1 }), { exact: true }).selectOption(tomorrow!);
      await p.locator('[id$="-slot-0-from"]').fill('07:00');
      await p.locator('[id$="-slot-0-to"]').fill('09:00');
      await p.getByRole('button', { name: tt.addSlot }).click();
      await p.getByLabel(fill(tt.slotDate, { n: 2 }), { exact: true }).selectOption(addCalendarDays(today!, 2));
      await p.locator('[id$="-slot-1-from"]').fill('15:00');
      await p.locator('[id$="-slot-1-to"]').fill('14:00');
      await contact(p, t, WRONG_PHONE);
    },
  },
  {
    name: 'temperature test, a time before 8:00, all else right',
    choice: 'temperature-test',
    submit: (t) => t.forms.temperatureTest.submit,
    fill: async (p, t) => {
      await p.getByLabel(fill(t.forms.temperatureTest.roomArea, { n: 1 }), { exact: true }).fill('20');
      await p.getByLabel(fill(t.forms.temperatureTest.roomArea, { n: 2 }), { exact: true }).fill('12.5');
      await p.locator('[id$="-slot-1-from"]').fill('10:00');
      await p.locator('[id$="-slot-1-to"]').fill('11:00');
      await contact(p, t, { ...WRONG_PHONE, phone: '13800138000' });
    },
  },
  { name: 'consultation, empty', choice: 'consultation', submit: (t) => t.forms.consultation.submit, fill: (p, t) => contact(p, t, { name: '', phone: '' }) },
  {
    name: 'consultation, a phone with letters',
    choice: 'consultation',
    submit: (t) => t.forms.consultation.submit,
    fill: async (p, t) => {
      await p.getByLabel(t.forms.consultation.text, { exact: true }).fill('今年几号开始供暖？');
      await contact(p, t, { name: '赵女士', phone: '138abc' });
    },
  },
  { name: 'suggestion, empty', choice: 'suggestion', submit: (t) => t.forms.suggestion.submit, fill: (p, t) => contact(p, t, { name: '', phone: '' }) },
  { name: 'praise, empty', choice: 'praise', submit: (t) => t.forms.praise.submit, fill: (p, t) => contact(p, t, { name: '', phone: '' }) },
];

interface Shown {
  atFields: string[];
  summary?: string[];
}

async function requestFormPass(page: Page, pass: FormPass, t: ReturnType<typeof dictionary>): Promise<Shown> {
  // Opened afresh (what was typed comes back from the draft), so no message of the last pass is read as this one's.
  const button = page.locator(`.new-request [data-choice="${pass.choice}"]`);
  if ((await button.getAttribute('aria-pressed')) === 'true') await button.click();
  await openRequestForm(page, pass.choice);
  const panel = page.locator('#new-request-panel');
  await pass.fill(panel, t);
  await panel.getByRole('button', { name: pass.submit(t), exact: true }).click();
  await panel.locator('.form-error, .notice[role="status"]').first().waitFor();
  const shown = { atFields: await atFields(panel), summary: await summaryOf(panel) };
  // The summary lists what the fields say, in the fields' order on screen.
  expect.soft(shown.summary, `${pass.name}: summary in field order`).toEqual(shown.atFields.map((line) => line.split(' → ')[1]));
  expect.soft(await optionalFieldErrors(panel, t), `${pass.name}: an optional field asks to be filled`).toEqual([]);
  return shown;
}

/** A repair of the resident's, worked by the station up to "resolved": the finish form waits. */
function repairAwaitingFinish(who: Resident): Promise<string> {
  return requestWithSteps(
    site,
    who,
    'repair',
    [
      ['accepted', DISPATCHER.name, 'dispatcher'],
      ['dispatched', DISPATCHER.name, 'dispatcher', { technician: TECHNICIAN.name, technicianName: '张师傅', visitAt: new Date(Date.now() + 3_600_000).toISOString() }],
      ['arrived', TECHNICIAN.name, 'technician'],
      ['resolved', TECHNICIAN.name, 'technician', { summary: '排气后恢复正常' }],
    ],
    (login) => cookies[login]!,
  );
}

async function everyMessage(lang: Lang, who: Resident, finishRequestId: string): Promise<Record<string, Shown>> {
  const t = dictionary(lang);
  const found: Record<string, Shown> = {};
  const context = await browser.newContext({ viewport: PHONE });
  const page = await context.newPage();
  await page.goto(site.url + (lang === 'en' ? '/en/portal/' : '/portal/'));

  // Sign-in, nothing typed.
  const signInForm = page.locator('form.sign-in');
  await signInForm.getByRole('button', { name: t.session.signIn, exact: true }).click();
  await signInForm.locator('.field-error').first().waitFor();
  found['sign-in, empty'] = { atFields: await atFields(signInForm) };

  // Sign-up: nothing, then every field wrong.
  await page.getByRole('button', { name: t.signup.noAccount }).click();
  const signUp = page.locator('form.sign-up');
  await signUp.locator('#sign-up-phoneCode').waitFor();
  await signUp.locator('#sign-up-community option:nth-child(2)').waitFor({ state: 'attached' });
  await signUp.getByRole('button', { name: t.signup.submit }).click();
  await signUp.locator('.field-error').first().waitFor();
  found['sign-up, empty'] = { atFields: await atFields(signUp) };
  await signUp.getByLabel(t.signup.accountNumber, { exact: true }).fill('8800 01');
  await signUp.getByLabel(t.signup.phone, { exact: true }).fill('23800000001');
  await signUp.getByLabel(t.phoneCode.label, { exact: true }).fill('12345');
  await signUp.getByLabel(t.signup.password, { exact: true }).fill('short');
  await signUp.getByRole('button', { name: t.signup.submit }).click();
  await expect.poll(() => atFields(signUp)).not.toEqual(found['sign-up, empty']!.atFields);
  found['sign-up, each typed wrong'] = { atFields: await atFields(signUp) };
  // "Send code" checks the account number and phone first.
  await signUp.getByRole('button', { name: t.phoneCode.send }).click();
  found['sign-up, a code asked for a wrong phone'] = { atFields: await atFields(signUp) };
  await page.getByRole('button', { name: t.signup.haveAccount }).click();

  // Forgotten password: nothing, then every field wrong.
  await page.getByRole('button', { name: t.forgot.link }).click();
  const forgot = page.locator('.forgot-password form');
  await forgot.getByRole('button', { name: t.forgot.submit }).click();
  await forgot.locator('.field-error').first().waitFor();
  found['forgotten password, empty'] = { atFields: await atFields(forgot) };
  await forgot.getByLabel(t.signup.accountNumber, { exact: true }).fill('abc');
  await forgot.getByLabel(t.signup.phone, { exact: true }).fill('138');
  await forgot.getByLabel(t.phoneCode.label, { exact: true }).fill('1234567');
  await forgot.getByLabel(t.forgot.newPassword, { exact: true }).fill('1234');
  await forgot.getByRole('button', { name: t.forgot.submit }).click();
  // Checked on the device as it is sent (the same schema as the server's): the messages are there at once.
  found['forgotten password, each typed wrong'] = { atFields: await atFields(forgot) };
  await page.getByRole('button', { name: t.forgot.back }).click();

  // Signed in: every request form, empty and wrong; each limit.
  await page.getByLabel(t.session.login).fill(who.accountNumber);
  await page.getByLabel(t.session.password, { exact: true }).fill(who.password);
  await page.getByRole('button', { name: t.session.signIn, exact: true }).click();
  await page.getByRole('button', { name: t.session.signOut }).waitFor();
  for (const pass of PASSES) found[pass.name] = await requestFormPass(page, pass, t);
  // A repair's contact times: at most three, the fourth cannot be chosen.
  await openRequestForm(page, 'repair');
  const times = page.locator('#new-request-panel [id$="-times"] input[type="checkbox"]');
  for (let i = 0; i < 3; i++) await times.nth(i).check();
  expect(await times.nth(3).isDisabled()).toBe(true);
  const limits: string[] = [];
  for (const choice of ['repair', 'complaint', 'appointment', 'temperature-test', 'consultation', 'suggestion', 'praise'] as const) {
    await openRequestForm(page, choice);
    if (choice === 'appointment') await page.locator('#new-request-panel').getByLabel(t.requestKindLabels['appointment-repair'], { exact: true }).check();
    if (choice === 'repair') await page.locator('#new-request-panel').getByLabel(t.forms.repair.faults.other, { exact: true }).check();
    limits.push(...(await limitsHold(page, page.locator('#new-request-panel'), t)));
  }
  expect(limits).toEqual([
    'repair-details:500',
    'repair-address:200',
    'repair-contact-name:60',
    'complaint-about:500',
    'complaint-place:200',
    'complaint-demand:500',
    'complaint-address:200',
    'complaint-contact-name:60',
    'appointment-note:500',
    'appointment-address:200',
    'appointment-contact-name:60',
    'temperature-test-room-0-name:60',
    'temperature-test-room-1-name:60',
    'temperature-test-address:200',
    'temperature-test-contact-name:60',
    'consultation-text:500',
    'consultation-contact-name:60',
    'suggestion-text:500',
    'suggestion-contact-name:60',
    'praise-text:500',
    'praise-staff:60',
    'praise-contact-name:60',
  ]);

  // My account: a phone, an e-mail address, e-mail chosen without one; the limits.
  const account = page.locator('.my-account');
  await account.getByRole('button', { name: t.account.edit }).click();
  const accountForm = account.locator('form');
  let said: string[] = [];
  const save = async () => {
    await accountForm.getByRole('button', { name: t.account.save }).click();
    // The server answers (the profile is the server's): read once the message is this pass's.
    await expect.poll(() => atFields(accountForm), { timeout: 15_000 }).not.toEqual(said);
    said = await atFields(accountForm);
    return { atFields: await atFields(accountForm), summary: await accountForm.locator('.form-error').allTextContents() };
  };
  await accountForm.getByLabel(t.account.phone, { exact: true }).fill('1380013800');
  found['my account, a phone one digit short'] = await save();
  await accountForm.getByLabel(t.account.phone, { exact: true }).fill(who.phone);
  await accountForm.getByLabel(t.account.email, { exact: true }).fill('zhao at example.cn');
  found['my account, an e-mail address without @'] = await save();
  await accountForm.getByLabel(t.account.email, { exact: true }).fill('');
  await accountForm.getByLabel(t.account.channelEmail, { exact: true }).check();
  found['my account, e-mail chosen, no address'] = await save();
  expect(await limitsHold(page, accountForm, t)).toEqual(['account-contact-name:60', 'account-address:200', 'account-email:254']);
  await accountForm.getByRole('button', { name: t.account.cancel }).click();

  // The finish form of a repair the station resolved.
  const row = page.locator(`.request[data-request="${finishRequestId}"]`);
  await row.waitFor({ timeout: 30_000 });
  await row.locator('summary').first().click();
  const finish = row.locator('form.finish');
  await finish.waitFor({ timeout: 30_000 });
  let before: string[] = [];
  const send = async (label: string) => {
    await finish.getByRole('button', { name: label, exact: true }).click();
    // Each pass says something else than the one before: read once it does.
    await expect.poll(() => atFields(finish)).not.toEqual(before);
    before = await atFields(finish);
    const shown = { atFields: await atFields(finish), summary: await summaryOf(finish) };
    expect.soft(shown.summary, 'finish: summary in field order').toEqual(shown.atFields.map((line) => line.split(' → ')[1]));
    expect.soft(await optionalFieldErrors(finish, t), 'finish: an optional field asks to be filled').toEqual([]);
    return shown;
  };
  found['finish, nothing chosen'] = await send(t.completion.finishSubmit);
  await finish.getByLabel(t.completion.solvedSign, { exact: true }).check();
  await finish.getByLabel(t.rating.attitude, { exact: true }).selectOption('9');
  found['finish, solved without a signature, one score of two'] = await send(t.completion.finishSubmit);
  await finish.getByLabel(t.completion.notSolved, { exact: true }).check();
  await finish.getByLabel(t.rating.attitude, { exact: true }).selectOption('');
  found['finish, not solved, nothing said'] = await send(t.completion.reopenSubmit);
  expect(await limitsHold(page, finish, t)).toEqual([expect.stringMatching(/-reason:500$/)]);

  await context.close();
  return found;
}

describe('every message of every portal form field', () => {
  it('in Chinese and English, at its field, read against the labels on screen, in field order, no internal words', async () => {
    const who = await newResidentBySms(site, sms);
    const shown: Record<string, Record<string, Shown>> = {};
    for (const lang of ['zh-CN', 'en'] as const) shown[lang] = await everyMessage(lang, who, await repairAwaitingFinish(who));
    // No field id or internal word in any message.
    const all = Object.values(shown).flatMap((byForm) => Object.values(byForm).flatMap((s) => [...s.atFields.map((l) => l.split(' → ')[1]!), ...(s.summary ?? [])]));
    expect(all.flatMap((m) => internalWords(m).map((w) => `${w} in "${m}"`))).toEqual([]);
    // The days offered move with the date: the table holds {first} and {last}, filled in here.
    const offered = appointmentDays('appointment-repair', Date.now());
    const expected = JSON.parse(JSON.stringify(EXPECTED), (_, value: unknown) =>
      typeof value === 'string' && value.includes('{first}')
        ? fill(value, { first: formatDayWithWeekday(/[\u4e00-\u9fff]/.test(value) ? 'zh-CN' : 'en', offered[0]!), last: formatDayWithWeekday(/[\u4e00-\u9fff]/.test(value) ? 'zh-CN' : 'en', offered.at(-1)!) })
        : value,
    );
    expect(shown).toEqual(expected);
  }, 600_000);
});

/** Read one by one against the labels on screen (issue 21, item 3). */
const EXPECTED: Record<string, Record<string, Shown>> = {
  "zh-CN": {
    "sign-in, empty": {
      "atFields": [
        "账户号或工号 → 请填写账户号或工号。",
        "密码 → 请填写密码。"
      ]
    },
    "sign-up, empty": {
      "atFields": [
        "供热账户号（8–12 位数字） → 请填写供热账户号（8–12 位数字）。",
        "手机号 → 请填写手机号。",
        "短信验证码 → 请填写发送到此手机的 6 位验证码。",
        "密码（至少 8 位） → 请填写密码（至少 8 位）。",
        "所在小区 → 请从列表中选择您所在的小区。",
        "我已阅读并同意 个人信息保护说明 → 需要同意个人信息保护说明才能注册。"
      ]
    },
    "sign-up, each typed wrong": {
      "atFields": [
        "供热账户号（8–12 位数字） → 供热账户号是 8 到 12 位数字。",
        "手机号 → 请填写 11 位中国大陆手机号。",
        "短信验证码 → 验证码是短信中的 6 位数字。",
        "密码（至少 8 位） → 密码至少需要 8 个字符。",
        "所在小区 → 请从列表中选择您所在的小区。",
        "我已阅读并同意 个人信息保护说明 → 需要同意个人信息保护说明才能注册。"
      ]
    },
    "sign-up, a code asked for a wrong phone": {
      "atFields": [
        "供热账户号（8–12 位数字） → 供热账户号是 8 到 12 位数字。",
        "手机号 → 请填写 11 位中国大陆手机号。"
      ]
    },
    "forgotten password, empty": {
      "atFields": [
        "供热账户号（8–12 位数字） → 请填写供热账户号（8–12 位数字）。",
        "手机号 → 请填写手机号。",
        "短信验证码 → 请填写短信验证码。",
        "新密码（至少 8 位） → 请填写新密码（至少 8 位）。"
      ]
    },
    "forgotten password, each typed wrong": {
      "atFields": [
        "供热账户号（8–12 位数字） → 供热账户号是 8 到 12 位数字。",
        "手机号 → 请填写 11 位中国大陆手机号。",
        "短信验证码 → 验证码是短信中的 6 位数字。",
        "新密码（至少 8 位） → 密码至少需要 8 个字符。"
      ]
    },
    "repair, empty": {
      "atFields": [
        "故障类型 → 请选择故障类型。",
        "地址 → 请填写地址。",
        "联系人 → 请填写联系人。",
        "联系电话 → 请填写联系电话。"
      ],
      "summary": [
        "请选择故障类型。",
        "请填写地址。",
        "请填写联系人。",
        "请填写联系电话。"
      ]
    },
    "repair, \"other\" without details, a phone one digit short": {
      "atFields": [
        "情况说明 → 故障类型为“其他”时须填写情况说明。",
        "联系电话 → 联系电话必须是 11 位手机号或带区号的固定电话。"
      ],
      "summary": [
        "故障类型为“其他”时须填写情况说明。",
        "联系电话必须是 11 位手机号或带区号的固定电话。"
      ]
    },
    "complaint, empty": {
      "atFields": [
        "投诉事项 → 请填写投诉事项。",
        "您的要求 → 请填写您的要求。",
        "地址 → 请填写地址。",
        "联系人 → 请填写联系人。",
        "联系电话 → 请填写联系电话。"
      ],
      "summary": [
        "请填写投诉事项。",
        "请填写您的要求。",
        "请填写地址。",
        "请填写联系人。",
        "请填写联系电话。"
      ]
    },
    "complaint, blanks typed, a landline without its area code": {
      "atFields": [
        "投诉事项 → 请填写投诉事项。",
        "联系电话 → 联系电话必须是 11 位手机号或带区号的固定电话。"
      ],
      "summary": [
        "请填写投诉事项。",
        "联系电话必须是 11 位手机号或带区号的固定电话。"
      ]
    },
    "appointment, nothing chosen": {
      "atFields": [
        "服务项目 → 请选择服务项目。"
      ],
      "summary": [
        "请选择服务项目。"
      ]
    },
    "appointment, a service chosen, nothing else": {
      "atFields": [
        "上门日期 → 请选择上门日期。",
        "时段 → 请选择时段。",
        "地址 → 请填写地址。",
        "联系人 → 请填写联系人。",
        "联系电话 → 请填写联系电话。"
      ],
      "summary": [
        "请选择上门日期。",
        "请选择时段。",
        "请填写地址。",
        "请填写联系人。",
        "请填写联系电话。"
      ]
    },
    "appointment, a Sunday for a working-day service": {
      "atFields": [
        "上门日期 → 这一天不能预约：请选 {first} 至 {last} 之间的工作日（不含周末和节假日）。",
        "联系电话 → 联系电话必须是 11 位手机号或带区号的固定电话。"
      ],
      "summary": [
        "这一天不能预约：请选 {first} 至 {last} 之间的工作日（不含周末和节假日）。",
        "联系电话必须是 11 位手机号或带区号的固定电话。"
      ]
    },
    "temperature test, empty": {
      "atFields": [
        "房间 1 名称 → 请填写房间名称。",
        "房间 1 面积（平方米） → 请填写面积。",
        "时间 1：日期 → 请选择日期。",
        "地址 → 请填写地址。",
        "联系人 → 请填写联系人。",
        "联系电话 → 请填写联系电话。"
      ],
      "summary": [
        "请填写房间名称。",
        "请填写面积。",
        "请选择日期。",
        "请填写地址。",
        "请填写联系人。",
        "请填写联系电话。"
      ]
    },
    "temperature test, areas of letters and 0, a time before 8:00 and one that ends before it starts (the schema problems first)": {
      "atFields": [
        "房间 1 面积（平方米） → 面积必须是数字。",
        "房间 2 面积（平方米） → 面积必须大于 0 ㎡且不超过 1000 ㎡。",
        "结束时间 → 结束时间必须晚于开始时间。",
        "联系电话 → 联系电话必须是 11 位手机号或带区号的固定电话。"
      ],
      "summary": [
        "面积必须是数字。",
        "面积必须大于 0 ㎡且不超过 1000 ㎡。",
        "结束时间必须晚于开始时间。",
        "联系电话必须是 11 位手机号或带区号的固定电话。"
      ]
    },
    "temperature test, a time before 8:00, all else right": {
      "atFields": [
        "开始时间 → 开始时间须在入户服务时间 08:00–20:00 之内。"
      ],
      "summary": [
        "开始时间须在入户服务时间 08:00–20:00 之内。"
      ]
    },
    "consultation, empty": {
      "atFields": [
        "您的问题 → 请填写您的问题。",
        "联系人 → 请填写联系人。",
        "联系电话 → 请填写联系电话。"
      ],
      "summary": [
        "请填写您的问题。",
        "请填写联系人。",
        "请填写联系电话。"
      ]
    },
    "consultation, a phone with letters": {
      "atFields": [
        "联系电话 → 联系电话必须是 11 位手机号或带区号的固定电话。"
      ],
      "summary": [
        "联系电话必须是 11 位手机号或带区号的固定电话。"
      ]
    },
    "suggestion, empty": {
      "atFields": [
        "您的建议 → 请填写您的建议。",
        "联系人 → 请填写联系人。",
        "联系电话 → 请填写联系电话。"
      ],
      "summary": [
        "请填写您的建议。",
        "请填写联系人。",
        "请填写联系电话。"
      ]
    },
    "praise, empty": {
      "atFields": [
        "表扬内容 → 请填写表扬内容。",
        "联系人 → 请填写联系人。",
        "联系电话 → 请填写联系电话。"
      ],
      "summary": [
        "请填写表扬内容。",
        "请填写联系人。",
        "请填写联系电话。"
      ]
    },
    "my account, a phone one digit short": {
      "atFields": [
        "联系电话 → 请填写 11 位中国大陆手机号。"
      ],
      "summary": [
        "请填写 11 位中国大陆手机号。"
      ]
    },
    "my account, an e-mail address without @": {
      "atFields": [
        "电子邮箱 → 请填写有效的电子邮箱，例如 name@example.cn。"
      ],
      "summary": [
        "请填写有效的电子邮箱，例如 name@example.cn。"
      ]
    },
    "my account, e-mail chosen, no address": {
      "atFields": [
        "电子邮箱 → 选择邮件通知，请填写电子邮箱。"
      ],
      "summary": [
        "选择邮件通知，请填写电子邮箱。"
      ]
    },
    "finish, nothing chosen": {
      "atFields": [
        "问题解决了吗？ → 请选择问题是否已解决。"
      ],
      "summary": [
        "请选择问题是否已解决。"
      ]
    },
    "finish, solved without a signature, one score of two": {
      "atFields": [
        "签名 → 请先签名：在框内手写，或输入姓名后按“用输入的姓名签名”。",
        "专业能力（1–10 分） → 请选择“专业能力（1–10 分）”：打分要四项都选，或者都不选。",
        "上门时间 → 请选择“上门时间”：打分要四项都选，或者都不选。",
        "遵守承诺 → 请选择“遵守承诺”：打分要四项都选，或者都不选。"
      ],
      "summary": [
        "请先签名：在框内手写，或输入姓名后按“用输入的姓名签名”。",
        "请选择“专业能力（1–10 分）”：打分要四项都选，或者都不选。",
        "请选择“上门时间”：打分要四项都选，或者都不选。",
        "请选择“遵守承诺”：打分要四项都选，或者都不选。"
      ]
    },
    "finish, not solved, nothing said": {
      "atFields": [
        "还有什么问题？ → 请写下还有什么问题，服务站好安排处理。"
      ],
      "summary": [
        "请写下还有什么问题，服务站好安排处理。"
      ]
    }
  },
  "en": {
    "sign-in, empty": {
      "atFields": [
        "Account number or user name → Account number or user name is required.",
        "Password → Password is required."
      ]
    },
    "sign-up, empty": {
      "atFields": [
        "Heating account number (8–12 digits) → Heating account number (8–12 digits) is required.",
        "Mobile phone → Mobile phone is required.",
        "Code from the text message → Enter the 6-digit code we sent to this phone.",
        "Password (at least 8 characters) → Password (at least 8 characters) is required.",
        "Your community → Choose your community from the list.",
        "I have read and accept the privacy notice → You must accept the privacy notice to create an account."
      ]
    },
    "sign-up, each typed wrong": {
      "atFields": [
        "Heating account number (8–12 digits) → The account number is 8 to 12 digits.",
        "Mobile phone → Enter a mainland China mobile number: 11 digits starting with 1.",
        "Code from the text message → The code is the 6 digits of the text message.",
        "Password (at least 8 characters) → The password needs at least 8 characters.",
        "Your community → Choose your community from the list.",
        "I have read and accept the privacy notice → You must accept the privacy notice to create an account."
      ]
    },
    "sign-up, a code asked for a wrong phone": {
      "atFields": [
        "Heating account number (8–12 digits) → The account number is 8 to 12 digits.",
        "Mobile phone → Enter a mainland China mobile number: 11 digits starting with 1."
      ]
    },
    "forgotten password, empty": {
      "atFields": [
        "Heating account number (8–12 digits) → Heating account number (8–12 digits) is required.",
        "Mobile phone → Mobile phone is required.",
        "Code from the text message → Code from the text message is required.",
        "New password (at least 8 characters) → New password (at least 8 characters) is required."
      ]
    },
    "forgotten password, each typed wrong": {
      "atFields": [
        "Heating account number (8–12 digits) → The account number is 8 to 12 digits.",
        "Mobile phone → Enter a mainland China mobile number: 11 digits starting with 1.",
        "Code from the text message → The code is the 6 digits of the text message.",
        "New password (at least 8 characters) → The password needs at least 8 characters."
      ]
    },
    "repair, empty": {
      "atFields": [
        "Fault → Choose the fault.",
        "Address → Address is required.",
        "Contact name → Contact name is required.",
        "Contact phone → Contact phone is required."
      ],
      "summary": [
        "Choose the fault.",
        "Address is required.",
        "Contact name is required.",
        "Contact phone is required."
      ]
    },
    "repair, \"other\" without details, a phone one digit short": {
      "atFields": [
        "Details → When the fault is “Other”, details must be filled in.",
        "Contact phone → Contact phone must be a mobile number (11 digits starting with 1) or a landline with its area code."
      ],
      "summary": [
        "When the fault is “Other”, details must be filled in.",
        "Contact phone must be a mobile number (11 digits starting with 1) or a landline with its area code."
      ]
    },
    "complaint, empty": {
      "atFields": [
        "What the complaint is about → What the complaint is about is required.",
        "What you want us to do → What you want us to do is required.",
        "Address → Address is required.",
        "Contact name → Contact name is required.",
        "Contact phone → Contact phone is required."
      ],
      "summary": [
        "What the complaint is about is required.",
        "What you want us to do is required.",
        "Address is required.",
        "Contact name is required.",
        "Contact phone is required."
      ]
    },
    "complaint, blanks typed, a landline without its area code": {
      "atFields": [
        "What the complaint is about → What the complaint is about is required.",
        "Contact phone → Contact phone must be a mobile number (11 digits starting with 1) or a landline with its area code."
      ],
      "summary": [
        "What the complaint is about is required.",
        "Contact phone must be a mobile number (11 digits starting with 1) or a landline with its area code."
      ]
    },
    "appointment, nothing chosen": {
      "atFields": [
        "Service → Choose a service."
      ],
      "summary": [
        "Choose a service."
      ]
    },
    "appointment, a service chosen, nothing else": {
      "atFields": [
        "Date of the visit → Choose the date of the visit.",
        "Time of day → Choose the time of day.",
        "Address → Address is required.",
        "Contact name → Contact name is required.",
        "Contact phone → Contact phone is required."
      ],
      "summary": [
        "Choose the date of the visit.",
        "Choose the time of day.",
        "Address is required.",
        "Contact name is required.",
        "Contact phone is required."
      ]
    },
    "appointment, a Sunday for a working-day service": {
      "atFields": [
        "Date of the visit → We cannot come that day: choose a working day (not a weekend or public holiday) from {first} to {last}.",
        "Contact phone → Contact phone must be a mobile number (11 digits starting with 1) or a landline with its area code."
      ],
      "summary": [
        "We cannot come that day: choose a working day (not a weekend or public holiday) from {first} to {last}.",
        "Contact phone must be a mobile number (11 digits starting with 1) or a landline with its area code."
      ]
    },
    "temperature test, empty": {
      "atFields": [
        "Room 1: name → Room name is required.",
        "Room 1: floor area (m²) → Area is required.",
        "Time 1: day → Choose the day.",
        "Address → Address is required.",
        "Contact name → Contact name is required.",
        "Contact phone → Contact phone is required."
      ],
      "summary": [
        "Room name is required.",
        "Area is required.",
        "Choose the day.",
        "Address is required.",
        "Contact name is required.",
        "Contact phone is required."
      ]
    },
    "temperature test, areas of letters and 0, a time before 8:00 and one that ends before it starts (the schema problems first)": {
      "atFields": [
        "Room 1: floor area (m²) → Area must be a number.",
        "Room 2: floor area (m²) → Area must be more than 0 m² and at most 1000 m².",
        "End time → End time must be later than the start.",
        "Contact phone → Contact phone must be a mobile number (11 digits starting with 1) or a landline with its area code."
      ],
      "summary": [
        "Area must be a number.",
        "Area must be more than 0 m² and at most 1000 m².",
        "End time must be later than the start.",
        "Contact phone must be a mobile number (11 digits starting with 1) or a landline with its area code."
      ]
    },
    "temperature test, a time before 8:00, all else right": {
      "atFields": [
        "Start time → Start time must be between 08:00 and 20:00, the hours we visit homes."
      ],
      "summary": [
        "Start time must be between 08:00 and 20:00, the hours we visit homes."
      ]
    },
    "consultation, empty": {
      "atFields": [
        "Your question → Your question is required.",
        "Contact name → Contact name is required.",
        "Contact phone → Contact phone is required."
      ],
      "summary": [
        "Your question is required.",
        "Contact name is required.",
        "Contact phone is required."
      ]
    },
    "consultation, a phone with letters": {
      "atFields": [
        "Contact phone → Contact phone must be a mobile number (11 digits starting with 1) or a landline with its area code."
      ],
      "summary": [
        "Contact phone must be a mobile number (11 digits starting with 1) or a landline with its area code."
      ]
    },
    "suggestion, empty": {
      "atFields": [
        "Your suggestion → Your suggestion is required.",
        "Contact name → Contact name is required.",
        "Contact phone → Contact phone is required."
      ],
      "summary": [
        "Your suggestion is required.",
        "Contact name is required.",
        "Contact phone is required."
      ]
    },
    "praise, empty": {
      "atFields": [
        "What you want to say → What you want to say is required.",
        "Contact name → Contact name is required.",
        "Contact phone → Contact phone is required."
      ],
      "summary": [
        "What you want to say is required.",
        "Contact name is required.",
        "Contact phone is required."
      ]
    },
    "my account, a phone one digit short": {
      "atFields": [
        "Phone → Enter a mainland China mobile number: 11 digits starting with 1."
      ],
      "summary": [
        "Enter a mainland China mobile number: 11 digits starting with 1."
      ]
    },
    "my account, an e-mail address without @": {
      "atFields": [
        "E-mail address → Enter an e-mail address like name@example.cn."
      ],
      "summary": [
        "Enter an e-mail address like name@example.cn."
      ]
    },
    "my account, e-mail chosen, no address": {
      "atFields": [
        "E-mail address → To be told by e-mail, enter your e-mail address."
      ],
      "summary": [
        "To be told by e-mail, enter your e-mail address."
      ]
    },
    "finish, nothing chosen": {
      "atFields": [
        "Is the problem solved? → Choose whether the problem is solved."
      ],
      "summary": [
        "Choose whether the problem is solved."
      ]
    },
    "finish, solved without a signature, one score of two": {
      "atFields": [
        "Signature → Please sign first: draw in the box, or type your name and press “Sign with the typed name”.",
        "Professional ability (1–10) → Choose “Professional ability (1–10)”: rate all four, or none.",
        "Arrival time → Choose “Arrival time”: rate all four, or none.",
        "Keeping promises → Choose “Keeping promises”: rate all four, or none."
      ],
      "summary": [
        "Please sign first: draw in the box, or type your name and press “Sign with the typed name”.",
        "Choose “Professional ability (1–10)”: rate all four, or none.",
        "Choose “Arrival time”: rate all four, or none.",
        "Choose “Keeping promises”: rate all four, or none."
      ]
    },
    "finish, not solved, nothing said": {
      "atFields": [
        "What is still wrong? → Say what is still wrong, so the station knows what to fix."
      ],
      "summary": [
        "Say what is still wrong, so the station knows what to fix."
      ]
    }
  }
};
