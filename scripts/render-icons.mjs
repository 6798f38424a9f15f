// Renders the PNG icons of the web app manifest from public/icons/icon.svg with headless
// Chromium. Run by hand after changing the SVG (`node scripts/render-icons.mjs`) and commit
// the PNGs: nothing is generated at install or build time.
//
//   icon-192.png, icon-512.png   purpose "any": the SVG as drawn (rounded square, transparent corners)
//   icon-maskable-512.png        purpose "maskable": full-bleed background, the mark scaled to 80 %
//                                so that it stays inside the 40 %-radius safe zone of any mask
import { readFile, writeFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const dir = new URL('../public/icons/', import.meta.url);
const svg = await readFile(new URL('icon.svg', dir), 'utf8');

// The background is the first <rect>; everything after it is the mark.
const background = /<rect width="512" height="512" rx="\d+" fill="(#[0-9a-f]{6})"\/>/i;
const match = svg.match(background);
if (!match) throw new Error('icon.svg: expected a 512×512 background <rect> first');
const [, brand] = match;
const maskable = svg
  .replace(background, `<rect width="512" height="512" fill="${brand}"/><g transform="translate(256 256) scale(0.8) translate(-256 -256)">`)
  .replace('</svg>', '</g></svg>');

const profile = await mkdtemp(join(tmpdir(), 'hearthline-icons-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  const shots = [
    { file: 'icon-192.png', size: 192, source: svg },
    { file: 'icon-512.png', size: 512, source: svg },
    { file: 'icon-maskable-512.png', size: 512, source: maskable },
  ];
  for (const { file, size, source } of shots) {
    await page.setViewportSize({ width: size, height: size });
    const sized = source.replace(/width="512" height="512">/, `width="${size}" height="${size}">`);
    await page.setContent(`<!doctype html><html><body style="margin:0;background:transparent">${sized}</body></html>`);
    const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
    await writeFile(new URL(file, dir), png);
    console.log(`${file} ${size}×${size} ${png.length} bytes`);
  }
} finally {
  await browser.close();
  await rm(profile, { recursive: true, force: true });
}
