#!/usr/bin/env node
// @ts-check
/**
 * `npm run router`: the router on its own, against a running database server over HTTP, with a
 * tiny health endpoint. (In the main server the router can also run in-process: see
 * ./index.mjs, startRouter.)
 *
 * Environment
 *   COUCHDB_URL   required: the server admin's URL, either Apache CouchDB
 *                 (http://admin:pw@127.0.0.1:5984) or a Hearthline server's /db
 *                 (http://admin:pw@127.0.0.1:4321/db)
 *   HEARTHLINE_DB_PREFIX  with Apache CouchDB: the servers' namespace of databases (../couch/namespace.mjs)
 *   ROUTER_PORT   port of the health endpoint (default 4322; 0 picks a free one)
 *   ROUTER_HOST   address it binds (default 127.0.0.1)
 *   ROUTER_BACKSTOP_ROUND_MS, ROUTER_BACKSTOP_PER_SECOND, ROUTER_CATCH_UP_PER_SECOND,
 *   ROUTER_BATCH_SIZE, ROUTER_CONCURRENCY, ROUTER_MAX_LAG_SECONDS  (./index.mjs)
 *
 *   GET /healthz            { ok, lagDatabases, lagSeconds, sources, updates, lastError, … }; 503 when not ok
 *   GET /healthz?detail=1   the same with database names and error messages (operators only:
 *                           keep the port on loopback)
 *
 * Prints `Hearthline router listening on http://HOST:PORT/healthz` once it is up; exits 0 on
 * SIGINT/SIGTERM after the batches under way are written and checkpointed.
 */
import { realpathSync } from 'node:fs';
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { routerHealthHandler, routerOptionsFromEnv, startRouter } from './index.mjs';
import { dbPrefixFromEnv } from '../couch/namespace.mjs';

export { startRouter, routerHealthHandler, routerOptionsFromEnv } from './index.mjs';

async function main() {
  const couchUrl = process.env.COUCHDB_URL;
  if (!couchUrl) {
    console.error('[router] COUCHDB_URL is required: the server admin URL, e.g. http://admin:pw@127.0.0.1:4321/db');
    process.exit(2);
  }
  const host = process.env.ROUTER_HOST || '127.0.0.1';
  const port = process.env.ROUTER_PORT === undefined || process.env.ROUTER_PORT === '' ? 4322 : Number(process.env.ROUTER_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`[router] ROUTER_PORT must be a port number, got ${JSON.stringify(process.env.ROUTER_PORT)}`);
    process.exit(2);
  }

  /** @type {Awaited<ReturnType<typeof startRouter>>} */
  let router;
  for (let attempt = 1; ; attempt++) {
    try {
      router = await startRouter({ couchUrl, dbPrefix: dbPrefixFromEnv(process.env), ...routerOptionsFromEnv(process.env) });
      break;
    } catch (err) {
      const e = /** @type {Error & { status?: number }} */ (err);
      // The database server may still be starting: retry for a minute, then give up.
      if (attempt >= 30 || (e.status !== 502 && e.status !== 503 && !/does not exist/.test(e.message))) {
        console.error(`[router] cannot start: ${e.message}`);
        process.exit(1);
      }
      if (attempt === 1) console.error(`[router] ${e.message}; retrying…`);
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }

  const summary = routerHealthHandler(router);
  const detail = routerHealthHandler(router, { detail: true });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/healthz') {
      res.statusCode = 404;
      res.setHeader('Content-Type', 'application/json');
      res.end('{"error":"not_found"}\n');
      return;
    }
    req.url = '/';
    (url.searchParams.get('detail') === '1' ? detail : summary)(req, res);
  });
  server.on('error', (err) => {
    console.error(`[router] cannot listen on ${host}:${port}: ${err.message}`);
    process.exit(1);
  });
  server.listen(port, host, () => {
    const address = server.address();
    const actual = typeof address === 'object' && address ? address.port : port;
    console.log(`[router] routing events of ${router.couch.description}`);
    console.log(`Hearthline router listening on http://${host.includes(':') ? `[${host}]` : host}:${actual}/healthz`);
  });

  let stopping = false;
  /** @param {NodeJS.Signals} signal */
  const shutdown = (signal) => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`[router] ${signal}: finishing the batches under way`);
    server.close();
    router
      .stop()
      .then(() => router.couch.close?.())
      .catch((/** @type {Error} */ e) => console.error(`[router] stopping: ${e.message}`))
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

const isMain = Boolean(process.argv[1]) && import.meta.url === pathToFileURL(realpathSync(String(process.argv[1]))).href;
if (isMain) {
  main().catch((err) => {
    console.error('[router] fatal:', err);
    process.exit(1);
  });
}
