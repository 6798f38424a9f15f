// @ts-check
/**
 * The Hearthline HTTP app: one express app that serves the built site (dist/) and, later, more
 * (the CouchDB backend at /db). server/main.mjs builds the site if needed and listens; tests and
 * other entry points can call createApp() directly.
 *
 * Serving rules
 * - /foo/ serves dist/foo/index.html; /foo (a folder) is a 301 to /foo/ keeping the query.
 * - Unknown paths: 404 with dist/404.html (dist/en/404.html for /en/…, when it exists).
 * - Cache-Control: HTML, sw.js and *.webmanifest `no-cache`; /_astro/* (hashed)
 *   `public, max-age=31536000, immutable`; other static files `public, max-age=3600`.
 * - gzip/brotli via compression; .webmanifest is application/manifest+json.
 * - Security headers on every response (see securityHeaders below); HTML gets the page's own
 *   CSP (its Astro meta CSP merged over a strict base, see csp.mjs), sw.js a worker CSP, every
 *   other response `default-src 'none'; frame-ancestors 'none'`.
 */
import compression from 'compression';
import express from 'express';
import { readFile } from 'node:fs/promises';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { PRECOMPRESSED } from '../src/integrations/precompress.mjs';
import path from 'node:path';
import { ASSET_CSP, WORKER_CSP, htmlCsp } from './csp.mjs';
import { ROOT } from './build.mjs';

const HTML_CACHE = 'no-cache';
const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
const SHORT_CACHE = 'public, max-age=3600';

/** Headers sent on every response, whatever serves it. */
export const SECURITY_HEADERS = Object.freeze({
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
});

