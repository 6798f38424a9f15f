import { requestState, type RequestStatus } from '../../rules/requestState';
import { toEpochMs, type Instant } from '../../rules/chinaTime';
import type { DatabaseKind } from '../databaseNames';
import type { EventRecord } from '../schema/events/event';
import type { DeviceDatabase } from './database';

/**
 * Staff devices keep what is current: a station's device pulls every request of the station,
 * and closed ones pile up. `pruneClosedRequests` removes from the device (never from the server)
 * the events of requests that have been closed or withdrawn for longer than a window.
 *
 * Never an unsent record: a request is kept whole while any of its events waits in `outbox`
 * (not yet acknowledged by the server) or is in `outbox_rejections` (refused; it exists on
 * this device only, even once corrected).
 *
 * Never reaching the server: a removal in RxDB is a tombstone the live replication would push,
 * and the server refuses any change to an event (rule `never-changed`). The replication's push
 * modifier holds every tombstone back without recording a rejection (replication.ts), and the
 * tombstones are then purged from the device's storage here, so they take no space either.
 */

export const DEFAULT_PRUNE_WINDOW_DAYS = 90;

/** The statuses a request ends in (requestState): nothing but a `reopened` event follows. */
export const PRUNABLE_STATUSES: readonly RequestStatus[] = ['closed', 'withdrawn'];

const DAY_MS = 24 * 60 * 60 * 1000;

export interface PruneOptions {
  /** The database the device replicates with: only staff devices (station, operations) prune. */
  database: DatabaseKind;
  /** The moment of the pruning (rules never read the clock). */
  now: Instant;
  /** Closed (or withdrawn) for longer than this many days, measured from the request's last event. */
  windowDays?: number;
}

export interface PruneResult {
  /** Requests whose events were removed from this device. */
  requests: number;
  /** Events removed. */
  events: number;
}

/**
 * Removes from this device the events of every request that
 *   - is closed or withdrawn (requestState over the events on this device), and
 *   - has had no event for longer than `windowDays` (its last event, so a callback or rating
 *     after the close restarts the window; exactly `windowDays` is kept), and
 *   - has no event waiting in `outbox` and none in `outbox_rejections`.
 * Only the ids read are removed: an event written meanwhile stays (and keeps its request's
 * other events from being pruned next time). Resident devices never prune (a TypeError): their
 * history is the resident's own.
 */
export async function pruneClosedRequests(db: DeviceDatabase, options: PruneOptions): Promise<PruneResult> {
  const { database } = options;
  if (database.kind !== 'station' && database.kind !== 'operations') {
    throw new TypeError(`only staff devices prune closed requests, not a device of a ${database.kind} database`);
  }
  const windowDays = options.windowDays ?? DEFAULT_PRUNE_WINDOW_DAYS;
  if (!Number.isFinite(windowDays) || windowDays < 0) throw new RangeError(`windowDays must be a number of days ≥ 0, got ${windowDays}`);
  const nowMs = toEpochMs(options.now);
  const before = nowMs - windowDays * DAY_MS;

  const [docs, waiting, refused] = await Promise.all([db.events.find().exec(), db.outbox.find().exec(), db.outbox_rejections.find().exec()]);
  const held = new Set<string>(waiting.map((w) => w.id));
  const heldRequests = new Set<string>();
  for (const r of refused) {
    held.add(r.eventId);
    if (r.requestId) heldRequests.add(r.requestId);
  }

  const byRequest = new Map<string, { events: EventRecord[]; docs: typeof docs }>();
  for (const doc of docs) {
    const e = doc.toJSON() as EventRecord;
    const group = byRequest.get(e.requestId);
    if (group) {
      group.events.push(e);
      group.docs.push(doc);
    } else byRequest.set(e.requestId, { events: [e], docs: [doc] });
  }

  const remove: typeof docs = [];
  for (const [requestId, { events, docs: requestDocs }] of byRequest) {
    if (heldRequests.has(requestId) || events.some((e) => held.has(e.id))) continue;
    let status: RequestStatus;
    let lastEventAt: string;
    try {
      ({ status, lastEventAt } = requestState(events, { now: nowMs }));
    } catch {
      continue; // a history requestState cannot fold (two kinds) is kept as it is
    }
    if (!PRUNABLE_STATUSES.includes(status)) continue;
    if (!(Date.parse(lastEventAt) < before)) continue;
    remove.push(...requestDocs);
  }
  if (!remove.length) return { requests: 0, events: 0 };

  // The documents read, not ids: only what was judged is removed.
  const { success } = await db.events.bulkRemove(remove);
  // Purge the tombstones now. Not `db.events.cleanup(0)`: the cleanup plugin's collection
  // cleanup first waits for every replication to be in sync, which never happens offline, and
  // a full device may need the space exactly then. The tombstones are never pushed (the push
  // modifier holds them back) whether or not the replication has seen them yet.
  for (let i = 0; i < 100 && !(await db.events.storageInstance.cleanup(0)); i++);
  return { requests: new Set(success.map((e) => e.requestId)).size, events: success.length };
}
