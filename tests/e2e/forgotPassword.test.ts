/**
 * The forgotten password in real Chromium on a 390×844 phone, against the real server and the
 * loopback Alibaba Cloud SMS endpoint: by keyboard alone, "forgot password?" under the sign-in,
 * the account number and phone checked on the device (in Chinese, at the fields), a code texted
 * to the phone, a wrong code refused at its field, the right one sets the new password and signs
 * the resident in. Then the sign-up form with its code field. Screenshots of both screens in both
 * languages go to test-results/ (for a person to look at; nothing is compared).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { REPO_ROOT, startSite, type Site } from '../support/server';
import { startAliyunSms, type FakeAliyunSms } from '../integration/support/aliyunSms';
import { registerCustomer, request, signupBody } from '../support/client';
import { PHONE, checkAccessibility, formatViolations, launchBrowser } from '../support/browser';
import { dictionary, fill } from '../../src/i18n';

const zh = dictionary('zh-CN');
const en = dictionary('en');
const SHOTS = path.join(REPO_ROOT, 'test-results');
let sms: FakeAliyunSms;
let site: Site;
let browser: Browser;

beforeAll(async () => {
  sms = await startAliyunSms({ templates: { SMS_400000001: '您的验证码为${code}，10分钟内有效，请勿告诉他人。' } });
  site = await startSite({
    env: { ...sms.env('otp=SMS_400000001'), HEARTHLINE_ADMIN_PASSWORD: 'e2e forgot admin 1', HEARTHLINE_SIGNUP_ANSWER_MS: '200', HEARTHLINE_PHONE_CODE_INTERVAL_SECONDS: '1' },
  });
  browser = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await site?.stop();
  await sms?.close();
});

/** A resident signed up (through the API) with the code texted to the phone on file. */
async function resident() {
  const body = signupBody();
  const accountNumber = String(body.accountNumber);
  const phone = String(body.phone);
  await registerCustomer(site.url, { accountNumber, phones: [phone], station: 'demo', community: 'demo-garden' });
  const since = sms.messages.length;
  expect((await request(site.url, 'POST', '/api/signup/code', { accountNumber, phone })).status).toBe(202);
  const code = (await sms.waitForMessage(phone, since)).code;
  expect((await request(site.url, 'POST', '/api/signup', { ...body, phoneCode: code })).status).toBe(202);
  return { accountNumber, phone, password: String(body.password) };
}

/** Presses Tab until `selector` has the focus (bounded), as a keyboard user would. */
async function tabTo(page: Page, selector: string) {
  for (let i = 0; i < 30; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

describe('forgotten password on a phone', () => {
  it('by keyboard: a code to the phone, a wrong code refused at its field, the right one sets the password and signs in', async () => {
    const r = await resident();
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto(site.url + '/portal/');
    await page.getByRole('button', { name: zh.forgot.link }).waitFor();
    await page.locator('body').press('Tab');
    await tabTo(page, '.forgot-link button');
    await page.keyboard.press('Enter');
    const screen = page.locator('.forgot-password');
    await screen.getByRole('heading', { name: zh.forgot.title }).waitFor();

    // Asking for a code with nothing typed: the device says what is wrong, at the fields, in Chinese.
    await tabTo(page, '.forgot-password .phone-code-send button');
    await page.keyboard.press('Enter');
    await expect.poll(() => screen.locator('#forgot-accountNumber-error').textContent()).toBe(fill(zh.session.required, { field: zh.signup.accountNumber }));
    expect(await screen.locator('#forgot-phone-error').textContent()).toBe(fill(zh.session.required, { field: zh.signup.phone }));
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('forgot-accountNumber');

    await page.keyboard.type(r.accountNumber);
    await page.keyboard.press('Tab');
    await page.keyboard.type(r.phone);
    const since = sms.messages.length;
    await tabTo(page, '.forgot-password .phone-code-send button');
    await page.keyboard.press('Enter');
    const code = (await sms.waitForMessage(r.phone, since)).code;
    await expect.poll(() => screen.locator('#forgot-code-sent').textContent()).toBe(zh.signup.messages['phoneCode.sent']);
    // the focus went to the code field; the button counts down
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('forgot-code');
    expect(await screen.locator('.phone-code-send button').isDisabled()).toBe(true);

    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    await page.keyboard.type(wrong);
    await tabTo(page, '#forgot-newPassword');
    await page.keyboard.type('a warm new winter 1');
    await page.keyboard.press('Enter');
    await expect.poll(() => screen.locator('#forgot-code-error').textContent(), { timeout: 20_000 }).toBe(zh.signup.messages['phoneCode.wrong']);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('forgot-code');
    // what was typed is still there
    expect(await screen.locator('#forgot-accountNumber').inputValue()).toBe(r.accountNumber);
    expect(await screen.locator('#forgot-newPassword').inputValue()).toBe('a warm new winter 1');
    const violations = await checkAccessibility(page, { include: ['.forgot-password'] });
    expect(violations, formatViolations(violations)).toEqual([]);
    await page.screenshot({ path: path.join(SHOTS, 'forgot-password-zh-CN.png'), fullPage: true });

    await page.keyboard.press('Control+A');
    await page.keyboard.type(code);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: zh.session.signOut }).waitFor({ timeout: 30_000 });
    expect(await page.locator('.signed-in-bar').textContent()).toContain(r.accountNumber);
    await context.close();

    // the new password is the one now, the old one no longer
    expect((await request(site.url, 'POST', '/db/_session', { name: `r-${r.accountNumber}`, password: 'a warm new winter 1' })).status).toBe(200);
    expect((await request(site.url, 'POST', '/db/_session', { name: `r-${r.accountNumber}`, password: r.password })).status).toBe(401);
  });

  it('in English too, and the sign-up form shows its code field (screenshots of both, both languages)', async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto(site.url + '/en/portal/');
    await page.getByRole('button', { name: en.forgot.link }).click();
    const screen = page.locator('.forgot-password');
    await screen.getByRole('heading', { name: en.forgot.title }).waitFor();
    await screen.getByRole('button', { name: en.forgot.submit }).click();
    await expect.poll(() => screen.locator('#forgot-code-error').textContent()).toBe(fill(en.session.required, { field: en.phoneCode.label }));
    // nothing wider than the phone
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: path.join(SHOTS, 'forgot-password-en.png'), fullPage: true });

    for (const [lang, t, prefix] of [['zh-CN', zh, ''], ['en', en, '/en']] as const) {
      await page.goto(`${site.url}${prefix}/portal/`);
      await page.getByRole('button', { name: t.signup.noAccount }).click();
      const form = page.locator('form.sign-up');
      await form.getByLabel(t.phoneCode.label).waitFor();
      await form.getByRole('button', { name: t.signup.submit }).click();
      await expect.poll(() => form.locator('#sign-up-phoneCode-error').textContent()).toBe(t.signup.messages['phoneCode.required']);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width);
      const violations = await checkAccessibility(page, { include: ['form.sign-up'] });
      expect(violations, formatViolations(violations)).toEqual([]);
      await page.screenshot({ path: path.join(SHOTS, `sign-up-code-${lang}.png`), fullPage: true });
    }
    await context.close();
  });
});
