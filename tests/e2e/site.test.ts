/**
 * Every page of the built site, in real Chromium at the phone viewport, served by the real server.
 * Pages are found by walking dist/ for index.html files (both languages).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counterpartPath, listBuiltPages } from '../integration/support/pages';
import { DIST_DIR, startSite, type Site } from '../support/server';
import { PHONE, checkAccessibility, collectConsoleErrors, formatViolations, launchBrowser } from '../support/browser';

const pages = listBuiltPages().filter((p) => !p.redirect);
const known = new Set(pages.map((p) => p.path));

let site: Site;
let browser: Browser;

beforeAll(async () => {
  [site, browser] = await Promise.all([startSite(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

/**
 * A fresh context (own storage and service workers) and page at the phone viewport. The page
 * checks run with the service worker, as residents get it (its registration errors count); the
 * keyboard and language-switch checks run as a browser without service workers would, which
 * spares them precaching the whole site on every page (tests/e2e/pwa.test.ts tests the worker).
 * Not Playwright's serviceWorkers: 'block': that stubs register() to resolve to undefined, which
 * no real browser does; removing navigator.serviceWorker is what an old browser looks like.
 */
async function open(
  urlPath: string,
  { serviceWorker = true }: { serviceWorker?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page; errors: () => string[]; status: number | undefined }> {
  const context = await browser.newContext({ viewport: { ...PHONE } });
  if (!serviceWorker) {
    await context.addInitScript(() => {
      delete (Navigator.prototype as { serviceWorker?: unknown }).serviceWorker;
    });
  }
  const page = await context.newPage();
  const errors = collectConsoleErrors(page);
  const res = await page.goto(`${site.url}${urlPath}`, { waitUntil: 'load' });
  return { context, page, errors, status: res?.status() };
}

const htmlLang = (page: Page) => page.evaluate(() => document.documentElement.lang);
const pathname = (page: Page) => page.evaluate(() => location.pathname);

describe('the site', () => {
  it('has pages in both languages to test', () => {
    expect(known.has('/'), 'dist/index.html').toBe(true);
    expect(known.has('/en/'), 'dist/en/index.html').toBe(true);
  });
});

describe.each(pages.map((p) => [p.path, p] as const))('page %s (phone)', (urlPath, builtPage) => {
  it('loads with 200, the right lang, a main landmark, a visible h1, no console error and no serious axe violation', async () => {
    const { context, page, errors, status } = await open(urlPath);
    try {
      expect(status, `HTTP status of ${urlPath}`).toBe(200);
      expect(await htmlLang(page), '<html lang>').toBe(builtPage.lang);

      const mains = await page.locator('main, [role="main"]').count();
      expect(mains, 'main landmarks (<main> or role=main)').toBe(1);
      const visibleH1 = await page.locator('h1').evaluateAll((els) =>
        els.filter((el) => {
          const r = el.getBoundingClientRect();
          const s = getComputedStyle(el);
          return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none' && (el.textContent ?? '').trim() !== '';
        }).length,
      );
      expect(visibleH1, 'visible, non-empty <h1> elements').toBeGreaterThanOrEqual(1);

      const violations = await checkAccessibility(page);
      expect(violations.length, `axe violations (serious/critical) on ${urlPath}:\n${formatViolations(violations)}`).toBe(0);

      // Let late scripts (islands, service-worker registration) report their errors.
      await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => {});
      expect(errors(), `console errors on ${urlPath}`).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('Tab from the top reaches the skip link first, and it moves focus to main', async () => {
    const { context, page, errors } = await open(urlPath, { serviceWorker: false });
    try {
      await page.keyboard.press('Tab');
      const first = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        const main = document.querySelector('main, [role="main"]');
        const href = el?.getAttribute('href') ?? '';
        const r = el?.getBoundingClientRect();
        return {
          tag: el?.tagName.toLowerCase(),
          href,
          text: (el?.textContent ?? '').trim(),
          targetsMain: !!main && href.startsWith('#') && href.length > 1 && main.id === decodeURIComponent(href.slice(1)),
          onScreen: !!r && r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight,
        };
      });
      expect(first, 'the first Tab stop must be a skip link to <main id>').toMatchObject({ tag: 'a', targetsMain: true });
      expect(first.onScreen, `the skip link "${first.text}" must be visible when focused`).toBe(true);

      await page.keyboard.press('Enter');
      await page.waitForFunction(() => location.hash !== '', null, { timeout: 5_000 }).catch(() => {});
      const focus = await page.evaluate(() => {
        const main = document.querySelector('main, [role="main"]');
        const el = document.activeElement;
        return { inMain: !!main && !!el && (el === main || main.contains(el)), active: el?.outerHTML.slice(0, 120) };
      });
      expect(focus.inMain, `focus after the skip link is on ${focus.active}`).toBe(true);
      expect(errors(), `console errors on ${urlPath}`).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

const zhPages = pages.filter((p) => p.lang === 'zh-CN');

describe.each(zhPages.map((p) => [p.path, counterpartPath(p.path)] as const))(
  'language switch %s ⇄ %s',
  (zhPath, enPath) => {
    it('leads to the same page in the other language and back', async () => {
      expect(known.has(enPath), `${enPath} (the English counterpart of ${zhPath}) is not in dist/`).toBe(true);
      const { context, page, errors } = await open(zhPath, { serviceWorker: false });
      try {
        for (const [from, to, toLang] of [
          [zhPath, enPath, 'en'],
          [enPath, zhPath, 'zh-CN'],
        ] as const) {
          const link = page.locator(`a[hreflang="${toLang}"]`).first();
          expect(await link.count(), `a language-switch link (a[hreflang="${toLang}"]) on ${from}`).toBe(1);
          await Promise.all([page.waitForURL((u) => u.pathname === to, { timeout: 15_000 }), link.click()]);
          expect(await pathname(page), `switching language from ${from}`).toBe(to);
          expect(await htmlLang(page), `<html lang> of ${to}`).toBe(toLang);
        }
        expect(errors(), 'console errors').toEqual([]);
      } finally {
        await context.close();
      }
    });
  },
);

describe.each([
  ['/no-such-page/', existsSync(path.join(DIST_DIR, '404.html')) ? 'zh-CN' : null],
  ['/en/no-such-page/', existsSync(path.join(DIST_DIR, 'en/404.html')) ? 'en' : existsSync(path.join(DIST_DIR, '404.html')) ? 'zh-CN' : null],
] as const)('not-found page at %s (phone)', (urlPath, lang) => {
  it('is a 404 with a usable page: its language, main, a visible h1, no serious axe violation', async () => {
    expect(lang, 'dist/404.html must exist').not.toBeNull();
    const { context, page, errors, status } = await open(urlPath, { serviceWorker: false });
    try {
      expect(status).toBe(404);
      expect(await htmlLang(page), '<html lang>').toBe(lang);
      expect(await page.locator('main, [role="main"]').count(), 'main landmarks').toBe(1);
      expect(await page.locator('h1').first().isVisible(), 'a visible h1').toBe(true);
      const violations = await checkAccessibility(page);
      expect(violations.length, `axe violations (serious/critical) on ${urlPath}:\n${formatViolations(violations)}`).toBe(0);
      // The 404 status of the document itself is logged by Chromium; nothing else may be.
      const others = errors().filter((e) => !/status of 404/.test(e) || !e.includes(urlPath));
      expect(others, `console errors on ${urlPath}`).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
