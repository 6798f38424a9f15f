import { afterEach, describe, expect, it, vi } from 'vitest';
import Dexie from 'dexie';
import { errorToPlainJson, newRxError, type RxStorage } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import {
  FULL_RATIO,
  NEARLY_FULL_RATIO,
  STORAGE_MESSAGES,
  estimateStorage,
  isQuotaError,
  requestPersistence,
  storageMessage,
  storageRisk,
  type StorageManagerLike,
  type StorageRiskInput,
} from '../../../../src/db/device/storage';
import { openDeviceDatabase, recordEvent, type DeviceDatabase } from '../../../../src/db/device/database';
import { RESIDENT, aSubmittedRepair, couchUser } from '../../../support/builders/events';

/** A fake of navigator.storage: each method given is a spy. */
function fakeStorage(answers: { persisted?: boolean | Error; persist?: boolean | Error; estimate?: { usage?: number; quota?: number } | Error }) {
  const answer = <T>(a: T | Error) => (a instanceof Error ? Promise.reject(a) : Promise.resolve(a));
  const storage: StorageManagerLike = {};
  const spies = {
    persisted: vi.fn(() => answer(answers.persisted!)),
    persist: vi.fn(() => answer(answers.persist!)),
    estimate: vi.fn(() => answer(answers.estimate!)),
  };
  if ('persisted' in answers) storage.persisted = spies.persisted;
  if ('persist' in answers) storage.persist = spies.persist;
  if ('estimate' in answers) storage.estimate = spies.estimate;
  return { storage, spies };
}

describe('requestPersistence', () => {
  it('already persisted: no prompt', async () => {
    const { storage, spies } = fakeStorage({ persisted: true, persist: true });
    expect(await requestPersistence(storage)).toEqual({ persisted: true, supported: true });
    expect(spies.persist).not.toHaveBeenCalled();
  });

  it('granted on asking', async () => {
    const { storage, spies } = fakeStorage({ persisted: false, persist: true });
    expect(await requestPersistence(storage)).toEqual({ persisted: true, supported: true });
    expect(spies.persisted).toHaveBeenCalledTimes(1);
    expect(spies.persist).toHaveBeenCalledTimes(1);
  });

  it('refused', async () => {
    const { storage } = fakeStorage({ persisted: false, persist: false });
    expect(await requestPersistence(storage)).toEqual({ persisted: false, supported: true });
  });

  it('a throw is "not persisted"', async () => {
    expect(await requestPersistence(fakeStorage({ persisted: false, persist: new Error('SecurityError') }).storage)).toEqual({ persisted: false, supported: true });
    // persisted() throwing still asks
    const { storage, spies } = fakeStorage({ persisted: new Error('x'), persist: true });
    expect(await requestPersistence(storage)).toEqual({ persisted: true, supported: true });
    expect(spies.persist).toHaveBeenCalled();
  });

  it('unsupported: no storage manager, or one without persistence', async () => {
    expect(await requestPersistence(undefined)).toEqual({ persisted: false, supported: false });
    expect(await requestPersistence(null)).toEqual({ persisted: false, supported: false });
    expect(await requestPersistence(fakeStorage({ estimate: { usage: 1, quota: 2 } }).storage)).toEqual({ persisted: false, supported: false });
    // persisted() without persist(): can tell, cannot ask
    expect(await requestPersistence(fakeStorage({ persisted: false }).storage)).toEqual({ persisted: false, supported: true });
  });
});

describe('estimateStorage', () => {
  it('passes the estimate on; none when missing, incomplete or throwing', async () => {
    expect(await estimateStorage(fakeStorage({ estimate: { usage: 10, quota: 100 } }).storage)).toEqual({ usage: 10, quota: 100 });
    expect(await estimateStorage(fakeStorage({ estimate: { usage: 10 } }).storage)).toBeUndefined();
    expect(await estimateStorage(fakeStorage({ estimate: new Error('x') }).storage)).toBeUndefined();
    expect(await estimateStorage(fakeStorage({}).storage)).toBeUndefined();
    expect(await estimateStorage(undefined)).toBeUndefined();
  });
});

