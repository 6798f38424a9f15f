import * as v from 'valibot';
import { OPERATIONS_DB, residentDbName, stationDbName } from '../databaseNames';
import { ACCOUNT_MESSAGES, ProfileDoc, type AccountMessageId, type NotifyChannel } from '../schema/accounts';
import { OPERATIONS_ROLES, Role, userFromCouch } from '../schema/roles';
import { ACCOUNT_NUMBER_PATTERN } from '../schema/vocabulary';
import { DEVICE_SESSION_KEY } from './sessionStore';

/**
 * Who uses this device, kept on the device so the app opens and works with no network.
 *
 * The server's session is CouchDB's `AuthSession` cookie (POST /db/_session). It expires; the
 * device's session does not. After one sign-in the device remembers the user (name, roles,
 * station, the database it replicates with and, for a resident, the profile: community,
 * station, phone) in localStorage; every page reads it without asking the server. When the
 * server answers 401, the replication reports `signed-out`: writes keep going into the local
 * database, and the user is asked to sign in again (same user: the replication carries on where
 * it stopped; nothing is sent twice because every event has its id and RxDB's checkpoints).
 *
 * A different user signing in on the same device gets their own local database (named after
 * them): the first user's unsent records stay on the device and go out at their next sign-in.
 */

export { DEVICE_SESSION_KEY, displayName, isStaff } from './sessionStore';
const DEVICE_ID_KEY = 'hearthline:device';

export const DeviceSession = v.object({
  /** CouchDB user name: `r-<account number>` for residents. */
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(80)),
  roles: v.array(Role),
  /** The roles as CouchDB has them (what the write check reads, as on the server). */
  couchRoles: v.array(v.pipe(v.string(), v.maxLength(80))),
  station: v.optional(v.string()),
  /** The server database this device replicates with. */
  database: v.pipe(v.string(), v.minLength(1)),
  /** Residents only: what the server wrote at sign-up (the station their requests go to). */
  profile: v.optional(v.omit(ProfileDoc, ['_id', '_rev'])),
  signedInAt: v.number(),
});
export type DeviceSession = v.InferOutput<typeof DeviceSession>;

/** What sign-in can answer, as message ids of the interface's dictionary (`session.*`). */
export type SignInFailure = 'session.wrongPassword' | 'session.network' | 'session.server' | 'session.noDatabase';
export type SignInResult = { ok: true; session: DeviceSession } | { ok: false; messageId: SignInFailure };

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

const sameOrigin: FetchLike = (input, init) => fetch(input, { ...init, credentials: 'same-origin' });

/** A resident signs in with the account number on the bill; staff with their user name. */
export function userNameFor(login: string): string {
  const trimmed = login.trim();
  const digits = trimmed.replace(/\s+/g, '');
  return ACCOUNT_NUMBER_PATTERN.test(digits) ? `r-${digits}` : trimmed;
}

/**
 * The database a user's device replicates with: a resident's own, a station's (station staff),
 * or operations (everyone else on the staff). Null when the roles give none (e.g. a station
 * role without a station).
 */
export function databaseFor(user: { name: string; roles: readonly Role[]; station?: string | undefined }): string | null {
  if (user.roles.includes('resident')) return residentDbName(user.name);
  if (user.station !== undefined) return stationDbName(user.station);
  if (user.roles.some((r) => (OPERATIONS_ROLES as readonly Role[]).includes(r))) return OPERATIONS_DB;
  return null;
}

/**
 * Signs in with the server (sets the AuthSession cookie) and returns the device session to
 * keep. A resident's profile is read from their database (the replication leaves it out).
 */
export async function signIn(login: string, password: string, options: { fetch?: FetchLike; now?: number } = {}): Promise<SignInResult> {
  const doFetch = options.fetch ?? sameOrigin;
  let res: Response;
  try {
    res = await doFetch('/db/_session', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ name: userNameFor(login), password }),
    });
  } catch {
    return { ok: false, messageId: 'session.network' };
  }
  if (res.status === 401) return { ok: false, messageId: 'session.wrongPassword' };
  if (!res.ok) return { ok: false, messageId: 'session.server' };
  const body = (await res.json().catch(() => ({}))) as { name?: string | null; roles?: string[] };
  const user = userFromCouch({ name: body.name ?? null, roles: body.roles ?? [] });
  if (!user.name) return { ok: false, messageId: 'session.server' };
  const database = databaseFor({ name: user.name, roles: user.roles, station: user.station });
  if (!database) return { ok: false, messageId: 'session.noDatabase' };
  // Signed in even when the profile does not come: it is read again when the device opens.
  const profile = user.roles.includes('resident') ? await readProfile(database, { fetch: doFetch }) : undefined;
  const session: DeviceSession = {
    name: user.name,
    roles: user.roles,
    couchRoles: (body.roles ?? []).filter((r) => typeof r === 'string'),
    ...(user.station !== undefined ? { station: user.station } : {}),
    database,
    ...(profile ? { profile } : {}),
    signedInAt: options.now ?? Date.now(),
  };
  return { ok: true, session };
}

