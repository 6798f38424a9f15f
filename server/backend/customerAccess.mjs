// @ts-check
/**
 * Staff access to customers' personal data, under /db/_account (the session cookie's path):
 *
 *   GET  /customers?q=…        find a customer: phones masked; the role decides the scope
 *                              (src/rules/customerPrivacy.ts: hotline, complaint handlers and
 *                              managers one person by a whole number, any station; dispatchers
 *                              and station heads part of a number, their station; technicians,
 *                              the committee and residents nobody)
 *   POST /customers/reveal     one customer's phone in full, with the purpose (and a note)
 *   POST /register/confirm     a hall clerk confirms in person that the resident holds the
 *                              account and this phone (bill or contract and ID seen), so they
 *                              can sign up with it
 *   GET  /access-log           managers: who looked up whom, and why a phone was shown
 *
 * Every lookup, full view, confirmation and refused attempt is written to the access log before
 * the answer; lookups and full views are limited per member of staff and hour (refused ones
 * count too; reaching the limit is logged once per blocked stretch, so nobody floods the log).
 */
import express from 'express';
import * as v from 'valibot';
import { ACCOUNT_MESSAGES, describeAccountIssues } from '../../src/db/schema/accounts.ts';
import { RevealInput } from '../../src/db/schema/customerAccess.ts';
import { ConfirmInPersonInput } from '../../src/db/schema/customerRegister.ts';
import { userFromCouch } from '../../src/db/schema/roles.ts';
import {
  customerLookupScope,
  inLookupScope,
  lookupQueryAllowed,
  maskPhone,
  matchesWhole,
  mayConfirmInPerson,
  mayReadAccessLog,
} from '../../src/rules/customerPrivacy.ts';
import { confirmInPerson, registerFacts } from './customerRegister.mjs';
import { sendJson } from './errors.mjs';
import { readCookie } from './identity.mjs';
import { createSharedRateLimit } from './rateLimit.mjs';

/** @typedef {import('./store.mjs').Store} Store */
/** @typedef {import('./customerDirectory.mjs').CustomerDirectory} CustomerDirectory */
/** @typedef {import('./accessLog.mjs').AccessLog} AccessLog */

/** The most residents one lookup answers with: a lookup finds a person, it does not list the archive. */
const MAX_CUSTOMERS = 20;
const HOUR = 3_600_000;

/**
 * @typedef {object} CustomerAccessOptions
 * @property {number} [lookupsPerHour] per member of staff (default 120: a busy hotline seat takes a call every minute or two)
 * @property {number} [revealsPerHour] per member of staff (default 40)
 */

/**
 * @param {{ store: Store, customers: CustomerDirectory, accessLog: AccessLog } & CustomerAccessOptions} options
 */