describe('storageRisk', () => {
  const safe: StorageRiskInput = { persisted: true, supported: true, estimate: { usage: 10, quota: 1000 }, waiting: 0 };

  it('ok: persisted with room, or not persisted with nothing waiting', () => {
    expect(storageRisk(safe)).toEqual({ level: 'ok', messageId: null, count: 0, usageRatio: 0.01 });
    expect(storageRisk({ ...safe, waiting: 5 })).toMatchObject({ level: 'ok', messageId: null });
    expect(storageRisk({ ...safe, persisted: false })).toMatchObject({ level: 'ok' });
    expect(storageRisk({ ...safe, estimate: undefined })).toEqual({ level: 'ok', messageId: null, count: 0, usageRatio: null });
  });

  it('at risk: not persisted (refused or unsupported) while records wait', () => {
    expect(storageRisk({ ...safe, persisted: false, waiting: 3 })).toEqual({ level: 'at-risk', messageId: 'storage.at-risk', count: 3, usageRatio: 0.01 });
    expect(storageRisk({ ...safe, persisted: false, supported: false, estimate: undefined, waiting: 1 })).toMatchObject({ level: 'at-risk', count: 1 });
  });

  it('nearly full from exactly 80% of the quota', () => {
    expect(NEARLY_FULL_RATIO).toBe(0.8);
    expect(storageRisk({ ...safe, estimate: { usage: 799, quota: 1000 } }).level).toBe('ok');
    expect(storageRisk({ ...safe, estimate: { usage: 800, quota: 1000 } })).toEqual({ level: 'nearly-full', messageId: 'storage.nearly-full', count: 0, usageRatio: 0.8 });
    expect(storageRisk({ ...safe, persisted: false, estimate: { usage: 800, quota: 1000 }, waiting: 2 })).toMatchObject({
      level: 'nearly-full',
      messageId: 'storage.nearly-full.waiting',
      count: 2,
    });
  });

  it('full from exactly 95% of the quota, or after a quota error', () => {
    expect(FULL_RATIO).toBe(0.95);
    expect(storageRisk({ ...safe, estimate: { usage: 949, quota: 1000 } }).level).toBe('nearly-full');
    expect(storageRisk({ ...safe, estimate: { usage: 950, quota: 1000 } })).toMatchObject({ level: 'full', messageId: 'storage.full' });
    expect(storageRisk({ ...safe, quotaExceeded: true })).toMatchObject({ level: 'full', messageId: 'storage.full' });
    expect(storageRisk({ ...safe, estimate: undefined, quotaExceeded: true, waiting: 4 })).toEqual({ level: 'full', messageId: 'storage.full.waiting', count: 4, usageRatio: null });
  });

  it('ignores estimates it cannot divide, and counts that are not counts', () => {
    expect(storageRisk({ ...safe, estimate: { usage: 5, quota: 0 } }).usageRatio).toBeNull();
    expect(storageRisk({ ...safe, estimate: { usage: Number.NaN, quota: 10 } }).usageRatio).toBeNull();
    expect(storageRisk({ ...safe, persisted: false, waiting: -2 }).level).toBe('ok');
    expect(storageRisk({ ...safe, persisted: false, waiting: 2.7 }).count).toBe(2);
  });
});

describe('the messages', () => {
  it('every message has both languages, Chinese in Chinese; counts are filled in', () => {
    for (const [id, m] of Object.entries(STORAGE_MESSAGES)) {
      expect(m['zh-CN'], id).toMatch(/[\u4e00-\u9fff]/);
      expect(m.en, id).toMatch(/^[\x20-\x7e’]+$/);
    }
    expect(storageMessage('storage.at-risk', 'zh-CN', 3)).toBe('浏览器可能清除本设备上尚未发送的 3 条记录。请尽快连接网络发送；发送前请不要清除浏览器数据。');
    expect(storageMessage('storage.at-risk', 'en', 1)).toContain('including 1 record not yet sent.');
    expect(storageMessage('storage.full.waiting', 'en', 12)).toContain('kept only here: 12 records.');
    for (const id of Object.keys(STORAGE_MESSAGES) as (keyof typeof STORAGE_MESSAGES)[]) {
      for (const lang of ['zh-CN', 'en'] as const) expect(storageMessage(id, lang, 2)).not.toMatch(/[{}]/);
    }
    expect(storageMessage('storage.at-risk', 'zh-CN', Number.NaN)).toContain(' 0 条');
  });
});

