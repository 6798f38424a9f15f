// @ts-check
/**
 * The accounts API, same origin, under /api:
 *   GET  /api/communities  the public list of stations and the communities they serve
 *   POST /api/signup       a resident's account, proven against the customer register and
 *                          answered alike whatever happened (signup.mjs)
 * and, for a signed-in resident, under /db (the session cookie's Path) — createAccountApi:
 *   PUT  /db/_account/profile  the resident changes their phone, contact name and address
 *                              (session cookie only); answers the profile as stored
 *   …/customers, …/customers/reveal, …/register/confirm, …/access-log: staff's access to
 *                              customers, masked, logged and limited (customerAccess.mjs)
 *   GET  /db/_account/staff    staff only: colleagues' logins, display names, roles and stations
 *                              (staffDirectory.mjs)
 *   POST /db/_account/visits/phone  a technician's full view of the phone of their own visit,
 *                              logged (visitPhone.mjs)
 * Answers JSON; errors { error, reason, field?, messageId? } (messageId: see ACCOUNT_MESSAGES in
 * src/db/schema/accounts.ts, for the interface to translate).
 */
import express from 'express';
import * as v from 'valibot';
import { ACCOUNT_MESSAGES, ProfileUpdate, describeAccountIssues } from '../../src/db/schema/accounts.ts';
import { createCustomerAccess } from './customerAccess.mjs';
import { sendJson, toCouchError } from './errors.mjs';
import { OPERATIONS_DB, residentDbName, stationDbName } from './names.mjs';
import { readCookie } from './identity.mjs';
import { userFromCouch } from '../../src/db/schema/roles.ts';
import { createSignup } from './signup.mjs';
import { listStations } from './setup.mjs';
import { staffDirectoryHandler } from './staffDirectory.mjs';
import { deliveriesHandler } from '../notify/deliveries.mjs';
import { photoHandler } from './photoAccess.mjs';
import { visitPhoneHandler } from './visitPhone.mjs';

/** @typedef {import('./store.mjs').Store} Store */
/** @typedef {import('./customerDirectory.mjs').CustomerDirectory} CustomerDirectory */
/** @typedef {ReturnType<typeof import('./workingSet.mjs').createWorkingSets>} WorkingSets */

/**
 * @param {{ store: Store, customers: CustomerDirectory, log?: (msg: string) => void, signup?: import('./signup.mjs').SignupOptions }} options
 * @returns {import('express').Router}
 */
