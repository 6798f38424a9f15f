/**
 * The router (server/router/router.mjs) on REAL storage: the backend's embedded PouchDB on
 * LevelDB in a temporary folder, in this process (no HTTP). Where events go, that routing
 * twice or from checkpoint 0 changes nothing, resuming from checkpoints, what is not routed,
 * targets that do not exist yet, notify, and health.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OPERATIONS_DB, ROUTER_STATE_DB, residentDbName, stationDbName } from '../../../src/db/databaseNames';
import type { EventRecord } from '../../../src/db/schema/index';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { routerHealthHandler } from '../../../server/router/index.mjs';
import { createRouter } from '../../../server/router/router.mjs';
import {
  OTHER_RESIDENT,
  OTHER_STATION,
  RESIDENT,
  STATION,
  aRequestHistory,
  aSubmittedRepair,
  anEvent,
  asCouchDoc,
  resetIds,
} from '../../support/builders/events';
import { createDatabases, expectedPlacement, openWorld, quiet, type World } from './support/world';

const RESIDENT_DB = residentDbName(RESIDENT);
const OTHER_RESIDENT_DB = residentDbName(OTHER_RESIDENT);
const STATION_DB = stationDbName(STATION);
const OTHER_STATION_DB = stationDbName(OTHER_STATION);
const ALL_DBS = [OPERATIONS_DB, STATION_DB, OTHER_STATION_DB, RESIDENT_DB, OTHER_RESIDENT_DB];

let world: World;
let routers: ReturnType<typeof createRouter>[] = [];

function newRouter(opts: Partial<Parameters<typeof createRouter>[0]> = {}) {
  const router = createRouter({ couch: world.couch(), backstopRoundMs: 0, ...quiet, ...opts });
  routers.push(router);
  return router;
}

async function route(opts: Partial<Parameters<typeof createRouter>[0]> = {}) {
  const router = newRouter(opts);
  await router.start();
  const health = await router.settle();
  return { router, health };
}

beforeAll(async () => {
  world = await openWorld();
});

afterAll(async () => {
  await world?.close();
});

beforeEach(async () => {
  resetIds();
  await world.deleteAll();
  await createDatabases(world, { stations: [STATION, OTHER_STATION], residents: [RESIDENT, OTHER_RESIDENT] });
});

afterEach(async () => {
  for (const r of routers) await r.stop();
  routers = [];
});

async function placement(): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const name of ALL_DBS) out.set(name, new Set((await world.events(name)).keys()));
  return out;
}

async function snapshots() {
  const out: Record<string, Awaited<ReturnType<World['snapshot']>>> = {};
  for (const name of ALL_DBS) out[name] = await world.snapshot(name);
  return out;
}

describe('where events go', () => {
  it('a resident’s submission reaches operations and the station of the request, and no other station or resident', async () => {
    const submitted = aSubmittedRepair();
    await world.writeEvents([submitted]);
    const { health } = await route();

    expect(health).toMatchObject({ ok: true, lagDatabases: 0, failingSources: 0, rejected: 0 });
    const where = await placement();
    expect(where.get(OPERATIONS_DB)).toEqual(new Set([submitted.id]));
    expect(where.get(STATION_DB)).toEqual(new Set([submitted.id]));
    expect(where.get(OTHER_STATION_DB)!.size).toBe(0);
    expect(where.get(OTHER_RESIDENT_DB)!.size).toBe(0);
    // the copy is the same revision as the original
    const rev = (await world.events(RESIDENT_DB)).get(submitted.id);
    expect((await world.events(OPERATIONS_DB)).get(submitted.id)).toBe(rev);
    expect((await world.events(STATION_DB)).get(submitted.id)).toBe(rev);
  });

  it('a station’s dispatch reaches operations and the resident; an internal note reaches operations only', async () => {
    const requestId = 'rq-01KB0000000000000000000001';
    const dispatched = anEvent('dispatched', { author: 'dispatcher', requestId });
    const note = anEvent('note', { author: 'technician', requestId });
    const southSubmission = aSubmittedRepair({ resident: OTHER_RESIDENT, station: OTHER_STATION, author: 'otherResident' });
    await world.writeEvents([dispatched, note, southSubmission]);
    await route();

    const where = await placement();
    expect(where.get(OPERATIONS_DB)).toEqual(new Set([dispatched.id, note.id, southSubmission.id]));
    expect(where.get(RESIDENT_DB)).toEqual(new Set([dispatched.id]));
    expect(where.get(STATION_DB)).toEqual(new Set([dispatched.id, note.id]));
    expect(where.get(OTHER_STATION_DB)).toEqual(new Set([southSubmission.id]));
    expect(where.get(OTHER_RESIDENT_DB)).toEqual(new Set([southSubmission.id]));
  });

  it('an operations reply reaches the station and the resident; an escalation only the station', async () => {
    const reply = anEvent('reply', { author: 'hotline' });
    const escalated = anEvent('escalated', { author: 'hotline' });
    await world.writeEvents([reply, escalated]);
    await route();
    const where = await placement();
    expect(where.get(STATION_DB)).toEqual(new Set([reply.id, escalated.id]));
    expect(where.get(RESIDENT_DB)).toEqual(new Set([reply.id]));
    expect(where.get(OTHER_STATION_DB)!.size).toBe(0);
  });

  it('whole request histories end up exactly where routeTargets says, and nowhere else', async () => {
    const events: EventRecord[] = [
      ...aRequestHistory(),
      ...aRequestHistory({ steps: ['accepted', 'dispatched', ['note', { author: 'technician' }], 'arrived', 'work-done', 'closed'] }),
      ...aRequestHistory({ resident: OTHER_RESIDENT, station: OTHER_STATION, submittedBy: 'hotline', steps: [['reply', { author: 'hotline' }]] }),
    ];
    await world.writeEvents(events);
    await route({ batchSize: 3 }); // several batches per source
    const expected = expectedPlacement(events);
    const where = await placement();
    for (const name of ALL_DBS) expect(where.get(name), name).toEqual(expected.get(name) ?? new Set());
  });
});

describe('idempotent and resumable', () => {
  it('routing again, from checkpoint 0, or with two routers at once writes nothing new', async () => {
    const events = [...aRequestHistory(), ...aRequestHistory({ resident: OTHER_RESIDENT, station: OTHER_STATION, submittedBy: 'otherResident' })];
    await world.writeEvents(events);
    await route();
    const first = await snapshots();

    // the same router again
    await routers[0]!.settle();
    expect(await snapshots()).toEqual(first);

    // a new router after the checkpoints are lost: replays everything
    const state = await world.db(ROUTER_STATE_DB);
    const cps = (await state.allDocs({ startkey: 'checkpoint:', endkey: 'checkpoint:\ufff0' })).rows;
    expect(cps.length).toBe(ALL_DBS.length);
    await state.bulkDocs(cps.map((r: any) => ({ _id: r.id, _rev: r.value.rev, _deleted: true })));
    const replay = await route();
    expect(replay.health.copied).toBeGreaterThan(0); // it did write them all again…
    expect(await snapshots()).toEqual(first); // …and nothing changed: same revisions, same update_seq

    // two routers at once, both from zero
    const cps2 = (await state.allDocs({ startkey: 'checkpoint:', endkey: 'checkpoint:\ufff0' })).rows;
    await state.bulkDocs(cps2.map((r: any) => ({ _id: r.id, _rev: r.value.rev, _deleted: true })));
    const [a, b] = [newRouter({ batchSize: 2 }), newRouter({ batchSize: 5 })];
    await Promise.all([a.start(), b.start()]);
    await Promise.all([a.settle(), b.settle()]);
    const after = await snapshots();
    expect(after).toEqual(first);
    for (const name of ALL_DBS) expect(after[name]!.conflicts).toEqual([]);
  });

  it('resumes from its checkpoints: a restarted router copies only what is new', async () => {
    const history = aRequestHistory();
    await world.writeEvents(history);
    const one = await route();
    const copiedBefore = one.health.copied;
    await one.router.stop();

    const later = [anEvent('reply', { author: 'hotline', requestId: history[0]!.requestId }), aSubmittedRepair({ requestId: 'rq-01KB0000000000000000000009', resident: OTHER_RESIDENT, author: 'otherResident' })];
    await world.writeEvents(later);
    const two = await route();
    // reply → station + resident; submission → operations + station
    expect(two.health.copied).toBe(4);
    expect(copiedBefore).toBeGreaterThan(4);
    const where = await placement();
    expect(where.get(RESIDENT_DB)!.has(later[0]!.id)).toBe(true);
    expect(where.get(OPERATIONS_DB)!.has(later[1]!.id)).toBe(true);
  });

  it('copies an event an admin edited with its history, so the copy has no conflict', async () => {
    const note = anEvent('note', { author: 'hotline' });
    await world.writeEvents([note]);
    await route();
    const ops = await world.db(OPERATIONS_DB);
    const original = await ops.get(note.id);
    await ops.put({ ...original, payload: { text: '住户白天不在家（已更正）' } });
    const health = await routers[0]!.settle();
    expect(health.failingSources).toBe(0);
    const copy = await (await world.db(STATION_DB)).get(note.id, { conflicts: true });
    expect(copy._rev).toMatch(/^2-/);
    expect(copy.payload.text).toContain('已更正');
    expect(copy._conflicts).toBeUndefined();
  });
});

describe('what is not routed', () => {
  it('profiles, station documents, design documents, deletions and malformed events stay where they are', async () => {
    await world.write(RESIDENT_DB, [{ _id: 'profile', docType: 'profile', station: STATION }]);
    await world.write(OPERATIONS_DB, [{ _id: `station:${STATION}`, docType: 'station', id: STATION, name: 'x', communities: [] }]);
    await world.write(STATION_DB, [{ _id: '_design/x', views: {} }]);
    const malformed = { ...asCouchDoc(anEvent('arrived', { author: 'technician' })), at: 'yesterday' };
    await world.write(STATION_DB, [malformed]);
    const gone = asCouchDoc(anEvent('arrived', { author: 'technician' }));
    await world.write(STATION_DB, [gone]);
    const stored = await (await world.db(STATION_DB)).get(gone._id);
    await (await world.db(STATION_DB)).remove(stored);

    const { health } = await route();
    expect(health.rejected).toBe(1);
    expect(health.recentRejections).toEqual([expect.objectContaining({ source: STATION_DB, id: malformed._id, reason: expect.stringMatching(/at/) })]);
    for (const name of ALL_DBS) expect((await world.events(name)).size, name).toBe(name === STATION_DB ? 1 : 0);
    expect((await world.snapshot(OPERATIONS_DB)).revs.has('profile')).toBe(false);
    expect((await world.snapshot(RESIDENT_DB)).revs.has(`station:${STATION}`)).toBe(false);
    expect((await world.snapshot(OPERATIONS_DB)).revs.has('_design/x')).toBe(false);
  });
});

describe('a target that does not exist yet', () => {
  it('parks the copies without holding the source back, and writes them when the database appears', async () => {
    const newcomer = 'r-3003';
    const forNewcomer = anEvent('dispatched', { author: 'dispatcher', resident: newcomer });
    const after = anEvent('arrived', { author: 'technician', requestId: 'rq-01KB0000000000000000000002' });
    await world.writeEvents([forNewcomer, after]);
    const { router, health } = await route();

    // the dispatch, and its request's registration (by the hotline: writeEvents) with it
    expect(health.parked).toEqual({ events: 2, databases: 1 });
    expect(health.ok).toBe(true);
    const ops = await world.events(OPERATIONS_DB);
    expect(ops.has(forNewcomer.id) && ops.has(after.id)).toBe(true); // the source went on
    expect((await world.events(RESIDENT_DB)).has(after.id)).toBe(true);

    await world.createDb(residentDbName(newcomer)); // the resident signs up
    const settled = await router.settle();
    expect(settled.parked).toEqual({ events: 0, databases: 0 });
    const theirs = await world.events(residentDbName(newcomer));
    expect([...theirs.keys()]).toEqual([forNewcomer.id]);
    expect(theirs.get(forNewcomer.id)).toBe((await world.events(STATION_DB)).get(forNewcomer.id));
    const state = await world.db(ROUTER_STATE_DB);
    expect((await state.allDocs({ startkey: 'parked:', endkey: 'parked:\ufff0' })).rows).toEqual([]);
  });

  it('keeps parked copies across a restart', async () => {
    const newcomer = 'r-4004';
    const reply = anEvent('reply', { author: 'hotline', resident: newcomer });
    await world.writeEvents([reply]);
    const one = await route();
    expect(one.health.parked.events).toBe(2); // the reply and its request's registration
    await one.router.stop();
    await world.createDb(residentDbName(newcomer));
    const two = await route();
    expect(two.health.parked.events).toBe(0);
    expect((await world.events(residentDbName(newcomer))).has(reply.id)).toBe(true);
  });
});

describe('a failing target', () => {
  it('holds its source back until a later sweep succeeds: nothing is lost', async () => {
    const base = world.couch();
    let broken = true;
    const couch = {
      ...base,
      async db(name: string) {
        const db = await base.db(name);
        if (name !== OPERATIONS_DB) return db;
        return new Proxy(db, {
          get(target, prop) {
            if (prop === 'bulkDocs' && broken) return async () => Promise.reject(new Error('disk full'));
            const value = Reflect.get(target, prop);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
      },
    };
    const submitted = aSubmittedRepair();
    await world.writeEvents([submitted]);
    const router = newRouter({ couch });
    await router.start();
    const failing = await router.settle();
    expect(failing).toMatchObject({ ok: false, failingSources: 1, lagDatabases: 1 });
    expect(failing.failing).toEqual([expect.objectContaining({ source: RESIDENT_DB, error: expect.stringMatching(/disk full/) })]);
    const summary = router.health();
    expect(summary.lastError?.message).toMatch(/disk full/);
    expect(JSON.stringify(summary)).not.toMatch(/resident-[0-9a-f]/);
    const state = await world.db(ROUTER_STATE_DB);
    expect((await state.allDocs({ key: `checkpoint:${RESIDENT_DB}` })).rows).toEqual([]); // not moved
    expect((await world.events(OPERATIONS_DB)).size).toBe(0);

    broken = false;
    const healed = await router.settle();
    expect(healed).toMatchObject({ ok: true, failingSources: 0, lagDatabases: 0 });
    expect((await world.events(OPERATIONS_DB)).has(submitted.id)).toBe(true);
    expect((await world.events(STATION_DB)).has(submitted.id)).toBe(true);
  });
});

describe('notify and health', () => {
  it('routes on notify, without waiting for a sweep', async () => {
    const router = newRouter({ backstopRoundMs: 60_000 });
    await router.start();
    await router.caughtUp(); // the sweep at start is over: only notify can find what follows
    const submitted = aSubmittedRepair();
    await world.writeEvents([submitted]);
    router.notify('_users'); // not a source: ignored
    router.notify(RESIDENT_DB);
    await router.idle();
    expect((await world.events(OPERATIONS_DB)).has(submitted.id)).toBe(true);
    expect((await world.events(STATION_DB)).has(submitted.id)).toBe(true);
  });

  it('reports lag, sources and the last sweep, without database names unless asked', async () => {
    await world.writeEvents(aRequestHistory());
    const router = newRouter();
    expect(router.health()).toMatchObject({ ok: false, running: false, sources: 0, lastSweepAt: null });
    await router.start();
    await router.settle();
    const h = router.health();
    expect(h).toMatchObject({ ok: true, running: true, lagDatabases: 0, lagSeconds: 0, sources: ALL_DBS.length, failingSources: 0, lastError: null });
    expect(Date.parse(h.lastSweepAt!)).toBeGreaterThan(Date.now() - 10_000);
    expect(JSON.stringify(h)).not.toMatch(/resident-[0-9a-f]/);

    const detail = router.health({ detail: true }) as any;
    expect(detail.totals.batches).toBeGreaterThan(0);
    await router.stop();
    expect(router.health().ok).toBe(false);
  });

  it('answers on /api/router/health when mounted in express: 200 when ok, 503 without a router', async () => {
    const { router } = await route();
    const app = express();
    app.use('/api/router/health', routerHealthHandler(router));
    app.use('/api/other/health', routerHealthHandler(null));
    app.use((_req, res) => void res.status(404).end());
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const ok = await fetch(`${base}/api/router/health`);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('cache-control')).toBe('no-store');
      expect(await ok.json()).toMatchObject({ ok: true, lagDatabases: 0, sources: ALL_DBS.length });
      expect((await fetch(`${base}/api/router/health/x`)).status).toBe(404);
      expect((await fetch(`${base}/api/router/health`, { method: 'POST' })).status).toBe(405);
      const none = await fetch(`${base}/api/other/health`);
      expect(none.status).toBe(503);
      expect(await none.json()).toMatchObject({ ok: false, running: false });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

/** A router over heldCouch(), on a clock the test moves (`clock.now`), started and caught up. */
async function startHeldRouter(opts: Partial<Parameters<typeof createRouter>[0]> = {}) {
  const held = heldCouch();
  const clock = { now: Date.parse('2026-01-05T08:00:00.000Z') };
  const router = newRouter({ couch: held.couch, now: () => clock.now, ...opts });
  await router.start();
  await router.caughtUp();
  return { held, clock, router };
}

