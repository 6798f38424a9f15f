/**
 * How fast the router copies events, against a baseline in the same process.
 *
 *   npm run bench:router [-- --requests 400 --residents 50]
 *
 * On the backend's real embedded storage (PouchDB on LevelDB, a temporary folder, no HTTP; with
 * COUCHDB_URL set, the router tests' world is that CouchDB over HTTP and this bench runs there, in
 * a namespace of its own that it leaves behind):
 *   1. router: every event written into its origin database, then one router pass
 *      (read _changes from checkpoints, validate, copy with new_edits:false, save checkpoints);
 *   2. baseline: every origin database read whole (allDocs) and the same copies written straight
 *      with bulkDocs(new_edits:false), targets known in advance: the floor any router on this
 *      storage pays (no _changes, no validation, no checkpoints);
 *   3. an idle sweep over every source database once nothing is left to copy.
 * Prints events/s and copies/s for both and the router's cost relative to the baseline.
 */
import { parseArgs } from 'node:util';
import { createRouter } from '../server/router/router.mjs';
import { routeTargets, originDatabase } from '../src/rules/routing';
import { parseDatabaseName } from '../src/db/databaseNames';
import type { EventRecord } from '../src/db/schema/index';
import { aRequestHistory, asCouchDoc } from '../tests/support/builders/events';
import { createDatabases, openWorld, quiet, type World } from '../tests/integration/router/support/world';

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '400' }, residents: { type: 'string', default: '50' } },
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
} finally {
  await world.close();
}
