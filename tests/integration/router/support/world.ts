/**
 * A small world of databases for the router tests: the REAL embedded storage of the backend
 * (server/backend/embedded.mjs: PouchDB on LevelDB in a temporary folder, express-pouchdb's
 * constructor and instance cache), in this process, no HTTP. Events come from the unit
 * builders (tests/support/builders/events.ts), so every one is valid.
 *
 * When the suite runs against an Apache CouchDB (COUCHDB_URL, docs/backend.md), the same world
 * is that CouchDB over HTTP, in the test file's namespace of databases (testNamespace), through
 * the backend's own HTTP store and couch client: the router, the lease and the followers are then
 * tested on CouchDB's opaque sequences, its `_security` raising update_seq, its new_edits=false.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { OPERATIONS_DB, ROUTER_STATE_DB, residentDbName, stationDbName } from '../../../../src/db/databaseNames';
import type { EventRecord } from '../../../../src/db/schema/index';
import { eventDatabases, originDatabase } from '../../../../src/rules/routing';
import { createEmbedded } from '../../../../server/backend/embedded.mjs';
import { createRemoteStore } from '../../../../server/backend/remote.mjs';
import { createHttpCouch, createPouchCouch } from '../../../../server/couch/index.mjs';
import { testNamespace } from '../../../support/server';

type Couch = ReturnType<typeof createPouchCouch>;
import { aSubmitted, asCouchDoc } from '../../../support/builders/events';

const require = createRequire(import.meta.url);
const { getOrCreateDB } = require('express-pouchdb/lib/create-or-delete-dbs') as { getOrCreateDB: (PouchDB: any, name: string) => Promise<any> };

export type Doc = { _id: string; _rev?: string } & Record<string, any>;

export interface World {
  dataDir: string;
  /** 'couchdb': the suite's COUCHDB_URL, in this file's namespace. */
  backend: 'embedded' | 'couchdb';
  /** What the router and the followers are given in the server: the storage as a server admin. */
  couch(): Couch;
  /** Opens an existing database (express-pouchdb's cache, as /db does). */
  db(name: string): Promise<any>;
  createDb(name: string): Promise<void>;
  deleteDb(name: string): Promise<void>;
  /** Deletes every database but the system ones (between tests). */
  deleteAll(): Promise<void>;
  /** Writes documents as the guard does after its check (bulkDocs, new_edits true). */
  write(dbName: string, docs: Doc[]): Promise<void>;
  /**
   * Writes each event into its origin database. A follow-up is written only where its request
   * is (the guard's rule, src/rules/requestLinkage.ts): its request's submission is put there
   * first, as the router's copy (same revision); a request with no submission among `events`
   * gets one registered by the hotline a minute earlier, which `events()` leaves out.
   */
  writeEvents(events: EventRecord[]): Promise<void>;
  /** id → rev of every event document (docType 'event') in a database. */
  events(dbName: string): Promise<Map<string, string>>;
  /** Every document of a database: id → rev, and whether any has conflicts. */
  snapshot(dbName: string): Promise<{ revs: Map<string, string>; conflicts: string[]; updateSeq: number; docCount: number }>;
  close(): Promise<void>;
}

export const quiet = { log: () => {}, logError: () => {} };

/**
 * Opens (or reopens) a data folder with the backend's embedded storage. Once per process: the
 * backend installs its PouchDB plugins on pouchdb-core itself, and a second createEmbedded in
 * the same process throws ("Cannot redefine property: replicate"). Tests in one file share a
 * world and call deleteAll() between them.
 */
