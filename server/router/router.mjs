// @ts-check
/**
 * The router: copies each event from the database its author wrote it into (its origin) to
 * every other database that may hold it (src/rules/routing.ts):
 * (Over 500 lines because one scheduler state is shared by all its parts: which sources are
 * announced and pending, their lazily loaded checkpoints, failures and retry times, the change
 * feed's position and the backstop's pace; health reads the same state. Reading one source is
 * server/followers/changes.mjs.)
 *   a resident's event        resident-<hex> → operations, station-<id>
 *   station staff's event     station-<id>   → operations, resident-<hex> when the resident may see it
 *   operations staff's event  operations     → station-<id>, resident-<hex> when the resident may see it
 *
 * How a source is read:
 * - Sources are the resident-*, station-* and operations databases. A source is read through
 *   `_changes` (include_docs, style all_docs, `limit` = `batch_size` = batchSize: trap 12) from
 *   its checkpoint (`checkpoint:<source>` in router-state), which is loaded the first time the
 *   source is read, not all at start.
 * - A batch's copies are written per target with `bulkDocs(docs, { new_edits: false })`: the copy
 *   keeps the `_id` and `_rev` of the original, so writing it again is a no-op (no new revision,
 *   no new sequence). In-process and admin writes do not go through the guard.
 * - Then, and only then, the source's checkpoint moves past the batch. A crash between the two
 *   replays the batch (a no-op), never skips it.
 * - Sequences are opaque: a checkpoint is only ever handed back to `_changes` as `since`, never
 *   compared or counted (CouchDB's are "<n>-<opaque>", and `PUT _security` raises a database's
 *   update_seq with no change row: a comparison of numbers never came back to "caught up").
 * - A copy read back in a target's `_changes` is not routed again: only an event's origin routes
 *   it. Documents that are not events, and deletions, are not routed. An event that fails the
 *   write check (validateWrite, as admin) is not copied (it would stall the devices' pull, traps
 *   10–11): it is logged and counted as `rejected`.
 * - A target that does not exist (a resident who has not signed up yet) does not hold the source
 *   back: the copies are parked in router-state (`parked:<target>:<id>:<rev>`, durably, before the
 *   checkpoint moves) and written when the database appears.
 *
 * How the router learns which databases changed (it reads only those):
 * - `notify(dbName)`: the server calls it after each write it accepted (the /db guard's onWrite).
 *   On the embedded backend every write goes through the server, so this is the whole story
 *   there, with the PouchDB constructor's `created`/`destroyed` events for databases that appear
 *   or go.
 * - CouchDB's `_db_updates` feed (couch.dbUpdates; admin only, and on a single node it needs the
 *   `_global_changes` database): writes of other server processes, of the admin, of anything
 *   that talks to CouchDB itself. Its position (`db-updates` in router-state, opaque) is saved
 *   only when every database it announced has been read, so a crash re-reads, never skips; and
 *   only when the feed named a source since the last save (or none was saved yet, or the last
 *   save is `feedSaveMs` old): saving writes router-state, which the feed announces in turn, and
 *   saving on that announcement kept CouchDB writing twice a second with nothing to route.
 *   CouchDB holds updates up to about 500 ms before the feed says so and may lose them on a crash:
 * - so a backstop sweep stays: at start (what changed while no router ran: every source is
 *   checked once, `catchUpPerSecond` at a time, when there is no saved feed position), and then
 *   for ever at `backstopPerSecond` (round starts at least `backstopRoundMs` apart, a long round
 *   followed by the next at once): the requests it costs per minute do not grow with the number
 *   of residents (at most perSecond × 60); a round, and so the time to find a change nobody
 *   announced, lasts max(roundMs, N / perSecond). A check is `_changes?since=
 *   <checkpoint>&limit=1`: "anything after my checkpoint?", exact with opaque sequences.
 * - Sources are read in rounds of up to `sourcesPerRound` (64), at most `concurrency` (4) rounds at
 *   once; one source is never read twice at once. A round reads one batch of each of its sources,
 *   writes their copies with one `bulkDocs` per target (shared with the rounds under way that
 *   copy into the same target: copyInto), then saves their checkpoints in one request
 *   (readRound): many residents writing one event each cost a few writes a round, not a few
 *   writes an event. A source with more than a batch goes back in the queue.
 *
 * Health: the lag is the set of databases with unread changes (announced, not yet read through);
 * it returns to empty. `lagSeconds` is the age of the oldest announcement not yet delivered (the
 * start, while the first sweep runs); health is not ok beyond `maxLagSeconds` (10).
 */
import { ROUTER_STATE_DB, parseDatabaseName } from '../../src/db/databaseNames.ts';
import { validateWrite } from '../../src/db/validateWrite.ts';
import { originDatabase, routeTargets } from '../../src/rules/routing.ts';
import { copyProblem, linkageProblem, requestFacts } from '../../src/rules/requestLinkage.ts';
import { stationDbName } from '../../src/db/databaseNames.ts';
import { createRequestRegistry } from '../backend/requestRegistry.mjs';

/** @typedef {import('../couch/index.mjs').Couch} Couch */
/** @typedef {import('../../src/db/databaseNames.ts').EventDatabase} EventDatabase */

/**
 * @typedef {object} Source
 * @property {string} name
 * @property {EventDatabase} kind
 * @property {{ seq: string | number, rev?: string } | null} checkpoint null until loaded; seq 0 when there is none yet
 * @property {number | null} waitingSince earliest announcement (notify, feed, sweep) not yet covered by a drain
 * @property {number | null} drainingSince the announcement the running drain covers
 * @property {boolean} running
 * @property {boolean} again announced while running: drain once more
 * @property {{ message: string, since: number } | null} error the last drain failed
 */

const CHECKPOINT = 'checkpoint:';
const PARKED = 'parked:';
const FEED_STATE = 'db-updates';
const ADMIN = Object.freeze({ name: null, roles: ['_admin'] });
/** Fields CouchDB adds on request; the write check reads the document without them. */
const META_FIELDS = ['_revisions', '_conflicts', '_deleted_conflicts', '_revs_info', '_local_seq', '_attachments'];

/** @param {string} rev */
const generation = (rev) => parseInt(rev, 10);

/** Resident database names carry the account number: keep them out of public answers. */
const redact = (/** @type {string} */ text) => text.replace(/resident-[0-9a-f]+/g, 'resident-…');

/** @param {unknown} err */
const messageOf = (err) => (err instanceof Error ? err.message : /** @type {any} */ (err)?.reason ?? String(err));

/**
 * @template T
 * @param {T[]} items
 * @param {number} limit
 * @param {(item: T) => Promise<void>} fn
 */
