/**
 * bench:scale on Apache CouchDB (COUCHDB_URL): see bench/scale.ts for what it prints and why.
 * Its figures are the server's and CouchDB's over the same minutes, with the same run's
 * baseline: CouchDB's CPU and requests in the idle minute before the server starts, measured
 * `settle-seconds` (180) after the databases were made: CouchDB works for two or three minutes
 * after making thousands of databases (smoosh compacts `_dbs` and `_global_changes`, mem3 and
 * the index servers take the events), and a baseline taken at once read 1.7–4.3 % of a core
 * where the settled node idles at 0.2–0.4 %.
 *
 *   COUCHDB_URL=http://admin:pw@127.0.0.1:5984 npm run bench:scale -- --residents 10000
 *
 * CouchDB's settings for these figures: docs/deployment.md ("CouchDB's own idle CPU").
 *
 * Figures, 10,000 residents (the command above, 2026-12-06, one CouchDB 3.4.3 node built from
 * source with `+sbwt none +sbwtdcpu none +sbwtdio none`, on 2 cores shared with two other
 * engineers' work; load average in brackets):
 *   databases made (8 at once)                183.9 s (load 9.3)
 *   no server, settled                         0.22 CPU-s a minute, 0.37 % of a core (load 1.1)
 *   listening after the spawn                  1.4 s; router caught up 202.7 s (10,002 sources, load 5.3)
 *   idle 60 s, server running                  CouchDB 1.22 % of a core (goal < 2 %: PASS), 51 requests
 *                                              a minute, server 1.10 CPU-s a minute (load 3.2); in that
 *                                              run the backstop's first round started 10 min after the
 *                                              start, outside the minute: with it (2 checks a second)
 *                                              1.93 % (docs/deployment.md). The bench now starts its
 *                                              rounds `backstop-round-seconds` (60) apart, as the
 *                                              embedded one does, and waits for the first check
 *   PUT _security on 10 databases              lagDatabases at most 0, 0 after 2.0 s
 *   a report in operations, the rest idle      p50 99 ms, p95 255 ms (PASS; load 3.2)
 *   the same, 50 residents writing             39 writes/s, p50 1,301 ms, p95 2,648 ms (MISS; load 6.7)
 *   shard files per resident database          1.00
 * Again on the merged write path (17:46–17:55 UTC, `--settle-seconds 60`, no other work running):
 *   made in 159.6 s (load 5.6); router caught up 202.9 s; idle with the backstop inside the minute
 *   CouchDB 2.00 % of a core (at the line; the no-server baseline 60 s after making was 1.03 %,
 *   not yet settled), 168 requests a minute, server 2.83 CPU-s a minute (load 1.4); a report idle
 *   p50 74 ms, p95 165 ms (PASS); 50 writing: 57 writes/s, p50 1,277 ms, p95 1,738 ms (MISS; load 5.0)
 * With a write's requests cut from 7 to 5 (one registry read, the security object kept), the
 * watcher on a session and the backstop at 1 a second (19:46–19:57, `[log] level = warning`):
 *   made in 167.4 s; router caught up 214.9 s; idle CouchDB 1.60 % of a core (PASS; 0.90 % with
 *   no server, not settled), 111 requests a minute; a report idle p95 68 ms (PASS); 50 writing:
 *   78 writes/s, p50 681 ms, p95 1,313 ms (MISS; the probe's own write p95 865 ms)
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { residentDbName } from '../src/db/databaseNames';
import { designDocFor } from '../src/db/designDocs';
import { parseCouchUrl } from '../server/couch/url.mjs';
import { request } from '../tests/support/client';
import { startSite } from '../tests/support/server';
import { pct, printPropagation, timeBusyPropagation } from './propagation';

const TICK = 100; // USER_HZ of /proc/<pid>/stat
const load = () => `load ${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cores`;
const cpuSeconds = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICK;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The process listening on the URL's port (beam.smp), from `ss -ltnp`. */
function listenerPid(port: string): number {
  const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8' });
  const m = /pid=(\d+)/.exec(out);
  if (!m) throw new Error(`no process listens on port ${port} (give --couch-pid)`);
  return Number(m[1]);
}

