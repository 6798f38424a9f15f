/**
 * Issue 17, finding 12 (Build 4): validation inside the data engine. The embedded backend's own
 * engine (PouchDB Server, express-pouchdb with its validation plug-in) on LevelDB, with NO guard
 * in front: what a client that reaches the database engine itself meets (in proxy mode, Apache
 * CouchDB runs the same generated function). Setup installs the generated validate_doc_update
 * in every event database; a resident's own credentials then cannot store a staff-only event,
 * another author's event, a change, a deletion, a receipt time or an event from 2031 — and
 * nothing refused is stored. The router's copies (server admin, new_edits=false) still land
 * with their revision (the plug-in's trap: see docs/backend.md).
 *
 * With the suite's COUCHDB_URL the engine is that Apache CouchDB itself (its QuickJS or
 * SpiderMonkey running the same generated function), set up by the backend's HTTP store in this
 * file's namespace of databases, and asked directly, with no Hearthline server in front.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbedded } from '../../../server/backend/embedded.mjs';
import { createRemoteStore } from '../../../server/backend/remote.mjs';
import { ensureDatabase, residentSecurity, setup } from '../../../server/backend/setup.mjs';
import { createHttpCouch, createPouchCouch, parseCouchUrl } from '../../../server/couch/index.mjs';
import { createRouter } from '../../../server/router/router.mjs';
import { DESIGN_DOC_ID, designDocFor } from '../../../src/db/designDocs';
import { residentDbName, stationDbName } from '../../../src/db/databaseNames';
import { aSubmittedRepair, anEvent, asCouchDoc } from '../../support/builders/events';
import { request } from '../../support/client';
import { newRequestId } from '../../../src/db/schema/events/ids';
import { testNamespace } from '../../support/server';

/** The suite's Apache CouchDB (docs/backend.md), else the embedded engine. */
const couchUrl = process.env.COUCHDB_URL;
// CouchDB has one _users for every test file and run: a name of this run's own.
const RESIDENT = `r-555${String(Math.floor(Math.random() * 100_000)).padStart(5, '0')}`;
const PASSWORD = 'resident pass 1';
const DB = residentDbName(RESIDENT);

let dataDir: string;
let embedded: Awaited<ReturnType<typeof createEmbedded>> | undefined;
let store: Awaited<ReturnType<typeof createEmbedded>>['store'] | ReturnType<typeof createRemoteStore>;
let server: Server | undefined;
let base: string;
/** A database's path at the engine: /db/<name> behind our express, /<namespace><name> at CouchDB. */
const at = (name: string) => (couchUrl ? `/${testNamespace}${name}` : `/db/${name}`);
/** The router as the server runs it against this engine. */
const routerCouch = () => (couchUrl ? createHttpCouch({ url: couchUrl, dbPrefix: testNamespace }) : createPouchCouch({ PouchDB: embedded!.PouchDB }));
const auth = { basic: { name: RESIDENT, password: PASSWORD } };

const mine = (overrides: Record<string, unknown> = {}) =>
  asCouchDoc(
    aSubmittedRepair({
      requestId: newRequestId(Date.now()),
      author: { name: RESIDENT, role: 'resident', device: 'phone' },
      resident: RESIDENT,
      station: 'demo',
      at: new Date().toISOString(),
      ...overrides,
    }),
  );

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'hearthline-ddoc-'));
  if (couchUrl) {
    store = createRemoteStore({ url: couchUrl, dbPrefix: testNamespace });
    base = parseCouchUrl(couchUrl).base; // the engine itself: no guard
  } else {
    embedded = await createEmbedded({ dataDir });
    await embedded.ensureAdmin('admin pass 1');
    store = embedded.store;
  }
  await setup(store, { demo: true, log: () => {} });
  await store.put('_users', { _id: `org.couchdb.user:${RESIDENT}`, type: 'user', name: RESIDENT, roles: ['resident'], password: PASSWORD });
  await ensureDatabase(store, DB, residentSecurity(RESIDENT));
  if (embedded) {
    const app = express();
    app.use('/db', embedded.handler); // the engine itself: no guard
    const listening = app.listen(0, '127.0.0.1');
    server = listening;
    await new Promise((r) => listening.once('listening', r));
    base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
  }
}, 60_000);

