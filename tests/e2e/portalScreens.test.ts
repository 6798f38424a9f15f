/**
 * Every portal screen of issue 21 at 390×844, in both languages, light and dark, and at 200 %
 * text: no serious or critical axe violation, nothing wider than the phone. Each screen is also
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
import { asLabel } from '../../src/islands/forms/fieldValues';
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
        await signIn(page, lang, resident);
        await check(page, `${tag}-02-signed-in`);
        const choices: PortalChoice[] = ['repair', 'appointment', 'complaint', 'temperature-test', 'consultation'];
        for (const [i, choice] of choices.entries()) {
          await openRequestForm(page, choice);
          if (choice === 'appointment') await page.locator('#new-request-panel').getByLabel(asLabel(t.requestKinds['appliance-repair']), { exact: true }).check();
          await page.locator('#new-request-panel form').scrollIntoViewIfNeeded();
          await check(page, `${tag}-${String(i + 3).padStart(2, '0')}-${choice}`);
        }
        await page.locator('.my-account').scrollIntoViewIfNeeded();
        await check(page, `${tag}-08-account`);
        // 200 % text: the root font size doubled (what the browser's text-size setting does to rem/em).
        await page.evaluate(() => {
          document.documentElement.style.fontSize = '200%';
        });
        await openRequestForm(page, 'repair');
        await page.locator('#new-request-panel form').scrollIntoViewIfNeeded();
        await check(page, `${tag}-09-repair-200pct`);
        await context.close();
      }, 180_000);
    }
  }
});
