/**
 * Lighthouse (mobile, npm's `lighthouse` 12 on Debian's Chromium) on the real server: the
 * figures of the portal's, the console's and the content pages' goals, with their verdicts.
 *
 *   npm run bench:lighthouse [-- --runs 3 --pages /portal/,/staff/,/ | --pages all --no-build]
 *
 * 1. Builds dist/ once if the sources changed (as the tests do), serves a private copy of it
 *    with the real server (tests/support/server.ts: embedded backend, temporary data
 *    folder, free loopback port).
 * 2. Runs Lighthouse `--runs` times (default once) on each page (default: every portal page and
 *    one page of each kind of content page, DEFAULT_PAGES; `all`: every page) (default mobile form factor: Moto G power
 *    emulation, simulated slow 4G, 4× CPU slowdown), each in a fresh Chromium profile with the
 *    flags known to work here (tests/support/chromium.ts). Lighthouse comes from
 *    node_modules/.bin when installed, else `npx -y lighthouse@12`.
 * 3. Prints, per page, the median of each category's score, TBT, CLS, LCP and FCP, and the
 *    1-minute load average beside each run (the machine is shared: 2 cores, and Lighthouse's
 *    simulated timings still follow the CPU it really gets), then the verdicts:
 *      portal pages (/portal/, /staff/, /committee/, their /en/ pages): ≥ 95 in all four
 *      content pages (everything else):                    100 in all four categories
 *    It never fails on a figure.
 *
 * Measured 2026-12-06, 04:57–05:12 UTC, 3 runs a page, 1-minute load 17–31 on the shared 2 cores
 * (Lighthouse's simulated timings scale the main thread's real task times, so TBT follows the
 * load: the same page gave 99 at load 17 and 76 at load 19):
 *   page           perf  a11y  bp  seo  TBT ms  CLS    runs: perf (load)
 *   /portal/        91   100  100  100    366  0.029  99 (16.9), 76 (18.9), 91 (21.4)
 *   /en/portal/     81   100  100  100    779  0.031  99 (23.1), 71 (25.1), 81 (27.6)
 *   /staff/         73   100  100  100   1776  0.000  86 (26.4), 73 (23.8), 71 (24.1)
 *   /en/staff/      91   100  100  100    365  0.000  91 (23.1), 100 (21.9), 91 (21.6)
 *   /               99   100  100  100     96  0.000  100, 99, 99 (21.8–24.1)
 *   /commitments/   97   100  100  100    182  0.000  99, 92, 97 (24.6–30.5)
 *   /results/       90   100  100  100    355  0.000  86, 98, 90 (28.9–30.2)
 *   A single /staff/ run at load 23.2 (04:52): 99, TBT 106 ms, CLS 0.000 (0.166 before its island
 *   got the reserved box). Every accessibility, best-practices and SEO score is 100; performance
 *   misses the goals at this load, by TBT alone.
 *
 * /staff/ after its strings moved from the island's props to a JSON data block (pageData.ts:
 * Astro revived 47.8 kB of props before the island ran; the HTML 90 → 67 kB), 07:45 UTC,
 * `--pages /staff/,/en/staff/ --runs 3 --no-build`, load 47–52:
 *   /staff/         84   100  100  100    616  0.000  84 (47.6), 71 (48.4), 100 (47.9)
 *   /en/staff/      96   100  100  100    225  0.000  72 (51.5), 96 (52.1), 98 (50.4)
 *   at twice the load of the runs above; still bimodal with the load (100 and 71 a minute apart).
 *
 * Measured 2026-12-06, 07:46–08:02 UTC, after issue 21's item 6 (the residents' strings only,
 * the first screen drawn whole, the committee's box reserved: its 0.166 was measured in this run,
 * before that fix), one run a page, 1-minute load 40–54 on the shared 2 cores (Lighthouse's
 * simulated timings scale the main thread's real task times, so TBT follows the load; the same
 * /portal/ gave 84, TBT 640 ms, CLS 0 at load 14 at 06:59 before these changes):
 *   page                          perf  a11y  bp  seo  TBT ms  CLS    load
 *   /portal/                        76   100 100  100    1180  0.000  46.4
 *   /en/portal/                     77   100 100  100    1067  0.000  49.3
 *   /staff/                         85   100 100  100     564  0.000  48.6
 *   /en/staff/                      96   100 100  100     233  0.000  50.9
 *   /committee/                     62   100 100  100    4145  0.166  53.5
 *   /en/committee/                  71   100 100  100     949  0.168  51.7
 *   /                               85   100 100  100     513  0.000  50.2
 *   /en/, /commitments/, /commitments/2025/, /results/2024/, /en/results/2024/: 100 in all four (load 42–54)
 *   /results/ 86, /policies/ 99, /policies/indoor-temperature/ 90, /halls/ 97, /outages/ 75
 *   (CLS 0.045), /offline/ 63: every accessibility, best-practices and SEO score 100;
 *   performance misses by TBT at this load (the /outages/ island still moves the page).
 *
 * The portal's and the console's shells rendered at build time and hydrated (Portal.tsx), the
 * residents' strings in a data block, 2026-12-06 (`--reports` kept each run's JSON):
 *   before, 10:08–10:13 UTC, 3 runs a page, load 6–11:
 *   /portal/        98   100  100  100    175  0.000  LCP 1.21 s  93 (6.0), 99 (6.6), 98 (7.3)
 *   /staff/         90   100  100  100    423  0.000  LCP 0.95 s  88 (8.2), 97 (9.6), 90 (10.6)
 *   /              100   100  100  100     42  0.000              100, 96, 100 (9.6–10.3)
 *   after, 10:59–11:05 UTC, 3 runs a page, load 15–18 (twice the load: not comparable):
 *   /portal/        87   100  100  100    518  0.000  LCP 1.43 s  87 (17.8), 73 (18.0), 92 (17.4)
 *   /staff/         96   100  100  100    236  0.000  LCP 1.65 s  96 (16.2), 100 (15.3), 91 (16.5)
 *   after, 11:36–11:40 UTC, 2 runs a page, load 6–11 (the load of the "before" runs):
 *   /portal/      92.5   100  100  100    327  0.000  LCP 1.40 s  94 (9.6), 91 (9.7)
 *   /en/portal/   96.5   100  100  100    197  0.000  LCP 1.14 s  96 (10.4), 97 (10.9)
 *   /staff/         96   100  100  100    227  0.000  LCP 0.89 s  96 (11.1), 96 (10.5)
 *   /en/staff/      95   100  100  100    263  0.000  LCP 1.17 s  95 (9.5), 95 (8.9)
 *   /               98   100  100  100    146  0.000              100 (8.1), 96 (6.8)
 *   /results/      100   100  100  100     20  0.000              100 (6.5), 100 (6.4)
 *   The first paint is now the sign-in form (the LCP element a paragraph of the page either way);
 *   what is left of TBT is the document's own parse/style/layout tasks and Solid's hydration of
 *   the form (one task of 80–350 ms at 4× slowdown), both growing with the machine's load.
 *
 * The portal's and the console's islands hydrated when needed (client:need,
 * src/scripts/hydrateOnNeed.mjs: at a visitor's first interaction, at once on a signed-in
 * device), 2026-12-06, `npm run bench:lighthouse -- --runs 2 --reports DIR` (before: fa06c51,
 * 13:16–13:36 UTC, 1-minute load 8–24; after: f787651, 13:44–14:04 UTC, load 7–32; both runs
 * shared the machine with builds and e2e tests). Every accessibility, best-practices and SEO
 * score was 100 in both; performance (median of 2, runs with their load):
 *   page              before                      after
 *   /portal/           89  98 (7.7), 80 (9.5)     100  100 (6.8), 100 (8.1)    TBT 483 → 34 ms
 *   /en/portal/        83  77 (10.2), 89 (13.0)   99.5 100 (9.0), 99 (7.7)     TBT 777 → 62 ms
 *   /staff/          79.5  85 (17.0), 74 (19.2)   100  100 (8.3), 100 (10.4)   TBT 979 → 71 ms
 *   /en/staff/         76  77 (20.4), 75 (23.9)   83.5  87 (11.6), 80 (12.8)   TBT 1276 → 653 ms
 *   /committee/      84.5  86 (23.6), 83 (20.6)   92.5  93 (13.6), 92 (13.1)   (unchanged: client:only)
 *   /en/committee/   88.5  78 (19.9), 99 (19.7)   77.5  75 (12.8), 80 (13.1)   (unchanged: client:only)
 *   content pages (unchanged HTML; their spread is the load's): /, /en/, /commitments/,
 *   /commitments/2025/, /results/, /results/2024/, /en/results/2024/, /policies/,
 *   /policies/indoor-temperature/, /halls/, /outages/, /offline/ before 98, 95.5, 98.5, 100,
 *   98.5, 90, 100, 98.5, 99, 100, 89, 100; after 99, 99.5, 99.5, 100, 96.5, 100, 99.5, 89, 97.5,
 *   91.5, 86.5, 98.5.
 *   The final build (99d528e: the same load as f787651; a press kept until its button works),
 *   14:13–14:17 UTC, `--runs 2 --no-build --pages /portal/,/en/portal/,/staff/,/en/staff/`, load 12–16:
 *   /portal/ 92 (87 at 15.1, TBT 480 ms; 97 at 15.5), /en/portal/ 98, /staff/ 99, /en/staff/ 99;
 *   accessibility, best practices, SEO 100. The page now fetches no code of its island before an
 *   interaction: SyncStatus's chain (solid, reactive, client) and the service worker's registration.
 *   What is left on every page is the document's first layout in a fresh Chromium: text shaping
 *   through fontconfig's CJK fallback (trace at 4× slowdown: /portal/'s first layout 669 ms cold,
 *   66 ms in a second tab of the same browser), which Lighthouse's fresh profile always pays and
 *   which grows with the load. Naming the installed fallback font (WenQuanYi) halved it but drew
 *   every Chinese heading without bold (fontconfig emboldens the fallback): not done.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/support/chromium';
import { buildSiteOnce } from '../tests/integration/support/globalSetup';
import { DIST_DIR, REPO_ROOT, startSite } from '../tests/support/server';

/**
 * Every portal page (the residents' portal, the console and the committee area, both languages)
 * and every kind of content page once (each page of a kind is the same template over other
 * content); `--pages all` takes every page of dist.
 */
