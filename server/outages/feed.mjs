// @ts-check
/**
 * The outage notices of the running server: `GET /api/outages`, public (no sign-in), what a
 * resident may see of the utility's supply outages (src/rules/outages.ts, publicOutageNotices:
 * station, the communities staff chose from its list, state and times; never the free-text area,
 * the author, the device, a record id or a household
 * count).
 *
 * How (like the publisher, server/publish/publisher.mjs: from a checkpoint, woken by writes,
 * with a sweep as safety net):
 * - It reads `operations`' `_changes` from its checkpoint and keeps the outage records only
 *   (`outage-announced`, `outage-started`, `outage-restored`), well-formed ones (the schema of
 *   the write check). A request never reads the database: the notices are computed from what is
 *   in memory, at the request's time.
 * - Outages no notice will show again (restored more than a day ago, settledOutages) are
 *   forgotten, and later records of them ignored: memory holds the outages of the moment.
 * - The checkpoint, the ids of the records kept and the forgotten outages are in
 *   `_local/hearthline-outages` (a local document: never replicated, never in `_changes`), so a
 *   restart fetches those few records and reads on from where it stopped.
 */
import * as v from 'valibot';
import { OperationsRecordDoc } from '../../src/db/schema/records/record.ts';
import { OUTAGE_RECORD_TYPES, outageStates, publicOutageNotices, settledOutages } from '../../src/rules/outages.ts';
import { OPERATIONS_DB } from '../../src/db/databaseNames.ts';
import { StationDoc } from '../../src/db/schema/accounts.ts';
import { createDrainLoop } from '../followers/drainLoop.mjs';
import { createChangesCheckpoint } from '../followers/changesCheckpoint.mjs';

const STATE_ID = '_local/hearthline-outages';
const DAY_MS = 24 * 3_600_000;
/** Browsers and proxies may keep an answer this long (s): a notice is at most this late. */
export const OUTAGES_MAX_AGE_SECONDS = 30;

/**
 * @typedef {object} OutageFeedOptions
 * @property {import('../couch/index.mjs').Couch} couch admin access (the router's)
 * @property {number} [sweepIntervalMs] time between sweeps (10000); 0: none
 * @property {number} [batchSize] changes per read (500)
 * @property {() => boolean} [savesCheckpoint] whether this process writes the shared checkpoint now
 *   (several servers on one CouchDB: each keeps the notices in memory, the holder of the
 *   `outages` lease alone saves; default always)
 * @property {() => number} [now] the clock (epoch ms); tests pass theirs
 * @property {(msg: string) => void} [logError]
 */

