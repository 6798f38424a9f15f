/**
 * How fast the results engine computes a year's figures, and how fast the results command
 * reads the operations database.
 *
 *   npm run bench:results [-- --sizes 100000,1000000 --backend 100000 --page 2000]
 *
 * 1. compute: events generated into an NDJSON file (a heating season: repairs, complaints,
 *    consultations, temperature tests, with callbacks and replies; plus hotline calls), then
 *    read line by line, parsed and folded (src/rules/results) in a child process of its own,
 *    so its peak memory (maxRSS) is that run's alone. Goal: ≥ 200,000 events/s within 512 MB
 *    at 1,000,000 events, memory not growing with the number of events.
 * 2. backend: the real server (embedded PouchDB Server, router off) on a temporary folder,
 *    N events loaded into `operations` through /db, then read back with the results command's
 *    reader (PouchDB's HTTP adapter, _all_docs page by page) and folded. Goal ≥ 5,000 events/s.
 * Prints events per second and peak memory for each.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as v from 'valibot';
import { parse as parseYaml } from 'yaml';
import { Commitments } from '../src/db/schema/commitments';
import { parseEvent } from '../src/db/schema/index';
import { ResultsFold } from '../src/rules/results/engine';
import { openHttpDatabase, streamAllDocs } from '../server/cli/databaseStream.mjs';
import { documents } from '../tests/unit/builders/season';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000' },
    backend: { type: 'string', default: '100000' },
    child: { type: 'string' },
    file: { type: 'string' },
    page: { type: 'string', default: '2000' },
  },
});

const commitments = v.parse(Commitments, parseYaml(readFileSync(path.join(ROOT, 'content/commitments/2025.yaml'), 'utf8')));
const AS_OF = Date.parse('2026-03-21T00:00:00.000Z');

async function writeNdjson(file: string, n: number): Promise<void> {
  const out = createWriteStream(file);
  let buffer = '';
  for (const doc of documents(n)) {
    buffer += `${JSON.stringify(doc)}\n`;
    if (buffer.length > 1 << 20) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
}

// ------------------------------------------------------------------ the measured runs

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

/** The documents of an NDJSON file, read in 1 MB chunks and split at line ends. */
async function* ndjsonDocs(file: string): AsyncGenerator<unknown> {
  let rest = '';
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, encoding: 'utf8' })) {
    const text = rest + (chunk as string);
    let start = 0;
    for (let nl = text.indexOf('\n', start); nl >= 0; nl = text.indexOf('\n', start)) {
      if (nl > start) yield JSON.parse(text.slice(start, nl));
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  if (rest.trim()) yield JSON.parse(rest);
}

/** Child: fold an NDJSON file, print { events, ms, cpuMs, maxRssBytes, … } as JSON. */
async function computeChild(file: string): Promise<void> {
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  const fold = new ResultsFold(commitments, { asOf: AS_OF });
  let n = 0;
  for await (const doc of ndjsonDocs(file)) {
    fold.add(doc);
    n += 1;
  }
  const folded = performance.now();
  const results = fold.finish();
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpu0);
  const heapAfterGc = (globalThis as { gc?: () => void }).gc ? ((globalThis as { gc: () => void }).gc(), process.memoryUsage().heapUsed) : undefined;
  console.log(
    JSON.stringify({
      events: n,
      ms,
      foldMs: folded - started,
      cpuMs: (cpu.user + cpu.system) / 1000,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
      heapAfterGc,
      requests: results.read.requests,
      sample: results.figures.slice(0, 3).map((f) => [f.indicator, f.value]),
    }),
  );
}

