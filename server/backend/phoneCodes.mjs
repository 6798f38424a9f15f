// @ts-check
/**
 * One-time codes sent by SMS (issue 19, item 6): they prove that whoever signs up, or resets a
 * forgotten password, holds the phone on file for the account.
 *
 * What a stranger can reach, and what holds it:
 *   - a code is 6 random digits, valid 10 minutes, used once; only its scrypt hash (salted) is
 *     stored, so a copy of the database does not give the codes in it away;
 *   - at most 5 wrong tries per account and purpose, then a lock (15 minutes) in which no code is
 *     checked, not even the right one (a guess that hit the lock learns nothing) and no new one is
 *     sent; the count and the lock are kept whether or not a code was ever sent, so an account
 *     that does not exist locks alike and the answers cannot tell them apart;
 *   - wrong codes per peer (client address) and hour are limited too, against one peer trying a
 *     few codes on many accounts;
 *   - sends: one a minute and 5 an hour per phone (against text-bombing a number and the
 *     provider's own flow control), 20 an hour per peer; counted for every request, sent or not;
 *   - whether a code is sent (the account and phone match the register, or the account's
 *     verified phone) is decided by the caller and never shown: the answer and its time are the
 *     same, and the text goes out in the background.
 * Where: the `phone-codes` database (admin-only, created by setup), so a restart or a second
 * server process sees the same codes, counts and locks; writes carry their revision and are
 * redone on a conflict, so parallel guesses cannot each read "0 failures". The per-peer counts
 * are in `request-limits` (rateLimit.mjs), shared the same way.
 */
