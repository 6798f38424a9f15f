/**
 * The portal's and the console's shells, rendered at build time (issue 21 item 6): the first
 * paint is the real page, before any of its code has run, and it is the right page for the
 * device. A visitor sees the sign-in form, whose code is loaded at their first interaction
 * (client:need); a signed-in resident never sees it, not even for a frame (a neutral line stands
 * in until their own view is drawn); what a visitor types before the island runs is kept; the
 * pages' inline scripts pass their CSP (no console error).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startSite, type Site } from '../support/server';
import { newResident } from '../support/client';
import { PHONE, collectConsoleErrors, launchBrowser } from '../support/browser';
import { signInThroughForm } from '../support/signIn';
import { dictionary } from '../../src/i18n';

let site: Site;
let browser: Browser;

beforeAll(async () => {
  site = await startSite();
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

/** A phone's context without the service worker (page.route sees every request of the page). */
const phone = () => browser.newContext({ viewport: PHONE, serviceWorkers: 'block' });
/** The page's errors (CSP refusals included), but workbox-window's, which fails to register with the service worker blocked. */
const pageErrors = (page: Page) => collectConsoleErrors(page, { ignore: [/reading 'waiting'/] });

/**
 * Holds the page's scripts (its islands' code) until `release()`: the page as its HTML alone
 * draws it. (The page's DOMContentLoaded waits for its module scripts: wait for elements instead.)
 */
async function holdScripts(page: Page): Promise<() => void> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  await page.route(/\/_astro\/[^?]*\.js(\?|$)/, async (route) => {
    await released;
    await route.continue().catch(() => {});
  });
  return release;
}

/** Records, every frame from the first, whether the sign-in form was ever shown (window.__sawSignIn). */
async function watchSignInForm(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as { __sawSignIn: boolean };
    w.__sawSignIn = false;
    const look = () => {
      const field = document.getElementById('sign-in-login');
      if (field && field.checkVisibility()) w.__sawSignIn = true;
      requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  });
}

