import { describe, expect, it } from 'vitest';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { draftPhotoStore, type DraftPhoto } from '../../../../src/db/device/draftPhotos';
import { DRAFT_TTL_DAYS } from '../../../../src/db/device/drafts';

/**
 * The photos of an unsent form (src/db/device/draftPhotos.ts) on IndexedDB (fake-indexeddb here,
 * Chromium in tests/e2e/photos.test.ts): kept per user and form, read back as saved, gone when
 * the form is sent, expired with the text draft, and all of a user's gone at sign-out — another
 * user's kept.
 */
const photo = (n: number): DraftPhoto => ({ contentType: 'image/jpeg', data: `/9j/${'A'.repeat(n)}`, width: 1600, height: 1200 });

describe('draft photos', () => {
  it('keeps a form’s photos per user and form, and an empty list removes them', async () => {
    const store = draftPhotoStore(new IDBFactory(), IDBKeyRange);
    expect(await store.load('r-1', 'repair')).toEqual([]);
    expect(await store.save('r-1', 'repair', [photo(4), photo(8)])).toBe(true);
    expect(await store.save('r-1', 'complaint', [photo(12)])).toBe(true);
    expect(await store.save('r-2', 'repair', [photo(16)])).toBe(true);
    expect(await store.load('r-1', 'repair')).toEqual([photo(4), photo(8)]);
    expect(await store.load('r-1', 'complaint')).toEqual([photo(12)]);
    expect(await store.load('r-2', 'repair')).toEqual([photo(16)]);
    await store.save('r-1', 'repair', []);
    expect(await store.load('r-1', 'repair')).toEqual([]);
    await store.clear('r-1', 'complaint');
    expect(await store.load('r-1', 'complaint')).toEqual([]);
    expect(await store.load('r-2', 'repair')).toEqual([photo(16)]);
  });

  it('a sign-out removes every form of that user only (a user name may hold ":")', async () => {
    const store = draftPhotoStore(new IDBFactory(), IDBKeyRange);
    await store.save('r-1', 'repair', [photo(4)]);
    await store.save('r-1', 'temperature-test', [photo(4)]);
    await store.save('r-1:x', 'repair', [photo(8)]);
    await store.save('r-10', 'repair', [photo(12)]);
    await store.clearOf('r-1');
    expect(await store.load('r-1', 'repair')).toEqual([]);
    expect(await store.load('r-1', 'temperature-test')).toEqual([]);
    expect(await store.load('r-1:x', 'repair')).toEqual([photo(8)]);
    expect(await store.load('r-10', 'repair')).toEqual([photo(12)]);
  });

  it('expires with the text draft, and drops what is not a list of photos', async () => {
    const idb = new IDBFactory();
    const store = draftPhotoStore(idb, IDBKeyRange);
    const day = 24 * 3_600_000;
    await store.save('r-1', 'repair', [photo(4)], 1_000);
    expect(await store.load('r-1', 'repair', 1_000 + DRAFT_TTL_DAYS * day)).toEqual([photo(4)]);
    expect(await store.load('r-1', 'repair', 1_000 + DRAFT_TTL_DAYS * day + 1)).toEqual([]);
    expect(await store.load('r-1', 'repair', 1_000)).toEqual([]); // removed on the expired read
    await store.save('r-1', 'repair', [{ ...photo(4), contentType: 'image/gif' as 'image/png' }]);
    expect(await store.load('r-1', 'repair')).toEqual([]);
    await store.save('r-1', 'repair', [photo(1), photo(2), photo(3), photo(4)]);
    expect(await store.load('r-1', 'repair')).toEqual([]);
  });

  it('without IndexedDB the form goes on: nothing kept, nothing thrown', async () => {
    const store = draftPhotoStore(undefined, undefined);
    expect(await store.save('r-1', 'repair', [photo(4)])).toBe(false);
    expect(await store.load('r-1', 'repair')).toEqual([]);
    await store.clearOf('r-1');
  });
});
