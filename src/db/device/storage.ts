import type { Lang } from '../../i18n/index';

/**
 * Whether the records on this device are safe where they are: persistent storage, the quota,
 * and the words to tell the user when they are not. Pure and injectable: the browser passes
 * `navigator.storage`, tests pass fakes.
 *
 * The one promise: records written on this device and not yet sent are never lost without the
 * user having been told. A browser that keeps "best-effort" storage may clear the site's data
 * under storage pressure (and Safari after 7 days without a visit); a full disk makes a write
 * fail. Either way the user hears it in plain words, with the number of records at stake.
 */

/** The part of the browser's `StorageManager` this module uses; every method may be missing. */
export interface StorageManagerLike {
  persisted?(): Promise<boolean>;
  persist?(): Promise<boolean>;
  estimate?(): Promise<{ usage?: number; quota?: number }>;
}

export interface Persistence {
  /** The browser promised not to clear this site's storage without the user's say. */
  persisted: boolean;
  /** The browser has the Storage API's persistence at all. */
  supported: boolean;
}

/**
 * Asks for persistent storage: `persisted()` first (no prompt when already granted), then
 * `persist()` only if not yet persisted. A refusal, a missing API or any throw is "not
 * persisted"; the app keeps working, and `storageRisk` says what that means for the user.
 */
export async function requestPersistence(storage: StorageManagerLike | null | undefined): Promise<Persistence> {
  if (!storage || (typeof storage.persist !== 'function' && typeof storage.persisted !== 'function')) {
    return { persisted: false, supported: false };
  }
  try {
    if (typeof storage.persisted === 'function' && (await storage.persisted()) === true) {
      return { persisted: true, supported: true };
    }
  } catch {
    // fall through: ask for it
  }
  if (typeof storage.persist !== 'function') return { persisted: false, supported: true };
  try {
    return { persisted: (await storage.persist()) === true, supported: true };
  } catch {
    return { persisted: false, supported: true };
  }
}

export interface StorageEstimateLike {
  usage: number;
  quota: number;
}