export async function benchOnCouch(opts: {
  couchUrl: string;
  residents: number;
  idleSeconds: number;
  events: number;
  writers: number;
  busySeconds: number;
  settleSeconds: number;
  backstopRoundSeconds: number;
  couchPid?: string;
}): Promise<void> {
  const { couchUrl, residents, idleSeconds, events, writers, busySeconds, settleSeconds, backstopRoundSeconds } = opts;
  const { base, authorization } = parseCouchUrl(couchUrl);
  const port = new URL(base).port || '5984';
  const couchPid = opts.couchPid ? Number(opts.couchPid) : listenerPid(port);
  const prefix = `b${randomBytes(3).toString('hex')}-`;
  const couch = async (method: string, p: string, body?: unknown) => {
    const res = await fetch(base + p, {
      method,
      headers: { authorization: authorization!, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  };
  const requestsSoFar = async () => (await couch('GET', '/_node/_local/_stats/couchdb/httpd/requests')).json.value as number;
  /** CouchDB's CPU-seconds and HTTP requests a minute over `seconds` (our own two stats reads taken off). */
  const idleWindow = async (seconds: number) => {
    const cpu0 = cpuSeconds(couchPid);
    const req0 = await requestsSoFar();
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const minutes = (performance.now() - t0) / 60_000;
    const req1 = await requestsSoFar();
    return { cpu: (cpuSeconds(couchPid) - cpu0) / minutes, requests: (req1 - req0 - 1) / minutes, minutes };
  };
  const names = Array.from({ length: residents }, (_, i) => residentDbName(`r-bench${100000 + i}`));
  console.log(`Apache CouchDB at ${base} (pid ${couchPid}), namespace ${prefix}; ${load()}`);

  try {
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < names.length) {
          const i = next++;
          const db = prefix + names[i]!;
          const made = await couch('PUT', `/${db}?q=1`);
          if (made.status !== 201 && made.status !== 202) throw new Error(`PUT /${db}: ${made.status} ${JSON.stringify(made.json)}`);
          const sec = await couch('PUT', `/${db}/_security`, { admins: { names: [], roles: [] }, members: { names: [`r-bench${100000 + i}`], roles: [] } });
          if (sec.status !== 200) throw new Error(`PUT /${db}/_security: ${sec.status}`);
          // the write rules, as sign-up installs them (else the server's start installs them in every database, in the idle minute)
          const ddoc = designDocFor({ kind: 'resident', owner: `r-bench${100000 + i}` });
          const put = await couch('PUT', `/${db}/${ddoc._id}`, ddoc);
          if (put.status !== 201 && put.status !== 202) throw new Error(`PUT /${db}/${ddoc._id}: ${put.status}`);
        }
      }),
    );
    console.log(`${residents.toLocaleString('en')} resident databases (q=1, _security and the write rules as sign-up leaves them) made in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${load()}`);

    await sleep(settleSeconds * 1000);
    const baseline = await idleWindow(Math.min(idleSeconds, 30));
    console.log(`baseline, no server, ${settleSeconds} s after the databases were made: CouchDB ${baseline.cpu.toFixed(2)} CPU-seconds a minute, ${baseline.requests.toFixed(0)} requests a minute; ${load()}`);

    const spawned = performance.now();
    const site = await startSite({ env: { COUCHDB_URL: couchUrl, HEARTHLINE_DB_PREFIX: prefix, HEARTHLINE_PUBLISHER: '0', HEARTHLINE_ADMIN_PASSWORD: '', HEARTHLINE_SIGNUP_ANSWER_MS: '1', HEARTHLINE_SIGNUP_MAX_PER_ADDRESS: '100000', ROUTER_BACKSTOP_ROUND_MS: String(backstopRoundSeconds * 1000), ...(process.env.ROUTER_CONCURRENCY ? { ROUTER_CONCURRENCY: process.env.ROUTER_CONCURRENCY } : {}) } });
    const listening = performance.now();
    try {
      const admin = { basic: { name: site.adminUser, password: site.adminPassword! } };
      const health = async () => (await request(site.url, 'GET', '/api/router/health', undefined, admin)).json;
      let h = await health();
      while (!(h?.caughtUp && h.lagDatabases === 0)) {
        await sleep(100);
        h = await health();
      }
      const caughtUp = performance.now();
      console.log(`startup: listening ${((listening - spawned) / 1000).toFixed(1)} s after the spawn, router caught up after ${((caughtUp - spawned) / 1000).toFixed(1)} s (${h.sources} source databases; ${load()})`);

      const serverPid = Number(execFileSync('ss', ['-ltnpH', `sport = :${new URL(site.url).port}`], { encoding: 'utf8' }).match(/pid=(\d+)/)![1]);
      // idle is measured once the backstop runs (its first round starts a round after the start,
      // `backstop-round-seconds`, as in the embedded bench), so its checks are in the figure
      while ((await health()).checks === h.checks) await sleep(1_000);
      const serverCpu0 = cpuSeconds(serverPid);
      const checks0 = (await health()).checks;
      const idle = await idleWindow(idleSeconds);
      const h1 = await health();
      const serverCpu = (cpuSeconds(serverPid) - serverCpu0) / idle.minutes;
      const cpuGoal = idle.cpu / 60 < 0.02;
      console.log(
        `idle ${idleSeconds} s: CouchDB ${idle.cpu.toFixed(2)} CPU-seconds a minute (${((idle.cpu / 60) * 100).toFixed(2)} % of a core, ${((baseline.cpu / 60) * 100).toFixed(2)} % with no server; goal < 2 %: ${cpuGoal ? 'PASS' : 'MISS'}), ` +
          `${idle.requests.toFixed(0)} requests a minute to CouchDB; server ${serverCpu.toFixed(2)} CPU-seconds a minute, router ${((h1.checks - checks0) / idle.minutes).toFixed(0)} database checks a minute; lagDatabases ${h1.lagDatabases}; ${load()}`,
      );

      // The lag returns to 0 after PUT _security (update_seq moves, no change row).
      const touched = names.slice(0, Math.min(10, names.length));
      const tSec = performance.now();
      for (const [i, name] of touched.entries()) {
        await couch('PUT', `/${prefix}${name}/_security`, { admins: { names: [], roles: [] }, members: { names: [`r-bench${100000 + i}`, 'x-touched'], roles: [] } });
      }
      let lagSeen = 0;
      for (;;) {
        const hs = await health();
        lagSeen = Math.max(lagSeen, hs.lagDatabases);
        if (hs.lagDatabases === 0 && performance.now() - tSec > 2_000) break;
        if (performance.now() - tSec > 120_000) throw new Error(`the lag did not return to 0 within 2 minutes: ${JSON.stringify(hs)}`);
        await sleep(200);
      }
      console.log(`PUT _security on ${touched.length} resident databases: lagDatabases at most ${lagSeen}, back to 0 (checked ${((performance.now() - tSec) / 1000).toFixed(1)} s after)`);

      const resident = await printPropagation(site.url, admin, events);
      if (writers > 0) {
        const putBusy: number[] = [];
        const busy = await timeBusyPropagation(site.url, admin, resident, events, writers, busySeconds, putBusy);
        const h2 = await health();
        const p95 = pct(busy.times, 95);
        console.log(
          `propagation with ${writers} residents writing at once (${events} events; they wrote ${busy.written} events in ${busy.busySeconds.toFixed(0)} s, ${(busy.written / busy.busySeconds).toFixed(0)}/s, ${busy.timeouts} writes unanswered within 15 s, ${busy.refused} refused; the router copied ${h2.copied} in all): p50 ${pct(busy.times, 50).toFixed(0)} ms, p95 ${p95.toFixed(0)} ms (goal ≤ 1,000 ms: ${p95 <= 1000 ? 'PASS' : 'MISS'}; the PUT alone: p50 ${pct(putBusy, 50).toFixed(0)} ms, p95 ${pct(putBusy, 95).toFixed(0)} ms); ${load()}`,
        );
      }

      // Shard files per resident database (q): CouchDB's own map of each.
      let shards = 0;
      const sample = [...names.slice(0, 50), resident.db];
      for (const name of sample) shards += Object.keys((await couch('GET', `/${prefix}${name}/_shards`)).json.shards).length;
      console.log(`shard files per resident database: ${(shards / sample.length).toFixed(2)} (${sample.length} databases, the signed-up resident's included)`);
    } finally {
      await site.stop();
    }
  } finally {
    const all = ((await couch('GET', '/_all_dbs')).json as string[]).filter((n) => n.startsWith(prefix));
    let i = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (i < all.length) await couch('DELETE', `/${all[i++]}`);
      }),
    );
    console.log(`deleted the bench's ${all.length} databases (${prefix}…)`);
  }
}
