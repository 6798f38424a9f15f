// @ts-check
/**
 * What the guard needs for the ownership, time and quota rules (src/db/writeOwnership.ts) of a
 * write, looked up once per request to /db:
 * - the request each event names, as the database written to holds it (./requestRegistry.mjs);
 * - the server's clock at receipt, stamped on every stored event as `receivedAt`;
 * - for a resident's own submissions, what they have filed so far (their database's events,
 *   src/rules/submissionQuota.ts), counted on through the batch;
 * - for a dispatch, the technicians of its station (the accounts in _users), so an order goes
 *   to one of them only (src/rules/dispatch.ts).
 * Writes to one database are taken one at a time (`exclusive`), so two requests cannot both
 * pass a check the other would have broken (two submissions of one request id, the eleventh
 * and twelfth request of a day).
 */
import { fromCouchDoc } from '../../src/db/schema/events/event.ts';
import { addToRequestIndex, emptyRequestIndex, requestFacts, requestTrail } from '../../src/rules/requestLinkage.ts';
import { SUBMISSION_LIMITS, submissionUsage, withOneMore } from '../../src/rules/submissionQuota.ts';
import { createRequestRegistry } from './requestRegistry.mjs';
import { listStaff } from './setup.mjs';

/** @typedef {import('../../src/rules/requestLinkage.ts').RequestFacts} RequestFacts */
/** @typedef {import('../../src/rules/submissionQuota.ts').SubmissionLimits} SubmissionLimits */
/** @typedef {import('./store.mjs').Store} Store */

/** @param {unknown} d */
const isApprovalDoc = (d) => typeof d === 'object' && d !== null && /** @type {any} */ (d).docType === 'record' && /** @type {any} */ (d).type === 'commitments-approval';
/** @param {unknown} d */
const isEventDoc = (d) => typeof d === 'object' && d !== null && /** @type {any} */ (d).docType === 'event';
/** A photo names its request too (src/db/validatePhotoWrite.ts): it is checked against it. @param {unknown} d */
const isPhotoDoc = (d) => typeof d === 'object' && d !== null && /** @type {any} */ (d).docType === 'photo';

/**
 * @param {{ store: Store, limits?: SubmissionLimits, now?: () => number }} options
 */
