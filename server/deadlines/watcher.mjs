// @ts-check
/**
 * The deadline watcher: records the `escalated` event of every open repair or complaint order
 * that reaches a rung of the escalation ladder (002 ch.1 §12: station head at 24 h, company
 * manager at 48 h, deputy manager in charge at 72 h, general manager at 96 h), whether or not a
 * device is open. The rules are the device's: requestState (src/rules/requestState.ts) folds
 * the request's events at the watcher's clock and says which levels are reached and not yet
 * recorded (escalationsDue); the watcher only writes them.
 *
 * How (the publisher's and the outage feed's pattern: server/followers/drainLoop.mjs,
 * server/followers/changesCheckpoint.mjs): it reads `operations`' `_changes` (every request's events end
 * up there) from a checkpoint, keeps the events of the repair and complaint orders not yet
 * closed or withdrawn in memory, and after each read, and at every sweep (time moves even when
 * nothing is written), folds each of them at `now()`.
 *
 * Exactly once per level, across restarts and with several writers: the event's id is derived
 * from the request id and the level alone (escalationEventId). Two watchers (two server
 * processes on one CouchDB, or a watcher racing a console that still records escalations) that
 * both see level 2 due write the same `_id` into `operations`; CouchDB (and PouchDB) accept the
 * first and answer the second with a 409 conflict, which the watcher reads as "already recorded"
 * and takes the stored event instead. A restart that lost its memory writes the same id again
 * and gets the same conflict. No lease is needed for correctness, and none of the watchers
 * waits for another.
 *
 * Callbacks (issue 19, item 3): the same fold says when a finished request's callback falls due
 * (src/rules/callbacks.ts: the work done, the resident not reached yet, inside the callback
 * hours); the watcher then hands the notice to `onCallbackDue` (the notifier's tellStaff),
 * whose records' ids are derived from the request and the try, so each try is told once across
 * restarts and servers. A closed request of a callback kind is kept until its resident is
 * reached (or it is older than DONE_MS).
 *
 * The event is written as the server (role `admin`, which may write every type) into
 * operations, the database an admin's events originate in (src/rules/routing.ts); the router
 * copies it to the station, whose devices show it (the console no longer records escalations).
 */
import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { EventDoc, fromCouchDoc } from '../../src/db/schema/events/event.ts';
import { ULID_ALPHABET, idTime } from '../../src/db/schema/events/ids.ts';
import { ESCALATING_KINDS, requestState } from '../../src/rules/requestState.ts';
import { CALLBACK_KINDS, dueCallbacks } from '../../src/rules/callbacks.ts';
import { callbackDueNotice } from '../../src/rules/notifications.ts';
import { dictionary } from '../../src/i18n/index.ts';
import { OPERATIONS_DB } from '../../src/db/databaseNames.ts';
import { createDrainLoop } from '../followers/drainLoop.mjs';
import { createChangesCheckpoint } from '../followers/changesCheckpoint.mjs';

const STATE_ID = '_local/hearthline-deadlines';
const DAY_MS = 24 * 3_600_000;
/** Events of a request without its submission are dropped when the request is older than this. */
const ORPHAN_MS = 7 * DAY_MS;
/** Closed requests are remembered (their later events ignored) for this long after their creation. */
const DONE_MS = 180 * DAY_MS;
/** The kinds the watcher follows: those that escalate, and those followed by a callback. */
const WATCHED_KINDS = new Set([...ESCALATING_KINDS, ...CALLBACK_KINDS]);
const KIND_NAMES = dictionary('zh-CN').requestKinds;
/** The author of the events the server records: a user name no account can take (accounts are checked against this prefix nowhere else; the colon keeps it out of sign-up's pattern). */
export const SERVER_AUTHOR = Object.freeze({ name: 'hearthline:server', role: /** @type {const} */ ('admin'), device: 'server' });

/**
 * The id of the `escalated` event of `level` of `requestId`: `ev-`, the request's own ULID time
 * (so it sorts with its request), then 16 base32 characters of SHA-256(requestId, level).
 * The same on every server and after every restart: the database's uniqueness of `_id` is what
 * makes each level recorded once.
 * @param {string} requestId
 * @param {number} level
 */