/** The browser's estimate of usage and quota, or undefined when it has none (or throws). */
export async function estimateStorage(storage: StorageManagerLike | null | undefined): Promise<StorageEstimateLike | undefined> {
  if (!storage || typeof storage.estimate !== 'function') return undefined;
  try {
    const e = await storage.estimate();
    if (typeof e?.usage !== 'number' || typeof e.quota !== 'number') return undefined;
    return { usage: e.usage, quota: e.quota };
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- the verdict

/** Usage from this share of the quota on: nearly full. */
export const NEARLY_FULL_RATIO = 0.8;
/** Usage from this share of the quota on: full (a write may fail any moment). */
export const FULL_RATIO = 0.95;

export type StorageRiskLevel = 'ok' | 'at-risk' | 'nearly-full' | 'full';

export type StorageMessageId =
  | 'storage.at-risk'
  | 'storage.nearly-full'
  | 'storage.nearly-full.waiting'
  | 'storage.full'
  | 'storage.full.waiting';

/**
 * The words of each verdict, in both languages of the site (ids for the interface's
 * dictionary). `{count}` is the number of unsent records; in English `{records}` is that
 * number with the noun ("1 record", "3 records"). Filled in by `storageMessage`, never by
 * concatenation.
 */
export const STORAGE_MESSAGES: Readonly<Record<StorageMessageId, { en: string; 'zh-CN': string }>> = {
  'storage.at-risk': {
    'zh-CN': '浏览器可能清除本设备上尚未发送的 {count} 条记录。请尽快连接网络发送；发送前请不要清除浏览器数据。',
    en: 'The browser may clear this site’s data on this device, including {records} not yet sent. Connect to the network soon to send what is waiting, and do not clear the browser’s data before then.',
  },
  'storage.nearly-full': {
    'zh-CN': '本设备的存储空间快用完了。请清理不用的应用或文件，以免新记录无法保存。',
    en: 'This device is running out of storage. Free some space (unused apps or files) so that new records can be saved.',
  },
  'storage.nearly-full.waiting': {
    'zh-CN': '本设备的存储空间快用完了，还有 {count} 条记录尚未发送、只保存在本设备上。请尽快连接网络发送，并清理不用的应用或文件。',
    en: 'This device is running out of storage. Not yet sent and kept only here: {records}. Connect to the network soon to send what is waiting, and free some space (unused apps or files).',
  },
  'storage.full': {
    'zh-CN': '本设备的存储空间已满，新记录无法保存。请清理不用的应用或文件后再试。',
    en: 'This device’s storage is full: new records cannot be saved. Free some space (unused apps or files) and try again.',
  },
  'storage.full.waiting': {
    'zh-CN': '本设备的存储空间已满，新记录无法保存。还有 {count} 条记录尚未发送、只保存在本设备上：请尽快连接网络发送，再清理不用的应用或文件。',
    en: 'This device’s storage is full: new records cannot be saved. Not yet sent and kept only here: {records}. Connect to the network soon to send what is waiting, then free some space (unused apps or files).',
  },
};

export interface StorageRiskInput {
  persisted: boolean;
  supported: boolean;
  /** The browser's estimate (estimateStorage), or undefined when it has none. */
  estimate: { usage: number; quota: number } | undefined;
  /** Records written on this device and not yet acknowledged by the server (the sync status's `waiting`). */
  waiting: number;
  /** A write on this device failed with a quota error (isQuotaError). */
  quotaExceeded?: boolean;
}

export interface StorageRisk {
  level: StorageRiskLevel;
  /** What to tell the user; null when there is nothing to say. */
  messageId: StorageMessageId | null;
  /** The number of unsent records the message speaks of. */
  count: number;
  /** usage / quota, or null without an estimate. */
  usageRatio: number | null;
}

function count(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

/**
 * The verdict, most serious first:
 * - full: a write failed with a quota error, or usage ≥ 95% of the quota;
 * - nearly full: usage ≥ 80% of the quota;
 * - at risk: storage is not persistent (refused or unsupported) and records wait to be sent —
 *   the browser may clear them;
 * - ok otherwise (not persistent with nothing waiting loses nothing the server lacks).
 * When records wait, the full and nearly-full messages say how many.
 */
export function storageRisk(input: StorageRiskInput): StorageRisk {
  const waiting = count(input.waiting);
  const e = input.estimate;
  const usageRatio = e && Number.isFinite(e.usage) && Number.isFinite(e.quota) && e.quota > 0 && e.usage >= 0 ? e.usage / e.quota : null;
  if (input.quotaExceeded === true || (usageRatio !== null && usageRatio >= FULL_RATIO)) {
    return { level: 'full', messageId: waiting > 0 ? 'storage.full.waiting' : 'storage.full', count: waiting, usageRatio };
  }
  if (usageRatio !== null && usageRatio >= NEARLY_FULL_RATIO) {
    return { level: 'nearly-full', messageId: waiting > 0 ? 'storage.nearly-full.waiting' : 'storage.nearly-full', count: waiting, usageRatio };
  }
  if (!input.persisted && waiting > 0) {
    return { level: 'at-risk', messageId: 'storage.at-risk', count: waiting, usageRatio };
  }
  return { level: 'ok', messageId: null, count: waiting, usageRatio };
}

/** The message in a language, with the count filled in. */
export function storageMessage(id: StorageMessageId, lang: Lang, n: number): string {
  const c = count(n);
  const records = c === 1 ? '1 record' : `${c} records`;
  return STORAGE_MESSAGES[id][lang].replaceAll('{records}', records).replaceAll('{count}', String(c));
}

// ---------------------------------------------------------------- quota errors

/** The names a quota error has: the standard DOMException, Firefox's old one. */
const QUOTA_NAMES: ReadonlySet<string> = new Set(['QuotaExceededError', 'NS_ERROR_DOM_QUOTA_REACHED']);
/** DOMException.QUOTA_EXCEEDED_ERR */
const QUOTA_CODE = 22;

/**
 * Whether an error is (or wraps) a quota error:
 * - the browser's `DOMException` named `QuotaExceededError` (code 22), or Firefox's
 *   `NS_ERROR_DOM_QUOTA_REACHED`;
 * - Dexie's `QuotaExceededError` (its `inner` is the DOMException), Dexie's `AbortError` of a
 *   transaction aborted by one (`inner`), and Dexie's `BulkError`/`ModifyError` (`failures`);
 * - RxDB's errors wrapping them in `parameters` (`error`, `errors`, `writeError`); the
 *   replication flattens each to `{ name, message }` (errorToPlainJson), so a flattened
 *   Dexie `AbortError` is recognised by the quota name its message begins with;
 * - `cause` and AggregateError's `errors`.
 */
export function isQuotaError(err: unknown): boolean {
  const seen = new Set<object>();
  const visit = (e: unknown, depth: number): boolean => {
    if (e === null || typeof e !== 'object' || depth > 8 || seen.has(e)) return false;
    seen.add(e);
    const o = e as Record<string, unknown>;
    const name = typeof o.name === 'string' ? o.name : '';
    if (QUOTA_NAMES.has(name)) return true;
    if (typeof DOMException !== 'undefined' && e instanceof DOMException && e.code === QUOTA_CODE) return true;
    if (name === 'AbortError' && typeof o.message === 'string' && /\b(QuotaExceededError|NS_ERROR_DOM_QUOTA_REACHED)\b/.test(o.message)) return true;
    const children: unknown[] = [o.inner, o.cause, o.error, o.writeError];
    for (const list of [o.errors, o.failures, o.innerErrors]) {
      if (Array.isArray(list)) children.push(...list);
      else if (list && typeof list === 'object') children.push(...Object.values(list));
    }
    if (o.parameters && typeof o.parameters === 'object') children.push(o.parameters);
    return children.some((c) => visit(c, depth + 1));
  };
  return visit(err, 0);
}