async function forEachLimit(items, limit, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = /** @type {T} */ (items[next++]);
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * @typedef {object} RouterOptions
 * @property {Couch} couch admin access to the databases (server/couch/)
 * @property {string} [stateDb] where checkpoints and parked copies live (default router-state; setup creates it)
 * @property {number} [batchSize] changes read per request, and the most copies per bulkDocs (200)
 * @property {number} [concurrency] rounds read at once (4)
 * @property {number} [sourcesPerRound] sources read in one round, their copies written together (64; 1: each source alone)
 * @property {number} [catchUpPerSecond] databases checked per second by the sweep at start (embedded 200, HTTP 50)
 * @property {number} [backstopPerSecond] databases checked per second by the backstop (1, embedded and HTTP;
 *   HTTP without a working `_db_updates` feed: 20): with `backstopRoundMs`, its idle requests
 *   per minute are min(perSecond × 60, N × 60 s / roundMs), bounded whatever N
 * @property {number} [backstopRoundMs] least time between the starts of two backstop rounds (600000; without
 *   the feed over HTTP 5000); 0: no backstop (tests call sweep() themselves)
 * @property {number} [admitBehindMs] `admission()` holds a write back while the router's oldest
 *   undelivered announcement (queued or in a round under way) has waited longer than this (250)
 * @property {number} [admitFarBehindMs] past this (1000), a write is held back also when its database has
 *   nothing undelivered (below it, only writes into databases the router still owes copies of wait)
 * @property {number} [admitMaxWaitMs] the longest a write is held back (2000): a router that is stuck
 *   (a target down) slows writes, never stops them
 * @property {number} [maxLagSeconds] health is not ok when an announced change waits longer than this (10)
 * @property {number} [feedSaveMs] the feed's position is saved after it named only databases the router
 *   does not read (its own router-state, the other followers' databases) at most this often (600000):
 *   a restart replays at most that much of the feed, announcements of databases it then ignores
 * @property {(msg: string) => void} [log] progress (parked copies written, a source read again); resident database names redacted
 * @property {(msg: string) => void} [logError] failures and rejected events; resident database names redacted
 * @property {() => number} [now]
 */

/**
 * @param {RouterOptions} options
 */
export function createRouter({
  couch,
  stateDb = ROUTER_STATE_DB,
  batchSize = 200,
  concurrency = 4,
  sourcesPerRound = 64,
  admitBehindMs = 250,
  admitMaxWaitMs = 2_000,
  admitFarBehindMs = 1_000,
  catchUpPerSecond = couch?.mode === 'embedded' ? 200 : 50,
  backstopPerSecond,
  backstopRoundMs,
  maxLagSeconds = 10,
  feedSaveMs = 600_000,
  log: logRaw = (msg) => console.log(msg),
  logError: logErrorRaw = (msg) => console.error(msg),
  now = () => Date.now(),
}) {
  // Logs name no resident database (their names carry account numbers): health({ detail: true }) does.
  const log = (/** @type {string} */ msg) => logRaw(redact(msg));
  const logError = (/** @type {string} */ msg) => logErrorRaw(redact(msg));
  if (!couch) throw new TypeError('createRouter: couch is required');
  if (!(batchSize >= 1)) throw new RangeError('createRouter: batchSize must be at least 1');
  if (!(sourcesPerRound >= 1)) throw new RangeError('createRouter: sourcesPerRound must be at least 1');
  const hasFeed = typeof couch.dbUpdates === 'function';

  /** @type {Map<string, Source>} */
  const sources = new Map();
  /** Every database name, from the last listing (or a notify, the feed, a constructor event). */
  let known = new Set(/** @type {string[]} */ ([]));
  /**
   * Sources announced and not yet taken by a round (waitingSince set): queued, or running and to
   * be read again; in about the order of announcement, for admission().
   * @type {Set<Source>}
   */
  const waiting = new Set();
  /** Names of sources waiting for a drain, in order. */
  const queue = new Set(/** @type {string[]} */ ([]));
  let active = 0;
  /** @type {Set<{ oldest: number | null }>} the rounds under way, with their oldest announcement (for behind()) */
  const rounds = new Set();
  /** @type {Map<string, number>} target → parked copies */
  const parked = new Map();
  /** @type {Set<string>} targets being unparked */
  const unparking = new Set();
  /** @type {(() => void)[]} */
  let idleWaiters = [];
  /** @type {Map<string, { waiting: { copies: { doc: any, source: Source }[], resolve: () => void, reject: (err: unknown) => void }[], writing: boolean }>} target → copies waiting for its write (copyInto) */
  const copyQueues = new Map();
  /** @type {Set<() => void>} writes held back by admission() */
  const admissionWaiters = new Set();

  let started = false;
  let stopping = false;
  /** @type {number | null} when start() ran: the unknown changes of the start are at least this old */
  let startedAt = null;
  /** @type {Promise<void> | null} the sweep at start (every source checked once) */
  let catchUp = null;
  let caughtUp = false;
  /** @type {Promise<void> | null} */
  let sweeping = null;
  /** checks a second of the sweep under way (sweep raises it when a brisker one is asked for) */
  let sweepPace = 1;
  /** @type {Promise<void> | null} */
  let backstopLoop = null;
  /** @type {Promise<void> | null} */
  let feedLoop = null;
  /** wakes the pacing sleeps when stop() is called */
  const stopSignal = new AbortController();
  /** @type {number | null} */
  let lastSweepAt = null;
  /** @type {number | null} */
  let lastSweepMs = null;
  /** @type {{ at: number, source: string | null, message: string } | null} */
  let lastError = null;
  const totals = { copied: 0, batches: 0, rejected: 0, parked: 0, unparked: 0, checked: 0, announced: 0, heldBack: 0 };
  /** @type {{ source: string, id: string, rev: string, reason: string }[]} */
  const recentRejections = [];
  /** The `_db_updates` feed: its state for health, and the position read but not yet saved. */
  const feed = {
    /** @type {'none' | 'starting' | 'following' | 'failing'} */
    state: /** @type {'none' | 'starting' | 'following' | 'failing'} */ (hasFeed ? 'starting' : 'none'),
    /** @type {string | null} */
    error: null,
    /** @type {string | number | null} */
    unsaved: null,
    /** @type {string | undefined} */
    rev: undefined,
    saving: false,
    /** the feed named a source since the last save (or nothing was saved yet): the position is worth a write */
    saveDue: false,
    /** @type {number | null} when the position was last saved (or the saved one read), by this process's clock */
    savedAt: null,
  };
  /** Backstop pace: slow when a feed announces the changes, brisker when nothing does. */
  const backstop = () => {
    const feedWorks = hasFeed && feed.state === 'following';
    return {
      perSecond: backstopPerSecond ?? (couch.mode === 'embedded' || feedWorks ? 1 : 20),
      roundMs: backstopRoundMs ?? (couch.mode === 'embedded' || feedWorks ? 600_000 : 5_000),
    };
  };

  const state = () => couch.db(stateDb);
  // Which requests each database holds (src/rules/requestLinkage.ts): an event is routed only
  // when its origin holds its request with the same resident and station, and copied into a
  // database only when that database's request of the same id is the same one.
  const requests = createRequestRegistry({
    readChanges: async (name, opts) => (await couch.db(name)).changes(opts),
    useSelector: couch.mode === 'embedded',
  });

  /**
   * @param {string | null} source
   * @param {unknown} err
   */
  function recordError(source, err) {
    const message = messageOf(err);
    lastError = { at: now(), source, message };
    logError(`[router] ${source ?? 'sweep'}: ${message}`);
  }

  /** @param {string} name */
  function sourceFor(name) {
    let s = sources.get(name);
    if (s) return s;
    const kind = parseDatabaseName(name);
    if (kind.kind === 'other') return null;
    s = { name, kind, checkpoint: null, waitingSince: null, drainingSince: null, running: false, again: false, error: null };
    sources.set(name, s);
    return s;
  }

  /** Has unread changes: announced and not yet read through (or its last read failed). @param {Source} s */
  const lagging = (s) => s.waitingSince !== null || s.drainingSince !== null || s.running || s.error !== null;

  /** A pause that ends early when the router stops. @param {number} ms */
  function pause(ms) {
    if (stopping || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      t.unref?.();
      function done() {
        clearTimeout(t);
        stopSignal.signal.removeEventListener('abort', done);
        resolve(undefined);
      }
      stopSignal.signal.addEventListener('abort', done, { once: true });
    });
  }

  // ------------------------------------------------------------------ scheduling

  /**
   * Something may be unread in `s`.
   * @param {Source} s
   * @param {number} [at] when it was announced
   */
  function signal(s, at = now()) {
    s.waitingSince = s.waitingSince === null ? at : Math.min(s.waitingSince, at);
    waiting.add(s);
    schedule(s);
  }

  /** @param {Source} s */
  function schedule(s) {
    if (!started || stopping) return;
    if (s.running) {
      s.again = true;
      return;
    }
    queue.add(s.name);
    pump();
  }

  function pump() {
    while (active < concurrency && queue.size > 0 && !stopping) {
      /** @type {Source[]} */
      const round = [];
      for (const name of queue) {
        if (round.length >= sourcesPerRound) break;
        queue.delete(name);
        const s = sources.get(name);
        if (s && !s.running) round.push(s);
      }
      if (round.length) run(round);
    }
    if (admissionWaiters.size > 0 && (stopping || !behind())) for (const release of [...admissionWaiters]) release();
    if (active === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /**
   * Whether the router is behind the writes: its oldest announcement not yet delivered has
   * waited longer than `admitBehindMs`, whether it waits for a round (queued, or come while its
   * source was being read) or is in a round under way. (Counting only those not taken by a round
   * released every held write at each round's start, 50 at once, while the rounds under way still
   * carried events 0.5–1 s old: the writes then outran the copies again, bench:scale.)
   */
  function behind(by = admitBehindMs) {
    const t = now();
    for (const r of rounds) if (r.oldest !== null && t - r.oldest > by) return true;
    for (const s of waiting) {
      if (s.error !== null || s.waitingSince === null) continue; // a failing source is retried on its own clock
      return t - s.waitingSince > by;
    }
    return false;
  }
  /** Behind by more than `admitFarBehindMs`: every write waits, also one into a database with nothing undelivered. */
  const farBehind = () => behind(Math.max(admitBehindMs, admitFarBehindMs));

  /**
   * One round: a batch of each source read, their copies written together, their checkpoints
   * saved together (readRound). Each source's outcome is its own: a source whose batch was full
   * goes back in the queue (behind the others: a big backlog does not hold up the rest); a
   * failed one keeps its announcement and is retried.
   * @param {Source[]} round
   */
  function run(round) {
    active++;
    /** @type {number | null} */
    let oldest = null;
    for (const s of round) {
      s.running = true;
      s.again = false;
      s.drainingSince = s.waitingSince;
      s.waitingSince = null;
      waiting.delete(s);
      if (s.drainingSince !== null && s.error === null) oldest = oldest === null ? s.drainingSince : Math.min(oldest, s.drainingSince);
    }
    const under = { oldest };
    rounds.add(under);
    readRound(round)
      .catch((err) => new Map(round.map((s) => [s, { error: err }])))
      .then((outcomes) => {
        for (const s of round) {
          const outcome = outcomes.get(s) ?? { error: new Error('not read') };
          if ('error' in outcome) {
            // Still lagging: retried by the next announcement or the backstop.
            const since = s.drainingSince;
            s.waitingSince = since === null ? s.waitingSince : Math.min(since, s.waitingSince ?? since);
            if (s.waitingSince !== null) waiting.add(s);
            s.drainingSince = null;
            s.error = { message: messageOf(outcome.error), since: s.error?.since ?? now() };
            recordError(s.name, outcome.error);
            retryLater(s);
          } else {
            s.error = null;
            if (outcome.more) {
              // a full batch: more to read, still announced since then
              const since = s.drainingSince;
              s.waitingSince = since === null ? s.waitingSince : Math.min(since, s.waitingSince ?? since);
              if (s.waitingSince !== null) waiting.add(s);
              s.again = true;
            }
            s.drainingSince = null;
          }
        }
      })
      .finally(() => {
        active--;
        rounds.delete(under);
        for (const s of round) {
          s.running = false;
          if (s.again && !s.error && !stopping) queue.add(s.name);
        }
        pump();
        void saveFeedPosition();
      });
  }

  /**
   * A failed source is read again after a pause growing from 2 s to a minute (a target that was
   * down, CouchDB restarting), without waiting for the backstop's next round.
   * @param {Source} s
   */
  function retryLater(s) {
    const failingFor = now() - (s.error?.since ?? now());
    const t = setTimeout(() => {
      if (s.error && !s.running && sources.get(s.name) === s) schedule(s);
    }, Math.min(60_000, Math.max(2_000, failingFor)));
    t.unref?.();
  }

  /** Resolves when no drain is running or queued. */
  function idle() {
    if (active === 0 && (queue.size === 0 || stopping)) return Promise.resolve();
    return new Promise((resolve) => idleWaiters.push(() => resolve(undefined)));
  }

  // ------------------------------------------------------------------ state (router-state)

  async function loadParked() {
    const db = await state();
    const parkedRows = await db.allDocs({ startkey: PARKED, endkey: `${PARKED}\ufff0` });
    parked.clear();
    for (const row of parkedRows.rows) {
      const target = row.id.slice(PARKED.length, row.id.indexOf(':', PARKED.length));
      parked.set(target, (parked.get(target) ?? 0) + 1);
    }
  }

  /**
   * Loads the checkpoints of the sources that have none loaded yet (one request for all).
   * @param {Source[]} list
   */
  async function loadCheckpoints(list) {
    const missing = list.filter((s) => s.checkpoint === null);
    if (missing.length === 0) return;
    const db = await state();
    const res = await db.allDocs({ keys: missing.map((s) => CHECKPOINT + s.name), include_docs: true });
    missing.forEach((s, i) => {
      const row = res.rows[i];
      if (s.checkpoint !== null) return; // loaded meanwhile (a drain)
      s.checkpoint = row?.doc ? { seq: row.doc.seq ?? 0, rev: row.doc._rev } : { seq: 0 };
    });
  }

  /**
   * @param {Source} s
   * @param {string | number} seq
   */
  async function saveCheckpoint(s, seq) {
    const db = await state();
    const id = CHECKPOINT + s.name;
    for (let attempt = 0; ; attempt++) {
      const rev = s.checkpoint?.rev;
      /** @type {Record<string, unknown>} */
      const doc = { _id: id, docType: 'router-checkpoint', source: s.name, seq, at: new Date(now()).toISOString() };
      if (rev) doc._rev = rev;
      try {
        const res = await db.put(doc);
        s.checkpoint = { seq, rev: res.rev };
        return;
      } catch (err) {
        // Another router (or a dropped checkpoint): take its revision and write ours over it.
        // Ours is as safe as theirs: each was written after its copies were durable.
        if (/** @type {any} */ (err).status !== 409 || attempt >= 3) throw err;
        const current = await db.get(id).catch(() => null);
        s.checkpoint = { seq: s.checkpoint?.seq ?? 0, ...(current?._rev ? { rev: current._rev } : {}) };
      }
    }
  }

  /**
   * The checkpoints of a round, in one request; one that meets another router's revision (409)
   * is written again alone, over it (saveCheckpoint).
   * @param {{ s: Source, seq: string | number }[]} list
   * @param {Map<Source, { error: unknown } | { more: boolean }>} outcomes a failure is recorded here
   */
  async function saveCheckpoints(list, outcomes) {
    if (list.length === 0) return;
    const at = new Date(now()).toISOString();
    /** @type {any[]} */
    let rows;
    try {
      const db = await state();
      rows = await db.bulkDocs(
        list.map(({ s, seq }) => ({ _id: CHECKPOINT + s.name, docType: 'router-checkpoint', source: s.name, seq, at, ...(s.checkpoint?.rev ? { _rev: s.checkpoint.rev } : {}) })),
      );
    } catch (err) {
      for (const { s } of list) outcomes.set(s, { error: err });
      return;
    }
    await forEachLimit(
      list.map((item, i) => ({ ...item, row: rows[i] })),
      4,
      async ({ s, seq, row }) => {
        try {
          if (row?.ok) s.checkpoint = { seq, rev: row.rev };
          else if (row?.status === 409 || row?.error === 'conflict' || row?.name === 'conflict') await saveCheckpoint(s, seq);
          else throw new Error(`saving the checkpoint of ${s.name}: ${row?.error ?? 'no answer'} ${row?.reason ?? row?.message ?? ''}`);
          totals.batches++;
        } catch (err) {
          outcomes.set(s, { error: err });
        }
      },
    );
  }

  /**
   * A database is gone (an account deleted): forget it and its checkpoint, so that a new
   * database of the same name is read from the start.
   * @param {string} name
   */
  async function forgetSource(name) {
    known.delete(name);
    const s = sources.get(name);
    if (!s || s.running) return;
    sources.delete(name);
    waiting.delete(s);
    queue.delete(name);
    requests.forget(name);
    const db = await state();
    const doc = await db.get(CHECKPOINT + name).catch(() => null);
    if (doc) await db.remove(doc).catch(() => {});
  }

  /** Whether a database is there now. @param {string} name */
  async function exists(name) {
    try {
      const info = await (await couch.db(name)).info();
      // pouchdb-adapter-http answers for a database that is not there with CouchDB's error body
      return info?.error !== 'not_found';
    } catch (err) {
      if (/** @type {{ status?: number }} */ (err).status === 404) return false;
      throw err;
    }
  }

  /** A database appeared: write what was parked for it. @param {string} name */
  function appeared(name) {
    if (known.has(name)) return;
    known.add(name);
    if (parked.has(name)) unpark(name).catch((err) => recordError(name, err));
  }

  /** Saves the feed's position once every database it announced has been read through. */
  async function saveFeedPosition() {
    if (feed.unsaved === null || !feed.saveDue || feed.saving || stopping) return;
    for (const s of sources.values()) if (lagging(s)) return;
    const seq = feed.unsaved;
    feed.saving = true;
    try {
      const db = await state();
      if (feed.rev === undefined) feed.rev = (await db.get(FEED_STATE).catch(() => null))?._rev;
      const res = await db.put({ _id: FEED_STATE, docType: 'router-feed', seq, at: new Date(now()).toISOString(), ...(feed.rev ? { _rev: feed.rev } : {}) });
      feed.rev = res.rev;
      feed.savedAt = now();
      if (feed.unsaved === seq) {
        feed.unsaved = null;
        feed.saveDue = false;
      }
    } catch (err) {
      feed.rev = undefined; // another router wrote it: read its revision next time
      if (/** @type {any} */ (err).status !== 409) recordError(null, err);
    } finally {
      feed.saving = false;
    }
  }

  // ------------------------------------------------------------------ routing one source

  /**
   * Reads one batch of each source of the round, plans their copies, writes them grouped by
   * target (one `bulkDocs` per target for the whole round, where there was one per source and
   * target: with many residents writing one event each, the router spent its time on small
   * writes into operations and the station databases, and on a checkpoint write per source),
   * then saves the checkpoints of the sources whose copies are all durable, in one request.
   * A source's checkpoint moves only past copies written or parked; a target that fails holds
   * back only the sources with copies for it.
   * @param {Source[]} round
   * @returns {Promise<Map<Source, { error: unknown } | { more: boolean }>>}
   */
  async function readRound(round) {
    /** @type {Map<Source, { error: unknown } | { more: boolean }>} */
    const outcomes = new Map();
    /** @type {Map<Source, { lastSeq: string | number, save: boolean }>} */
    const read = new Map();
    /** @type {Map<string, Map<string, { doc: any, source: Source }>>} target → id@rev → copy */
    const plan = new Map();
    await loadCheckpoints(round);
    await forEachLimit(round, 8, async (s) => {
      try {
        if (s.checkpoint === null) await loadCheckpoints([s]);
        const since = /** @type {{ seq: string | number }} */ (s.checkpoint).seq;
        const db = await couch.db(s.name);
        const res = await db.changes({ include_docs: true, style: 'all_docs', return_docs: true, since, limit: batchSize, batch_size: batchSize });
        const results = /** @type {any[]} */ (res.results ?? []);
        const moved = String(res.last_seq) !== String(since);
        if (results.length > 0) {
          for (const [target, copies] of await planBatch(s, db, results, since, res.last_seq)) {
            let docs = plan.get(target);
            if (!docs) plan.set(target, (docs = new Map()));
            for (const [key, doc] of copies) docs.set(key, { doc, source: s });
          }
        }
        read.set(s, { lastSeq: res.last_seq, save: results.length > 0 });
        outcomes.set(s, { more: results.length >= batchSize && moved });
      } catch (err) {
        outcomes.set(s, { error: err });
      }
    });
    if (stopping && read.size === 0) return outcomes;

    // the copies, one bulkDocs per target (parked when the target is not there yet)
    if ([...plan.keys()].some((t) => !known.has(t))) await refreshKnown();
    await forEachLimit([...plan.entries()], 4, async ([target, copies]) => {
      try {
        if (!known.has(target)) {
          /** @type {Map<Source, any[]>} */
          const bySource = new Map();
          for (const { doc, source } of copies.values()) bySource.set(source, [...(bySource.get(source) ?? []), doc]);
          for (const [source, docs] of bySource) await park(source, target, docs);
          return;
        }
        await copyInto(target, [...copies.values()]);
      } catch (err) {
        for (const { source } of copies.values()) if (!('error' in (outcomes.get(source) ?? {}))) outcomes.set(source, { error: err });
      }
    });

    // the checkpoints of the sources whose copies are all durable
    const done = [...read].filter(([s, r]) => r.save && !('error' in (outcomes.get(s) ?? {})));
    await saveCheckpoints(done.map(([s, r]) => ({ s, seq: r.lastSeq })), outcomes);
    return outcomes;
  }

  /**
   * Copies into one target, written together with those of the rounds that reach the target
   * while a write into it is under way: one write (and one check of the target's requests) at a
   * time per target, each taking everything that waited. Rounds run `concurrency` at once and
   * mostly copy into the same few databases (operations, a station): each wrote on its own, and
   * a round of one source (a resident's one new report) queued behind the others' writes into
   * operations and their re-reads of it, 0.2–0.9 s (bench:scale, 50 residents writing). A failed
   * write fails every round whose copies were in it (each keeps its announcement and is retried).
   * @param {string} target
   * @param {{ doc: any, source: Source }[]} copies
   * @returns {Promise<void>}
   */
  function copyInto(target, copies) {
    let q = copyQueues.get(target);
    if (!q) copyQueues.set(target, (q = { waiting: [], writing: false }));
    const queue = q;
    return new Promise((resolve, reject) => {
      queue.waiting.push({ copies, resolve, reject });
      if (!queue.writing) void writeWaitingCopies(target, queue);
    });
  }

  /**
   * @param {string} target
   * @param {{ waiting: { copies: { doc: any, source: Source }[], resolve: () => void, reject: (err: unknown) => void }[], writing: boolean }} q
   */
  async function writeWaitingCopies(target, q) {
    q.writing = true;
    while (q.waiting.length > 0) {
      const batch = q.waiting.splice(0);
      /** @type {Map<string, { doc: any, source: Source }>} */
      const merged = new Map();
      for (const w of batch) for (const c of w.copies) merged.set(`${c.doc._id}@${c.doc._rev}`, c);
      try {
        await writeCopies(target, await sameRequests(target, [...merged.values()]));
        for (const w of batch) w.resolve();
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
    q.writing = false; // nothing waits (and nothing can arrive before this line: no await since the check)
    copyQueues.delete(target);
  }

  /**
   * Which copies go where: target → (id@rev → document).
   * @param {Source} s
   * @param {any} db
   * @param {any[]} results
   * @param {string | number} since the batch's `since`
   * @param {string | number} lastSeq its `last_seq`
   */
  async function planBatch(s, db, results, since, lastSeq) {
    /** @type {Map<string, Map<string, any>>} */
    const plan = new Map();
    // The source's requests: folded from this very batch when the registry stands at its
    // `since` (no second read of the source), else read on by the registry. An event whose
    // request is not in what the batch holds asks the registry to read on (a submission written
    // after its follow-up, by an admin or a copy): the verdict is the one on the whole database.
    const advanced = await requests.advance(s.name, since, results, lastSeq);
    let held = advanced ?? (await requests.index(s.name));
    let readOn = advanced === null;
    /**
     * @param {any} doc
     * @param {string} reason
     */
    const reject = (doc, reason) => {
      totals.rejected++;
      recentRejections.push({ source: s.name, id: doc._id, rev: doc._rev, reason });
      if (recentRejections.length > 20) recentRejections.shift();
      logError(`[router] not routing ${s.name}/${doc._id} (${doc._rev}): ${reason}`);
    };
    for (const change of results) {
      const doc = change.doc;
      if (!doc || change.deleted || doc._deleted) continue; // deletions are not routed
      if (typeof doc._id !== 'string' || doc._id.startsWith('_')) continue; // design documents
      if (doc.docType !== 'event') continue; // profiles, station documents, …

      // A copy (or an event misplaced by an admin) routes nowhere: only its origin routes it.
      let origin = null;
      try {
        origin = originDatabase(doc);
      } catch {
        origin = null; // malformed: the write check below says why
      }
      if (origin !== null && origin !== s.name) continue;

      /** @type {Record<string, unknown>} */
      const plain = { ...doc };
      for (const f of META_FIELDS) delete plain[f];
      const verdict = validateWrite({ database: s.kind, doc: plain, user: ADMIN, existing: false });
      if (!verdict.ok) {
        reject(doc, verdict.reason);
        continue;
      }
      // The guard checked this when it was written; an event that reached the database another
      // way (an admin, a client talking to CouchDB itself) is checked here before it goes anywhere.
      let request = requestFacts(held, verdict.event.requestId);
      let linkage = linkageProblem(verdict.event, request);
      if (linkage && !readOn) {
        held = await requests.index(s.name);
        readOn = true;
        request = requestFacts(held, verdict.event.requestId);
        linkage = linkageProblem(verdict.event, request);
      }
      if (linkage) {
        reject(doc, `${linkage.rule}: ${linkage.reason}`);
        continue;
      }
      const targets = routeTargets(verdict.event, s.kind);
      if (targets.length === 0) continue;

      /** @type {string[]} */
      const leaves = (change.changes ?? []).map((/** @type {{ rev: string }} */ c) => c.rev);
      let copies = [doc];
      // Events are never changed: one revision, generation 1. Anything else (an admin's edit, a
      // conflict) is copied with its whole history, every leaf, so the copy's tree matches.
      if (leaves.length > 1 || generation(doc._rev) > 1) copies = await withHistory(db, doc._id, leaves.length ? leaves : [doc._rev]);
      /** @type {Map<string, any[]>} */
      const extra = new Map();
      // A hand-over to another station brings the request's submission along: that station's
      // staff write about the request, and their database must hold it (requestLinkage).
      const to = verdict.event.type === 'routed' ? /** @type {{ toStation?: string }} */ (verdict.event.payload).toStation : undefined;
      if (to !== undefined && request && request.submissionId !== doc._id) {
        const submission = await db.get(request.submissionId).catch(() => null);
        if (submission) extra.set(stationDbName(to), [submission]);
      }
      for (const target of targets) {
        let docs = plan.get(target);
        if (!docs) plan.set(target, (docs = new Map()));
        for (const c of [...(extra.get(target) ?? []), ...copies]) docs.set(`${c._id}@${c._rev}`, c);
      }
    }
    return plan;
  }

  /**
   * @param {any} db
   * @param {string} id
   * @param {string[]} revs
   */
  async function withHistory(db, id, revs) {
    const res = await db.bulkGet({ docs: revs.map((rev) => ({ id, rev })), revs: true });
    const docs = [];
    for (const result of res.results ?? []) {
      for (const d of result.docs ?? []) {
        if (!d.ok) throw new Error(`reading ${id} ${JSON.stringify(d.error ?? d)}`);
        docs.push(d.ok);
      }
    }
    return docs;
  }

  /**
   * The copies whose request is the same one in `target` (or not there yet): never a second
   * submission of a request id the target holds, never another resident's request.
   * @param {string} target
   * @param {{ doc: any, source: Source }[]} copies
   */
  async function sameRequests(target, copies) {
    const there = await requests.index(target);
    /** @type {any[]} */
    const docs = [];
    for (const { doc, source } of copies) {
      const problem = copyProblem(doc, requestFacts(there, doc.requestId));
      if (!problem) {
        docs.push(doc);
        continue;
      }
      totals.rejected++;
      recentRejections.push({ source: source.name, id: doc._id, rev: doc._rev, reason: `into ${target}: ${problem.reason}` });
      if (recentRejections.length > 20) recentRejections.shift();
      logError(`[router] not copying ${source.name}/${doc._id} (${doc._rev}) into ${target}: ${problem.rule}: ${problem.reason}`);
    }
    return docs;
  }

  /**
   * @param {string} target
   * @param {any[]} docs
   */
  async function writeCopies(target, docs) {
    const db = await couch.db(target);
    for (let i = 0; i < docs.length; i += batchSize) {
      const chunk = docs.slice(i, i + batchSize);
      const rows = await db.bulkDocs(chunk, { new_edits: false });
      const failed = (Array.isArray(rows) ? rows : []).filter((r) => r && r.error);
      if (failed.length) {
        const f = failed[0];
        throw new Error(`copying ${f.id} into ${target}: ${f.error}${f.reason ? ` (${f.reason})` : ''}${failed.length > 1 ? ` and ${failed.length - 1} more` : ''}`);
      }
      totals.copied += chunk.length;
    }
  }

  async function refreshKnown() {
    known = new Set(await couch.listDatabases());
  }

  /**
   * @param {Source} s
   * @param {string} target
   * @param {any[]} docs
   */
  async function park(s, target, docs) {
    const db = await state();
    const at = new Date(now()).toISOString();
    const rows = await db.bulkDocs(
      docs.map((doc) => ({ _id: `${PARKED}${target}:${doc._id}:${doc._rev}`, docType: 'router-parked', target, source: s.name, parkedAt: at, doc })),
    );
    let added = 0;
    for (const r of rows) {
      if (r.ok) added++;
      else if (r.error && r.status !== 409 && r.name !== 'conflict' && r.error !== 'conflict') {
        throw new Error(`parking a copy for ${target}: ${r.error} ${r.reason ?? r.message ?? ''}`);
      }
    }
    if (added) {
      if (!parked.has(target)) log(`[router] ${target} does not exist (yet): its copies are kept in ${stateDb} and written when it appears`);
      parked.set(target, (parked.get(target) ?? 0) + added);
      totals.parked += added;
    }
  }

  /** Writes the parked copies of a target that now exists, then forgets them. @param {string} target */
  async function unpark(target) {
    if (unparking.has(target)) return;
    unparking.add(target);
    try {
      const db = await state();
      for (;;) {
        const res = await db.allDocs({ startkey: `${PARKED}${target}:`, endkey: `${PARKED}${target}:\ufff0`, include_docs: true, limit: batchSize });
        const rows = /** @type {any[]} */ (res.rows).filter((r) => r.doc);
        if (rows.length === 0) break;
        await writeCopies(target, rows.map((r) => r.doc.doc));
        const removed = await db.bulkDocs(rows.map((r) => ({ _id: r.id, _rev: r.doc._rev, _deleted: true })));
        totals.unparked += removed.filter((/** @type {any} */ r) => r.ok).length;
        if (rows.length < batchSize) break;
      }
      const left = (await db.allDocs({ startkey: `${PARKED}${target}:`, endkey: `${PARKED}${target}:\ufff0` })).rows.length;
      if (left) parked.set(target, left);
      else parked.delete(target);
      if (!left) log(`[router] ${target} appeared: wrote the copies kept for it`);
    } finally {
      unparking.delete(target);
    }
  }

  // ------------------------------------------------------------------ the sweep (backstop)

  /**
   * Checks the sources one by one, at most `perSecond` a second: "anything after my checkpoint?"
   * (`_changes?since=<checkpoint>&limit=1`), and announces the ones that have something.
   * @param {number} perSecond
   */
  async function sweepOnce(perSecond) {
    const t0 = now();
    try {
      await refreshKnown();
      if (!known.has(stateDb)) throw new Error(`the database ${stateDb} does not exist (the server's setup creates it)`);
      for (const [name, s] of sources) if (!known.has(name) && !s.running) await forgetSource(name).catch((err) => recordError(name, err));
      for (const target of [...parked.keys()]) {
        if (known.has(target)) await unpark(target).catch((err) => recordError(target, err));
      }
      const names = [...known].filter((name) => sourceFor(name));
      const page = 100;
      // the pace: a check every 1 / perSecond seconds, at most a second's checks at once after a
      // delay (wall clock: a test's clock may stand still); raised while under way when a brisker
      // sweep is asked for (sweep)
      sweepPace = perSecond;
      let next = Date.now();
      for (let i = 0; i < names.length && !stopping; i += page) {
        const list = /** @type {Source[]} */ (names.slice(i, i + page).map((n) => sources.get(n)).filter(Boolean));
        await loadCheckpoints(list);
        for (const s of list) {
          if (stopping) break;
          await pause(next - Date.now());
          next = Math.max(next, Date.now() - 1000) + 1000 / sweepPace;
          if (s.running || queue.has(s.name) || s.checkpoint === null) continue; // being read (or forgotten meanwhile)
          if (lagging(s)) {
            schedule(s); // announced, or its last read failed: read it (again) now
            continue;
          }
          try {
            const db = await couch.db(s.name);
            const res = await db.changes({ since: s.checkpoint.seq, limit: 1 });
            totals.checked++;
            if ((res.results ?? []).length > 0) signal(s);
          } catch (err) {
            if (/** @type {any} */ (err)?.status === 404) continue; // deleted meanwhile
            s.error = { message: messageOf(err), since: s.error?.since ?? now() };
            recordError(s.name, err);
          }
        }
      }
      lastSweepAt = now();
      lastSweepMs = lastSweepAt - t0;
    } catch (err) {
      recordError(null, err);
    }
  }

  /**
   * One sweep; a sweep already under way is joined rather than doubled.
   * @param {{ perSecond?: number }} [opts]
   */
  function sweep({ perSecond = catchUpPerSecond } = {}) {
    if (sweeping) sweepPace = Math.max(sweepPace, perSecond); // joined: at the brisker pace from here on
    sweeping ??= sweepOnce(perSecond).finally(() => {
      sweeping = null;
    });
    return sweeping;
  }

  /**
   * Rounds start at least `roundMs` apart (the sweep at start is the first); a round that took
   * longer is followed by the next at once. So the checks per minute are at most
   * `perSecond` × 60 whatever the number of databases, and fewer when a round of all of them at
   * that pace is shorter than `roundMs`: min(perSecond × 60, N × 60 s / roundMs). (Before, each
   * round was followed by a whole `roundMs` of rest: 75 checks a minute at 1,000 databases and
   * 230 at 10,000, growing with N.) The price: a change no one announced is found within one
   * round, max(roundMs, N / perSecond).
   */
  async function runBackstop() {
    let roundStart = now();
    for (;;) {
      const { roundMs } = backstop();
      if (stopping || !roundMs) return;
      await pause(roundStart + roundMs - now());
      if (stopping) return;
      roundStart = now();
      await sweep({ perSecond: backstop().perSecond });
    }
  }

  // ------------------------------------------------------------------ the _db_updates feed

  /** @param {{ db_name?: string, type?: string }} update */
  async function onDatabaseUpdate(update) {
    const name = update.db_name;
    if (typeof name !== 'string') return;
    totals.announced++;
    // CouchDB's feed is late (it holds updates, and orders them per database name, not per
    // incarnation): a "deleted" can arrive after the name was created again. Forgetting a
    // database that is there dropped it from the sources and deleted its checkpoint, so it was
    // read and copied again from the start. Only a database that is gone is forgotten (a checkpoint
    // of an earlier incarnation is harmless on CouchDB: its shards' uuids differ, so it reads from 0).
    if (update.type === 'deleted') {
      try {
        if (!(await exists(name))) {
          await forgetSource(name);
          return;
        }
      } catch (err) {
        recordError(name, err);
        return;
      }
    }
    appeared(name);
    const s = sourceFor(name);
    if (s) feed.saveDue = true;
    if (s && update.type !== 'created') signal(s);
  }

  async function followFeed() {
    const dbUpdates = /** @type {NonNullable<Couch['dbUpdates']>} */ (couch.dbUpdates);
    /** @type {string | number | null} */
    let since = null;
    try {
      const saved = await (await state()).get(FEED_STATE).catch(() => null);
      if (saved) {
        since = saved.seq;
        feed.rev = saved._rev;
        feed.savedAt = now();
      }
    } catch (err) {
      recordError(null, err);
    }
    // No saved position: from now on; the sweep at start covers what came before.
    let failures = 0;
    while (!stopping) {
      try {
        const res = await dbUpdates({ since: since ?? 'now', signal: stopSignal.signal });
        if (stopping) return;
        failures = 0;
        if (feed.state !== 'following') log('[router] following _db_updates');
        // Back after failing (CouchDB restarted, the network between): what CouchDB held back
        // when it stopped (up to 500 ms of updates) may never be announced. Every source is
        // checked once at the catch-up pace, so the steady backstop can stay slow.
        if (feed.state === 'failing') void sweep({ perSecond: catchUpPerSecond });
        feed.state = 'following';
        feed.error = null;
        for (const update of res.results ?? []) await onDatabaseUpdate(update);
        if (since === null || String(res.last_seq) !== String(since)) {
          since = res.last_seq;
          feed.unsaved = since;
          if (feed.savedAt === null || now() - feed.savedAt >= feedSaveMs) feed.saveDue = true;
          void saveFeedPosition();
        }
      } catch (err) {
        if (stopping) return;
        failures++;
        const message = messageOf(err);
        if (feed.error !== message) recordError('_db_updates', err);
        feed.state = 'failing';
        feed.error = message;
        // A feed that is not there (no _global_changes, not an admin) is not hammered: the
        // backstop does its work meanwhile, at its brisker pace.
        await pause(Math.min(60_000, 1_000 * 2 ** Math.min(failures, 6)));
      }
    }
  }

  // ------------------------------------------------------------------ health

  /**
   * The summary: numbers only, no database names (resident database names carry account
   * numbers); error messages with resident database names redacted unless `named`.
   */
  function summaryHealth(named = false) {
    const t = now();
    /** @type {number | null} */
    let oldest = catchUp !== null && !caughtUp && startedAt !== null ? startedAt : null;
    /** @type {string[]} */
    const behind = [];
    /** @type {{ source: string, error: string, since: string }[]} */
    const failing = [];
    for (const s of sources.values()) {
      if (lagging(s)) behind.push(s.name);
      for (const since of [s.waitingSince, s.drainingSince]) if (since !== null) oldest = oldest === null ? since : Math.min(oldest, since);
      if (s.error) failing.push({ source: s.name, error: s.error.message, since: new Date(s.error.since).toISOString() });
    }
    const lagSeconds = oldest === null ? 0 : Math.round((t - oldest) / 100) / 10;
    const parkedEvents = [...parked.values()].reduce((a, b) => a + b, 0);
    const running = started && !stopping;
    const ok = running && failing.length === 0 && lagSeconds <= maxLagSeconds;
    const sourceCount = [...known].filter((n) => parseDatabaseName(n).kind !== 'other').length;
    const pace = backstop();
    const summary = {
      ok,
      running,
      caughtUp,
      lagDatabases: behind.length,
      lagSeconds,
      maxLagSeconds,
      sources: sourceCount,
      failingSources: failing.length,
      parked: { events: parkedEvents, databases: parked.size },
      copied: totals.copied,
      rejected: totals.rejected,
      /** members' writes admission() held back so far (the router was behind) */
      heldBack: totals.heldBack,
      /** databases the sweeps checked so far (each one `_changes?limit=1`): the router's idle requests */
      checks: totals.checked,
      updates: { feed: feed.state, ...(feed.error ? { error: named ? feed.error : redact(feed.error) } : {}) },
      backstop: { perSecond: pace.perSecond, roundMs: pace.roundMs },
      lastSweepAt: lastSweepAt === null ? null : new Date(lastSweepAt).toISOString(),
      lastSweepMs,
      lastError: lastError && {
        at: new Date(lastError.at).toISOString(),
        message: named ? `${lastError.source ?? 'sweep'}: ${lastError.message}` : redact(lastError.message),
      },
    };
    return { summary, failing, behind };
  }

  /** For operators: the summary with database names, error messages and counters. */
  function detailedHealth() {
    const { summary, failing, behind } = summaryHealth(true);
    return {
      ...summary,
      lagging: behind.slice(0, 50),
      failing: failing.slice(0, 50),
      parkedFor: Object.fromEntries(parked),
      recentRejections: [...recentRejections],
      totals: { ...totals },
    };
  }

  /**
   * @param {{ detail?: boolean }} [opts] detail: database names and error messages (for
   *   operators; resident database names carry account numbers)
   */
  function health({ detail = false } = {}) {
    return detail ? detailedHealth() : summaryHealth(false).summary;
  }

  /** @param {string} name */
  const onCreated = (name) => {
    if (started && !stopping && typeof name === 'string') appeared(name);
  };
  /** @param {string} name */
  const onDestroyed = (name) => {
    if (started && !stopping && typeof name === 'string') forgetSource(name).catch((err) => recordError(name, err));
  };

  // ------------------------------------------------------------------ the API

  return {
    /**
     * Checks that router-state exists, then returns: the catch-up (the sweep at start, or the
     * feed from its saved position) runs behind, so a server can listen at once. `settle()`
     * waits for it.
     */
    async start() {
      if (started) return;
      stopping = false;
      await refreshKnown();
      if (!known.has(stateDb)) throw new Error(`the database ${stateDb} does not exist (the server's setup creates it)`);
      await loadParked();
      started = true;
      startedAt = now();
      couch.onDatabaseEvent?.('created', onCreated);
      couch.onDatabaseEvent?.('destroyed', onDestroyed);
      const savedFeed = hasFeed ? await (await state()).get(FEED_STATE).catch(() => null) : null;
      if (hasFeed) feedLoop = followFeed();
      // With a saved feed position the feed says what changed meanwhile (CouchDB may have lost
      // the last half second before a crash: the backstop finds that); else every source is checked.
      catchUp = (savedFeed ? Promise.resolve() : sweep({ perSecond: catchUpPerSecond }))
        .then(() => idle())
        .then(() => {
          caughtUp = true;
        });
      backstopLoop = runBackstop();
    },

    /** Stops announcing and sweeping, lets running batches finish (their checkpoints are written), and resolves. */
    async stop() {
      if (!started) return;
      stopping = true;
      stopSignal.abort();
      couch.offDatabaseEvent?.('created', onCreated);
      couch.offDatabaseEvent?.('destroyed', onDestroyed);
      queue.clear();
      for (const release of [...admissionWaiters]) release();
      await sweeping;
      await feedLoop?.catch(() => {});
      await backstopLoop;
      await idle();
      started = false;
    },

    /**
     * Something was written into `dbName`: route it soon. Cheap, synchronous, never throws;
     * names that are not sources are ignored. Call it after every successful write to /db.
     * @param {string} dbName
     */
    notify(dbName) {
      try {
        if (!started || stopping || typeof dbName !== 'string') return;
        const s = sourceFor(dbName);
        if (!s) return;
        appeared(dbName);
        signal(s);
      } catch (err) {
        recordError(dbName, err);
      }
    },

    /**
     * Resolves when a write may be stored: at once, unless the router is behind (behind()); then
     * when a round ends with the router no longer behind, or after `admitMaxWaitMs`. The guard awaits it before it
     * stores a member's write. Why: every write is a copy or two the router owes, and in one
     * process they share one thread; 50 residents writing as fast as they were answered outran
     * the router, whose queue then grew for as long as they wrote (a report reached operations
     * after 19–25 s at p95 in bench:scale). Held back, the writes go at the pace the router
     * copies them, and a report waits for a round or two instead of the whole backlog.
     * A write into `dbName` with no change waiting for a round (its earlier ones delivered or in
     * a round under way: a resident's next report, not one of a crowd writing as fast as
     * answered, whose last write still waits) goes at once unless the router is more than
     * `admitFarBehindMs` behind: those who made the backlog wait for it, not the one whose report
     * it would delay (bench:scale at 10,000, 50 writers: the probe's own write was held 0.7 s at
     * p95, most of its report's 1.02 s).
     * @param {string} [dbName] the database written to
     * @returns {Promise<void>}
     */
    admission(dbName) {
      if (!started || stopping || !behind()) return Promise.resolve();
      const s = dbName === undefined ? undefined : sources.get(dbName);
      const delivered = dbName !== undefined && (!s || (s.waitingSince === null && s.error === null));
      if (delivered && !farBehind()) return Promise.resolve();
      totals.heldBack++;
      return new Promise((resolve) => {
        const release = () => {
          clearTimeout(timer);
          admissionWaiters.delete(release);
          resolve();
        };
        const timer = setTimeout(release, admitMaxWaitMs);
        timer.unref?.();
        admissionWaiters.add(release);
      });
    },

    sweep,
    idle,

    /**
     * Sweeps and drains until nothing is behind (or `timeoutMs` passes): for tests, tools and
     * a graceful catch-up. Resolves to the detailed health.
     * @param {{ timeoutMs?: number }} [opts]
     */
    async settle({ timeoutMs = 30_000 } = {}) {
      const deadline = now() + timeoutMs;
      await catchUp;
      for (;;) {
        await sweep();
        await idle();
        const h = detailedHealth();
        const parkedPending = [...parked.keys()].some((t) => known.has(t));
        if ((h.lagDatabases === 0 && !parkedPending) || h.failingSources > 0 || now() > deadline) return h;
      }
    },

    /** Resolves once the catch-up at start is done (every source checked once and read through). */
    caughtUp: () => catchUp ?? Promise.resolve(),

    health,
  };
}

/** @typedef {ReturnType<typeof createRouter>} Router */
