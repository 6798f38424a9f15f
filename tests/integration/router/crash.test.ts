/**
 * The router survives kill -9. A child process (support/routerChild.mjs: the backend's embedded
 * LevelDB storage, or with the suite's COUCHDB_URL that CouchDB over HTTP, the router, and writes
 * taken over IPC, like the real server) is killed with
 * SIGKILL twice while 1,000 events are being written into seven source databases, and once
 * more while it is catching up afterwards. Batches not acknowledged before a kill are sent
 * again, as a device would. In the end every event is exactly once in every database it
 * belongs to, with its original revision, and nowhere else.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { OPERATIONS_DB, ROUTER_STATE_DB, residentDbName, stationDbName } from '../../../src/db/databaseNames';
import type { Author, EventRecord } from '../../../src/db/schema/index';
import { originDatabase } from '../../../src/rules/routing';
import { OTHER_RESIDENT, OTHER_STATION, RESIDENT, STATION, aSubmitted, anEvent, asCouchDoc, resetIds } from '../../support/builders/events';
import { REPO_ROOT, testNamespace } from '../../support/server';
import { expectedPlacement, openWorld, type Doc } from './support/world';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support/routerChild.mjs');
const RESIDENTS = [RESIDENT, OTHER_RESIDENT, 'r-3003', 'r-4004'];
const STATIONS = [STATION, OTHER_STATION];
const DBS = [OPERATIONS_DB, ROUTER_STATE_DB, ...STATIONS.map(stationDbName), ...RESIDENTS.map(residentDbName)];
const SOURCES = DBS.filter((d) => d !== ROUTER_STATE_DB);

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hearthline-router-crash-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Child {
  process: ChildProcess;
  call<T = any>(msg: Record<string, unknown>): Promise<T>;
  kill(): Promise<void>;
  stderr(): string;
}

async function startChild(): Promise<Child> {
  const cp = fork(CHILD, [], {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx'],
    // with the suite's COUCHDB_URL the child works in this file's namespace there (openWorld's too)
    env: { ...process.env, ROUTER_TEST_DATA: dataDir, ROUTER_TEST_DB_PREFIX: testNamespace, ROUTER_TEST_DBS: DBS.join(','), ROUTER_BACKSTOP_ROUND_MS: '100', ROUTER_BATCH_SIZE: '20', ROUTER_CONCURRENCY: '2' },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let err = '';
  cp.stderr!.on('data', (c: Buffer) => (err = (err + c.toString('utf8')).slice(-20_000)));
  let next = 0;
  const waiting = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  const exited = new Promise<void>((resolve) => cp.once('exit', () => resolve()));
  cp.on('message', (m: any) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.ok) w.resolve(m.result);
    else w.reject(new Error(m.error));
  });
  void exited.then(() => {
    for (const w of waiting.values()) w.reject(new Error('the child exited'));
    waiting.clear();
  });
  await new Promise<void>((resolve, reject) => {
    const onMessage = (m: any) => {
      if (m?.type === 'ready') {
        cp.off('message', onMessage);
        resolve();
      }
    };
    cp.on('message', onMessage);
    void exited.then(() => reject(new Error(`the child exited before it was ready:\n${err}`)));
  });
  return {
    process: cp,
    call(msg) {
      const id = ++next;
      return new Promise((resolve, reject) => {
        if (cp.exitCode !== null || cp.signalCode !== null || !cp.connected) return reject(new Error('the child is gone'));
        waiting.set(id, { resolve, reject });
        cp.send({ ...msg, id });
      });
    },
    async kill() {
      cp.kill('SIGKILL');
      await exited;
    },
    stderr: () => err,
  };
}

/** 250 requests × 4 events: the resident's submission, the station's dispatch and internal note, the hotline's reply. */
function makeEvents(): EventRecord[] {
  resetIds(7);
  const events: EventRecord[] = [];
  const start = Date.parse('2025-12-01T00:00:00.000Z');
  for (let i = 0; i < 250; i++) {
    const resident = RESIDENTS[i % RESIDENTS.length]!;
    const station = STATIONS[Math.floor(i / RESIDENTS.length) % STATIONS.length]!;
    const requestId = `rq-01KB${String(i).padStart(22, '0')}`;
    const at = (k: number) => new Date(start + i * 60_000 + k * 1000).toISOString();
    const common = { resident, station, requestId };
    const dispatcher: Author = { name: `dp-${station}`, role: 'dispatcher', device: `pc-${station}` };
    const technician: Author = { name: `tc-${station}`, role: 'technician', device: `phone-${station}` };
    events.push(
      aSubmitted('repair', { ...common, at: at(0), author: { name: resident, role: 'resident', device: `phone-${resident}` } }),
      anEvent('dispatched', { ...common, at: at(1), author: dispatcher }),
      anEvent('note', { ...common, at: at(2), author: technician }),
      anEvent('reply', { ...common, at: at(3), author: 'hotline' }),
    );
  }
  return events;
}

