// @ts-check
/**
 * POST /api/signup: a resident's account, created only when the account number is proven
 * against the utility's customer register (src/rules/accountProof.ts), and answered the same way
 * whether it was created, existed already, or could not be proven (issue 17, finding 6).
 *
 *   1. the body is checked (SignupInput): a malformed field is 400 at its field — that says
 *      nothing about any account;
 *   2. attempts that created nothing are limited per client address and per account number
 *      (429 with Retry-After, counted whether or not the account exists);
 *   3. `verifyPhone`: with SMS configured, the one-time code sent to the phone (POST
 *      /api/signup/code, phoneVerification.mjs) must be typed back; it is asked for every
 *      well-formed sign-up, before the register, so its refusal (a wrong code, shown at the
 *      field; a lock) is the same whether or not the account exists (a code is only ever sent
 *      to a phone on file). Without SMS it says yes and the register alone proves the phone;
 *   3b. the proof: the phone is on file in the register (or confirmed in person at a hall) and
 *      the account is open;
 *   4. when proven and free: the _users document (the claim), the resident database, its
 *      _security and the profile (station and community from the register);
 *   5. every one of these ends in the same 202 answer, never sooner than `answerMs` after the
 *      request arrived, so neither the body nor the time tells which path was taken. The device
 *      then signs in with the password just chosen: that works only for the account it created
 *      (or the resident's own, if they had one with this password).
 */
import express from 'express';
import * as v from 'valibot';
import { ACCOUNT_MESSAGES, SignupInput, describeAccountIssues } from '../../src/db/schema/accounts.ts';
import { proveAccount } from '../../src/rules/accountProof.ts';
import { registerFacts } from './customerRegister.mjs';
import { couchRolesFor } from './domain.mjs';
import { CouchError, sendJson, toCouchError } from './errors.mjs';
import { residentDbName, residentUserName, userDocId } from './names.mjs';
import { createSharedRateLimit } from './rateLimit.mjs';
import { ensureDesignDoc, listStations, residentSecurity } from './setup.mjs';

/** @typedef {import('./store.mjs').Store} Store */
/** @typedef {import('./customerDirectory.mjs').CustomerDirectory} CustomerDirectory */
/**
 * The second factor beside the register's phone, asked for every well-formed sign-up before the
 * register is read: true when the person proved they hold `phone`; false when not (the one
 * answer follows); or a refusal shown at its field (a wrong or missing code, a lock), which must
 * not depend on whether the account exists. Without SMS: always true (phoneVerification.mjs).
 * @typedef {{ status: number, field: string, messageId: import('../../src/db/schema/accounts.ts').AccountMessageId, retryAfter?: number }} PhoneRefusal
 * @typedef {(attempt: { accountNumber: string, phone: string, input: Record<string, unknown>, peer: string }) => Promise<boolean | PhoneRefusal>} VerifyPhone
 */

/**
 * @typedef {object} SignupOptions
 * @property {number} [answerMs] no answer sooner than this after the request (default 1000)
 * @property {number} [maxPerAddress] attempts that created nothing, per client address and hour (default 10)
 * @property {number} [maxPerAccount] attempts that created nothing, per account number and hour (default 5)
 * @property {VerifyPhone} [verifyPhone]
 */

/** The one answer to every well-formed sign-up. */
export const SIGNUP_RECEIVED = Object.freeze({ ok: true, messageId: 'signup.received', reason: ACCOUNT_MESSAGES['signup.received'] });

const HOUR = 3_600_000;

/**
 * @param {{ store: Store, customers: CustomerDirectory, log?: (msg: string) => void } & SignupOptions} options
 * @returns {import('express').RequestHandler[]}
 */
