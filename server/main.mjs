#!/usr/bin/env node
// @ts-check
/**
 * `npm start`: builds the site if dist/ is missing or stale (server/build.mjs), opens the
 * backend (/db and /api, server/backend/, docs/backend.md), then serves both from one Node
 * process on http://127.0.0.1:4321. Run under tsx (`node --import tsx server/main.mjs`): the
 * backend imports the shared TypeScript schemas and write check from src/.
 *
 * Environment
 *   PORT                 port to listen on (default 4321; 0 picks a free one)
 *   HOST                 address to bind (default 127.0.0.1)
 *   HEARTHLINE_NO_BUILD  '1': never build, serve dist/ as it is (fails if dist/ is missing);
 *                        the test suites set it because their globalSetup built dist/ once
 *   HEARTHLINE_DIST      serve another folder than <repo>/dist (implies no build check)
 *   HEARTHLINE_DATA      the embedded database's folder (default <repo>/data)
 *   HEARTHLINE_DB_ADAPTER leveldb (default) or memory (tests only: nothing survives a restart)
 *   COUCHDB_URL          proxy mode: http://admin:password@host:5984 (Apache CouchDB 3.x)
 *   HEARTHLINE_DB_PREFIX proxy mode: the namespace of this server's databases on a shared CouchDB
 *                        (each name of src/db/databaseNames.ts is <prefix><name> there; the suite
 *                        gives every test file its own; server/couch/namespace.mjs)
 *   HEARTHLINE_ADMIN_PASSWORD  embedded mode: the server admin's password; without it the first
 *                        start generates one and prints it once
 *   HEARTHLINE_DEMO      '0': do not seed the demo station into an empty operations database
 *   HEARTHLINE_SIGNIN_FREE_FAILURES (3), HEARTHLINE_SIGNIN_MAX_DELAY_SECONDS (300),
 *   HEARTHLINE_SIGNIN_MAX_NETWORK_FAILURES (30), HEARTHLINE_SIGNIN_LOCK_SECONDS (900)
 *                        sign-in limits per account and network (docs/backend.md)
 *   HEARTHLINE_TRUST_PROXY  express 'trust proxy' value (e.g. loopback) when behind a reverse proxy
 *   HEARTHLINE_PUBLISHER '0': do not publish the committee's approved commitments from this process
 *   HEARTHLINE_CONTENT   the content folder the publisher writes the published files into
 *                        (default <repo>/content, which `npm run build` reads; tests give a copy)
 *   HEARTHLINE_SITES     where the publisher builds each published site (default <data>/sites);
 *                        its current.json names the site served after a restart
 *   HEARTHLINE_DEADLINES '0': this process does not run the deadline watcher (escalations)
 *   HEARTHLINE_DEADLINE_SWEEP_MS  how often the watcher folds the open orders again (30000)
 *   HEARTHLINE_CLOCK_OFFSET_MS, HEARTHLINE_CLOCK_FILE  move the watchers' clock (server/clock.mjs;
 *                        tests and rehearsals only)
 *   HEARTHLINE_NOTIFY    '0': this process neither writes nor sends notifications
 *   HEARTHLINE_SMTP_URL, HEARTHLINE_MAIL_FROM  e-mail (server/notify/channels.mjs)
 *   HEARTHLINE_QUIET_HOURS  no SMS or e-mail to residents in these hours (default 22:00-07:00)
 *   HEARTHLINE_NOTIFY_SWEEP_MS, HEARTHLINE_NOTIFY_MAX_ATTEMPTS, HEARTHLINE_NOTIFY_RETRY_MS
 *                        the sender's sweep (15000), attempts (6) and first backoff (60000)
 *
 * Prints `Hearthline listening on http://HOST:PORT/` once it accepts connections; exits 0 on
 * SIGINT/SIGTERM after in-flight requests finish (at most 5 s), and with the build's exit code
 * when the build fails.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import { createApp } from './app.mjs';
import { ROOT, ensureBuilt, inputsFingerprint } from './build.mjs';

/**
 * The site the publisher last built (server/publish/publisher.mjs writes current.json), when it
 * was built from the sources as they are now; else null (the sources changed: dist/ is rebuilt).
 * @param {string} sitesDir
 * @param {string} contentDir
 */
async function publishedSite(sitesDir, contentDir) {
  try {
    const current = JSON.parse(readFileSync(path.join(sitesDir, 'current.json'), 'utf8'));
    if (typeof current?.dir !== 'string' || !existsSync(path.join(current.dir, 'index.html'))) return null;
    return current.fingerprint === (await inputsFingerprint(ROOT, { contentDir })) ? current.dir : null;
  } catch {
    return null;
  }
}

