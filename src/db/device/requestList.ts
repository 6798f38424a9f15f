import { combineLatest, map, type Observable } from 'rxjs';
import type { MangoQuerySortPart } from 'rxdb';
import { isOpen, requestState, type RequestState } from '../../rules/requestState';
import type { Instant } from '../../rules/chinaTime';
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
  /** The derived state of the request's accepted events; null when none is left (all refused). */
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

export function requestList(db: DeviceDatabase, options: RequestListOptions): Observable<RequestListItem[]> {
  // Read in the one index's order, [requestId, at] (rxdbSchema.ts): a device holds one
  // resident's or one station's database, so the selector keeps (nearly) every event anyway.
  const sort: MangoQuerySortPart<EventRecord>[] = [{ requestId: 'asc' }, { at: 'asc' }];
  const query =
    options.resident !== undefined
      ? db.events.find({ selector: { resident: options.resident }, sort })
      : options.station !== undefined
        ? db.events.find({ selector: { station: options.station }, sort })
        : db.events.find({ sort });
  const now = options.now ?? (() => Date.now());
  return combineLatest([query.$, db.outbox.find().$, db.outbox_rejections.find().$]).pipe(
    map(([docs, outbox, rejections]) => {
      const waitingIds = new Set(outbox.map((o) => o.id));
      const refusalOf = new Map(rejections.map((r) => [r.eventId, r.toJSON() as Rejection]));
      const byRequest = new Map<string, { events: EventRecord[]; refused: RefusedEvent[]; waiting: number; kind: RequestKind; lastAt: string }>();
      for (const doc of docs) {
        const event = doc.toJSON() as EventRecord;
        const entry = byRequest.get(event.requestId) ?? { events: [], refused: [], waiting: 0, kind: event.requestKind, lastAt: event.at };
        byRequest.set(event.requestId, entry);
        if (event.at > entry.lastAt) entry.lastAt = event.at;
        const refusal = refusalOf.get(event.id);
        if (refusal) {
          if (refusal.supersededBy === undefined) entry.refused.push({ rejection: refusal, event });
          continue;
        }
        entry.events.push(event);
        if (waitingIds.has(event.id)) entry.waiting++;
      }
      // A photo of the fault waits with its request (src/db/schema/photos.ts): "sent" only once it has gone too.
      for (const id of waitingIds) {
        const photo = parsePhotoId(id);
        const entry = photo ? byRequest.get(photo.requestId) : undefined;
        if (entry) entry.waiting++;
      }
      const at = now();
      const items: RequestListItem[] = [];
      for (const [requestId, entry] of byRequest) {
        if (!entry.events.length && !entry.refused.length) continue; // all refused and corrected elsewhere
        const state = entry.events.length ? requestState(entry.events, { now: at }) : null;
        if (options.openOnly && state && !isOpen(state.status)) continue;
        items.push({ requestId, kind: entry.kind, state, waiting: entry.waiting, refused: entry.refused, lastAt: entry.lastAt, events: entry.events });
      }
      // Newest first: the resident's latest request is the one they are looking for.
      return items.sort((a, b) => (a.lastAt < b.lastAt ? 1 : a.lastAt > b.lastAt ? -1 : 0));
    }),
  );
}
