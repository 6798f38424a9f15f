/**
 * Finding 10 of issue #17: `curl --request-target 'a://operations/db/x'` skipped the guard
 * (express matched the path of an absolute URL under /db while the guard read the raw target,
 * saw no database and let it through; only PouchDB Server's own check refused it). Every
 * request target that is not an origin-form path (`/…`) is refused before any handler, with
 * a reason; origin-form paths are served as before.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type Site } from '../../support/server';
import { newResident, type Resident } from '../../support/client';

let site: Site;
let resident: Resident;

beforeAll(async () => {
  site = await startSite();
  resident = await newResident(site.url);
});

afterAll(async () => {
  await site?.stop();
});

/** Sends one raw HTTP/1.1 request (fetch cannot send a request target that is not a path). */
function raw(target: string, { method = 'GET', cookie }: { method?: string; cookie?: string } = {}): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(site.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let data = '';
    socket.setTimeout(10_000, () => socket.destroy(new Error('timeout')));
    socket.on('data', (c) => (data += c.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => {
      const status = Number(data.match(/^HTTP\/1\.1 (\d{3})/)?.[1] ?? 0);
      resolve({ status, text: data.slice(data.indexOf('\r\n\r\n') + 4) });
    });
    socket.write(
      `${method} ${target} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: close\r\nAccept: application/json\r\n` +
        (cookie ? `Cookie: ${cookie}\r\n` : '') +
        '\r\n',
    );
  });
}

describe('request targets that are not an origin-form path', () => {
  const targets = [
    'a://operations/db/x',
    'a://operations/db/operations',
    `http://127.0.0.1/db/${'operations'}/_all_docs`,
    'http://127.0.0.1/db/_all_dbs',
    'x:/db/_users',
    '*',
    'db/operations',
  ];
  for (const target of targets) {
    it(`${target} is refused with 400 and a reason, before the guard or the database`, async () => {
      const res = await raw(target);
      expect(res.status).toBe(400);
      // Node's HTTP parser refuses some targets itself (an empty 400); the others reach the app,
      // which names the rule.
      if (res.text !== '') {
        const json = JSON.parse(res.text);
        expect(json).toMatchObject({ error: 'bad_request', rule: 'request-target' });
        expect(json.reason).toMatch(/origin-form|path/);
      }
      // signed in makes no difference
      expect((await raw(target, { cookie: resident.cookie })).status).toBe(400);
    });
  }

  it('origin-form paths are served as before', async () => {
    expect((await raw('/healthz')).status).toBe(200);
    expect((await raw(`/db/${resident.db}`, { cookie: resident.cookie })).status).toBe(200);
    expect((await raw('/db/operations')).status).toBe(401);
  });
});
