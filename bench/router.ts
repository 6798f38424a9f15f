/**
 * How fast the router copies events, against a baseline in the same process.
 *
 *   npm run bench:router [-- --requests 400 --residents 50 --sources 1000 --per-round 64]
 *
 * On the backend's real embedded storage (PouchDB on LevelDB, a temporary folder, no HTTP; with
 * COUCHDB_URL set, the router tests' world is that CouchDB over HTTP and this bench runs there, in
 * a namespace of its own that it leaves behind):
 *   1. router: every event written into its origin database, then one router pass
 *      (read _changes from checkpoints, validate, copy with new_edits:false, save checkpoints);
 *   2. baseline: every origin database read whole (allDocs) and the same copies written straight
 *      with bulkDocs(new_edits:false), targets known in advance: the floor any router on this
 *      storage pays (no _changes, no validation, no checkpoints);
 *   3. an idle sweep over every source database once nothing is left to copy;
 *   4. many sources: `sources` resident databases with one or two new submissions each (as when
 *      many residents write at once), announced as the server announces accepted writes, read one
 *      source a round (the router before rounds: the same run's baseline) and then in rounds of
 *      `per-round` (the router's default); events/s and requests to the databases per event, by
 *      method and database. Above the embedded backend's 200 idle open databases the resident
 *      databases are opened cold (LevelDB open and close dominate): `--sources 150` shows the
 *      router's own cost, `--sources 1000` the cold one.
 * Prints events/s and copies/s for both and the router's cost relative to the baseline.
 */
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createRouter } from '../server/router/router.mjs';
import { routeTargets, originDatabase } from '../src/rules/routing';
import { parseDatabaseName } from '../src/db/databaseNames';
import { newRequestId } from '../src/db/schema/events/ids';
import type { EventRecord } from '../src/db/schema/index';
import { aRequestHistory, aSubmitted, asCouchDoc } from '../tests/support/builders/events';
import { createDatabases, openWorld, quiet, type World } from '../tests/integration/router/support/world';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '400' },
    residents: { type: 'string', default: '50' },
    sources: { type: 'string', default: '1000' },
    'per-round': { type: 'string' },
  },
});
const requests = Number(values.requests);
const residentCount = Number(values.residents);
const stations = ['north-1', 'south-2'];
const residents = Array.from({ length: residentCount }, (_, i) => `r-${100000 + i}`);

function generate(): EventRecord[] {
  const events: EventRecord[] = [];
  for (let i = 0; i < requests; i += 1) {
    events.push(
      ...aRequestHistory({
        resident: residents[i % residents.length]!,
        station: stations[i % stations.length]!,
        start: new Date(Date.UTC(2025, 11, 1) + i * 60_000).toISOString(),
      }),
    );
  }
  return events;
}

function copiesOf(events: EventRecord[]): Map<string, ReturnType<typeof asCouchDoc>[]> {
  const byTarget = new Map<string, ReturnType<typeof asCouchDoc>[]>();
  for (const e of events) {
    const source = parseDatabaseName(originDatabase(e));
    if (source.kind === 'other') throw new Error(`no origin for ${e.id}`);
    for (const target of routeTargets(e, source)) {
      byTarget.set(target, [...(byTarget.get(target) ?? []), asCouchDoc(e)]);
    }
  }
  return byTarget;
}

async function fresh(world: World): Promise<void> {
  await world.deleteAll();
  await createDatabases(world, { stations, residents });
}

const sourceCount = Number(values.sources);
const perRound = values['per-round'] === undefined ? undefined : Number(values['per-round']);

/** The couch with every call to a database counted, by method and kind of database. */
function counting(couch: ReturnType<World['couch']>) {
  const counts = new Map<string, number>();
  const methods = new Set(['changes', 'bulkDocs', 'bulkGet', 'allDocs', 'get', 'put', 'info', 'remove']);
  const kindOf = (name: string) => (name.startsWith('resident-') ? 'resident' : name.startsWith('station-') ? 'station' : name);
  const wrapped = {
    ...couch,
    async db(name: string) {
      const db = await couch.db(name);
      return new Proxy(db, {
        get(target, prop, receiver) {
          const value = Reflect.get(target, prop, receiver);
          if (typeof value !== 'function' || typeof prop !== 'string' || !methods.has(prop)) return value;
          return (...args: unknown[]) => {
            const key = `${prop} ${kindOf(name)}`;
            counts.set(key, (counts.get(key) ?? 0) + 1);
            return value.apply(target, args);
          };
        },
      });
    },
  } as ReturnType<World['couch']>;
  return { couch: wrapped, counts };
}

