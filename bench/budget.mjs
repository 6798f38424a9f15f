#!/usr/bin/env node
// @ts-check
/**
 * `npm run budget`: builds the site, then prints the first-visit transfer size of every page
 * of dist/ (every index.html) and fails when a page is over its budget.
 *
 * First-visit transfer = the HTML + everything the page itself makes the browser fetch:
 *   <script src>, <link rel=stylesheet|icon|manifest|modulepreload|preload>, <img src|srcset>,
 *   <source srcset>, url(…) in CSS, an island's component-url / renderer-url /
 *   before-hydration-url, and the static imports of every JS module, transitively.
 *   Dynamic import() targets are loaded later, on demand: shown as "lazy JS", not counted.
 *   apple-touch-icon is left out (Chromium never fetches it), as are the manifest's icons
 *   (fetched for installation, not for the page). Each file counts once per page.
 *
 * Sizes are what goes over the wire with the server's `compression` middleware: text
 * (HTML, CSS, JS, SVG, JSON, web manifests) gzip-compressed at level 9 (the server uses
 * level 6, which is within 1–2 % of it), other files (PNG, fonts…) as they are. 1 kB = 1000 B.
 *
 * Rules (exit code 1 when one is broken):
 *   content  every page outside /portal/, /staff/ and /committee/: first-visit total ≤ 50 kB, and no JS but the
 *            service-worker registration (src/scripts/registerServiceWorker.ts, found by its
 *            content: it names /sw.js and #update-prompt), itself ≤ 5 kB
 *   portal   /portal/, /staff/, /committee/ and their /en/ pages, which carry islands: the JS a page loads before
 *            the device database (its initial JS, i.e. without dynamic imports) ≤ 20 kB
 *   notices  /outages/ and /en/outages/ (the residents' outage notices, one small island that reads
 *            /api/outages and no device database): first-visit total ≤ 50 kB, initial JS ≤ 18 kB
 * Besides, the service worker's precache (what a first visit downloads in the background)
 * is reported, not limited.
 *
 * Usage: node bench/budget.mjs [--no-build] [--dist DIR]   (builds with `npm run build` unless --no-build)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, constants } from 'node:zlib';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KB = 1000;
const LIMITS = Object.freeze({
  contentTotal: 50 * KB,
  registrationJs: 5 * KB,
  portalInitialJs: 20 * KB,
  noticesInitialJs: 18 * KB,
});

const args = process.argv.slice(2);
const distArg = args.indexOf('--dist');
const DIST = path.resolve((distArg >= 0 && args[distArg + 1]) || path.join(ROOT, 'dist'));

// --- build ------------------------------------------------------------------------------------
if (!args.includes('--no-build')) {
  console.log('budget: building the site (npm run build)…');
  const started = Date.now();
  // NODE_ENV=production: a NODE_ENV left at 'development' or 'test' gives dev builds of libraries.
  const res = spawnSync('npm', ['run', '--silent', 'build'], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.status !== 0) {
    process.stderr.write(res.stdout ?? '');
    process.stderr.write(res.stderr ?? '');
    console.error(`budget: the build failed (exit ${res.status ?? res.signal})`);
    process.exit(res.status || 1);
  }
  console.log(`budget: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
if (!existsSync(path.join(DIST, 'index.html'))) {
  console.error(`budget: ${DIST}/index.html is missing`);
  process.exit(1);
}

// --- sizes ------------------------------------------------------------------------------------
const TEXT = /\.(html?|css|m?js|svg|json|webmanifest|txt|xml)$/i;
/** @type {Map<string, { raw: number, wire: number }>} */
const sizeCache = new Map();
/** @param {string} file */
function sizeOf(file) {
  let s = sizeCache.get(file);
  if (!s) {
    const bytes = readFileSync(file);
    s = { raw: bytes.length, wire: TEXT.test(file) ? gzipSize(bytes) : bytes.length };
    sizeCache.set(file, s);
  }
  return s;
}
/** @param {Buffer | string} bytes */
function gzipSize(bytes) {
  return gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION }).length;
}

