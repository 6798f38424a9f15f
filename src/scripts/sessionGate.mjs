// @ts-check
/**
 * The script in the head of every signed-in page (AppPage.astro), run before the first paint:
 * it marks a device that keeps a signed-in session (`<html data-session>`), with the same shape
 * check as the device's session store (src/db/device/sessionStore.ts). The portal's and the
 * console's shells are rendered at build time with the visitor's sign-in form; on a marked
 * device the page's CSS shows a neutral "loading" line in its place until the island draws the
 * user's own view (Portal.tsx), so a signed-in user never sees the sign-in form flash.
 *
 * Inline (a fetched script would delay the first paint by a request), so the page's CSP needs
 * its hash: astro.config.mjs adds SESSION_GATE_HASH to Astro's script hashes.
 */
import { createHash } from 'node:crypto';

export const SESSION_GATE_SCRIPT =
  "try{var s=JSON.parse(localStorage.getItem('hearthline:session')||'null');" +
  "if(s&&typeof s.name=='string'&&typeof s.database=='string'&&Array.isArray(s.roles))document.documentElement.dataset.session=''}catch(e){}";

/** The script's CSP hash. @type {`sha256-${string}`} */
export const SESSION_GATE_HASH = `sha256-${createHash('sha256').update(SESSION_GATE_SCRIPT).digest('base64')}`;
