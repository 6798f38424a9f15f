/**
 * Sign-ins keep nothing for good (issue 22: about 24 KB each; 15,881 sign-ins took the server
 * from 214 to 817 MB): express-pouchdb's POST /_session opened a new `_users` database object
 * per request and pouchdb-auth kept each in its module-level list. The real backend (embedded,
 * in this process, behind the guard) signs in 40 times; the list does not grow. The figures over
 * 100,000 sign-ins: bench/signins.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../../server/backend/index.mjs';

const require = createRequire(import.meta.url);
const authUtils = require('pouchdb-auth/lib/utils') as { dbData: { dbs: unknown[] } };
const PASSWORD = 'admin-pw-for-signin-memory';

let dataDir: string;
let backend: Awaited<ReturnType<typeof createBackend>>;
let server: Server;
let base = '';

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'hearthline-signin-memory-'));
  backend = await createBackend({ dataDir, adminPassword: PASSWORD, demo: false, log: () => {}, logError: () => {} });
  const app = express();
  app.use('/db', backend.db);
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await backend?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function signIn(): Promise<Response> {
  return fetch(`${base}/db/_session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ name: 'admin', password: PASSWORD }),
  });
}

describe('sign-ins on the embedded backend', () => {
  it('keep no _users database object per sign-in', async () => {
    const first = await signIn();
    expect(first.status).toBe(200);
    expect(first.headers.get('set-cookie')).toMatch(/^AuthSession=/);
    expect(await first.json()).toMatchObject({ ok: true, name: 'admin' });
    const before = authUtils.dbData.dbs.length;
    for (let i = 0; i < 40; i++) expect((await signIn()).status).toBe(200);
    expect(authUtils.dbData.dbs.length).toBe(before);
  });
});
