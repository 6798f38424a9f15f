import { Observable, type Subscription } from 'rxjs';
import type { RxChangeEventBulk, RxDocumentData } from 'rxdb';
import { isOpen, requestState, type RequestState } from '../../rules/requestState';
import { toEpochMs, type Instant } from '../../rules/chinaTime';
import type { EventRecord } from '../schema/events/event';
import type { RequestKind } from '../schema/requestKind';
import type { DeviceDatabase, Rejection } from './database';
import { parsePhotoId } from '../schema/photos';

/**
 * The requests a screen lists, with what the device knows about sending them: which of their
 * events still wait for the server, and which the server (or this device's check) refused,
 * with the reason. A request whose only event was refused has no state (it never existed
 * anywhere but here) and is still listed, so the resident sees the refusal and can correct it.
 */

export interface RefusedEvent {
  rejection: Rejection;
  event: EventRecord;
}

export interface RequestListItem {
  requestId: string;
  kind: RequestKind;
  /**
   * The derived state of the request's accepted events; null when none is left (all refused).
   * Folded when its records last changed, or at most STATE_REUSE_MS before the list's latest
   * moment (the clock's effects: overdue, escalation level); `foldedAt` folds at a screen's clock.
   */
  state: RequestState | null;
  /** How many of its events wait to be sent. */
  waiting: number;
  /** Refusals not yet corrected. */
  refused: RefusedEvent[];
  /** The newest activity, for ordering (ISO). */
  lastAt: string;
  /** Its events the state was folded from (refused ones left out), as stored: the resident's new-update badge and the staff console read them. */
  events: EventRecord[];
}

export interface RequestListOptions {
  /** A resident's own requests … */
  resident?: string;
  /** … or a station's; neither: every request on the device (operations). */
  station?: string;
  /** Leave out closed and withdrawn requests (a staff queue). */
  openOnly?: boolean;
  now?: () => Instant;
}

/**
 * How long a request's folded state is reused when none of its records changed. The state
 * reads the clock (a deadline passing makes it overdue, the escalation level climbs), so an
 * unchanged request is folded again once its fold is this old; a screen that shows the clock's
 * effects to the minute folds again at its own clock (`foldedAt`, as the staff console does).
 */
export const STATE_REUSE_MS = 15_000;

/**
 * The requests a screen lists, live.
 *
 * Kept up to date change by change, not read again: the list holds the events it lists, by
 * request, and each change of the collection (a write, a pull's storage write, another tab's)
 * moves only the requests it touches, which alone are folded again. Why: a staff device holds
 * its station's whole history (tens of thousands of events), and while a new device loads it
 * the pull writes thousands of events a second. A live query read every event of the station
 * from IndexedDB again on each of those writes (RxDB's event-reduce gives up beyond its change
 * buffer), turned each into a document and folded every request: O(n²) over a catch-up, with
 * the reads holding the pull's writes back (bench/sync.ts, the console's list during the load).
 */
