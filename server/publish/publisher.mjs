// @ts-check
/**
 * The publisher of the running server: it follows the operations database and, for every
 * publish request of the committee (src/db/schema/records/commitmentsRecords.ts) that has no
 * outcome yet, publishes the approved set and tells the committee how it went.
 *
 * How (like the router: from a checkpoint, woken by writes, with a sweep as safety net):
 * - It reads `operations`' `_changes` from its checkpoint and keeps the committee's records
 *   (few: drafts, comments, approvals, requests, outcomes). The checkpoint and the ids of the
 *   committee records seen are kept in `_local/hearthline-publisher` in the operations database
 *   (a local document: never replicated, never in `_changes`), so a restart fetches those few
 *   records and reads on from where it stopped.
 * - Each pending request (oldest first) is published in turn, one build at a time: a build in
 *   progress is never interrupted; requests that arrive meanwhile wait for the next turn.
 * - Publishing (./publication.mjs): the year's records folded (src/rules/committee) give the
 *   approved set; the previous year's results are computed from the operations records; the
 *   site is built from a staged copy into a fresh folder under `sitesDir`. On success the
 *   files are installed into the content folder, the served folder is swapped (the old site
 *   served every request until then), the new folder is remembered in `sitesDir/current.json`
 *   (server/main.mjs serves it after a restart while the sources have not changed), and
 *   older builds but the previous one are removed.
 * - Then it writes a `publish-outcome` record as the server (admin): succeeded, or failed with
 *   the reason (the build's own error). It replicates to the committee's devices like any
 *   other record. A crash before the outcome leaves the request pending: it is published again.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as v from 'valibot';
import { OperationsRecordDoc } from '../../src/db/schema/records/record.ts';
import { isCommitteeRecordType } from '../../src/db/schema/records/commitmentsRecords.ts';
import { committeeYearState, publishableSet } from '../../src/rules/committee/draftState.ts';
import { validateDocumentWrite } from '../../src/db/validateRecordWrite.ts';
import { ulid } from '../../src/db/schema/events/ids.ts';
import { OPERATIONS_DB } from '../../src/db/databaseNames.ts';
import { streamAllDocs } from '../couch/stream.mjs';
import { inputsFingerprint } from '../build.mjs';
import { createDrainLoop } from '../followers/drainLoop.mjs';
import { createChangesCheckpoint } from '../followers/changesCheckpoint.mjs';
import { PublishFailure, buildPublication, installContent } from './publication.mjs';
import { committeeRulesOf } from './approver.mjs';

const STATE_ID = '_local/hearthline-publisher';
export const CURRENT_FILE = 'current.json';
const SERVER_AUTHOR = Object.freeze({ name: 'admin', role: /** @type {const} */ ('admin'), device: 'hearthline-server' });

/**
 * @typedef {object} PublisherOptions
 * @property {import('../couch/index.mjs').Couch} couch admin access (the router's)
 * @property {string} contentDir the live content folder the site is built from
 * @property {string} sitesDir where each publication's build goes
 * @property {(dir: string) => void} swap serve this folder from now on
 * @property {string} [root] the project
 * @property {number} [sweepIntervalMs] time between sweeps (10000); 0: none
 * @property {(msg: string) => void} [log]
 * @property {(msg: string) => void} [logError]
 * @property {() => Date} [now]
 * @property {typeof import('./publication.mjs').runStagedBuild} [build]
 */

