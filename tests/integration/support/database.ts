/**
 * A fresh, empty database for the tests of a follower or reader that uses only the PouchDB API
 * (the outage feed, the publisher, the changes checkpoint, the all-docs stream): PouchDB in
 * memory, or, when the suite runs against an Apache CouchDB (COUCHDB_URL, docs/backend.md), a
 * database of this test file's namespace on that CouchDB, reached over HTTP as the server's
 * followers reach it in proxy mode (createHttpCouch), so they meet CouchDB's opaque sequences.
 * The run's databases on CouchDB are deleted at its end (globalSetup); destroy() deletes one now.
 */
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { createCouchRequest, createHttpCouch } from '../../../server/couch/index.mjs';
import { testNamespace } from '../../support/server';

const require = createRequire(import.meta.url);

let MemoryPouchDB: any = null;
let couch: ReturnType<typeof createHttpCouch> | null = null;

/** @param label lower-case letters, digits and '-' (a CouchDB database name) */
export async function freshDatabase(label: string): Promise<any> {
  const name = `${label}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const url = process.env.COUCHDB_URL;
  if (!url) {
    MemoryPouchDB ??= require('pouchdb-core').plugin(require('pouchdb-adapter-memory'));
    return new MemoryPouchDB(name, { adapter: 'memory' });
  }
  const { request } = createCouchRequest({ url, dbPrefix: testNamespace });
  const res = await request('PUT', `/${name}`);
  if (res.status !== 201 && res.status !== 202) throw new Error(`PUT ${testNamespace}${name}: HTTP ${res.status} ${JSON.stringify(res.json)}`);
  couch ??= createHttpCouch({ url, dbPrefix: testNamespace });
  return couch.db(name);
}