const DEFAULT_PAGES = [
  '/portal/', '/en/portal/', '/staff/', '/en/staff/', '/committee/', '/en/committee/',
  '/', '/en/', '/commitments/', '/commitments/2025/', '/results/', '/results/2024/', '/en/results/2024/',
  '/policies/', '/policies/indoor-temperature/', '/halls/', '/outages/', '/offline/',
];
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1' },
    pages: { type: 'string', default: DEFAULT_PAGES.join(',') },
    'no-build': { type: 'boolean', default: false },
    /** A folder to keep each run's JSON report in (to read its main-thread breakdown and long tasks). */
    reports: { type: 'string' },
  },
});
const RUNS = Math.max(1, Number(values.runs));
/** Every page of dist (each index.html), as URL paths. */
function allPages(dir = DIST_DIR, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory() && !e.name.startsWith('_')) allPages(path.join(dir, e.name), out);
    else if (e.name === 'index.html') {
      const rel = path.relative(DIST_DIR, dir).split(path.sep).join('/');
      out.push(rel ? `/${rel}/` : '/');
    }
  }
  return out.sort();
}
const PAGES = values.pages === 'all' ? allPages() : values.pages.split(',').map((p) => p.trim()).filter(Boolean);
const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'] as const;
const GOAL_APP = 95;
const GOAL_CONTENT = 100;
const isAppPage = (page: string) => /^\/(en\/)?(portal|staff|committee)\//.test(page);

