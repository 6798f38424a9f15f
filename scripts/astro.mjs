#!/usr/bin/env node
// Runs Astro through its JavaScript API. Astro 6.0's `astro` binary refuses Node 20 with a
// hard-coded ">=22.12.0" check, although the package itself declares and supports
// "^20.19.1 || >=22.12.0"; our machines run Node 20, so we call build()/dev()/preview() directly.
import { build, dev, preview, sync } from 'astro';

const command = process.argv[2] ?? 'build';
// sync: generates .astro/ (the astro:content types) so `tsc` works on a fresh clone.
const commands = { build, dev, preview, sync };
const run = commands[command];
if (!run) {
  console.error(`usage: node scripts/astro.mjs ${Object.keys(commands).join('|')}`);
  process.exit(2);
}
try {
  await run({ root: process.cwd() });
} catch (error) {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
}