export function createSignup({ store, customers, log = console.error, answerMs = 1000, maxPerAddress = 10, maxPerAccount = 5, verifyPhone = async () => true }) {
  const byAddress = createSharedRateLimit({ store, scope: 'signup-address', limit: maxPerAddress, windowMs: HOUR });
  const byAccount = createSharedRateLimit({ store, scope: 'signup-account', limit: maxPerAccount, windowMs: HOUR });

  /** @type {import('express').RequestHandler} */
  const contentType = (req, res, next) => {
    if (!/^application\/json\b/i.test(String(req.headers['content-type'] ?? ''))) {
      return sendJson(res, 415, { error: 'bad_content_type', reason: 'Content-Type must be application/json.' });
    }
    next();
  };

  /**
   * Creates the account; false when it exists already (or its database does).
   * @param {import('../../src/db/schema/accounts.ts').SignupInput} input
   * @param {{ station: string, community: string }} where
   */
  const create = async (input, where) => {
    const name = residentUserName(input.accountNumber);
    const dbName = residentDbName(name);
    // The _users document is the claim: a second sign-up for the same account stops here.
    let userRev;
    try {
      userRev = (await store.put('_users', { _id: userDocId(name), name, type: 'user', roles: couchRolesFor({ role: 'resident' }), password: input.password })).rev;
    } catch (err) {
      if (toCouchError(err).status === 409) return false;
      throw err;
    }
    let createdDb = false;
    try {
      // A database left from an earlier account is never handed to a new one.
      if (await store.dbExists(dbName)) throw new CouchError(409, 'conflict', 'resident database exists');
      await store.createDb(dbName);
      createdDb = true;
      await store.putSecurity(dbName, residentSecurity(name));
      // Its validate_doc_update, so a client that reaches the database directly is refused too.
      await ensureDesignDoc(store, dbName);
      const profile = {
        _id: 'profile',
        docType: 'profile',
        accountNumber: input.accountNumber,
        phone: input.phone,
        community: where.community,
        station: where.station,
        consentedAt: new Date().toISOString(),
        noticeVersion: input.noticeVersion,
      };
      await store.put(dbName, profile);
      customers.record(name, profile);
      return true;
    } catch (err) {
      // Undo the claim so the resident can try again.
      await store.put('_users', { _id: userDocId(name), _rev: userRev, _deleted: true }).catch((e) => log(`[hearthline] signup rollback of ${name}: ${e.message}`));
      if (createdDb) await store.deleteDb(dbName).catch((e) => log(`[hearthline] signup rollback of ${dbName}: ${e.message}`));
      if (toCouchError(err).status === 409) return false;
      throw err;
    }
  };

  /** @type {import('express').RequestHandler} */
  const signup = async (req, res, next) => {
    const started = Date.now();
    try {
      // (valibot's object schema takes arrays for objects)
      const parsed = v.safeParse(SignupInput, Array.isArray(req.body) ? null : req.body);
      if (!parsed.success) {
        const { field, reason, messageId } = describeAccountIssues(parsed.issues);
        return sendJson(res, 400, { error: 'bad_request', field, reason, messageId });
      }
      const input = parsed.output;
      const stations = await listStations(store);
      if (!stations.some((s) => s.communities.some((c) => c.id === input.community))) {
        return sendJson(res, 400, { error: 'bad_request', field: 'community', reason: ACCOUNT_MESSAGES['signup.community.unknown'], messageId: 'signup.community.unknown' });
      }
      const addressKey = String(req.ip ?? req.socket.remoteAddress ?? '');
      const wait = Math.max(...(await Promise.all([byAddress.retryAfter(addressKey), byAccount.retryAfter(input.accountNumber)])));
      if (wait > 0) {
        res.setHeader('Retry-After', String(wait));
        return sendJson(res, 429, { error: 'too_many_requests', reason: ACCOUNT_MESSAGES['signup.tooMany'], messageId: 'signup.tooMany' });
      }

      let created = false;
      const phoneProof = await verifyPhone({ accountNumber: input.accountNumber, phone: input.phone, input: req.body, peer: addressKey });
      if (typeof phoneProof === 'object') {
        const rest = answerMs - (Date.now() - started);
        if (rest > 0) await new Promise((r) => setTimeout(r, rest));
        if (phoneProof.retryAfter) res.setHeader('Retry-After', String(phoneProof.retryAfter));
        const { status, field, messageId } = phoneProof;
        return sendJson(res, status, { error: status === 429 ? 'too_many_requests' : 'bad_request', field, reason: ACCOUNT_MESSAGES[messageId], messageId });
      }
      const proof = proveAccount(
        await registerFacts(store, input.accountNumber),
        input,
        (id) => stations.find((s) => s.id === id)?.communities.map((c) => c.id) ?? [],
        new Date(),
      );
      if (proof.proven && phoneProof) {
        created = await create(input, proof);
      }
      if (!created) {
        await Promise.all([byAddress.hit(addressKey), byAccount.hit(input.accountNumber)]);
      }
      const rest = answerMs - (Date.now() - started);
      if (rest > 0) await new Promise((r) => setTimeout(r, rest));
      sendJson(res, 202, SIGNUP_RECEIVED);
    } catch (err) {
      next(err);
    }
  };

  return [contentType, express.json({ limit: '8kb', strict: false }), signup];
}
