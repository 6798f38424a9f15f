import {
  OPERATIONS_DB,
  databaseName,
  residentDbName,
  stationDbName,
  type DatabaseKind,
} from '../db/schema/databaseNames';
import type { EventType, Visibility } from '../db/schema/events/event';
import { isStationRole, type Role } from '../db/schema/roles';

/**
 * Where events live (the router, server/router/router.mjs, applies these rules). Pure: no I/O.
 *
 * An event is written once, by its author, into the author's home database — the only database
 * that author's role may write into (validateWrite):
 *   a resident              → their own database   resident-<hex of event.resident>
 *   station staff           → their station's      station-<event.station>
 *   (dispatcher, technician, station head)
 *   everyone else on staff  → operations
 *   (hotline, complaint handler, manager, admin; the committee writes no events)
 * The router copies it from there to every other database that may hold it:
 *   - operations, always (it sees every request);
 *   - the station in charge, station-<event.station>, always;
 *   - for a `routed` event that hands the request to another station, that station too
 *     (payload.toStation), so the new station learns of the hand-over;
 *   - the resident's database when the resident may see it (visibility 'resident').
 * Copies are read back from the databases they were copied into (they show up in their
 * _changes); they are never routed again: only the event's origin routes it.
 */

/** What routing reads of an event: the envelope, in either shape (EventRecord or EventDoc). */
export interface RoutingFields {
  readonly resident: string;
  readonly station: string;
  readonly visibility: Visibility;
  readonly author: { readonly role: Role };
  readonly type?: EventType;
  readonly payload?: unknown;
}

/** A database events are routed from. */
export type SourceDatabase =
  | { readonly kind: 'resident'; readonly owner: string }
  | { readonly kind: 'station'; readonly station: string }
  | { readonly kind: 'operations' };

/** The database the author of an event writes it into: where it is routed from. */
export function originDatabase(event: RoutingFields): string {
  const role = event.author.role;
  if (role === 'resident') return residentDbName(event.resident);
  if (isStationRole(role)) return stationDbName(event.station);
  return OPERATIONS_DB;
}

/** The station a `routed` event hands the request to, if any. */
function handedTo(event: RoutingFields): string | undefined {
  if (event.type !== 'routed') return undefined;
  const to = (event.payload as { toStation?: unknown } | undefined)?.toStation;
  return typeof to === 'string' ? to : undefined;
}

/**
 * Every database that holds the event once routed: its origin first, then operations, the
 * station (and the station a `routed` event hands over to), and the resident's database if
 * the resident may see it. No name twice.
 */
export function eventDatabases(event: RoutingFields): string[] {
  const names = [originDatabase(event), OPERATIONS_DB, stationDbName(event.station)];
  const to = handedTo(event);
  if (to !== undefined) names.push(stationDbName(to));
  if (event.visibility === 'resident') names.push(residentDbName(event.resident));
  return [...new Set(names)];
}

/** Whether `source` is the event's origin (the only database it is routed from). */
export function isOrigin(event: RoutingFields, source: DatabaseKind): boolean {
  return source.kind !== 'other' && databaseName(source) === originDatabase(event);
}

/**
 * The databases to copy an event found in `source` into: every database that may hold it but
 * the source — when the source is the event's origin. A copy found anywhere else routes
 * nowhere ([]): its origin has routed it already, and routing it again would only repeat work.
 *
 *   a resident's submission, in their database    → operations, station-<station>
 *   a dispatcher's `dispatched`, in the station's → operations, resident-<hex>
 *   a technician's internal `note`                → operations
 *   the hotline's `reply`, in operations          → station-<station>, resident-<hex>
 */
export function routeTargets(event: RoutingFields, source: SourceDatabase | DatabaseKind): string[] {
  if (!isOrigin(event, source)) return [];
  const from = databaseName(source);
  return eventDatabases(event).filter((name) => name !== from);
}
