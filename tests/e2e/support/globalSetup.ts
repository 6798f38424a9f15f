/**
 * globalSetup of the e2e project: builds dist/ once if needed (same check as `npm start`) and
 * makes sure Debian's Chromium is installed (installing it with apt-get when running as root).
 */
import { buildSiteOnce } from '../../integration/support/globalSetup';
import { ensureChromium } from '../../support/chromium';

export default async function setup(): Promise<void> {
  ensureChromium();
  await buildSiteOnce();
}