import { randomBytes, randomInt, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { PHONE_CODES_DB } from '../../src/db/databaseNames.ts';
import { CouchError } from './errors.mjs';
import { createSharedRateLimit } from './rateLimit.mjs';

const scrypt = /** @type {(password: string, salt: Buffer, keylen: number) => Promise<Buffer>} */ (promisify(scryptCb));

/** @typedef {import('./store.mjs').Store} Store */
/** @typedef {'signup' | 'reset'} CodePurpose */
/**
 * @typedef {{ ok: true } | { ok: false, reason: 'wrong' } | { ok: false, reason: 'locked', retryAfter: number } | { ok: false, reason: 'tooMany', retryAfter: number }} CheckVerdict
 * @typedef {{ sent: true } | { sent: false, reason: 'wait' | 'locked', retryAfter: number }} RequestVerdict
 */

/**
 * @typedef {object} PhoneCodeOptions
 * @property {number} [ttlMs] how long a code is valid (default 10 minutes)
 * @property {number} [maxFailures] wrong tries before the lock (default 5)
 * @property {number} [lockMs] how long the lock lasts (default 15 minutes)
 * @property {number} [sendIntervalMs] least time between two sends to one phone (default 60 s)
 * @property {number} [sendsPerPhonePerHour] default 5
 * @property {number} [sendsPerPeerPerHour] default 20
 * @property {number} [failuresPerPeerPerHour] default 30
 */

const HOUR = 3_600_000;
const CODE_DIGITS = 6;

/** The SMS kind of a one-time code (the utility maps it to its registered template: HEARTHLINE_SMS_TEMPLATES otp=…). */
export const OTP_KIND = 'otp';

/** @param {string} code @param {number} minutes */
export function otpText(code, minutes) {
  return `您的验证码为${code}，${minutes}分钟内有效。请勿告诉他人，工作人员不会向您索要验证码。`;
}

/** @param {CodePurpose} purpose @param {string} accountNumber */
const codeId = (purpose, accountNumber) => `code:${purpose}:${accountNumber}`;
/** @param {string} phone */
const sendsId = (phone) => `sends:${phone}`;
/** @param {string} accountNumber */
const verifiedId = (accountNumber) => `verified:${accountNumber}`;

/**
 * @param {string} code
 * @param {Buffer} salt
 */
async function hashCode(code, salt) {
  return scrypt(code, salt, 32);
}

/**
 * @param {{ store: Store, sms: import('../notify/sms/channel.mjs').SmsChannel | null, now?: () => number, log?: (msg: string) => void } & PhoneCodeOptions} options
 */
export function createPhoneCodes({
  store,
  sms,
  now = Date.now,
  log = console.error,
  ttlMs = 10 * 60_000,
  maxFailures = 5,
  lockMs = 15 * 60_000,
  sendIntervalMs = 60_000,
  sendsPerPhonePerHour = 5,
  sendsPerPeerPerHour = 20,
  failuresPerPeerPerHour = 30,
}) {
  const sendsByPeer = createSharedRateLimit({ store, scope: 'code-sends', limit: sendsPerPeerPerHour, windowMs: HOUR, now });
  const failuresByPeer = createSharedRateLimit({ store, scope: 'code-failures', limit: failuresPerPeerPerHour, windowMs: HOUR, now });
  /** Checks for an account that never got a code spend the same scrypt work on this. */
  const decoySalt = randomBytes(16);
  /**
   * One check or send per document at a time in this process: parallel guesses then queue
   * instead of all reading the same count and redoing their hashes on each conflict. Across
   * processes the revision check still decides.
   * @type {Map<string, Promise<unknown>>}
   */
  const queues = new Map();
  /**
   * @template T
   * @param {string} key
   * @param {() => Promise<T>} fn
   * @returns {Promise<T>}
   */
  const inTurn = (key, fn) => {
    const previous = queues.get(key) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => {});
    queues.set(key, tail);
    void tail.then(() => {
      if (queues.get(key) === tail) queues.delete(key);
    });
    return run;
  };

  /**
   * Read, change, write with the revision read; redone on a conflict.
   * @template T
   * @param {string} id
   * @param {(doc: Record<string, any> | null) => Promise<{ doc?: Record<string, any>, result: T }>} change
   * @returns {Promise<T>}
   */
  async function update(id, change) {
    for (let attempt = 0; ; attempt++) {
      const current = await store.get(PHONE_CODES_DB, id);
      const { doc, result } = await change(current ? structuredClone(current) : null);
      if (!doc) return result;
      try {
        await store.put(PHONE_CODES_DB, { ...doc, _id: id, ...(current?._rev ? { _rev: current._rev } : {}) });
        return result;
      } catch (err) {
        if (!(err instanceof CouchError && err.status === 409) && /** @type {any} */ (err)?.status !== 409) throw err;
        if (attempt >= 20) throw err;
      }
    }
  }

  /** @param {number} until */
  const secondsUntil = (until) => Math.max(1, Math.ceil((until - now()) / 1000));

  return {
    /** Whether codes can be sent at all (an SMS channel is configured). */
    available: sms !== null,
    ttlMinutes: Math.round(ttlMs / 60_000),

    /**
     * Asks for a code for `accountNumber`'s `purpose` to `phone`. Counts the send against the
     * phone and the peer whether or not `mayReceive` then says the phone may get one.
     * @param {{ purpose: CodePurpose, accountNumber: string, phone: string, peer: string, mayReceive: () => Promise<boolean> }} ask
     * @returns {Promise<RequestVerdict>}
     */
    async request({ purpose, accountNumber, phone, peer, mayReceive }) {
      const peerWait = await sendsByPeer.retryAfter(peer);
      if (peerWait > 0) return { sent: false, reason: 'wait', retryAfter: peerWait };
      const t = now();
      /** @type {number} */
      const phoneWait = await update(sendsId(phone), async (doc) => {
        const times = (Array.isArray(doc?.times) ? doc.times : []).filter((/** @type {number} */ x) => t - x < HOUR);
        const last = times.at(-1);
        if (last !== undefined && t - last < sendIntervalMs) return { result: secondsUntil(last + sendIntervalMs) };
        if (times.length >= sendsPerPhonePerHour) return { result: secondsUntil(times[times.length - sendsPerPhonePerHour] + HOUR) };
        return { doc: { docType: 'phone-code-sends', phone, times: [...times, t] }, result: 0 };
      });
      if (phoneWait > 0) return { sent: false, reason: 'wait', retryAfter: phoneWait };
      await sendsByPeer.hit(peer);
      const id = codeId(purpose, accountNumber);
      const lock = await store.get(PHONE_CODES_DB, id);
      if (typeof lock?.lockedUntil === 'number' && lock.lockedUntil > t) return { sent: false, reason: 'locked', retryAfter: secondsUntil(lock.lockedUntil) };
      if (!sms || !(await mayReceive())) return { sent: true };

      const code = String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
      const salt = randomBytes(16);
      const hash = await hashCode(code, salt);
      await inTurn(id, () => update(id, async (doc) => ({
        result: undefined,
        doc: {
          ...(doc ?? { failures: 0 }),
          docType: 'phone-code',
          purpose,
          accountNumber,
          phone,
          salt: salt.toString('base64'),
          hash: hash.toString('base64'),
          sentAt: t,
          expiresAt: t + ttlMs,
          usedAt: null,
        },
      })));
      // In the background: the answer must not wait for (and so reveal) a send.
      void sms
        .send({ to: phone, kind: OTP_KIND, params: { code }, text: otpText(code, Math.round(ttlMs / 60_000)) })
        .catch((err) => log(`[hearthline] SMS code to ${phone.slice(0, 3)}****${phone.slice(-4)} not sent: ${err?.message ?? err}`));
      return { sent: true };
    },

    /**
     * Checks a code typed back. Right: the code is used up (a second use is wrong). Wrong:
     * counted, the fifth locks. Same work and answers for an account that never got a code.
     * @param {{ purpose: CodePurpose, accountNumber: string, phone: string, code: string, peer: string }} attempt
     * @returns {Promise<CheckVerdict>}
     */
    async check({ purpose, accountNumber, phone, code, peer }) {
      const peerWait = await failuresByPeer.retryAfter(peer);
      if (peerWait > 0) return { ok: false, reason: 'tooMany', retryAfter: peerWait };
      /** @type {Map<string, Buffer>} the typed code's hash per salt, kept across a redo */
      const typedBySalt = new Map();
      /** @type {CheckVerdict} */
      const verdict = await inTurn(codeId(purpose, accountNumber), () => update(codeId(purpose, accountNumber), /** @returns {Promise<{ doc?: Record<string, any>, result: CheckVerdict }>} */ async (found) => {
        const t = now();
        /** @type {Record<string, any>} */
        const doc = found ?? { docType: 'phone-code', purpose, accountNumber, failures: 0 };
        if (typeof doc.lockedUntil === 'number') {
          if (doc.lockedUntil > t) return { result: { ok: false, reason: 'locked', retryAfter: secondsUntil(doc.lockedUntil) } };
          doc.lockedUntil = null;
          doc.failures = 0;
        }
        const live = typeof doc.hash === 'string' && !doc.usedAt && typeof doc.expiresAt === 'number' && doc.expiresAt > t && doc.phone === phone;
        const saltText = live ? String(doc.salt) : '';
        const typed = typedBySalt.get(saltText) ?? (await hashCode(code, live ? Buffer.from(saltText, 'base64') : decoySalt));
        typedBySalt.set(saltText, typed);
        const right = live && timingSafeEqual(typed, Buffer.from(doc.hash, 'base64'));
        if (right) {
          return { doc: { ...doc, hash: null, salt: null, usedAt: t, failures: 0 }, result: { ok: true } };
        }
        const failures = (Number(doc.failures) || 0) + 1;
        if (failures >= maxFailures) {
          // The lock also ends the code: after it, a new one must be asked for.
          return { doc: { ...doc, failures, lockedUntil: t + lockMs, hash: null, salt: null }, result: { ok: false, reason: 'locked', retryAfter: secondsUntil(t + lockMs) } };
        }
        return { doc: { ...doc, failures }, result: { ok: false, reason: 'wrong' } };
      }));
      if (!verdict.ok) await failuresByPeer.hit(peer);
      return verdict;
    },

    /**
     * Records that `phone` was proven for the account (by a code): a later reset sends to it.
     * @param {string} accountNumber
     * @param {string} phone
     */
    async recordVerified(accountNumber, phone) {
      await update(verifiedId(accountNumber), async () => ({ result: undefined, doc: { docType: 'verified-phone', accountNumber, phone, verifiedAt: new Date(now()).toISOString() } }));
    },
  };
}

/**
 * The phone a code proved for the account, or null (accounts made before SMS was configured, or
 * proven at a hall): notifications by SMS go to this one (issue 19, item 5).
 * @param {Store} store
 * @param {string} accountNumber
 * @returns {Promise<string | null>}
 */
export async function verifiedPhone(store, accountNumber) {
  const doc = await store.get(PHONE_CODES_DB, verifiedId(accountNumber));
  return typeof doc?.phone === 'string' ? doc.phone : null;
}

/** @typedef {ReturnType<typeof createPhoneCodes>} PhoneCodes */