/**
 * Batches of about 10 events of one origin, the origins interleaved. The guard takes a follow-up
 * only into a database that holds its request (src/rules/requestLinkage.ts): each follow-up's
 * batch carries its request's submission first, as the router's copy would be (the same
 * content, so the same revision: PouchDB's revisions are deterministic), never split from it.
 */
function makeBatches(events: EventRecord[]): { db: string; docs: Doc[] }[] {
  const submissions = new Map(events.filter((e) => e.type === 'submitted').map((e) => [e.requestId, e]));
  const groups = new Map<string, Map<string, Doc[]>>(); // origin → request → its documents there
  for (const e of events) {
    const origin = originDatabase(e);
    if (!groups.has(origin)) groups.set(origin, new Map());
    const byRequest = groups.get(origin)!;
    if (!byRequest.has(e.requestId)) {
      const sub = submissions.get(e.requestId)!;
      byRequest.set(e.requestId, e.type === 'submitted' || originDatabase(sub) === origin ? [] : [asCouchDoc(sub) as Doc]);
    }
    byRequest.get(e.requestId)!.push(asCouchDoc(e) as Doc);
  }
  const perOrigin = [...groups].map(([db, byRequest]) => {
    const batches: { db: string; docs: Doc[] }[] = [];
    for (const docs of byRequest.values()) {
      const last = batches[batches.length - 1];
      if (last && last.docs.length + docs.length <= 10) last.docs.push(...docs);
      else batches.push({ db, docs: [...docs] });
    }
    return batches;
  });
  const out: { db: string; docs: Doc[] }[] = [];
  for (let i = 0; perOrigin.some((b) => i < b.length); i++) for (const b of perOrigin) if (b[i]) out.push(b[i]!);
  return out;
}

/** The router has work in hand: databases with changes known to be unread (announced, being read, waiting). */
const busy = (h: { lagDatabases: number }) => h.lagDatabases > 0;

