/**
 * globalSetup of the integration project (the e2e project's globalSetup calls it too): builds
 * dist/ once if it is missing or stale, with the same check as `npm start` (server/build.mjs),
 * so an up-to-date dist/ is not rebuilt. Concurrent callers wait on one build.
 *
 * It also points HEARTHLINE_DATA at a temporary folder for the run, so that a test which
 * spawns server/main.mjs itself (rather than through startSite, which gives every server its
 * own folder) never touches the repository's data/ — nor collides with an `npm start` using it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBuilt } from '../../../server/build.mjs';

export async function buildSiteOnce(): Promise<void> {
  const { built, reason, ms } = await ensureBuilt({ log: (msg) => console.log(msg) });
  if (built) console.log(`[globalSetup] built dist/ (${reason}) in ${(ms / 1000).toFixed(1)} s`);
}

export default async function setup(): Promise<() => void> {
  await buildSiteOnce();
  if (process.env.HEARTHLINE_DATA) return () => {};
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hearthline-itest-'));
  process.env.HEARTHLINE_DATA = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
