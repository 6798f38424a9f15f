// @ts-check
/**
 * Content-Security-Policy headers.
 *
 * Astro (security.csp in astro.config.mjs) writes a <meta http-equiv="content-security-policy">
 * into every page with the hashes of that page's inline scripts and styles. The server sends the
 * same policy as a header, merged over a strict base, because a meta tag cannot carry
 * frame-ancestors (nor report-uri/sandbox) and a header also covers what runs before the meta
 * tag is parsed. When a page has no meta CSP (csp switched off, or a hand-written HTML file),
 * the server hashes the page's inline <script> and <style> elements itself.
 */
import { createHash } from 'node:crypto';

/** Directives every HTML response gets unless the page's meta CSP sets them. */
export const BASE_HTML_DIRECTIVES = Object.freeze({
  'default-src': "'self'",
  'script-src': "'self'",
  'style-src': "'self'",
  'img-src': "'self' data:",
  'font-src': "'self'",
  'connect-src': "'self'",
  'worker-src': "'self'",
  'manifest-src': "'self'",
  'object-src': "'none'",
  'base-uri': "'self'",
  'form-action': "'self'",
});

/** Directives that always win over the meta tag (a meta tag cannot carry them anyway). */
export const FORCED_HTML_DIRECTIVES = Object.freeze({
  'frame-ancestors': "'none'",
});

/** Everything that is not HTML: nothing may load, nothing may frame it. */
export const ASSET_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * Scripts that run as workers (sw.js and what it importScripts) take their CSP from their own
 * response, so they need 'self' to fetch and import same-origin resources.
 */
export const WORKER_CSP =
  "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * Parses a policy into an ordered map of directive name → value.
 * @param {string} policy
 * @returns {Map<string, string>}
 */
export function parseCsp(policy) {
  /** @type {Map<string, string>} */
  const out = new Map();
  for (const part of policy.split(';')) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const [name = '', ...values] = trimmed.split(/\s+/);
    const key = name.toLowerCase();
    if (!out.has(key)) out.set(key, values.join(' ')); // the first occurrence wins, as in browsers
  }
  return out;
}

/** @param {Map<string, string>} directives */
export function serializeCsp(directives) {
  return [...directives].map(([name, value]) => (value ? `${name} ${value}` : name)).join('; ');
}

/** @param {string} s */
function decodeEntities(s) {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** @param {string} tag @param {string} name */
function attr(tag, name) {
  const m = tag.match(new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i'));
  return m ? decodeEntities(m[1] ?? m[2] ?? m[3] ?? '') : undefined;
}

/**
 * The content of the page's <meta http-equiv="content-security-policy">, or null.
 * @param {string} html
 */
export function extractMetaCsp(html) {
  for (const m of html.matchAll(/<meta\b[^>]*>/gi)) {
    const tag = m[0];
    if ((attr(tag, 'http-equiv') ?? '').toLowerCase() === 'content-security-policy') {
      return attr(tag, 'content') ?? null;
    }
  }
  return null;
}

/** @param {string} text */
function sha256(text) {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * Hashes of the page's inline scripts (those a browser would execute) and inline styles.
 * @param {string} html
 */
export function inlineHashes(html) {
  const scripts = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script\s*>/gi)) {
    const attrs = m[1] ?? '';
    if (/\ssrc\s*=/i.test(` ${attrs}`)) continue;
    const type = (attr(` ${attrs}`, 'type') ?? '').toLowerCase();
    if (type && !['module', 'text/javascript', 'application/javascript'].includes(type)) continue;
    if (m[2]) scripts.push(sha256(m[2]));
  }
  const styles = [];
  for (const m of html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi)) {
    if (m[1]) styles.push(sha256(m[1]));
  }
  return { scripts, styles };
}

/**
 * The CSP header for an HTML document.
 * @param {string} html
 * @returns {string}
 */
export function htmlCsp(html) {
  /** @type {Map<string, string>} */
  const directives = new Map(Object.entries(BASE_HTML_DIRECTIVES));
  const meta = extractMetaCsp(html);
  if (meta) {
    for (const [name, value] of parseCsp(meta)) directives.set(name, value);
  } else {
    const { scripts, styles } = inlineHashes(html);
    if (scripts.length) directives.set('script-src', ["'self'", ...scripts].join(' '));
    if (styles.length) directives.set('style-src', ["'self'", ...styles].join(' '));
  }
  for (const [name, value] of Object.entries(FORCED_HTML_DIRECTIVES)) directives.set(name, value);
  return serializeCsp(directives);
}