export function createApi({ store, customers, log = console.error, signup = {} }) {
  const api = express.Router();

  api.use((req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  api.get('/communities', async (_req, res, next) => {
    try {
      const stations = await listStations(store);
      sendJson(res, 200, {
        stations: stations.map((s) => ({ id: s.id, name: s.name, communities: s.communities.map((c) => ({ id: c.id, name: c.name })) })),
        communities: stations.flatMap((s) => s.communities.map((c) => ({ id: c.id, name: c.name, station: s.id }))),
      });
    } catch (err) {
      next(err);
    }
  });

  api.post('/signup', ...createSignup({ store, customers, log, ...signup }));

  api.use((_req, res) => sendJson(res, 404, { error: 'not_found', reason: 'No such API.' }));

  /** @type {import('express').ErrorRequestHandler} */
  const onError = (err, req, res, _next) => {
    if (err?.type === 'entity.too.large') return sendJson(res, 413, { error: 'too_large', reason: 'The request is too large.' });
    if (err?.type === 'entity.parse.failed') {
      return sendJson(res, 400, { error: 'bad_request', field: '', reason: ACCOUNT_MESSAGES['signup.body.invalid'], messageId: 'signup.body.invalid' });
    }
    const e = toCouchError(err);
    if (e.status >= 500) log(`[hearthline] /api${req.url}: ${err?.stack ?? err}`);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendJson(res, e.status, e.status >= 500 ? { error: 'internal_error', reason: 'Something went wrong; please try again.' } : e.toJSON());
  };
  api.use(onError);
  return api;
}

/**
 * The signed-in user's own account, mounted at /db/_account before the guard: the session
 * cookie is scoped to /db (Path=/db), so this is where the browser sends it. Staff's access to
 * customers (lookup, full view, in-person confirmation, the access log): customerAccess.mjs;
 * a staff device's working set: workingSet.mjs.
 * A resident's photo of a fault, for the staff of its request: photoAccess.mjs.
 * @param {{ store: Store, customers: CustomerDirectory, accessLog: import('./accessLog.mjs').AccessLog, access?: import('./customerAccess.mjs').CustomerAccessOptions, workingSets: WorkingSets,
 *   requestOf?: (dbName: string, requestId: string) => Promise<import('../../src/rules/requestLinkage.ts').RequestFacts | null> }} options
 * @returns {import('express').Router}
 */
export function createAccountApi({ store, customers, accessLog, access = {}, workingSets, requestOf }) {
  const account = express.Router();
  account.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  account.put('/profile', (req, res, next) => {
    if (!/^application\/json\b/i.test(String(req.headers['content-type'] ?? ''))) {
      return sendJson(res, 415, { error: 'bad_content_type', reason: 'Content-Type must be application/json.' });
    }
    next();
  });
  account.put('/profile', express.json({ limit: '4kb', strict: false }), async (req, res, next) => {
    try {
      // The cookie only: Basic credentials are checked (and rate-limited) by the guard on /db.
      const cookie = readCookie(req.headers.cookie, 'AuthSession');
      const user = cookie ? await store.sessionFromCookie(cookie) : null;
      if (!user?.name) return sendJson(res, 401, { error: 'unauthorized', reason: ACCOUNT_MESSAGES['profile.signedOut'], messageId: 'profile.signedOut' });
      const dbName = residentDbName(user.name);
      const current = user.roles.includes('resident') ? await store.get(dbName, 'profile') : null;
      if (!current) return sendJson(res, 403, { error: 'forbidden', reason: ACCOUNT_MESSAGES['profile.residentsOnly'], messageId: 'profile.residentsOnly' });
      const parsed = v.safeParse(ProfileUpdate, Array.isArray(req.body) ? null : req.body);
      if (!parsed.success) {
        const { field, reason, messageId } = describeAccountIssues(parsed.issues);
        return sendJson(res, 400, { error: 'bad_request', field, reason, messageId });
      }
      const { contactName, address, phone, channels, email } = parsed.output;
      /** @type {Record<string, unknown>} */
      const updated = { ...current, phone };
      // How to be told outside the app (server/notify/notifier.mjs reads them): absent keeps them.
      if (channels !== undefined) updated.channels = [...new Set(channels)];
      // Blank clears: the forms then start empty rather than with a stale name or address.
      for (const [key, value] of Object.entries({ contactName, address, ...(email !== undefined ? { email } : {}) })) {
        if (value) updated[key] = value;
        else delete updated[key];
      }
      const { rev } = await store.put(dbName, updated);
      customers.record(user.name, updated);
      const { _id, _rev, ...profile } = updated;
      sendJson(res, 200, { ok: true, profile, rev });
    } catch (err) {
      next(err);
    }
  });

  account.use(createCustomerAccess({ store, customers, accessLog, ...access }));

  /**
   * Staff only: the working set of the database the user's device replicates (their station's,
   * or operations), for a new device to be usable before the history has arrived
   * (workingSet.mjs). Only documents the user may read anyway: the same database's members.
   */
  account.get('/working-set', async (req, res, next) => {
    try {
      const cookie = readCookie(req.headers.cookie, 'AuthSession');
      const ctx = cookie ? await store.sessionFromCookie(cookie) : null;
      if (!ctx?.name) return sendJson(res, 401, { error: 'unauthorized', reason: 'Sign in first.' });
      const user = userFromCouch(ctx);
      // The committee's devices replicate operations too: their working set is that database's.
      const staff = !user.isAdmin && user.roles.length > 0 && !user.roles.includes('resident');
      if (!staff) return sendJson(res, 403, { error: 'forbidden', reason: 'Only staff have a working set.' });
      const dbName = ctx.roles.includes('operations') ? OPERATIONS_DB : user.station !== undefined ? stationDbName(user.station) : null;
      if (!dbName) return sendJson(res, 403, { error: 'forbidden', reason: 'You belong to no station.' });
      const { seq, requests, docs } = await workingSets.read(dbName);
      sendJson(res, 200, { db: dbName, seq, requests, docs });
    } catch (err) {
      next(err);
    }
  });

  account.get('/staff', staffDirectoryHandler({ store }));
  // How the messages about a request fared (staff): server/notify/deliveries.mjs
  account.get('/deliveries', deliveriesHandler({ store }));
  if (requestOf) account.get('/photos/:id', photoHandler({ store, accessLog, requestOf }));
  account.post('/visits/phone', express.json({ limit: '1kb', strict: false }), visitPhoneHandler({ store, accessLog, workingSets }));

  account.use((_req, res) => sendJson(res, 404, { error: 'not_found', reason: 'No such account API.' }));
  /** @type {import('express').ErrorRequestHandler} */
  const onError = (err, _req, res, _next) => {
    if (err?.type === 'entity.too.large') return sendJson(res, 413, { error: 'too_large', reason: 'The request is too large.' });
    if (err?.type === 'entity.parse.failed') return sendJson(res, 400, { error: 'bad_request', field: '', reason: ACCOUNT_MESSAGES['signup.body.invalid'], messageId: 'signup.body.invalid' });
    const e = toCouchError(err);
    if (e.status >= 500) console.error(`[hearthline] /db/_account: ${err?.stack ?? err}`);
    sendJson(res, e.status, e.status >= 500 ? { error: 'internal_error', reason: 'Something went wrong; please try again.' } : e.toJSON());
  };
  account.use(onError);
  return account;
}