/**
 * A resident's profile as the server has it now (the community and the station their requests
 * go to, which the utility may change), or undefined when it cannot be read (offline).
 */
export async function readProfile(database: string, options: { fetch?: FetchLike } = {}): Promise<DeviceSession['profile']> {
  try {
    const res = await (options.fetch ?? sameOrigin)(`/db/${database}/profile`, { headers: { accept: 'application/json' } });
    const parsed = res.ok ? v.safeParse(ProfileDoc, await res.json()) : undefined;
    if (!parsed?.success) return undefined;
    const { _id, _rev, ...profile } = parsed.output;
    return profile;
  } catch {
    return undefined;
  }
}

/** What "my account" sends: the contact details, and how to be told outside the app (issue 19). */
export type ProfileChange = { phone: string; contactName: string; address: string; channels?: NotifyChannel[]; email?: string };

export type ProfileUpdateResult =
  | { ok: true; profile: NonNullable<DeviceSession['profile']> }
  | { ok: false; field: string; messageId: AccountMessageId | 'session.network' | 'session.server' };

/**
 * Sends "my account" changes to the server (PUT /db/_account/profile). Online only: the profile is the
 * server's (the station a resident's requests go to is decided there), so an offline change is
 * refused with `session.network` rather than kept half-applied.
 */
export async function updateProfile(update: ProfileChange, options: { fetch?: FetchLike } = {}): Promise<ProfileUpdateResult> {
  let res: Response;
  try {
    res = await (options.fetch ?? sameOrigin)('/db/_account/profile', {
      method: 'PUT',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(update),
    });
  } catch {
    return { ok: false, field: '', messageId: 'session.network' };
  }
  const body = (await res.json().catch(() => ({}))) as { profile?: unknown; field?: string; messageId?: string };
  if (res.ok) {
    const parsed = v.safeParse(v.omit(ProfileDoc, ['_id', '_rev']), body.profile);
    return parsed.success ? { ok: true, profile: parsed.output } : { ok: false, field: '', messageId: 'session.server' };
  }
  const known = body.messageId && body.messageId in ACCOUNT_MESSAGES ? (body.messageId as AccountMessageId) : 'session.server';
  return { ok: false, field: body.field ?? '', messageId: known };
}

/** Ends the server session (the device session is forgotten by the caller). */
export async function signOutOfServer(options: { fetch?: FetchLike } = {}): Promise<void> {
  try {
    await (options.fetch ?? sameOrigin)('/db/_session', { method: 'DELETE' });
  } catch {
    // offline: the cookie expires by itself
  }
}

type StorageLike = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export function loadDeviceSession(storage: StorageLike): DeviceSession | null {
  try {
    const raw = storage.getItem(DEVICE_SESSION_KEY);
    if (!raw) return null;
    const parsed = v.safeParse(DeviceSession, JSON.parse(raw));
    return parsed.success ? parsed.output : null;
  } catch {
    return null;
  }
}

export function saveDeviceSession(storage: StorageLike, session: DeviceSession): void {
  storage.setItem(DEVICE_SESSION_KEY, JSON.stringify(session));
}

export function forgetDeviceSession(storage: StorageLike): void {
  storage.removeItem(DEVICE_SESSION_KEY);
}

/** This device's id (events name the device they were written on), made once and kept. */
export function deviceId(storage: StorageLike, random: () => string = () => crypto.randomUUID()): string {
  const known = storage.getItem(DEVICE_ID_KEY);
  if (known && /^[\w.-]{1,64}$/.test(known)) return known;
  const id = `web-${random().replace(/[^\w]/g, '').slice(0, 20)}`;
  storage.setItem(DEVICE_ID_KEY, id);
  return id;
}

/** The local database of one user on this device (IndexedDB names allow any string; RxDB wants [a-z0-9_$()+/-]). */
export function localDatabaseName(userName: string): string {
  let hex = '';
  for (const b of new TextEncoder().encode(userName)) hex += b.toString(16).padStart(2, '0');
  return `hearthline-${hex}`;
}

