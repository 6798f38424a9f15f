import type { EventOf, EventRecord } from '../db/schema/events/event';
import type { Role } from '../db/schema/roles';

/** A colleague as the staff directory lists them (GET /db/_account/staff). */
export interface StaffEntry {
  readonly name: string;
  readonly displayName: string | null;
  readonly roles: readonly Role[];
  readonly station: string | null;
  /** The communities a technician covers (ids of their station's communities): the nearest is sent first. */
  readonly communities?: readonly string[];
}

/** Who wrote an event, as a person reads it: a display name when one is known, and the role. */
export interface AuthorLabel {
  readonly role: Role;
  /** The display name; null when none is known (the interface then shows the role alone, never the login). */
  readonly displayName: string | null;
}

/**
 * Names the author of `event` from what the device holds (issue 16 item 1: "the timeline names
 * people by display name"): a resident by the contact name of their own submission; a member of
 * staff by the staff directory, else by the display name a dispatch gave them (`technicianName`,
 * which every device holding the request has). Logins are internal: they are never the label.
 */
export function authorLabel(event: EventRecord, history: readonly EventRecord[], directory: ReadonlyMap<string, string | null>): AuthorLabel {
  const { name, role } = event.author;
  if (role === 'resident') {
    const own = history.filter((e): e is EventOf<'submitted'> => e.type === 'submitted' && e.author.name === name);
    const contact = (own.at(-1)?.payload as { contact?: { name?: string } } | undefined)?.contact?.name;
    return { role, displayName: contact ?? null };
  }
  const listed = directory.get(name);
  if (listed) return { role, displayName: listed };
  const dispatched = history.filter((e): e is EventOf<'dispatched'> => e.type === 'dispatched' && e.payload.technician === name).at(-1);
  return { role, displayName: dispatched?.payload.technicianName ?? null };
}

/** The directory as a map from login to display name. */
export function directoryNames(staff: readonly StaffEntry[]): Map<string, string | null> {
  return new Map(staff.map((s) => [s.name, s.displayName]));
}
