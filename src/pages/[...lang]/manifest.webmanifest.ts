import type { APIRoute, GetStaticPaths } from 'astro';
import { dictionary, langParams, localeHref, type Lang } from '../../i18n';

/** Brand colours of the installed app; the layout's `<meta name="theme-color">` uses the same. */
const THEME_COLOR = '#9a3412';
const BACKGROUND_COLOR = '#fffaf5';

/**
 * The web app manifest of one language: `/manifest.webmanifest` (Chinese) and
 * `/en/manifest.webmanifest` (English). Each installs an app that opens at its own
 * language's home page and keeps its own scope, so the two can be installed side by side.
 */
export const getStaticPaths = (() => langParams()) satisfies GetStaticPaths;

function webAppManifest(lang: Lang) {
  const t = dictionary(lang);
  const home = localeHref(lang, '/');
  return {
    id: home,
    name: t.siteName,
    short_name: t.pwa.shortName,
    description: t.pwa.description,
    lang: t.htmlLang,
    dir: 'ltr',
    start_url: home,
    scope: home,
    display: 'standalone',
    theme_color: THEME_COLOR,
    background_color: BACKGROUND_COLOR,
    icons: [
      { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
      { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
      { src: '/icons/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
    ],
  };
}

export const GET: APIRoute = ({ props }) =>
  new Response(JSON.stringify(webAppManifest((props as { lang: Lang }).lang), null, 2), {
    headers: { 'Content-Type': 'application/manifest+json; charset=utf-8' },
  });
