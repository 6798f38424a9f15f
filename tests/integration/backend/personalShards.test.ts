/**
 * Each resident's and station's database is created with one shard on CouchDB (`PUT /db?q=1`;
 * CouchDB 3's default of 2 made 2,024 shard files for 1,000 residents), configurable with
 * HEARTHLINE_COUCH_Q; the shared databases keep CouchDB's default. The peer is a real HTTP
 * server on loopback that records what it was asked; with the suite's COUCHDB_URL, a real server
 * in proxy mode also signs a resident up, and CouchDB's own `_shards` is asked.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemoteStore } from '../../../server/backend/remote.mjs';
import { backendOptionsFromEnv } from '../../../server/backend/index.mjs';
import { residentDbName, stationDbName } from '../../../src/db/databaseNames';
import { parseCouchUrl } from '../../../server/couch/index.mjs';
import { startSite, testNamespace } from '../../support/server';
import { newResident } from '../../support/client';

const couchUrl = process.env.COUCHDB_URL;

let server: http.Server;
let base = '';
const seen: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    res.statusCode = 201;
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://admin:pw@127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
});

describe('shards of the personal databases on CouchDB', () => {
  it('creates resident and station databases with q=1 and the shared ones with the default', async () => {
    seen.length = 0;
    const store = createRemoteStore({ url: base });
    const resident = residentDbName('8800123456');
    await store.createDb(resident);
    await store.createDb(stationDbName('north'));
    await store.createDb('operations');
    await store.createDb('router-state');
    expect(seen).toEqual([`PUT /${resident}?q=1`, 'PUT /station-north?q=1', 'PUT /operations', 'PUT /router-state']);
  });

  it('takes another q, or CouchDB’s default, from HEARTHLINE_COUCH_Q', async () => {
    expect(backendOptionsFromEnv({}).personalShards).toBe(1);
    expect(backendOptionsFromEnv({ HEARTHLINE_COUCH_Q: '4' }).personalShards).toBe(4);
    expect(backendOptionsFromEnv({ HEARTHLINE_COUCH_Q: 'default' }).personalShards).toBeNull();
    expect(() => backendOptionsFromEnv({ HEARTHLINE_COUCH_Q: '0' })).toThrow(/HEARTHLINE_COUCH_Q/);
    seen.length = 0;
    await createRemoteStore({ url: base, personalShards: null }).createDb(stationDbName('north'));
    await createRemoteStore({ url: base, personalShards: 4 }).createDb(stationDbName('south'));
    expect(seen).toEqual(['PUT /station-north', 'PUT /station-south?q=4']);
  });

  it.runIf(couchUrl)('on the suite’s CouchDB: a signed-up resident’s database and the station’s have one shard each', async () => {
    const site = await startSite();
    try {
      const r = await newResident(site.url);
      const { base: couch, authorization } = parseCouchUrl(couchUrl!);
      const shards = async (name: string) => {
        const res = await fetch(`${couch}/${testNamespace}${name}/_shards`, { headers: { authorization: authorization! } });
        expect(res.status, name).toBe(200);
        return Object.keys(((await res.json()) as { shards: Record<string, string[]> }).shards).length;
      };
      expect(await shards(r.db)).toBe(1);
      expect(await shards(stationDbName('demo'))).toBe(1);
    } finally {
      await site.stop();
    }
  });
});
