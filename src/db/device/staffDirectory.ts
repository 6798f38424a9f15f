import * as v from 'valibot';
import { Role } from '../schema/roles';
import type { StaffEntry } from '../../rules/peopleNames';
import { staffDirectoryKey as keyOf, staffDirectoryKept } from './staffName';

/**
 * The staff directory on a staff device (GET /db/_account/staff: colleagues' logins, display
 * names, roles, the communities technicians cover): fetched when the console opens and kept
 * in localStorage per signed-in user, so a device that opens offline still names people and
 * offers its technicians.
 */
const Entry = v.object({
  name: v.string(),
  displayName: v.nullable(v.string()),
  roles: v.array(v.fallback(Role, 'admin')),
  station: v.nullable(v.string()),
  /** The communities a technician covers (a directory cached before they were listed has none). */
  communities: v.optional(v.array(v.string()), []),
});
const Answer = v.object({ staff: v.array(Entry) });

export function cachedStaffDirectory(storage: Pick<Storage, 'getItem'>, user: string): StaffEntry[] {
  try {
    const parsed = v.safeParse(Answer, JSON.parse(storage.getItem(keyOf(user)) ?? 'null'));
    return parsed.success ? parsed.output.staff : [];
  } catch {
    return [];
  }
}

/** The directory from the server (kept for offline use), or null when offline or refused. */
export async function fetchStaffDirectory(storage: Pick<Storage, 'setItem'>, user: string, fetchImpl: typeof fetch = fetch): Promise<StaffEntry[] | null> {
  try {
    const res = await fetchImpl('/db/_account/staff', { credentials: 'same-origin', cache: 'no-store' });
    if (!res.ok) return null;
    const parsed = v.safeParse(Answer, await res.json());
    if (!parsed.success) return null;
    storage.setItem(keyOf(user), JSON.stringify(parsed.output));
    staffDirectoryKept();
    return parsed.output.staff;
  } catch {
    return null;
  }
}