export function createCustomerAccess({ store, customers, accessLog, lookupsPerHour = 120, revealsPerHour = 40 }) {
  const router = express.Router();
  const lookups = createSharedRateLimit({ store, scope: 'lookups', limit: lookupsPerHour, windowMs: HOUR });
  const reveals = createSharedRateLimit({ store, scope: 'reveals', limit: revealsPerHour, windowMs: HOUR });

  /** The signed-in member of staff (session cookie only), or an answer sent. */
  const staffOf = async (/** @type {import('express').Request} */ req, /** @type {import('express').Response} */ res) => {
    const cookie = readCookie(req.headers.cookie, 'AuthSession');
    const ctx = cookie ? await store.sessionFromCookie(cookie) : null;
    if (!ctx?.name) {
      sendJson(res, 401, { error: 'unauthorized', reason: 'Sign in first.' });
      return null;
    }
    const user = userFromCouch(ctx);
    const actor = { name: ctx.name, role: user.isAdmin ? 'admin' : (user.roles[0] ?? 'none'), ...(user.station !== undefined ? { station: user.station } : {}) };
    return { user, actor };
  };

  /** name → until when its hitting the limit is already in the log: once per blocked stretch, not per attempt */
  /** @type {Map<string, number>} */
  const limitLogged = new Map();
  /** @param {string} name @param {number} wait seconds */
  const firstLimitRefusal = (name, wait) => {
    const now = Date.now();
    if ((limitLogged.get(name) ?? 0) > now) return false;
    if (limitLogged.size > 10_000) limitLogged.clear();
    limitLogged.set(name, now + wait * 1000);
    return true;
  };

  /** @param {import('express').Response} res @param {number} wait */
  const tooMany = (res, wait) => {
    res.setHeader('Retry-After', String(wait));
    sendJson(res, 429, { error: 'too_many_requests', reason: 'Too many customer lookups in the last hour; try again later.' });
  };

  router.get('/customers', async (req, res, next) => {
    try {
      const who = await staffOf(req, res);
      if (!who) return;
      const scope = customerLookupScope(who.user);
      const q = String(req.query.q ?? '').replace(/\s+/g, '').slice(0, 40);
      if (scope.kind === 'none') {
        // Refused attempts count against the limit too, so they cannot flood the log.
        const waitRefused = await lookups.retryAfter(who.actor.name);
        if (waitRefused > 0) return tooMany(res, waitRefused);
        await lookups.hit(who.actor.name);
        if (!who.user.roles.includes('resident')) await accessLog.record({ action: 'lookup-refused', actor: who.actor, query: q, accounts: [], refused: 'role' });
        return sendJson(res, 403, { error: 'forbidden', reason: 'Your role does not look customers up.' });
      }
      if (!lookupQueryAllowed(scope, q)) {
        return sendJson(res, 400, {
          error: 'bad_request',
          field: 'q',
          reason: scope.kind === 'all' ? 'Give a whole account number (8 to 12 digits) or a whole mobile number.' : 'Give 4 to 12 digits of an account number or a phone number.',
        });
      }
      const wait = await lookups.retryAfter(who.actor.name);
      if (wait > 0) {
        if (firstLimitRefusal(`lookup:${who.actor.name}`, wait)) await accessLog.record({ action: 'lookup-refused', actor: who.actor, query: q, accounts: [], refused: 'limit' });
        return tooMany(res, wait);
      }
      await lookups.hit(who.actor.name);
      const found = await customers.find(q, {
        ...(scope.kind === 'station' ? { station: scope.station } : {}),
        exact: matchesWhole(scope),
        limit: MAX_CUSTOMERS,
      });
      await accessLog.record({ action: 'lookup', actor: who.actor, query: q, accounts: found.map((c) => c.accountNumber) });
      sendJson(res, 200, {
        customers: found.map((c) => ({ accountNumber: c.accountNumber, phoneMasked: maskPhone(c.phone), community: c.community, station: c.station })),
      });
    } catch (err) {
      next(err);
    }
  });

  /** @param {import('express').Request} req @param {import('express').Response} res */
  const json = (req, res) => {
    if (!/^application\/json\b/i.test(String(req.headers['content-type'] ?? ''))) {
      sendJson(res, 415, { error: 'bad_content_type', reason: 'Content-Type must be application/json.' });
      return false;
    }
    return true;
  };
  const body = express.json({ limit: '4kb', strict: false });

  router.post('/customers/reveal', (req, res, next) => (json(req, res) ? next() : undefined), body, async (req, res, next) => {
    try {
      const who = await staffOf(req, res);
      if (!who) return;
      const scope = customerLookupScope(who.user);
      const parsed = v.safeParse(RevealInput, Array.isArray(req.body) ? null : req.body);
      if (scope.kind === 'none') {
        const waitRefused = await reveals.retryAfter(who.actor.name);
        if (waitRefused > 0) return tooMany(res, waitRefused);
        await reveals.hit(who.actor.name);
        if (!who.user.roles.includes('resident')) await accessLog.record({ action: 'reveal-refused', actor: who.actor, accounts: parsed.success ? [parsed.output.accountNumber] : [], refused: 'role' });
        return sendJson(res, 403, { error: 'forbidden', reason: 'Your role does not look customers up.' });
      }
      if (!parsed.success) {
        const issue = parsed.issues[0];
        const field = (issue.path ?? []).map((p) => String(p.key)).join('.');
        const messageId = issue.message in ACCOUNT_MESSAGES ? /** @type {keyof typeof ACCOUNT_MESSAGES} */ (issue.message) : 'reveal.purpose.missing';
        return sendJson(res, 400, { error: 'bad_request', field: field || 'purpose', reason: ACCOUNT_MESSAGES[messageId], messageId });
      }
      const { accountNumber, purpose, note } = parsed.output;
      const wait = await reveals.retryAfter(who.actor.name);
      if (wait > 0) {
        if (firstLimitRefusal(`reveal:${who.actor.name}`, wait)) await accessLog.record({ action: 'reveal-refused', actor: who.actor, accounts: [accountNumber], purpose, refused: 'limit' });
        return tooMany(res, wait);
      }
      await reveals.hit(who.actor.name);
      const [customer] = await customers.find(accountNumber, { ...(scope.kind === 'station' ? { station: scope.station } : {}), exact: true, accountOnly: true, limit: 1 });
      if (!customer || !inLookupScope(scope, customer.station)) {
        await accessLog.record({ action: 'reveal-refused', actor: who.actor, accounts: [accountNumber], purpose, ...(note ? { note } : {}), refused: 'not-found' });
        return sendJson(res, 404, { error: 'not_found', reason: 'No customer with this account number that you may see.' });
      }
      await accessLog.record({ action: 'reveal', actor: who.actor, accounts: [accountNumber], purpose, ...(note ? { note } : {}) });
      sendJson(res, 200, { customer: { accountNumber: customer.accountNumber, phone: customer.phone, community: customer.community, station: customer.station } });
    } catch (err) {
      next(err);
    }
  });

  router.post('/register/confirm', (req, res, next) => (json(req, res) ? next() : undefined), body, async (req, res, next) => {
    try {
      const who = await staffOf(req, res);
      if (!who) return;
      if (!mayConfirmInPerson(who.user)) return sendJson(res, 403, { error: 'forbidden', reason: 'Your role does not confirm residents at a hall.' });
      const parsed = v.safeParse(ConfirmInPersonInput, Array.isArray(req.body) ? null : req.body);
      if (!parsed.success) {
        const issue = parsed.issues[0];
        const described = describeAccountIssues(parsed.issues);
        const field = (issue.path ?? []).map((p) => String(p.key)).join('.') || described.field;
        const messageId = issue.message in ACCOUNT_MESSAGES ? /** @type {keyof typeof ACCOUNT_MESSAGES} */ (issue.message) : field === 'evidence' ? 'register.evidence.missing' : described.messageId;
        return sendJson(res, 400, { error: 'bad_request', field: field || 'evidence', reason: ACCOUNT_MESSAGES[messageId], messageId });
      }
      const { accountNumber, phone, evidence } = parsed.output;
      const { entry } = await registerFacts(store, accountNumber);
      // Station staff confirm their own station's accounts; an account the register does not
      // hold is added by the utility's next import, not at a desk.
      if (!entry || (who.user.station !== undefined && entry.station !== who.user.station)) {
        return sendJson(res, 404, { error: 'not_found', field: 'accountNumber', reason: ACCOUNT_MESSAGES['register.account.unknown'], messageId: 'register.account.unknown' });
      }
      if (!entry.active) return sendJson(res, 409, { error: 'conflict', field: 'accountNumber', reason: ACCOUNT_MESSAGES['register.account.closed'], messageId: 'register.account.closed' });
      const doc = await confirmInPerson(store, { accountNumber, phone, evidence, by: who.actor });
      await accessLog.record({ action: 'confirm', actor: who.actor, accounts: [accountNumber], note: evidence });
      sendJson(res, 201, { ok: true, accountNumber, phoneMasked: maskPhone(phone), validUntil: doc.validUntil });
    } catch (err) {
      next(err);
    }
  });

  router.get('/access-log', async (req, res, next) => {
    try {
      const who = await staffOf(req, res);
      if (!who) return;
      if (!mayReadAccessLog(who.user)) return sendJson(res, 403, { error: 'forbidden', reason: 'Only managers read the access log.' });
      const limit = Math.min(200, Math.max(1, Number.parseInt(String(req.query.limit ?? '50'), 10) || 50));
      const before = typeof req.query.before === 'string' ? req.query.before.slice(0, 100) : undefined;
      sendJson(res, 200, await accessLog.list({ limit, ...(before ? { before } : {}) }));
    } catch (err) {
      next(err);
    }
  });

  return router;
}
