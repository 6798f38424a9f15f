import type { HearthlineUser, Role } from '../db/schema/roles';
import { ACCOUNT_NUMBER_PATTERN } from '../db/schema/vocabulary';

/**
 * Who may look customers up, how, and who sees what (domain.md, Privacy: only authorised staff,
 * nothing outside their work). Decided from each role's work in the seeds:
 *
 * - hotline (001 §4, 000 §3): takes calls for every station and registers requests for the
 *   caller, who gives their account number or phone: finds ONE person by a whole account number
 *   or a whole mobile number, any station;
 * - complaint handlers (000 §3.2, 003 §24-26): record the complainant and call them back: the
 *   same as the hotline;
 * - managers: supervise every station (and read the access log): the same as the hotline;
 * - dispatchers and station heads (002 ch.1-2): serve their own station's residents, book
 *   visits and call them, and register walk-ins at the station's hall: their station only, and
 *   part of a number (4 digits or more) is enough, since the list is their own residents';
 * - technicians work from the dispatch form (002 table 1), which carries the address and phone
 *   of the job: no lookup;
 * - the committee publishes commitments and results: no lookup;
 * - residents: no lookup.
 * Phones are masked in every list; a full phone is shown on purpose with a reason, and logged.
 */

export type LookupScope =
  | { readonly kind: 'none' }
  | { readonly kind: 'station'; readonly station: string; readonly match: 'partial' }
  | { readonly kind: 'all'; readonly match: 'whole' };

const WHOLE_NUMBER_ROLES: readonly Role[] = ['hotline', 'complaint-handler', 'manager'];
const STATION_ROLES_WITH_LOOKUP: readonly Role[] = ['dispatcher', 'station-head'];

/**
 * What `user` may search. An account may hold several roles (all at one station, or all across
 * stations: src/rules/steps.ts); the widest of them decides.
 */
export function customerLookupScope(user: HearthlineUser): LookupScope {
  if (user.isAdmin || user.roles.length === 0) return { kind: 'none' };
  if (user.roles.some((r) => WHOLE_NUMBER_ROLES.includes(r))) return { kind: 'all', match: 'whole' };
  if (user.roles.some((r) => STATION_ROLES_WITH_LOOKUP.includes(r)) && user.station !== undefined) return { kind: 'station', station: user.station, match: 'partial' };
  return { kind: 'none' };
}

/** A query the scope allows: 'whole' takes a whole account number (8–12 digits) or a whole mobile (11 digits). */
export function lookupQueryAllowed(scope: LookupScope, digits: string): boolean {
  if (scope.kind === 'none') return false;
  if (scope.kind === 'all') return ACCOUNT_NUMBER_PATTERN.test(digits);
  return /^\d{4,12}$/.test(digits);
}

/** Whether a lookup matches on equality (whole numbers) or on containment (part of a number). */
export const matchesWhole = (scope: LookupScope) => scope.kind === 'all';

/** Whether a customer of `station` is inside the scope. */
export function inLookupScope(scope: LookupScope, station: string): boolean {
  return scope.kind === 'all' || (scope.kind === 'station' && scope.station === station);
}

/**
 * Who confirms a resident in person at a service hall (the customer centre's desk and the
 * stations' halls register walk-ins, domain.md "Who uses it"): the hotline / customer centre,
 * dispatchers and station heads (their station's accounts), managers.
 */
export function mayConfirmInPerson(user: HearthlineUser): boolean {
  if (user.isAdmin) return false;
  // Station roles confirm their own station's accounts only, so they need one.
  return user.roles.some((r) => ACCOUNT_DESK_ROLES.includes(r) && (!STATION_ROLES_WITH_LOOKUP.includes(r) || user.station !== undefined));
}

/** Managers read the access log. */
export function mayReadAccessLog(user: HearthlineUser): boolean {
  return !user.isAdmin && user.roles.includes('manager');
}

/** The roles whose console has the accounts desk (in-person checks; the access log for managers). */
export const ACCOUNT_DESK_ROLES: readonly Role[] = ['hotline', 'manager', 'dispatcher', 'station-head'];

/** 13912345678 → 139****5678: enough to tell two people apart on the phone, not to call them. */
export function maskPhone(phone: string): string {
  if (phone.length < 8) return '*'.repeat(phone.length);
  return `${phone.slice(0, 3)}${'*'.repeat(phone.length - 7)}${phone.slice(-4)}`;
}