interface Run {
  scores: Record<(typeof CATEGORIES)[number], number>;
  tbt: number;
  cls: number;
  lcp: number;
  fcp: number;
  load: number;
}

const load = () => os.loadavg()[0]!;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function lighthouseCommand(): { cmd: string; args: string[] } {
  const local = path.join(REPO_ROOT, 'node_modules/.bin/lighthouse');
  return existsSync(local) ? { cmd: local, args: [] } : { cmd: 'npx', args: ['-y', 'lighthouse@12'] };
}

async function lighthouse(url: string): Promise<Run> {
  const profile = mkdtempSync(path.join(os.tmpdir(), 'hearthline-lighthouse-'));
  const out = path.join(profile, 'report.json');
  const { cmd, args } = lighthouseCommand();
  const loadBefore = load();
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(
        cmd,
        [
          ...args,
          url,
          '--output=json',
          `--output-path=${out}`,
          '--quiet',
          `--only-categories=${CATEGORIES.join(',')}`,
          `--chrome-flags=${[...CHROMIUM_ARGS, `--user-data-dir=${path.join(profile, 'chromium')}`].join(' ')}`,
          '--max-wait-for-load=60000',
        ],
        { env: { ...process.env, CHROME_PATH: CHROMIUM_PATH }, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (d) => (stderr = (stderr + String(d)).slice(-4000)));
      const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        if (code === 0 && existsSync(out)) resolve();
        else reject(new Error(`lighthouse ${url} exited with ${code}: ${stderr}`));
      });
    });
    const lhr = JSON.parse(readFileSync(out, 'utf8')) as {
      categories: Record<string, { score: number | null }>;
      audits: Record<string, { numericValue?: number }>;
      runtimeError?: { message: string };
    };
    if (lhr.runtimeError) throw new Error(`lighthouse ${url}: ${lhr.runtimeError.message}`);
    if (values.reports) {
      mkdirSync(values.reports, { recursive: true });
      const name = `${new URL(url).pathname.replace(/\//g, '_') || '_'}-${new Date().toISOString().replace(/[:.]/g, '')}.json`;
      cpSync(out, path.join(values.reports, name));
    }
    const scores = Object.fromEntries(CATEGORIES.map((c) => [c, Math.round((lhr.categories[c]?.score ?? 0) * 100)])) as Run['scores'];
    const num = (id: string) => lhr.audits[id]?.numericValue ?? NaN;
    return {
      scores,
      tbt: num('total-blocking-time'),
      cls: num('cumulative-layout-shift'),
      lcp: num('largest-contentful-paint'),
      fcp: num('first-contentful-paint'),
      load: (loadBefore + load()) / 2,
    };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