export function escalationEventId(requestId, level) {
  const digest = createHash('sha256').update(`escalated|${requestId}|${level}`).digest();
  let tail = '';
  for (let i = 0; i < 16; i += 1) tail += ULID_ALPHABET[digest.readUInt8(i) % 32];
  return `ev-${requestId.slice(3, 13)}${tail}`;
}

/**
 * @typedef {object} DeadlineWatcherOptions
 * @property {import('../couch/index.mjs').Couch} couch admin access (the router's)
 * @property {() => number} [now] the watcher's clock (server/clock.mjs)
 * @property {number} [sweepIntervalMs] how often the open orders are folded again without a write (30000); 0: never
 * @property {number} [batchSize]
 * @property {(dbName: string) => void} [onWrite] after an event was written (wakes the router)
 * @property {(notice: import('../../src/rules/notifications.ts').StaffNotice) => Promise<unknown>} [onCallbackDue]
 *   a request's callback fell due (the notifier's tellStaff); called again after a restart, so it must be idempotent
 * @property {(msg: string) => void} [logError]
 */

/** @param {DeadlineWatcherOptions} options */
export function createDeadlineWatcher({ couch, now = () => Date.now(), sweepIntervalMs = 30_000, batchSize = 500, onWrite = () => {}, onCallbackDue, logError = (msg) => console.error(msg) }) {
  /** Request id → its events (CouchDB documents by id), for repair and complaint orders not yet closed or withdrawn. */
  /** @type {Map<string, Map<string, Record<string, any>>>} */
  const open = new Map();
  /** Requests closed or withdrawn: their later events are ignored (a closed order does not escalate). */
  const done = new Set(/** @type {string[]} */ ([]));
  /** @type {string | number} */
  let seq = 0;
  let loaded = false;
  let written = 0;
  let conflicts = 0;
  /** `<request>|<source>` of the callback notices handed on by this process (a restart hands them again; their ids make that harmless). */
  const callbacksTold = new Set(/** @type {string[]} */ ([]));

  const db = () => couch.db(OPERATIONS_DB);
  const checkpoint = createChangesCheckpoint({ db, stateId: STATE_ID, batchSize });

  /** @param {Record<string, any>} doc */
  function keep(doc) {
    if (doc.docType !== 'event' || typeof doc.requestId !== 'string' || typeof doc._id !== 'string') return;
    if (!WATCHED_KINDS.has(doc.requestKind) || done.has(doc.requestId)) return;
    let events = open.get(doc.requestId);
    if (!events) open.set(doc.requestId, (events = new Map()));
    events.set(doc._id, doc);
  }

  /**
   * The request's state at `at` with its events, or null when its events cannot be folded (a history the
   * rules refuse stays as it is: logged, never escalated by guess).
   * @param {string} requestId @param {Map<string, Record<string, any>>} events @param {number} at
   */
  function stateOf(requestId, events, at) {
    const records = [];
    for (const doc of events.values()) {
      const parsed = v.safeParse(EventDoc, doc);
      if (parsed.success) records.push(fromCouchDoc(parsed.output));
    }
    if (!records.some((e) => e.type === 'submitted')) return null; // its submission has not arrived yet
    try {
      return { state: requestState(records, { now: at }), records };
    } catch (err) {
      logError(`[deadlines] ${requestId}: ${/** @type {Error} */ (err).message}`);
      return null;
    }
  }

  /**
   * Writes one `escalated` event; a conflict means another writer recorded this level first.
   * @param {import('../../src/rules/requestState.ts').RequestState} state @param {number} level @param {number} at
   */
  async function record(state, level, at) {
    const operations = await db();
    const submitted = [...(open.get(state.requestId)?.values() ?? [])].find((d) => d.type === 'submitted');
    const doc = {
      _id: escalationEventId(state.requestId, level),
      docType: 'event',
      schemaVersion: 1,
      requestId: state.requestId,
      requestKind: state.kind,
      // never before its request (the write check's rule for every event)
      at: new Date(Math.max(at, Date.parse(submitted?.at ?? 0), idTime(state.requestId))).toISOString(),
      author: { ...SERVER_AUTHOR },
      resident: state.resident,
      station: state.station,
      visibility: 'internal',
      type: 'escalated',
      payload: { level },
      receivedAt: new Date(at).toISOString(),
    };
    const parsed = v.safeParse(EventDoc, doc);
    if (!parsed.success) throw new Error(`${state.requestId} level ${level}: the escalation event does not pass its schema: ${parsed.issues[0].message}`);
    try {
      await operations.put(doc);
      written += 1;
      keep(doc);
      onWrite(OPERATIONS_DB);
    } catch (err) {
      if (/** @type {{ status?: number }} */ (err).status !== 409) throw err;
      // Recorded already, by another watcher or before a restart: take the stored one.
      conflicts += 1;
      keep(await operations.get(doc._id));
    }
  }

  /** Hands a callback notice on once per process; a failure is tried again at the next fold. @param {import('../../src/rules/notifications.ts').StaffNotice} notice */
  async function tellCallback(notice) {
    const key = `${notice.requestId}|${notice.source}`;
    if (callbacksTold.has(key) || !onCallbackDue) return;
    await onCallbackDue(notice);
    callbacksTold.add(key);
  }

  /** Folds every open order at now(), records the levels due and tells the callbacks due. */
  async function escalateDue() {
    const at = now();
    for (const [requestId, events] of [...open]) {
      if (loop.stopped) return;
      const folded = stateOf(requestId, events, at);
      if (!folded) {
        // Events of a request whose submission never came (or of one closed and forgotten long
        // ago): not an order to escalate; not kept past a week.
        if (idTime(requestId) < at - ORPHAN_MS) open.delete(requestId);
        continue;
      }
      const { state, records } = folded;
      const due = CALLBACK_KINDS.includes(state.kind) ? dueCallbacks([{ state, events: records }], at)[0] : undefined;
      if (state.status === 'withdrawn' || (state.status === 'closed' && !due) || idTime(requestId) < at - DONE_MS) {
        open.delete(requestId);
        done.add(requestId);
        continue;
      }
      if (state.status !== 'closed') for (const level of state.escalationsDue) await record(state, level, at);
      if (due?.mayCallNow && onCallbackDue) await tellCallback(callbackDueNotice(due, state.station, KIND_NAMES[state.kind]));
    }
  }

  async function load() {
    const state = await checkpoint.read();
    if (state) {
      seq = state.seq ?? 0;
      for (const id of state.done ?? []) done.add(id);
      await checkpoint.fetch(state.records ?? [], keep);
    }
    loaded = true;
  }

  const save = () => {
    const cutoff = now() - DONE_MS;
    for (const id of done) if (idTime(id) < cutoff) done.delete(id);
    return checkpoint.save({ seq, records: [...open.values()].flatMap((events) => [...events.keys()]), done: [...done] });
  };

  const loop = createDrainLoop({
    dbName: OPERATIONS_DB,
    sweepIntervalMs,
    async drainOnce() {
      if (!loaded) await load();
      await checkpoint.readChanges(
        seq,
        (change) => {
          if (!change.deleted && change.doc) keep(change.doc);
        },
        async (lastSeq, moved) => {
          seq = lastSeq;
          if (moved) await save();
        },
      );
      const before = done.size;
      await escalateDue();
      if (done.size !== before) await save();
    },
    onError: (err) => logError(`[deadlines] ${err.message}`),
  });

  return {
    /** Reads on from the checkpoint and escalates what is due; then follows notify() and the sweep. */
    start: loop.start,
    notify: loop.notify,
    /** One read and check now (tests; the sweep does this on its own). */
    drain: loop.drain,
    stop: () => loop.stop(),
    /** Open orders held, events written by this watcher, levels another writer had recorded first. */
    get stats() {
      return { open: open.size, written, conflicts };
    },
  };
}