/**
 * 4. Many sources, one or two new events each (the scale bench's 50 writers among 10,000
 * residents): every resident's submissions written, then announced as the server announces the
 * writes it accepted, and timed until the router is idle. `sourcesPerRound` 1 is the router
 * reading one source at a time (as before rounds); the default reads several per round.
 */
async function manySources(world: World, sourcesPerRound: number | undefined) {
  const names = Array.from({ length: sourceCount }, (_, i) => `r-${200000 + i}`);
  await world.deleteAll();
  await createDatabases(world, { stations, residents: names });
  const { couch, counts } = counting(world.couch());
  const router = createRouter({ couch, backstopRoundMs: 0, catchUpPerSecond: 1e6, ...(sourcesPerRound ? { sourcesPerRound } : {}), ...quiet });
  await router.start();
  await router.settle();
  const events: EventRecord[] = [];
  names.forEach((resident, i) => {
    for (let k = 0; k < 1 + (i % 3 === 0 ? 1 : 0); k++) {
      const at = Date.UTC(2025, 11, 1) + i * 60_000 + k * 1000;
      events.push(aSubmitted('consultation', { requestId: newRequestId(at), resident, station: stations[i % stations.length]!, at: new Date(at).toISOString(), author: { name: resident, role: 'resident', device: 'phone' } }));
    }
  });
  await world.writeEvents(events);
  counts.clear();
  const copiedBefore = router.health().copied;
  const started = performance.now();
  for (const e of events) router.notify(originDatabase(e));
  await router.idle();
  const ms = performance.now() - started;
  const copied = router.health().copied - copiedBefore;
  await router.stop();
  const requests = [...counts.values()].reduce((a, b) => a + b, 0);
  const detail = [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${(n / events.length).toFixed(2)}`).join(', ');
  return { ms, events: events.length, copied, requests, detail };
}

// The router's pacing pauses do not hold a process open (a server's listening socket does): this does.
const keepAlive = setInterval(() => {}, 1000);
const world = await openWorld();
try {
  const events = generate();
  const copies = [...copiesOf(events).values()].reduce((n, docs) => n + docs.length, 0);
  console.log(`${events.length} events of ${requests} requests, ${residents.length} residents, ${stations.length} stations; ${copies} copies to make`);

  // 1. the router
  await fresh(world);
  await world.writeEvents(events);
  const router = createRouter({ couch: world.couch(), backstopRoundMs: 0, ...quiet });
  let started = performance.now();
  await router.start();
  const health = await router.settle();
  const routerMs = performance.now() - started;
  started = performance.now();
  await router.sweep();
  const idleSweepMs = performance.now() - started;
  await router.stop();

  // 2. the baseline: the same copies written straight, targets known in advance
  await fresh(world);
  await world.writeEvents(events);
  const targets = copiesOf(events);
  started = performance.now();
  const stored = new Map<string, Record<string, unknown>>();
  for (const origin of new Set(events.map(originDatabase))) {
    const all = await (await world.db(origin)).allDocs({ include_docs: true });
    for (const row of all.rows) stored.set(row.id, row.doc);
  }
  for (const [target, docs] of targets) {
    await (await world.db(target)).bulkDocs(docs.map((d) => stored.get(d._id)), { new_edits: false });
  }
  const baselineMs = performance.now() - started;

  const rate = (n: number, ms: number) => Math.round((n / ms) * 1000).toLocaleString('en');
  console.log(`router:   ${routerMs.toFixed(0)} ms  ${rate(events.length, routerMs)} events/s  ${rate(copies, routerMs)} copies/s  (copied ${health.copied ?? '?'})`);
  console.log(`baseline: ${baselineMs.toFixed(0)} ms  ${rate(events.length, baselineMs)} events/s  ${rate(copies, baselineMs)} copies/s`);
  console.log(`router / baseline time: ${(routerMs / baselineMs).toFixed(2)}×`);
  console.log(`idle sweep over ${residents.length + stations.length + 1} source databases: ${idleSweepMs.toFixed(1)} ms`);

  // 4. many sources: one source a round (the router before rounds), then rounds of several
  console.log(`\nmany sources: ${sourceCount} residents, one or two new submissions each, announced at once; load ${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cores`);
  for (const [label, n] of [['one source a round', 1], [`rounds of ${perRound ?? 'the default'}`, perRound]] as const) {
    const r = await manySources(world, n);
    console.log(`${label.padEnd(22)} ${r.ms.toFixed(0)} ms  ${rate(r.events, r.ms)} events/s  (copied ${r.copied} of ${r.events * 2})  ${(r.requests / r.events).toFixed(2)} requests an event: ${r.detail}`);
  }
} finally {
  clearInterval(keepAlive);
  await world.close();
}
