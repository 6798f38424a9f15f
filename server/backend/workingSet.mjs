// @ts-check
/**
 * A staff device's working set (GET /db/_account/working-set): the events a station needs for
 * the day — every open request with all its events, and the requests that had activity in the
 * last `recentMs` (today's finished visits, what was closed this morning) — so a new device is
 * usable in seconds, before the full history has replicated.
 *
 * Why on the server: which requests are open is a fold of all their events (requestState), so
 * a device cannot ask CouchDB for them (no `_changes` filter or `_find` selector says "open");
 * it would have to read the whole history first, which is what took a new device minutes.
 *
 * Held in this server's memory per database, kept current from `_changes`: after each write
 * through the guard (notify), every `sweepMs` (the router's copies do not pass the guard), and
 * before each answer (the changes since the last catch-up: usually none). The first catch-up
 * after a start reads the whole database once, in batches, in the background (prime). A request is kept as its event ids and, while it is open or
 * recent, its events; a closed request keeps only its ids (~50 bytes an event), and its events
 * are fetched by id again if it is reopened. `prime(db)` builds one in the background.
 */
import { requestState } from '../../src/rules/requestState.ts';
import { fromCouchDoc } from '../../src/db/schema/events/event.ts';

/** @typedef {import('./store.mjs').Store} Store */
/** @typedef {Record<string, any>} Doc */
/**
 * @typedef {{ ids: Set<string>, docs: Map<string, Doc> | null, lastAt: string, open: boolean }} RequestEntry
 *   docs: the events while open or recent, else null (closed: ids only)
 * @typedef {{ seq: string | number, requests: Map<string, RequestEntry>, queue: Promise<void>, queued: number }} DbEntry
 */

const DAY_MS = 24 * 60 * 60_000;

/**
 * @param {{ store: Store, now?: () => number, recentMs?: number, batchSize?: number, followDelayMs?: number, sweepMs?: number }} options
 *   sweepMs: how often every working set held reads on (0: never), for the writes that reach a
 *   database without passing the guard (the router's copies, an administrator's)
 */