// --- references -------------------------------------------------------------------------------
/** @param {string} tag @param {string} name */
function attr(tag, name) {
  const m = tag.match(new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>"']+))`, 'i'));
  const v = m ? (m[1] ?? m[2] ?? m[3] ?? '') : undefined;
  return v?.replace(/&amp;/g, '&');
}
/** @param {string | undefined} srcset */
function srcsetUrls(srcset) {
  return (srcset ?? '').split(',').map((c) => c.trim().split(/\s+/)[0]).filter((u) => !!u);
}

/**
 * A URL as the path of a file in dist, or null when it is not one of ours.
 * @param {string} ref @param {string} fromUrlPath
 */
function toDistFile(ref, fromUrlPath) {
  if (!ref || /^(data:|blob:|mailto:|tel:|javascript:|#)/i.test(ref)) return null;
  let url;
  try {
    url = new URL(ref, `http://site${fromUrlPath}`);
  } catch {
    return null;
  }
  if (url.host !== 'site') return null;
  let p = decodeURIComponent(url.pathname);
  if (p.endsWith('/')) p += 'index.html';
  const file = path.join(DIST, p);
  return existsSync(file) && statSync(file).isFile() ? { file, urlPath: url.pathname } : null;
}

/** @param {string} css */
function cssUrls(css) {
  return [...css.matchAll(/url\(\s*(?:"([^"]+)"|'([^']+)'|([^)"'\s]+))\s*\)/gi)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

/** @param {string} js */
function jsImports(js) {
  const staticImports = [...js.matchAll(/(?:\bimport|\bfrom)\s*["']([^"']+)["']/g)].map((m) => m[1] ?? '');
  const dynamicImports = [...js.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1] ?? '');
  return { staticImports, dynamicImports };
}

/** The registration script, recognised by what it does (Astro names the chunk after the layout). */
/** @param {string} js */
function isRegistrationScript(js) {
  return js.includes('/sw.js') && js.includes('update-prompt');
}

/**
 * @typedef {{ file: string, kind: 'html'|'css'|'js'|'image'|'manifest'|'other', wire: number, registration?: boolean }} Asset
 * @typedef {{ path: string, rule: 'content'|'portal'|'notices', assets: Asset[], inlineJs: { wire: number, registration: boolean }[], lazyJs: number, missing: string[] }} PageReport
 */

/** @param {string} file */
function kindOf(file) {
  if (/\.html?$/i.test(file)) return 'html';
  if (/\.css$/i.test(file)) return 'css';
  if (/\.m?js$/i.test(file)) return 'js';
  if (/\.webmanifest$|manifest\.json$/i.test(file)) return 'manifest';
  if (/\.(png|jpe?g|gif|webp|avif|svg|ico)$/i.test(file)) return 'image';
  return 'other';
}

/**
 * @param {string} urlPath e.g. '/en/policies/'
 * @param {string} htmlFile
 * @returns {PageReport}
 */
function measurePage(urlPath, htmlFile) {
  const html = readFileSync(htmlFile, 'utf8');
  /** @type {Map<string, Asset>} */
  const assets = new Map();
  /** @type {string[]} */
  const missing = [];
  /** @type {Set<string>} */
  const lazy = new Set();
  /** @type {{ wire: number, registration: boolean }[]} */
  const inlineJs = [];

  /** @param {string} file @param {string} fileUrlPath */
  const add = (file, fileUrlPath) => {
    if (assets.has(file)) return;
    const kind = kindOf(file);
    const text = kind === 'js' || kind === 'css' ? readFileSync(file, 'utf8') : '';
    assets.set(file, { file, kind, wire: sizeOf(file).wire, registration: kind === 'js' ? isRegistrationScript(text) : undefined });
    if (kind === 'css') for (const u of cssUrls(text)) visit(u, fileUrlPath, false);
    if (kind === 'js') {
      const { staticImports, dynamicImports } = jsImports(text);
      for (const u of staticImports) visit(u, fileUrlPath, false);
      for (const u of dynamicImports) {
        const target = toDistFile(u, fileUrlPath);
        if (target) lazy.add(target.file);
      }
    }
  };
  /**
   * @param {string | undefined} ref
   * @param {string} from
   * @param {boolean} [reportMissing] a same-origin reference of the HTML that dist lacks
   */
  const visit = (ref, from, reportMissing = true) => {
    if (!ref) return;
    const target = toDistFile(ref, from);
    if (target) add(target.file, target.urlPath);
    else if (reportMissing && !/^([a-z][a-z0-9+.-]*:|\/\/|#)/i.test(ref)) missing.push(ref);
  };

  assets.set(htmlFile, { file: htmlFile, kind: 'html', wire: sizeOf(htmlFile).wire });
  for (const m of html.matchAll(/<(script|link|img|source|astro-island)\b[^>]*>/gi)) {
    const tag = m[0];
    const name = (m[1] ?? '').toLowerCase();
    if (name === 'script') visit(attr(tag, 'src'), urlPath);
    else if (name === 'link') {
      const rel = (attr(tag, 'rel') ?? '').toLowerCase().split(/\s+/);
      if (rel.some((r) => ['stylesheet', 'icon', 'manifest', 'modulepreload', 'preload'].includes(r))) visit(attr(tag, 'href'), urlPath);
    } else if (name === 'img') {
      visit(attr(tag, 'src'), urlPath);
      for (const u of srcsetUrls(attr(tag, 'srcset'))) visit(u, urlPath);
    } else if (name === 'source') {
      for (const u of srcsetUrls(attr(tag, 'srcset'))) visit(u, urlPath);
    } else if (name === 'astro-island') {
      for (const a of ['component-url', 'renderer-url', 'before-hydration-url']) visit(attr(tag, a), urlPath);
    }
  }
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    const attrs = m[1] ?? '';
    const body = m[2] ?? '';
    if (/\ssrc\s*=/i.test(` ${attrs}`) || !body.trim()) continue;
    const type = (attr(` ${attrs}`, 'type') ?? '').toLowerCase();
    if (type && !['module', 'text/javascript', 'application/javascript'].includes(type)) continue;
    inlineJs.push({ wire: gzipSize(body), registration: isRegistrationScript(body) });
    for (const u of jsImports(body).staticImports) visit(u, urlPath, false);
  }
  for (const m of html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi)) for (const u of cssUrls(m[1] ?? '')) visit(u, urlPath);
  for (const m of html.matchAll(/\sstyle\s*=\s*"([^"]*)"/gi)) for (const u of cssUrls(m[1] ?? '')) visit(u, urlPath);

  for (const f of assets.keys()) lazy.delete(f);
  let lazyJs = 0;
  for (const f of lazy) lazyJs += sizeOf(f).wire;
  const rule = /^\/(en\/)?(portal|staff|committee)\//.test(urlPath) ? 'portal' : /^\/(en\/)?outages\//.test(urlPath) ? 'notices' : 'content';
  return { path: urlPath, rule, assets: [...assets.values()], inlineJs, lazyJs, missing };
}

// --- pages ------------------------------------------------------------------------------------
/** @param {string} dir @param {string[]} out */
function walk(dir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (entry.name === 'index.html') out.push(full);
  }
  return out;
}

const pages = walk(DIST, [])
  .map((file) => {
    const rel = path.relative(DIST, path.dirname(file)).split(path.sep).join('/');
    return { urlPath: rel ? `/${rel}/` : '/', file };
  })
  .sort((a, b) => a.urlPath.localeCompare(b.urlPath));

const fmt = (/** @type {number} */ n) => (n / KB).toFixed(1);
const pad = (/** @type {string} */ s, /** @type {number} */ n) => s.padEnd(n);
const lpad = (/** @type {string} */ s, /** @type {number} */ n) => s.padStart(n);

const rows = [];
/** @type {string[]} */
const failures = [];
let largest = { total: 0, path: '' };
let largestJs = { js: 0, path: '' };
/** @type {Set<number>} */
const registrationSizes = new Set();

for (const { urlPath, file } of pages) {
  const r = measurePage(urlPath, file);
  const by = (/** @type {Asset['kind']} */ k) => r.assets.filter((a) => a.kind === k).reduce((s, a) => s + a.wire, 0);
  const html = by('html');
  const css = by('css');
  const jsFiles = r.assets.filter((a) => a.kind === 'js');
  const inlineJsWire = r.inlineJs.reduce((s, j) => s + j.wire, 0);
  const js = jsFiles.reduce((s, a) => s + a.wire, 0) + inlineJsWire;
  const images = by('image');
  const other = by('manifest') + by('other');
  const total = r.assets.reduce((s, a) => s + a.wire, 0);
  const registration = jsFiles.filter((a) => a.registration).reduce((s, a) => s + a.wire, 0) + r.inlineJs.filter((j) => j.registration).reduce((s, j) => s + j.wire, 0);
  const otherJs = js - registration;
  if (registration) registrationSizes.add(registration);

  /** @type {string[]} */
  const broken = [];
  if (r.rule === 'content') {
    if (total > LIMITS.contentTotal) broken.push(`first visit ${fmt(total)} kB > ${fmt(LIMITS.contentTotal)} kB`);
    if (registration > LIMITS.registrationJs) broken.push(`SW registration JS ${fmt(registration)} kB > ${fmt(LIMITS.registrationJs)} kB`);
    if (otherJs > 0) broken.push(`JS besides the SW registration: ${fmt(otherJs)} kB`);
  } else if (r.rule === 'notices') {
    if (total > LIMITS.contentTotal) broken.push(`first visit ${fmt(total)} kB > ${fmt(LIMITS.contentTotal)} kB`);
    if (js > LIMITS.noticesInitialJs) broken.push(`initial JS ${fmt(js)} kB > ${fmt(LIMITS.noticesInitialJs)} kB`);
  } else if (js > LIMITS.portalInitialJs) {
    broken.push(`initial JS ${fmt(js)} kB > ${fmt(LIMITS.portalInitialJs)} kB`);
  }
  if (r.missing.length) broken.push(`missing files: ${r.missing.join(', ')}`);
  for (const b of broken) failures.push(`${urlPath}: ${b}`);
  if (total > largest.total) largest = { total, path: urlPath };
  if (js > largestJs.js) largestJs = { js, path: urlPath };
  rows.push({ urlPath, rule: r.rule, html, css, js, images, other, total, lazyJs: r.lazyJs, ok: broken.length === 0 });
}

const width = Math.max(4, ...rows.map((r) => r.urlPath.length));
console.log('');
console.log('First-visit transfer per page: gzip -9 for text, raw for binary; kB = 1000 B.');
console.log('rule content: total ≤ 50 kB and no JS but the SW registration (≤ 5 kB); rule portal: initial JS ≤ 20 kB; rule notices: total ≤ 50 kB, initial JS ≤ 18 kB.');
console.log('');
const header = `${pad('page', width)}  ${pad('rule', 7)}  ${lpad('HTML', 6)}  ${lpad('CSS', 6)}  ${lpad('JS', 6)}  ${lpad('img', 6)}  ${lpad('other', 6)}  ${lpad('total', 6)}  ${lpad('lazy JS', 7)}  status`;
console.log(header);
console.log('-'.repeat(header.length));
for (const r of rows) {
  console.log(
    `${pad(r.urlPath, width)}  ${pad(r.rule, 7)}  ${lpad(fmt(r.html), 6)}  ${lpad(fmt(r.css), 6)}  ${lpad(fmt(r.js), 6)}  ${lpad(fmt(r.images), 6)}  ${lpad(fmt(r.other), 6)}  ${lpad(fmt(r.total), 6)}  ${lpad(fmt(r.lazyJs), 7)}  ${r.ok ? 'ok' : 'OVER'}`,
  );
}
console.log('');

// The service worker's precache: downloaded in the background after the first visit.
let precache = '';
const swFile = path.join(DIST, 'sw.js');
if (existsSync(swFile)) {
  const sw = readFileSync(swFile, 'utf8');
  const urls = [...sw.matchAll(/\{url:"([^"]+)",revision:/g)].map((m) => m[1] ?? '');
  const wire = urls.reduce((s, u) => {
    const f = path.join(DIST, u);
    return s + (existsSync(f) ? sizeOf(f).wire : 0);
  }, 0);
  precache = ` · sw.js ${fmt(sizeOf(swFile).wire)} kB, precache ${urls.length} files ${fmt(wire)} kB`;
}
const reg = [...registrationSizes];
console.log(
  `${rows.length} pages (${rows.filter((r) => r.rule === 'content').length} content, ${rows.filter((r) => r.rule === 'portal').length} portal, ${rows.filter((r) => r.rule === 'notices').length} notices) · ` +
    `largest first visit ${fmt(largest.total)} kB (${largest.path}) · largest JS ${fmt(largestJs.js)} kB (${largestJs.path}) · ` +
    `SW registration ${reg.length ? reg.map(fmt).join('/') : '—'} kB${precache} · ` +
    (failures.length ? `${failures.length} over budget` : 'all within budget'),
);
if (failures.length) {
  console.log('');
  for (const f of failures) console.log(`OVER BUDGET ${f}`);
  process.exit(1);
}
