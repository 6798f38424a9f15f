// @ts-check
/**
 * Database names and what kind of database each is (the guard decides access from the kind):
 *   resident-<hex of the user name>  one resident's records (members: that resident)
 *   station-<stationId>              one heating station's work (members: its staff, operations)
 *   operations                       the hotline, complaints, management (members: operations)
 *   anything else                    system or admin-only (_users, router-state, …)
 * The names themselves come from src/db/databaseNames.ts, shared with the device.
 */
export {
  OPERATIONS_DB,
  ROUTER_STATE_DB,
  residentDbName,
  stationDbName,
  parseDatabaseName as databaseKind,
} from '../../src/db/databaseNames.ts';
export { STATION_ID } from '../../src/db/schema/roles.ts';

/** @typedef {import('../../src/db/databaseNames.ts').DatabaseKind} DatabaseKind */

/** The _users document id of a user name. */
export const userDocId = (/** @type {string} */ name) => `org.couchdb.user:${name}`;

/** The CouchDB user name of a resident: r-<account number>. */
export const residentUserName = (/** @type {string} */ accountNumber) => `r-${accountNumber}`;

/** The id of a station's document in the operations database. */
export const stationDocId = (/** @type {string} */ stationId) => `station:${stationId}`;
