/**
 * The guard's body reader on a real loopback HTTP server: a body whole, a body over the limit
 * (declared or streamed) refused with 413 too_large, and a body cut short of its declared length
 * refused at once. It pins the behaviour the hand-written reader had (it passes on both) so the
 * move to raw-body changed nothing a client sees.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBody } from '../../../../../server/backend/guard/requestBody.mjs';

const LIMIT = 1024;
let server: http.Server;
let port: number;
const outcomes: Array<{ ok: boolean; status?: number; error?: string; bytes?: number }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    readBody(req, LIMIT).then(
      (body: Buffer) => {
        outcomes.push({ ok: true, bytes: body.length });
        res.end(String(body.length));
      },
      (err: { status?: number; error?: string }) => {
        outcomes.push({ ok: false, status: err.status, error: err.error });
        if (!res.destroyed) res.writeHead(err.status ?? 500).end(err.error ?? 'error');
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const post = (body: Buffer, headers: Record<string, string> = {}) =>
  new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'content-length': String(body.length), ...headers } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });

const until = async (check: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  return check();
};

describe('readBody', () => {
  it('reads a body within the limit whole', async () => {
    const reply = await post(Buffer.alloc(LIMIT, 'a'));
    expect(reply).toEqual({ status: 200, text: String(LIMIT) });
  });

  it('refuses a declared length over the limit with 413 too_large, and the client gets the answer', async () => {
    const reply = await post(Buffer.alloc(LIMIT + 1, 'a'));
    expect(reply.status).toBe(413);
    expect(reply.text).toBe('too_large');
  });

  it('refuses a streamed (chunked) body once it passes the limit', async () => {
    const before = outcomes.length;
    await new Promise<void>((resolve) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        res.on('end', () => resolve());
      });
      req.on('error', () => resolve()); // the server may drop the connection after its answer
      for (let i = 0; i < 8; i++) req.write(Buffer.alloc(512, 'b'));
      req.end();
    });
    expect(await until(() => outcomes.length > before, 5_000)).toBe(true);
    expect(outcomes.at(-1)).toMatchObject({ ok: false, status: 413, error: 'too_large' });
  });

  it('ends a request whose client went away before its declared length, instead of waiting for it', async () => {
    const before = outcomes.length;
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 500\r\n\r\n' + 'c'.repeat(10));
    await new Promise((r) => setTimeout(r, 100));
    socket.destroy();
    expect(await until(() => outcomes.length > before, 5_000)).toBe(true);
    expect(outcomes.at(-1)!.ok).toBe(false);
  });
});
