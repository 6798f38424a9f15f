import * as v from 'valibot';
import { STATION_ID } from './vocabulary';

/**
 * Who uses Hearthline (domain.md, "Who uses it"). A staff account may hold several roles; the
 * permissions table (src/rules/permissions.ts) says which events each role may write.
 */
export const ROLES = [
  'resident',
  'hotline',
  'complaint-handler',
  'dispatcher',
  'technician',
  'station-head',
  'manager',
  'committee',
  'admin',
] as const;

export const Role = v.picklist(ROLES, 'value.oneOf');
export type Role = v.InferOutput<typeof Role>;

/** Roles that work at one heating station (供热所) and carry a `station:<id>` CouchDB role. */
export const STATION_ROLES = ['dispatcher', 'technician', 'station-head'] as const satisfies readonly Role[];
export type StationRole = (typeof STATION_ROLES)[number];

export function isStationRole(role: Role): role is StationRole {
  return (STATION_ROLES as readonly Role[]).includes(role);
}

/**
 * Staff who work across stations (hotline, complaints, management, the committee, admins).
 * Their CouchDB user carries the `operations` role, which the operations database and the
 * station databases list as members.
 */
export const OPERATIONS_ROLES = ['hotline', 'complaint-handler', 'manager', 'committee', 'admin'] as const satisfies readonly Role[];

/** Every role but `resident`: the people who work for the utility. */
export const STAFF_ROLES = ROLES.filter((r) => r !== 'resident');

/**
 * CouchDB user documents carry these role strings (`_users/org.couchdb.user:<name>`):
 *   resident                     a resident (heat or gas customer)
 *   staff + role:<role>          a member of staff; `role:` names the Hearthline role
 *   station:<stationId>          added for station staff (dispatcher, technician, station head)
 *   operations                   added for staff who work across stations (OPERATIONS_ROLES);
 *                                database membership (`_security`) lists this role
 * CouchDB's own `_admin` (the server admin; our router runs as one) is mapped to `admin`.
 */
export const COUCH_RESIDENT = 'resident';
export const COUCH_STAFF = 'staff';
export const COUCH_ROLE_PREFIX = 'role:';
export const COUCH_STATION_PREFIX = 'station:';
export const COUCH_OPERATIONS = 'operations';
export const COUCH_ADMIN = '_admin';

/** Station ids: lower-case words joined by hyphens, as in URLs and database names. */
export { STATION_ID } from './vocabulary';

/**
 * The CouchDB roles of a user doc for a Hearthline role (and station, for station staff). A
 * staff account may hold several roles (a station's hall registers and dispatches with one
 * account: `['dispatcher', 'technician']`), all at one station or all across stations: a device
 * replicates one database, so station and operations roles are not mixed.
 */
export function couchRolesFor(user: { role: Role | readonly Role[]; station?: string | undefined }): string[] {
  const { station } = user;
  const roles: readonly Role[] = typeof user.role === 'string' ? [user.role] : [...new Set(user.role)];
  if (roles.length === 0) throw new RangeError('give at least one role');
  if (roles.includes('resident') && roles.length > 1) throw new RangeError('a resident account holds no staff role');
  const atStation = roles.filter(isStationRole);
  if (atStation.length > 0 && atStation.length < roles.length) {
    throw new RangeError(`station roles (${atStation.join(', ')}) and roles across stations (${roles.filter((r) => !isStationRole(r)).join(', ')}) cannot share an account`);
  }
  const role = roles.join(', ');
  if (atStation.length > 0) {
    if (station === undefined) throw new RangeError(`a ${role} works at a station: give the station id`);
  } else if (station !== undefined) {
    throw new RangeError(`a ${role} does not belong to a station; station "${station}" was given`);
  }
  if (station !== undefined && !STATION_ID.test(station)) {
    throw new RangeError(`station id "${station}" must be lower-case words joined by hyphens`);
  }
  if (roles[0] === 'resident') return [COUCH_RESIDENT];
  const where = station !== undefined ? `${COUCH_STATION_PREFIX}${station}` : COUCH_OPERATIONS;
  return [COUCH_STAFF, ...roles.map((r) => `${COUCH_ROLE_PREFIX}${r}`), where];
}

export interface HearthlineUser {
  readonly name: string | null;
  /** The Hearthline roles found in the CouchDB roles (unknown role strings are ignored). */
  readonly roles: Role[];
  /** The station of station staff (`station:<id>`), if any. */
  readonly station?: string;
  /** CouchDB server admin (`_admin`): the router. */
  readonly isAdmin: boolean;
}

/**
 * Reads a CouchDB `userCtx` ({ name, roles }) as a Hearthline user. `_admin` counts as the
 * `admin` role too. Role strings we do not know are ignored rather than guessed at; a user
 * with two `station:` roles is ambiguous and gets none (so station rules refuse them).
 */
export function userFromCouch(userCtx: { name: string | null; roles: readonly string[] }): HearthlineUser {
  const roles = new Set<Role>();
  const stations = new Set<string>();
  const isAdmin = userCtx.roles.includes(COUCH_ADMIN);
  for (const r of userCtx.roles) {
    if (r === COUCH_RESIDENT) roles.add('resident');
    else if (r === COUCH_ADMIN) roles.add('admin');
    else if (r.startsWith(COUCH_ROLE_PREFIX)) {
      const role = r.slice(COUCH_ROLE_PREFIX.length);
      if (v.is(Role, role)) roles.add(role);
    } else if (r.startsWith(COUCH_STATION_PREFIX)) {
      const station = r.slice(COUCH_STATION_PREFIX.length);
      if (STATION_ID.test(station)) stations.add(station);
    }
  }
  const [station] = stations.size === 1 ? [...stations] : [];
  return {
    name: userCtx.name,
    roles: ROLES.filter((r) => roles.has(r)),
    ...(station !== undefined ? { station } : {}),
    isAdmin,
  };
}
