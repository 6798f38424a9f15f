/**
 * The signed-in staff member's display name for the page header, from the staff directory the
 * console keeps (staffDirectory.ts). Its own small module, with no schema library: the header
 * is on every signed-in page, resident pages included, and stays light.
 */
export const staffDirectoryKey = (user: string) => `hearthline.staffDirectory.${user}`;

const listeners = new Set<() => void>();

/** Called whenever a fresh directory has been kept. */
export function onStaffDirectory(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** staffDirectory.ts tells the header a fresh directory is kept. */
export function staffDirectoryKept(): void {
  for (const l of listeners) l();
}

/** The user's own display name in the kept directory, or null while none is known. */
export function ownDisplayName(storage: Pick<Storage, 'getItem'>, user: string): string | null {
  try {
    const kept = JSON.parse(storage.getItem(staffDirectoryKey(user)) ?? 'null') as { staff?: { name?: unknown; displayName?: unknown }[] } | null;
    const me = kept?.staff?.find((s) => s.name === user)?.displayName;
    return typeof me === 'string' && me.trim() ? me : null;
  } catch {
    return null;
  }
}
