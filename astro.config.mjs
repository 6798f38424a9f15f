// @ts-check
import { defineConfig } from 'astro/config';
import solid from '@astrojs/solid-js';
import serviceWorker from './src/integrations/serviceWorker.mjs';
import precompress from './src/integrations/precompress.mjs';
import hydrateOnNeed from './src/integrations/hydrateOnNeed.mjs';
import { createHash } from 'node:crypto';
import { generateHydrationScript } from 'solid-js/web';
import { SESSION_GATE_HASH } from './src/scripts/sessionGate.mjs';

// Solid's hydration script, which Astro puts inline before the first island it renders at build
// (the portal's and the console's shells) but leaves out of the page's CSP hashes.
/** @type {`sha256-${string}`} */
const SOLID_HYDRATION_HASH = `sha256-${createHash('sha256')
  .update(/<script[^>]*>([\s\S]*?)<\/script>/.exec(generateHydrationScript())?.[1] ?? '')
  .digest('base64')}`;

// A static site: every page is HTML built ahead of time, served by server/main.mjs,
// and precached by the service worker so residents can read it offline.
export default defineConfig({
  output: 'static',
  site: process.env.HEARTHLINE_SITE_URL ?? 'http://127.0.0.1:4321',
  trailingSlash: 'always',
  build: { format: 'directory', inlineStylesheets: 'always' },
  // precompress last: it compresses what the others wrote (sw.js included).
  integrations: [solid(), hydrateOnNeed(), serviceWorker(), precompress()],
  devToolbar: { enabled: false },
  // Solid's runtime (solid-js, solid-js/web, solid-js/store: every island loads all three) in one
  // chunk: split by Rollup into two or three, each paid its own gzip header and request.
  vite: {
    build: {
      rollupOptions: {
        output: { manualChunks: (id) => (/[\\/]node_modules[\\/]solid-js[\\/]/.test(id) ? 'solid' : undefined) },
      },
    },
  },
  // Policies carry no code; Shiki's inline styles would also break the strict CSP.
  markdown: { syntaxHighlight: false },
  // Astro puts a <meta http-equiv="content-security-policy"> with the hashes of its inline
  // scripts and styles in every page; server/csp.mjs sends it as a header too (plus frame-ancestors).
  // The signed-in pages' head script (written by hand) and Solid's hydration script are inline
  // scripts Astro does not hash itself: their hashes are given here.
  security: { csp: { scriptDirective: { hashes: [SESSION_GATE_HASH, SOLID_HYDRATION_HASH] } } },
});
