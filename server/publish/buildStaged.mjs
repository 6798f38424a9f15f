#!/usr/bin/env node
// @ts-check
/**
 * `node server/publish/buildStaged.mjs <project> <outDir>`: builds a staged copy of the
 * project (server/publish/publication.mjs made it) into <outDir> with Astro's JS API, as
 * scripts/astro.mjs does for `npm run build` (Astro 6's bin refuses Node 20). The cache goes
 * inside the copy, so a publication never shares Astro's content cache with the main build.
 * Exit 0 built, 1 failed (the error on stderr).
 */
import path from 'node:path';
import { build } from 'astro';

const [project, outDir] = process.argv.slice(2);
if (!project || !outDir) {
  console.error('usage: node server/publish/buildStaged.mjs <project> <outDir>');
  process.exit(2);
}
try {
  await build({ root: path.resolve(project), outDir: path.resolve(outDir), cacheDir: path.join(path.resolve(project), '.astro-cache'), logLevel: 'warn' });
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
}
