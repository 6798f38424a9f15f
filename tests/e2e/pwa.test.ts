/**
 * The PWA in real Chromium against the real server:
 *   (a) offline: after one visit the service worker controls the page and every built page
 *       (both languages) opens offline from the precache with its own h1; an unknown URL opens
 *       the offline page of its language; /db/ and non-GET requests never go through the SW
 *   (b) updates: a new service worker waits; the page shows #update-prompt (localized, focus
 *       left alone); the data layer's veto keeps the page; "update now" activates the new
 *       worker and reloads; "later" hides the prompt and leaves the new worker waiting
 *   (c) the manifests: valid fields per language, icons of the stated sizes, and no
 *       installability errors from Chromium (Page.getInstallabilityErrors)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { startSite, DIST_DIR, REPO_ROOT, type Site } from '../support/server';
import { listBuiltPages, expectedLang } from '../integration/support/pages';
import { launchContext, checkAccessibility, collectConsoleErrors, formatViolations, type LaunchedContext } from '../support/browser';
import { dictionary } from '../../src/i18n';

const zh = dictionary('zh-CN');
const en = dictionary('en');

/** Waits until a service worker controls the page (clientsClaim after the precache is filled). */
async function waitForController(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated', null, { timeout: 30_000 });
}

function firstPage(context: BrowserContext): Promise<Page> {
  return context.pages()[0] ? Promise.resolve(context.pages()[0]!) : context.newPage();
}

/** The text of the first h1 of a built HTML file, as a browser would show it (roughly). */
function h1Of(html: string): string {
  const m = html.match(/<h1\b[^>]*>([\s\S]*?)<\/h1>/i);
  if (!m?.[1]) return '';
  return m[1]
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

const normalize = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();

/** Every file of dist/ as a site path ('/_astro/x.js'), dotfiles left out. */
function distFiles(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    if (entry.isDirectory()) out.push(...distFiles(path.join(dir, entry.name), `${prefix}/${entry.name}`));
    else out.push(`${prefix}/${entry.name}`);
  }
  return out;
}

