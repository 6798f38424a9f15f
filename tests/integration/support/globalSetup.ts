/**
 * globalSetup of the integration project (the e2e project's globalSetup calls it too): builds
 * dist/ once if it is missing or stale, with the same check as `npm start` (server/build.mjs),
 * so an up-to-date dist/ is not rebuilt. Concurrent callers wait on one build.
 */
import { ensureBuilt } from '../../../server/build.mjs';

export async function buildSiteOnce(): Promise<void> {
  const { built, reason, ms } = await ensureBuilt({ log: (msg) => console.log(msg) });
  if (built) console.log(`[globalSetup] built dist/ (${reason}) in ${(ms / 1000).toFixed(1)} s`);
}

export default async function setup(): Promise<void> {
  await buildSiteOnce();
}