export function requestList(db: DeviceDatabase, options: RequestListOptions): Observable<RequestListItem[]> {
  const now = options.now ?? (() => Date.now());
  // A device holds one resident's or one station's database: the selector keeps (nearly) every event anyway.
  const selector =
    options.resident !== undefined ? { resident: options.resident } : options.station !== undefined ? { station: options.station } : {};
  const listed = (event: EventRecord) =>
    options.resident !== undefined ? event.resident === options.resident : options.station !== undefined ? event.station === options.station : true;

  return new Observable<RequestListItem[]>((subscriber) => {
    /** The listed events by request, each by id. */
    const eventsOf = new Map<string, Map<string, EventRecord>>();
    /** The request of each listed event: an outbox entry or a refusal names the event only. */
    const requestOf = new Map<string, string>();
    let waitingIds: Set<string> | null = null;
    let refusalOf: Map<string, Rejection> | null = null;
    /** Each request's item as last folded (null: left out of the list), and when. */
    const folded = new Map<string, { item: RequestListItem | null; at: number }>();
    const dirty = new Set<string>();
    let loaded = false;
    let buffered: RxChangeEventBulk<EventRecord>[] | null = [];
    let scheduled = false;
    let closed = false;

    const add = (event: EventRecord) => {
      if (!listed(event)) return;
      let events = eventsOf.get(event.requestId);
      if (!events) eventsOf.set(event.requestId, (events = new Map()));
      events.set(event.id, event);
      requestOf.set(event.id, event.requestId);
      dirty.add(event.requestId);
    };
    const remove = (id: string) => {
      const requestId = requestOf.get(id);
      if (requestId === undefined) return;
      requestOf.delete(id);
      const events = eventsOf.get(requestId);
      events?.delete(id);
      if (events && !events.size) eventsOf.delete(requestId);
      dirty.add(requestId);
    };
    const apply = (bulk: RxChangeEventBulk<EventRecord>) => {
      for (const change of bulk.events) {
        const data = change.documentData as RxDocumentData<EventRecord> | undefined;
        if (change.operation === 'DELETE' || !data || data._deleted) remove(change.documentId);
        else add(asEvent(data));
      }
    };
    /** The requests an outbox entry or a refusal of this id belongs to (a photo waits with its request). */
    const touch = (id: string, requestId?: string) => {
      const of = requestOf.get(id) ?? parsePhotoId(id)?.requestId;
      if (of !== undefined) dirty.add(of);
      if (requestId) dirty.add(requestId);
    };

    const foldRequest = (requestId: string, at: Instant): RequestListItem | null => {
      const stored = eventsOf.get(requestId);
      if (!stored) return null;
      const entry = { events: [] as EventRecord[], refused: [] as RefusedEvent[], waiting: 0, kind: undefined as RequestKind | undefined, lastAt: '' };
      // The index's order, [at, id] (rxdbSchema.ts), as the stored events were read before.
      for (const event of [...stored.values()].sort(byAtThenId)) {
        entry.kind ??= event.requestKind;
        if (event.at > entry.lastAt) entry.lastAt = event.at;
        const refusal = refusalOf!.get(event.id);
        if (refusal) {
          if (refusal.supersededBy === undefined) entry.refused.push({ rejection: refusal, event });
          continue;
        }
        entry.events.push(event);
        if (waitingIds!.has(event.id)) entry.waiting++;
      }
      if (!entry.kind || (!entry.events.length && !entry.refused.length)) return null; // all refused and corrected elsewhere
      // A photo of the fault waits with its request (src/db/schema/photos.ts): "sent" only once it has gone too.
      for (const id of waitingIds!) if (parsePhotoId(id)?.requestId === requestId) entry.waiting++;
      const state = entry.events.length ? requestState(entry.events, { now: at }) : null;
      if (options.openOnly && state && !isOpen(state.status)) return null;
      return { requestId, kind: entry.kind, state, waiting: entry.waiting, refused: entry.refused, lastAt: entry.lastAt, events: entry.events };
    };

    const emit = () => {
      scheduled = false;
      if (closed || !loaded || !waitingIds || !refusalOf) return;
      const at = now();
      const atMs = toEpochMs(at);
      for (const [requestId, f] of folded) if (!eventsOf.has(requestId) || Math.abs(atMs - f.at) >= STATE_REUSE_MS) dirty.add(requestId);
      for (const requestId of dirty) {
        if (!eventsOf.has(requestId)) folded.delete(requestId);
        else folded.set(requestId, { item: foldRequest(requestId, at), at: atMs });
      }
      dirty.clear();
      const items: RequestListItem[] = [];
      for (const { item } of folded.values()) if (item) items.push(item);
      // Newest first: the resident's latest request is the one they are looking for.
      subscriber.next(items.sort((a, b) => (a.lastAt < b.lastAt ? 1 : a.lastAt > b.lastAt ? -1 : 0)));
    };
    // One new list for what changed in the same moment (a write and its outbox entry, a pull's page).
    const schedule = () => {
      if (scheduled) return;
      scheduled = true;
      queueMicrotask(emit);
    };
    const fail = (err: unknown) => subscriber.error(err);

    // The changes first, then the read: a write landing in between is in both, and applied twice
    // is applied once (an event never changes; a removal removes).
    const subs: Subscription[] = [
      db.events.eventBulks$.subscribe({
        next: (bulk) => {
          if (buffered) buffered.push(bulk as RxChangeEventBulk<EventRecord>);
          else {
            apply(bulk as RxChangeEventBulk<EventRecord>);
            schedule();
          }
        },
        error: fail,
      }),
      db.outbox.find().$.subscribe({
        next: (docs) => {
          const next = new Set(docs.map((d) => d.id));
          if (waitingIds) {
            for (const id of next) if (!waitingIds.has(id)) touch(id);
            for (const id of waitingIds) if (!next.has(id)) touch(id);
          }
          waitingIds = next;
          schedule();
        },
        error: fail,
      }),
      db.outbox_rejections.find().$.subscribe({
        next: (docs) => {
          const next = new Map(docs.map((r) => [r.eventId, r.toJSON() as Rejection]));
          if (refusalOf) {
            for (const [id, r] of next) if (JSON.stringify(refusalOf.get(id)) !== JSON.stringify(r)) touch(id, r.requestId);
            for (const [id, r] of refusalOf) if (!next.has(id)) touch(id, r.requestId);
          }
          refusalOf = next;
          schedule();
        },
        error: fail,
      }),
    ];
    db.events.storageInstance
      .query(db.events.find({ selector }).getPreparedQuery())
      .then(({ documents }) => {
        if (closed) return;
        for (const doc of documents) add(asEvent(doc));
        for (const bulk of buffered ?? []) apply(bulk);
        buffered = null;
        loaded = true;
        schedule();
      }, fail);

    return () => {
      closed = true;
      for (const sub of subs) sub.unsubscribe();
    };
  });
}

/** A stored document as the event it is (RxDB's fields dropped, as RxDocument.toJSON does). */
function asEvent(data: RxDocumentData<EventRecord>): EventRecord {
  const { _rev, _meta, _attachments, _deleted, ...event } = data as RxDocumentData<EventRecord> & { _attachments?: unknown };
  return event as EventRecord;
}

function byAtThenId(a: EventRecord, b: EventRecord): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The list's states folded again at the screen's clock (deadlines and escalation levels move
 * with it), for a screen that shows them to the minute. An item the list kept as it was (the
 * same object: none of its records changed) and the same clock reading reuse the last fold, so
 * a list that changes in a few requests costs a fold of those few.
 */
export function foldedAt(): (items: readonly RequestListItem[], now: Instant) => RequestListItem[] {
  let cache = new WeakMap<RequestListItem, RequestListItem>();
  let cachedAt: number | null = null;
  return (items, now) => {
    const at = toEpochMs(now);
    if (at !== cachedAt) {
      cache = new WeakMap();
      cachedAt = at;
    }
    return items.map((i) => {
      if (!i.events.length) return i;
      let out = cache.get(i);
      if (!out) {
        try {
          out = { ...i, state: requestState(i.events, { now }) };
        } catch {
          out = i; // a history the fold refuses (events of two kinds) keeps the list's own reading
        }
        cache.set(i, out);
      }
      return out;
    });
  };
}
