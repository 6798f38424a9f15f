/**
 * Signing up in real Chromium on a phone viewport against the real backend: the schema's checks
 * on the device (in Chinese, next to the field), details the customer register does not confirm
 * (with the hotline and the halls, and nothing said about whether the account exists), and a new
 * account signed in on the device afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startSite, type Site } from '../support/server';
import { newAccountNumber, newPhone, newResident, registerCustomer, request } from '../support/client';
import { PHONE, checkAccessibility, formatViolations, launchBrowser } from '../support/browser';
import { openRequestForm } from './support/portal';
import { dictionary, fill } from '../../src/i18n';
import { residentDbName } from '../../src/db/databaseNames';

const zh = dictionary('zh-CN');
const ADMIN_PASSWORD = 'e2e signup admin 1';
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

describe('sign-up in the portal', () => {
  it('checks each field on the device, says what to check when the details do not match, then signs the new resident in', async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto(site.url + '/portal/');
    await page.getByRole('button', { name: zh.signup.noAccount }).click();
    const form = page.locator('form.sign-up');
    await form.getByLabel(zh.signup.community).selectOption({ index: 1 }); // the list came from /api/communities

    // Nothing filled in properly: one message per field, in Chinese, nothing sent.
    await form.getByLabel(zh.signup.accountNumber).fill('12 34');
    await form.getByLabel(zh.signup.phone).fill('12345');
    await form.getByRole('button', { name: zh.signup.submit }).click();
    await expect.poll(() => form.locator('#sign-up-accountNumber-error').textContent()).toBe(zh.signup.messages['signup.accountNumber.format']);
    expect(await form.locator('#sign-up-phone-error').textContent()).toBe(zh.signup.messages['signup.phone.format']);
    // Left empty: asked to fill it in, by its label.
    expect(await form.locator('#sign-up-password-error').textContent()).toBe(fill(zh.session.required, { field: zh.signup.password }));
    expect(await form.locator('#sign-up-consent-error').textContent()).toBe(zh.signup.messages['signup.consent.required']);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('sign-up-accountNumber');
    const violations = await checkAccessibility(page, { include: ['form.sign-up'] });
    expect(violations, formatViolations(violations)).toEqual([]);

    // An account number somebody already signed up with: the server answers as for any other,
    // the sign-in that follows is refused, and the resident is told what to check and where to
    // go — not that the account exists.
    const existing = await newResident(site.url);
    await form.getByLabel(zh.signup.accountNumber).fill(existing.accountNumber);
    await form.getByLabel(zh.signup.phone).fill('139 1234 5678');
    await form.getByLabel(zh.signup.password).fill('winter is warm 1');
    await form.getByRole('checkbox').check();
    await form.getByRole('button', { name: zh.signup.submit }).click();
    const notConfirmed = form.locator('.not-confirmed');
    await notConfirmed.waitFor({ timeout: 20_000 });
    expect(await notConfirmed.textContent()).toContain(zh.signup.messages['signup.notConfirmed']);
    expect(await notConfirmed.locator('a[href^="tel:"]').getAttribute('href')).toBe('tel:4000009606');
    expect(await notConfirmed.locator('a[href="/halls/"]').count()).toBe(1);

    // One the utility's register holds with this phone (as its import would): created, signed in.
    const accountNumber = newAccountNumber();
    const phone = newPhone();
    await registerCustomer(site.url, { accountNumber, phones: [phone], station: 'demo' });
    await form.getByLabel(zh.signup.accountNumber).fill(accountNumber);
    await form.getByLabel(zh.signup.phone).fill(phone);
    await form.getByRole('button', { name: zh.signup.submit }).click();
    await page.getByRole('button', { name: zh.session.signOut }).waitFor({ timeout: 20_000 });
    expect(await page.locator('.signed-in-bar').textContent()).toContain(accountNumber);
    await expect.poll(() => page.locator('.sync-status .sync-headline').textContent(), { timeout: 20_000 }).toBe(zh.sync.synced);
    // The report form is pre-filled with the phone from the new profile.
    await openRequestForm(page, 'repair');
    expect(await page.getByLabel(zh.forms.contactPhone).inputValue()).toBe(phone);

    const profile = await request(site.url, 'GET', `/db/${residentDbName(`r-${accountNumber}`)}/profile`, undefined, { basic: { name: site.adminUser, password: ADMIN_PASSWORD } });
    expect(profile.json).toMatchObject({ accountNumber, phone, community: 'demo-garden', station: 'demo', noticeVersion: '2025-11-01' });
    await context.close();
  }, 90_000);
});
