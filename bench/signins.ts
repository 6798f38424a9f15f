/**
 * One server's memory over sign-ins, and sign-ins per second (issue 22 item 5).
 *
 *   npm run bench:signins [-- --total 100000 --concurrency 8 --heap-total 20000]
 *
 * Starts the REAL server (embedded backend, a temporary data folder, router off), signs up one
 * resident, then signs that resident in `total` times over HTTP (`POST /db/_session`,
 * `concurrency` at once, through the guard and its limits as a phone would). Prints the server
 * process's resident memory (VmRSS) before, after 1,000 and after `total` sign-ins, the growth
 * from 1,000 to `total` (goal: within 10 %; the baseline is the same run's figure at 1,000), and
 * sign-ins per second. Before the fix (server/backend/embedded.mjs: express-pouchdb's sign-in
 * opened a new `_users` object per request and pouchdb-auth kept each) every sign-in kept about
 * 24 KB: 15,881 sign-ins took the server from 214 to 817 MB.
 *
 * Then the same backend in this process (no child), where the JavaScript heap can be read after
 * a full collection: the heap after 1,000 and after `heap-total` sign-ins (RSS also counts what
 * V8 and the allocator keep in reserve, which moves by tens of MB either way).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createBackend } from '../server/backend/index.mjs';
import { newResident } from '../tests/support/client';
import { startSite } from '../tests/support/server';

const { values } = parseArgs({
  options: { total: { type: 'string', default: '100000' }, concurrency: { type: 'string', default: '8' }, 'heap-total': { type: 'string', default: '20000' }, arenas: { type: 'string' } },
});
const heapTotal = Number(values['heap-total']);
const total = Number(values.total);
const concurrency = Number(values.concurrency);
const CHECKPOINT = 1_000;

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const load = () => `load ${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cores`;

const dataDir = mkdtempSync(path.join(tmpdir(), 'hearthline-bench-signins-'));
const ADMIN = { name: 'admin', password: 'bench-signins-admin' };
// --expose-gc: /api/server/stats?gc=1 collects before it measures (what is kept vs V8's and the allocator's reserve)
const site = await startSite({
  dataDir,
  env: { HEARTHLINE_ADMIN_PASSWORD: ADMIN.password, HEARTHLINE_ROUTER: '0', HEARTHLINE_PUBLISHER: '0', HEARTHLINE_SIGNUP_ANSWER_MS: '1', ...(values.arenas ? { MALLOC_ARENA_MAX: values.arenas } : {}) },
  nodeArgs: ['--expose-gc'],
});
/** The server's memory after a full collection (MB). */
const afterGc = async () => {
  const res = await fetch(`${site.url}/api/server/stats?gc=1`, { headers: { authorization: `Basic ${Buffer.from(`${ADMIN.name}:${ADMIN.password}`).toString('base64')}` } });
  return ((await res.json()) as { memoryMb: { rss: number; heapUsed: number; heapTotal: number; external: number } }).memoryMb;
};
try {
  const pid = site.pid; // the server process (tests/support/server.ts)
  const resident = await newResident(site.url);
  const body = JSON.stringify({ name: resident.name, password: resident.password });
  const signIn = async () => {
    const res = await fetch(`${site.url}/db/_session`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`sign-in: HTTP ${res.status}`);
  };
  for (let i = 0; i < 50; i++) await signIn(); // warm up
  const before = rssMb(pid);
  let done = 0;
  let atCheckpoint = 0;
  let checkpointAt = 0;
  const atCheckpointGc: { value?: ReturnType<typeof afterGc> } = {};
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (done < total) {
        done++;
        await signIn();
        if (done === CHECKPOINT) {
          atCheckpoint = rssMb(pid);
          atCheckpointGc.value = afterGc();
          await atCheckpointGc.value;
          checkpointAt = performance.now();
        }
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const after = rssMb(pid);
  const gc1 = await atCheckpointGc.value!;
  const gc2 = await afterGc();
  const growth = (after - atCheckpoint) / atCheckpoint;
  console.log(`server memory (VmRSS): ${before.toFixed(0)} MB before, ${atCheckpoint.toFixed(0)} MB after ${CHECKPOINT.toLocaleString('en')} sign-ins, ${after.toFixed(0)} MB after ${total.toLocaleString('en')}`);
  console.log(`growth from ${CHECKPOINT.toLocaleString('en')} to ${total.toLocaleString('en')} sign-ins: ${(growth * 100).toFixed(1)} % (${(((after - atCheckpoint) * 1024 * 1024) / Math.max(1, total - CHECKPOINT)).toFixed(0)} bytes a sign-in; goal within 10 %: ${growth <= 0.1 ? 'PASS' : 'MISS'})`);
  const g = (a: number, b: number) => `${(((b - a) / a) * 100).toFixed(1)} %`;
  console.log(
    `after a full collection (node --expose-gc): resident memory ${gc1.rss} → ${gc2.rss} MB (${g(gc1.rss, gc2.rss)}), JavaScript heap in use ${gc1.heapUsed} → ${gc2.heapUsed} MB (${g(gc1.heapUsed, gc2.heapUsed)}; goal within 10 %: ${(gc2.heapUsed - gc1.heapUsed) / gc1.heapUsed <= 0.1 ? 'PASS' : 'MISS'}) of ${gc1.heapTotal} → ${gc2.heapTotal} MB V8 holds, outside the heap (Buffers, LevelDB's reads) ${gc1.external} → ${gc2.external} MB${values.arenas ? `; MALLOC_ARENA_MAX=${values.arenas}` : ''}`,
  );
  console.log(`sign-ins: ${(total / seconds).toFixed(0)}/s over ${total.toLocaleString('en')} (${concurrency} at once; after the first ${CHECKPOINT.toLocaleString('en')}: ${((total - CHECKPOINT) / ((performance.now() - checkpointAt) / 1000)).toFixed(0)}/s), ${seconds.toFixed(1)} s; ${load()}`);
} finally {
  await site.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

// ------------------------------------------------------------------ the heap, in this process
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.log('heap after GC: skipped (run with node --expose-gc, as npm run bench:signins does)');
} else {
  const heapDir = mkdtempSync(path.join(tmpdir(), 'hearthline-bench-signins-heap-'));
  const password = 'bench-signins-heap-admin';
  const backend = await createBackend({ dataDir: heapDir, adminPassword: password, demo: false, log: () => {}, logError: () => {} });
  const app = express();
  app.use('/db', backend.db);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/db/_session`;
  const body = JSON.stringify({ name: 'admin', password });
  let done = 0;
  const heapMb = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed / 1048576;
  };
  const signInTo = (target: number) =>
    Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (done < target) {
          done++;
          const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          await res.arrayBuffer();
          if (res.status !== 200) throw new Error(`sign-in: HTTP ${res.status}`);
        }
      }),
    );
  try {
    await signInTo(CHECKPOINT);
    const at1000 = heapMb();
    await signInTo(heapTotal);
    const atEnd = heapMb();
    const growth = (atEnd - at1000) / at1000;
    console.log(
      `heap after GC (one process): ${at1000.toFixed(1)} MB after ${CHECKPOINT.toLocaleString('en')} sign-ins, ${atEnd.toFixed(1)} MB after ${heapTotal.toLocaleString('en')}: ${(growth * 100).toFixed(1)} % (goal within 10 %: ${growth <= 0.1 ? 'PASS' : 'MISS'})`,
    );
  } finally {
    server.close();
    await backend.close();
    rmSync(heapDir, { recursive: true, force: true });
  }
}
