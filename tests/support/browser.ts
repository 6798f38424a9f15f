/**
 * Real Chromium for the e2e tests (playwright-core driving Debian's /usr/bin/chromium; Playwright
 * never downloads a browser here).
 *
 * Contract (others code against it — keep it stable):
 *
 *   PHONE = { width: 390, height: 844 }            the phone viewport every page is checked at
 *
 *   launchBrowser(): Promise<Browser>
 *     A headless Chromium with the flags known to work as root (CHROMIUM_ARGS). Playwright
 *     gives every launch() its own NEW EMPTY user-data-dir (a temp profile it deletes on
 *     browser.close()), and every browser.newContext() is an isolated, incognito-like profile:
 *     its own cookies, storage, caches and service workers. Use it for most tests; close it in
 *     afterAll. (Playwright refuses a --user-data-dir flag in launch(), hence launchContext.)
 *
 *   launchContext(opts?: { viewport?: { width, height } | null; offline?: boolean;
 *                          options?: BrowserContextOptions })
 *     : Promise<{ context: BrowserContext; userDataDir: string; close(): Promise<void> }>
 *     A persistent context on a NEW EMPTY user-data-dir made with mkdtemp, for tests that need a
 *     real on-disk profile (service-worker installs and updates, storage persisting across
 *     reloads of the same context). viewport defaults to PHONE; offline defaults to false and can
 *     be toggled later with context.setOffline(). close() closes Chromium and deletes the
 *     profile folder.
 *
 *   checkAccessibility(page, opts?: { include?: string[]; exclude?: string[] }): Promise<AxeViolation[]>
 *     Injects axe-core (node_modules/axe-core/axe.min.js) through the DevTools protocol, which is
 *     not subject to the page's CSP, runs it on the document (or the include/exclude CSS
 *     selectors) and returns the violations of impact 'serious' or 'critical'.
 *   formatViolations(violations): string — a readable list for failure messages.
 *
 *   collectConsoleErrors(page, opts?: { ignore?: (string | RegExp)[] }): () => string[]
 *     Starts recording, from now on, the page's console errors (including CSP violations and
 *     "Failed to load resource" with the URL), uncaught page errors and failed requests;
 *     returns a function giving a copy of what was recorded so far. Requests aborted by a
 *     navigation (net::ERR_ABORTED) are not failures; deliberate ones (a test's own offline
 *     mode or route.abort) are left out by passing patterns in opts.ignore, matched against
 *     the recorded line.
 */
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import type { Result as AxeResult, RunOptions as AxeRunOptions } from 'axe-core';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM_ARGS, CHROMIUM_PATH, ensureChromium } from './chromium';

export { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium';

export interface Viewport {
  width: number;
  height: number;
}

export const PHONE: Readonly<Viewport> = Object.freeze({ width: 390, height: 844 });

export type AxeViolation = AxeResult;

export async function launchBrowser(): Promise<Browser> {
  ensureChromium();
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS],
    headless: true,
  });
}

export interface LaunchedContext {
  context: BrowserContext;
  /** The fresh profile folder; deleted by close(). */
  userDataDir: string;
  close(): Promise<void>;
}

export async function launchContext(
  opts: { viewport?: Viewport | null; offline?: boolean; options?: BrowserContextOptions } = {},
): Promise<LaunchedContext> {
  ensureChromium();
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'hearthline-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      args: [...CHROMIUM_ARGS],
      headless: true,
      viewport: opts.viewport === undefined ? { ...PHONE } : opts.viewport,
      offline: opts.offline ?? false,
      ...opts.options,
    });
  } catch (err) {
    await rm(userDataDir, { recursive: true, force: true });
    throw err;
  }
  let closed: Promise<void> | undefined;
  return {
    context,
    userDataDir,
    close() {
      closed ??= (async () => {
        await context.close().catch(() => {});
        await rm(userDataDir, { recursive: true, force: true });
      })();
      return closed;
    },
  };
}

let axeSource: string | undefined;
function readAxeSource(): string {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

export async function checkAccessibility(
  page: Page,
  opts: { include?: string[]; exclude?: string[] } = {},
): Promise<AxeViolation[]> {
  const hasAxe = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === 'object');
  if (!hasAxe) await page.evaluate(readAxeSource());
  const runOptions: AxeRunOptions = { resultTypes: ['violations'] };
  const violations = await page.evaluate(
    async ({ include, exclude, runOptions }) => {
      const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
      const context =
        include || exclude ? { include: include ?? ['html'], exclude: exclude ?? [] } : document;
      const results = await axe.run(context as Parameters<typeof axe.run>[0], runOptions);
      return results.violations;
    },
    { include: opts.include, exclude: opts.exclude, runOptions },
  );
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export function formatViolations(violations: AxeViolation[]): string {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .slice(0, 5)
        .map((n) => `    - ${n.target.join(' ')}: ${n.html.slice(0, 160)}\n      ${(n.failureSummary ?? '').replace(/\n/g, '\n      ')}`)
        .join('\n');
      const more = v.nodes.length > 5 ? `\n    … and ${v.nodes.length - 5} more` : '';
      return `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${nodes}${more}`;
    })
    .join('\n');
}

export function collectConsoleErrors(page: Page, opts: { ignore?: (string | RegExp)[] } = {}): () => string[] {
  const errors: string[] = [];
  const ignored = (line: string) =>
    (opts.ignore ?? []).some((p) => (typeof p === 'string' ? line.includes(p) : p.test(line)));
  const record = (line: string) => {
    if (!ignored(line)) errors.push(line);
  };
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const loc = msg.location();
    const where = loc.url ? ` (${loc.url}${loc.lineNumber ? `:${loc.lineNumber}` : ''})` : '';
    record(`console.error: ${msg.text()}${where}`);
  });
  page.on('pageerror', (err) => {
    record(`pageerror: ${err.message}`);
  });
  page.on('requestfailed', (req) => {
    const failure = req.failure()?.errorText ?? 'failed';
    if (failure.includes('ERR_ABORTED')) return;
    record(`requestfailed: ${req.method()} ${req.url()} ${failure}`);
  });
  return () => [...errors];
}
