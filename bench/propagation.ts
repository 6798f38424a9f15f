/**
 * The propagation figure both scale benches print (bench/scale.ts embedded, bench/scaleCouch.ts on
 * CouchDB): `count` submissions of one new resident through /db, one after another, each timed
 * from its PUT to its copy readable in `operations` by the admin; p50, p95 and the goal's verdict.
 * Returns the resident (the CouchDB bench counts its database's shards). The embedded bench times
 * the same loop twice (idle, then with writers) through timePropagation.
 */
import { loadavg, availableParallelism } from 'node:os';
import { newResident, request, signIn, type Resident as SignedUp } from '../tests/support/client';
import { adminCredentials } from '../tests/support/server';
import { residentSubmission } from '../tests/support/builders/backendEvents';

export const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

type Resident = Awaited<ReturnType<typeof newResident>>;

/**
 * `count` submissions of `resident`, one after another, each from its PUT to its copy in
 * `operations`; `putTimes`, when given, gets each PUT's own time (the write's answer), so the
 * router's part is the difference.
 */
export async function timePropagation(siteUrl: string, admin: { basic: { name: string; password: string } }, resident: Resident, count: number, putTimes?: number[]): Promise<number[]> {
  // The watcher holds a session, as a console does: polling with Basic credentials made every
  // poll a sign-in (the password checked by the database and the sign-in limits read: three
  // requests to CouchDB a poll, 7 % of its requests with 50 residents writing).
  const { name, password } = adminCredentials(siteUrl, admin.basic.name, admin.basic.password);
  const session = await signIn(siteUrl, name, password);
  if (!session.cookie) throw new Error(`the admin's sign-in: ${session.status} ${session.text}`);
  const watcher = { cookie: session.cookie };
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const doc = residentSubmission(resident);
    const start = performance.now();
    const put = await request(siteUrl, 'PUT', `/db/${resident.db}/${doc._id}`, doc, { cookie: resident.cookie });
    if (put.status !== 201) throw new Error(`PUT: ${put.status} ${put.text}`);
    putTimes?.push(performance.now() - start);
    for (;;) {
      const got = await request(siteUrl, 'GET', `/db/operations/${doc._id}`, undefined, watcher);
      if (got.status === 200) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    times.push(performance.now() - start);
  }
  return times;
}

/**
 * The same timing while `writerCount` other new residents write as fast as they are answered
 * (for `busySecondsMax` at most): the writers stop when the timing ends. A write not answered
 * within the client's 15 s, or refused, is counted (and the writer goes on): a figure, not the
 * end of the run. Both scale benches print it.
 */
export async function timeBusyPropagation(
  siteUrl: string,
  admin: { basic: { name: string; password: string } },
  probe: Resident,
  count: number,
  writerCount: number,
  busySecondsMax: number,
  putTimes?: number[],
): Promise<{ times: number[]; written: number; busySeconds: number; timeouts: number; refused: number }> {
  const writers: SignedUp[] = [];
  for (let i = 0; i < writerCount; i++) writers.push(await newResident(siteUrl));
  let writing = true;
  let written = 0;
  const failed = { timeouts: 0, refused: 0 };
  const crowd = Promise.all(
    writers.map(async (w) => {
      while (writing) {
        const doc = residentSubmission(w);
        const res = await request(siteUrl, 'PUT', `/db/${w.db}/${doc._id}`, doc, { cookie: w.cookie }).catch(() => null);
        if (!res) failed.timeouts++;
        else if (res.status !== 201) failed.refused++;
        else written++;
      }
    }),
  );
  const busy0 = performance.now();
  // the writers stop after `busySecondsMax` at the latest; the probe's events then wait only
  // for the router to work off what they left
  const stopWriters = setTimeout(() => (writing = false), busySecondsMax * 1000);
  const times = await timePropagation(siteUrl, admin, probe, count, putTimes);
  writing = false;
  clearTimeout(stopWriters);
  const busySeconds = (performance.now() - busy0) / 1000;
  await crowd;
  return { times, written, busySeconds, ...failed };
}

export async function printPropagation(siteUrl: string, admin: { basic: { name: string; password: string } }, count: number): Promise<Resident> {
  const resident = await newResident(siteUrl);
  const times = await timePropagation(siteUrl, admin, resident, count);
  const p95 = pct(times, 95);
  console.log(
    `propagation of a resident's submission to operations, the rest idle (${count} events): p50 ${pct(times, 50).toFixed(0)} ms, p95 ${p95.toFixed(0)} ms (goal ≤ 1,000 ms: ${p95 <= 1000 ? 'PASS' : 'MISS'}); load ${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cores`,
  );
  return resident;
}
