/**
 * The follower lease (server/followers/lease.mjs) on the server's real storage (the embedded
 * PouchDB on LevelDB, router-state): two holders in one process stand for two server processes
 * on one CouchDB (two processes cannot share an embedded data folder). Then two routers, each
 * behind its own lease: every event is routed once, by the one leader, and a killed leader's
 * work is taken over.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OPERATIONS_DB, ROUTER_STATE_DB, residentDbName, stationDbName } from '../../../src/db/databaseNames';
import { createLease } from '../../../server/followers/lease.mjs';
import { createRouter } from '../../../server/router/router.mjs';
import { RESIDENT, STATION, aSubmittedRepair, resetIds } from '../../support/builders/events';
import { createDatabases, openWorld, quiet, type World } from './support/world';

let world: World;
const state = () => world.db(ROUTER_STATE_DB);

beforeAll(async () => {
  world = await openWorld();
});

afterAll(async () => {
  await world?.close();
});

beforeEach(async () => {
  resetIds();
  await world.deleteAll();
  await createDatabases(world, { stations: [STATION], residents: [RESIDENT] });
});

/** Two processes' view of one lease: each its own clock (they are never compared). */
function twoHolders(ttlMs = 20_000) {
  const clocks = { a: 1_000_000, b: 5_000_000 };
  const a = createLease({ db: state, name: 'router', holder: 'server-a', ttlMs, now: () => clocks.a, log: () => {} });
  const b = createLease({ db: state, name: 'router', holder: 'server-b', ttlMs, now: () => clocks.b, log: () => {} });
  const pass = (ms: number) => {
    clocks.a += ms;
    clocks.b += ms;
  };
  return { a, b, clocks, pass };
}

describe('the lease', () => {
  it('is taken by one of two holders trying at once (a revision-checked write), and renewed by it', async () => {
    const { a, b, pass } = twoHolders();
    const [heldA, heldB] = await Promise.all([a.check(), b.check()]);
    expect([heldA, heldB].filter(Boolean)).toHaveLength(1);
    const [leader, standby] = heldA ? [a, b] : [b, a];
    expect(leader.held).toBe(true);
    expect(standby.held).toBe(false);
    // the leader renews every ttl/3: the standby sees a new revision each time and never takes over
    for (let i = 0; i < 6; i++) {
      pass(7_000);
      expect(await leader.check()).toBe(true);
      expect(await standby.check()).toBe(false);
    }
    const doc = await (await state()).get('lease:router');
    expect(doc).toMatchObject({ docType: 'lease', holder: leader.holder });
  });

  it('is taken over when its holder stops renewing (killed), after ttl of the standby’s own clock, and the old holder steps down', async () => {
    const { a, b, pass } = twoHolders();
    expect(await a.check()).toBe(true);
    expect(await b.check()).toBe(false);
    // a is killed: no more renewals
    pass(10_000);
    expect(await b.check()).toBe(false); // the same revision for 10 s: not yet
    pass(10_000);
    expect(await b.check()).toBe(true); // 20 s: taken over
    expect(b.held).toBe(true);
    // a comes back (it was only paused): its renewal is refused and it steps down
    expect(await a.check()).toBe(false);
    expect(a.held).toBe(false);
    expect((await (await state()).get('lease:router')).holder).toBe('server-b');
  });

  it('steps down by itself when it cannot renew, before a standby could take over', async () => {
    let reachable = true;
    let clock = 0;
    const lease = createLease({
      db: async () => (reachable ? state() : Promise.reject(Object.assign(new Error('ECONNREFUSED'), { status: 502 }))),
      name: 'router',
      holder: 'server-a',
      now: () => clock,
      log: () => {},
    });
    expect(await lease.check()).toBe(true);
    reachable = false;
    clock += 10_000;
    expect(await lease.check()).toBe(true); // renewal failed; still within 0.8 ttl
    clock += 7_000;
    expect(await lease.check()).toBe(false); // 17 s ≥ 16 s: stepped down
  });

  it('is taken at once after a graceful release, and runs its follower only while held', async () => {
    const { a, b } = twoHolders();
    const running: string[] = [];
    for (const [lease, who] of [
      [a, 'a'],
      [b, 'b'],
    ] as const) {
      lease.follow({
        start: async () => void running.push(who),
        stop: async () => void running.splice(running.indexOf(who), 1),
      });
    }
    await a.check();
    await b.check();
    await a.settled();
    expect(running).toEqual(['a']);
    await a.stop(); // releases
    expect(running).toEqual([]);
    expect(await b.check()).toBe(true);
    await b.settled();
    expect(running).toEqual(['b']);
    await b.stop();
  });
});

