import { clearDraftsOf } from './drafts';
import { draftPhotoStore } from './draftPhotos';
import { cachedStaffDirectory } from './staffDirectory';
import { stationTechnicians } from '../../rules/dispatch';
import { BehaviorSubject, type Observable } from 'rxjs';
import { deviceStorage } from './dexieStorage';
import { parseDatabaseName } from '../databaseNames';
import {
  correctEvent,
  eventsOfRequest,
  openDeviceDatabase,
  operationsRecords$,
  recordEvent,
  recordPhotos,
  writeOperationsRecord,
  type PhotoResult,
  type DeviceDatabase,
  type RecordResult,
  type RecordWriteResult,
  type WriteContext,
} from './database';
import type { OperationsRecord, RecordType } from '../schema/records/record';
import { APPROVER_ROLES, type ApproverRole } from '../schema/records/commitmentsRecords';
import { pruneClosedRequests } from './prune';
import { estimateStorage, isQuotaError, requestPersistence, storageMessage, storageRisk, type StorageRisk } from './storage';
import { requestList, type RequestListItem, type RequestListOptions } from './requestList';
import { currentSession, setCurrentSession } from './sessionStore';
import type { Lang } from '../../i18n/index';
import type { EventRecord } from '../schema/events/event';
import { startReplication, type DeviceReplication } from './replication';
import { indexedDbPhotoStore } from './photoStore';
import type { DevicePhoto } from '../schema/photos';
import { createSyncStatusStore, INITIAL_SYNC_STATUS, type SyncStatusStore } from './syncStatus';
import {
  deviceId,
  forgetDeviceSession,
  loadDeviceSession,
  localDatabaseName,
  readProfile,
  saveDeviceSession,
  signIn,
  signOutOfServer,
  type DeviceSession,
  type SignInResult,
  updateProfile,
  type ProfileChange,
  type ProfileUpdateResult,
} from './session';

/**
 * The device in a browser page: one per page, opened lazily by the islands that need it (never
 * before the page is interactive: a resident's form does not wait for IndexedDB).
 *
 *   currentSession()        the device session (localStorage), or null: works offline
 *   device()                the open device (local database + live replication), or null when
 *                           nobody has signed in on this device
 *   signInOnDevice(…)       sign in (a different user gets their own local database)
 *   signInAgain(password)   the same user, after the server session expired
 *   signOutOfDevice()       ends the session; unsent records stay in the user's local database
 *
 * It also answers the app shell's update prompt (`window.hearthline.canReloadNow`: false while
 * anything waits to be sent) and remembers the last successful exchange across page loads, so
 * the status signal can say when it was even when the page opens offline.
 */

export interface BrowserDevice {
  readonly session: DeviceSession;
  readonly db: DeviceDatabase;
  readonly sync: DeviceReplication;
  readonly status: SyncStatusStore;
  /** This device's id, for the events it writes. */
  readonly deviceId: string;
  /** What recordEvent needs: the database the events go to and the session user. */
  writeContext(): WriteContext;
  /** Checks (the server's own write check) and stores an event on the device. */
  record(event: unknown, lang: Lang): Promise<RecordResult>;
  /** Checks and keeps photos of a request just recorded (photoStore.ts); the push sends them after it. */
  recordPhotos(photos: readonly DevicePhoto[]): Promise<PhotoResult>;
  /** A photo taken on this device, or undefined (taken elsewhere: read it from the server). */
  photo(id: string): Promise<DevicePhoto | undefined>;
  /** Stores the correction of a refused event (a new event; the refused one is superseded). */
  correct(refusedId: string, event: unknown, lang: Lang): Promise<RecordResult>;
  /**
   * Checks and stores an operations record (outage notice, the committee's draft…): devices
   * of the operations database only; elsewhere the write check refuses it.
   */
  writeRecord(record: unknown, lang: Lang): Promise<RecordWriteResult>;
  /** The operations records of these types (all when none), in time order, live. */
  records(types?: readonly RecordType[]): Observable<OperationsRecord[]>;
  /** A request's events in history order, live (refused ones left out). */
  events(requestId: string): Observable<EventRecord[]>;
  /** The requests a screen lists, live (see requestList.ts). */
  requests(options: RequestListOptions): Observable<RequestListItem[]>;
  /** Whether unsent records are at risk (storage not persistent, nearly full, full), live. */
  readonly storage$: Observable<StorageRisk>;
  /** Reads a resident's profile from the server again (its station may have changed); false offline. */
  refreshProfile(): Promise<boolean>;
  /** Saves "my account" on the server and, once it answers, in the device session. */
  updateProfile(update: ProfileChange): Promise<ProfileUpdateResult>;
  /** The storage verdict in words, or null when there is nothing to say. */
  storageWords(risk: StorageRisk, lang: Lang): string | null;
}

/** How often the storage estimate is read again, and a staff device prunes old closed requests. */
const STORAGE_CHECK_MS = 60_000;
const PRUNE_EVERY_MS = 24 * 60 * 60 * 1000;

const LAST_EXCHANGE_KEY = 'hearthline:last-exchange';
const APPROVER_ROLE_KEY = 'hearthline:approver-role';