async function computeBench(sizes: number[], dir: string): Promise<void> {
  for (const n of sizes) {
    const file = path.join(dir, `events-${n}.ndjson`);
    const g0 = performance.now();
    await writeNdjson(file, n);
    const genS = (performance.now() - g0) / 1000;
    const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', 'compute', '--file', file], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    if (child.status !== 0) throw new Error(`the compute run failed:\n${child.stderr}`);
    const r = JSON.parse(child.stdout.trim().split('\n').pop()!);
    const rate = r.events / (r.ms / 1000);
    const cpuRate = r.events / (r.cpuMs / 1000);
    console.log(
      `compute ${n.toLocaleString('en')} events (${r.requests.toLocaleString('en')} requests; file made in ${genS.toFixed(1)} s): ` +
        `${(r.ms / 1000).toFixed(2)} s wall (${((r.ms - r.foldMs) / 1000).toFixed(2)} s of it finishing), ` +
        `${Math.round(rate).toLocaleString('en')} events/s wall, ${Math.round(cpuRate).toLocaleString('en')} events per CPU-second, ` +
        `peak RSS ${mb(r.maxRssBytes)}, heap kept after GC ${r.heapAfterGc ? mb(r.heapAfterGc) : '?'} ` +
        `[goal ≥ 200,000/s${n >= 1_000_000 ? ', ≤ 512 MB' : ''}: ${rate >= 200_000 && (n < 1_000_000 || r.maxRssBytes <= 512 * 2 ** 20) ? 'met' : 'NOT met'}]`,
    );
    rmSync(file, { force: true });
  }
}

async function backendBench(n: number): Promise<void> {
  const { startSite } = await import('../tests/integration/support/site');
  const password = 'bench-results-admin';
  const site = await startSite({ env: { HEARTHLINE_ADMIN_PASSWORD: password, HEARTHLINE_ROUTER: '0' } });
  try {
    const auth = `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;
    // Sanity: the generated events are valid events.
    let checked = 0;
    for (const d of documents(200)) {
      if (d.docType === 'event' && !parseEvent(d).success) throw new Error(`generated an invalid event: ${JSON.stringify(d)}`);
      checked += 1;
    }
    const l0 = performance.now();
    let batch: Record<string, unknown>[] = [];
    const flush = async () => {
      const res = await fetch(`${site.url}/db/operations/_bulk_docs`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: JSON.stringify({ docs: batch }),
      });
      const body = (await res.json()) as { error?: string; reason?: string }[];
      const refused = Array.isArray(body) ? body.filter((r) => r.error) : [body];
      if (res.status >= 300 || refused.length) throw new Error(`loading failed: HTTP ${res.status} ${JSON.stringify(refused[0])}`);
      batch = [];
    };
    for (const d of documents(n, 2)) {
      batch.push(d);
      if (batch.length === 2000) await flush();
    }
    if (batch.length) await flush();
    const loadS = (performance.now() - l0) / 1000;

    const db = openHttpDatabase(`${site.url}/db/operations`, { username: 'admin', password });
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const r0 = performance.now();
    const fold = new ResultsFold(commitments, { asOf: AS_OF });
    let read = 0;
    for await (const doc of streamAllDocs(db, { pageSize: Number(values.page) })) {
      fold.add(doc);
      read += 1;
      if ((read & 4095) === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    fold.finish();
    const s = (performance.now() - r0) / 1000;
    const rate = read / s;
    console.log(
      `backend read (pages of ${values.page}) ${read.toLocaleString('en')} documents of ${n.toLocaleString('en')} (loaded through /db in ${loadS.toFixed(1)} s): ` +
        `${s.toFixed(2)} s, ${Math.round(rate).toLocaleString('en')} events/s, reader RSS ${mb(rss0)} → peak ${mb(peak)} ` +
        `[goal ≥ 5,000/s: ${rate >= 5000 ? 'met' : 'NOT met'}] (${checked} generated documents checked against the schema)`,
    );
  } finally {
    await site.stop();
  }
}

if (values.child === 'compute') {
  await computeChild(values.file!);
} else if (values.child === 'generate') {
  // Writes the NDJSON file only (for profiling): --child generate --file F --sizes N
  await writeNdjson(values.file!, Number(values.sizes));
} else {
  const dir = mkdtempSync(path.join(tmpdir(), 'hearthline-bench-results-'));
  try {
    const sizes = values.sizes!.split(',').filter(Boolean).map(Number);
    if (sizes.length) await computeBench(sizes, dir);
    const backend = Number(values.backend);
    if (backend > 0) await backendBench(backend);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
