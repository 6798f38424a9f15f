/**
 * Issue 21, done when: "screenshots at 390×844 of each portal screen looked at before resolving".
 * Every screen a resident meets, in both languages, in real Chromium at 390×844 against the real
 * server (with the loopback SMS provider, so sign-up and the forgotten password are as a utility
 * with SMS has them): sign-in, sign-up, forgotten password, "what do you need?", each request
 * form, my requests (sent, waiting, answered, awaiting the finish), a request's timeline, the
 * finish form, my account and its edit form. Each screen: no serious or critical axe violation,
 * nothing wider than the phone, and no internal id on screen (user names, staff logins, community
 * and station ids, request ids). With HEARTHLINE_SHOTS=<folder> each is saved as a PNG there, for
 * a person to look at as a 60-year-old resident would.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { startSite, type Site } from '../support/server';
import { startAliyunSms, type FakeAliyunSms } from '../integration/support/aliyunSms';
import { admin, signIn, type Resident } from '../support/client';
import { newResidentBySms, requestWithSteps } from './support/station';
import { PHONE, checkAccessibility, formatViolations, launchBrowser } from '../support/browser';
import { openRequestForm } from './support/portal';
import { dictionary, type Lang } from '../../src/i18n';
import type { PortalChoice } from '../../src/islands/forms/RequestForm';

const SHOTS = process.env.HEARTHLINE_SHOTS;
const ADMIN_PASSWORD = 'e2e portal tour admin 1';
const TECHNICIAN = { name: 'tc-tour', password: 'technician pass 1', display: '张建国' };
const DISPATCHER = { name: 'dp-tour', password: 'dispatcher pass 1', display: '王芳' };
let sms: FakeAliyunSms;
let site: Site;
let browser: Browser;
const cookies: Record<string, string> = {};

beforeAll(async () => {
  sms = await startAliyunSms({ templates: { SMS_600000001: '您的验证码为${code}，10分钟内有效，请勿告诉他人。' } });
  site = await startSite({ env: { ...sms.env('otp=SMS_600000001'), HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD, HEARTHLINE_SIGNUP_ANSWER_MS: '200' } });
  for (const [who, role] of [
    [TECHNICIAN, 'technician'],
    [DISPATCHER, 'dispatcher'],
  ] as const) {
    const made = await admin(site, ['create-staff', '--name', who.name, '--role', role, '--station', 'demo', '--display-name', who.display, '--password', who.password], { password: ADMIN_PASSWORD });
    if (made.code !== 0) throw new Error(made.stderr);
    cookies[who.name] = (await signIn(site.url, who.name, who.password)).cookie!;
  }
  browser = await launchBrowser();
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await site?.stop();
  await sms?.close();
});


function screens(lang: Lang, who: Resident) {
  const looked: string[] = [];
  /** Checks the screen and saves `what` (an element, or the viewport) as `<lang>-NN-name.png`. */
  const look = async (page: Page, name: string, what?: Locator) => {
    const violations = await checkAccessibility(page);
    expect(violations, `${name}: ${formatViolations(violations)}`).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), name).toBeLessThanOrEqual(PHONE.width);
    const text = await page.evaluate(() => document.body.innerText);
    for (const internal of [who.name, TECHNICIAN.name, DISPATCHER.name, 'demo-garden', 'demo-east', 'station-demo', 'rq-', 'ev-', 'payload', 'undefined', 'NaN']) {
      expect(text.includes(internal), `${name}: "${internal}" on screen`).toBe(false);
    }
    const file = `${lang}-${String(looked.length + 1).padStart(2, '0')}-${name}.png`;
    looked.push(file);
    if (!SHOTS) return;
    if (what) await what.screenshot({ path: path.join(SHOTS, file) });
    else await page.screenshot({ path: path.join(SHOTS, file) });
  };
  return { look, looked };
}