/** @param {string | undefined} raw */
function trustProxySetting(raw) {
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  return /^\d+$/.test(raw) ? Number(raw) : raw;
}

async function main() {
  const host = process.env.HOST || '127.0.0.1';
  const port = process.env.PORT === undefined || process.env.PORT === '' ? 4321 : Number(process.env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`[hearthline] PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`);
    process.exit(2);
  }

  const contentDir = path.resolve(process.env.HEARTHLINE_CONTENT || path.join(ROOT, 'content'));
  const sitesDir = path.resolve(process.env.HEARTHLINE_SITES || path.join(process.env.HEARTHLINE_DATA || path.join(ROOT, 'data'), 'sites'));
  const published = process.env.HEARTHLINE_DIST ? null : await publishedSite(sitesDir, contentDir);
  const distDir = process.env.HEARTHLINE_DIST ? path.resolve(process.env.HEARTHLINE_DIST) : (published ?? path.join(ROOT, 'dist'));
  const noBuild = process.env.HEARTHLINE_NO_BUILD === '1' || Boolean(process.env.HEARTHLINE_DIST) || published !== null;
  if (published) console.log(`[hearthline] serving the last published site ${published}`);
  if (!noBuild) {
    try {
      await ensureBuilt({ distDir });
    } catch (err) {
      const e = /** @type {Error & { exitCode?: number }} */ (err);
      console.error(`[hearthline] ${e.message}`);
      process.exit(e.exitCode || 1);
    }
  }
  if (!existsSync(path.join(distDir, 'index.html'))) {
    console.error(`[hearthline] ${distDir}/index.html is missing: build the site first (npm run build)`);
    process.exit(1);
  }

  /** @type {Awaited<ReturnType<typeof import('./backend/index.mjs').createBackend>>} */
  let backend;
  /** @type {Awaited<ReturnType<typeof import('./router/index.mjs').startRouter>> | null} */
  let router = null;
  /** @type {ReturnType<typeof import('./publish/publisher.mjs').createPublisher> | null} */
  let publisher = null;
  /** @type {ReturnType<typeof import('./outages/feed.mjs').createOutageFeed> | null} */
  let outageFeed = null;
  /** @type {ReturnType<typeof import('./deadlines/watcher.mjs').createDeadlineWatcher> | null} */
  let deadlines = null;
  /** @type {ReturnType<typeof import('./notify/notifier.mjs').createNotifier> | null} */
  let notifier = null;
  /** @type {ReturnType<typeof import('./notify/sender.mjs').createSender> | null} */
  let sender = null;
  /** The folder served now: the publisher swaps in each new build once it succeeded. */
  let served = distDir;
  // Everything this process creates from here on is its user's alone (files 0600, folders
  // 0700): the data folder (database files, the config with the cookie secret and the admin's
  // hash, the sign-in counters) and the sites the publisher builds into it (issue #17, finding 5).
  process.umask(0o077);
  try {
    // The backend imports TypeScript from src/ (the shared schemas and write check). `npm start`
    // runs node with --import tsx; a plain `node server/main.mjs` gets tsx's loader here (a
    // second import of it is a no-op).
    await import('tsx');
    const { backendOptionsFromEnv, createBackend } = await import('./backend/index.mjs');
    const { validateWriteWithApprover } = await import('./publish/approver.mjs');
    // Each accepted write wakes the router, which copies the event to every database it belongs in,
    // and the publisher, which publishes what the committee asked for.
    backend = await createBackend({
      ...backendOptionsFromEnv(process.env),
      validateWrite: validateWriteWithApprover(contentDir),
      onWrite: (dbName) => {
        router?.notify(dbName);
        publisher?.notify(dbName);
        outageFeed?.notify(dbName);
        deadlines?.notify(dbName);
        notifier?.notify(dbName);
      },
      // a member's write waits while this process's router is behind the writes (router.admission)
      admission: (/** @type {string} */ dbName) => /** @type {any} */ (router)?.admission?.(dbName) ?? Promise.resolve(),
    });
  } catch (err) {
    console.error(`[hearthline] the backend did not start: ${/** @type {Error} */ (err).message}`);
    process.exit(1);
  }
  console.log(`[hearthline] backend: ${backend.description}`);
  if (backend.admin?.generatedPassword) {
    console.log(`[hearthline] first start: created the server admin "${backend.admin.name}".`);
    console.log(`Hearthline admin password (shown only this once): ${backend.admin.generatedPassword}`);
    console.log('[hearthline] it is stored hashed; keep it for `npm run admin` (or set HEARTHLINE_ADMIN_PASSWORD to replace it).');
  } else if (backend.admin?.updated) {
    console.log(`[hearthline] the server admin's password was set from HEARTHLINE_ADMIN_PASSWORD`);
  }

  // One admin client of the database server for the followers (router, publisher, outage feed).
  const { startRouter, routerHealthHandler, routerOptionsFromEnv } = await import('./router/index.mjs');
  const { createHttpCouch, createPouchCouch, dbPrefixFromEnv } = await import('./couch/index.mjs');
  const couch = backend.mode === 'embedded' ? createPouchCouch({ PouchDB: backend.PouchDB }) : createHttpCouch({ url: /** @type {string} */ (process.env.COUCHDB_URL), dbPrefix: dbPrefixFromEnv(process.env) });
  const routerTuning = routerOptionsFromEnv(process.env);

  // The public outage notices (GET /api/outages): the outage records of operations, kept in
  // memory and read on from a checkpoint (server/outages/feed.mjs).
  const { createOutageFeed, outagesHandler } = await import('./outages/feed.mjs');
  // Several servers on one CouchDB: each follower that must run once runs where its lease is
  // held (server/followers/lease.mjs); the embedded backend is one process (its folder is locked).
  const { createLease, leaseHolderId } = await import('./followers/lease.mjs');
  const { ROUTER_STATE_DB } = await import('../src/db/databaseNames.ts');
  const holder = leaseHolderId();
  /** @type {import('./followers/lease.mjs').Lease[]} */
  const leases = [];
  /**
   * Runs `follower` in this process only while it holds the lease `name` (always, embedded).
   * @param {string} name
   * @param {{ start: () => Promise<void>, stop: () => Promise<void> }} follower
   */
  const runOnce = async (name, follower) => {
    if (backend.mode === 'embedded') return follower.start();
    const lease = createLease({ db: () => couch.db(ROUTER_STATE_DB), name, holder });
    lease.follow(follower);
    leases.push(lease);
    lease.start();
  };
  /** @type {import('./followers/lease.mjs').Lease | null} */
  let outagesLease = null;
  // A server whose router runs in another server (it holds the lease) answers its health as a standby.
  const standbyRouter = () => {
    const lease = leases.find((l) => l.name === 'router');
    if (!lease || lease.held) return null;
    return /** @type {any} */ ({ health: () => ({ ok: true, running: false, standby: true, reason: 'the router runs in the server that holds its lease' }) });
  };
  const feed = createOutageFeed({ couch, savesCheckpoint: () => backend.mode === 'embedded' || Boolean(outagesLease?.held) });

  // The clock of the watchers (tests move it: server/clock.mjs) and their admin access.
  const { serverClockFromEnv } = await import('./clock.mjs');
  const clock = serverClockFromEnv(process.env);
  const adminCouch = couch;

  // Who stands on each escalation rung: every rung at every station needs someone (admin CLI set-rung).
  const { rungProblems } = await import('./notify/rungs.mjs');
  rungProblems(backend.store)
    .then((problems) => {
      for (const p of problems) console.warn(`[hearthline] escalation ladder: ${p} (npm run admin -- set-rung)`);
    })
    .catch((/** @type {Error} */ err) => console.error(`[hearthline] escalation ladder: ${err.message}`));

  // Notifications: the notifier writes one record per recipient and channel for each event that
  // matters; the sender delivers each once (server/notify/). Without SMTP or SMS configured the
  // app alone tells.
  if (process.env.HEARTHLINE_NOTIFY !== '0') {
    try {
      const { channelsFromEnv } = await import('./notify/channels.mjs');
      const { parseQuietHours, QUIET_HOURS } = await import('../src/rules/quietHours.ts');
      const { smsChannelFromEnv } = await import('./notify/sms/index.mjs');
      const channels = channelsFromEnv(process.env, { sms: smsChannelFromEnv(process.env) });
      const quietHours = process.env.HEARTHLINE_QUIET_HOURS ? parseQuietHours(process.env.HEARTHLINE_QUIET_HOURS) : QUIET_HOURS;
      const { createNotifier } = await import('./notify/notifier.mjs');
      const { createSender } = await import('./notify/sender.mjs');
      sender = createSender({
        couch: adminCouch,
        channels,
        now: clock,
        sweepIntervalMs: Number(process.env.HEARTHLINE_NOTIFY_SWEEP_MS || 15_000),
        maxAttempts: Number(process.env.HEARTHLINE_NOTIFY_MAX_ATTEMPTS || 6),
        retryBaseMs: Number(process.env.HEARTHLINE_NOTIFY_RETRY_MS || 60_000),
      });
      notifier = createNotifier({
        couch: adminCouch,
        channels,
        now: clock,
        quietHours,
        sweepIntervalMs: Number(process.env.HEARTHLINE_NOTIFY_SWEEP_MS || 10_000),
        onWrite: (dbName) => sender?.notify(dbName),
      });
      const names = Object.keys(channels);
      console.log(`[hearthline] notifications: ${names.length ? `in-app, ${names.join(', ')}` : 'in-app only (no SMTP or SMS configured)'}`);
    } catch (err) {
      console.error(`[hearthline] notifications: ${/** @type {Error} */ (err).message}`);
      process.exit(1);
    }
  }

  // The deadline watcher: records each escalation level an open order reaches, with no device
  // open (server/deadlines/watcher.mjs). Several processes may run it: each level's event has
  // one id, so a second writer gets a conflict.
  if (process.env.HEARTHLINE_DEADLINES !== '0') {
    const { createDeadlineWatcher } = await import('./deadlines/watcher.mjs');
    deadlines = createDeadlineWatcher({
      couch: adminCouch,
      now: clock,
      sweepIntervalMs: Number(process.env.HEARTHLINE_DEADLINE_SWEEP_MS || 30_000),
      onWrite: (dbName) => {
        router?.notify(dbName);
        notifier?.notify(dbName);
      },
      // a callback falling due is told to the callback staff (by SMS or e-mail where configured)
      onCallbackDue: async (notice) => notifier?.tellStaff(notice),
    });
  }


  const app = createApp({
    distDir: () => served,
    // the router's health (server admins only: it counts databases and events held for accounts
    // that do not exist yet) and the outage notices go before '/api', which would otherwise answer them
    // and the process's memory and the embedded backend's open databases and operations (server
    // admins: the benches read them)
    mounts: {
      '/api/router/health': express.Router().use(backend.adminOnly, routerHealthHandler(() => router ?? standbyRouter())),
      '/api/server/stats': express.Router().use(backend.adminOnly, (req, res) => {
        res.setHeader('Cache-Control', 'no-store');
        // ?gc=1 under node --expose-gc (the sign-in bench): memory after a full collection, so
        // what is kept can be told from what V8 and the allocator hold in reserve
        const gc = /** @type {{ gc?: () => void }} */ (globalThis).gc;
        if (req.query.gc === '1' && typeof gc === 'function') gc();
        const m = process.memoryUsage();
        const mb = (/** @type {number} */ n) => Math.round((n / 1048576) * 10) / 10;
        res.json({
          mode: backend.mode,
          memoryMb: { rss: mb(m.rss), heapUsed: mb(m.heapUsed), heapTotal: mb(m.heapTotal), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers) },
          ...(backend.openDatabases?.stats() ?? {}),
        });
      }),
      '/api/outages': outagesHandler(feed),
      '/db': backend.db,
      '/api': backend.api,
    },
    trustProxy: trustProxySetting(process.env.HEARTHLINE_TRUST_PROXY),
  });
  const server = app.listen(port, host);
  server.keepAliveTimeout = 5_000;

  server.on('error', (err) => {
    console.error(`[hearthline] cannot listen on ${host}:${port}: ${err.message}`);
    process.exit(1);
  });

  server.on('listening', () => {
    const address = server.address();
    const actualPort = typeof address === 'object' && address ? address.port : port;
    const shownHost = host.includes(':') ? `[${host}]` : host;
    console.log(`Hearthline listening on http://${shownHost}:${actualPort}/`);
    followersStarted = startFollowers().catch((/** @type {Error} */ err) => console.error(`[hearthline] the followers did not start: ${err.message}`));
  });
  /** @type {Promise<void>} shutdown waits for it: a SIGTERM right after listening must not race the followers' start */
  let followersStarted = Promise.resolve();

  // The followers start once the server listens and catch up behind it: with thousands of
  // databases the catch-up takes a while, and the site, /db and /api serve meanwhile (the
  // router's health says how far behind it is).
  async function startFollowers() {
    if (stopping) return;
    // Residents' databases made before this version get the write rules' design document now,
    // behind the listening server (setup.mjs: the guard checks every write meanwhile).
    backend.setup.upgradeResidents().catch((/** @type {Error} */ err) => console.error(`[hearthline] the residents' write rules: ${err.message}`));
    // The router runs in this process unless it runs on its own (`npm run router`, HEARTHLINE_ROUTER=0).
    if (process.env.HEARTHLINE_ROUTER !== '0') {
      await runOnce('router', {
        start: async () => {
          try {
            router = await startRouter({ couch, ...routerTuning });
          } catch (err) {
            console.error(`[hearthline] the router did not start: ${/** @type {Error} */ (err).message}`);
            process.exit(1);
          }
        },
        stop: async () => {
          const r = router;
          router = null;
          await r?.stop();
        },
      });
    }
    if (process.env.HEARTHLINE_PUBLISHER !== '0') {
      const { createPublisher } = await import('./publish/publisher.mjs');
      await runOnce('publisher', {
        start: async () => {
          publisher = createPublisher({
            couch,
            contentDir,
            sitesDir,
            swap: (dir) => {
              served = dir;
            },
          });
          publisher.adoptServed(published);
          // in the background: a publication waiting since before a restart is built while we serve the old site
          publisher.start().catch((/** @type {Error} */ err) => console.error(`[hearthline] the publisher did not start: ${err.message}`));
        },
        stop: async () => {
          const p = publisher;
          publisher = null;
          await p?.stop();
        },
      });
    }
    if (backend.mode !== 'embedded') {
      outagesLease = createLease({ db: () => couch.db(ROUTER_STATE_DB), name: 'outages', holder });
      leases.push(outagesLease);
      outagesLease.start();
    }
    outageFeed = feed;
    feed.start().catch((/** @type {Error} */ err) => console.error(`[hearthline] the outage notices did not start: ${err.message}`));
    // Notifications and the deadline watcher need no lease: their records' ids are derived
    // (one per recipient and channel; one escalation per level) and the sender claims each record
    // by a revision-checked update, so several servers write and send each once.
    if (notifier && sender) {
      try {
        // Its place is taken before the watcher writes: an escalation of this start is told.
        await notifier.init();
        notifier.start().catch((/** @type {Error} */ err) => console.error(`[hearthline] the notifier did not start: ${err.message}`));
        sender.start().catch((/** @type {Error} */ err) => console.error(`[hearthline] the notification sender did not start: ${err.message}`));
      } catch (err) {
        console.error(`[hearthline] notifications did not start: ${/** @type {Error} */ (err).message}`);
      }
    }
    deadlines?.start().catch((/** @type {Error} */ err) => console.error(`[hearthline] the deadline watcher did not start: ${err.message}`));
  }

  let stopping = false;
  /** @param {NodeJS.Signals} signal */
  function shutdown(signal) {
    if (stopping) {
      process.exit(1); // a second signal: stop now
    }
    stopping = true;
    console.log(`[hearthline] ${signal}: closing the server`);
    const force = setTimeout(() => {
      server.closeAllConnections();
    }, 5_000);
    force.unref();
    server.close((err) => {
      clearTimeout(force);
      if (err) console.error(`[hearthline] close: ${err.message}`);
      followersStarted
        .then(() => Promise.all(leases.map((lease) => lease.stop())))
        .then(() => (publisher ? publisher.stop() : undefined))
        .catch((/** @type {Error} */ e) => console.error(`[hearthline] stopping the publisher: ${e.message}`))
        .then(() => outageFeed?.stop())
        .catch((/** @type {Error} */ e) => console.error(`[hearthline] stopping the outage notices: ${e.message}`))
        .then(() => deadlines?.stop())
        .catch((/** @type {Error} */ e) => console.error(`[hearthline] stopping the deadline watcher: ${e.message}`))
        .then(() => notifier?.stop())
        .then(() => sender?.stop())
        .catch((/** @type {Error} */ e) => console.error(`[hearthline] stopping notifications: ${e.message}`))
        .then(() => (router ? router.stop() : undefined))
        .catch((/** @type {Error} */ e) => console.error(`[hearthline] stopping the router: ${e.message}`))
        .then(() => backend.close())
        .catch((/** @type {Error} */ e) => console.error(`[hearthline] closing the database: ${e.message}`))
        .finally(() => process.exit(0));
    });
    server.closeIdleConnections();
  }
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err) => {
  console.error('[hearthline] fatal:', err);
  process.exit(1);
});
