import type { DevicePhoto } from '../schema/photos';

/**
 * The device's photos of faults (issue 21, item 5), kept beside the device database: taken
 * offline, they wait here until the push sends them (their ids wait in the outbox like events),
 * and stay for the resident's own request page.
 *
 * Why not an RxDB collection: RxDB's open-source build allows 13 open collections per process
 * and a device database already holds 4 (tests open several devices at once), and a photo is a
 * picture, not a record to query or replicate (RxDB's CouchDB replication does not carry
 * attachments). One IndexedDB object store, keyed by the photo's id, holds them in browsers;
 * tests use the memory one.
 */
export interface PhotoStore {
  put(photo: DevicePhoto): Promise<void>;
  get(id: string): Promise<DevicePhoto | undefined>;
}

export function memoryPhotoStore(): PhotoStore {
  const photos = new Map<string, DevicePhoto>();
  return {
    async put(photo) {
      photos.set(photo.id, photo);
    },
    async get(id) {
      return photos.get(id);
    },
  };
}

const STORE = 'photos';

/** The photos of one user on this device, in their own IndexedDB database (`<name>-photos`). */
export function indexedDbPhotoStore(name: string, idb: IDBFactory = indexedDB): PhotoStore {
  let opened: Promise<IDBDatabase> | undefined;
  const open = () =>
    (opened ??= new Promise<IDBDatabase>((resolve, reject) => {
      const req = idb.open(`${name}-photos`, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id' });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => {
        opened = undefined;
        reject(req.error);
      };
    }));
  const run = async <T>(mode: IDBTransactionMode, fn: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
    const db = await open();
    return new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error ?? req.error);
      tx.onabort = () => reject(tx.error ?? req.error);
    });
  };
  return {
    async put(photo) {
      await run('readwrite', (s) => s.put(photo));
    },
    async get(id) {
      return (await run('readonly', (s) => s.get(id))) as DevicePhoto | undefined;
    },
  };
}