afterAll(async () => {
  if (server) await new Promise((r) => server!.close(r));
  await store?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('setup installs the generated rules in every event database', () => {
  it('operations, the stations and the residents each have their own validate_doc_update', async () => {
    for (const [name, kind] of [
      ['operations', { kind: 'operations' }],
      [stationDbName('demo'), { kind: 'station', station: 'demo' }],
      [DB, { kind: 'resident', owner: RESIDENT }],
    ] as const) {
      const dd = await store.get(name, DESIGN_DOC_ID);
      expect(dd?.validate_doc_update, name).toBe(designDocFor(kind).validate_doc_update);
    }
  });
});

describe('a client at the engine itself is refused what the guard refuses', () => {
  it('the resident’s own submission is stored', async () => {
    const doc = mine();
    const res = await request(base, 'PUT', `${at(DB)}/${doc._id}`, doc, auth);
    expect(res.status, res.text).toBe(201);
  });

  it('a staff-only `dispatched`, another author, a receipt time, 2031: refused and not stored', async () => {
    const attacks = [
      ['may-emit', asCouchDoc(anEvent('dispatched', { author: { name: RESIDENT, role: 'resident', device: 'p' }, resident: RESIDENT, station: 'demo' }))],
      ['author-is-user', mine({ author: { name: 'r-99990000', role: 'resident', device: 'p' } })],
      ['received-at', { ...mine(), receivedAt: new Date().toISOString() }],
      ['event-time', mine({ at: '2031-01-15T02:00:00.000Z' })],
      ['well-formed', { ...mine(), payload: { question: '<script>' } }],
    ] as const;
    for (const [rule, doc] of attacks) {
      const res = await request(base, 'PUT', `${at(DB)}/${doc._id}`, doc, auth);
      expect([rule, res.status], res.text).toEqual([rule, 403]);
      expect(res.json.reason).toContain(rule);
      expect((await store.get(DB, doc._id as string)) === null, rule).toBe(true);
    }
    // the same through _bulk_docs (no userCtx.db, empty secObj there: the database is baked in)
    const bulk = await request(base, 'POST', `${at(DB)}/_bulk_docs`, { docs: attacks.map(([, d]) => d) }, auth);
    expect(bulk.status).toBe(201);
    expect(bulk.json.every((r: { error?: string }) => r.error === 'forbidden')).toBe(true);
  });

  it('a step the kind does not have (a consultation\'s dispatch, a technician\'s sign-off of a temperature test) is refused at the engine', async () => {
    const dispatcher = { name: `dd-disp-${RESIDENT.slice(-5)}`, password: 'dispatcher pass 1' };
    await store.put('_users', { _id: `org.couchdb.user:${dispatcher.name}`, type: 'user', name: dispatcher.name, roles: ['staff', 'role:dispatcher', 'role:technician', 'station:demo'], password: dispatcher.password });
    const who = { basic: dispatcher };
    const STATION_DB = stationDbName('demo');
    const staffEvent = (type: 'dispatched' | 'signed-off', requestKind: 'consultation' | 'temperature-test' | 'repair', role: 'dispatcher' | 'technician') =>
      asCouchDoc(anEvent(type, { requestKind, station: 'demo', at: new Date().toISOString(), author: { name: dispatcher.name, role, device: 'pc' } }));
    for (const doc of [staffEvent('dispatched', 'consultation', 'dispatcher'), staffEvent('signed-off', 'temperature-test', 'technician')]) {
      const res = await request(base, 'PUT', `${at(STATION_DB)}/${doc._id}`, doc, who);
      expect([res.status, res.json.reason], res.text).toEqual([403, expect.stringContaining('may-emit: ' + doc.type + ' is not a step of a')]);
      expect(await store.get(STATION_DB, doc._id as string)).toBeNull();
    }
    const repair = staffEvent('dispatched', 'repair', 'dispatcher') as { _id: string; payload: Record<string, unknown> };
    repair.payload = { ...repair.payload, visitAt: new Date(Date.now() + 3_600_000).toISOString() }; // not before the order (dispatch-time)
    const stored = await request(base, 'PUT', `${at(STATION_DB)}/${repair._id}`, repair, who);
    expect(stored.status, stored.text).toBe(201);
  });

  it('a change and a deletion of a stored event are refused', async () => {
    const doc = mine();
    const put = await request(base, 'PUT', `${at(DB)}/${doc._id}`, doc, auth);
    expect(put.status).toBe(201);
    const changed = await request(base, 'PUT', `${at(DB)}/${doc._id}`, { ...doc, _rev: put.json.rev, payload: { ...(doc.payload as object), details: 'changed' } }, auth);
    expect(changed.status).toBe(403);
    expect(changed.json.reason).toContain('never-changed');
    const del = await request(base, 'DELETE', `${at(DB)}/${doc._id}?rev=${put.json.rev}`, undefined, auth);
    expect(del.status).toBe(403);
    expect((await store.get(DB, doc._id))?._rev).toBe(put.json.rev);
  });

  it('a design document cannot be replaced by a member', async () => {
    // with the current revision: without one, CouchDB answers 409 (a conflict) before it asks who writes
    const current = await store.get(DB, DESIGN_DOC_ID);
    const res = await request(base, 'PUT', `${at(DB)}/${DESIGN_DOC_ID}`, { _rev: current!._rev, validate_doc_update: 'function(){}' }, auth);
    expect([401, 403]).toContain(res.status);
    expect((await store.get(DB, DESIGN_DOC_ID))?.validate_doc_update).toBe(designDocFor({ kind: 'resident', owner: RESIDENT }).validate_doc_update);
  });
});

describe('the router (server admin, new_edits=false) still copies into validated databases', () => {
  it('a submission reaches operations and the station with its own revision', async () => {
    const doc = mine();
    const put = await request(base, 'PUT', `${at(DB)}/${doc._id}`, doc, auth);
    expect(put.status).toBe(201);
    const router = createRouter({ couch: routerCouch(), backstopRoundMs: 0, log: () => {}, logError: () => {} });
    await router.start();
    const health = await router.settle();
    await router.stop();
    expect(health.failingSources, JSON.stringify(health)).toBe(0);
    expect(health.copied, JSON.stringify(health)).toBeGreaterThanOrEqual(2);
    for (const target of ['operations', stationDbName('demo')]) {
      expect((await store.get(target, doc._id))?._rev, target).toBe(put.json.rev);
    }
  });
});
