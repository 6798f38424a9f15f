// @ts-check
/**
 * Failed sign-ins, counted so that guessing is slow and nobody can lock a named person out
 * (issue #17, finding 9: six wrong passwords used to lock any account for 15 minutes, so anyone
 * could keep a dispatcher out of the console all day).
 *
 * - Per account AND network (IPv4 /24, IPv6 /64): after `freeFailures` wrong passwords, each
 *   further attempt must wait a growing delay after the last failure (1 s, 2 s, 4 s, … up to
 *   `maxDelayMs`); an attempt that comes sooner is refused unchecked. The owner of the account,
 *   on another network (the station's, home), is not slowed down by a stranger's guesses. A
 *   success resets the pair; failures older than `forgetMs` are forgotten.
 * - Per network, whatever the accounts: paused for `forgetMs` after `maxNetworkFailures`
 *   failures within `forgetMs` (a success does not reset it, so one good account cannot launder
 *   guesses at others). A network, not an address: an attacker holds a whole /24 or /64 as
 *   easily as one address.
 * - Names are counted whether or not the account exists, so a pause says nothing about existence.
 * - Kept across restarts: the counters are written to `file` (mode 0600) when they change and
 *   when the server stops, and read at start. With several server processes each
 *   counts its own (a shared store would be needed to scale out).
 * Guessing from many networks at one account is bounded by the networks' limits times the
 *   networks; long generated staff passwords and residents' 8-character minimum carry the rest.
 */
import { chmodSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { sweepEvery, sweepExpired, updateCounter } from './sharedCounters.mjs';

/** The one answer to every failed or refused sign-in (no account enumeration). */
export const SIGN_IN_REFUSED = Object.freeze({
  error: 'unauthorized',
  reason: 'Name or password is incorrect, or sign-in is paused after too many attempts. Try again later.',
});

/**
 * The network an address belongs to: IPv4 /24, IPv6 /64 (IPv4-mapped IPv6 as IPv4).
 * @param {string} address
 */
export function networkOf(address) {
  const a = address.startsWith('::ffff:') && net.isIPv4(address.slice(7)) ? address.slice(7) : address;
  if (net.isIPv4(a)) return `${a.split('.').slice(0, 3).join('.')}.0/24`;
  if (net.isIPv6(a)) {
    // expand '::' to get the first four groups
    const [head = '', tail = ''] = a.split('::');
    const h = head ? head.split(':') : [];
    const t = a.includes('::') ? (tail ? tail.split(':') : []) : [];
    const groups = [...h, ...Array(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
    return `${groups.slice(0, 4).map((g) => (g || '0').toLowerCase().replace(/^0+(?=.)/, '')).join(':')}::/64`;
  }
  return a;
}

/**
 * @typedef {{ failures: number, last: number }} PairState
 * @typedef {{ times: number[], pausedUntil: number }} NetworkState
 */

export class SignInLimiter {
  /**
   * @param {{ freeFailures?: number, baseDelayMs?: number, maxDelayMs?: number, maxNetworkFailures?: number,
   *   forgetMs?: number, maxEntries?: number, file?: string, now?: () => number, log?: (msg: string) => void }} [opts]
   */
  constructor({
    freeFailures = 3,
    baseDelayMs = 1_000,
    maxDelayMs = 5 * 60_000,
    maxNetworkFailures = 30,
    forgetMs = 15 * 60_000,
    maxEntries = 100_000,
    file,
    now = () => Date.now(),
    log = console.error,
  } = {}) {
    this.freeFailures = freeFailures;
    this.baseDelayMs = baseDelayMs;
    this.maxDelayMs = maxDelayMs;
    this.maxNetworkFailures = maxNetworkFailures;
    this.forgetMs = forgetMs;
    this.maxEntries = maxEntries;
    this.file = file;
    this.now = now;
    this.log = log;
    /** account + network → failures in a row @type {Map<string, PairState>} */
    this.pairs = new Map();
    /** @type {Map<string, NetworkState>} */
    this.networks = new Map();
    /** @type {NodeJS.Timeout | undefined} */
    this.saveTimer = undefined;
    this.load();
    this.timer = setInterval(() => this.prune(), Math.min(forgetMs, 60_000));
    this.timer.unref();
  }

  /** @param {string} name @param {string} address */
  static pairKey(name, address) {
    return `${networkOf(address)} ${name}`;
  }

  /** @param {number} failures */
  delayAfter(failures) {
    if (failures < this.freeFailures) return 0;
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (failures - this.freeFailures));
  }

  /**
   * How many seconds this attempt must wait (0: it may be checked now).
   * @param {string} name
   * @param {string} address
   */
  retryAfter(name, address) {
    const t = this.now();
    const network = this.networks.get(networkOf(address));
    const networkWait = network && network.pausedUntil > t ? network.pausedUntil - t : 0;
    const pair = this.pairs.get(SignInLimiter.pairKey(name, address));
    const pairWait = pair && t - pair.last <= this.forgetMs ? Math.max(0, pair.last + this.delayAfter(pair.failures) - t) : 0;
    return Math.ceil(Math.max(networkWait, pairWait) / 1000);
  }

  /**
   * Whether an attempt of `name` from `address` is refused unchecked now.
   * @param {string} name
   * @param {string} address
   */
  isLocked(name, address) {
    return this.retryAfter(name, address) > 0;
  }

  /**
   * @param {string} name
   * @param {string} address
   */
  recordFailure(name, address) {
    const t = this.now();
    const key = SignInLimiter.pairKey(name, address);
    let pair = this.pairs.get(key);
    if (!pair || t - pair.last > this.forgetMs) pair = { failures: 0, last: t };
    pair.failures += 1;
    pair.last = t;
    this.pairs.delete(key); // re-insert: Map order = least recently touched first
    this.pairs.set(key, pair);

    const netKey = networkOf(address);
    const network = this.networks.get(netKey) ?? { times: [], pausedUntil: 0 };
    if (network.pausedUntil <= t) {
      network.times = network.times.filter((x) => t - x < this.forgetMs);
      network.times.push(t);
      if (network.times.length >= this.maxNetworkFailures) {
        network.pausedUntil = t + this.forgetMs;
        network.times = [];
      }
    }
    this.networks.delete(netKey);
    this.networks.set(netKey, network);
    this.cap();
    this.scheduleSave();
  }

  /**
   * @param {string} name
   * @param {string} [address]
   */
  recordSuccess(name, address) {
    if (address === undefined) return;
    if (this.pairs.delete(SignInLimiter.pairKey(name, address))) this.scheduleSave();
  }

  prune() {
    const t = this.now();
    for (const [k, p] of this.pairs) if (t - p.last > this.forgetMs) this.pairs.delete(k);
    for (const [k, n] of this.networks) {
      if (n.pausedUntil <= t && n.times.every((x) => t - x >= this.forgetMs)) this.networks.delete(k);
    }
  }

  cap() {
    for (const map of [this.pairs, this.networks]) {
      while (map.size > this.maxEntries) {
        const oldest = map.keys().next().value;
        if (oldest === undefined) break;
        map.delete(oldest);
      }
    }
  }

  load() {
    if (!this.file) return;
    let raw;
    try {
      raw = readFileSync(this.file, 'utf8');
    } catch {
      return; // first start
    }
    try {
      const data = JSON.parse(raw);
      for (const [k, p] of Object.entries(data.pairs ?? {})) {
        if (Number.isInteger(p?.failures) && Number.isFinite(p?.last)) this.pairs.set(k, { failures: p.failures, last: p.last });
      }
      for (const [k, n] of Object.entries(data.networks ?? {})) {
        if (Array.isArray(n?.times) && Number.isFinite(n?.pausedUntil)) {
          this.networks.set(k, { times: n.times.filter(Number.isFinite), pausedUntil: n.pausedUntil });
        }
      }
      this.prune();
    } catch (err) {
      this.log(`[hearthline] ${this.file} could not be read (${/** @type {Error} */ (err).message}); sign-in counters start empty`);
    }
  }

  scheduleSave() {
    if (!this.file) return;
    // Written at once while the counters are few (a crash right after a pause began must not
    // forget it); when an attack from many networks has grown them, at most a few times a second.
    if (this.pairs.size + this.networks.size < 10_000) {
      this.save();
      return;
    }
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.save();
    }, 200);
    this.saveTimer.unref();
  }

  save() {
    if (!this.file) return;
    const tmp = `${this.file}.tmp`;
    try {
      const data = { pairs: Object.fromEntries(this.pairs), networks: Object.fromEntries(this.networks) };
      writeFileSync(tmp, JSON.stringify(data), { mode: 0o600 });
      chmodSync(tmp, 0o600);
      renameSync(tmp, this.file);
    } catch (err) {
      this.log(`[hearthline] could not save the sign-in counters to ${this.file}: ${/** @type {Error} */ (err).message}`);
    }
  }

  close() {
    clearInterval(this.timer);
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
    }
    this.save();
  }
}

