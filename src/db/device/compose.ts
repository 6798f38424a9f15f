import { newEventId, newRequestId, ulid } from '../schema/events/ids';
import { RECORD_ID_PREFIX, RECORD_SCHEMA_VERSION, type RecordType } from '../schema/records/record';
import { SCHEMA_VERSION } from '../schema/events/migrations';
import type { EventType, Visibility } from '../schema/events/event';
import type { RequestKind } from '../schema/requestKind';
import type { Role } from '../schema/roles';
import type { DeviceSession } from './session';

/**
 * Events as the device writes them: the envelope (ids, time, author, routing keys) filled in
 * from the device session, the payload from a form. Nothing here checks anything: recordEvent
 * runs the server's own write check on the result before storing it, and a form shows its
 * issues field by field.
 */

export interface Writer {
  session: Pick<DeviceSession, 'name' | 'roles' | 'station' | 'profile'>;
  deviceId: string;
  /** The role the event is written in (default: the session's first role). */
  role?: Role;
}

/** The station a resident's requests go to: the one of their community (their profile). */
export function stationOfResident(session: Writer['session']): string | undefined {
  return session.profile?.station;
}

/** The first event of a new request, written by a resident on their own device. */
export function composeSubmission(writer: Writer, kind: RequestKind, payload: unknown, now: Date = new Date()): Record<string, unknown> {
  const request = { requestId: newRequestId(now), requestKind: kind, resident: writer.session.name, station: stationOfResident(writer.session) ?? '' };
  return composeFollowUp(writer, request, 'submitted', payload, 'resident', now);
}

/** An event of a request (the envelope's routing keys come from the request). */
export function composeFollowUp(
  writer: Writer,
  request: { requestId: string; requestKind: RequestKind; resident: string; station: string },
  type: EventType,
  payload: unknown,
  visibility: Visibility,
  now: Date = new Date(),
): Record<string, unknown> {
  return {
    id: newEventId(now),
    docType: 'event',
    schemaVersion: SCHEMA_VERSION,
    requestId: request.requestId,
    requestKind: request.requestKind,
    type,
    at: now.toISOString(),
    author: { name: writer.session.name, role: writer.role ?? writer.session.roles[0] ?? 'resident', device: writer.deviceId },
    resident: request.resident,
    station: request.station,
    visibility,
    payload,
  };
}

/**
 * A new event that corrects a refused one: same request, kind and type, a new id and time, the
 * corrected payload, and (for a submission) the station of the resident's profile as it is now
 * (a community moved to another station is a reason the server refuses a submission).
 */
export function composeCorrection(
  writer: Writer,
  refused: { requestId: string; requestKind: RequestKind; type: EventType; resident: string; station: string; visibility: Visibility },
  payload: unknown,
  now: Date = new Date(),
): Record<string, unknown> {
  const station = refused.type === 'submitted' ? (stationOfResident(writer.session) ?? refused.station) : refused.station;
  return composeFollowUp(writer, { ...refused, station }, refused.type, payload, refused.visibility, now);
}

/**
 * An operations record (an outage notice, the committee's draft…) written on an operations
 * device: the envelope from the session, the payload from a form. `station` when the record
 * concerns one (an outage's area).
 */
export function composeOperationsRecord(
  writer: Writer,
  type: RecordType,
  payload: unknown,
  options: { station?: string; now?: Date } = {},
): Record<string, unknown> {
  const now = options.now ?? new Date();
  return {
    id: RECORD_ID_PREFIX + ulid(now),
    docType: 'record',
    schemaVersion: RECORD_SCHEMA_VERSION,
    type,
    at: now.toISOString(),
    author: { name: writer.session.name, role: writer.role ?? writer.session.roles[0] ?? 'admin', device: writer.deviceId },
    ...(options.station !== undefined ? { station: options.station } : {}),
    payload,
  };
}
