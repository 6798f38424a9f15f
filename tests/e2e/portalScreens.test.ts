/**
 * Every portal screen of issue 21 at 390×844, in both languages, light and dark (the browser's
 * prefers-color-scheme), and at 200 % text (the browser's default font size doubled): no serious
 * or critical axe violation (contrast included), nothing wider than the phone. Each screen is also
 * saved as a PNG under $HEARTHLINE_SHOTS (when set) for a person to look at.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startSite, type Site } from '../support/server';
import { newResident, type Resident } from '../support/client';
import { PHONE, checkAccessibility, formatViolations, launchBrowser } from '../support/browser';
import { openRequestForm } from './support/portal';
import { dictionary } from '../../src/i18n';
import { signInThroughForm } from '../support/signIn';
import type { PortalChoice } from '../../src/islands/forms/RequestForm';

const SHOTS = process.env.HEARTHLINE_SHOTS;
let site: Site;
let browser: Browser;

beforeAll(async () => {
  site = await startSite({ env: { HEARTHLINE_ADMIN_PASSWORD: 'e2e portal screens admin 1' } });
  browser = await launchBrowser();
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

async function check(page: Page, name: string): Promise<void> {
  const violations = await checkAccessibility(page);
  expect(violations, `${name}: ${formatViolations(violations)}`).toEqual([]);
  // Nothing scrolls sideways on the phone.
  expect(await page.evaluate(() => document.documentElement.scrollWidth), name).toBeLessThanOrEqual(PHONE.width);
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: false });
}

async function signIn(page: Page, lang: 'zh-CN' | 'en', resident: Resident): Promise<void> {
  await signInThroughForm(page, { login: resident.accountNumber, password: resident.password }, { lang });
}

describe('the portal screens on a phone', () => {
  for (const lang of ['zh-CN', 'en'] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`${lang}, ${scheme}: signed out, each form, my requests, my account; and at 200 % text`, async () => {
        const t = dictionary(lang);
        const resident = await newResident(site.url, { community: 'demo-garden' });
        const context = await browser.newContext({ viewport: PHONE, colorScheme: scheme, locale: lang });
        const page = await context.newPage();
        const tag = `${lang}-${scheme}`;
        await page.goto(site.url + (lang === 'en' ? '/en/portal/' : '/portal/'));
        await page.getByLabel(t.session.login).waitFor();
        await check(page, `${tag}-01-signed-out`);
        // The other signed-out screens: sign-up and the forgotten password.
        await page.getByRole('button', { name: t.signup.noAccount }).click();
        await page.getByRole('button', { name: t.signup.haveAccount }).waitFor();
        await check(page, `${tag}-01b-sign-up`);
        await page.getByRole('button', { name: t.signup.haveAccount }).click();
        await page.getByRole('button', { name: t.forgot.link }).click();
        await page.getByRole('button', { name: t.forgot.back }).waitFor();
        await check(page, `${tag}-01c-forgot-password`);
        await page.getByRole('button', { name: t.forgot.back }).click();
        await page.getByLabel(t.session.login).waitFor();
        // 200 % text as the browser's own text-size setting gives it (its default font size
        // doubled: Chromium's Page.setFontSizes), on the sign-in screen.
        const cdp = await context.newCDPSession(page);
        await cdp.send('Page.setFontSizes', { fontSizes: { standard: 32, fixed: 26 } });
        await check(page, `${tag}-01d-signed-out-200pct`);
        await cdp.send('Page.setFontSizes', { fontSizes: { standard: 16, fixed: 13 } });
        await signIn(page, lang, resident);
        await check(page, `${tag}-02-signed-in`);
        const choices: PortalChoice[] = ['repair', 'appointment', 'complaint', 'temperature-test', 'consultation'];
        for (const [i, choice] of choices.entries()) {
          await openRequestForm(page, choice);
          if (choice === 'appointment') await page.locator('#new-request-panel').getByLabel(t.requestKindLabels['appliance-repair'], { exact: true }).check();
          await page.locator('#new-request-panel form').scrollIntoViewIfNeeded();
          await check(page, `${tag}-${String(i + 3).padStart(2, '0')}-${choice}`);
        }
        await page.locator('.my-account').scrollIntoViewIfNeeded();
        await check(page, `${tag}-08-account`);
        // 200 % text (the browser's default font size doubled, as its text-size setting does):
        // the signed-in page, a form, and my account.
        await cdp.send('Page.setFontSizes', { fontSizes: { standard: 32, fixed: 26 } });
        await page.evaluate(() => window.scrollTo(0, 0));
        await check(page, `${tag}-09-signed-in-200pct`);
        await openRequestForm(page, 'repair');
        await page.locator('#new-request-panel form').scrollIntoViewIfNeeded();
        await check(page, `${tag}-10-repair-200pct`);
        await page.locator('.my-account').scrollIntoViewIfNeeded();
        await check(page, `${tag}-11-account-200pct`);
        // Each fact of the account has the list's width, under its label (in two columns at this
        // size a phone number broke over three lines, a word a few letters a line).
        const widths = await page.locator('.my-account .facts').evaluate((dl) => ({
          list: dl.getBoundingClientRect().width,
          values: [...dl.querySelectorAll('dd')].map((dd) => dd.getBoundingClientRect().width),
        }));
        expect(widths.values.length, tag).toBeGreaterThan(0);
        for (const w of widths.values) expect(w, tag).toBeGreaterThan(widths.list * 0.9);
        await context.close();
      }, 180_000);
    }
  }
});
