/**
 * Drafts of the forms, kept on the device as the user types, so a reload, a closed tab or a
 * flat battery loses nothing. One draft per user and form, in localStorage (synchronous: the
 * last keystroke before the tab closes is kept). A draft is what the form holds, not a record:
 * it is never sent, and it is dropped once the form is submitted, after DRAFT_TTL_DAYS, and
 * when the user signs out of the device (a shared phone keeps nobody's address).
 */

const PREFIX = 'hearthline:draft:';
export const DRAFT_TTL_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

type DraftStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem' | 'key' | 'length'>;

function defaultStorage(): DraftStorage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage blocked (private mode settings): forms still work, without drafts
  }
}

export function draftKey(user: string, formId: string): string {
  return `${PREFIX}${user}:${formId}`;
}

/** The saved draft of a form, or null (none, expired, or unreadable). */
export function loadDraft<T extends object>(user: string, formId: string, now: number = Date.now(), storage = defaultStorage()): Partial<T> | null {
  const raw = storage?.getItem(draftKey(user, formId));
  if (!raw) return null;
  try {
    const saved = JSON.parse(raw) as { savedAt?: unknown; fields?: unknown };
    if (typeof saved.savedAt !== 'number' || now - saved.savedAt > DRAFT_TTL_DAYS * DAY_MS) {
      storage?.removeItem(draftKey(user, formId));
      return null;
    }
    const fields = saved.fields;
    return typeof fields === 'object' && fields !== null && !Array.isArray(fields) ? (fields as Partial<T>) : null;
  } catch {
    return null;
  }
}

/** Saves the form's fields; false when the device refused (storage full): the form goes on. */
export function saveDraft(user: string, formId: string, fields: object, now: number = Date.now(), storage = defaultStorage()): boolean {
  try {
    storage?.setItem(draftKey(user, formId), JSON.stringify({ savedAt: now, fields }));
    return storage !== null;
  } catch {
    return false;
  }
}

export function clearDraft(user: string, formId: string, storage = defaultStorage()): void {
  storage?.removeItem(draftKey(user, formId));
}

/** Drops every draft of a user (signing out of a shared device). */
export function clearDraftsOf(user: string, storage = defaultStorage()): void {
  if (!storage) return;
  const prefix = `${PREFIX}${user}:`;
  const keys: string[] = [];
  for (let i = 0; i < storage.length; i++) {
    const key = storage.key(i);
    if (key?.startsWith(prefix)) keys.push(key);
  }
  for (const key of keys) storage.removeItem(key);
}