export function createWorkingSets({ store, now = Date.now, recentMs = 2 * DAY_MS, batchSize = 1000, followDelayMs = 500, sweepMs = 5_000 }) {
  /** @type {Map<string, DbEntry>} */
  const dbs = new Map();
  /** @type {Map<string, ReturnType<typeof setTimeout>>} catch-ups scheduled by notify */
  const pending = new Map();
  // A device's read then finds the working set current and answers at once (measured in
  // bench/sync.ts: catching up 10,000 changes in the read took 4.9 s of a 5.5 s first load).
  const sweep =
    sweepMs > 0
      ? setInterval(() => {
          // Not while a catch-up runs or waits: it reads on to the end anyway.
          for (const [dbName, entry] of dbs) if (!pending.has(dbName) && entry.queued === 0) void current(dbName).catch(() => undefined);
        }, sweepMs)
      : null;
  sweep?.unref?.();

  /** @param {RequestEntry} entry */
  const fold = (entry) => {
    const events = [...(entry.docs?.values() ?? [])].map((d) => fromCouchDoc(/** @type {any} */ (d)));
    if (!events.length) return;
    let state;
    try {
      state = requestState(events, { now: now() });
    } catch {
      return; // a history the rules cannot fold stays as it was (open: shown, not hidden)
    }
    entry.open = state.status !== 'closed' && state.status !== 'withdrawn';
    entry.lastAt = state.lastEventAt;
  };

  const keepsDocs = (/** @type {RequestEntry} */ entry, /** @type {number} */ cutoff) => entry.open || Date.parse(entry.lastAt) >= cutoff;

  /** Reads `_changes` on from the last answer and refolds the requests it touched. @param {string} dbName @param {DbEntry} entry */
  const catchUp = async (dbName, entry) => {
    for (;;) {
      const res = await store.changes(dbName, { since: entry.seq, limit: batchSize });
      /** @type {Set<RequestEntry>} */
      const touched = new Set();
      for (const row of res.results) {
        const doc = row.doc;
        if (row.deleted || !doc || doc.docType !== 'event' || typeof doc.requestId !== 'string') continue;
        let request = entry.requests.get(doc.requestId);
        if (!request) {
          request = { ids: new Set(), docs: new Map(), lastAt: String(doc.at ?? ''), open: true };
          entry.requests.set(doc.requestId, request);
        }
        request.ids.add(doc._id);
        if (!request.docs) {
          // A closed request has a new event (a callback, a reopening): its history again.
          request.docs = new Map();
          const others = [...request.ids].filter((id) => id !== doc._id);
          for (let i = 0; i < others.length; i += 200) {
            const rows = await store.allDocs(dbName, { keys: others.slice(i, i + 200), include_docs: true });
            for (const r of rows) if (r.doc) request.docs.set(r.doc._id, r.doc);
          }
        }
        request.docs.set(doc._id, doc);
        touched.add(request);
      }
      const cutoff = now() - recentMs;
      for (const request of touched) {
        fold(request);
        if (!keepsDocs(request, cutoff)) request.docs = null;
      }
      const moved = String(res.last_seq) !== String(entry.seq);
      entry.seq = res.last_seq;
      if (res.results.length < batchSize || !moved) return;
    }
  };

  /** @param {string} dbName @returns {DbEntry} */
  const entryOf = (dbName) => {
    let entry = dbs.get(dbName);
    if (!entry) {
      entry = { seq: 0, requests: new Map(), queue: Promise.resolve(), queued: 0 };
      dbs.set(dbName, entry);
    }
    return entry;
  };

  /** One catch-up at a time per database; a failed one leaves the entry where it got to. @param {string} dbName */
  const current = (dbName) => {
    const entry = entryOf(dbName);
    entry.queued += 1;
    const run = entry.queue.then(() => catchUp(dbName, entry)).finally(() => {
      entry.queued -= 1;
    });
    entry.queue = run.catch(() => undefined);
    return run.then(() => entry);
  };

  return {
    /**
     * The working set of a database as CouchDB documents, and the sequence it is current to.
     * @param {string} dbName
     * @returns {Promise<{ seq: string | number, requests: number, docs: Doc[] }>}
     */
    async read(dbName) {
      const entry = await current(dbName);
      const cutoff = now() - recentMs;
      /** @type {Doc[]} */
      const docs = [];
      let requests = 0;
      for (const request of entry.requests.values()) {
        if (!request.docs) continue;
        if (!keepsDocs(request, cutoff)) {
          request.docs = null; // aged out since it was last touched
          continue;
        }
        requests += 1;
        for (const doc of request.docs.values()) docs.push(doc);
      }
      return { seq: entry.seq, requests, docs };
    },
    /**
     * A write was stored in the database: a working set already held follows it soon (the
     * writes of a burst, e.g. a 1,000-row `_bulk_docs`, are read in one catch-up), so a device's
     * read finds it current. A database nobody asked for is left alone.
     * @param {string} dbName
     */
    notify(dbName) {
      if (!dbs.has(dbName) || pending.has(dbName)) return;
      const timer = setTimeout(() => {
        pending.delete(dbName);
        if (dbs.get(dbName)?.queued === 0) void current(dbName).catch(() => undefined);
      }, followDelayMs);
      timer.unref?.();
      pending.set(dbName, timer);
    },
    /** Stops following (the timers of pending catch-ups). */
    close() {
      if (sweep) clearInterval(sweep);
      for (const timer of pending.values()) clearTimeout(timer);
      pending.clear();
    },
    /** Builds (or brings up to date) a database's working set in the background. @param {string} dbName */
    prime(dbName) {
      return current(dbName).then(
        () => undefined,
        () => undefined,
      );
    },
  };
}
