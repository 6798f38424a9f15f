// @ts-check
/**
 * A stand-in for the Hearthline server process in the router's crash test: it opens the data
 * folder with the backend's embedded storage (LevelDB allows one process per folder, so the
 * writes and the router live in one process, as in the real server), runs the router in it,
 * and takes writes from the parent over IPC, storing them as the /db guard does (bulkDocs,
 * new_edits true) and then calling router.notify, as the wired guard will.
 *
 * With COUCHDB_URL (the suite on an Apache CouchDB) it is the server in proxy mode instead: the
 * databases are that CouchDB's in the namespace ROUTER_TEST_DB_PREFIX, reached over HTTP as the
 * server reaches them (the backend's HTTP store and couch client); a kill leaves them to CouchDB.
 *
 * Run: node --import tsx routerChild.mjs   (forked, with an IPC channel)
 * Env: ROUTER_TEST_DATA (the folder), ROUTER_TEST_DBS (comma-separated databases to create),
 *      COUCHDB_URL and ROUTER_TEST_DB_PREFIX (proxy mode),
 *      ROUTER_BACKSTOP_ROUND_MS, ROUTER_BATCH_SIZE, ROUTER_CONCURRENCY
 * Messages in:  { id, type: 'write', db, docs } | { id, type: 'health' } | { id, type: 'settle' } | { id, type: 'stop' }
 * Messages out: { type: 'ready' } | { id, ok: true, result } | { id, ok: false, error }
 */
import { createEmbedded } from '../../../../server/backend/embedded.mjs';
import { createRemoteStore } from '../../../../server/backend/remote.mjs';
import { createHttpCouch, createPouchCouch } from '../../../../server/couch/index.mjs';
import { createRouter } from '../../../../server/router/router.mjs';

const send = (/** @type {unknown} */ msg) => process.send?.(msg);

const dataDir = process.env.ROUTER_TEST_DATA;
if (!dataDir || !process.send) {
  console.error('routerChild: needs ROUTER_TEST_DATA and an IPC channel');
  process.exit(2);
}

const couchUrl = process.env.COUCHDB_URL;
const dbPrefix = process.env.ROUTER_TEST_DB_PREFIX ?? '';
const embedded = couchUrl ? null : await createEmbedded({ dataDir });
const store = embedded ? embedded.store : createRemoteStore({ url: /** @type {string} */ (couchUrl), dbPrefix });
for (const name of (process.env.ROUTER_TEST_DBS ?? '').split(',').filter(Boolean)) await store.createDb(name);

const couch = embedded ? createPouchCouch({ PouchDB: embedded.PouchDB }) : createHttpCouch({ url: /** @type {string} */ (couchUrl), dbPrefix });
const router = createRouter({
  couch,
  backstopRoundMs: Number(process.env.ROUTER_BACKSTOP_ROUND_MS ?? 100),
  batchSize: Number(process.env.ROUTER_BATCH_SIZE ?? 20),
  concurrency: Number(process.env.ROUTER_CONCURRENCY ?? 2),
  log: () => {},
  logError: (msg) => console.error(msg),
});
await router.start();

process.on('message', async (/** @type {any} */ msg) => {
  try {
    if (msg.type === 'write') {
      const db = await couch.db(msg.db);
      const rows = await db.bulkDocs(msg.docs);
      router.notify(msg.db);
      send({ id: msg.id, ok: true, result: rows.map((/** @type {any} */ r) => ({ id: r.id, ok: Boolean(r.ok), error: r.ok ? undefined : r.name ?? r.error })) });
    } else if (msg.type === 'health') {
      send({ id: msg.id, ok: true, result: router.health({ detail: true }) });
    } else if (msg.type === 'settle') {
      send({ id: msg.id, ok: true, result: await router.settle({ timeoutMs: 40_000 }) });
    } else if (msg.type === 'stop') {
      await router.stop();
      await couch.close?.();
      await store.close();
      send({ id: msg.id, ok: true, result: null });
      process.disconnect?.();
      setTimeout(() => process.exit(0), 10).unref();
    }
  } catch (err) {
    send({ id: msg.id, ok: false, error: String(/** @type {Error} */ (err)?.stack ?? err) });
  }
});

send({ type: 'ready' });