/**
 * The role that approves the committee's commitments, as content/utility.yaml names it: the
 * committee's page hands it over from the build (setApproverRole), and it is kept on the device
 * so that an approval written there and pushed later, from any page, is checked by the same
 * rule as the server's (validateDocumentWrite's `approverRole`; default manager).
 */
export function setApproverRole(role: ApproverRole): void {
  try {
    localStorage.setItem(APPROVER_ROLE_KEY, role);
  } catch {
    // storage blocked: the default (manager) applies, as on a server without the setting
  }
}

function approverRole(): ApproverRole | undefined {
  try {
    const role = localStorage.getItem(APPROVER_ROLE_KEY);
    return (APPROVER_ROLES as readonly (string | null)[]).includes(role) ? (role as ApproverRole) : undefined;
  } catch {
    return undefined;
  }
}

let opening: Promise<BrowserDevice> | undefined;
let openFor: string | undefined;

export { currentSession };

/** The open device of the signed-in user (opened on first call), or null if nobody signed in. */
export function device(): Promise<BrowserDevice | null> {
  const stored = currentSession();
  if (!stored) return Promise.resolve(null);
  // The page read the stored session by its shape only; here it is parsed with its schema.
  const session = loadDeviceSession(localStorage);
  if (!session || session.name !== stored.name) {
    forgetDeviceSession(localStorage);
    setCurrentSession(null);
    return Promise.resolve(null);
  }
  if (opening && openFor === session.name) return opening;
  openFor = session.name;
  opening = openDevice(session);
  opening.catch(() => {
    opening = undefined;
    openFor = undefined;
  });
  return opening;
}

async function openDevice(session: DeviceSession): Promise<BrowserDevice> {
  const db = await openDeviceDatabase({ name: localDatabaseName(session.name), storage: deviceStorage() });
  const photos = indexedDbPhotoStore(localDatabaseName(session.name));
  const remembered = Number(localStorage.getItem(LAST_EXCHANGE_KEY + ':' + session.name));
  const status = createSyncStatusStore({
    ...INITIAL_SYNC_STATUS,
    online: navigator.onLine,
    lastExchangeAt: Number.isFinite(remembered) && remembered > 0 ? remembered : null,
    state: navigator.onLine ? 'waiting' : 'offline',
  });
  const sync = startReplication({
    db,
    url: `${location.origin}/db/${session.database}/`,
    user: { name: session.name, roles: session.couchRoles },
    database: parseDatabaseName(session.database),
    status,
    approverRole,
    photos,
  });
  let saved = 0;
  status.status$.subscribe((s) => {
    // Kept across page loads ("last sent 10 minutes ago" even when the page opens offline).
    if (s.lastExchangeAt && s.lastExchangeAt - saved > 5_000) {
      saved = s.lastExchangeAt;
      try {
        localStorage.setItem(LAST_EXCHANGE_KEY + ':' + session.name, String(saved));
      } catch {
        // storage full: the figure is only a convenience
      }
    }
  });
  // Back online: try now rather than at the end of the current back-off.
  window.addEventListener('online', () => sync.reSync());
  const hearthline = (window.hearthline ??= {});
  hearthline.canReloadNow = () => status.get().waiting === 0;
  // For support staff and tests, from the browser's console: the open device (the signed-in
  // user's own data only; nothing a page script could not reach anyway).
  hearthline.device = device;
  const storage = watchStorage(status);
  if (session.roles.includes('resident')) void refreshProfile(session.name);
  // The committee's devices keep the whole season: their provisional figures fold every request
  // of it (a request closed 90 days ago still counts in this year's results).
  if (parseDatabaseName(session.database).kind !== 'resident' && !session.roles.includes('committee')) scheduleStaffPruning(db, sync, session);
  const id = deviceId(localStorage);
  const writeContext = (): WriteContext => {
    const now = currentSession() ?? session;
    const role = approverRole();
    return {
      database: parseDatabaseName(session.database),
      user: { name: session.name, roles: now.name === session.name ? now.couchRoles : session.couchRoles },
      ...(role ? { approverRole: role } : {}),
      technicians: (station: string) => {
        const staff = cachedStaffDirectory(localStorage, session.name);
        return staff.length ? stationTechnicians(staff, station).map((t) => t.name) : undefined;
      },
    };
  };
  return {
    // The session as it is now (a re-sign-in or a profile refresh replaces it; same user).
    get session() {
      const now = currentSession();
      return now && now.name === session.name ? now : session;
    },
    db,
    sync,
    status,
    deviceId: id,
    writeContext,
    record: (event, lang) => storage.guard(() => recordEvent(db, event, writeContext(), lang)),
    recordPhotos: (list) => storage.guard(() => recordPhotos(db, photos, list, writeContext())),
    photo: (id) => photos.get(id).catch(() => undefined),
    correct: (refusedId, event, lang) => storage.guard(() => correctEvent(db, refusedId, event, writeContext(), lang)),
    writeRecord: (record, lang) => storage.guard(() => writeOperationsRecord(db, record, writeContext(), lang)),
    records: (types) => operationsRecords$(db, types),
    events: (requestId) => eventsOfRequest(db, requestId),
    requests: (options) => requestList(db, options),
    storage$: storage.risk$,
    refreshProfile: () => refreshProfile(session.name),
    updateProfile: async (update) => {
      const result = await updateProfile(update);
      const now = currentSession();
      if (result.ok && now && now.name === session.name) {
        const updated = { ...now, profile: result.profile };
        saveDeviceSession(localStorage, updated);
        setCurrentSession(updated);
      }
      return result;
    },
    storageWords: (risk, lang) => (risk.messageId ? storageMessage(risk.messageId, lang, risk.count) : null),
  };
}

