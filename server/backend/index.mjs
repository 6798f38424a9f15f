// @ts-check
/**
 * The CouchDB-compatible backend of the Hearthline server: `/db` (CouchDB's HTTP API behind our
 * guard) and `/api` (accounts). See docs/backend.md.
 *
 *   const backend = await createBackend(backendOptionsFromEnv(process.env));
 *   createApp({ mounts: { '/db': backend.db, '/api': backend.api } });
 *
 * Two modes, one guard:
 * - embedded (default): PouchDB Server (express-pouchdb) in this process, LevelDB under the
 *   data directory;
 * - proxy (COUCHDB_URL=http://admin:pw@host:5984): /db streams to Apache CouchDB 3.x, and setup
 *   and the accounts API use that server with the admin credentials of the URL.
 */
import express from 'express';
import path from 'node:path';
import { ROOT } from '../build.mjs';
import { validateWrite as defaultValidateWrite } from './domain.mjs';
import { createAccessLog } from './accessLog.mjs';
import { createAccountApi, createApi } from './api.mjs';
import { createCustomerDirectory } from './customerDirectory.mjs';
import { createWorkingSets } from './workingSet.mjs';
import { stationDbName } from './names.mjs';
import { createEmbedded } from './embedded.mjs';
import { sendJson } from './errors.mjs';
import { createGuard } from './guard/index.mjs';
import { adminOnly } from './identity.mjs';
import { createOwnership } from './ownership.mjs';
import { SUBMISSION_LIMITS } from '../../src/rules/submissionQuota.ts';
import { createProxy } from './proxy.mjs';
import { createRemoteStore, parseCouchUrl } from './remote.mjs';
import { dbPrefixFromEnv } from '../couch/namespace.mjs';
import { responseHeaders } from './responseHeaders.mjs';
import { listStations, setup } from './setup.mjs';
import { createSharedSignInLimiter } from './signinLimiter.mjs';
import { REQUEST_LIMITS_DB } from './rateLimit.mjs';
import { sweepEvery } from './sharedCounters.mjs';
import { createSessionEnds } from './sessions.mjs';
import { createPhoneCodes } from './phoneCodes.mjs';
import { createPhoneVerificationRoutes, verifyPhoneByCode } from './phoneVerification.mjs';
import { smsChannelFromEnv } from '../notify/sms/index.mjs';

export { residentDbName, stationDbName, databaseKind } from './names.mjs';

/**
 * @typedef {object} BackendOptions
 * @property {string} [dataDir] embedded mode: where LevelDB files, pouchdb-config.json and the log live
 * @property {'leveldb' | 'memory'} [adapter] embedded mode storage (memory: tests only)
 * @property {string} [couchUrl] proxy mode: http://admin:password@host:5984
 * @property {string} [dbPrefix] proxy mode: the namespace of databases on a shared CouchDB (HEARTHLINE_DB_PREFIX, server/couch/namespace.mjs)
 * @property {number | null} [personalShards] proxy mode: CouchDB's q of each resident's and station's database (1; null: CouchDB's default)
 * @property {number} [securityTtlMs] proxy mode: how long a database's security object is answered from memory (30,000; 0: read on every request; remote.mjs)
 * @property {{ maxOpen?: number, idleMs?: number }} [openDatabases] embedded mode (leveldb): databases kept open when idle (200) and how long an idle one stays open (60 s): ./openDatabases.mjs
 * @property {string} [adminPassword] embedded mode: the server admin's password (else generated on first start)
 * @property {boolean} [demo] seed a demo station when the operations database is empty
 * @property {number} [sessionSeconds] how long a sign-in lasts unused (cookie Max-Age; embedded: also the server's session timeout)
 * @property {import('./domain.mjs').ValidateWrite} [validateWrite] the write check (default: src/db/validateWrite.ts)
 * @property {{ freeFailures?: number, maxDelayMs?: number, maxNetworkFailures?: number, forgetMs?: number }} [signIn]
 *   sign-in limits (signinLimiter.mjs); the counters are kept in the database signin-limits, shared by every server
 * @property {(msg: string) => void} [log] progress messages (default console.log)
 * @property {(msg: string) => void} [logError] failures inside requests (default console.error)
 * @property {(dbName: string) => void} [onWrite] called after documents were stored in a database (wakes the router)
 * @property {(dbName: string) => Promise<void>} [admission] awaited before a member's write into `dbName` is stored (the router holds writes back while it is behind)
 * @property {import('./signup.mjs').SignupOptions} [signup] sign-up: answer time, limits, the phone check after the register's
 * @property {import('./customerAccess.mjs').CustomerAccessOptions} [customerAccess] staff lookups and full views per hour
 * @property {import('../notify/sms/channel.mjs').SmsChannel | null} [sms] the SMS channel (HEARTHLINE_SMS_*, server/notify/sms/); null: no codes by SMS
 * @property {import('./phoneCodes.mjs').PhoneCodeOptions} [phoneCodes] one-time codes: validity, tries, lock, send limits
 * @property {import('../../src/rules/submissionQuota.ts').SubmissionLimits} [submissionLimits] a resident's requests per hour, per day, open at once (default: src/rules/submissionQuota.ts; HEARTHLINE_QUOTA_* through backendOptionsFromEnv)
 */

