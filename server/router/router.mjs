// @ts-check
/**
 * The router: copies each event from the database its author wrote it into (its origin) to
 * every other database that may hold it (src/rules/routing.ts):
 *   a resident's event        resident-<hex> → operations, station-<id>
 *   station staff's event     station-<id>   → operations, resident-<hex> when the resident may see it
 *   operations staff's event  operations     → station-<id>, resident-<hex> when the resident may see it
 *
 * How:
 * - Sources are every resident-*, station-* and operations database. Each is read through
 *   `_changes` (include_docs, style all_docs, `limit` = `batch_size` = batchSize: trap 12) from
 *   its checkpoint.
 * - A batch's copies are written per target with `bulkDocs(docs, { new_edits: false })`: the copy
 *   keeps the `_id` and `_rev` of the original, so writing it again is a no-op (no new revision,
 *   no new sequence). There are no validate_doc_update functions (the guard validates), so
 *   trap 8 does not apply; in-process and admin writes do not go through the guard.
 * - Then, and only then, the source's checkpoint (`checkpoint:<source>` in router-state) moves
 *   past the batch. A crash between the two replays the batch (a no-op), never skips it.
 * - A copy read back in a target's `_changes` is not routed again: only an event's origin routes
 *   it. Documents that are not events (profiles, station documents, design documents) and
 *   deletions are not routed. An event that fails the write check (validateWrite, as admin: well
 *   formed, never deleted) is not copied (it would stall the devices' pull, traps 10–11): it is
 *   logged and counted as `rejected`.
 * - A target that does not exist (a resident who has not signed up yet, a station whose database
 *   is missing) does not hold the source back: the copies are parked in router-state
 *   (`parked:<target>:<id>:<rev>`, durably, before the checkpoint moves) and written when the
 *   database appears.
 * - When: `notify(dbName)` after a write (the /db guard calls it), a sweep every
 *   `sweepIntervalMs` comparing each source's update_seq with its checkpoint (catches what no
 *   notify announced: admin writes, writes straight to CouchDB, the router's own copies), and a
 *   sweep at start (resume after a restart). At most `concurrency` sources are read at once;
 *   one source is never read twice at the same time.
 *
 * Why notify + sweep rather than a live `_changes` feed per database: a feed per database means
 * one open database and one listener (in proxy mode: one open HTTP connection) per resident —
 * thousands — for databases that are mostly idle. Notify costs nothing until a write happens;
 * the sweep is a bounded safety net (`info()` per source, `infoConcurrency` at a time).
 */
import { ROUTER_STATE_DB, parseDatabaseName } from '../../src/db/databaseNames.ts';
import { validateWrite } from '../../src/db/validateWrite.ts';
import { originDatabase, routeTargets } from '../../src/rules/routing.ts';
import { copyProblem, linkageProblem, requestFacts } from '../../src/rules/requestLinkage.ts';
import { stationDbName } from '../../src/db/databaseNames.ts';
import { createRequestRegistry } from '../backend/requestRegistry.mjs';

/** @typedef {import('./couch.mjs').Couch} Couch */
/** @typedef {import('../../src/db/databaseNames.ts').EventDatabase} EventDatabase */

/**
 * @typedef {object} Source
 * @property {string} name
 * @property {EventDatabase} kind
 * @property {{ seq: string | number, rev?: string }} checkpoint seq 0 when there is none yet
 * @property {string | number | null} updateSeq the database's update_seq as last seen
 * @property {number | null} waitingSince earliest signal (notify, sweep) not yet covered by a drain
 * @property {number | null} drainingSince the signal the running drain covers
 * @property {boolean} running
 * @property {boolean} again notified while running: drain once more
 * @property {{ message: string, since: number } | null} error the last drain failed
 */

const CHECKPOINT = 'checkpoint:';
const PARKED = 'parked:';
const ADMIN = Object.freeze({ name: null, roles: ['_admin'] });
/** Fields CouchDB adds on request; the write check reads the document without them. */
const META_FIELDS = ['_revisions', '_conflicts', '_deleted_conflicts', '_revs_info', '_local_seq', '_attachments'];

