/**
 * The real server process (node server/main.mjs) serving the built dist/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBuiltPages } from './support/pages';
import { DIST_DIR, startSite, testNamespace, type Site } from '../support/server';

let site: Site;
const pages = listBuiltPages();
const realPages = pages.filter((p) => !p.redirect);

beforeAll(async () => {
  site = await startSite();
});

afterAll(async () => {
  await site?.stop();
});

const get = (urlPath: string, init?: RequestInit) => fetch(`${site.url}${urlPath}`, { redirect: 'manual', ...init });

/** The directives of a CSP header, name → source list. */
function directives(csp: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) out.set(name.toLowerCase(), values);
  }
  return out;
}

function metaCsp(html: string): string | undefined {
  const tag = html.match(/<meta\s[^>]*http-equiv=["']?content-security-policy["']?[^>]*>/i)?.[0];
  return tag?.match(/content="([^"]*)"/i)?.[1]?.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

function langOf(html: string): string | undefined {
  return html.match(/<html\b[^>]*\blang=["']?([^"'\s>]+)/i)?.[1];
}

function firstAstroAsset(ext: string): string | undefined {
  try {
    return readdirSync(path.join(DIST_DIR, '_astro')).find((f) => f.endsWith(ext));
  } catch {
    return undefined;
  }
}

describe('the built site', () => {
  it('has pages in both languages', () => {
    expect(realPages.map((p) => p.path)).toContain('/');
    expect(realPages.map((p) => p.path)).toContain('/en/');
  });
});

describe('home pages', () => {
  it.each([
    ['/', 'zh-CN'],
    ['/en/', 'en'],
  ])('%s is 200 text/html with <html lang="%s">', async (urlPath, lang) => {
    const res = await get(urlPath);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html\b/);
    expect(res.headers.get('content-type')).toMatch(/charset=utf-8/i);
    expect(langOf(await res.text())).toBe(lang);
  });
});

describe('every built page', () => {
  it('answers 200 with HTML in its language', async () => {
    expect(realPages.length).toBeGreaterThan(1);
    const failures: string[] = [];
    for (const page of realPages) {
      const res = await get(page.path);
      const body = await res.text();
      if (res.status !== 200) failures.push(`${page.path}: status ${res.status}`);
      else if (!/^text\/html\b/.test(res.headers.get('content-type') ?? '')) failures.push(`${page.path}: ${res.headers.get('content-type')}`);
      else if (langOf(body) !== page.lang) failures.push(`${page.path}: <html lang="${langOf(body)}">, expected ${page.lang}`);
      else if (body !== readFileSync(page.file, 'utf8')) failures.push(`${page.path}: body differs from ${page.file}`);
    }
    expect(failures, failures.join('\n')).toEqual([]);
  });

  it('answers HEAD too', async () => {
    const res = await get('/', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });
});

describe('not found', () => {
  it('an unknown path is 404 with the 404 page', async () => {
    const res = await get('/no-such-page-here/');
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^text\/html\b/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const body = await res.text();
    expect(body).toBe(readFileSync(path.join(DIST_DIR, '404.html'), 'utf8'));
    expect(langOf(body)).toBe('zh-CN');
    const csp = directives(res.headers.get('content-security-policy') ?? '');
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('an unknown path under /en/ is 404 with the English 404 page when there is one', async () => {
    const res = await get('/en/no-such-page-here/');
    expect(res.status).toBe(404);
    const body = await res.text();
    let expected: string;
    try {
      expected = readFileSync(path.join(DIST_DIR, 'en/404.html'), 'utf8');
    } catch {
      expected = readFileSync(path.join(DIST_DIR, '404.html'), 'utf8');
    }
    expect(body).toBe(expected);
  });

  it('an unknown asset is 404 too, and dotfiles are never served', async () => {
    expect((await get('/_astro/nope.js')).status).toBe(404);
    expect((await get('/.hearthline-build.json')).status).toBe(404);
  });

  it('path traversal does not escape dist/', async () => {
    const res = await get('/..%2f..%2fpackage.json');
    expect([400, 403, 404]).toContain(res.status);
    expect(await res.text()).not.toContain('"devDependencies"');
  });

  it('other methods are refused', async () => {
    const res = await get('/', { method: 'POST', body: 'x' });
    expect(res.status).toBe(405);
  });
});

describe('trailing-slash redirects', () => {
  it('/policies is a 301 to /policies/ keeping the query', async () => {
    const res = await get('/policies?from=test&x=1');
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/policies/?from=test&x=1');
  });

  it('/en is a 301 to /en/', async () => {
    const res = await get('/en');
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/en/');
  });

  it('never redirects to another host', async () => {
    const res = await get('//policies');
    expect(res.headers.get('location') ?? '').not.toMatch(/^\/\//);
  });
});

describe('cache headers', () => {
  it('HTML is no-cache', async () => {
    for (const p of ['/', '/en/', realPages.at(-1)!.path]) {
      const res = await get(p);
      expect(res.headers.get('cache-control'), p).toBe('no-cache');
    }
  });

  it('/_astro/* hashed assets are immutable for a year', async () => {
    const asset = firstAstroAsset('.js') ?? firstAstroAsset('.css') ?? firstAstroAsset('');
    expect(asset, 'dist/_astro/ has no assets').toBeTruthy();
    const res = await get(`/_astro/${asset}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('the web manifest is no-cache application/manifest+json', async (ctx) => {
    const manifest = pages.length && readdirSync(DIST_DIR).find((f) => f.endsWith('.webmanifest'));
    if (!manifest) ctx.skip();
    const res = await get(`/${manifest}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/manifest\+json\b/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('sw.js, when built, is no-cache', async (ctx) => {
    const res = await get('/sw.js');
    if (res.status === 404) ctx.skip();
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.headers.get('content-type')).toMatch(/javascript/);
  });

  it('other static files get a short max-age', async (ctx) => {
    const file = readdirSync(DIST_DIR, { recursive: true, encoding: 'utf8' })
      .map((f) => f.split(path.sep).join('/'))
      .find((f) => /\.(svg|png|ico|txt|json)$/.test(f) && !f.startsWith('_astro/') && !f.startsWith('.'));
    if (!file) ctx.skip();
    const res = await get(`/${file}`);
    expect(res.status).toBe(200);
    const maxAge = Number(res.headers.get('cache-control')?.match(/max-age=(\d+)/)?.[1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(86_400);
    expect(res.headers.get('cache-control')).not.toMatch(/immutable/);
  });
});

describe('security headers', () => {
  it('are on every kind of response', async () => {
    for (const p of ['/', '/healthz', '/no-such-page/', '/policies']) {
      const res = await get(p);
      expect(res.headers.get('x-content-type-options'), p).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), p).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('permissions-policy'), p).toBeTruthy();
      expect(res.headers.get('cross-origin-opener-policy'), p).toBe('same-origin');
      expect(res.headers.get('content-security-policy'), p).toBeTruthy();
      expect(res.headers.get('x-powered-by'), p).toBeNull();
    }
  });

  it('HTML gets the page meta CSP as a header, plus what a meta tag cannot carry', async () => {
    const failures: string[] = [];
    for (const page of realPages) {
      const res = await get(page.path);
      const html = await res.text();
      const header = res.headers.get('content-security-policy') ?? '';
      const csp = directives(header);
      const need: [string, string][] = [
        ['frame-ancestors', "'none'"],
        ['default-src', "'self'"],
        ['object-src', "'none'"],
        ['base-uri', "'self'"],
        ['form-action', "'self'"],
        ['connect-src', "'self'"],
        ['worker-src', "'self'"],
        ['manifest-src', "'self'"],
        ['img-src', "'self'"],
        ['img-src', 'data:'],
      ];
      for (const [name, source] of need) {
        if (!csp.get(name)?.includes(source)) failures.push(`${page.path}: header lacks ${name} ${source}`);
      }
      for (const name of ['script-src', 'style-src', 'default-src']) {
        if (csp.get(name)?.some((s) => s === "'unsafe-inline'" || s === "'unsafe-eval'" || s === '*')) {
          failures.push(`${page.path}: ${name} is not strict: ${csp.get(name)!.join(' ')}`);
        }
      }
      const meta = metaCsp(html);
      if (!meta) {
        failures.push(`${page.path}: no <meta http-equiv="content-security-policy"> (security.csp off?)`);
        continue;
      }
      for (const [name, sources] of directives(meta)) {
        for (const source of sources.filter((s) => s.startsWith("'sha"))) {
          if (!csp.get(name)?.includes(source)) failures.push(`${page.path}: header ${name} lacks the meta's ${source}`);
        }
      }
    }
    expect(failures, failures.join('\n')).toEqual([]);
  });

  it('non-HTML responses get a plain strict CSP', async () => {
    const asset = firstAstroAsset('.js') ?? firstAstroAsset('.css');
    for (const p of ['/healthz', ...(asset ? [`/_astro/${asset}`] : [])]) {
      const csp = directives((await get(p)).headers.get('content-security-policy') ?? '');
      expect(csp.get('default-src'), p).toEqual(["'none'"]);
      expect(csp.get('frame-ancestors'), p).toEqual(["'none'"]);
    }
  });
});

describe('compression', () => {
  it('gzips HTML when asked', async () => {
    const res = await get('/', { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('vary')).toMatch(/accept-encoding/i);
    // fetch decodes it: the body is still the page.
    expect(await res.text()).toBe(readFileSync(path.join(DIST_DIR, 'index.html'), 'utf8'));
  });

  it('uses brotli when asked', async () => {
    const res = await get('/en/', { headers: { 'accept-encoding': 'br' } });
    expect(res.headers.get('content-encoding')).toBe('br');
  });

  it('sends identity when not asked', async () => {
    const res = await get('/', { headers: { 'accept-encoding': 'identity' } });
    expect(res.headers.get('content-encoding')).toBeNull();
    // A shared cache must not give this answer to a browser that takes Brotli, nor the reverse.
    expect(res.headers.get('vary')).toMatch(/accept-encoding/i);
    expect(await res.text()).toBe(readFileSync(path.join(DIST_DIR, 'index.html'), 'utf8'));
  });

  it('falls back to the encoding the browser takes (a refused Brotli, q=0)', async () => {
    const res = await get('/', { headers: { 'accept-encoding': 'br;q=0, gzip' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(Number(res.headers.get('content-length'))).toBe(readFileSync(path.join(DIST_DIR, 'index.html.gz')).length);
  });

  it('sends the copies compressed once at build, with the page\'s own headers (issue 21)', async () => {
    for (const [page, file] of [['/', 'index.html'], ['/en/policies/', 'en/policies/index.html']] as const) {
      for (const [accept, suffix] of [['br', 'br'], ['gzip', 'gz']] as const) {
        const res = await get(page, { headers: { 'accept-encoding': accept } });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-encoding')).toBe(accept);
        expect(res.headers.get('content-type')).toMatch(/^text\/html/);
        expect(res.headers.get('content-security-policy')).toMatch(/script-src/);
        // The bytes are the build's copy, not a fresh compression.
        expect(Number(res.headers.get('content-length'))).toBe(readFileSync(path.join(DIST_DIR, `${file}.${suffix}`)).length);
        expect(await res.text()).toBe(readFileSync(path.join(DIST_DIR, file), 'utf8'));
      }
    }
  });

  it('never serves a file outside dist through the compressed path', async () => {
    for (const attack of ['/..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/package.json', '/..%5c..%5cpackage.json']) {
      const res = await get(attack, { headers: { 'accept-encoding': 'br, gzip' } });
      expect(res.status, attack).toBeGreaterThanOrEqual(400);
      expect(await res.text(), attack).not.toContain('"devDependencies"');
    }
  });
});

describe('/healthz', () => {
  it('is JSON { ok: true, version }', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json\b/);
    const body = (await res.json()) as { ok: boolean; version: string };
    const pkg = JSON.parse(readFileSync(path.join(DIST_DIR, '../package.json'), 'utf8')) as { version: string };
    expect(body).toEqual({ ok: true, version: pkg.version });
  });
});

describe('htmlCsp (server/csp.mjs)', () => {
  it('hashes inline scripts and styles itself when a page has no meta CSP', async () => {
    const { htmlCsp } = await import('../../server/csp.mjs');
    const { createHash } = await import('node:crypto');
    const sha = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    const csp = directives(
      htmlCsp('<html><head><style>p{color:red}</style><script>alert(1)</script><script type="application/ld+json">{}</script><script src="/x.js"></script></head></html>'),
    );
    expect(csp.get('script-src')).toEqual(["'self'", sha('alert(1)')]);
    expect(csp.get('style-src')).toEqual(["'self'", sha('p{color:red}')]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  });

  it('keeps the meta tag directives and forces frame-ancestors', async () => {
    const { htmlCsp } = await import('../../server/csp.mjs');
    const csp = directives(
      htmlCsp(`<meta http-equiv="content-security-policy" content="frame-ancestors *; script-src 'self' 'sha256-abc='; style-src 'self';">`),
    );
    expect(csp.get('script-src')).toEqual(["'self'", "'sha256-abc='"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('default-src')).toEqual(["'self'"]);
  });
});

describe('the server process', () => {
  it('stops cleanly on SIGTERM with exit code 0', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [path.join(DIST_DIR, '../server/main.mjs')], {
      // on the suite's CouchDB: in this file's namespace; its publisher never writes into the checkout's content/
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', HEARTHLINE_NO_BUILD: '1', HEARTHLINE_DB_PREFIX: testNamespace, HEARTHLINE_PUBLISHER: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const m = out.match(/listening on (http:\/\/\S+?)\/?\s/);
        if (m?.[1]) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
    });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
