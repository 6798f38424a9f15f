/**
 * The pages of the built site, found by walking dist/ for index.html files.
 *
 *   listBuiltPages(distDir = DIST_DIR): BuiltPage[]   sorted by path
 *   BuiltPage = { path: '/policies/' | '/en/policies/' …, file, lang: 'zh-CN' | 'en',
 *                 neutralPath: '/policies/' (path without the /en prefix), redirect: boolean }
 *   counterpartPath(path): the same page in the other language ('/x/' ↔ '/en/x/')
 *   expectedLang(path): 'en' under /en/, else 'zh-CN'
 *
 * redirect is true for Astro's meta-refresh redirect pages (config `redirects`), which are not
 * real pages: tests check them separately or skip them.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DIST_DIR } from '../../support/server';

export type Lang = 'zh-CN' | 'en';

export interface BuiltPage {
  /** URL path with a trailing slash, e.g. '/en/policies/heating-season/'. */
  path: string;
  /** The index.html file. */
  file: string;
  lang: Lang;
  /** The path without the language prefix, e.g. '/policies/heating-season/'. */
  neutralPath: string;
  /** An Astro meta-refresh redirect page rather than a real page. */
  redirect: boolean;
}

export function expectedLang(urlPath: string): Lang {
  return urlPath === '/en/' || urlPath.startsWith('/en/') ? 'en' : 'zh-CN';
}

export function neutralPath(urlPath: string): string {
  return expectedLang(urlPath) === 'en' ? urlPath.slice('/en'.length) || '/' : urlPath;
}

export function counterpartPath(urlPath: string): string {
  return expectedLang(urlPath) === 'en' ? neutralPath(urlPath) : `/en${urlPath}`;
}

export function listBuiltPages(distDir: string = DIST_DIR): BuiltPage[] {
  const pages: BuiltPage[] = [];
  const walk = (dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name.startsWith('.') || (dir === distDir && entry.name === '_astro')) continue;
        walk(full);
      } else if (entry.name === 'index.html') {
        const rel = path.relative(distDir, path.dirname(full)).split(path.sep).join('/');
        const urlPath = rel ? `/${rel}/` : '/';
        const html = readFileSync(full, 'utf8');
        pages.push({
          path: urlPath,
          file: full,
          lang: expectedLang(urlPath),
          neutralPath: neutralPath(urlPath),
          redirect: /<meta\s[^>]*http-equiv=["']?refresh/i.test(html),
        });
      }
    }
  };
  walk(distDir);
  return pages.sort((a, b) => a.path.localeCompare(b.path));
}
