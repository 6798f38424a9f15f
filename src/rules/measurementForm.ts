import { areaProblem, measurementRow } from './measurementMethod';
import type { RoomRecord } from './temperatureTest';

/**
 * The technician's measurement form as text fields, and the `measured` payload it makes. The
 * form opens on the visit's saved record (so a correction starts from what was saved, never
 * from blank fields), else on the rooms the resident asked to have measured. Each room has as
 * many reading fields as its area needs (002 ch.2 测温办法); every field is sent as typed, so the
 * write check names a blank or a wrong figure at its own field (`payload.rooms[0].readings[1]`).
 */
export interface FormRoom {
  readonly name: string;
  readonly area: string;
  readonly readings: readonly string[];
}

/** A figure typed in a field (a decimal comma taken as a point); NaN when it is none. */
function figure(value: string): number {
  const trimmed = value.trim().replace(',', '.');
  return trimmed === '' ? Number.NaN : Number(trimmed);
}

/** The points a typed area needs; one while the area is not a usable figure yet. */
export function pointsForArea(area: string): number {
  const n = figure(area);
  return areaProblem(n) === null ? measurementRow(n).points : 1;
}

/** The form's rooms: the saved record's, else the asked-for rooms with empty readings, else one empty room. */
export function measurementFormRooms(saved: readonly RoomRecord[] | null, asked: readonly { name: string; areaM2: number }[]): FormRoom[] {
  if (saved?.length) return saved.map((r) => ({ name: r.name, area: String(r.areaM2), readings: r.readings.map(String) }));
  const rooms = asked.length ? asked.map((r) => ({ name: r.name, area: String(r.areaM2) })) : [{ name: '', area: '' }];
  return rooms.map((r) => ({ ...r, readings: Array.from({ length: pointsForArea(r.area) }, () => '') }));
}

/** A room with a new area: as many reading fields as the area needs, the readings typed so far kept. */
export function withArea(room: FormRoom, area: string): FormRoom {
  const n = pointsForArea(area);
  return { ...room, area, readings: Array.from({ length: n }, (_, k) => room.readings[k] ?? '') };
}

/** A field's value as the payload takes it: a number, or the text as typed (blank: absent) for the schema to name. */
function asTyped(value: string): number | string | undefined {
  const trimmed = value.trim();
  if (!trimmed) return undefined;
  const n = figure(trimmed);
  return Number.isFinite(n) ? n : trimmed;
}

/** The `measured` payload of the form, with the resident's signature when they signed. */
export function measurementPayload(rooms: readonly FormRoom[], signature: string | null): Record<string, unknown> {
  return {
    rooms: rooms.map((r) => ({ name: r.name.trim() || undefined, areaM2: asTyped(r.area), readings: r.readings.map(asTyped) })),
    ...(signature ? { signature } : {}),
  };
}

/** The form's rooms as a record to judge before saving (blank or wrong figures as NaN: the room has no mean yet). */
export function formRecord(rooms: readonly FormRoom[]): RoomRecord[] {
  return rooms.map((r) => ({ name: r.name.trim(), areaM2: figure(r.area), readings: r.readings.map(figure) }));
}