describe('isQuotaError: the shapes a quota error takes', () => {
  const domQuota = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

  it("the browser's DOMException (and Firefox's old name)", () => {
    const e = domQuota();
    expect(e.code).toBe(22);
    expect(isQuotaError(e)).toBe(true);
    expect(isQuotaError(new DOMException('x', 'NS_ERROR_DOM_QUOTA_REACHED'))).toBe(true);
    expect(isQuotaError(new DOMException('x', 'ConstraintError'))).toBe(false);
    expect(isQuotaError(new DOMException('x', 'AbortError'))).toBe(false);
  });

  it("Dexie's errors: QuotaExceededError, an AbortError of the transaction, a BulkError", () => {
    const quota = new Dexie.QuotaExceededError(domQuota());
    expect(quota.name).toBe('QuotaExceededError');
    expect(isQuotaError(quota)).toBe(true);
    const abort = new Dexie.AbortError(domQuota());
    expect(abort.name).toBe('AbortError');
    expect(isQuotaError(abort)).toBe(true);
    expect(isQuotaError(new Dexie.AbortError())).toBe(false);
    expect(isQuotaError(new Dexie.BulkError('bulkAdd failed', { 0: quota }))).toBe(true);
    expect(isQuotaError(new Dexie.ConstraintError(new DOMException('Key already exists', 'ConstraintError')))).toBe(false);
  });

  it("RxDB's errors wrapping them, also flattened by the replication (errorToPlainJson)", () => {
    expect(isQuotaError(newRxError('RC_PULL', { errors: [errorToPlainJson(new Dexie.QuotaExceededError(domQuota()))] }))).toBe(true);
    // a flattened Dexie AbortError keeps only its name and message ("QuotaExceededError …")
    expect(isQuotaError(newRxError('RC_PUSH', { errors: [errorToPlainJson(new Dexie.AbortError(domQuota()))] }))).toBe(true);
    expect(isQuotaError(newRxError('RC_PULL', { errors: [errorToPlainJson(new TypeError('Failed to fetch'))] }))).toBe(false);
    expect(isQuotaError(new Error('write failed', { cause: domQuota() }))).toBe(true);
  });

  it('not quota errors: anything else, cycles, non-objects', () => {
    const cyclic: Record<string, unknown> = { name: 'Error' };
    cyclic.inner = cyclic;
    expect(isQuotaError(cyclic)).toBe(false);
    for (const e of [undefined, null, 'QuotaExceededError', 22, new Error('QuotaExceededError'), new TypeError('x')]) expect(isQuotaError(e)).toBe(false);
  });
});

describe('a quota error through the device database', () => {
  let db: DeviceDatabase | undefined;
  afterEach(async () => {
    await db?.remove();
    db = undefined;
  });

  it('recordEvent throws what the storage threw, and isQuotaError knows it', async () => {
    const memory = getRxStorageMemory();
    // A storage whose events instance fails every write as a full IndexedDB does under Dexie.
    const full: RxStorage<any, any> = {
      ...memory,
      async createStorageInstance(params) {
        const instance = await memory.createStorageInstance(params);
        if (params.collectionName === 'events') {
          instance.bulkWrite = () => Promise.reject(new Dexie.AbortError(new DOMException('The quota has been exceeded.', 'QuotaExceededError')));
        }
        return instance;
      },
    };
    db = await openDeviceDatabase({ name: `device-quota-${process.pid}`, storage: full, multiInstance: false });
    const error = await recordEvent(db, aSubmittedRepair(), { database: { kind: 'resident', owner: RESIDENT }, user: couchUser('resident') }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeDefined();
    expect(isQuotaError(error)).toBe(true);
    // the failed write leaves nothing waiting
    expect(await db.outbox.count().exec()).toBe(0);
    expect(storageRisk({ persisted: true, supported: true, estimate: undefined, waiting: 0, quotaExceeded: isQuotaError(error) }).level).toBe('full');
  });
});
