import { MAX_PHOTOS, MAX_PHOTO_BASE64, PHOTO_MAX_SIDE, PHOTO_TYPES, type DevicePhoto } from '../schema/photos';
import { DRAFT_TTL_DAYS } from './drafts';

/**
 * The photos of an unsent form, kept on the device like the rest of its draft (drafts.ts), so a
 * resident who picked photos and reloads, closes the tab or loses the network finds them still in
 * the form, and they go with the request when it is sent.
 *
 * Why not in the draft itself: drafts live in localStorage (synchronous, a few MB per origin,
 * strings only) and one photo is up to 1.4 MB of base64. Photos are binaries: one IndexedDB
 * database (`hearthline-draft-photos`) holds them, one entry per user and form, keyed
 * `[user, form]`. A draft's photos go when its form is sent, after DRAFT_TTL_DAYS, and when the
 * user signs out of the device (clearDraftPhotosOf), like the text draft. Where IndexedDB is
 * missing or refuses (private mode settings, a full disk), the form works without keeping them.
 */

/** A photo made ready on the device (src/islands/photoPrep.ts), not yet given to a request. */
export type DraftPhoto = Pick<DevicePhoto, 'contentType' | 'data' | 'width' | 'height'>;

interface Entry {
  user: string;
  form: string;
  savedAt: number;
  photos: DraftPhoto[];
}

const DATABASE = 'hearthline-draft-photos';
const STORE = 'drafts';
const DAY_MS = 24 * 60 * 60 * 1000;

const keyOf = (user: string, formId: string): [string, string] => [user, formId];

/** What an entry read back holds, if it is still a list of photos (anything else is dropped). */
function photosOf(value: unknown): DraftPhoto[] | null {
  if (!Array.isArray(value) || value.length > MAX_PHOTOS) return null;
  const ok = value.every((p: Partial<DraftPhoto> | null) => {
    if (typeof p !== 'object' || p === null) return false;
    const { contentType, data, width, height } = p;
    const side = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= PHOTO_MAX_SIDE;
    return (PHOTO_TYPES as readonly unknown[]).includes(contentType) && typeof data === 'string' && data.length <= MAX_PHOTO_BASE64 && side(width) && side(height);
  });
  return ok ? value.map(({ contentType, data, width, height }: DraftPhoto) => ({ contentType, data, width, height })) : null;
}

export interface DraftPhotoStore {
  /** The photos kept for a form, [] when none (or expired: then removed). */
  load(user: string, formId: string, now?: number): Promise<DraftPhoto[]>;
  /** Keeps the form's photos (an empty list removes the entry); false when the device refused. */
  save(user: string, formId: string, photos: readonly DraftPhoto[], now?: number): Promise<boolean>;
  clear(user: string, formId: string): Promise<void>;
  /** Every form's photos of a user (signing out of a shared device). */
  clearOf(user: string): Promise<void>;
}

export function draftPhotoStore(
  idb: IDBFactory | undefined = globalThis.indexedDB,
  keyRange: Pick<typeof IDBKeyRange, 'bound'> | undefined = globalThis.IDBKeyRange,
): DraftPhotoStore {
  let opened: Promise<IDBDatabase> | undefined;
  const open = () =>
    (opened ??= new Promise<IDBDatabase>((resolve, reject) => {
      if (!idb) return reject(new Error('no IndexedDB on this device'));
      const req = idb.open(DATABASE, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: ['user', 'form'] });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => {
        opened = undefined;
        reject(req.error);
      };
    }));
  const run = async <T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> => {
    const db = await open();
    return new Promise<T | undefined>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req ? req.result : undefined);
      tx.onerror = () => reject(tx.error ?? req?.error);
      tx.onabort = () => reject(tx.error ?? req?.error);
    });
  };
  const clear = async (user: string, formId: string) => {
    await run('readwrite', (s) => s.delete(keyOf(user, formId))).catch(() => undefined);
  };
  return {
    async load(user, formId, now = Date.now()) {
      const entry = (await run<Entry | undefined>('readonly', (s) => s.get(keyOf(user, formId))).catch(() => undefined)) as Entry | undefined;
      if (!entry) return [];
      if (typeof entry.savedAt !== 'number' || now - entry.savedAt > DRAFT_TTL_DAYS * DAY_MS) {
        await clear(user, formId);
        return [];
      }
      return photosOf(entry.photos) ?? [];
    },
    async save(user, formId, photos, now = Date.now()) {
      try {
        if (!photos.length) await run('readwrite', (s) => s.delete(keyOf(user, formId)));
        else await run('readwrite', (s) => s.put({ user, form: formId, savedAt: now, photos: photos.map(({ contentType, data, width, height }) => ({ contentType, data, width, height })) } satisfies Entry));
        return true;
      } catch {
        return false;
      }
    },
    clear,
    async clearOf(user) {
      // Every key [user, *]: an array key sorts by its first element first, and every form id is above [user, ''].
      if (!keyRange) return;
      await run('readwrite', (s) => s.delete(keyRange.bound([user, ''], [user, '\uffff']))).catch(() => undefined);
    },
  };
}