/** @param {OutageFeedOptions} options */
export function createOutageFeed({ couch, sweepIntervalMs = 10_000, batchSize = 500, savesCheckpoint = () => true, now = () => Date.now(), logError = (msg) => console.error(msg) }) {
  /** @type {Map<string, import('../../src/db/schema/records/record.ts').OperationsRecord>} */
  const records = new Map();
  /** Outages no notice shows again: their later records are ignored. */
  const settled = new Set(/** @type {string[]} */ ([]));
  /** Station id → its name (the station documents, set up by the admin): residents know stations by name. */
  const stationNames = new Map(/** @type {[string, string][]} */ ([]));
  /** Community id → its name and station (the stations' lists): a notice names its communities by these. */
  const communityNames = new Map(/** @type {[string, { name: string, station: string }][]} */ ([]));
  /** @type {string | number} */
  let seq = 0;
  let loaded = false;

  const db = () => couch.db(OPERATIONS_DB);
  const checkpoint = createChangesCheckpoint({ db, stateId: STATE_ID, batchSize });
  const isOutageType = (/** @type {unknown} */ type) => /** @type {readonly unknown[]} */ (OUTAGE_RECORD_TYPES).includes(type);

  /** @param {Record<string, any>} doc */
  function keep(doc) {
    if (doc.docType === 'station') {
      const station = v.safeParse(StationDoc, doc);
      if (station.success) {
        stationNames.set(station.output.id, station.output.name);
        for (const c of station.output.communities) communityNames.set(c.id, { name: c.name, station: station.output.id });
      }
      return;
    }
    if (doc.docType !== 'record' || !isOutageType(doc.type) || typeof doc._id !== 'string') return;
    if (settled.has(doc.payload?.outage)) return;
    const parsed = v.safeParse(OperationsRecordDoc, doc);
    if (!parsed.success) {
      logError(`[outages] ${doc._id}: not a well-formed outage record, left out`);
      return;
    }
    const { _id, _rev: _r, _deleted: _d, ...rest } = parsed.output;
    records.set(_id, /** @type {any} */ ({ id: _id, ...rest }));
  }

  /** Forgets the outages no notice will show again. @returns {boolean} whether any was forgotten */
  function forgetSettled() {
    const gone = new Set(settledOutages(outageStates([...records.values()], now()), now()));
    if (gone.size === 0) return false;
    for (const [id, r] of records) {
      const outage = /** @type {{ outage: string }} */ (r.payload).outage;
      if (gone.has(outage)) records.delete(id);
    }
    for (const outage of gone) settled.add(outage);
    return true;
  }

  async function load() {
    const operations = await db();
    const state = await checkpoint.read();
    // The stations are few and not in the checkpoint: read whole at every start.
    const stations = await operations.allDocs({ startkey: 'station:', endkey: 'station:\ufff0', include_docs: true });
    for (const row of stations.rows) if (row.doc) keep(row.doc);
    if (state) {
      seq = state.seq ?? 0;
      // Before the records: keep() ignores those of forgotten outages.
      for (const outage of state.settled ?? []) settled.add(outage);
      await checkpoint.fetch(state.records ?? [], keep);
    }
    loaded = true;
  }

  /** Reads on from the checkpoint; the checkpoint moves after each batch. */
  async function readChanges() {
    await checkpoint.readChanges(
      seq,
      (change) => {
        if (change.deleted) records.delete(change.id);
        else if (change.doc) keep(change.doc);
      },
      async (lastSeq, moved) => {
        seq = lastSeq;
        const forgot = forgetSettled();
        if ((moved || forgot) && savesCheckpoint()) await checkpoint.save({ seq, records: [...records.keys()], settled: [...settled] });
      },
    );
  }

  const loop = createDrainLoop({
    dbName: OPERATIONS_DB,
    sweepIntervalMs,
    async drainOnce() {
      if (!loaded) await load();
      await readChanges();
    },
    onError: (err) => logError(`[outages] ${err.message}`),
  });

  return {
    /** Reads on from the checkpoint; then follows notify() and the sweep. */
    start: loop.start,
    notify: loop.notify,
    drain: loop.drain,
    /** Whether the records kept since the last start have been read (the first drain finished). */
    get ready() {
      return loaded;
    },
    /** How many records are in memory (tests, health). */
    get size() {
      return records.size;
    },
    /**
     * The public notices at this moment: every outage on now, every planned one not yet over
     * (however far ahead), and the restorations of the last day.
     */
    notices() {
      const at = now();
      return { asOf: new Date(at).toISOString(), notices: publicOutageNotices(outageStates([...records.values()], at), at, { horizonMs: Infinity, recentMs: DAY_MS, stationNames, communityNames }) };
    },
    stop: () => loop.stop(),
  };
}

/**
 * `GET /api/outages` (and HEAD): the feed's notices as JSON, cacheable for a short while by
 * anyone (they are public); before the feed's first read has finished, it waits for it.
 * @param {ReturnType<typeof createOutageFeed>} feed
 * @returns {import('express').RequestHandler}
 */
export function outagesHandler(feed) {
  return async (req, res, next) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/' && path !== '') return next();
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      res.status(405).json({ error: 'method_not_allowed', reason: 'GET only' });
      return;
    }
    if (!feed.ready) await feed.drain();
    if (!feed.ready) {
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Retry-After', '10');
      res.status(503).json({ error: 'unavailable', reason: 'the outage notices are not readable yet' });
      return;
    }
    res.setHeader('Cache-Control', `public, max-age=${OUTAGES_MAX_AGE_SECONDS}`);
    res.json(feed.notices());
  };
}
