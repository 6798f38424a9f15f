// @ts-check
/**
 * The router as the rest of the server uses it (server/router/router.mjs says what it does).
 *
 * In the main server (embedded mode: the backend's PouchDB constructor; proxy mode: COUCHDB_URL):
 *
 *   const router = await startRouter({ PouchDB: backend.PouchDB, ...routerOptionsFromEnv(process.env) });
 *   const router = await startRouter({ couchUrl: process.env.COUCHDB_URL, ...routerOptionsFromEnv(process.env) });
 *   createApp({ mounts: { '/api/router/health': routerHealthHandler(router), '/db': …, '/api': … } });
 *   // after each successful write to /db: router.notify(dbName)
 *   // on shutdown, before the database closes: await router.stop()
 *
 * Standalone: `npm run router` (server/router/main.mjs).
 */
import { createHttpCouch, createPouchCouch } from '../couch/index.mjs';
import { createRouter } from './router.mjs';

export { createRouter } from './router.mjs';
export { createHttpCouch, createPouchCouch } from '../couch/index.mjs';

/** @typedef {import('./router.mjs').Router} Router */
/** @typedef {Omit<import('./router.mjs').RouterOptions, 'couch'>} RouterTuning */

/**
 * Reads the router's tuning from the environment (all optional):
 *   ROUTER_BACKSTOP_ROUND_MS     least time between two backstop sweeps, ms (10 min; 5 s over HTTP
 *                                without a working _db_updates feed)
 *   ROUTER_BACKSTOP_PER_SECOND   databases the backstop checks per second (1; 20 over HTTP without the feed)
 *   ROUTER_CATCH_UP_PER_SECOND   databases the sweep at start checks per second (embedded 200, HTTP 50)
 *   ROUTER_BATCH_SIZE            changes per request and copies per bulkDocs (200)
 *   ROUTER_CONCURRENCY           databases read at once (4)
 *   ROUTER_MAX_LAG_SECONDS       health turns not-ok when an announced change waits longer (10)
 * @param {NodeJS.ProcessEnv} env
 * @returns {RouterTuning}
 */
export function routerOptionsFromEnv(env) {
  /** @param {string} name */
  const int = (name) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number, got ${JSON.stringify(raw)}`);
    return n;
  };
  /** @type {RouterTuning} */
  const out = {};
  /** @type {[string, keyof RouterTuning][]} */
  const settings = [
    ['ROUTER_BACKSTOP_ROUND_MS', 'backstopRoundMs'],
    ['ROUTER_BACKSTOP_PER_SECOND', 'backstopPerSecond'],
    ['ROUTER_CATCH_UP_PER_SECOND', 'catchUpPerSecond'],
    ['ROUTER_BATCH_SIZE', 'batchSize'],
    ['ROUTER_CONCURRENCY', 'concurrency'],
    ['ROUTER_MAX_LAG_SECONDS', 'maxLagSeconds'],
  ];
  for (const [name, key] of settings) {
    const n = int(name);
    if (n !== undefined) /** @type {Record<string, unknown>} */ (out)[key] = n;
  }
  return out;
}

/**
 * Creates and starts a router: it returns at once and catches up behind (router.mjs), then
 * follows notify(), the `_db_updates` feed (HTTP) and the backstop.
 * Give exactly one of PouchDB (embedded: the backend's constructor), couchUrl (admin URL of
 * Apache CouchDB or of a Hearthline server's /db) or couch (server/couch/).
 * @param {RouterTuning & { PouchDB?: any, couchUrl?: string, couch?: import('../couch/index.mjs').Couch, dbPrefix?: string }} options
 *   dbPrefix: with couchUrl, the namespace of the databases on a shared CouchDB (HEARTHLINE_DB_PREFIX)
 * @returns {Promise<Router & { couch: import('../couch/index.mjs').Couch }>}
 */
export async function startRouter({ PouchDB, couchUrl, couch, dbPrefix = '', ...tuning }) {
  const given = [PouchDB, couchUrl, couch].filter((x) => x !== undefined && x !== null && x !== '').length;
  if (given !== 1) throw new TypeError('startRouter: give exactly one of PouchDB, couchUrl or couch');
  const c = couch ?? (couchUrl ? createHttpCouch({ url: couchUrl, dbPrefix }) : createPouchCouch({ PouchDB }));
  const router = createRouter({ couch: c, ...tuning });
  await router.start();
  return Object.assign(router, { couch: c });
}

/**
 * GET/HEAD handler answering the router's health as JSON: 200 when ok, 503 when not (or when
 * there is no router). Works with express (app.use / app.get) and node:http.
 * @param {Router | null | undefined | (() => Router | null | undefined)} routerOrGetter the router, or a
 *   function answering it (the server starts its router after it listens)
 * @param {{ detail?: boolean }} [opts] detail: database names and error messages — only where
 *   the answer is not public (resident database names carry account numbers)
 * @returns {(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, next?: () => void) => void}
 */
export function routerHealthHandler(routerOrGetter, { detail = false } = {}) {
  return (req, res, next) => {
    const router = typeof routerOrGetter === 'function' ? routerOrGetter() : routerOrGetter;
    const path = (req.url ?? '/').split('?')[0];
    if (next && path !== '/' && path !== '') return next();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.statusCode = 405;
      res.setHeader('Allow', 'GET, HEAD');
      res.end();
      return;
    }
    const body = router ? router.health({ detail }) : { ok: false, running: false, reason: 'the router is not running in this process (or not yet)' };
    res.statusCode = body.ok ? 200 : 503;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.end(req.method === 'HEAD' ? undefined : JSON.stringify(body) + '\n');
  };
}