describe('the router under kill -9', () => {
  it('loses nothing and copies nothing twice while 1,000 events are written and the router is killed three times', async () => {
    const t0 = Date.now();
    const events = makeEvents();
    expect(events).toHaveLength(1000);
    const queue = makeBatches(events);
    const acknowledged = new Set<string>();
    const atKill: any[] = [];
    const killAfter = [300, 650];

    const mark = (what: string) => process.env.ROUTER_TEST_TRACE && console.log(`[crash] ${((Date.now() - t0) / 1000).toFixed(2)} s ${what} acked=${acknowledged.size}`);
    let child = await startChild();
    mark('child ready');
    const inflight = new Set<Promise<void>>();
    while (queue.length || inflight.size) {
      while (inflight.size < 4 && queue.length) {
        const batch = queue.shift()!;
        const c = child;
        const p: Promise<void> = c
          .call<{ id: string; ok: boolean; error?: string }[]>({ type: 'write', db: batch.db, docs: batch.docs })
          .then(
            (rows) => {
              for (const r of rows) {
                // a batch sent again after a crash may have been stored before it: conflict
                if (r.ok || r.error === 'conflict') acknowledged.add(r.id);
                else throw new Error(`write refused: ${JSON.stringify(r)}`);
              }
            },
            () => {
              queue.push(batch); // never acknowledged: send it again
            },
          )
          .finally(() => inflight.delete(p));
        inflight.add(p);
      }
      await Promise.race(inflight);
      if (killAfter.length && acknowledged.size >= killAfter[0]!) {
        // Kill only once this incarnation of the router has checkpointed some batches and
        // still has work in hand: mid-routing, with writes in flight.
        // New writes wait meanwhile (those in flight go on): on a loaded machine the writer can
        // otherwise finish before a freshly started router has checkpointed two batches.
        let h: any = null;
        for (const until = Date.now() + 60_000; Date.now() < until; await new Promise((r) => setTimeout(r, 5))) {
          h = await child.call({ type: 'health' }).catch(() => null);
          if (!h || (busy(h) && h.totals.batches >= 2)) break;
        }
        killAfter.shift();
        atKill.push(h);
        await child.kill();
        await Promise.allSettled([...inflight]);
        mark('killed');
        child = await startChild();
        mark('child ready');
      }
    }
    mark('all written');
    expect(acknowledged.size).toBe(1000);

    // Once more while it catches up after the writes, after it has checkpointed a few batches.
    for (;;) {
      const h = await child.call({ type: 'health' });
      if ((busy(h) && h.totals.batches >= 3) || !busy(h)) {
        atKill.push(h);
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await child.kill();
    child = await startChild();
    mark('child ready');
    const settled = await child.call({ type: 'settle' });
    mark('settled');
    expect(settled, child.stderr()).toMatchObject({ lagDatabases: 0, failingSources: 0, rejected: 0, parked: { events: 0 } });
    await child.call({ type: 'stop' });
    await new Promise<void>((resolve) => (child.process.exitCode !== null ? resolve() : child.process.once('exit', () => resolve())));

    // The kills hit a router with work in hand (else this test would prove little).
    expect(atKill).toHaveLength(3);
    const seen = JSON.stringify(atKill.map((h) => ({ lag: h?.lagDatabases, batches: h?.totals.batches })));
    expect(atKill.filter((h) => h && busy(h) && h.totals.batches > 0).length, seen).toBeGreaterThanOrEqual(2);

    // Verify on disk, in this process.
    const world = await openWorld(dataDir, { remove: false });
    try {
      const expected = expectedPlacement(events);
      const heldBy = new Map<string, Map<string, string>>();
      for (const name of SOURCES) heldBy.set(name, await world.events(name));
      const originRev = new Map(events.map((e) => [e.id, heldBy.get(originDatabase(e))!.get(e.id)!]));
      let copies = 0;
      for (const name of SOURCES) {
        const held = heldBy.get(name)!;
        const want = expected.get(name) ?? new Set<string>();
        expect(new Set(held.keys()), name).toEqual(want);
        for (const [id, rev] of held) expect(rev, `${name}/${id}`).toBe(originRev.get(id));
        const snap = await world.snapshot(name);
        expect(snap.conflicts, name).toEqual([]);
        expect(snap.docCount, name).toBe(want.size);
        copies += want.size;
      }
      // per request: submission 3 databases, dispatch 3, internal note 2, reply 3
      expect(copies).toBe(250 * 11);
      const state = await world.db(ROUTER_STATE_DB);
      expect((await state.allDocs({ startkey: 'checkpoint:', endkey: 'checkpoint:\ufff0' })).rows).toHaveLength(SOURCES.length);
      expect((await state.allDocs({ startkey: 'parked:', endkey: 'parked:\ufff0' })).rows).toHaveLength(0);
    } finally {
      await world.close();
    }
    mark('verified');
    console.log(`[router crash test] 1,000 events, 3 kills, at each kill (databases behind/batches checkpointed) ${atKill.map((h) => `${h?.lagDatabases}/${h?.totals.batches}`).join(', ')}, ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }, 180_000); // 53 s here on CouchDB over HTTP at a load of 10
});