/**
 * The number in a sequence: PouchDB's are numbers, CouchDB's strings "<n>-<opaque>".
 * @param {unknown} seq
 * @returns {number | null}
 */
export function seqNumber(seq) {
  if (typeof seq === 'number') return seq;
  if (typeof seq === 'string') {
    const n = parseInt(seq, 10);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

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
 * @property {Couch} couch admin access to the databases (./couch.mjs)
 * @property {string} [stateDb] where checkpoints and parked copies live (default router-state; setup creates it)
 * @property {number} [batchSize] changes read per request, and the most copies per bulkDocs (200)
 * @property {number} [sweepIntervalMs] time between sweeps (5000); 0: no timer (call sweep() yourself)
 * @property {number} [concurrency] sources drained at once (4)
 * @property {number} [infoConcurrency] info() requests at once during a sweep (8)
 * @property {number} [maxLagSeconds] health is not ok when a change waits longer than this (60)
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
  sweepIntervalMs = 5_000,
  concurrency = 4,
  infoConcurrency = 8,
  maxLagSeconds = 60,
  log: logRaw = (msg) => console.log(msg),
  logError: logErrorRaw = (msg) => console.error(msg),
  now = () => Date.now(),
}) {
  // Logs name no resident database (their names carry account numbers): health({ detail: true }) does.
  const log = (/** @type {string} */ msg) => logRaw(redact(msg));
  const logError = (/** @type {string} */ msg) => logErrorRaw(redact(msg));
  if (!couch) throw new TypeError('createRouter: couch is required');
  if (!(batchSize >= 1)) throw new RangeError('createRouter: batchSize must be at least 1');

  /** @type {Map<string, Source>} */
  const sources = new Map();
  /** Every database name, from the last listing (or a notify). */
  let known = new Set(/** @type {string[]} */ ([]));
  /** Names of sources waiting for a drain, in order. */
  const queue = new Set(/** @type {string[]} */ ([]));
  let active = 0;
  /** @type {Map<string, number>} target → parked copies */
  const parked = new Map();
  /** @type {Set<string>} targets being unparked */
  const unparking = new Set();
  /** @type {(() => void)[]} */
  let idleWaiters = [];

  let started = false;
  let stopping = false;
  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null;
  /** @type {Promise<void> | null} */
  let sweeping = null;
  /** @type {number | null} */
  let lastSweepAt = null;
  /** @type {number | null} */
  let lastSweepMs = null;
  /** @type {{ at: number, source: string | null, message: string } | null} */
  let lastError = null;
  const totals = { copied: 0, batches: 0, rejected: 0, parked: 0, unparked: 0 };
  /** @type {{ source: string, id: string, rev: string, reason: string }[]} */
  const recentRejections = [];

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
    s = { name, kind, checkpoint: { seq: 0 }, updateSeq: null, waitingSince: null, drainingSince: null, running: false, again: false, error: null };
    sources.set(name, s);
    return s;
  }

  /** @param {Source} s */
  function behind(s) {
    if (s.updateSeq === null) return false;
    const have = seqNumber(s.checkpoint.seq);
    const upd = seqNumber(s.updateSeq);
    if (have === null || upd === null) return String(s.updateSeq) !== String(s.checkpoint.seq);
    return upd > have;
  }

  // ------------------------------------------------------------------ scheduling

  /** @param {Source} s */
  function signal(s) {
    s.waitingSince ??= now();
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
      const name = /** @type {string} */ (queue.values().next().value);
      queue.delete(name);
      const s = sources.get(name);
      if (s && !s.running) run(s);
    }
    if (active === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** @param {Source} s */
  function run(s) {
    active++;
    s.running = true;
    s.again = false;
    s.drainingSince = s.waitingSince;
    s.waitingSince = null;
    drain(s)
      .then(
        () => {
          s.error = null;
          s.drainingSince = null;
        },
        (err) => {
          // Retried by the next sweep (the source is still behind its update_seq).
          const since = s.drainingSince;
          s.waitingSince = since === null ? s.waitingSince : Math.min(since, s.waitingSince ?? since);
          s.drainingSince = null;
          s.error = { message: messageOf(err), since: s.error?.since ?? now() };
          recordError(s.name, err);
        },
      )
      .finally(() => {
        active--;
        s.running = false;
        if (s.again && !s.error && !stopping) queue.add(s.name);
        pump();
      });
  }

  /** Resolves when no drain is running or queued. */
  function idle() {
    if (active === 0 && (queue.size === 0 || stopping)) return Promise.resolve();
    return new Promise((resolve) => idleWaiters.push(() => resolve(undefined)));
  }

  // ------------------------------------------------------------------ state (router-state)

  async function loadState() {
    const db = await state();
    const cps = await db.allDocs({ startkey: CHECKPOINT, endkey: `${CHECKPOINT}\ufff0`, include_docs: true });
    for (const row of cps.rows) {
      const name = row.id.slice(CHECKPOINT.length);
      const s = sourceFor(name);
      if (s && row.doc) s.checkpoint = { seq: row.doc.seq ?? 0, rev: row.doc._rev };
    }
    const parkedRows = await db.allDocs({ startkey: PARKED, endkey: `${PARKED}\ufff0` });
    for (const row of parkedRows.rows) {
      const target = row.id.slice(PARKED.length, row.id.indexOf(':', PARKED.length));
      parked.set(target, (parked.get(target) ?? 0) + 1);
    }
  }

  /**
   * @param {Source} s
   * @param {string | number} seq
   */
  async function saveCheckpoint(s, seq) {
    const db = await state();
    const id = CHECKPOINT + s.name;
    for (let attempt = 0; ; attempt++) {
      /** @type {Record<string, unknown>} */
      const doc = { _id: id, docType: 'router-checkpoint', source: s.name, seq, at: new Date(now()).toISOString() };
      if (s.checkpoint.rev) doc._rev = s.checkpoint.rev;
      try {
        const res = await db.put(doc);
        s.checkpoint = { seq, rev: res.rev };
        return;
      } catch (err) {
        // Another router (or a dropped checkpoint): take its revision and write ours over it.
        // Ours is as safe as theirs: each was written after its copies were durable.
        if (/** @type {any} */ (err).status !== 409 || attempt >= 3) throw err;
        const current = await db.get(id).catch(() => null);
        s.checkpoint = { seq: s.checkpoint.seq, ...(current?._rev ? { rev: current._rev } : {}) };
      }
    }
  }

  /** @param {Source} s */
  async function dropCheckpoint(s) {
    if (!s.checkpoint.rev) return;
    const db = await state();
    await db.remove(CHECKPOINT + s.name, s.checkpoint.rev).catch(() => {});
  }

  // ------------------------------------------------------------------ routing one source

  /**
   * @param {Source} s
   */
  async function drain(s) {
    const db = await couch.db(s.name);
    for (;;) {
      if (stopping) return;
      const res = await db.changes({
        since: s.checkpoint.seq,
        limit: batchSize,
        batch_size: batchSize,
        include_docs: true,
        style: 'all_docs',
        return_docs: true,
      });
      const results = /** @type {any[]} */ (res.results ?? []);
      if (results.length > 0) {
        const plan = await planBatch(s, db, results);
        await deliver(s, plan);
        await saveCheckpoint(s, res.last_seq);
        totals.batches++;
      }
      if (results.length < batchSize) {
        // Caught up with what was there when the batch was read.
        const last = seqNumber(res.last_seq);
        const seen = seqNumber(s.updateSeq);
        if (last !== null && (seen === null || last > seen)) s.updateSeq = res.last_seq;
        else if (last === null) s.updateSeq = res.last_seq;
        return;
      }
    }
  }

  /**
   * Which copies go where: target → (id@rev → document).
   * @param {Source} s
   * @param {any} db
   * @param {any[]} results
   */
  async function planBatch(s, db, results) {
    /** @type {Map<string, Map<string, any>>} */
    const plan = new Map();
    const held = await requests.index(s.name);
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
      const request = requestFacts(held, verdict.event.requestId);
      const linkage = linkageProblem(verdict.event, request);
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
   * Writes the copies into each target (or parks them when it does not exist). Throws unless
   * every copy is durable in its target or parked.
   * @param {Source} s
   * @param {Map<string, Map<string, any>>} plan
   */
  async function deliver(s, plan) {
    if ([...plan.keys()].some((t) => !known.has(t))) await refreshKnown();
    await forEachLimit([...plan.entries()], 4, async ([target, byKey]) => {
      const docs = [...byKey.values()];
      if (!known.has(target)) return park(s, target, docs);
      await writeCopies(target, await sameRequests(s, target, docs));
    });
  }

  /**
   * The copies whose request is the same one in `target` (or not there yet): never a second
   * submission of a request id the target holds, never another resident's request.
   * @param {Source} s
   * @param {string} target
   * @param {any[]} docs
   */
  async function sameRequests(s, target, docs) {
    const there = await requests.index(target);
    return docs.filter((doc) => {
      const problem = copyProblem(doc, requestFacts(there, doc.requestId));
      if (problem) {
        totals.rejected++;
        recentRejections.push({ source: s.name, id: doc._id, rev: doc._rev, reason: `into ${target}: ${problem.reason}` });
        if (recentRejections.length > 20) recentRejections.shift();
        logError(`[router] not copying ${s.name}/${doc._id} (${doc._rev}) into ${target}: ${problem.rule}: ${problem.reason}`);
      }
      return !problem;
    });
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

  // ------------------------------------------------------------------ the sweep

  async function sweepOnce() {
    const t0 = now();
    try {
      await refreshKnown();
      if (!known.has(stateDb)) throw new Error(`the database ${stateDb} does not exist (the server's setup creates it)`);
      /** @type {Set<string>} */
      const present = new Set();
      for (const name of known) if (sourceFor(name)) present.add(name);

      // A source that is gone (an account deleted): forget it and its checkpoint, so that a new
      // database of the same name is read from the start.
      for (const [name, s] of sources) {
        if (present.has(name) || s.running) continue;
        sources.delete(name);
        queue.delete(name);
        requests.forget(name);
        await dropCheckpoint(s).catch((err) => recordError(name, err));
      }

      for (const target of [...parked.keys()]) {
        if (known.has(target)) await unpark(target).catch((err) => recordError(target, err));
      }

      await forEachLimit([...sources.values()], infoConcurrency, async (s) => {
        if (stopping) return;
        try {
          const info = await (await couch.db(s.name)).info();
          const upd = seqNumber(info.update_seq);
          const have = seqNumber(s.checkpoint.seq);
          if (upd !== null && have !== null && upd < have && !s.running) {
            // The database was deleted and created again since the checkpoint: read it all again.
            log(`[router] ${s.name} is behind its checkpoint (${upd} < ${have}): reading it from the start`);
            s.checkpoint = { seq: 0, ...(s.checkpoint.rev ? { rev: s.checkpoint.rev } : {}) };
            requests.forget(s.name);
          }
          s.updateSeq = info.update_seq;
          if (behind(s)) signal(s);
          else if (!s.running) s.error = null; // caught up: whatever failed before has passed
        } catch (err) {
          s.error = { message: messageOf(err), since: s.error?.since ?? now() };
          recordError(s.name, err);
        }
      });
      lastSweepAt = now();
      lastSweepMs = lastSweepAt - t0;
    } catch (err) {
      recordError(null, err);
    }
  }

  /** One sweep; a sweep already under way is joined rather than doubled. */
  function sweep() {
    sweeping ??= sweepOnce().finally(() => {
      sweeping = null;
    });
    return sweeping;
  }

  function scheduleSweep() {
    if (stopping || !sweepIntervalMs) return;
    timer = setTimeout(() => {
      timer = null;
      sweep().finally(scheduleSweep);
    }, sweepIntervalMs);
    timer.unref?.();
  }

  // ------------------------------------------------------------------ health

  /**
   * The summary: numbers only, no database names (resident database names carry account
   * numbers); error messages with resident database names redacted unless `named`.
   */
  function summaryHealth(named = false) {
    const t = now();
    let lagEvents = 0;
    /** @type {number | null} */
    let oldest = null;
    let pendingSources = 0;
    /** @type {{ source: string, error: string, since: string }[]} */
    const failing = [];
    for (const s of sources.values()) {
      const upd = seqNumber(s.updateSeq);
      const have = seqNumber(s.checkpoint.seq);
      const lag = upd !== null && have !== null ? Math.max(0, upd - have) : behind(s) ? 1 : 0;
      lagEvents += lag;
      for (const since of [s.waitingSince, s.drainingSince]) if (since !== null) oldest = oldest === null ? since : Math.min(oldest, since);
      if (lag > 0 || s.waitingSince !== null || s.running) pendingSources++;
      if (s.error) failing.push({ source: s.name, error: s.error.message, since: new Date(s.error.since).toISOString() });
    }
    const lagSeconds = oldest === null ? 0 : Math.round((t - oldest) / 100) / 10;
    const sweepFresh = lastSweepAt !== null && (!sweepIntervalMs || t - lastSweepAt <= Math.max(3 * sweepIntervalMs, 30_000));
    const parkedEvents = [...parked.values()].reduce((a, b) => a + b, 0);
    const running = started && !stopping;
    const ok = running && sweepFresh && failing.length === 0 && lagSeconds <= maxLagSeconds;
    const summary = {
      ok,
      running,
      lagEvents,
      lagSeconds,
      sources: sources.size,
      pendingSources,
      failingSources: failing.length,
      parked: { events: parkedEvents, databases: parked.size },
      copied: totals.copied,
      rejected: totals.rejected,
      lastSweepAt: lastSweepAt === null ? null : new Date(lastSweepAt).toISOString(),
      lastSweepMs,
      sweepIntervalMs,
      lastError: lastError && {
        at: new Date(lastError.at).toISOString(),
        message: named ? `${lastError.source ?? 'sweep'}: ${lastError.message}` : redact(lastError.message),
      },
    };
    return { summary, failing };
  }

  /** For operators: the summary with database names, error messages and counters. */
  function detailedHealth() {
    const { summary, failing } = summaryHealth(true);
    return {
      ...summary,
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

  // ------------------------------------------------------------------ the API

  return {
    /** Loads the checkpoints, sweeps once (resuming where it stopped), then sweeps every sweepIntervalMs. */
    async start() {
      if (started) return;
      stopping = false;
      await refreshKnown();
      if (!known.has(stateDb)) throw new Error(`the database ${stateDb} does not exist (the server's setup creates it)`);
      await loadState();
      started = true;
      await sweep();
      scheduleSweep();
    },

    /** Stops sweeping, lets running batches finish (their checkpoints are written), and resolves. */
    async stop() {
      if (!started) return;
      stopping = true;
      if (timer) clearTimeout(timer);
      timer = null;
      queue.clear();
      await sweeping;
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
        if (!known.has(dbName)) {
          known.add(dbName);
          if (parked.has(dbName)) unpark(dbName).catch((err) => recordError(dbName, err));
        }
        signal(s);
      } catch (err) {
        recordError(dbName, err);
      }
    },

    sweep,
    idle,

    /**
     * Sweeps and drains until nothing is behind (or `timeoutMs` passes): for tests, tools and
     * a graceful catch-up. Resolves to the health.
     * @param {{ timeoutMs?: number }} [opts]
     */
    async settle({ timeoutMs = 30_000 } = {}) {
      const deadline = now() + timeoutMs;
      for (;;) {
        await sweep();
        await idle();
        const h = detailedHealth();
        const parkedPending = [...parked.keys()].some((t) => known.has(t));
        if ((h.lagEvents === 0 && !parkedPending) || h.failingSources > 0 || now() > deadline) return h;
      }
    },

    health,
  };
}

/** @typedef {ReturnType<typeof createRouter>} Router */
