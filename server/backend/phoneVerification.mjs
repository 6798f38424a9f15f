// @ts-check
/**
 * Verified phones (issue 19, item 6): the routes that send and check SMS one-time codes, and the
 * sign-up's `verifyPhone` hook. Codes themselves: phoneCodes.mjs.
 *
 *   GET  /api/phone-verification    { available, digits, ttlMinutes }: whether codes are sent
 *                                   here (the forms show the code field only then)
 *   POST /api/signup/code           { accountNumber, phone } → a code to that phone when the
 *                                   register has it for the account (open)
 *   POST /api/password-reset/code   { accountNumber, phone } → a code when the account exists and
 *                                   the phone is the one a code proved for it (else, for an
 *                                   account never proven by code, a phone on file in the register)
 *   POST /api/password-reset        { accountNumber, phone, code, password } → the new password,
 *                                   every session of the account ended
 *
 * Every send answers `202 phoneCode.sent` (or 429 wait/locked) whether or not a text went out,
 * never sooner than `answerMs`; a check answers the same for an account that does not exist as
 * for a wrong code. With no SMS configured the three POSTs answer 503 (`phoneCode.unavailable`,
 * `passwordReset.unavailable`) and sign-up proves the phone against the register alone.
 */
import express from 'express';
import * as v from 'valibot';
import { ACCOUNT_MESSAGES, PasswordResetInput, PhoneCode, PhoneCodeRequest, describeAccountIssues } from '../../src/db/schema/accounts.ts';
import { phoneOnFile } from '../../src/rules/accountProof.ts';
import { registerFacts } from './customerRegister.mjs';
import { sendJson } from './errors.mjs';
import { residentUserName, userDocId } from './names.mjs';
import { verifiedPhone } from './phoneCodes.mjs';
import { resetPassword } from './setup.mjs';

/** @typedef {import('./store.mjs').Store} Store */
/** @typedef {import('./phoneCodes.mjs').PhoneCodes} PhoneCodes */
/** @typedef {import('../../src/db/schema/accounts.ts').AccountMessageId} AccountMessageId */

/** @param {import('express').Request} req */
const peerOf = (req) => String(req.ip ?? req.socket.remoteAddress ?? '');

/**
 * @param {import('express').Response} res
 * @param {number} status
 * @param {AccountMessageId} messageId
 * @param {{ field?: string, retryAfter?: number }} [extra]
 */
function answer(res, status, messageId, { field, retryAfter } = {}) {
  if (retryAfter) res.setHeader('Retry-After', String(retryAfter));
  const error = status === 429 ? 'too_many_requests' : status === 503 ? 'unavailable' : status >= 400 ? 'bad_request' : undefined;
  sendJson(res, status, { ...(error ? { error } : { ok: true }), ...(field !== undefined ? { field } : {}), reason: ACCOUNT_MESSAGES[messageId], messageId });
}

/**
 * A check's verdict as an answer: wrong at the code's field, a lock or a peer's limit as 429.
 * @param {import('./phoneCodes.mjs').CheckVerdict} verdict
 * @param {string} field
 * @returns {import('./signup.mjs').PhoneRefusal | null}
 */
function refusalOf(verdict, field) {
  if (verdict.ok) return null;
  if (verdict.reason === 'wrong') return { status: 400, field, messageId: 'phoneCode.wrong' };
  return { status: 429, field, messageId: 'phoneCode.locked', retryAfter: verdict.retryAfter };
}

/**
 * The sign-up's phone check: with codes available, the code typed must be the one sent. The
 * phone becomes the account's verified one (where reset codes go) only for an account not yet
 * there: a sign-up attempt on an existing account, even with a phone on file, does not move it.
 * @param {PhoneCodes} codes
 * @param {Store} store
 * @returns {import('./signup.mjs').VerifyPhone}
 */
export function verifyPhoneByCode(codes, store) {
  return async ({ accountNumber, phone, input, peer }) => {
    if (!codes.available) return true;
    const parsed = v.safeParse(PhoneCode, input.phoneCode);
    if (input.phoneCode === undefined || input.phoneCode === '') return { status: 400, field: 'phoneCode', messageId: 'phoneCode.required' };
    if (!parsed.success) return { status: 400, field: 'phoneCode', messageId: 'phoneCode.format' };
    const verdict = await codes.check({ purpose: 'signup', accountNumber, phone, code: parsed.output, peer });
    const refusal = refusalOf(verdict, 'phoneCode');
    if (refusal) return refusal;
    if (!(await store.get('_users', userDocId(residentUserName(accountNumber))))) await codes.recordVerified(accountNumber, phone);
    return true;
  };
}

/**
 * @param {{ store: Store, codes: PhoneCodes, sessions: { end(name: string): Promise<number> }, answerMs?: number, log?: (msg: string) => void, logError?: (msg: string) => void }} options
 * @returns {import('express').Router}
 */
