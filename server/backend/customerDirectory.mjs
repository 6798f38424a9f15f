// @ts-check
/**
 * The directory behind the staff's customer lookup (GET /db/_account/customers): each resident's
 * account number, phone, community and station, held in this server's memory.
 *
 * Why: a resident's profile lives in that resident's own database. Reading them per lookup
 * opened every resident database on every search: at a utility's size (tens of thousands of
 * residents) minutes a search and thousands of open files. Now the profiles are read once (the
 * first lookup, or `refresh()` at start), and a lookup is a pass over a list in memory (~100
 * bytes a resident).
 *
 * Kept current by the two profile writes that go through this server (sign-up and the
 * resident's own change: `record`). Changes made straight in the database (an administrator)
 * are picked up when the directory is older than `maxAgeMs`: it is rebuilt in the background
 * and lookups meanwhile answer from the one before.
 */
import { residentDbName, userDocId } from './names.mjs';

/** @typedef {import('./store.mjs').Store} Store */
/** @typedef {{ accountNumber: string, phone: string, community: string, station: string }} CustomerEntry */

/** Profiles read at once while building: each read may open a database. */
const BUILD_CONCURRENCY = 8;

/**
 * @param {{ store: Store, maxAgeMs?: number, now?: () => number, log?: (msg: string) => void }} options
 */
export function createCustomerDirectory({ store, maxAgeMs = 10 * 60_000, now = Date.now, log = console.error }) {
  /** @type {Map<string, CustomerEntry> | null} resident user name → entry */
  let entries = null;
  let builtAt = 0;
  /** @type {Promise<void> | null} */
  let building = null;
  /** @type {Set<string> | null} names recorded while a build runs: the build's reads of them may be older */
  let recordedDuringBuild = null;

  /** @param {Record<string, unknown> | null | undefined} profile @returns {CustomerEntry | null} */
  const entryOf = (profile) => {
    if (!profile || profile.docType !== 'profile') return null;
    return {
      accountNumber: String(profile.accountNumber ?? ''),
      phone: String(profile.phone ?? ''),
      community: String(profile.community ?? ''),
      station: String(profile.station ?? ''),
    };
  };

  const build = async () => {
    const started = now();
    recordedDuringBuild = new Set();
    try {
      const prefix = userDocId('');
      const rows = await store.allDocs('_users', { startkey: userDocId('r-'), endkey: userDocId('r-\ufff0') });
      const names = rows.map((row) => String(row.id).slice(prefix.length));
      /** @type {(CustomerEntry | null)[]} */
      const found = new Array(names.length).fill(null);
      let next = 0;
      const worker = async () => {
        while (next < names.length) {
          const i = next++;
          found[i] = entryOf(await store.get(residentDbName(/** @type {string} */ (names[i])), 'profile').catch(() => null));
        }
      };
      await Promise.all(Array.from({ length: BUILD_CONCURRENCY }, worker));
      /** @type {Map<string, CustomerEntry>} */
      const built = new Map();
      names.forEach((name, i) => {
        const entry = found[i];
        if (entry) built.set(name, entry);
      });
      // What was recorded meanwhile is newer than what the build read.
      for (const name of recordedDuringBuild) {
        const entry = entries?.get(name);
        if (entry) built.set(name, entry);
      }
      entries = built;
      builtAt = started;
    } finally {
      recordedDuringBuild = null;
      building = null;
    }
  };

  /** Rebuilds now (one build at a time); resolves when the directory is current. */
  const refresh = () => (building ??= build());

  return {
    refresh,

    /**
     * A profile as just written by this server (sign-up, the resident's change).
     * @param {string} name the resident's user name
     * @param {Record<string, unknown>} profile
     */
    record(name, profile) {
      const entry = entryOf(profile);
      if (!entry) return;
      recordedDuringBuild?.add(name);
      if (!entries) entries = new Map();
      entries.set(name, entry);
    },

    /**
     * Residents whose account number or phone contains `digits` (`exact`: is `digits`;
     * `accountOnly`: the account number only), in user-name order (account number order), at
     * most `limit`; only `station`'s when given.
     * @param {string} digits
     * @param {{ station?: string, limit: number, exact?: boolean, accountOnly?: boolean }} options
     * @returns {Promise<CustomerEntry[]>}
     */
    async find(digits, { station, limit, exact = false, accountOnly = false }) {
      // The first lookup waits for the build; later ones answer at once and rebuild in the
      // background when the directory is old.
      if (!entries || builtAt === 0) await refresh();
      else if (now() - builtAt > maxAgeMs) refresh().catch((err) => log(`[hearthline] customer directory: ${err?.message ?? err}`));
      const current = /** @type {Map<string, CustomerEntry>} */ (entries);
      /** @type {[string, CustomerEntry][]} */
      const matches = [];
      for (const [name, entry] of current) {
        if (station !== undefined && entry.station !== station) continue;
        const hit = exact
          ? entry.accountNumber === digits || (!accountOnly && entry.phone === digits)
          : entry.accountNumber.includes(digits) || (!accountOnly && entry.phone.includes(digits));
        if (!hit) continue;
        matches.push([name, entry]);
      }
      matches.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      return matches.slice(0, limit).map(([, entry]) => ({ ...entry }));
    },
  };
}

/** @typedef {ReturnType<typeof createCustomerDirectory>} CustomerDirectory */