export async function openWorld(dataDir = mkdtempSync(path.join(os.tmpdir(), 'hearthline-router-')), { remove = true } = {}): Promise<World> {
  const storage = process.env.COUCHDB_URL ? couchStorage(process.env.COUCHDB_URL) : await embeddedStorage(dataDir);
  const { store, couch } = storage;
  const db = async (name: string) => {
    if (!(await store.dbExists(name))) throw new Error(`no database ${name}`);
    return storage.db(name);
  };
  /** Submissions writeEvents made up for requests the test gave none of. */
  const seeded = new Set<string>();
  const world: World = {
    dataDir,
    backend: storage.backend,
    couch,
    db,
    async createDb(name) {
      await store.createDb(name);
    },
    async deleteDb(name) {
      await store.deleteDb(name);
    },
    async deleteAll() {
      const names: string[] = await store.listDatabases();
      for (const name of names) if (!name.startsWith('_') && !name.startsWith('pouch__')) await store.deleteDb(name);
    },
    async write(dbName, docs) {
      const rows = await (await db(dbName)).bulkDocs(docs);
      const failed = rows.filter((r: any) => !r.ok);
      if (failed.length) throw new Error(`writing into ${dbName}: ${JSON.stringify(failed[0])}`);
    },
    async writeEvents(events) {
      const submissions = new Map(events.filter((e) => e.type === 'submitted').map((e) => [e.requestId, e]));
      const made: EventRecord[] = [];
      for (const e of events) {
        if (submissions.has(e.requestId)) continue;
        const sub = aSubmitted(e.requestKind, {
          requestId: e.requestId,
          resident: e.resident,
          station: e.station,
          at: new Date(Date.parse(e.at) - 60_000).toISOString(),
          author: { name: 'hl-seed', role: 'hotline', device: 'pc-seed' },
        });
        submissions.set(e.requestId, sub);
        made.push(sub);
        seeded.add(sub.id);
      }
      const byOrigin = new Map<string, Doc[]>();
      for (const e of [...made, ...events]) {
        const origin = originDatabase(e);
        byOrigin.set(origin, [...(byOrigin.get(origin) ?? []), asCouchDoc(e) as Doc]);
      }
      for (const [origin, docs] of byOrigin) await world.write(origin, docs);
      // Each follow-up's database holds its request's submission, as the router copied it.
      const copies = new Map<string, Set<EventRecord>>();
      for (const e of events) {
        const sub = submissions.get(e.requestId)!;
        const origin = originDatabase(e);
        if (e.type === 'submitted' || origin === originDatabase(sub)) continue;
        if (!copies.has(origin)) copies.set(origin, new Set());
        copies.get(origin)!.add(sub);
      }
      for (const [target, subs] of copies) {
        const docs = [];
        for (const sub of subs) docs.push(await (await db(originDatabase(sub))).get(sub.id));
        await (await db(target)).bulkDocs(docs, { new_edits: false });
      }
    },
    async events(dbName) {
      const res = await (await db(dbName)).allDocs({ include_docs: true });
      return new Map(res.rows.filter((r: any) => r.doc?.docType === 'event' && !seeded.has(r.id)).map((r: any) => [r.id, r.value.rev]));
    },
    async snapshot(dbName) {
      const d = await db(dbName);
      const res = await d.allDocs({ include_docs: true, conflicts: true });
      const info = await d.info();
      return {
        revs: new Map(res.rows.map((r: any) => [r.id, r.value.rev])),
        conflicts: res.rows.filter((r: any) => r.doc?._conflicts?.length).map((r: any) => r.id),
        updateSeq: sequenceNumber(info.update_seq),
        docCount: info.doc_count,
      };
    },
    async close() {
      await storage.close();
      if (remove) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return world;
}

interface Storage {
  backend: World['backend'];
  store: { dbExists(name: string): Promise<boolean>; createDb(name: string): Promise<void>; deleteDb(name: string): Promise<void>; listDatabases(): Promise<string[]> };
  couch(): Couch;
  /** A PouchDB instance of an existing database. */
  db(name: string): Promise<any>;
  close(): Promise<void>;
}

async function embeddedStorage(dataDir: string): Promise<Storage> {
  const embedded = await createEmbedded({ dataDir });
  const { PouchDB, store } = embedded as unknown as { PouchDB: any; store: any };
  return {
    backend: 'embedded',
    store,
    couch: () => createPouchCouch({ PouchDB }),
    db: (name) => getOrCreateDB(PouchDB, name),
    close: () => store.close(),
  };
}

/** The suite's CouchDB in this file's namespace, as the server in proxy mode reaches it. */
function couchStorage(url: string): Storage {
  const store = createRemoteStore({ url, dbPrefix: testNamespace });
  const couches: Couch[] = [];
  const couch = () => {
    const c = createHttpCouch({ url, dbPrefix: testNamespace });
    couches.push(c);
    return c;
  };
  const own = couch();
  return {
    backend: 'couchdb',
    store,
    couch,
    db: (name) => own.db(name),
    async close() {
      await Promise.allSettled(couches.map((c) => c.close?.()));
    },
  };
}

/**
 * How many updates a database has had, to compare two snapshots: PouchDB's update_seq is that
 * number; CouchDB's is opaque, "<n>-<base64>", whose n (the sum over the shards of this one
 * node) grows with each update. Only ever compared for equality here, never used as a position.
 */
function sequenceNumber(seq: unknown): number {
  return typeof seq === 'number' ? seq : Number.parseInt(String(seq), 10);
}

/** The databases setup makes (operations, router-state, stations) and the residents'. */
export async function createDatabases(world: World, { stations, residents }: { stations: string[]; residents: string[] }): Promise<void> {
  for (const name of [OPERATIONS_DB, ROUTER_STATE_DB, ...stations.map(stationDbName), ...residents.map(residentDbName)]) {
    await world.createDb(name);
  }
}

/** What each database should hold: database name → the ids of the events that belong there. */
export function expectedPlacement(events: EventRecord[]): Map<string, Set<string>> {
  const where = new Map<string, Set<string>>();
  for (const e of events) {
    for (const name of eventDatabases(e)) {
      if (!where.has(name)) where.set(name, new Set());
      where.get(name)!.add(e.id);
    }
  }
  return where;
}