/**
 * A couch whose `bulkDocs` into operations waits for `release()` (a slow or stuck target), and
 * whose sequences look like CouchDB's: strings "<n>-<opaque>" whose number says nothing, and an
 * update_seq always ahead of the last change (CouchDB raises it on `PUT _security` with no
 * change row).
 */
function heldCouch() {
  const base = world.couch();
  let release: () => void = () => {};
  let gate: Promise<void> | null = null;
  const opaque = new Map<string, number | string>(); // what we handed out → PouchDB's own seq
  const wrap = (seq: number | string) => {
    const token = `${Math.floor(Math.random() * 1000)}-g1AAAA${Math.random().toString(36).slice(2)}`;
    opaque.set(token, seq);
    return token;
  };
  const couch = {
    ...base,
    async db(name: string) {
      const db = await base.db(name);
      return new Proxy(db, {
        get(target, prop) {
          if (prop === 'bulkDocs' && name === OPERATIONS_DB) {
            return async (...args: unknown[]) => {
              if (gate) await gate;
              return target.bulkDocs(...args);
            };
          }
          if (prop === 'changes') {
            return async (opts: { since?: number | string } & Record<string, unknown>) => {
              const since = typeof opts.since === 'string' ? opaque.get(opts.since) ?? 0 : opts.since;
              const res = await target.changes({ ...opts, since });
              return { ...res, last_seq: wrap(res.last_seq), results: res.results.map((r: any) => ({ ...r, seq: wrap(r.seq) })) };
            };
          }
          if (prop === 'info') {
            return async () => {
              const info = await target.info();
              return { ...info, update_seq: `${Number(info.update_seq) + 5}-g1AAAAsecurity` };
            };
          }
          const value = Reflect.get(target, prop);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    },
  };
  return {
    couch,
    hold() {
      gate = new Promise((r) => (release = r));
    },
    release() {
      gate = null;
      release();
    },
  };
}

async function until<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('lag as the set of databases with unread changes', () => {
  it('names the database with unread changes, and returns to empty once they are read, with opaque CouchDB-like sequences', async () => {
    const held = heldCouch();
    const router = newRouter({ couch: held.couch });
    await router.start();
    await router.caughtUp();
    expect(router.health()).toMatchObject({ ok: true, caughtUp: true, lagDatabases: 0 });

    held.hold();
    const submitted = aSubmittedRepair();
    await world.writeEvents([submitted]);
    router.notify(RESIDENT_DB);
    await until('the drain to reach operations', () => router.health().lagDatabases === 1);
    expect((router.health({ detail: true }) as any).lagging).toEqual([RESIDENT_DB]);
    expect(JSON.stringify(router.health())).not.toMatch(/resident-[0-9a-f]/);

    held.release();
    await router.idle();
    expect(router.health()).toMatchObject({ ok: true, lagDatabases: 0, lagSeconds: 0 });
    expect((await world.events(OPERATIONS_DB)).has(submitted.id)).toBe(true);
    // the backstop checks every database again: nothing is unread, though every update_seq is "ahead"
    const settled = await router.settle();
    expect(settled).toMatchObject({ ok: true, lagDatabases: 0, lagging: [] });
    await router.sweep();
    expect(router.health()).toMatchObject({ lagDatabases: 0 });
  });

  it('turns not-ok when the oldest undelivered change is older than maxLagSeconds (10 s by default), and ok again once delivered', async () => {
    const { held, clock, router } = await startHeldRouter();
    held.hold();
    await world.writeEvents([aSubmittedRepair()]);
    router.notify(RESIDENT_DB);
    await until('the drain to wait on operations', () => router.health().lagDatabases === 1);
    clock.now += 9_000;
    expect(router.health()).toMatchObject({ ok: true, lagDatabases: 1, lagSeconds: 9, maxLagSeconds: 10 });
    clock.now += 2_000;
    expect(router.health()).toMatchObject({ ok: false, lagDatabases: 1, lagSeconds: 11 });
    held.release();
    await router.idle();
    expect(router.health()).toMatchObject({ ok: true, lagDatabases: 0, lagSeconds: 0 });
  });
});

describe('admission: writes held back while the router is behind', () => {
  it('holds a write while an announcement waits longer than admitBehindMs for a round, and lets it through once the router has caught up', async () => {
    const { held, clock, router } = await startHeldRouter({ concurrency: 1, admitBehindMs: 250, admitMaxWaitMs: 60_000 });
    await expect(router.admission()).resolves.toBeUndefined(); // nothing waiting: at once
    held.hold();
    const first = aSubmittedRepair();
    const second = aSubmittedRepair({ requestId: 'rq-01KB0000000000000000000002', resident: OTHER_RESIDENT, station: OTHER_STATION, author: 'otherResident' });
    await world.writeEvents([first, second]);
    router.notify(RESIDENT_DB); // its round waits on operations
    await until('the round to wait on operations', () => router.health().lagDatabases === 1);
    router.notify(OTHER_RESIDENT_DB); // queued behind it (one round at a time)
    await expect(router.admission()).resolves.toBeUndefined(); // announced just now: not behind yet
    clock.now += 1_000;
    let admitted = false;
    const admission = router.admission().then(() => (admitted = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(admitted).toBe(false);
    expect((router.health({ detail: true }) as any).totals.heldBack).toBe(1);
    held.release();
    await admission;
    await router.idle();
    expect((await world.events(OPERATIONS_DB)).has(second.id)).toBe(true);
    await expect(router.admission()).resolves.toBeUndefined();
  });

  it('holds a write while the round under way carries an announcement older than admitBehindMs (taken by a round is not delivered), and lets it through once it is', async () => {
    const { held, clock, router } = await startHeldRouter({ concurrency: 1, admitBehindMs: 250, admitMaxWaitMs: 60_000 });
    held.hold();
    const first = aSubmittedRepair();
    await world.writeEvents([first]);
    router.notify(RESIDENT_DB);
    await until('the round to wait on operations', () => router.health().lagDatabases === 1);
    await expect(router.admission()).resolves.toBeUndefined(); // taken just now: not behind yet
    clock.now += 1_000; // nothing waits for a round, but the round under way carries a second-old event
    let admitted = false;
    const admission = router.admission().then(() => (admitted = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(admitted).toBe(false);
    held.release();
    await admission;
    expect((await world.events(OPERATIONS_DB)).has(first.id)).toBe(true);
    await expect(router.admission()).resolves.toBeUndefined();
  });

  it('lets a write into a database with nothing undelivered go while the router is less than admitFarBehindMs behind, and holds it beyond', async () => {
    const { held, clock, router } = await startHeldRouter({ concurrency: 1, admitBehindMs: 250, admitFarBehindMs: 1_000, admitMaxWaitMs: 60_000 });
    held.hold();
    await world.writeEvents([aSubmittedRepair()]);
    router.notify(RESIDENT_DB);
    await until('the round to wait on operations', () => router.health().lagDatabases === 1);
    // written again while its round is under way: a change that waits for a round
    await world.writeEvents([aSubmittedRepair({ requestId: 'rq-01KB0000000000000000000003' })]);
    router.notify(RESIDENT_DB);
    clock.now += 500; // behind, not far behind
    // the database with a change waiting for a round waits; another one, all delivered, does not
    let ownerAdmitted = false;
    const owner = router.admission(RESIDENT_DB).then(() => (ownerAdmitted = true));
    await expect(router.admission(OTHER_RESIDENT_DB)).resolves.toBeUndefined();
    clock.now += 1_000; // far behind: every write waits
    let otherAdmitted = false;
    const other = router.admission(OTHER_RESIDENT_DB).then(() => (otherAdmitted = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(ownerAdmitted).toBe(false);
    expect(otherAdmitted).toBe(false);
    held.release();
    await Promise.all([owner, other]);
    expect((router.health({ detail: true }) as any).totals.heldBack).toBe(2);
  });

  it('holds a write at most admitMaxWaitMs while the router is stuck, and lets every held write go when it stops', async () => {
    const { held, clock, router } = await startHeldRouter({ concurrency: 1, admitMaxWaitMs: 300 });
    held.hold();
    await world.writeEvents([aSubmittedRepair(), aSubmittedRepair({ resident: OTHER_RESIDENT, station: OTHER_STATION, author: 'otherResident' })]);
    router.notify(RESIDENT_DB);
    await until('the round to wait on operations', () => router.health().lagDatabases === 1);
    router.notify(OTHER_RESIDENT_DB);
    clock.now += 5_000;
    const t0 = Date.now();
    await router.admission();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    let admitted = false;
    const admission = router.admission().then(() => (admitted = true));
    const stopping = router.stop();
    await admission;
    expect(admitted).toBe(true);
    held.release();
    await stopping;
  });
});

describe('a feed of database updates (CouchDB’s _db_updates)', () => {
  /** A couch with a `dbUpdates` long poll the test answers. */
  function feedCouch() {
    const base = world.couch();
    const polls: { since: string | number; answer: (res: { results: { db_name: string; type: string }[]; last_seq: string }) => void }[] = [];
    const couch = {
      ...base,
      onDatabaseEvent: undefined,
      dbUpdates: ({ since, signal }: { since: string | number; signal?: AbortSignal }) =>
        new Promise<{ results: { db_name: string; type: string }[]; last_seq: string }>((resolve, reject) => {
          polls.push({ since, answer: resolve });
          signal?.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
        }),
    };
    return { couch, polls };
  }

  it('reads a database the feed names, without notify or sweep, and saves the feed position once it is read through', async () => {
    const { couch, polls } = feedCouch();
    const one = newRouter({ couch });
    await one.start();
    await one.caughtUp();
    const first = await until('the first poll', () => polls[0]);
    expect(first.since).toBe('now'); // no saved position: from now on (the sweep at start covered the rest)

    const submitted = aSubmittedRepair();
    await world.writeEvents([submitted]); // no notify
    first.answer({ results: [{ db_name: RESIDENT_DB, type: 'updated' }], last_seq: '7-g1AAAAfeed' });
    await until('the submission in operations', async () => (await world.events(OPERATIONS_DB)).has(submitted.id));
    const state = await world.db(ROUTER_STATE_DB);
    await until('the feed position saved', async () => (await state.get('db-updates').catch(() => null))?.seq === '7-g1AAAAfeed');
    expect(one.health()).toMatchObject({ ok: true, lagDatabases: 0, updates: { feed: 'following' } });
    await one.stop();

    // a restart reads the feed on from the saved position, and sweeps nothing at start
    const two = newRouter({ couch });
    await two.start();
    const next = await until('the poll after the restart', () => polls.find((p, i) => i > 1 && p.since === '7-g1AAAAfeed'));
    expect(next).toBeTruthy();
    await two.caughtUp();
    expect((two.health({ detail: true }) as any).totals.checked).toBe(0);
  });

  it('saves no position for announcements of databases it does not read (its own save, announced back), so an idle feed writes nothing', async () => {
    // Each save writes router-state, which CouchDB's feed announces in turn: saving on that
    // announcement kept CouchDB writing twice a second with nothing to route.
    const { couch, polls } = feedCouch();
    let skew = 0;
    const router = newRouter({ couch, now: () => Date.now() + skew });
    await router.start();
    await router.caughtUp();
    const state = await world.db(ROUTER_STATE_DB);
    const saved = async () => (await state.get('db-updates').catch(() => null)) as { seq: string; _rev: string } | null;
    (await until('the first poll', () => polls[0])).answer({ results: [], last_seq: '1-g1AAAAfeed' });
    await until('the first position saved (none was)', async () => (await saved())?.seq === '1-g1AAAAfeed');

    for (let i = 1; i <= 5; i++) {
      const poll = await until(`poll ${i + 1}`, () => polls[i]);
      poll.answer({ results: [{ db_name: ROUTER_STATE_DB, type: 'updated' }, { db_name: 'notifications', type: 'updated' }], last_seq: `${i + 1}-g1AAAAfeed` });
    }
    expect((await until('the poll after them', () => polls[6])).since).toBe('6-g1AAAAfeed'); // read on from there

    const submitted = aSubmittedRepair();
    await world.writeEvents([submitted]);
    polls[6]!.answer({ results: [{ db_name: ROUTER_STATE_DB, type: 'updated' }, { db_name: RESIDENT_DB, type: 'updated' }], last_seq: '7-g1AAAAfeed' });
    await until('the position saved once the named source is read', async () => (await saved())?.seq === '7-g1AAAAfeed');
    expect((await world.events(OPERATIONS_DB)).has(submitted.id)).toBe(true);
    expect(parseInt((await saved())!._rev, 10)).toBe(2); // saved at 1 and at 7: never for the five in between

    // feedSaveMs (10 min) after the last save, an announcement of router-state alone is saved, once
    skew = 600_000;
    (await until('poll 8', () => polls[7])).answer({ results: [{ db_name: ROUTER_STATE_DB, type: 'updated' }], last_seq: '8-g1AAAAfeed' });
    await until('the position saved after feedSaveMs', async () => (await saved())?.seq === '8-g1AAAAfeed');
    (await until('poll 9', () => polls[8])).answer({ results: [{ db_name: ROUTER_STATE_DB, type: 'updated' }], last_seq: '9-g1AAAAfeed' });
    await until('poll 10', () => polls[9]);
    await router.stop();
    expect(await saved()).toMatchObject({ seq: '8-g1AAAAfeed', _rev: expect.stringMatching(/^3-/) });
  });

  it('a late "deleted" of a database that is there (CouchDB’s feed, after the name was made again) forgets neither it nor its checkpoint', async () => {
    const { couch, polls } = feedCouch();
    const router = newRouter({ couch });
    await router.start();
    await router.caughtUp();
    const first = await until('the first poll', () => polls[0]);
    const submitted = aSubmittedRepair();
    await world.writeEvents([submitted]);
    first.answer({ results: [{ db_name: RESIDENT_DB, type: 'updated' }], last_seq: '3-g1AAAAfeed' });
    await until('the submission in operations', async () => (await world.events(OPERATIONS_DB)).has(submitted.id));
    const state = await world.db(ROUTER_STATE_DB);
    const checkpoint = await until('the checkpoint', async () => (await state.get(`checkpoint:${RESIDENT_DB}`).catch(() => null))?.seq);
    const copied = router.health().copied;

    await until('the second poll', () => polls[1]).then((p) => p.answer({ results: [{ db_name: RESIDENT_DB, type: 'deleted' }], last_seq: '4-g1AAAAfeed' }));
    await until('the poll after the late "deleted"', () => polls[2]); // the update was handled before it
    expect(router.health()).toMatchObject({ sources: ALL_DBS.length, failingSources: 0 });
    expect((await state.get(`checkpoint:${RESIDENT_DB}`)).seq).toEqual(checkpoint);
    await router.settle();
    expect(router.health().copied).toBe(copied); // nothing read again from the start

    // a database that is gone is forgotten, with its checkpoint
    await world.deleteDb(OTHER_RESIDENT_DB);
    polls[2]!.answer({ results: [{ db_name: OTHER_RESIDENT_DB, type: 'deleted' }], last_seq: '5-g1AAAAfeed' });
    await until('the poll after the "deleted"', () => polls[3]);
    expect(router.health().sources).toBe(ALL_DBS.length - 1);
  });

  it('checks every database once when the feed answers again after failing (what CouchDB held back when it stopped is never announced)', async () => {
    const { couch, polls } = feedCouch();
    let failNext = false;
    const flaky = {
      ...couch,
      dbUpdates: (opts: { since: string | number; signal?: AbortSignal }) => {
        if (failNext) {
          failNext = false;
          return Promise.reject(Object.assign(new Error('GET /_db_updates: socket hang up'), { status: 502 }));
        }
        return couch.dbUpdates(opts);
      },
    };
    const router = newRouter({ couch: flaky }); // no backstop (backstopRoundMs 0): only the feed and what it sets off
    await router.start();
    await router.caughtUp();
    const checked = () => (router.health({ detail: true }) as any).totals.checked as number;
    const before = checked();
    // CouchDB stops: the write it took last is never announced, and the next poll fails
    const submitted = aSubmittedRepair();
    await world.writeEvents([submitted]);
    failNext = true;
    (await until('the first poll', () => polls[0])).answer({ results: [], last_seq: '2-g1AAAAfeed' });
    await until('the feed to fail', () => router.health().updates.feed === 'failing');
    // back (the router waits 2 s after a first failure): every source is checked, the write found
    (await until('the poll after the failure', () => polls[1], 10_000)).answer({ results: [], last_seq: '3-g1AAAAfeed' });
    await until('the submission in operations', async () => (await world.events(OPERATIONS_DB)).has(submitted.id), 10_000);
    expect(checked() - before).toBeGreaterThanOrEqual(ALL_DBS.length - 1);
    expect(router.health()).toMatchObject({ updates: { feed: 'following' }, lagDatabases: 0 });
    await router.stop();
  });

  it('reports a feed that is not there and leaves the finding to the backstop', async () => {
    const base = world.couch();
    const couch = { ...base, mode: 'http' as const, onDatabaseEvent: undefined, dbUpdates: async () => Promise.reject(Object.assign(new Error('GET /_db_updates: HTTP 400'), { status: 400 })) };
    const router = newRouter({ couch });
    await router.start();
    await router.caughtUp();
    await until('the feed to fail', () => router.health().updates.feed === 'failing');
    expect(router.health()).toMatchObject({ ok: true, updates: { feed: 'failing', error: expect.stringMatching(/400/) }, backstop: { perSecond: 20 } });
    const submitted = aSubmittedRepair();
    await world.writeEvents([submitted]);
    await router.settle();
    expect((await world.events(OPERATIONS_DB)).has(submitted.id)).toBe(true);
  });
});