/**
 * How long a sign-in lasts without use (a week). The cookie is persistent with this lifetime
 * and renewed by every request, so a phone that opens the app now and then stays signed in; a
 * device left unused for longer asks for the password again (its records wait meanwhile).
 */
export const DEFAULT_SESSION_SECONDS = 7 * 24 * 60 * 60;

/**
 * @param {NodeJS.ProcessEnv} env
 * @returns {BackendOptions}
 */
export function backendOptionsFromEnv(env) {
  /** @param {string} name @param {number} fallback */
  const int = (name, fallback) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive whole number, got ${JSON.stringify(raw)}`);
    return n;
  };
  const adapter = env.HEARTHLINE_DB_ADAPTER || 'leveldb';
  if (adapter !== 'leveldb' && adapter !== 'memory') throw new Error(`HEARTHLINE_DB_ADAPTER must be leveldb or memory, got ${JSON.stringify(adapter)}`);
  return {
    dataDir: path.resolve(env.HEARTHLINE_DATA || path.join(ROOT, 'data')),
    adapter,
    couchUrl: env.COUCHDB_URL || undefined,
    dbPrefix: dbPrefixFromEnv(env),
    personalShards: env.HEARTHLINE_COUCH_Q === 'default' ? null : int('HEARTHLINE_COUCH_Q', 1),
    securityTtlMs: env.HEARTHLINE_SECURITY_TTL_MS === '0' ? 0 : int('HEARTHLINE_SECURITY_TTL_MS', 30_000),
    adminPassword: env.HEARTHLINE_ADMIN_PASSWORD || undefined,
    openDatabases: { maxOpen: int('HEARTHLINE_OPEN_DATABASES', 200), idleMs: int('HEARTHLINE_DATABASE_IDLE_SECONDS', 60) * 1000 },
    demo: env.HEARTHLINE_DEMO !== '0',
    sessionSeconds: int('HEARTHLINE_SESSION_SECONDS', DEFAULT_SESSION_SECONDS),
    signIn: {
      freeFailures: int('HEARTHLINE_SIGNIN_FREE_FAILURES', 3),
      maxDelayMs: int('HEARTHLINE_SIGNIN_MAX_DELAY_SECONDS', 5 * 60) * 1000,
      maxNetworkFailures: int('HEARTHLINE_SIGNIN_MAX_NETWORK_FAILURES', int('HEARTHLINE_SIGNIN_MAX_ADDRESS_FAILURES', 30)),
      forgetMs: int('HEARTHLINE_SIGNIN_LOCK_SECONDS', 15 * 60) * 1000,
    },
    signup: {
      answerMs: int('HEARTHLINE_SIGNUP_ANSWER_MS', 1000),
      maxPerAddress: int('HEARTHLINE_SIGNUP_MAX_PER_ADDRESS', 10),
      maxPerAccount: int('HEARTHLINE_SIGNUP_MAX_PER_ACCOUNT', 5),
    },
    sms: smsChannelFromEnv(env),
    phoneCodes: {
      lockMs: int('HEARTHLINE_PHONE_CODE_LOCK_SECONDS', 15 * 60) * 1000,
      sendIntervalMs: int('HEARTHLINE_PHONE_CODE_INTERVAL_SECONDS', 60) * 1000,
      sendsPerPhonePerHour: int('HEARTHLINE_PHONE_CODES_PER_HOUR', 5),
      sendsPerPeerPerHour: int('HEARTHLINE_PHONE_CODES_PER_PEER', 20),
      failuresPerPeerPerHour: int('HEARTHLINE_PHONE_CODE_FAILURES_PER_PEER', 30),
    },
    customerAccess: {
      lookupsPerHour: int('HEARTHLINE_LOOKUPS_PER_HOUR', 120),
      revealsPerHour: int('HEARTHLINE_REVEALS_PER_HOUR', 40),
    },
    submissionLimits: {
      perHour: int('HEARTHLINE_QUOTA_PER_HOUR', SUBMISSION_LIMITS.perHour),
      perDay: int('HEARTHLINE_QUOTA_PER_DAY', SUBMISSION_LIMITS.perDay),
      openAtOnce: int('HEARTHLINE_QUOTA_OPEN', SUBMISSION_LIMITS.openAtOnce),
    },
  };
}

/**
 * Caches cookie → user for a few seconds (proxy mode: each check is a request to CouchDB), and
 * forgets every cached session when an account is written through this server (its store, or
 * /db/_users through the proxy): a password reset changes the salt, and CouchDB refuses the old
 * cookies at once, but a cached check had let the guard store a member's write (as admin) and
 * /db/_account answer for up to 5 s with a cookie CouchDB already refused. Another server's
 * writes to _users still reach this one's cache only when the entry expires (at most ttlMs).
 * @param {import('./store.mjs').Store} store
 * @param {number} ttlMs
 * @returns {{ forget: () => void, clear: () => void }}
 */
function cacheSessions(store, ttlMs = 5_000) {
  /** @type {Map<string, { at: number, value: Promise<import('./store.mjs').UserCtx | null> }>} */
  const cache = new Map();
  const lookup = store.sessionFromCookie.bind(store);
  store.sessionFromCookie = (cookie) => {
    const now = Date.now();
    const hit = cache.get(cookie);
    if (hit && now - hit.at < ttlMs) return hit.value;
    if (cache.size > 10_000) cache.clear();
    const value = lookup(cookie);
    cache.set(cookie, { at: now, value });
    value.catch(() => cache.delete(cookie));
    return value;
  };
  const forget = () => cache.clear();
  for (const method of /** @type {const} */ (['put', 'bulkDocs'])) {
    const write = /** @type {(db: string, ...rest: any[]) => Promise<any>} */ (store[method].bind(store));
    store[method] = /** @type {any} */ (
      async (/** @type {string} */ db, /** @type {any[]} */ ...rest) => {
        try {
          return await write(db, ...rest);
        } finally {
          if (db === '_users') forget();
        }
      }
    );
  }
  return { forget, clear: forget };
}

/**
 * @param {() => Promise<T>} fn
 * @param {(msg: string) => void} log
 * @template T
 */
async function retryWhileUnreachable(fn, log, attempts = 15) {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      const status = /** @type {{ status?: number }} */ (err).status;
      if (status !== 502 || i >= attempts) throw err;
      if (i === 1) log(`[hearthline] ${/** @type {Error} */ (err).message} Retrying for up to ${attempts * 2} s…`);
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }
}

/**
 * Opens the storage, runs setup and returns the two routers.
 * @param {BackendOptions} [options]
 */
export async function createBackend({
  dataDir = path.join(ROOT, 'data'),
  adapter = 'leveldb',
  couchUrl,
  dbPrefix = '',
  personalShards = 1,
  securityTtlMs = 30_000,
  adminPassword,
  openDatabases,
  demo = true,
  sessionSeconds = DEFAULT_SESSION_SECONDS,
  validateWrite = defaultValidateWrite,
  signIn = {},
  log = console.log,
  logError = console.error,
  onWrite = () => {},
  admission,
  signup = {},
  customerAccess = {},
  submissionLimits = SUBMISSION_LIMITS,
  sms = null,
  phoneCodes: phoneCodeOptions = {},
} = {}) {
  /** @type {import('./store.mjs').Store} */
  let store;
  /** @type {import('express').RequestHandler} */
  let dbHandler;
  /** @type {{ name: string, created: boolean, updated: boolean, generatedPassword?: string } | null} */
  let admin = null;
  let upstreamBase;
  let description;
  /** embedded mode: the PouchDB constructor, for the in-process router */
  let PouchDB;
  /** @type {import('./openDatabases.mjs').OpenDatabases | undefined} */
  let embeddedOpen;

  if (couchUrl) {
    const parsed = parseCouchUrl(couchUrl);
    if (!parsed.authorization) throw new Error('COUCHDB_URL needs the admin credentials: http://admin:password@host:5984');
    const remote = createRemoteStore({ url: couchUrl, mode: 'proxy', personalShards, dbPrefix, securityTtlMs });
    store = remote;
    const sessionCache = cacheSessions(store);
    dbHandler = createProxy({ couchUrl, dbPrefix, onAccountsWritten: sessionCache.forget, onSecurityWritten: remote.forgetSecurity });
    upstreamBase = parsed.base;
    description = `proxy to Apache CouchDB at ${parsed.display}${dbPrefix ? ` (databases named ${dbPrefix}…)` : ''}`;
    const who = await retryWhileUnreachable(() => store.verifyPassword(parsed.user, decodeURIComponent(new URL(couchUrl).password)), log);
    if (!who?.roles.includes('_admin')) throw new Error(`COUCHDB_URL: ${parsed.user} is not a server admin of ${parsed.display} (or the password is wrong)`);
  } else {
    const embedded = await createEmbedded({ dataDir, adapter, sessionSeconds, openDatabases });
    store = embedded.store;
    dbHandler = embedded.handler;
    admin = await embedded.ensureAdmin(adminPassword);
    PouchDB = embedded.PouchDB;
    embeddedOpen = embedded.openDatabases;
    // The cookie check costs pouchdb-auth a database info, a read of the account and an HMAC in
    // JavaScript on every request (issue 22: part of a write's 6–9 ms): cached as in proxy mode,
    // and forgotten whenever an account changes (a new password, roles), so a reset shuts the
    // old cookie out at once, not after 5 s.
    const sessionCache = cacheSessions(store);
    embedded.onUsersChange(() => sessionCache.clear());
    // The changes feed tells of an account written anywhere, but a moment late: a write to _users
    // through /db (the admin CLI's reset-password) also empties the cache once it is answered,
    // before the client can send its next request, as the proxy does (onAccountsWritten).
    const engine = dbHandler;
    dbHandler = (req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD' && /^\/_users(?:[/?]|$)/.test(req.url ?? '')) res.on('finish', () => sessionCache.clear());
      return engine(req, res, next);
    };
    description = `embedded PouchDB Server (${adapter}) in ${path.resolve(dataDir)}`;
  }

  // The residents' design documents are checked after the server listens (main.mjs): setup.upgradeResidents.
  const setupResult = await setup(store, { demo, log, deferResidents: true });
  const sessions = createSessionEnds({ store });
  // From here on, the cookie of an ended session is refused wherever a cookie is read.
  sessions.refuseEndedCookies(store);
  // In the database: shared by every server on it, kept across restarts (an older version's
  // file in the data folder is moved in once).
  const limiter = createSharedSignInLimiter({ store, ...signIn, legacyFile: path.join(dataDir, 'signin-limits.json'), log: logError });
  await limiter.start();
  // The other limits a stranger can meet (sign-ups, one-time codes, staff look-ups) are counted
  // in request-limits, shared the same way (rateLimit.mjs); expired counters swept here.
  const stopSweepingRequestLimits = sweepEvery({ store, dbName: REQUEST_LIMITS_DB, log: logError });
  const requireAdmin = adminOnly({ store, limiter });
  const customers = createCustomerDirectory({ store, log: logError });
  const accessLog = createAccessLog(store);
  const workingSets = createWorkingSets({ store });
  // SMS one-time codes (sign-up, forgotten password), kept in the phone-codes database.
  const phoneCodes = createPhoneCodes({ store, sms, log: logError, ...phoneCodeOptions });
  // Each station's working set is read once in the background now, so the first device to sign
  // in after a start does not wait for a whole season's history to be read (workingSet.mjs).
  void listStations(store)
    .then(async (stations) => {
      for (const station of stations) await workingSets.prime(stationDbName(station.id));
    })
    .catch((err) => logError(`working sets: ${err?.message ?? err}`));

  const db = express.Router();
  db.use(responseHeaders({ upstreamBase, mountPath: '/db', sessionSeconds }));
  db.use(sameOriginOnly);
  const ownership = createOwnership({ store, limits: submissionLimits });
  db.use('/_account', createAccountApi({ store, customers, accessLog, access: customerAccess, workingSets, requestOf: ownership.requestOf }));
  const onStored = (/** @type {string} */ dbName) => {
    onWrite(dbName);
    workingSets.notify(dbName);
  };
  db.use(createGuard({ store, validateWrite, limiter, sessions, log: logError, onWrite: onStored, admission, ownership }));
  db.use(dbHandler);

  const api = express.Router();
  api.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  api.use(sameOriginOnly);
  // "Sign out everywhere" for one account (`npm run admin -- end-sessions --name …`).
  api.post('/sessions/end', requireAdmin, express.json({ limit: '2kb', strict: true }), (req, res, next) => {
    const name = req.body?.name;
    if (typeof name !== 'string' || name === '' || name.length > 200) {
      return sendJson(res, 400, { error: 'bad_request', field: 'name', reason: 'name must be the account name (a non-empty string).' });
    }
    sessions
      .end(name)
      .then((second) => sendJson(res, 200, { ok: true, name, endedAt: new Date(second * 1000).toISOString() }))
      .catch(next);
  });
  api.use(createPhoneVerificationRoutes({ store, codes: phoneCodes, sessions, answerMs: signup.answerMs, log, logError }));
  api.use(createApi({ store, customers, log: logError, signup: { verifyPhone: verifyPhoneByCode(phoneCodes, store), ...signup } }));

  return {
    mode: couchUrl ? 'proxy' : 'embedded',
    description,
    db,
    api,
    store,
    limiter,
    /** Middleware that lets only server admins through (Basic or an admin session): /api/router/health. */
    adminOnly: requireAdmin,
    sessions,
    PouchDB,
    /** embedded mode: the open databases (figures for the benches: stats()) */
    openDatabases: embeddedOpen,
    /** embedded mode: whether the admin was created now, and the generated password to print once */
    admin,
    setup: setupResult,
    async close() {
      limiter.close();
      stopSweepingRequestLimits();
      workingSets.close();
      await store.close();
    },
  };
}

/**
 * Refuses state-changing requests that a browser sent from another origin (defence in depth
 * next to SameSite=Strict cookies; no CORS headers are ever sent).
 * @type {import('express').RequestHandler}
 */
export function sameOriginOnly(req, res, next) {
  if (req.method === 'GET' || req.method === 'HEAD') return next();
  const origin = req.headers.origin;
  if (origin === undefined) return next();
  let host;
  try {
    host = new URL(origin).host;
  } catch {
    host = null;
  }
  if (host && host === req.get('host')) return next();
  sendJson(res, 403, { error: 'forbidden', reason: 'Cross-origin requests are not accepted.', rule: 'same-origin' });
}