export function createOwnership({ store, limits = SUBMISSION_LIMITS, now = () => Date.now() }) {
  // Residents' databases: every event kept too, for the quota of their submissions, read in the
  // same incremental pass as the requests. (The quota once read every document of the database
  // on every submission — its whole history and the validation design document of about
  // 100 KB — so a write's cost grew with the resident's history; issue 22: 6–9 ms of CPU a write.)
  const registry = createRequestRegistry({
    readChanges: (dbName, opts) => store.changes(dbName, opts),
    useSelector: store.mode === 'embedded',
    keepEvents: (dbName) => dbName.startsWith('resident-'),
    toEvent: (d) => ({ ...fromCouchDoc(d), ...(typeof d.receivedAt === 'string' ? { receivedAt: d.receivedAt } : {}) }),
    ...(store.headSeq ? { headSeq: store.headSeq } : {}),
  });
  /** @type {Map<string, Promise<unknown>>} */
  const queues = new Map();

  /**
   * Runs `fn` when no other write to `dbName` is being checked or stored.
   * @template T
   * @param {string} dbName
   * @param {() => Promise<T>} fn
   * @returns {Promise<T>}
   */
  function exclusive(dbName, fn) {
    const before = queues.get(dbName) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    queues.set(dbName, settled);
    settled.then(() => {
      if (queues.get(dbName) === settled) queues.delete(dbName);
    });
    return run;
  }

  /**
   * The ids among `ids` that have any revision in `dbName` (deleted ones too). A resident's
   * database: from the registry's read, which the write check makes anyway (no `allDocs` of the
   * ids: one read of the database less a write, issue 22); other databases: asked of the store.
   * @param {string} dbName
   * @param {string[]} ids
   * @param {number} [readFrom] the write's start (`performance.now()`): a look-up that began since is enough
   * @returns {Promise<Set<string>>}
   */
  async function existingIds(dbName, ids, readFrom) {
    if (!ids.length) return new Set();
    const held = dbName.startsWith('resident-') ? (await registry.current(dbName, readFrom)).ids : null;
    if (!held) return store.existingIds(dbName, ids);
    return new Set(ids.filter((id) => held.has(id)));
  }

  /**
   * Stores what the write check accepted. In process (the store tells its update sequence), the
   * registry takes the stored documents as they are when nothing else was written to the database
   * since its last look-up, so the next write's check reads nothing (requestRegistry `stored`).
   * @param {string} dbName
   * @param {Record<string, unknown>[]} docs
   * @returns {Promise<import('./store.mjs').BulkRow[]>}
   */
  async function store_(dbName, docs) {
    const rows = await store.bulkDocs(dbName, docs);
    if (store.headSeq) {
      const storedDocs = docs.filter((_, i) => /** @type {any} */ (rows[i])?.ok === true);
      await registry.stored(dbName, storedDocs, await store.headSeq(dbName));
    }
    return rows;
  }

  /**
   * A resident's own submissions in their database (events only; the profile and others left out).
   * @param {string} dbName
   * @param {string} resident
   * @param {number} t
   */
  async function usageOf(dbName, resident, t) {
    return submissionUsage([...(await registry.events(dbName)).values()], resident, t);
  }

  /**
   * Looks up what the documents of one write need; returns the context of each and what to do
   * with each accepted one.
   * @param {string} dbName
   * @param {import('./names.mjs').DatabaseKind} database
   * @param {unknown[]} docs
   * @param {{ name: string | null, roles: string[] }} user
   * @param {number} [readFrom] the write's start (`performance.now()`, under the database's lock):
   *   the look-up of the ids already read the database since, so it is not read again
   */
  async function prepare(dbName, database, docs, user, readFrom) {
    const t = now();
    const receivedAt = new Date(t).toISOString();
    const events = docs.filter(isEventDoc);
    const linked = events.length + docs.filter(isPhotoDoc).length;
    const needsIndex = linked > 0 && database.kind !== 'other';
    const residentSubmits =
      database.kind === 'resident' &&
      database.owner === user.name &&
      events.some((d) => /** @type {any} */ (d).type === 'submitted');
    // One incremental read serves the requests and the quota (two look-ups read `_changes` twice
    // a submission, the second for nothing: issue 22, a write's CPU).
    const current = needsIndex || residentSubmits ? await registry.current(dbName, readFrom) : null;
    const index = needsIndex && current ? current.index : emptyRequestIndex();
    const overlay = emptyRequestIndex(); // what this write adds, as it is accepted
    let usage = residentSubmits && current?.events ? submissionUsage([...current.events.values()], /** @type {string} */ (user.name), t) : residentSubmits ? await usageOf(dbName, /** @type {string} */ (user.name), t) : undefined;
    // An approval's revision as the database holds it: who saved it decides four eyes
    // (src/db/validateRecordWrite.ts), whatever the approving device believed.
    /** @type {Map<string, { author: string } | null>} */
    const revisions = new Map();
    for (const d of docs.filter(isApprovalDoc)) {
      const id = /** @type {any} */ (d).payload?.revision;
      if (typeof id !== 'string' || revisions.has(id)) continue;
      const held = database.kind === 'operations' ? await store.get(dbName, id) : null;
      const author = /** @type {any} */ (held)?.docType === 'record' && /** @type {any} */ (held).type === 'commitments-draft' ? /** @type {any} */ (held).author?.name : undefined;
      revisions.set(id, typeof author === 'string' ? { author } : null);
    }
    // Dispatches go to station databases (station staff) and operations (managers): either way to the request's station's technicians.
    const staff = (database.kind === 'station' || database.kind === 'operations') && events.some((d) => /** @type {any} */ (d).type === 'dispatched') ? await listStaff(store) : null;
    /** @param {unknown} station */
    const techniciansOf = (station) => (staff ?? []).filter((s) => s.station === station && s.roles.includes('role:technician')).map((s) => s.name);

    /**
     * The request `requestId` as this database holds it, with what this write added.
     * @param {string} requestId
     * @returns {RequestFacts | null}
     */
    const factsOf = (requestId) => {
      const base = requestFacts(index, requestId);
      const added = overlay.entries.get(requestId);
      if (!base) return added?.facts ? requestFacts(overlay, requestId) : null;
      const trail = requestTrail(overlay, requestId);
      if (!added?.routedTo.length && !trail.length) return base;
      return {
        ...base,
        stations: [...new Set([...base.stations, ...(added?.routedTo ?? [])])],
        ...(trail.length ? { trail: [...(base.trail ?? []), ...trail] } : {}),
      };
    };

    return {
      /**
       * The context validateWrite gets for one document (nothing for a document that is not an event).
       * @param {unknown} doc
       */
      contextOf(doc) {
        if (isPhotoDoc(doc)) {
          const rid = /** @type {any} */ (doc).requestId;
          return { now: t, ...(typeof rid === 'string' ? { request: factsOf(rid) } : {}) };
        }
        if (!isEventDoc(doc)) return undefined;
        const rid = /** @type {any} */ (doc).requestId;
        return {
          now: t,
          ...(typeof rid === 'string' ? { request: factsOf(rid) } : {}),
          ...(usage ? { quota: { usage, limits } } : {}),
          ...(staff && /** @type {any} */ (doc).type === 'dispatched' ? { technicians: techniciansOf(/** @type {any} */ (doc).station) } : {}),
        };
      },
      /**
       * For an approval: the revision it names as the database holds it, or null when it holds none.
       * @param {unknown} doc
       * @returns {{ author: string } | null | undefined}
       */
      approvedRevisionOf(doc) {
        if (!isApprovalDoc(doc)) return undefined;
        const id = /** @type {any} */ (doc).payload?.revision;
        return typeof id === 'string' ? (revisions.get(id) ?? null) : undefined;
      },
      /**
       * An accepted event: later documents of the write see it; it gets the receipt time.
       * @param {Record<string, unknown>} doc as sent (CouchDB shape)
       * @param {any} event the verdict's event
       * @returns {Record<string, unknown>} the document to store
       */
      accept(doc, event) {
        if (!isEventDoc(doc) || !event) return doc;
        addToRequestIndex(overlay, event);
        if (usage && event.type === 'submitted' && event.author?.role === 'resident') usage = withOneMore(usage);
        return { ...doc, receivedAt };
      },
    };
  }

  /**
   * The request `requestId` as `dbName` holds it (null: it holds no submission of it): who may
   * see a request's photos (./photoAccess.mjs) reads the same facts the write checks do.
   * @param {string} dbName
   * @param {string} requestId
   */
  async function requestOf(dbName, requestId) {
    return requestFacts(await registry.index(dbName), requestId);
  }

  return { exclusive, prepare, requestOf, existingIds, store: store_ };
}

/** @typedef {ReturnType<typeof createOwnership>} Ownership */
