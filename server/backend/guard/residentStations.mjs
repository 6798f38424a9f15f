// @ts-check
/**
 * The station of a resident's community, which their requests must name: it is in the
 * `profile` document of their database, read here and kept a minute (a profile changes only
 * through the admin).
 */

/** How long a looked-up station is kept. */
const KEEP_MS = 60_000;

/** @param {{ store: import('../store.mjs').Store }} deps */
export function createResidentStations({ store }) {
  /** @type {Map<string, { station?: string, at: number }>} */
  const stationOfResidentDb = new Map();

  /**
   * The station in a resident database's profile document ({} when there is none).
   * @param {string} dbName
   * @returns {Promise<{ station?: string }>}
   */
  async function residentStation(dbName) {
    const cached = stationOfResidentDb.get(dbName);
    if (cached && Date.now() - cached.at < KEEP_MS) return cached.station ? { station: cached.station } : {};
    const profile = /** @type {{ station?: unknown } | null} */ (await store.get(dbName, 'profile'));
    const station = typeof profile?.station === 'string' ? profile.station : undefined;
    stationOfResidentDb.set(dbName, { station, at: Date.now() });
    return station ? { station } : {};
  }
  return { residentStation };
}