/** Lighthouse sometimes loses its trace on a loaded machine (NO_NAVSTART, NO_FCP): such a run is taken again, twice at most. */
async function withRetries(run: () => Promise<Run>): Promise<Run> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= 3) throw err;
      console.log(`  (run failed, taken again: ${String((err as Error).message).split('\n')[0]!.slice(0, 160)})`);
    }
  }
}

if (!values['no-build']) await buildSiteOnce();
const distCopy = mkdtempSync(path.join(os.tmpdir(), 'hearthline-lighthouse-dist-'));
cpSync(DIST_DIR, distCopy, { recursive: true });
const site = await startSite({ env: { HEARTHLINE_ROUTER: '0', HEARTHLINE_DIST: distCopy } });
const verdicts: string[] = [];
try {
  console.log(`server ${site.url}; ${RUNS} run(s) a page; machine: ${os.availableParallelism()} cores, shared (load: 1-minute average)`);
  const pad = (s: string, n: number) => s.padEnd(n);
  const lpad = (s: string, n: number) => s.padStart(n);
  console.log([pad('page', 16), lpad('perf', 5), lpad('a11y', 5), lpad('bp', 5), lpad('seo', 5), lpad('TBT ms', 7), lpad('CLS', 6), lpad('LCP s', 6), lpad('FCP s', 6), '  runs: perf (load)'].join(' '));
  for (const page of PAGES) {
    const runs: Run[] = [];
    for (let i = 0; i < RUNS; i += 1) runs.push(await withRetries(() => lighthouse(`${site.url}${page}`)));
    const m = (f: (r: Run) => number) => median(runs.map(f));
    const scores = Object.fromEntries(CATEGORIES.map((c) => [c, m((r) => r.scores[c])])) as Run['scores'];
    console.log(
      [
        pad(page, 16),
        ...CATEGORIES.map((c) => lpad(String(scores[c]), 5)),
        lpad(m((r) => r.tbt).toFixed(0), 7),
        lpad(m((r) => r.cls).toFixed(3), 6),
        lpad((m((r) => r.lcp) / 1000).toFixed(2), 6),
        lpad((m((r) => r.fcp) / 1000).toFixed(2), 6),
        '  ' + runs.map((r) => `${r.scores.performance} (${r.load.toFixed(1)})`).join(', '),
      ].join(' '),
    );
    const loadAvg = m((r) => r.load).toFixed(1);
    if (isAppPage(page)) {
      const ok = CATEGORIES.every((c) => scores[c] >= GOAL_APP);
      verdicts.push(`${page}: ${CATEGORIES.map((c) => `${c} ${scores[c]}`).join(', ')} [${ok ? 'PASS' : 'MISS'} ≥ ${GOAL_APP} in all four]; load ${loadAvg}`);
    } else {
      const all = CATEGORIES.every((c) => scores[c] >= GOAL_CONTENT);
      verdicts.push(`${page}: ${CATEGORIES.map((c) => `${c} ${scores[c]}`).join(', ')} [${all ? 'PASS' : 'MISS'} 100 in all four]; load ${loadAvg}`);
    }
  }
  console.log(`\n(median of ${RUNS} run(s); Lighthouse ${lighthouseCommand().args.length ? '12 via npx' : 'from node_modules'}, mobile, Chromium ${CHROMIUM_PATH})`);
  for (const v of verdicts) console.log(v);
} finally {
  await site.stop();
  rmSync(distCopy, { recursive: true, force: true });
}
