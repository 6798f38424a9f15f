// @ts-check
/**
 * The service worker of the PWA, generated after every build with Workbox's generateSW into
 * `dist/sw.js` (one file: the Workbox runtime is inlined).
 *
 * - Precache: every page (each `index.html`, both languages) and every asset of dist (JS,
 *   CSS, images, manifests, fonts), each with a revision hash. Hashed files under /_astro/
 *   are versioned by their name and carry no extra revision. Search parameters are ignored
 *   when a request is matched against the precache.
 * - Navigations (GET, same origin, not /db/): network first with a short timeout. A page is
 *   never answered from the precache while the network answers, so a resident always reads
 *   the current text when online. Without a network (or on a 502/503/504) the precached copy
 *   of the page is served, and for a page that is not precached the offline page of its
 *   language (/offline/ or /en/offline/).
 * - /db/ (the CouchDB API) and every non-GET request are never handled: no route matches
 *   them, so the browser sends them to the network as if there were no service worker. The same
 *   holds for /api/ (fetches, not navigations): /api/outages is never answered from a cache as
 *   if it were static; the outage page keeps its last good answer itself and says how old it is
 *   (src/islands/outages/).
 * - Updates: `skipWaiting: false`. A new worker waits until the page asks it, after the
 *   resident accepted the update prompt (src/scripts/registerServiceWorker.ts), to
 *   take over with a SKIP_WAITING message; then it claims the open pages.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { generateSW } from 'workbox-build';

/** Prefix of every cache name; the precache is `${CACHE_ID}-precache-v2-${scope}`. */
export const CACHE_ID = 'hearthline';
/** Seconds a navigation waits for the network before the precached page is served. */
export const NAVIGATION_TIMEOUT_SECONDS = 3;

// The functions below are copied as source text into sw.js (workbox-build stringifies
// them), so they may use nothing but the service worker's globals: no imports, no closures.

/**
 * Navigations of this origin, except the CouchDB API under /db/.
 * @param {{ request: Request, url: URL }} options
 */
function isPageNavigation({ request, url }) {
  return request.mode === 'navigate' && url.origin === self.location.origin && !/^\/db(\/|$)/.test(url.pathname);
}

/**
 * Fallbacks of the navigation route. NetworkFirst looks in its own cache when the network
 * fails or is slower than the timeout; that cache stays empty, and `cachedResponseWillBeUsed`
 * answers from the precache instead. When neither the network nor the precache has the page,
 * `handlerDidError` answers with the offline page of the URL's language.
 * @type {import('workbox-core/types').WorkboxPlugin}
 */
const pageFallbackPlugin = {
  // Pages live in the precache, which each new worker replaces as a whole with pages and
  // assets that belong together: keep no second copy that could outlive its assets.
  cacheWillUpdate: async () => null,
  // A gateway that answers for an unreachable server is no better than no network.
  fetchDidSucceed: async ({ response }) => {
    if (response.status === 502 || response.status === 503 || response.status === 504) {
      throw new Error(`navigation answered ${response.status}`);
    }
    return response;
  },
  cachedResponseWillBeUsed: async ({ request, cachedResponse }) => {
    if (cachedResponse) return cachedResponse;
    const path = new URL(request.url).pathname;
    const cache = await caches.open(`hearthline-precache-v2-${/** @type {any} */ (self).registration.scope}`);
    for (const candidate of path.endsWith('/') ? [`${path}index.html`] : [path, `${path}/index.html`]) {
      // Precache keys carry a __WB_REVISION__ parameter; while a new worker waits, both
      // revisions are stored and the older one, the one of the controlling worker, comes first.
      const response = await cache.match(candidate, { ignoreSearch: true });
      if (response) return response;
    }
    return null;
  },
  handlerDidError: async ({ request }) => {
    const path = new URL(request.url).pathname;
    const cache = await caches.open(`hearthline-precache-v2-${/** @type {any} */ (self).registration.scope}`);
    const offline = /^\/en(\/|$)/.test(path) ? '/en/offline/index.html' : '/offline/index.html';
    return (await cache.match(offline, { ignoreSearch: true })) ?? undefined;
  },
};

/**
 * @param {{ dir: string; logger?: { info(message: string): void; warn(message: string): void } }} options
 * `dir`: the built site (dist) as a path.
 */
export async function writeServiceWorker({ dir, logger }) {
  const swDest = `${dir.replace(/\/$/, '')}/sw.js`;
  const { count, size, warnings } = await generateSW({
    swDest,
    globDirectory: dir,
    globPatterns: ['**/*.{html,js,mjs,css,svg,png,jpg,jpeg,gif,webp,avif,ico,webmanifest,json,txt,csv,woff,woff2,ttf,otf}'],
    // 404.html is served by the server for unknown URLs; the offline page stands in offline.
    // RxDB's dev-mode and ajv validator are split chunks that production never loads
    // (src/db/device/database.ts turns them on only outside production builds).
    globIgnores: ['**/node_modules/**', 'sw.js', 'workbox-*.js', '**/*.map', 'db/**', '404.html', '_astro/dev-mode.*.js', '_astro/validate-ajv.*.js'],
    dontCacheBustURLsMatching: /^_astro\//,
    maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
    mode: 'production',
    sourcemap: false,
    inlineWorkboxRuntime: true,
    cacheId: CACHE_ID,
    skipWaiting: false,
    clientsClaim: true,
    cleanupOutdatedCaches: true,
    // The precache route must not answer navigations (that would make them cache first):
    // it matches only exact URLs such as /_astro/x.js or /en/index.html (and x.html for x,
    // which no navigation of this site asks for). Navigations to
    // /en/ go to the network-first route below, which falls back to /en/index.html.
    directoryIndex: null,
    ignoreURLParametersMatching: [/.*/],
    runtimeCaching: [
      {
        urlPattern: isPageNavigation,
        handler: 'NetworkFirst',
        method: 'GET',
        options: {
          cacheName: `${CACHE_ID}-pages`,
          networkTimeoutSeconds: NAVIGATION_TIMEOUT_SECONDS,
          plugins: [pageFallbackPlugin],
        },
      },
    ],
  });
  for (const warning of warnings) logger?.warn(warning);
  logger?.info(`sw.js precaches ${count} files, ${(size / 1024).toFixed(1)} KiB`);
  return { count, size, warnings, swDest };
}

/** @returns {import('astro').AstroIntegration} */
export default function serviceWorker() {
  return {
    name: 'hearthline:service-worker',
    hooks: {
      'astro:config:setup': ({ command, updateConfig }) => {
        updateConfig({
          vite: {
            // Registration happens in built sites only, never under `astro dev`. Not
            // import.meta.env.PROD: that follows NODE_ENV, which a test runner sets to 'test'.
            define: { __HEARTHLINE_REGISTER_SW__: JSON.stringify(command === 'build') },
            // workbox-window's package "module" is an ES5 build (2.3 KB gzip); the ES2017
            // build is 1.4 KB. Every browser with service workers runs ES2017.
            resolve: {
              alias: [
                {
                  find: /^workbox-window$/,
                  replacement: createRequire(import.meta.url).resolve('workbox-window/build/workbox-window.prod.mjs'),
                },
              ],
            },
          },
        });
      },
      'astro:build:done': async ({ dir, logger }) => {
        await writeServiceWorker({ dir: fileURLToPath(dir), logger });
      },
    },
  };
}
