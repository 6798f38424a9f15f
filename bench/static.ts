/**
 * Pages served per second by the real server, with the Brotli/gzip copies made once at build
 * (src/integrations/precompress.mjs) against the same site without them (the server's
 * `compression` middleware then compresses every page on every request: the way it was before).
 *
 *   npm run bench:static [-- --seconds 4 --connections 8 --rounds 3 --no-build]
 *
 * 1. Builds dist/ once if the sources changed, makes two private copies: "precompressed" (as
 *    built) and "per request" (the .br and .gz copies removed), and starts the real server on
 *    each (tests/integration/support/site.ts: free loopback port, temporary data folder).
 * 2. For each Accept-Encoding a client may send (br, as browsers do; gzip; none), asks both
 *    servers in turn for every content page's HTML, round robin, over `--connections` kept-alive
 *    loopback connections for `--seconds` each, `--rounds` times, the order of the two servers
 *    alternating (the machine is shared: alternating spreads a change of load over both). Each request checks
 *    its Content-Encoding and Vary; a wrong answer stops the bench.
 * 3. Prints the median of the rounds' requests per second, the server's CPU time per request
 *    (its process's user + system time, /proc: what the load of others changes least), kB per
 *    response and the median latency of each, with the 1-minute load average. Without Accept-Encoding both servers do
 *    the same work (the file as it is): the gap between them there is the machine's noise. It
 *    never fails on a figure, and stops by itself.
 *
 * Measured 2026-12-06 08:03 UTC, 1-minute load 43.7–45.9 on the shared 2 cores (median of 3 rounds
 * of 4 s, 8 connections, 38 content pages):
 *   accept-encoding  server          req/s  CPU ms/req  kB/resp
 *   br               precompressed    1321       0.417      5.5
 *   br               per request       455       1.163      6.7   → 2.90× the pages/s, 2.79× less CPU a page
 *   gzip             precompressed     590       0.884      6.7
 *   gzip             per request       589       0.969      6.7   → 1.00× the pages/s, 1.10× less CPU a page
 *   none             (same work)       821 / 1017  0.424 / 0.463  22.9   (the noise: 0.81×, 1.09×)
 * Browsers ask for br: that is the case the copies are for (the per-request Brotli of the
 * compression middleware is what cost most).
 */
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildSiteOnce } from '../tests/integration/support/globalSetup';
import { DIST_DIR, startSite, type Site } from '../tests/support/server';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '4' },
    connections: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    'no-build': { type: 'boolean', default: false },
  },
});
const SECONDS = Math.min(30, Math.max(1, Number(values.seconds)));
const CONNECTIONS = Math.min(64, Math.max(1, Number(values.connections)));
const ROUNDS = Math.min(10, Math.max(1, Number(values.rounds)));

/** The content pages (every index.html outside the signed-in areas), as URL paths. */
function contentPages(dist: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(dir, e.name));
      else if (e.name === 'index.html') {
        const rel = path.relative(dist, dir).split(path.sep).join('/');
        out.push(rel ? `/${rel}/` : '/');
      }
    }
  };
  walk(dist);
  return out.filter((p) => !/^\/(en\/)?(portal|staff|committee)\//.test(p)).sort();
}

function removeCopies(dir: string): number {
  let removed = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) removed += removeCopies(full);
    else if (/\.(br|gz)$/.test(e.name)) {
      rmSync(full);
      removed += 1;
    }
  }
  return removed;
}

interface Figures {
  requests: number;
  bytes: number;
  seconds: number;
  latencies: number[];
  /** The server process's CPU time (user + system) over the measurement, ms; NaN when unknown. */
  cpuMs: number;
}

/**
 * The pid of the process listening on a loopback port (`ss`), to read its CPU time: on a shared
 * machine the pages per second follow the load of others, the CPU spent per page much less.
 */
function listenerPid(url: string): number | null {
  try {
    const port = new URL(url).port;
    const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
    const pid = out.match(/pid=(\d+)/)?.[1];
    return pid ? Number(pid) : null;
  } catch {
    return null;
  }
}

/** User + system CPU time of a process, ms (/proc/<pid>/stat fields 14 and 15, in clock ticks of 10 ms). */
function cpuMsOf(pid: number | null): number {
  if (pid === null) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

type Encoding = 'br' | 'gzip' | 'none';

/** `connections` loops, each asking for the next page as soon as the last answer ended, for `seconds`. */
async function load(base: string, pages: string[], encoding: Encoding, pid: number | null): Promise<Figures> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const headers: Record<string, string> = encoding === 'none' ? {} : { 'accept-encoding': encoding };
  const figures: Figures = { requests: 0, bytes: 0, seconds: SECONDS, latencies: [], cpuMs: NaN };
  const cpuBefore = cpuMsOf(pid);
  const started = performance.now();
  const until = started + SECONDS * 1000;
  let next = 0;
  const one = (urlPath: string) =>
    new Promise<void>((resolve, reject) => {
      const t0 = performance.now();
      const req = http.get(base + urlPath, { agent, headers }, (res) => {
        const got = res.headers['content-encoding'] ?? 'none';
        if (res.statusCode !== 200 || got !== encoding || !/accept-encoding/i.test(String(res.headers.vary ?? ''))) {
          res.resume();
          reject(new Error(`${urlPath} (accept ${encoding}): status ${res.statusCode}, content-encoding ${got}, vary ${res.headers.vary}`));
          return;
        }
        res.on('data', (chunk: Buffer) => (figures.bytes += chunk.length));
        res.on('end', () => {
          figures.requests += 1;
          figures.latencies.push(performance.now() - t0);
          resolve();
        });
        res.on('error', reject);
      });
      req.on('error', reject);
    });
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async () => {
      while (performance.now() < until) await one(pages[next++ % pages.length]!);
    }),
  );
  figures.seconds = (performance.now() - started) / 1000;
  figures.cpuMs = cpuMsOf(pid) - cpuBefore;
  agent.destroy();
  return figures;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return !s.length ? NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