/** @returns {string} */
function readVersion() {
  try {
    return JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * @typedef {object} AppOptions
 * @property {string | (() => string)} [distDir] the built site (default: <repo>/dist); a function
 *   when the served folder changes while the server runs (the publisher swaps in a new build:
 *   each request is served from the folder current when it arrives)
 * @property {Record<string, import('express').RequestHandler | import('express').Router>} [mounts]
 *   extra handlers mounted before the static site, e.g. { '/db': couchProxy }. They get the
 *   security headers and the asset CSP (default-src 'none') like every non-HTML response.
 * @property {string} [version] reported by /healthz (default: package.json's version)
 * @property {boolean | string | number} [trustProxy] express's 'trust proxy' setting: which
 *   reverse proxies' X-Forwarded-For/-Proto to believe (default: none). The sign-in limits count
 *   per client address, so only trust a proxy that sets these headers itself.
 */

/**
 * Continuous and eventsource change feeds must reach the client as they are written; gzip would
 * hold them back until its buffer fills.
 * @param {import('express').Request} req
 */
function isStreamingFeed(req) {
  return /\/_changes(?:\?|$)/.test(req.originalUrl) && /[?&]feed=(?:continuous|eventsource)\b/.test(req.originalUrl);
}

/**
 * @param {AppOptions} [options]
 * @returns {import('express').Express}
 */
export function createApp({
  distDir = path.join(ROOT, 'dist'),
  mounts = {},
  version = readVersion(),
  trustProxy = false,
} = {}) {
  const currentDist = typeof distDir === 'function' ? () => path.resolve(distDir()) : ((d) => () => d)(path.resolve(distDir));
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxy);
  app.set('etag', 'strong');

  /** CSP header per HTML file, read lazily and cached by path and mtime. */
  /** @type {Map<string, { mtimeMs: number, csp: string }>} */
  const cspCache = new Map();
  /**
   * @param {string} file
   * @param {number} mtimeMs
   */
  function cspForHtmlFile(file, mtimeMs) {
    const hit = cspCache.get(file);
    if (hit && hit.mtimeMs === mtimeMs) return hit.csp;
    const csp = htmlCsp(readFileSync(file, 'utf8'));
    cspCache.set(file, { mtimeMs, csp });
    return csp;
  }

  app.use((req, res, next) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    // Only origin-form targets ('/path?query'). An absolute-form target ('a://operations/db/x')
    // is routed by express on its path while handlers that read req.url see the scheme and
    // host: the /db guard once let one through that way (issue #17, finding 10).
    if (!req.url.startsWith('/')) {
      res.status(400);
      res.setHeader('Content-Type', 'application/json');
      res.setHeader('Connection', 'close');
      res.end(JSON.stringify({ error: 'bad_request', reason: 'The request target must be an origin-form path (starting with /).', rule: 'request-target' }) + '\n');
      return;
    }
    // The default for everything; the static handler replaces it for HTML and workers.
    res.setHeader('Content-Security-Policy', ASSET_CSP);
    next();
  });

  app.use(compression({ filter: (req, res) => !isStreamingFeed(req) && compression.filter(req, res) }));

  app.get('/healthz', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ ok: true, version });
  });

  for (const [mountPath, handler] of Object.entries(mounts)) app.use(mountPath, handler);

  // /policies → 301 /policies/ keeping the query string, when dist/policies/index.html exists.
  app.use((req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path.endsWith('/')) return next();
    // '//host/x' would become a protocol-relative Location: never redirect those.
    if (req.path.startsWith('//') || req.path.includes('\\')) return next();
    let decoded;
    try {
      decoded = decodeURIComponent(req.path);
    } catch {
      return next();
    }
    const dist = currentDist();
    const dir = path.join(dist, decoded);
    if (!dir.startsWith(dist + path.sep) || decoded.includes('\0')) return next();
    if (!existsSync(path.join(dir, 'index.html'))) return next();
    const q = req.originalUrl.indexOf('?');
    const query = q >= 0 ? req.originalUrl.slice(q) : '';
    res.setHeader('Cache-Control', SHORT_CACHE);
    res.redirect(301, `${req.path}/${query}`);
  });

  /**
   * The headers of a file of dist (caching, CSP), for the static handler and for its
   * precompressed copy alike.
   * @param {import('express').Response} res @param {string} dist @param {string} file @param {{ mtimeMs: number }} stat
   */
  function setFileHeaders(res, dist, file, stat) {
    const rel = path.relative(dist, file).split(path.sep).join('/');
    const base = path.posix.basename(rel);
    if (base.endsWith('.html')) {
      res.setHeader('Cache-Control', HTML_CACHE);
      res.setHeader('Content-Security-Policy', cspForHtmlFile(file, stat.mtimeMs));
    } else if (base === 'sw.js') {
      res.setHeader('Cache-Control', HTML_CACHE);
      res.setHeader('Content-Security-Policy', WORKER_CSP);
      res.setHeader('Service-Worker-Allowed', '/');
    } else if (base.endsWith('.webmanifest')) {
      res.setHeader('Cache-Control', HTML_CACHE);
      res.setHeader('Content-Type', 'application/manifest+json; charset=utf-8');
    } else if (rel.startsWith('_astro/')) {
      res.setHeader('Cache-Control', IMMUTABLE_CACHE);
    } else {
      if (/^workbox-[\w-]+\.js$/.test(base)) res.setHeader('Content-Security-Policy', WORKER_CSP);
      res.setHeader('Cache-Control', SHORT_CACHE);
    }
  }

  /** @param {string} dist */
  const serveStatic = (dist) =>
    express.static(dist, {
      index: ['index.html'],
      redirect: false, // done above
      dotfiles: 'ignore',
      fallthrough: true,
      etag: true,
      lastModified: true,
      setHeaders(res, file, stat) {
        setFileHeaders(res, dist, file, stat);
      },
    });

  // The Brotli or gzip copy made at build (src/integrations/precompress.mjs), when the browser
  // takes it: the server compresses nothing per request for these files.
  app.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const served = precompressedCopy(currentDist(), req.path, req.acceptsEncodings('br', 'gzip'));
    if (!served) return next();
    res.setHeader('Content-Encoding', served.encoding);
    res.setHeader('Vary', 'Accept-Encoding');
    res.type(path.extname(served.file));
    setFileHeaders(res, currentDist(), served.file, served.stat);
    res.sendFile(served.copy, { dotfiles: 'deny', etag: true, lastModified: true }, (err) => {
      // A copy gone since the check (a rebuild): the static handler answers instead.
      if (err) next(/** @type {{ status?: number }} */ (err).status === 404 ? undefined : err);
    });
  });

  /** One static handler per served folder (one, or two while a new build is swapped in). */
  /** @type {Map<string, import('express').RequestHandler>} */
  const staticHandlers = new Map();
  app.use((req, res, next) => {
    const dist = currentDist();
    let handler = staticHandlers.get(dist);
    if (!handler) {
      if (staticHandlers.size > 4) staticHandlers.clear();
      handler = serveStatic(dist);
      staticHandlers.set(dist, handler);
    }
    handler(req, res, next);
  });

  /** @param {string} urlPath */
  function notFoundPage(urlPath) {
    const dist = currentDist();
    const candidates = [];
    const lang = urlPath.match(/^\/(en)(\/|$)/)?.[1];
    if (lang) candidates.push(path.join(dist, lang, '404.html'));
    candidates.push(path.join(dist, '404.html'));
    return candidates.find((f) => existsSync(f));
  }

  app.use(async (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      res.status(405).type('text/plain').send('Method Not Allowed\n');
      return;
    }
    const file = notFoundPage(req.path);
    res.status(404);
    res.setHeader('Cache-Control', HTML_CACHE);
    if (!file) {
      res.type('text/plain').send('Not Found\n');
      return;
    }
    try {
      const html = await readFile(file, 'utf8');
      res.setHeader('Content-Security-Policy', htmlCsp(html));
      res.type('html').send(html);
    } catch (err) {
      next(err);
    }
  });

  /** @type {import('express').ErrorRequestHandler} */
  const onError = (err, _req, res, _next) => {
    const status = typeof err?.status === 'number' && err.status >= 400 ? err.status : 500;
    if (status >= 500) console.error('[hearthline] request failed:', err);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(status).type('text/plain').send(status >= 500 ? 'Internal Server Error\n' : `${err.message}\n`);
  };
  app.use(onError);

  return app;
}

/**
 * The precompressed copy of the file a request path names in `dist` (`/x/` is `/x/index.html`),
 * in the encoding the browser prefers: null when it takes neither, the file is not one that is
 * precompressed, either file is missing, or the copy is older than the file (then the static
 * handler answers as before).
 * @param {string} dist @param {string} urlPath @param {string | false} accepted
 * @returns {{ file: string; copy: string; encoding: 'br' | 'gzip'; stat: import('node:fs').Stats } | null}
 */
export function precompressedCopy(dist, urlPath, accepted) {
  if (accepted !== 'br' && accepted !== 'gzip') return null;
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const target = decoded.endsWith('/') ? `${decoded}index.html` : decoded;
  if (!PRECOMPRESSED.test(target) || path.posix.basename(target).startsWith('.')) return null;
  const file = path.join(dist, target);
  if (!file.startsWith(dist + path.sep)) return null;
  const copy = `${file}.${accepted === 'br' ? 'br' : 'gz'}`;
  try {
    const stat = statSync(file);
    if (!stat.isFile() || !existsSync(copy)) return null;
    // A copy older than its file is stale (the file was changed after the build, by hand or by
    // a partial deploy): the file itself is served, compressed on the fly.
    if (statSync(copy).mtimeMs < stat.mtimeMs) return null;
    return { file, copy, encoding: accepted, stat };
  } catch {
    return null;
  }
}
