// @ts-check
/**
 * The accounts API, same origin, under /api:
 *   GET  /api/communities  the public list of stations and the communities they serve
 *   POST /api/signup       a resident's account: _users document r-<accountNumber>, the
 *                          resident database (members: that user only) and its profile document
 * and, for a signed-in resident, under /db (the session cookie's Path) — createAccountApi:
 *   PUT  /db/_account/profile  the resident changes their phone, contact name and address
 *                              (session cookie only); answers the profile as stored
 *   GET  /db/_account/customers?q=…  staff only: residents whose account number or phone
 *                              contains q (4 to 12 digits), from the customer directory
 *                              (customerDirectory.mjs, built from their profiles); station staff
 *                              see their own station's residents only, operations staff every one
 *   GET  /db/_account/staff    staff only: colleagues' logins, display names, roles and stations
 *                              (staffDirectory.mjs)
 * Answers JSON; errors { error, reason, field?, messageId? } (messageId: see ACCOUNT_MESSAGES in
 * src/db/schema/accounts.ts, for the interface to translate).
 */
import express from 'express';
import * as v from 'valibot';
import { ACCOUNT_MESSAGES, ProfileUpdate, SignupInput, describeAccountIssues } from '../../src/db/schema/accounts.ts';
import { couchRolesFor } from './domain.mjs';
import { CouchError, sendJson, toCouchError } from './errors.mjs';
import { residentDbName, residentUserName, userDocId } from './names.mjs';
import { readCookie } from './guard.mjs';
import { userFromCouch } from '../../src/db/schema/roles.ts';
import { listStations, residentSecurity } from './setup.mjs';
import { staffDirectoryHandler } from './staffDirectory.mjs';

/** @typedef {import('./store.mjs').Store} Store */
/** @typedef {import('./customerDirectory.mjs').CustomerDirectory} CustomerDirectory */

/**
 * @param {{ store: Store, customers: CustomerDirectory, log?: (msg: string) => void }} options
 * @returns {import('express').Router}
 */
export function createApi({ store, customers, log = console.error }) {
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

  api.post('/signup', (req, res, next) => {
    if (!/^application\/json\b/i.test(String(req.headers['content-type'] ?? ''))) {
      return sendJson(res, 415, { error: 'bad_content_type', reason: 'Content-Type must be application/json.' });
    }
    next();
  });
  api.post('/signup', express.json({ limit: '8kb', strict: false }), async (req, res, next) => {
    try {
      // (valibot's object schema takes arrays for objects)
      const parsed = v.safeParse(SignupInput, Array.isArray(req.body) ? null : req.body);
      if (!parsed.success) {
        const { field, reason, messageId } = describeAccountIssues(parsed.issues);
        return sendJson(res, 400, { error: 'bad_request', field, reason, messageId });
      }
      const input = parsed.output;
      const stations = await listStations(store);
      const station = stations.find((s) => s.communities.some((c) => c.id === input.community));
      if (!station) {
        return sendJson(res, 400, {
          error: 'bad_request',
          field: 'community',
          reason: ACCOUNT_MESSAGES['signup.community.unknown'],
          messageId: 'signup.community.unknown',
        });
      }
      const taken = () =>
        sendJson(res, 409, {
          error: 'conflict',
          field: 'accountNumber',
          reason: ACCOUNT_MESSAGES['signup.accountNumber.taken'],
          messageId: 'signup.accountNumber.taken',
        });

      const name = residentUserName(input.accountNumber);
      const dbName = residentDbName(name);
      // The _users document is the claim: a second sign-up for the same account fails here
      // with a conflict, before it touches the database.
      let userRev;
      try {
        userRev = (
          await store.put('_users', {
            _id: userDocId(name),
            name,
            type: 'user',
            roles: couchRolesFor({ role: 'resident' }),
            password: input.password,
          })
        ).rev;
      } catch (err) {
        if (toCouchError(err).status === 409) return taken();
        throw err;
      }
      let createdDb = false;
      try {
        // A database left from an earlier account is never handed to a new one.
        if (await store.dbExists(dbName)) throw new CouchError(409, 'conflict', 'resident database exists');
        await store.createDb(dbName);
        createdDb = true;
        await store.putSecurity(dbName, residentSecurity(name));
        const profile = {
          _id: 'profile',
          docType: 'profile',
          accountNumber: input.accountNumber,
          phone: input.phone,
          community: input.community,
          station: station.id,
          consentedAt: new Date().toISOString(),
          noticeVersion: input.noticeVersion,
        };
        await store.put(dbName, profile);
        customers.record(name, profile);
      } catch (err) {
        // Undo the claim so the resident can try again.
        await store.put('_users', { _id: userDocId(name), _rev: userRev, _deleted: true }).catch((e) => log(`[hearthline] signup rollback of ${name}: ${e.message}`));
        if (createdDb) await store.deleteDb(dbName).catch((e) => log(`[hearthline] signup rollback of ${dbName}: ${e.message}`));
        if (toCouchError(err).status === 409) return taken();
        throw err;
      }
      sendJson(res, 201, { ok: true, name, db: dbName, station: station.id, community: input.community });
    } catch (err) {
      next(err);
    }
  });

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
 * The signed-in resident's own account, mounted at /db/_account before the guard: the session
 * cookie is scoped to /db (Path=/db), so this is where the browser sends it.
 * @param {{ store: Store, customers: CustomerDirectory }} options
 * @returns {import('express').Router}
 */
export function createAccountApi({ store, customers }) {
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
      const { contactName, address, phone } = parsed.output;
      /** @type {Record<string, unknown>} */
      const updated = { ...current, phone };
      // Blank clears: the forms then start empty rather than with a stale name or address.
      for (const [key, value] of Object.entries({ contactName, address })) {
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

  /** The most residents one lookup answers with: a lookup finds a person, it does not list the archive. */
  const MAX_CUSTOMERS = 20;
  account.get('/customers', async (req, res, next) => {
    try {
      const cookie = readCookie(req.headers.cookie, 'AuthSession');
      const ctx = cookie ? await store.sessionFromCookie(cookie) : null;
      if (!ctx?.name) return sendJson(res, 401, { error: 'unauthorized', reason: 'Sign in first.' });
      const user = userFromCouch(ctx);
      const staff = !user.isAdmin && user.roles.length > 0 && !user.roles.includes('resident') && !user.roles.includes('committee');
      if (!staff) return sendJson(res, 403, { error: 'forbidden', reason: 'Only staff may look up customers.' });
      const operations = ctx.roles.includes('operations');
      if (!operations && user.station === undefined) return sendJson(res, 403, { error: 'forbidden', reason: 'You belong to no station.' });
      const q = String(req.query.q ?? '').replace(/\s+/g, '');
      if (!/^\d{4,12}$/.test(q)) {
        return sendJson(res, 400, { error: 'bad_request', field: 'q', reason: 'Give 4 to 12 digits of an account number or a phone number.' });
      }
      const found = await customers.find(q, { ...(operations ? {} : { station: user.station }), limit: MAX_CUSTOMERS });
      sendJson(res, 200, { customers: found });
    } catch (err) {
      next(err);
    }
  });

  account.get('/staff', staffDirectoryHandler({ store }));

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