if (!values['no-build']) await buildSiteOnce();
const precompressedDist = mkdtempSync(path.join(os.tmpdir(), 'hearthline-static-pre-'));
const perRequestDist = mkdtempSync(path.join(os.tmpdir(), 'hearthline-static-live-'));
cpSync(DIST_DIR, precompressedDist, { recursive: true });
cpSync(DIST_DIR, perRequestDist, { recursive: true });
const removed = removeCopies(perRequestDist);
const pages = contentPages(precompressedDist);
const env = { HEARTHLINE_ROUTER: '0', HEARTHLINE_PUBLISHER: '0', HEARTHLINE_NOTIFY: '0', HEARTHLINE_DEADLINES: '0' };
const servers: Record<'precompressed' | 'per request', Site> = {
  precompressed: await startSite({ env: { ...env, HEARTHLINE_DIST: precompressedDist } }),
  'per request': await startSite({ env: { ...env, HEARTHLINE_DIST: perRequestDist } }),
};
const pids = { precompressed: listenerPid(servers.precompressed.url), 'per request': listenerPid(servers['per request'].url) };
try {
  console.log(
    `${pages.length} content pages, round robin; ${CONNECTIONS} kept-alive loopback connections, ${SECONDS} s a measurement, ${ROUNDS} rounds in alternating order; ` +
      `${os.availableParallelism()} cores, shared; "per request": the same site without its ${removed} .br/.gz copies`,
  );
  const results = new Map<string, Figures[]>();
  const loads: number[] = [];
  const encodings: Encoding[] = ['br', 'gzip', 'none'];
  const order = Object.keys(servers) as (keyof typeof servers)[];
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const encoding of encodings) {
      for (const name of round % 2 === 0 ? order : [...order].reverse()) {
        loads.push(os.loadavg()[0]!);
        const f = await load(servers[name].url, pages, encoding, pids[name]);
        const key = `${encoding}|${name}`;
        results.set(key, [...(results.get(key) ?? []), f]);
      }
    }
  }
  const pad = (s: string, n: number) => s.padEnd(n);
  const lpad = (s: string, n: number) => s.padStart(n);
  console.log([pad('accept-encoding', 16), pad('server', 14), lpad('req/s', 7), lpad('CPU ms/req', 11), lpad('kB/resp', 8), lpad('p50 ms', 7), '  runs req/s'].join(' '));
  const rate = (f: Figures) => f.requests / f.seconds;
  for (const encoding of encodings) {
    const rates: Record<string, number> = {};
    const cpu: Record<string, number> = {};
    for (const name of order) {
      const runs = results.get(`${encoding}|${name}`)!;
      const requests = runs.reduce((s, f) => s + f.requests, 0);
      const bytes = runs.reduce((s, f) => s + f.bytes, 0);
      rates[name] = median(runs.map(rate));
      cpu[name] = runs.reduce((s, f) => s + f.cpuMs, 0) / requests;
      console.log(
        [
          pad(encoding, 16),
          pad(name, 14),
          lpad(rates[name]!.toFixed(0), 7),
          lpad(cpu[name]!.toFixed(3), 11),
          lpad((bytes / requests / 1000).toFixed(1), 8),
          lpad(median(runs.flatMap((f) => f.latencies)).toFixed(1), 7),
          '  ' + runs.map((f) => rate(f).toFixed(0)).join(', '),
        ].join(' '),
      );
    }
    const ratio = (rates.precompressed! / rates['per request']!).toFixed(2);
    const cpuRatio = (cpu['per request']! / cpu.precompressed!).toFixed(2);
    console.log(
      encoding === 'none'
        ? `  none: the same work on both (the noise of this machine now): ${ratio}× the pages per second, ${cpuRatio}× the CPU per page`
        : `  ${encoding}: precompressed ${ratio}× the pages per second of compressing each request; a page costs the server ${cpuRatio}× less CPU`,
    );
  }
  console.log(`1-minute load average during the runs: ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`);
} finally {
  await Promise.all(Object.values(servers).map((s) => s.stop()));
  rmSync(precompressedDist, { recursive: true, force: true });
  rmSync(perRequestDist, { recursive: true, force: true });
}