/**
 * Asks the browser to keep this origin's storage (else it may clear it under pressure, unsent
 * records with it) and keeps a verdict on the risk: re-read when the waiting count changes,
 * every minute, and at once when a write fails for want of space.
 */
function watchStorage(status: SyncStatusStore) {
  const manager = typeof navigator !== 'undefined' ? navigator.storage : undefined;
  let persisted = false;
  let supported = false;
  let quotaExceeded = false;
  const risk$ = new BehaviorSubject<StorageRisk>(storageRisk({ persisted: true, supported: true, estimate: undefined, waiting: 0 }));
  const check = async () => {
    const estimate = await estimateStorage(manager);
    risk$.next(storageRisk({ persisted, supported, estimate, waiting: status.get().waiting, quotaExceeded }));
  };
  void requestPersistence(manager).then((p) => {
    persisted = p.persisted;
    supported = p.supported;
    void check();
  });
  let lastWaiting = -1;
  status.status$.subscribe((s) => {
    if (s.waiting !== lastWaiting) {
      lastWaiting = s.waiting;
      void check();
    }
  });
  setInterval(() => void check(), STORAGE_CHECK_MS);
  return {
    risk$: risk$.asObservable(),
    async guard<T>(write: () => Promise<T>): Promise<T> {
      try {
        const result = await write();
        if (quotaExceeded) {
          quotaExceeded = false;
          void check();
        }
        return result;
      } catch (err) {
        if (isQuotaError(err)) {
          quotaExceeded = true;
          void check();
        }
        throw err;
      }
    },
  };
}

/**
 * A staff device keeps the requests of its station, which grow all season: closed requests
 * older than the window (90 days) are dropped once the server has all of their events.
 */
function scheduleStaffPruning(db: DeviceDatabase, sync: DeviceReplication, session: DeviceSession) {
  const prune = async () => {
    try {
      await sync.awaitInSync();
      await pruneClosedRequests(db, { database: parseDatabaseName(session.database), now: Date.now() });
    } catch (err) {
      console.warn('pruning old closed requests failed; tried again tomorrow', err);
    }
  };
  setTimeout(() => void prune(), 30_000);
  setInterval(() => void prune(), PRUNE_EVERY_MS);
}

/** The resident's profile as the server has it now, kept in the device session. */
async function refreshProfile(name: string): Promise<boolean> {
  const now = currentSession();
  if (!now || now.name !== name || !now.roles.includes('resident')) return false;
  const profile = await readProfile(now.database);
  if (!profile) return false;
  if (JSON.stringify(profile) !== JSON.stringify(now.profile)) {
    const updated = { ...now, profile };
    saveDeviceSession(localStorage, updated);
    setCurrentSession(updated);
  }
  return true;
}

/** Signs in; on success the device session is kept and the device (re)opened for that user. */
export async function signInOnDevice(login: string, password: string): Promise<SignInResult> {
  const result = await signIn(login, password);
  if (!result.ok) return result;
  const previous = currentSession();
  saveDeviceSession(localStorage, result.session);
  if (previous && previous.name === result.session.name && opening) {
    // The same user again (their server session had expired): carry on where the replication stopped.
    const open = await opening;
    open.status.dispatch({ type: 'signed-in' });
    open.sync.reSync();
    setCurrentSession(result.session);
    return result;
  }
  if (opening) await closeDevice();
  setCurrentSession(result.session);
  return result;
}

/** The same user signs in again after the server session expired. */
export async function signInAgain(password: string): Promise<SignInResult> {
  const session = currentSession();
  if (!session) return { ok: false, messageId: 'session.server' };
  return signInOnDevice(session.name, password); // 'r-…' passes through userNameFor unchanged
}

async function closeDevice(): Promise<void> {
  const open = await opening?.catch(() => undefined);
  opening = undefined;
  openFor = undefined;
  if (!open) return;
  await open.sync.stop();
  await open.db.close();
}

/**
 * Signs out. Records not yet sent stay in this user's local database and are sent at their next
 * sign-in on this device; the caller warns first (see `waiting`).
 */
export async function signOutOfDevice(): Promise<void> {
  const user = currentSession()?.name;
  await closeDevice();
  await signOutOfServer();
  if (user) {
    clearDraftsOf(user);
    await draftPhotoStore().clearOf(user);
  }
  forgetDeviceSession(localStorage);
  setCurrentSession(null);
}
