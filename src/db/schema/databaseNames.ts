import { STATION_ID } from './vocabulary';

/**
 * The names of Hearthline's CouchDB databases, and what kind of database a name is. Shared by
 * the server (guard, accounts, setup, router) and the device (which database to replicate
 * with), so it uses no Node API (no Buffer): hex through TextEncoder / TextDecoder.
 *
 *   resident-<hex of the user name>  one resident's records (members: that resident)
 *   station-<stationId>              one heating station's work (members: its staff, operations)
 *   operations                       the hotline, complaints, management (members: operations)
 *   router-state                     the router's checkpoints (server admins only)
 *   customer-register                the utility's customer register (server admins only)
 *   customer-access-log              the staff's customer lookups and full views (server admins only)
 *   notifications                    who stands on each escalation rung, and every message sent (server admins only)
 *   phone-codes                      SMS one-time codes (hashed), attempts and locks (server admins only)
 *   anything else                    system or admin-only (_users, …)
 *
 * Same names and the same answers as server/backend/names.mjs (residentDbName, stationDbName,
 * databaseKind), which is meant to re-export these (tests/unit/rules/routing.test.ts checks
 * that both agree).
 */

export const OPERATIONS_DB = 'operations';
export const ROUTER_STATE_DB = 'router-state';
/** The utility's customer register (account number, phones on file) and the halls' confirmations: the server only. */
export const CUSTOMER_REGISTER_DB = 'customer-register';
/** Who looked up which customer, and why a phone was shown in full: the server writes, managers read through /db/_account. */
export const CUSTOMER_ACCESS_LOG_DB = 'customer-access-log';
/** The escalation ladder's people and the notification records: the server only (server/notify/). */
export const NOTIFICATIONS_DB = 'notifications';
/** One-time codes sent by text message (hashed), their attempts and locks, and the phones they proved: the server only. */
export const PHONE_CODES_DB = 'phone-codes';
export const RESIDENT_DB_PREFIX = 'resident-';
export const STATION_DB_PREFIX = 'station-';

/** The kind of a database, from its name. Structurally the same as validateWrite's WriteDatabase. */
export type DatabaseKind =
  | { readonly kind: 'resident'; readonly owner: string }
  | { readonly kind: 'station'; readonly station: string }
  | { readonly kind: 'operations' }
  | { readonly kind: 'other'; readonly name: string };

/** The databases that hold events: every kind but 'other'. */
export type EventDatabase = Exclude<DatabaseKind, { kind: 'other' }>;

const HEX = '0123456789abcdef';

function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += HEX[b >> 4]! + HEX[b & 15]!;
  return out;
}

function fromHex(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/**
 * The database of one resident. The user name is hex-encoded (UTF-8 bytes, lower case) because
 * CouchDB database names only allow [a-z0-9_$()+/-] and must start with a letter (CouchDB's own
 * couch_peruser does the same: userdb-<hex>).
 *   residentDbName('r-12345678') === 'resident-722d3132333435363738'
 */
export function residentDbName(userName: string): string {
  if (typeof userName !== 'string' || userName === '') throw new TypeError('residentDbName: a user name is required');
  return RESIDENT_DB_PREFIX + toHex(new TextEncoder().encode(userName));
}

/** The database of a heating station: station-<id>; the id must be lower-case words joined by hyphens. */
export function stationDbName(stationId: string): string {
  if (typeof stationId !== 'string' || !STATION_ID.test(stationId)) throw new TypeError(`not a station id: ${JSON.stringify(stationId)}`);
  return STATION_DB_PREFIX + stationId;
}

/**
 * What kind of database a (decoded) name is. Only the canonical encoding names a resident
 * database: upper-case hex, an odd number of digits or bytes that are not UTF-8 are 'other', so
 * no owner has two names.
 */
export function parseDatabaseName(name: string): DatabaseKind {
  if (name.startsWith(RESIDENT_DB_PREFIX)) {
    const hex = name.slice(RESIDENT_DB_PREFIX.length);
    if (/^(?:[0-9a-f]{2})+$/.test(hex)) {
      let owner: string | null = null;
      try {
        owner = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(fromHex(hex));
      } catch {
        owner = null;
      }
      if (owner && residentDbName(owner) === name) return { kind: 'resident', owner };
    }
  }
  if (name.startsWith(STATION_DB_PREFIX)) {
    const station = name.slice(STATION_DB_PREFIX.length);
    if (STATION_ID.test(station)) return { kind: 'station', station };
  }
  if (name === OPERATIONS_DB) return { kind: 'operations' };
  return { kind: 'other', name };
}

/** The name of a database of a kind (the inverse of parseDatabaseName). */
export function databaseName(db: DatabaseKind): string {
  switch (db.kind) {
    case 'resident':
      return residentDbName(db.owner);
    case 'station':
      return stationDbName(db.station);
    case 'operations':
      return OPERATIONS_DB;
    case 'other':
      return db.name;
  }
}

/** Whether a database holds events (resident, station, operations). */
export function isEventDatabase(db: DatabaseKind): db is EventDatabase {
  return db.kind !== 'other';
}
