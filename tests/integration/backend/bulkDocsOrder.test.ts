/**
 * A `_bulk_docs` answers one row per document in the request's order, on the embedded backend's
 * real store (LevelDB in a temporary folder, in this process, behind the guard). PouchDB
 * Server's validation and security plug-ins wrap bulkDocs with pouchdb-bulkdocs-wrapper, which
 * answers the rows its per-document checks refused first and the others in the order those
 * checks happened to finish (its source says so); the guard answers its clients by position, so
 * a device was told one document's revision for another's (guard.test failed 3 of 6 runs).
 * Many documents a batch and several batches: a reordering on the old code is all but certain.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../server/app.mjs';
import { createBackend } from '../../../server/backend/index.mjs';
import { DIST_DIR, rememberSiteAdmin } from '../../support/server';
import { newResident, request, type Resident } from '../../support/client';

type Verdict = { ok: true } | { ok: false; status: number; rule: string; reason: string };

let server: Server;
let base: string;
let dataDir: string;
let backend: Awaited<ReturnType<typeof createBackend>>;
let a: Resident;
const PASSWORD = 'bulk-order-admin';
const ADMIN = { basic: { name: 'admin', password: PASSWORD } };
/** The guard's write check here: documents marked `refuse` are refused, the rest pass. */
const check = ({ doc }: { doc: any }): Verdict => (doc.refuse ? { ok: false, status: 403, rule: 'test-refusal', reason: 'refused by the test' } : { ok: true });

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'hearthline-bulk-order-'));
  backend = await createBackend({ dataDir, adminPassword: PASSWORD, validateWrite: check as any, log: () => {}, logError: () => {} });
  const app = createApp({ distDir: DIST_DIR, mounts: { '/db': backend.db, '/api': backend.api } });
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  rememberSiteAdmin(base, { adminUser: 'admin', adminPassword: PASSWORD });
  a = await newResident(base);
}, 120_000);

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await backend?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Each row answers its own document: its id, and for a stored one the revision now stored. */
async function expectRowsInOrder(db: string, ids: string[], rows: any[], refused: (i: number) => boolean) {
  expect(rows.map((r) => r.id)).toEqual(ids);
  rows.forEach((r, i) => expect(Boolean(r.ok), `row ${i} (${ids[i]})`).toBe(!refused(i)));
  const stored = await request(base, 'POST', `/db/${db}/_all_docs`, { keys: ids }, ADMIN);
  stored.json.rows.forEach((s: any, i: number) => {
    if (!refused(i)) expect(s.value?.rev, `stored revision of ${ids[i]}`).toBe(rows[i].rev);
  });
}

describe('_bulk_docs rows in the order of the request', () => {
  it("a member's batches through the guard: every row at its document's place, refused ones too", async () => {
    for (let round = 0; round < 5; round++) {
      const ids = Array.from({ length: 60 }, (_, i) => `order-${round}-${String(i).padStart(2, '0')}`);
      const refused = (i: number) => i % 7 === 3;
      const docs = ids.map((_id, i) => ({ _id, n: i, ...(refused(i) ? { refuse: true } : {}) }));
      const res = await request(base, 'POST', `/db/${a.db}/_bulk_docs`, { docs }, { cookie: a.cookie });
      expect(res.status).toBe(201);
      await expectRowsInOrder(a.db, ids, res.json, refused);
      refused(3) && expect(res.json[3]).toEqual({ id: ids[3], error: 'forbidden', reason: 'refused by the test', rule: 'test-refusal' });
    }
  }, 60_000);

  it("the database's own validate_doc_update refusing one in the middle (an admin's batch straight to PouchDB Server)", async () => {
    const db = 'order-check';
    expect((await request(base, 'PUT', `/db/${db}`, undefined, ADMIN)).status).toBe(201);
    const vdu = 'function (doc) { if (doc.refuse) throw { forbidden: "refused by the database" }; }';
    expect((await request(base, 'PUT', `/db/${db}/_design/check`, { validate_doc_update: vdu }, ADMIN)).status).toBe(201);
    const ids = Array.from({ length: 40 }, (_, i) => `vdu-${String(i).padStart(2, '0')}`);
    const refused = (i: number) => i === 1 || i === 20;
    const docs = ids.map((_id, i) => ({ _id, ...(refused(i) ? { refuse: true } : {}) }));
    const res = await request(base, 'POST', `/db/${db}/_bulk_docs`, { docs }, ADMIN);
    expect(res.status).toBe(201);
    await expectRowsInOrder(db, ids, res.json, refused);
    expect(res.json[1]).toMatchObject({ id: ids[1], error: 'forbidden', reason: 'refused by the database' });
  });

  it('the same id twice in one batch: the first stored, the second a conflict, in that order', async () => {
    for (let round = 0; round < 20; round++) {
      const x = (id: string) => `twice-${round}-${id}`;
      const docs = [{ _id: x('x') }, { _id: x('a'), n: 1 }, { _id: x('y') }, { _id: x('a'), n: 2 }, { _id: x('z') }];
      const res = await request(base, 'POST', `/db/order-check/_bulk_docs`, { docs }, ADMIN);
      expect(res.json.map((r: any) => [r.id, r.ok ? 'ok' : r.error])).toEqual([
        [x('x'), 'ok'],
        [x('a'), 'ok'],
        [x('y'), 'ok'],
        [x('a'), 'conflict'],
        [x('z'), 'ok'],
      ]);
      expect((await request(base, 'GET', `/db/order-check/${x('a')}`, undefined, ADMIN)).json).toMatchObject({ n: 1 });
    }
  });
});
