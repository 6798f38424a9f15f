/**
 * Writes per second and server CPU per write with many residents writing at once (issue 22,
 * item 5: "a write costs 7–9 ms of server CPU; 50 residents writing at once got 61–102 writes/s
 * and a median write of 392–732 ms").
 *
 *   npm run bench:writes [-- --writers 50 --writes 20 --profile --verbose]
 *
 * Starts the REAL server (embedded backend, a temporary data folder, the router on as in
 * production), signs up `writers` residents, then each writes `writes` new requests (a
 * submission, PUT /db/<their database>/<id>, through the guard and its write check), one after
 * another, all writers at once. Prints writes per second, each write's time (p50, p95), and the
 * server process's CPU-seconds (user + system, /proc) per write: for the writes alone, and until
 * the router has copied every one to operations and the station (the whole cost of an event).
 * The same run's baseline: one writer alone, before the crowd.
 * `--verbose`: the database operations per write by method and database.
 * `--profile`: the server runs with `node --cpu-prof` and leaves its .cpuprofile in the folder
 * printed at the end (open it in Chrome's DevTools, or read it with bench/profileTop.ts).
 *
 * Figures (2026-12-06, `npm run bench:writes -- --verbose`, 50 writers × 20 writes, the same
 * machine a minute apart, load 0.95-0.96 on 2 cores; the code of the session's start checked out
 * for the first):
 *   before (b8df119): 413 writes/s, a write p50 108 ms, p95 188 ms; server CPU 2.58 ms a write,
 *     2.68 ms an event with the router's copies; per event changes resident-* 1.36, allDocs
 *     resident-* 1.00, bulkDocs resident-* 1.00 (3.7 operations); one writer 5.0 / 5.5 ms.
 *   after: 589 writes/s, p50 56 ms, p95 173 ms; 1.70 ms a write, 1.78 ms an event (-34 %; the
 *     issue's 7-9 ms a write and the team's ≤ 3.1 ms met); changes resident-* 0.36 (the router's
 *     reads only), allDocs 0, bulkDocs 1.00, info 2.95 (PouchDB's update_seq, from memory: 4.6
 *     operations, 1.65 that touch the files); one writer 3.0 / 3.5 ms.
 *   What changed: a resident's write asks the request registry whether an id exists (no allDocs
 *   of the ids), and in process the registry reads `_changes` only when the database's update_seq
 *   moved since its last read, folding in what the guard just stored itself (requestRegistry.mjs,
 *   ownership.mjs). Where the rest goes (--profile, the 50-writer phase): LevelDB's gets and
 *   batches of bulkDocs and the router's reads (~35 %), HTTP and express (~15 %), garbage
 *   collection (~6 %), the write check and the quota (src/rules, src/db: ~6 %).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { newResident, request, type Resident } from '../tests/support/client';
import { residentSubmission } from '../tests/support/builders/backendEvents';
import { startSite } from '../tests/support/server';

const { values } = parseArgs({
  options: { writers: { type: 'string', default: '50' }, writes: { type: 'string', default: '20' }, profile: { type: 'boolean', default: false }, verbose: { type: 'boolean', default: false } },
});
const writerCount = Number(values.writers);
const writesEach = Number(values.writes);
const ADMIN_PASSWORD = 'bench-writes-admin';
const TICK = 100; // clock ticks per second of /proc/<pid>/stat (USER_HZ)

const load = () => `load ${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cores`;
const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICK; // utime, stime
};
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

const dataDir = mkdtempSync(path.join(tmpdir(), 'hearthline-bench-writes-'));
const profileDir = values.profile ? mkdtempSync(path.join(tmpdir(), 'hearthline-bench-writes-profile-')) : null;
const site = await startSite({
  dataDir,
  env: {
    HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD,
    HEARTHLINE_PUBLISHER: '0',
    HEARTHLINE_SIGNUP_ANSWER_MS: '1',
    HEARTHLINE_SIGNUP_MAX_PER_ADDRESS: '100000',
  },
  ...(profileDir ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {}),
});
try {
  const pids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(process.pid)], { encoding: 'utf8' }).trim().split(/\s+/).map(Number);
  const pid = pids.find((p) => readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('server/main.mjs'))!;
  const admin = { basic: { name: 'admin', password: ADMIN_PASSWORD } };
  const residents: Resident[] = [];
  for (let i = 0; i < writerCount; i++) residents.push(await newResident(site.url));

  const write = async (resident: Resident) => {
    const doc = residentSubmission(resident);
    const t = performance.now();
    const res = await request(site.url, 'PUT', `/db/${resident.db}/${doc._id}`, doc, { cookie: resident.cookie });
    if (res.status !== 201) throw new Error(`PUT: ${res.status} ${res.text}`);
    return performance.now() - t;
  };
  const routed = async () => {
    for (;;) {
      const h = (await request(site.url, 'GET', '/api/router/health', undefined, admin)).json;
      if (h?.lagDatabases === 0) return h;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  await routed();

  /** `writers` residents, each `each` writes one after another, all at once. */
  const run = async (writers: Resident[], each: number) => {
    const times: number[] = [];
    const stats0 = (await request(site.url, 'GET', '/api/server/stats', undefined, admin)).json;
    const ops0 = stats0?.operations;
    const cpu0 = cpuSeconds(pid);
    const t0 = performance.now();
    await Promise.all(writers.map(async (r) => {
      for (let i = 0; i < each; i++) times.push(await write(r));
    }));
    const seconds = (performance.now() - t0) / 1000;
    const cpuWrites = cpuSeconds(pid) - cpu0;
    await routed();
    const cpuAll = cpuSeconds(pid) - cpu0;
    const n = times.length;
    const stats1 = (await request(site.url, 'GET', '/api/server/stats', undefined, admin)).json;
    const ops1 = stats1?.operations;
    if (values.verbose) {
      const perWrite = Object.entries(stats1?.byMethod ?? {}).map(([k, v]) => [k, (Number(v) - (stats0?.byMethod?.[k] ?? 0)) / times.length] as const);
      console.log(perWrite.filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', '));
    }
    return { n, opsPerWrite: typeof ops0 === 'number' ? (ops1 - ops0) / n : NaN, perSecond: n / seconds, p50: pct(times, 50), p95: pct(times, 95), cpuWriteMs: (cpuWrites * 1000) / n, cpuEventMs: (cpuAll * 1000) / n };
  };
  const line = (label: string, r: Awaited<ReturnType<typeof run>>) =>
    `${label}: ${r.n} writes, ${r.perSecond.toFixed(0)} writes/s, a write took p50 ${r.p50.toFixed(0)} ms, p95 ${r.p95.toFixed(0)} ms; server CPU ${r.cpuWriteMs.toFixed(2)} ms a write, ${r.cpuEventMs.toFixed(2)} ms an event with the router's copies; ${r.opsPerWrite.toFixed(1)} database operations an event; ${load()}`;

  console.log(line('one writer (baseline)', await run(residents.slice(0, 1), writesEach)));
  console.log(line(`${writerCount} writers at once`, await run(residents, writesEach)));
} finally {
  await site.stop();
  rmSync(dataDir, { recursive: true, force: true });
  if (profileDir) console.log(`CPU profile of the server: ${profileDir}`);
}
