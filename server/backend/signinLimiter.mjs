// @ts-check
/**
 * Failed sign-ins, counted per account and per client address (in memory: a restart forgets
 * them, and with several server processes each counts its own).
 *
 * - An account is locked for `lockMs` after `maxAccountFailures` wrong passwords in a row
 *   (a success resets its count; failures older than `lockMs` are forgotten).
 * - An address is locked for `lockMs` after `maxAddressFailures` failures within `lockMs`,
 *   whatever the accounts (a success does not reset it, so one good account cannot launder
 *   guesses at others).
 * - Names are counted whether or not the account exists, so a lock says nothing about existence.
 */

/** The one answer to every failed or refused sign-in (no account enumeration). */
export const SIGN_IN_REFUSED = Object.freeze({
  error: 'unauthorized',
  reason: 'Name or password is incorrect, or sign-in is paused after too many attempts. Try again later.',
});

export class SignInLimiter {
  /**
   * @param {{ maxAccountFailures?: number, maxAddressFailures?: number, lockMs?: number, maxEntries?: number, now?: () => number }} [opts]
   */
  constructor({ maxAccountFailures = 6, maxAddressFailures = 20, lockMs = 15 * 60_000, maxEntries = 100_000, now = () => Date.now() } = {}) {
    this.maxAccountFailures = maxAccountFailures;
    this.maxAddressFailures = maxAddressFailures;
    this.lockMs = lockMs;
    this.maxEntries = maxEntries;
    this.now = now;
    /** @type {Map<string, { failures: number, last: number, lockedUntil: number }>} */
    this.accounts = new Map();
    /** @type {Map<string, { times: number[], lockedUntil: number }>} */
    this.addresses = new Map();
    this.timer = setInterval(() => this.prune(), Math.min(lockMs, 60_000));
    this.timer.unref();
  }

  /**
   * @param {string} name
   * @param {string} address
   */
  isLocked(name, address) {
    const t = this.now();
    return (this.accounts.get(name)?.lockedUntil ?? 0) > t || (this.addresses.get(address)?.lockedUntil ?? 0) > t;
  }

  /**
   * @param {string} name
   * @param {string} address
   */
  recordFailure(name, address) {
    const t = this.now();
    let a = this.accounts.get(name);
    if (!a || t - a.last > this.lockMs) a = { failures: 0, last: t, lockedUntil: 0 };
    if (a.lockedUntil <= t) {
      a.failures += 1;
      a.last = t;
      if (a.failures >= this.maxAccountFailures) {
        a.lockedUntil = t + this.lockMs;
        a.failures = 0;
      }
    }
    this.accounts.delete(name); // re-insert: Map order = least recently touched first
    this.accounts.set(name, a);

    const ad = this.addresses.get(address) ?? { times: [], lockedUntil: 0 };
    if (ad.lockedUntil <= t) {
      ad.times = ad.times.filter((x) => t - x < this.lockMs);
      ad.times.push(t);
      if (ad.times.length >= this.maxAddressFailures) {
        ad.lockedUntil = t + this.lockMs;
        ad.times = [];
      }
    }
    this.addresses.delete(address);
    this.addresses.set(address, ad);
    this.cap();
  }

  /** @param {string} name */
  recordSuccess(name) {
    const a = this.accounts.get(name);
    if (a && a.lockedUntil <= this.now()) this.accounts.delete(name);
  }

  prune() {
    const t = this.now();
    for (const [k, a] of this.accounts) if (a.lockedUntil <= t && t - a.last > this.lockMs) this.accounts.delete(k);
    for (const [k, a] of this.addresses) {
      if (a.lockedUntil <= t && a.times.every((x) => t - x >= this.lockMs)) this.addresses.delete(k);
    }
  }

  cap() {
    for (const map of [this.accounts, this.addresses]) {
      while (map.size > this.maxEntries) {
        const oldest = map.keys().next().value;
        if (oldest === undefined) break;
        map.delete(oldest);
      }
    }
  }

  close() {
    clearInterval(this.timer);
  }
}