/** @param {PublisherOptions} options */
export function createPublisher({
  couch,
  contentDir,
  sitesDir,
  swap,
  root,
  sweepIntervalMs = 10_000,
  log = (msg) => console.log(msg),
  logError = (msg) => console.error(msg),
  now = () => new Date(),
  build,
}) {
  /** @type {Map<string, import('../../src/db/schema/records/record.ts').OperationsRecord>} */
  const records = new Map();
  /** @type {string | number} */
  let seq = 0;
  let loaded = false;
  /** @type {{ year: number, request: string, since: string } | null} */
  let building = null;
  /** @type {{ year: number, request: string, outcome: 'succeeded' | 'failed', at: string, reason?: string } | null} */
  let last = null;
  const abort = new AbortController();
  /** Requests answered in this process whose outcome may not have come back through _changes yet. */
  const answered = new Set(/** @type {string[]} */ ([]));

  const db = () => couch.db(OPERATIONS_DB);
  /** utility.yaml's rules of approval (four eyes), read when first needed: a change comes with a restart. */
  /** @type {import('../../src/rules/committee/draftState.ts').CommitteeRules | null} */
  let committeeRules = null;
  const rules = () => (committeeRules ??= (() => {
    try {
      return committeeRulesOf(contentDir);
    } catch {
      return {}; // an unreadable utility.yaml: the default (four eyes); the build names the file
    }
  })());
  const checkpoint = createChangesCheckpoint({ db, stateId: STATE_ID });

  /** @param {Record<string, unknown>} doc */
  function keep(doc) {
    if (doc.docType !== 'record' || !isCommitteeRecordType(doc.type) || typeof doc._id !== 'string') return;
    const parsed = v.safeParse(OperationsRecordDoc, doc);
    if (!parsed.success) {
      logError(`[publish] ${doc._id}: not a well-formed committee record, left out`);
      return;
    }
    const { _id, _rev: _r, _deleted: _d, ...rest } = parsed.output;
    records.set(_id, /** @type {any} */ ({ id: _id, ...rest }));
  }

  async function load() {
    const state = await checkpoint.read();
    if (state) {
      seq = state.seq ?? 0;
      await checkpoint.fetch(state.records ?? [], keep);
    }
    loaded = true;
  }

  /** Reads on from the checkpoint; the checkpoint moves after each batch. */
  async function readChanges() {
    await checkpoint.readChanges(
      seq,
      (change) => {
        if (change.doc && !change.deleted) keep(change.doc);
      },
      async (lastSeq, moved) => {
        seq = lastSeq;
        if (moved) await checkpoint.save({ seq, records: [...records.keys()] });
      },
    );
  }

  /** Requests without an outcome, oldest first, over every year. */
  function pendingRequests() {
    const years = new Set([...records.values()].map((r) => /** @type {any} */ (r.payload).year));
    const out = [];
    for (const year of years) {
      const state = committeeYearState(records.values(), year, rules());
      for (const r of state.pending) if (!answered.has(r.id)) out.push({ year, request: r, state });
    }
    return out.sort((a, b) => (a.request.at < b.request.at ? -1 : a.request.at > b.request.at ? 1 : a.request.id < b.request.id ? -1 : 1));
  }

  /**
   * @param {number} year
   * @param {string} request
   * @param {{ ok: true, approval: string, results: number | null } | { ok: false, approval?: string, reason: string }} result
   */
  async function writeOutcome(year, request, result) {
    const at = now();
    const doc = {
      _id: `rc-${ulid(at.getTime())}`,
      docType: 'record',
      schemaVersion: 1,
      type: 'publish-outcome',
      at: at.toISOString(),
      author: SERVER_AUTHOR,
      payload: result.ok
        ? { year, request, approval: result.approval, outcome: 'succeeded', ...(result.results !== null ? { results: result.results } : {}) }
        : { year, request, ...(result.approval ? { approval: result.approval } : {}), outcome: 'failed', reason: result.reason },
    };
    const verdict = validateDocumentWrite({ database: { kind: 'operations' }, doc, user: { name: null, roles: ['_admin'] }, existing: false });
    if (!verdict.ok) throw new Error(`the outcome record was refused: ${verdict.reason}`);
    const operations = await db();
    await operations.put(doc);
    keep(doc);
    answered.add(request);
    last = { year, request, outcome: result.ok ? 'succeeded' : 'failed', at: doc.at, ...(result.ok ? {} : { reason: result.reason }) };
  }

  /** Removes the builds that are neither served nor the one before. @param {string} keepDir @param {string | null} previous */
  async function pruneSites(keepDir, previous) {
    const entries = await readdir(sitesDir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const full = path.join(sitesDir, e.name);
      if (!e.isDirectory() || full === keepDir || full === previous) continue;
      await rm(full, { recursive: true, force: true });
    }
  }

  /** @type {string | null} */
  let servedBuild = null;

  /**
   * @param {number} year
   * @param {import('../../src/rules/committee/draftState.ts').PublishRequestState} request
   * @param {import('../../src/rules/committee/draftState.ts').CommitteeYearState} state
   */
  async function publish(year, request, state) {
    const chosen = publishableSet(state, request.id);
    if (!chosen.ok) {
      log(`[publish] request ${request.id} for ${year} not published: ${chosen.reason}`);
      await writeOutcome(year, request.id, { ok: false, approval: request.approval, reason: chosen.reason });
      return;
    }
    const publishedAt = now();
    await mkdir(sitesDir, { recursive: true });
    const outDir = path.join(sitesDir, `site-${publishedAt.toISOString().replace(/[:.]/g, '-')}-${year}-${randomBytes(3).toString('hex')}`);
    building = { year, request: request.id, since: publishedAt.toISOString() };
    try {
      const operations = await db();
      const { files, resultsYear } = await buildPublication({
        year,
        commitments: chosen.commitments,
        approver: chosen.approval.author,
        publishedAt,
        contentDir,
        outDir,
        docs: () => streamAllDocs(operations),
        stagingParent: sitesDir,
        signal: abort.signal,
        log,
        ...(root ? { root } : {}),
        ...(build ? { build } : {}),
      });
      await installContent(contentDir, files);
      const previous = servedBuild;
      swap(outDir);
      servedBuild = outDir;
      const fingerprint = await inputsFingerprint(root, { contentDir });
      await writeFile(path.join(sitesDir, CURRENT_FILE), JSON.stringify({ dir: outDir, fingerprint, contentDir, publishedAt: publishedAt.toISOString() }, null, 2) + '\n');
      await pruneSites(outDir, previous);
      log(`[publish] published the commitments of ${year}${resultsYear ? ` and the results of ${resultsYear}` : ''}: now serving ${outDir}`);
      await writeOutcome(year, request.id, { ok: true, approval: chosen.approval.id, results: resultsYear });
    } catch (err) {
      if (loop.stopped) return; // the server is stopping: the request stays pending and is published after the restart
      const reason = err instanceof PublishFailure ? err.reason : `publishing failed: ${/** @type {Error} */ (err).message}`;
      logError(`[publish] ${year}: ${reason}`);
      await writeOutcome(year, request.id, { ok: false, approval: chosen.approval.id, reason });
    } finally {
      building = null;
    }
  }

  async function drainOnce() {
    if (!loaded) await load();
    await readChanges();
    for (const { year, request } of pendingRequests()) {
      if (loop.stopped) return;
      // fold again: an earlier publication in this turn wrote an outcome
      await publish(year, request, committeeYearState(records.values(), year, rules()));
    }
  }

  const loop = createDrainLoop({ dbName: OPERATIONS_DB, sweepIntervalMs, drainOnce, onError: (err) => logError(`[publish] ${err.message}`) });

  return {
    /** Reads on from the checkpoint and publishes what waits; then follows notify() and the sweep. */
    start: loop.start,
    notify: loop.notify,
    drain: loop.drain,
    /** The folder being served by this publisher's last publication, if any. */
    get servedBuild() {
      return servedBuild;
    },
    /** @param {string | null} dir the folder served at start when it is a publication's */
    adoptServed(dir) {
      servedBuild = dir;
    },
    status() {
      return { building, last, pending: pendingRequests().map((p) => ({ year: p.year, request: p.request.id })) };
    },
    /** Stops following; a build in progress is abandoned (its child killed, its folder left for the next prune). */
    stop: () => loop.stop(() => abort.abort()),
  };
}