export function createPhoneVerificationRoutes({ store, codes, sessions, answerMs = 1000, log = console.log, logError = console.error }) {
  const router = express.Router();
  /** @type {import('express').RequestHandler} */
  const json = (req, res, next) => {
    if (!/^application\/json\b/i.test(String(req.headers['content-type'] ?? ''))) {
      return sendJson(res, 415, { error: 'bad_content_type', reason: 'Content-Type must be application/json.' });
    }
    express.json({ limit: '4kb', strict: false })(req, res, next);
  };
  /** No answer sooner than answerMs after the request, whatever path it took. @param {number} started */
  const floor = async (started) => {
    const rest = answerMs - (Date.now() - started);
    if (rest > 0) await new Promise((r) => setTimeout(r, rest));
  };

  router.get('/phone-verification', (_req, res) => {
    sendJson(res, 200, { available: codes.available, digits: 6, ttlMinutes: codes.ttlMinutes });
  });

  /**
   * @param {'signup' | 'reset'} purpose
   * @param {(input: import('../../src/db/schema/accounts.ts').PhoneCodeRequest) => Promise<boolean>} mayReceive
   * @returns {import('express').RequestHandler}
   */
  const sendCode = (purpose, mayReceive) => async (req, res, next) => {
    const started = Date.now();
    try {
      if (!codes.available) return answer(res, 503, purpose === 'reset' ? 'passwordReset.unavailable' : 'phoneCode.unavailable');
      const parsed = v.safeParse(PhoneCodeRequest, Array.isArray(req.body) ? null : req.body);
      if (!parsed.success) {
        const { field, reason, messageId } = describeAccountIssues(parsed.issues);
        return sendJson(res, 400, { error: 'bad_request', field, reason, messageId });
      }
      const input = parsed.output;
      const verdict = await codes.request({ purpose, accountNumber: input.accountNumber, phone: input.phone, peer: peerOf(req), mayReceive: () => mayReceive(input) });
      await floor(started);
      if (verdict.sent) return answer(res, 202, 'phoneCode.sent');
      answer(res, 429, verdict.reason === 'locked' ? 'phoneCode.locked' : 'phoneCode.wait', { field: 'phone', retryAfter: verdict.retryAfter });
    } catch (err) {
      next(err);
    }
  };

  router.post(
    '/signup/code',
    json,
    sendCode('signup', async ({ accountNumber, phone }) => phoneOnFile(await registerFacts(store, accountNumber), phone, new Date())),
  );

  router.post(
    '/password-reset/code',
    json,
    sendCode('reset', async ({ accountNumber, phone }) => {
      if (!(await store.get('_users', userDocId(residentUserName(accountNumber))))) return false;
      const proven = await verifiedPhone(store, accountNumber);
      if (proven !== null) return proven === phone;
      return phoneOnFile(await registerFacts(store, accountNumber), phone, new Date());
    }),
  );

  router.post('/password-reset', json, async (req, res, next) => {
    const started = Date.now();
    try {
      if (!codes.available) return answer(res, 503, 'passwordReset.unavailable');
      const parsed = v.safeParse(PasswordResetInput, Array.isArray(req.body) ? null : req.body);
      if (!parsed.success) {
        const { field, reason, messageId } = describeAccountIssues(parsed.issues);
        return sendJson(res, 400, { error: 'bad_request', field, reason, messageId });
      }
      const { accountNumber, phone, code, password } = parsed.output;
      const verdict = await codes.check({ purpose: 'reset', accountNumber, phone, code, peer: peerOf(req) });
      const refusal = refusalOf(verdict, 'code');
      if (refusal) {
        await floor(started);
        return answer(res, refusal.status, refusal.messageId, { field: refusal.field, retryAfter: refusal.retryAfter });
      }
      // A right code was only ever sent to an existing account's proven phone.
      const name = residentUserName(accountNumber);
      await resetPassword(store, { name, password });
      // Whoever held the old password (or a stolen session) is signed out everywhere.
      await sessions.end(name);
      await codes.recordVerified(accountNumber, phone);
      log(`[hearthline] password of ${name} reset by SMS code`);
      await floor(started);
      answer(res, 200, 'passwordReset.done');
    } catch (err) {
      next(err);
    }
  });

  /** @type {import('express').ErrorRequestHandler} */
  const onError = (err, req, res, _next) => {
    if (err?.type === 'entity.too.large') return sendJson(res, 413, { error: 'too_large', reason: 'The request is too large.' });
    if (err?.type === 'entity.parse.failed') return answer(res, 400, 'signup.body.invalid', { field: '' });
    logError(`[hearthline] /api${req.url}: ${err?.stack ?? err}`);
    if (res.headersSent) return void res.destroy();
    sendJson(res, 500, { error: 'internal_error', reason: 'Something went wrong; please try again.' });
  };
  router.use(onError);
  return router;
}