describe('every portal screen at 390×844', () => {
  for (const lang of ['zh-CN', 'en'] as const) {
    it(`${lang}: signed out, each form, my requests, a timeline, the finish form, my account`, async () => {
      const t = dictionary(lang);
      const who = await newResidentBySms(site, sms);
      // What a resident has after some weeks: a repair the station resolved (to finish), an
      // answered consultation, a complaint just filed.
      const cookieOf = (login: string) => cookies[login]!;
      const repair = await requestWithSteps(
        site,
        who,
        'repair',
        [
          ['accepted', DISPATCHER.name, 'dispatcher'],
          ['dispatched', DISPATCHER.name, 'dispatcher', { technician: TECHNICIAN.name, technicianName: TECHNICIAN.display, visitAt: new Date(Date.now() + 3_600_000).toISOString() }],
          ['arrived', TECHNICIAN.name, 'technician'],
          ['diagnosed', TECHNICIAN.name, 'technician', { finding: '暖气片内有空气' }],
          ['resolved', TECHNICIAN.name, 'technician', { summary: '排气后恢复正常' }],
        ],
        cookieOf,
      );
      await requestWithSteps(site, who, 'consultation', [['reply', DISPATCHER.name, 'dispatcher', { text: '本供暖季 11 月 15 日开始供暖。', channel: 'portal' }]], cookieOf);
      await requestWithSteps(site, who, 'complaint', [], cookieOf);

      const { look, looked } = screens(lang, who);
      const context = await browser.newContext({ viewport: PHONE, locale: lang });
      const page = await context.newPage();
      await page.goto(site.url + (lang === 'en' ? '/en/portal/' : '/portal/'));
      await page.getByLabel(t.session.login).waitFor();
      await look(page, 'sign-in');
      await page.getByRole('button', { name: t.signup.noAccount }).click();
      await page.locator('form.sign-up #sign-up-phoneCode').waitFor();
      await page.locator('#sign-up-community option:nth-child(2)').waitFor({ state: 'attached' });
      await look(page, 'sign-up', page.locator('form.sign-up'));
      await page.getByRole('button', { name: t.signup.haveAccount }).click();
      await page.getByRole('button', { name: t.forgot.link }).click();
      await page.locator('.forgot-password form').waitFor();
      await look(page, 'forgot-password', page.locator('.forgot-password'));
      await page.getByRole('button', { name: t.forgot.back }).click();

      await page.getByLabel(t.session.login).fill(who.accountNumber);
      await page.getByLabel(t.session.password, { exact: true }).fill(who.password);
      await page.getByRole('button', { name: t.session.signIn, exact: true }).click();
      await page.getByRole('button', { name: t.session.signOut }).waitFor();
      await page.locator(`.request[data-request="${repair}"]`).waitFor({ timeout: 30_000 });
      await look(page, 'signed-in');
      for (const choice of ['repair', 'temperature-test', 'appointment', 'complaint', 'consultation', 'suggestion', 'praise'] satisfies PortalChoice[]) {
        await openRequestForm(page, choice);
        if (choice === 'appointment') await page.locator('#new-request-panel').getByLabel(t.requestKindLabels['appointment-installation'], { exact: true }).check();
        await look(page, `form-${choice}`, page.locator('#new-request-panel form'));
      }
      await openRequestForm(page, 'praise');
      await page.locator('.new-request [data-choice="praise"]').click(); // closed again
      await expect.poll(() => page.locator('.my-requests li.request').count(), { timeout: 30_000 }).toBe(3);
      await expect.poll(() => page.locator('.my-requests [data-status="answered"]').count(), { timeout: 30_000 }).toBe(1);
      await look(page, 'my-requests', page.locator('.my-requests'));
      const row = page.locator(`.request[data-request="${repair}"]`);
      await row.locator('summary').first().click();
      await row.locator('form.finish').waitFor({ timeout: 30_000 });
      await look(page, 'timeline', row.locator('.timeline'));
      await look(page, 'finish-form', row.locator('form.finish'));
      await row.locator('form.finish').getByLabel(t.completion.notSolved, { exact: true }).check();
      await look(page, 'finish-form-not-solved', row.locator('form.finish'));
      await look(page, 'my-account', page.locator('.my-account'));
      await page.locator('.my-account').getByRole('button', { name: t.account.edit }).click();
      await look(page, 'my-account-edit', page.locator('.my-account'));
      expect(looked).toHaveLength(17);
      await context.close();
    }, 300_000);
  }
});