describe('offline: the service worker serves every page', () => {
  let site: Site;
  let browser: LaunchedContext;

  beforeAll(async () => {
    site = await startSite();
    browser = await launchContext();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.stop();
  });

  it('controls the page after the first visit and precaches every page and asset of dist', async () => {
    const page = await firstPage(browser.context);
    const errors = collectConsoleErrors(page);
    await page.goto(`${site.url}/`);
    await waitForController(page);
    expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${site.url}/sw.js`);

    const cached = await page.evaluate(async () => {
      const out: string[] = [];
      for (const name of await caches.keys()) {
        for (const req of await (await caches.open(name)).keys()) out.push(new URL(req.url).pathname);
      }
      return out;
    });
    // Left out on purpose (src/integrations/serviceWorker.mjs): RxDB's dev-mode and ajv chunks,
    // which a production build never loads.
    const devOnly = /^\/_astro\/(dev-mode|validate-ajv)\.[^/]*\.js$/;
    // Nor the Brotli and gzip copies made at build (src/integrations/precompress.mjs): they are
    // the same files in another Content-Encoding, served for the plain file's URL.
    const precompressed = /\.(br|gz)$/;
    const expected = distFiles(DIST_DIR).filter(
      (f) => f !== '/sw.js' && f !== '/404.html' && !/^\/workbox-.*\.js$/.test(f) && !f.endsWith('.map') && !devOnly.test(f) && !precompressed.test(f),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.filter((f) => !cached.includes(f))).toEqual([]);
    // Both languages' pages are in it.
    expect(cached).toContain('/index.html');
    expect(cached).toContain('/en/index.html');
    expect(cached).toContain('/offline/index.html');
    expect(cached).toContain('/en/offline/index.html');
    expect(cached.filter((f) => devOnly.test(f))).toEqual([]);
    expect(errors()).toEqual([]);
  });

  it('opens every built page offline, from the service worker, with its h1 and language', async () => {
    const page = await firstPage(browser.context);
    await page.goto(`${site.url}/`);
    await waitForController(page);
    const pages = listBuiltPages().filter((p) => !p.redirect);
    expect(pages.length).toBeGreaterThan(4);
    expect(pages.some((p) => p.lang === 'en')).toBe(true);
    expect(pages.some((p) => p.lang === 'zh-CN')).toBe(true);

    await browser.context.setOffline(true);
    try {
      const problems: string[] = [];
      for (const p of pages) {
        const response = await page.goto(`${site.url}${p.path}`);
        const h1 = normalize(await page.locator('h1').first().textContent({ timeout: 5_000 }).catch(() => null));
        const lang = await page.evaluate(() => document.documentElement.lang);
        const want = h1Of(await readFile(p.file, 'utf8'));
        if (!response?.fromServiceWorker()) problems.push(`${p.path}: not served by the service worker`);
        else if (response.status() !== 200) problems.push(`${p.path}: status ${response.status()}`);
        if (!h1 || h1 !== want) problems.push(`${p.path}: h1 ${JSON.stringify(h1)}, expected ${JSON.stringify(want)}`);
        if (lang !== p.lang) problems.push(`${p.path}: lang ${lang}, expected ${p.lang}`);
      }
      expect(problems).toEqual([]);

      // The same page with a search string and without its trailing slash.
      const response = await page.goto(`${site.url}/en/policies/?utm_source=x&ref=y`);
      expect(response?.fromServiceWorker()).toBe(true);
      expect(normalize(await page.locator('h1').first().textContent())).toBe(en.policies.title);
    } finally {
      await browser.context.setOffline(false);
    }
  }, 300_000); // about a second a page, and the site grows

  it('answers an unknown URL offline with the offline page of its language', async () => {
    const page = await firstPage(browser.context);
    await page.goto(`${site.url}/`);
    await waitForController(page);
    await browser.context.setOffline(true);
    try {
      for (const [urlPath, t] of [
        ['/no-such-page/', zh],
        ['/policies/no-such-policy/', zh],
        ['/en/no-such-page/', en],
        ['/en/results/1999/', en],
      ] as const) {
        const response = await page.goto(`${site.url}${urlPath}`);
        expect(response?.fromServiceWorker(), urlPath).toBe(true);
        expect(normalize(await page.locator('h1').first().textContent()), urlPath).toBe(t.offline.title);
        expect(await page.evaluate(() => document.documentElement.lang), urlPath).toBe(expectedLang(urlPath));
        // The address stays the one asked for, and the retry link reloads it.
        expect(new URL(page.url()).pathname).toBe(urlPath);
        const retry = page.getByRole('link', { name: t.offline.retry });
        await expect(retry.count()).resolves.toBe(1);
        expect(await retry.evaluate((a: HTMLAnchorElement) => a.href)).toBe(`${site.url}${urlPath}`);
      }
      const violations = await checkAccessibility(page);
      expect(violations, formatViolations(violations)).toEqual([]);
    } finally {
      await browser.context.setOffline(false);
    }
  });

  it('goes to the network first when online, and never takes /db/ or non-GET requests', async () => {
    const page = await firstPage(browser.context);
    await page.goto(`${site.url}/`);
    await waitForController(page);

    // Online, an unknown page is the server's 404 page, not the offline page.
    const notFound = await page.goto(`${site.url}/en/no-such-page/`);
    expect(notFound?.status()).toBe(404);
    expect([zh.notFound.title, en.notFound.title]).toContain(normalize(await page.locator('h1').first().textContent()));

    // A navigation to /db/ is not handled by the service worker.
    const db = await page.goto(`${site.url}/db/`);
    expect(db?.fromServiceWorker()).toBe(false);

    await page.goto(`${site.url}/`);
    await waitForController(page);
    const viaSw = async (method: string, url: string) => {
      const [response] = await Promise.all([
        page.waitForResponse((r) => r.url() === url && r.request().method() === method),
        page.evaluate(([m, u]) => fetch(u!, { method: m }).then((r) => r.status), [method, url]),
      ]);
      return response.fromServiceWorker();
    };
    expect(await viaSw('GET', `${site.url}/db/hearthline/_all_docs`)).toBe(false);
    expect(await viaSw('POST', `${site.url}/db/hearthline/`)).toBe(false);
    expect(await viaSw('POST', `${site.url}/`)).toBe(false);
    // A precached asset, by contrast, comes from the service worker.
    expect(await viaSw('GET', `${site.url}/icons/icon.svg`)).toBe(true);

    // Offline, /db/ fails like any network request instead of getting a cached page.
    await browser.context.setOffline(true);
    try {
      const failed = await page.evaluate(() =>
        fetch('/db/hearthline/_changes').then(
          () => false,
          () => true,
        ),
      );
      expect(failed).toBe(true);
    } finally {
      await browser.context.setOffline(false);
    }
  });
});

describe('updates: a new version is announced, never forced', () => {
  let site: Site;
  let browser: LaunchedContext;
  let dist: string;

  /** A new version of the copied site: `en/index.html` changed, and sw.js with its new revision. */
  async function publishVersion(label: string): Promise<void> {
    const file = path.join(dist, 'en/index.html');
    const html = (await readFile(file, 'utf8')).replace(
      /(<meta name="hearthline-test-version"[^>]*>)?<\/head>/,
      `<meta name="hearthline-test-version" content="${label}"></head>`,
    );
    await writeFile(file, html);
    const revision = createHash('md5').update(html).digest('hex');
    const swFile = path.join(dist, 'sw.js');
    const sw = await readFile(swFile, 'utf8');
    const updated = sw.replace(/(\{url:"en\/index\.html",revision:")[0-9a-f]+(")/, `$1${revision}$2`);
    expect(updated, 'sw.js lists en/index.html with a revision').not.toBe(sw);
    await writeFile(swFile, updated);
  }

  const version = (page: Page) =>
    page.evaluate(() => document.querySelector('meta[name="hearthline-test-version"]')?.getAttribute('content') ?? null);

  const checkForUpdate = (page: Page) =>
    page.evaluate(async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      await registration?.update();
    });

  const hasWaiting = (page: Page) =>
    page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.waiting));

  beforeAll(async () => {
    dist = await mkdtemp(path.join(os.tmpdir(), 'hearthline-pwa-dist-'));
    await cp(DIST_DIR, dist, { recursive: true });
    site = await startSite({ env: { HEARTHLINE_DIST: dist } });
    browser = await launchContext();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.stop();
    if (dist) await rm(dist, { recursive: true, force: true });
  });

  it('shows the localized prompt without taking focus, and "later" leaves the new worker waiting', async () => {
    const page = await firstPage(browser.context);
    const errors = collectConsoleErrors(page);
    await page.goto(`${site.url}/en/`);
    await waitForController(page);
    const prompt = page.locator('#update-prompt');
    await expect(prompt.isHidden()).resolves.toBe(true);

    // The reader is somewhere on the page when the update arrives.
    await page.locator('a.brand').focus();
    await publishVersion('v2');
    await checkForUpdate(page);
    await prompt.waitFor({ state: 'visible', timeout: 30_000 });

    expect(normalize(await prompt.locator('p').textContent())).toBe(en.update.available);
    const buttons = prompt.getByRole('button');
    expect(await buttons.allTextContents()).toEqual([en.update.reload, en.update.later]);
    expect(await prompt.getAttribute('role')).toBe('status');
    expect(await prompt.getAttribute('aria-live')).toBe('polite');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('brand'))).toBe(true);
    const violations = await checkAccessibility(page, { include: ['#update-prompt'] });
    expect(violations, formatViolations(violations)).toEqual([]);

    // "Later", by keyboard: the prompt goes away and the new worker keeps waiting.
    await page.getByRole('button', { name: en.update.later }).focus();
    await page.keyboard.press('Enter');
    await prompt.waitFor({ state: 'hidden' });
    expect(await hasWaiting(page)).toBe(true);
    expect(await version(page)).toBe(null);
    expect(errors()).toEqual([]);
  });

  it('keeps the page while the data layer vetoes, then "update now" activates the new worker and reloads', async () => {
    // A new tab session of the same profile: "later" was for the previous one.
    const page = await browser.context.newPage();
    const errors = collectConsoleErrors(page);
    await page.goto(`${site.url}/en/policies/`);
    await waitForController(page);
    const prompt = page.locator('#update-prompt');
    await prompt.waitFor({ state: 'visible', timeout: 30_000 });
    const reload = page.getByRole('button', { name: en.update.reload });

    // Records wait to be sent: nothing reloads, the prompt says to wait.
    await page.evaluate(() => {
      (window as unknown as { hearthline: object }).hearthline = { canReloadNow: () => false };
      (window as unknown as { stillHere: boolean }).stillHere = true;
    });
    await reload.focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => normalize(await prompt.locator('p').textContent()))
      .toBe(en.pwa.updateWait);
    await page.waitForTimeout(1_000);
    expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
    expect(await hasWaiting(page)).toBe(true);

    // Sent: the next press updates (the veto may answer asynchronously).
    await page.evaluate(() => {
      (window as unknown as { hearthline: object }).hearthline = { canReloadNow: async () => true };
    });
    const reloaded = page.waitForEvent('load', { timeout: 30_000 });
    await reload.click();
    await reloaded;
    await waitForController(page);
    expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBeUndefined();
    expect(new URL(page.url()).pathname).toBe('/en/policies/');
    expect(await hasWaiting(page)).toBe(false);
    await expect(prompt.isHidden()).resolves.toBe(true);

    // The new worker's precache is the one in use: en/index.html at its new revision, offline too.
    await browser.context.setOffline(true);
    try {
      const response = await page.goto(`${site.url}/en/`);
      expect(response?.fromServiceWorker()).toBe(true);
      expect(await version(page)).toBe('v2');
    } finally {
      await browser.context.setOffline(false);
    }
    expect(errors().filter((e) => !e.includes('ERR_INTERNET_DISCONNECTED'))).toEqual([]);
  });
});

describe('manifest: valid and installable', () => {
  let site: Site;
  let browser: LaunchedContext;

  beforeAll(async () => {
    site = await startSite();
    browser = await launchContext();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.stop();
  });

  /** Width and height from a PNG's IHDR chunk. */
  function pngSize(bytes: Buffer): [number, number] {
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
  }

  for (const [lang, prefix, t] of [
    ['zh-CN', '', zh],
    ['en', '/en', en],
  ] as const) {
    it(`${lang}: ${prefix}/manifest.webmanifest has the fields and icons`, async () => {
      const res = await fetch(`${site.url}${prefix}/manifest.webmanifest`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
      const manifest = (await res.json()) as Record<string, unknown> & {
        icons: { src: string; sizes: string; type: string; purpose?: string }[];
      };
      expect(manifest).toMatchObject({
        name: t.siteName,
        short_name: t.pwa.shortName,
        description: t.pwa.description,
        lang: t.htmlLang,
        start_url: `${prefix}/`,
        scope: `${prefix}/`,
        display: 'standalone',
        theme_color: '#9a3412',
        background_color: '#fffaf5',
      });
      const find = (sizes: string, purpose: string, type = 'image/png') =>
        manifest.icons.find((i) => i.sizes === sizes && i.type === type && (i.purpose ?? 'any').split(' ').includes(purpose));
      expect(find('192x192', 'any')).toBeDefined();
      expect(find('512x512', 'any')).toBeDefined();
      expect(find('512x512', 'maskable')).toBeDefined();
      expect(find('any', 'any', 'image/svg+xml')).toBeDefined();
      for (const icon of manifest.icons) {
        const r = await fetch(new URL(icon.src, `${site.url}${prefix}/manifest.webmanifest`));
        expect(r.status, icon.src).toBe(200);
        expect(r.headers.get('content-type'), icon.src).toContain(icon.type);
        const bytes = Buffer.from(await r.arrayBuffer());
        if (icon.type === 'image/png') {
          const [w, h] = pngSize(bytes);
          expect(`${w}x${h}`, icon.src).toBe(icon.sizes);
        }
      }
      // The PNGs are committed files, not made at build time: the same bytes as public/.
      const committed = readFileSync(path.join(REPO_ROOT, 'public/icons/icon-192.png'));
      const served = Buffer.from(await (await fetch(`${site.url}/icons/icon-192.png`)).arrayBuffer());
      expect(served.equals(committed)).toBe(true);
    });

    it(`${lang}: Chromium finds the page installable`, async () => {
      const page = await firstPage(browser.context);
      await page.goto(`${site.url}${prefix}/`);
      await waitForController(page);
      const cdp = await browser.context.newCDPSession(page);
      try {
        const manifest = (await cdp.send('Page.getAppManifest')) as { url: string; errors: unknown[] };
        expect(manifest.url).toBe(`${site.url}${prefix}/manifest.webmanifest`);
        expect(manifest.errors).toEqual([]);
        const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
        expect(installabilityErrors).toEqual([]);
      } finally {
        await cdp.detach();
      }
    });
  }
});
