import { BehaviorSubject, distinctUntilChanged, type Observable } from 'rxjs';

/**
 * The sync status signal: a pure reducer (every rule of the signal is here and unit tested)
 * and a small observable store around it. The replication (replication.ts) feeds it facts;
 * the interface only reads `state`.
 *
 * The one promise: it never says 'synced' while an event written on this device waits for
 * the server's acknowledgement, while offline, or while the last exchange failed.
 */

export type SyncState = 'synced' | 'waiting' | 'offline' | 'error' | 'signed-out';

export type SyncErrorId = 'sync.error.network' | 'sync.error.server' | 'sync.error.session' | 'sync.error.refused';

/** The words of each error, in both languages of the site (ids for the interface's dictionary). */
export const SYNC_ERROR_MESSAGES: Readonly<Record<SyncErrorId, { en: string; 'zh-CN': string }>> = {
  'sync.error.network': { en: 'The server cannot be reached. Your records are kept on this device.', 'zh-CN': '无法连接服务器。记录已保存在本设备上。' },
  'sync.error.server': { en: 'The server could not take the records. It will be tried again.', 'zh-CN': '服务器暂时无法接收记录，稍后将自动重试。' },
  'sync.error.session': { en: 'You are signed out. Sign in again to send your records.', 'zh-CN': '您已退出登录。请重新登录以发送记录。' },
  'sync.error.refused': { en: 'A record was refused; see the reason next to it.', 'zh-CN': '有一条记录未被接受，请查看其旁边的原因。' },
};

export interface SyncError {
  id: SyncErrorId;
  en: string;
  'zh-CN': string;
  /** Technical detail for logs (never shown as the message). */
  detail?: string;
}

export interface SyncStatus {
  online: boolean;
  signedIn: boolean;
  /** Events written on this device and not yet acknowledged by the server. */
  waiting: number;
  /** Refused events not yet corrected. */
  rejected: number;
  /** The last successful exchange with the server (ms since the epoch), or null. */
  lastExchangeAt: number | null;
  /** The last failure, cleared by the next successful exchange. */
  lastError: SyncError | null;
  state: SyncState;
}

export type SyncAction =
  | { type: 'online'; online: boolean }
  | { type: 'signed-in' }
  | { type: 'signed-out' }
  | { type: 'waiting'; count: number }
  | { type: 'rejected'; count: number }
  | { type: 'exchange'; at: number }
  | { type: 'error'; id: SyncErrorId; detail?: string };

export const INITIAL_SYNC_STATUS: SyncStatus = derive({
  online: true,
  signedIn: true,
  waiting: 0,
  rejected: 0,
  lastExchangeAt: null,
  lastError: null,
  state: 'waiting',
});

/** The state word from the facts; the order of the checks is the signal's priority. */
export function syncStateOf(s: Omit<SyncStatus, 'state'>): SyncState {
  if (!s.signedIn) return 'signed-out';
  if (!s.online) return 'offline';
  if (s.lastError) return 'error';
  // Nothing confirmed yet: nothing may be called synced before the first exchange.
  if (s.waiting > 0 || s.lastExchangeAt === null) return 'waiting';
  return 'synced';
}

function derive(s: Omit<SyncStatus, 'state'> & { state?: SyncState }): SyncStatus {
  return { ...s, state: syncStateOf(s) };
}

function count(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

export function syncReducer(status: SyncStatus, action: SyncAction): SyncStatus {
  switch (action.type) {
    case 'online':
      return derive({ ...status, online: action.online });
    case 'signed-in':
      return derive({ ...status, signedIn: true, lastError: status.lastError?.id === 'sync.error.session' ? null : status.lastError });
    case 'signed-out':
      return derive({ ...status, signedIn: false, lastError: error('sync.error.session') });
    case 'waiting':
      return derive({ ...status, waiting: count(action.count) });
    case 'rejected':
      return derive({ ...status, rejected: count(action.count) });
    case 'exchange':
      return derive({
        ...status,
        online: true,
        signedIn: true,
        lastExchangeAt: Math.max(status.lastExchangeAt ?? 0, action.at),
        lastError: null,
      });
    case 'error':
      return derive({
        ...status,
        online: action.id === 'sync.error.network' ? false : status.online,
        signedIn: action.id === 'sync.error.session' ? false : status.signedIn,
        lastError: error(action.id, action.detail),
      });
  }
}

function error(id: SyncErrorId, detail?: string): SyncError {
  return { id, ...SYNC_ERROR_MESSAGES[id], ...(detail !== undefined ? { detail } : {}) };
}

export interface SyncStatusStore {
  readonly status$: Observable<SyncStatus>;
  get(): SyncStatus;
  dispatch(action: SyncAction): void;
}

export function createSyncStatusStore(initial: SyncStatus = INITIAL_SYNC_STATUS): SyncStatusStore {
  const subject = new BehaviorSubject<SyncStatus>(initial);
  return {
    status$: subject.asObservable().pipe(distinctUntilChanged((a, b) => JSON.stringify(a) === JSON.stringify(b))),
    get: () => subject.getValue(),
    dispatch(action) {
      subject.next(syncReducer(subject.getValue(), action));
    },
  };
}