/** Where the shared counters live (admin-only; setup creates it). */
export const SIGNIN_LIMITS_DB = 'signin-limits';

/**
 * The same limits, kept in the database (`signin-limits`) rather than in one process's memory:
 * several servers on one CouchDB count together, so an attacker gets the free failures once,
 * not once per server (issue 22, item 3), and the counts outlive a restart without a file.
 * Documents: `pair:<network> <name>` { failures, last } and `network:<network>` { times,
 * pausedUntil }, each with `expiresAt` (after which it says nothing and is removed by a sweep
 * every 10 minutes). Every check reads the two documents that concern it (one request each
 * way, or two); every failure is counted by a revision-checked write (two servers counting at
 * once: the loser reads again and counts on top). The rules (delays, pauses, networks) are the
 * SignInLimiter's above.
 * @param {{ store: import('./store.mjs').Store, dbName?: string, legacyFile?: string,
 *   freeFailures?: number, baseDelayMs?: number, maxDelayMs?: number, maxNetworkFailures?: number,
 *   forgetMs?: number, now?: () => number, log?: (msg: string) => void }} options
 *   legacyFile: the counters an older version kept in the data folder, moved into the database once
 */
export function createSharedSignInLimiter({ store, dbName = SIGNIN_LIMITS_DB, legacyFile, log = console.error, ...rules }) {
  const now = rules.now ?? (() => Date.now());
  const engine = new SignInLimiter({ ...rules, now, log });
  clearInterval(engine.timer); // nothing to prune in memory: the database is the state
  const forgetMs = engine.forgetMs;
  /** @param {string} name @param {string} address */
  const pairId = (name, address) => `pair:${SignInLimiter.pairKey(name, address)}`;
  /** @param {string} address */
  const networkId = (address) => `network:${networkOf(address)}`;

  /**
   * How long an attempt waits, from the pair's and the network's documents (the engine's rules,
   * on fresh state per call: concurrent checks never share it).
   * @param {string} name @param {string} address
   */
  async function wait(name, address) {
    const [pair, network] = await Promise.all([store.get(dbName, pairId(name, address)), store.get(dbName, networkId(address))]);
    const t = now();
    const networkWait = network && Number.isFinite(network.pausedUntil) && network.pausedUntil > t ? network.pausedUntil - t : 0;
    const pairWait =
      pair && Number.isInteger(pair.failures) && Number.isFinite(pair.last) && t - pair.last <= forgetMs
        ? Math.max(0, pair.last + engine.delayAfter(pair.failures) - t)
        : 0;
    return Math.ceil(Math.max(networkWait, pairWait) / 1000);
  }

  /** @param {string} id @param {(current: any) => Record<string, unknown> | null} next */
  const update = (id, next) => updateCounter(store, dbName, id, next);

  /** @type {(() => void) | undefined} */
  let stopSweeping;
  const sweep = () => sweepExpired(store, dbName, now());

  async function importLegacy() {
    if (!legacyFile) return;
    let data;
    try {
      data = JSON.parse(readFileSync(legacyFile, 'utf8'));
    } catch {
      return; // none (or unreadable: the counters start from the database)
    }
    const t = now();
    /** @type {Record<string, unknown>[]} */
    const docs = [];
    for (const [k, p] of Object.entries(data.pairs ?? {})) {
      if (Number.isInteger(p?.failures) && Number.isFinite(p?.last) && t - p.last <= forgetMs) docs.push({ _id: `pair:${k}`, failures: p.failures, last: p.last, expiresAt: p.last + forgetMs });
    }
    for (const [k, n] of Object.entries(data.networks ?? {})) {
      if (!Array.isArray(n?.times) || !Number.isFinite(n?.pausedUntil)) continue;
      const times = n.times.filter((/** @type {unknown} */ x) => Number.isFinite(x) && t - Number(x) < forgetMs);
      if (n.pausedUntil > t || times.length) docs.push({ _id: `network:${k}`, times, pausedUntil: n.pausedUntil, expiresAt: Math.max(n.pausedUntil, ...times.map((/** @type {number} */ x) => x + forgetMs)) });
    }
    for (let i = 0; i < docs.length; i += 500) await store.bulkDocs(dbName, docs.slice(i, i + 500)); // a count already there (a conflict) is kept
    renameSync(legacyFile, `${legacyFile}.moved-to-database`);
    log(`[hearthline] sign-in counters moved from ${legacyFile} into the database ${dbName}`);
  }

  return {
    /** Imports an older version's file, then sweeps expired counters every 10 minutes. */
    async start() {
      await importLegacy().catch((err) => log(`[hearthline] ${legacyFile}: ${err?.message ?? err}`));
      stopSweeping = sweepEvery({ store, dbName, now, log });
    },
    /**
     * How many seconds this attempt must wait (0: it may be checked now).
     * @param {string} name @param {string} address
     */
    async retryAfter(name, address) {
      return wait(name, address);
    },
    /** @param {string} name @param {string} address */
    async isLocked(name, address) {
      return (await this.retryAfter(name, address)) > 0;
    },
    /** @param {string} name @param {string} address */
    async recordFailure(name, address) {
      const t = now();
      await update(pairId(name, address), (cur) => {
        const fresh = !cur || !Number.isFinite(cur.last) || t - cur.last > forgetMs;
        const failures = (fresh ? 0 : Number(cur.failures) || 0) + 1;
        return { failures, last: t, expiresAt: t + forgetMs };
      });
      await update(networkId(address), (cur) => {
        const pausedUntil = Number.isFinite(cur?.pausedUntil) ? cur.pausedUntil : 0;
        if (pausedUntil > t) return { times: [], pausedUntil, expiresAt: pausedUntil };
        const times = (Array.isArray(cur?.times) ? cur.times : []).filter((/** @type {unknown} */ x) => Number.isFinite(x) && t - Number(x) < forgetMs);
        times.push(t);
        if (times.length >= engine.maxNetworkFailures) return { times: [], pausedUntil: t + forgetMs, expiresAt: t + forgetMs };
        return { times, pausedUntil, expiresAt: t + forgetMs };
      });
    },
    /** A success resets the pair (not the network). @param {string} name @param {string} [address] */
    async recordSuccess(name, address) {
      if (address === undefined) return;
      await update(pairId(name, address), () => null);
    },
    sweep,
    close() {
      stopSweeping?.();
    },
  };
}

/** @typedef {ReturnType<typeof createSharedSignInLimiter>} SharedSignInLimiter */