describe('the shells rendered at build time', () => {
  for (const [pagePath, lang] of [['/portal/', 'zh-CN'], ['/en/portal/', 'en'], ['/staff/', 'zh-CN'], ['/en/staff/', 'en']] as const) {
    it(`${pagePath}: a visitor's first paint is the sign-in form, before the page's code runs`, async () => {
      const t = dictionary(lang);
      const context = await phone();
      const page = await context.newPage();
      const errors = pageErrors(page);
      const requested: string[] = [];
      page.on('request', (request) => requested.push(new URL(request.url()).pathname));
      const release = await holdScripts(page);
      await page.goto(site.url + pagePath, { waitUntil: 'commit' });
      await page.locator('footer.site-footer').waitFor({ state: 'attached' });
      await expect(page.getByRole('heading', { name: t.session.signInTitle }).isVisible()).resolves.toBe(true);
      await expect(page.getByLabel(t.session.login).isVisible()).resolves.toBe(true);
      await expect(page.locator('.signed-in-shell').isVisible()).resolves.toBe(false);
      // Until the island runs its button is not a submit button: the browser's own submit would put the password in the URL.
      await expect(page.getByRole('button', { name: t.session.signIn, exact: true }).getAttribute('type')).resolves.toBe('button');
      release();
      await page.waitForLoadState('load');
      // A visitor's island is hydrated at their first interaction (client:need): until then none of its code is fetched.
      const island = await page.locator('astro-island[client="need"]').getAttribute('component-url');
      expect(island).toBeTruthy();
      expect(requested).not.toContain(island);
      await expect(page.getByRole('button', { name: t.session.signIn, exact: true }).getAttribute('type')).resolves.toBe('button');
      await page.getByLabel(t.session.login).focus();
      await page.locator('form.sign-in button[type="submit"]').waitFor({ timeout: 60_000 });
      expect(requested).toContain(island);
      expect(page.url()).not.toContain('password');
      expect(errors(), pagePath).toEqual([]);
      await context.close();
    }, 120_000);
  }

  it('what a visitor types before the island runs is kept, and signs them in', async () => {
    const resident = await newResident(site.url, { community: 'demo-garden' });
    const t = dictionary('zh-CN');
    const context = await phone();
    const page = await context.newPage();
    const errors = pageErrors(page);
    const release = await holdScripts(page);
    await page.goto(`${site.url}/portal/`, { waitUntil: 'commit' });
    await page.getByLabel(t.session.login).fill(resident.accountNumber);
    await page.getByLabel(t.session.password, { exact: true }).fill(resident.password);
    release();
    await page.getByRole('button', { name: t.session.signIn, exact: true }).click({ timeout: 60_000 });
    await page.getByRole('button', { name: t.session.signOut }).waitFor({ timeout: 60_000 });
    expect(errors()).toEqual([]);
    await context.close();
  }, 180_000);

  for (const [how, press] of [
    ['a tap', (button: ReturnType<Page['getByRole']>) => button.tap()],
    ["a screen reader's activation (a click with no pointer or key before it)", (button: ReturnType<Page['getByRole']>) => button.dispatchEvent('click')],
  ] as const) {
    it(`a visitor's first interaction, ${how} on the island's button, hydrates it and the button does what it says`, async () => {
      const t = dictionary('zh-CN');
      const context = await browser.newContext({ viewport: PHONE, serviceWorkers: 'block', hasTouch: true, isMobile: true });
      const page = await context.newPage();
      const errors = pageErrors(page);
      await page.goto(`${site.url}/portal/`, { waitUntil: 'load' });
      await press(page.getByRole('button', { name: t.signup.noAccount }));
      await page.getByRole('heading', { name: t.signup.title }).waitFor({ timeout: 60_000 });
      expect(errors()).toEqual([]);
      await context.close();
    }, 120_000);
  }

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`${lang}: a signed-in resident never sees the sign-in form; a neutral line stands in until their page is drawn`, async () => {
      const resident = await newResident(site.url, { community: 'demo-garden' });
      const t = dictionary(lang);
      const pagePath = lang === 'en' ? '/en/portal/' : '/portal/';
      const context = await phone();
      const first = await context.newPage();
      await signInThroughForm(first, { login: resident.accountNumber, password: resident.password }, { lang, goto: site.url + pagePath });
      await first.close();
      await watchSignInForm(context);
      const page = await context.newPage();
      const errors = pageErrors(page);
      const release = await holdScripts(page);
      await page.goto(site.url + pagePath, { waitUntil: 'commit' });
      await page.locator('footer.site-footer').waitFor({ state: 'attached' });
      await expect(page.locator('.signed-in-shell').isVisible()).resolves.toBe(true);
      await expect(page.locator('.signed-in-shell').textContent()).resolves.toBe(t.requests.loading);
      await expect(page.getByLabel(t.session.login).isVisible()).resolves.toBe(false);
      release();
      await page.getByRole('button', { name: t.session.signOut }).waitFor({ timeout: 60_000 });
      await page.locator('.new-request').waitFor({ timeout: 60_000 });
      await expect(page.evaluate(() => (window as unknown as { __sawSignIn: boolean }).__sawSignIn)).resolves.toBe(false);
      // Nothing moved: the sync status's box was kept from the first paint to its panel.
      await page.locator('.sync-status[data-state]').waitFor({ timeout: 60_000 });
      await expect(page.evaluate(() => new Promise<number>((resolve) => {
        let shift = 0;
        new PerformanceObserver((list) => {
          for (const e of list.getEntries() as unknown as { value: number; hadRecentInput: boolean }[]) if (!e.hadRecentInput) shift += e.value;
          resolve(shift);
        }).observe({ type: 'layout-shift', buffered: true });
        setTimeout(() => resolve(shift), 500);
      }))).resolves.toBeLessThan(0.01);
      // Signing out shows the sign-in form again (the page's mark follows the session).
      await page.getByRole('button', { name: t.session.signOut }).click();
      await page.getByLabel(t.session.login).waitFor({ timeout: 60_000 });
      await expect(page.evaluate(() => 'session' in document.documentElement.dataset)).resolves.toBe(false);
      expect(errors()).toEqual([]);
      await context.close();
    }, 180_000);
  }
});