describe('two routers behind one lease', () => {
  it('route every event once, by the leader; a killed leader’s work is taken over', async () => {
    const couch = world.couch();
    const clocks = { a: 0, b: 0 };
    const routers: Record<string, ReturnType<typeof createRouter> | null> = { a: null, b: null };
    const copied = { a: 0, b: 0 };
    const leases = (['a', 'b'] as const).map((who) => {
      const lease = createLease({ db: state, name: 'router', holder: `server-${who}`, now: () => clocks[who], log: () => {} });
      lease.follow({
        start: async () => {
          const router = createRouter({ couch, backstopRoundMs: 0, ...quiet });
          routers[who] = router;
          await router.start();
        },
        stop: async () => {
          const router = routers[who];
          routers[who] = null;
          if (router) {
            copied[who] += router.health().copied;
            await router.stop();
          }
        },
      });
      return lease;
    });
    const [a, b] = leases as [ReturnType<typeof createLease>, ReturnType<typeof createLease>];
    await Promise.all([a.check(), b.check()]);
    await Promise.all([a.settled(), b.settled()]);
    const [leader, standby, lw, sw] = a.held ? [a, b, 'a', 'b'] as const : [b, a, 'b', 'a'] as const;
    expect(routers[lw]).not.toBeNull();
    expect(routers[sw]).toBeNull();

    // both servers accept writes and notify their router; only the leader's routes them
    const first = aSubmittedRepair();
    await world.writeEvents([first]);
    routers[lw]?.notify(residentDbName(RESIDENT));
    routers[sw]?.notify(residentDbName(RESIDENT));
    await routers[lw]!.settle();
    expect((await world.events(OPERATIONS_DB)).has(first.id)).toBe(true);
    expect((await world.events(stationDbName(STATION))).has(first.id)).toBe(true);

    // the leader is killed: its router stops with the process, its lease is never renewed or released
    const dead = routers[lw]!;
    copied[lw] += dead.health().copied;
    routers[lw] = null;
    await dead.stop();
    await leader.stop({ release: false });

    const second = aSubmittedRepair({ requestId: 'rq-01KB0000000000000000000002' });
    await world.writeEvents([second]);
    // the standby checks every 5 s of its clock: after 20 s without a new revision it takes over
    let tookOverAfter = 0;
    for (let t = 5_000; t <= 60_000 && !standby.held; t += 5_000) {
      clocks[sw] += 5_000;
      await standby.check();
      tookOverAfter = t;
    }
    expect(standby.held).toBe(true);
    expect(tookOverAfter).toBeLessThanOrEqual(25_000);
    await standby.settled();
    const h = await routers[sw]!.settle();
    expect(h).toMatchObject({ lagDatabases: 0, failingSources: 0, rejected: 0 });
    expect((await world.events(OPERATIONS_DB)).has(second.id)).toBe(true);
    expect((await world.events(stationDbName(STATION))).has(second.id)).toBe(true);
    await standby.stop();

    // exactly once: each submission was copied into operations and the station once, and the
    // new leader did not copy the first again (it read on from the dead leader's checkpoint)
    expect(copied[lw]).toBe(2);
    expect(copied[sw]).toBe(2);
    const ops = await world.db(OPERATIONS_DB);
    for (const id of [first.id, second.id]) {
      const doc = await ops.get(id, { revs_info: true, conflicts: true });
      expect(doc._conflicts ?? []).toEqual([]);
      expect(doc._revs_info).toHaveLength(1);
    }
  });
});
