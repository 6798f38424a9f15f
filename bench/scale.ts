/**
 * The router and the server at N resident databases (issue 22 item 6), on the embedded backend,
 * or on Apache CouchDB when COUCHDB_URL is set.
 *
 *   npm run bench:scale [-- --residents 1000 --idle-seconds 60 --events 20]
 *   COUCHDB_URL=http://admin:pw@127.0.0.1:5984 npm run bench:scale [-- --residents 1000 --couch-pid <beam.smp>]
 *
 * On CouchDB the databases are made directly as its admin, in a namespace of their own
 * (HEARTHLINE_DB_PREFIX b<random>-, deleted at the end), each with q=1 and its _security as
 * sign-up leaves it (a PUT _security raises update_seq with no change row: the router's lag must
 * still return to 0). It prints besides: CouchDB's CPU-seconds a minute at idle (beam.smp, found
 * by its port or --couch-pid), CouchDB's own count of HTTP requests a minute at idle
 * (/_node/_local/_stats, our two reads of it taken off), the lag after PUT _security on live
 * databases, and the shard files per resident database (/<db>/_shards).
 *
 * Makes N resident databases (empty, as after sign-up) in a temporary data folder, then starts
 * the REAL server on it and prints, in one run:
 *   - startup: from the spawn to "listening", and to the router caught up (its sweep at start
 *     checked every database: `caughtUp` and no database lagging in /api/router/health);
 *   - idle: the server's CPU-seconds per minute and the router's checks per minute (its requests
 *     to the database: in-process here) over `idle-seconds` with nothing written;
 *   - propagation: `events` submissions of a signed-up resident through /db, one after another,
 *     each timed from its PUT to its copy readable in `operations` (p50, p95).
 * Goals (issue 22): idle requests independent of N (compare two runs: --residents 1000 and
 * 10000), propagation p95 ≤ 1 s. The same run's baseline for propagation is the first event's
 * time with no other database in the folder: not measured here; run with --residents 0.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { residentDbName } from '../src/db/databaseNames';
import { request } from '../tests/support/client';
import { startSite } from '../tests/support/server';
import { printPropagation } from './propagation';

const { values } = parseArgs({
  options: {
    residents: { type: 'string', default: '1000' },
    'idle-seconds': { type: 'string', default: '60' },
    events: { type: 'string', default: '20' },
    'couch-pid': { type: 'string' },
  },
});
const couchUrl = process.env.COUCHDB_URL || '';
if (couchUrl) {
  await import('./scaleCouch').then((m) => m.benchOnCouch({ couchUrl, residents: Number(values.residents), idleSeconds: Number(values['idle-seconds']), events: Number(values.events), couchPid: values['couch-pid'] }));
  process.exit(0);
}
const residents = Number(values.residents);
const idleSeconds = Number(values['idle-seconds']);
const eventCount = Number(values.events);
const ADMIN_PASSWORD = 'bench-scale-admin';
const TICK = 100; // clock ticks per second of /proc/<pid>/stat (USER_HZ)

const load = () => `load ${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cores`;
const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICK; // utime, stime
};

const dataDir = mkdtempSync(path.join(tmpdir(), 'hearthline-bench-scale-'));
try {
  const t0 = performance.now();
  // made by a first server (as the admin, through /db), which then stops: the measured start is a restart
  const first = await startSite({ dataDir, env: { HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD, HEARTHLINE_PUBLISHER: '0', HEARTHLINE_ROUTER: '0' } });
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < residents) {
        const name = residentDbName(`bench-${100000 + next++}`);
        const res = await request(first.url, 'PUT', `/db/${name}`, undefined, { basic: { name: 'admin', password: ADMIN_PASSWORD } });
        if (res.status !== 201) throw new Error(`PUT /db/${name}: ${res.status} ${res.text}`);
      }
    }),
  );
  await first.stop();
  console.log(`${residents.toLocaleString('en')} resident databases made in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${load()}`);

  const spawned = performance.now();
  const site = await startSite({ dataDir, env: { HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD, HEARTHLINE_PUBLISHER: '0' } });
  const listening = performance.now();
  try {
    const pid = site.pid; // the server process (tests/support/server.ts)
    const admin = { basic: { name: 'admin', password: ADMIN_PASSWORD } };
    const health = async () => (await request(site.url, 'GET', '/api/router/health', undefined, admin)).json;
    let h = await health();
    while (!(h?.caughtUp && h.lagDatabases === 0)) {
      await new Promise((r) => setTimeout(r, 100));
      h = await health();
    }
    const caughtUp = performance.now();
    console.log(`startup: listening ${((listening - spawned) / 1000).toFixed(1)} s after the spawn, router caught up after ${((caughtUp - spawned) / 1000).toFixed(1)} s (${h.sources} source databases; ${load()})`);

    const cpu0 = cpuSeconds(pid);
    const checks0 = h.checks;
    const idle0 = performance.now();
    await new Promise((r) => setTimeout(r, idleSeconds * 1000));
    const minutes = (performance.now() - idle0) / 60_000;
    const h1 = await health();
    console.log(
      `idle ${idleSeconds} s: server ${((cpuSeconds(pid) - cpu0) / minutes).toFixed(2)} CPU-seconds a minute, router ${((h1.checks - checks0) / minutes).toFixed(0)} database checks a minute (backstop ${h1.backstop.perSecond}/s, rounds ${h1.backstop.roundMs / 1000} s apart); ${load()}`,
    );

    await printPropagation(site.url, admin, eventCount);
  } finally {
    await site.stop();
  }
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
