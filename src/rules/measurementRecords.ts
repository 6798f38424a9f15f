import type { EventType } from '../db/schema/events/event';
import { temperatureTestOutcome, type RoomRecord, type TemperatureTestOutcome } from './temperatureTest';

/**
 * The temperature-test record of a visit (002 ch.2 测温办法: measure, record, enter into the
 * system; "records may not be altered"; "a record without the resident's signature is invalid").
 *
 * Events are append-only, so a correction is one more `measured` event: within one visit (the
 * events after a `dispatched`) the latest `measured` is the record, and the earlier ones of the
 * visit are superseded (kept, never shown as measurements of their own: the resident's and the
 * staff's timelines and the customer archive count one record per visit). A new visit (a
 * dispatch after the resident reopened) has a record of its own.
 *
 * A record is signed when its own save carries the resident's signature (the one pad of the
 * technician's form), or when the resident signed it afterwards (`signed-off` in the portal);
 * a correction needs a signature of its own: the resident signs what they read. An unsigned
 * record is a draft, invalid (temperatureTestOutcome), and the request is not finished on it
 * (`finishProblem`, which the write check applies on the device and the server).
 *
 * Pure and shape-light: it reads only the fields below, so the server's request index
 * (requestLinkage.ts) can keep these events without their signature images.
 */
export interface TrailEvent {
  readonly id: string;
  readonly type: EventType;
  readonly at: string;
  readonly payload?: unknown;
}

/** The events that decide a temperature test's records. */
export const TRAIL_TYPES: readonly EventType[] = ['dispatched', 'measured', 'signed-off'];

export interface MeasurementRecord<E extends TrailEvent = TrailEvent> {
  /** The record as it stands: the visit's latest save. */
  readonly event: E;
  /** The dispatch (visit) it belongs to; null when measured without one on record. */
  readonly visit: string | null;
  /** Earlier saves of the same visit it corrects, oldest first. */
  readonly superseded: readonly E[];
  readonly signed: boolean;
  /** The record judged by the measurement method, with its signature. */
  readonly outcome: TemperatureTestOutcome;
}

/** History order, as requestState's compareEvents (the rule must not import the fold). */
function byHistory(a: TrailEvent, b: TrailEvent): number {
  const sa = a.type === 'submitted' ? 0 : 1;
  const sb = b.type === 'submitted' ? 0 : 1;
  if (sa !== sb) return sa - sb;
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const roomsOf = (e: TrailEvent): readonly RoomRecord[] => ((e.payload as { rooms?: RoomRecord[] } | undefined)?.rooms ?? []);
const carriesSignature = (e: TrailEvent): boolean => (e.payload as { signature?: unknown } | undefined)?.signature !== undefined;

/** Every visit's record, in history order (one per visit). */
export function measurementRecords<E extends TrailEvent>(events: readonly E[]): MeasurementRecord<E>[] {
  const seen = new Set<string>();
  const ordered = events.filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true))).sort(byHistory);
  const records: { event: E; visit: string | null; superseded: E[]; signed: boolean }[] = [];
  let visit: string | null = null;
  let open: (typeof records)[number] | null = null; // the record of the current visit
  for (const e of ordered) {
    if (e.type === 'dispatched') {
      visit = e.id;
      open = null;
    } else if (e.type === 'measured') {
      if (open) {
        open.superseded.push(open.event);
        open.event = e;
        open.signed = carriesSignature(e);
      } else {
        open = { event: e, visit, superseded: [], signed: carriesSignature(e) };
        records.push(open);
      }
    } else if (e.type === 'signed-off' && open) {
      open.signed = true; // the resident signed the record as it stood
    }
  }
  return records.map((r) => ({ ...r, outcome: temperatureTestOutcome({ rooms: roomsOf(r.event), signed: r.signed }) }));
}

/** The record of the latest visit, or null when nothing was measured. */
export function currentMeasurement<E extends TrailEvent>(events: readonly E[]): MeasurementRecord<E> | null {
  return measurementRecords(events).at(-1) ?? null;
}

/** The ids of saves a later save of the same visit corrects: left out of every timeline. */
export function supersededMeasurementIds(events: readonly TrailEvent[]): ReadonlySet<string> {
  return new Set(measurementRecords(events).flatMap((r) => r.superseded.map((e) => e.id)));
}

/** Whether a temperature test may be finished (`resolved`): its current record is valid, signed. */
export function mayFinishTemperatureTest(events: readonly TrailEvent[]): boolean {
  return currentMeasurement(events)?.outcome.valid === true;
}

/**
 * Why `type` may not be written on a temperature test with this history, or null. Only the
 * finish is held: a temperature test is resolved on a valid record the resident signed.
 */
export function finishProblem(type: EventType, requestKind: string, events: readonly TrailEvent[]): { rule: 'temperature-record'; reason: string } | null {
  if (type !== 'resolved' || requestKind !== 'temperature-test') return null;
  const record = currentMeasurement(events);
  if (!record) return { rule: 'temperature-record', reason: 'a temperature test is finished on its measurement record: nothing was measured yet' };
  if (!record.signed) return { rule: 'temperature-record', reason: "the measurement record has no resident's signature: an unsigned record is invalid (002 ch.2), so the test cannot be finished" };
  if (!record.outcome.valid) return { rule: 'temperature-record', reason: 'the measurement record breaks the measurement method (readings per room): correct it before finishing' };
  return null;
}
