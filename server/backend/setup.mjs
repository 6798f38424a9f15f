// @ts-check
/**
 * What must exist before the first request, and the admin operations on stations and staff
 * (shared by setup at every start and the admin CLI, through the Store of either).
 *
 * setup() is idempotent:
 * - databases operations, router-state, hearthline-sessions and station-<id> for every station document;
 * - their _security: required members are added (never removed; members are never left
 *   empty, which would mean public — trap 3);
 * - a demo station with two communities when the operations database is empty and `demo`;
 * - in every event database (operations, stations, residents) the validate_doc_update design
 *   document generated from the schemas and rules (src/db/designDocs.ts), replaced when the
 *   generated source changed: a client that reaches the database engine itself is refused too.
 */
import * as v from 'valibot';
import { StationDoc } from '../../src/db/schema/accounts.ts';
import { CouchError } from './errors.mjs';
import { OPERATIONS_DB, ROUTER_STATE_DB, STATION_ID, stationDbName, stationDocId, userDocId } from './names.mjs';
import { CUSTOMER_ACCESS_LOG_DB, CUSTOMER_REGISTER_DB, NOTIFICATIONS_DB, PHONE_CODES_DB } from '../../src/db/databaseNames.ts';
import { RegisterEntry, registerEntryId } from '../../src/db/schema/customerRegister.ts';
import { STAFF_ROLES, STATION_ROLES, couchRolesFor } from './domain.mjs';
import { generatePassword } from './passwords.mjs';
import { SESSIONS_DB } from './sessions.mjs';
import { SIGNIN_LIMITS_DB } from './signinLimiter.mjs';
import { REQUEST_LIMITS_DB } from './rateLimit.mjs';
import { DESIGN_DOC_ID, designDocFor } from '../../src/db/designDocs.ts';
import { parseDatabaseName } from '../../src/db/databaseNames.ts';

/** @typedef {import('./store.mjs').Store} Store */
/** @typedef {import('./store.mjs').SecurityObject} SecurityObject */

/** @returns {SecurityObject} */
export const operationsSecurity = () => ({ admins: { names: [], roles: [] }, members: { names: [], roles: ['operations', '_admin'] } });
/** @returns {SecurityObject} */
export const adminOnlySecurity = () => ({ admins: { names: [], roles: [] }, members: { names: [], roles: ['_admin'] } });
/** @param {string} stationId @returns {SecurityObject} */
export const stationSecurity = (stationId) => ({
  admins: { names: [], roles: [] },
  members: { names: [], roles: [`station:${stationId}`, 'operations'] },
});
/** @param {string} userName @returns {SecurityObject} */
export const residentSecurity = (userName) => ({ admins: { names: [], roles: [] }, members: { names: [userName], roles: [] } });

export const DEMO_STATION = Object.freeze({
  id: 'demo',
  name: '示范热力站 Demo heating station',
  communities: [
    { id: 'demo-garden', name: '示范花园 Demo Garden' },
    { id: 'demo-east', name: '东区示范小区 Demo East' },
  ],
});

/**
 * The demo station's customer register: sign-up proves an account number against the register,
 * so the quick start needs accounts in it (README: sign up with 8800 0001 and 138 0000 0001).
 */
export const DEMO_REGISTER = Object.freeze(
  [1, 2, 3, 4, 5, 6].map((n) => ({
    accountNumber: `8800000${n}`,
    phones: [`1380000000${n}`],
    station: DEMO_STATION.id,
    community: n <= 3 ? 'demo-garden' : 'demo-east',
  })),
);

/**
 * Puts the demo accounts into the customer register (an import's work in production).
 * @param {Store} store
 */
async function seedDemoRegister(store) {
  const importedAt = new Date().toISOString();
  const docs = DEMO_REGISTER.map((e) =>
    v.parse(RegisterEntry, { _id: registerEntryId(e.accountNumber), docType: 'register-entry', ...e, phones: [...e.phones], active: true, source: { system: 'demo', importedAt } }),
  );
  const present = await store.existingIds(CUSTOMER_REGISTER_DB, docs.map((d) => d._id));
  const fresh = docs.filter((d) => !present.has(d._id));
  if (fresh.length) await store.bulkDocs(CUSTOMER_REGISTER_DB, fresh);
}

/** @param {string[] | undefined} a @param {string[]} b */
const union = (a, b) => [...new Set([...(a ?? []), ...b])];

/**
 * Creates the database if needed and adds the required members/admins to its _security.
 * @param {Store} store
 * @param {string} name
 * @param {SecurityObject} required
 * @returns {Promise<{ created: boolean, securityChanged: boolean }>}
 */
export async function ensureDatabase(store, name, required) {
  const existed = await store.dbExists(name);
  if (!existed) await store.createDb(name);
  const current = existed ? await store.getSecurity(name) : {};
  const next = {
    ...current,
    admins: {
      names: union(current.admins?.names, required.admins?.names ?? []),
      roles: union(current.admins?.roles, required.admins?.roles ?? []),
    },
    members: {
      names: union(current.members?.names, required.members?.names ?? []),
      roles: union(current.members?.roles, required.members?.roles ?? []),
    },
  };
  const changed = JSON.stringify(next) !== JSON.stringify(current);
  if (changed) await store.putSecurity(name, next);
  await ensureDesignDoc(store, name);
  return { created: !existed, securityChanged: changed };
}

/**
 * Whether a database holds any document but design documents (which setup itself writes).
 * @param {Store} store
 * @param {string} name
 */
async function holdsDocuments(store, name) {
  const before = await store.allDocs(name, { endkey: '_design/', limit: 1 });
  const after = await store.allDocs(name, { startkey: '_design0', limit: 1 });
  return before.length + after.length > 0;
}

/**
 * Writes (or replaces, when the generated source changed) the validate_doc_update design
 * document of an event database; nothing for other databases.
 * @param {Store} store
 * @param {string} name
 * @returns {Promise<boolean>} whether it was written
 */
export async function ensureDesignDoc(store, name) {
  const kind = parseDatabaseName(name);
  if (kind.kind === 'other') return false;
  const wanted = designDocFor(kind);
  const current = await store.get(name, DESIGN_DOC_ID);
  if (current && current.validate_doc_update === wanted.validate_doc_update) return false;
  await store.put(name, { ...wanted, ...(current?._rev ? { _rev: current._rev } : {}) });
  return true;
}

/**
 * @param {Store} store
 * @returns {Promise<import('../../src/db/schema/accounts.ts').StationDoc[]>}
 */
export async function listStations(store) {
  const rows = await store.allDocs(OPERATIONS_DB, { startkey: 'station:', endkey: 'station:\ufff0', include_docs: true });
  return rows
    .map((r) => v.safeParse(StationDoc, r.doc))
    .filter((r) => r.success)
    .map((r) => r.output)
    .sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * Creates or updates a station document and its database. Community ids must not belong to
 * another station.
 * @param {Store} store
 * @param {{ id: string, name: string, communities: { id: string, name: string }[] }} station
 */
export async function saveStation(store, station) {
  const parsed = v.safeParse(StationDoc, { _id: stationDocId(station.id), docType: 'station', ...station });
  if (!parsed.success) {
    const issue = parsed.issues[0];
    const field = (issue.path ?? []).map((p) => String(p.key)).join('.');
    throw new CouchError(400, 'bad_request', `station ${field}: ${issue.message}`);
  }
  const others = (await listStations(store)).filter((s) => s.id !== station.id);
  for (const c of station.communities) {
    const owner = others.find((s) => s.communities.some((o) => o.id === c.id));
    if (owner) throw new CouchError(409, 'conflict', `The community ${c.id} is already served by the station ${owner.id}.`);
  }
  const current = await store.get(OPERATIONS_DB, stationDocId(station.id));
  /** @type {Record<string, unknown>} */
  const doc = { ...parsed.output };
  if (current?._rev) doc._rev = current._rev;
  await store.put(OPERATIONS_DB, doc);
  await ensureDatabase(store, stationDbName(station.id), stationSecurity(station.id));
  return { created: !current, db: stationDbName(station.id) };
}

/**
 * @param {Store} store
 * @param {{ demo?: boolean, log?: (msg: string) => void, deferResidents?: boolean }} [opts]
 *   deferResidents: leave the residents' design documents to `upgradeResidents()` (the server
 *   runs it after it listens: with thousands of residents the pass opens every database, and the
 *   guard checks every write meanwhile all the same)
 */
export async function setup(store, opts = {}) {
  // Several servers starting together on a new CouchDB run this at once: the one that loses a
  // race for a document (a design document, the demo station) runs it again and finds it done.
  for (let attempt = 1; ; attempt++) {
    try {
      return await setupOnce(store, opts);
    } catch (err) {
      if (/** @type {{ status?: number }} */ (err).status !== 409 || attempt >= 3) throw err;
    }
  }
}

/**
 * @param {Store} store
 * @param {{ demo?: boolean, log?: (msg: string) => void, deferResidents?: boolean }} [opts]
 */
async function setupOnce(store, { demo = true, log = console.log, deferResidents = false } = {}) {
  if (store.mode !== 'embedded') {
    // Apache CouchDB leaves the system databases to its setup; make sure _users is there.
    if (!(await store.dbExists('_users'))) await store.createDb('_users');
  }
  await ensureDatabase(store, OPERATIONS_DB, operationsSecurity());
  await ensureDatabase(store, ROUTER_STATE_DB, adminOnlySecurity());
  // when each account's sessions were last ended (sign-out, sign out everywhere): sessions.mjs
  await ensureDatabase(store, SESSIONS_DB, adminOnlySecurity());
  // failed sign-ins counted per account and network, shared by every server (signinLimiter.mjs)
  await ensureDatabase(store, SIGNIN_LIMITS_DB, adminOnlySecurity());
  // the other limits (sign-ups, one-time codes, staff look-ups), shared the same way (rateLimit.mjs)
  await ensureDatabase(store, REQUEST_LIMITS_DB, adminOnlySecurity());
  // Personal data only the server reads: the register (phones on file) and who looked at whom.
  await ensureDatabase(store, CUSTOMER_REGISTER_DB, adminOnlySecurity());
  await ensureDatabase(store, CUSTOMER_ACCESS_LOG_DB, adminOnlySecurity());
  // Who stands on each escalation rung, and every message the server sends (server/notify/).
  await ensureDatabase(store, NOTIFICATIONS_DB, adminOnlySecurity());
  // SMS one-time codes (hashed), attempts and locks: in the database so a restart or a second server sees them (phoneCodes.mjs).
  await ensureDatabase(store, PHONE_CODES_DB, adminOnlySecurity());
  let seeded = false;
  if (demo && !(await holdsDocuments(store, OPERATIONS_DB))) {
    await saveStation(store, structuredClone(DEMO_STATION));
    await seedDemoRegister(store);
    seeded = true;
    log(`[hearthline] seeded the demo station "${DEMO_STATION.id}" (communities ${DEMO_STATION.communities.map((c) => c.id).join(", ")}) and its customer register (sign up with account 88000001 and phone 13800000001, up to 88000006 / 13800000006); HEARTHLINE_DEMO=0 skips this`);
  }
  const stations = await listStations(store);
  for (const s of stations) await ensureDatabase(store, stationDbName(s.id), stationSecurity(s.id));
  // Residents' databases made before this version (or before the rules changed).
  const upgradeResidents = async () => {
    let designDocs = 0;
    for (const name of await store.listDatabases()) {
      if (name.startsWith('resident-') && (await ensureDesignDoc(store, name))) designDocs++;
    }
    if (designDocs) log(`[hearthline] installed the write rules (validate_doc_update) in ${designDocs} residents' databases`);
    return designDocs;
  };
  if (!deferResidents) await upgradeResidents();
  return { stations: stations.map((s) => s.id), seeded, upgradeResidents };
}

/** Staff user names: lower case, 2–32 characters; never a resident's r-… nor 'admin'. */
export const STAFF_NAME = /^[a-z][a-z0-9._-]{1,31}$/;

/**
 * A staff member's display name (what residents and colleagues read: "王师傅", "李娜"): 1–40
 * characters, not blank, no control characters. The login stays internal.
 * @param {unknown} displayName
 * @returns {string}
 */
export function checkDisplayName(displayName) {
  const text = typeof displayName === 'string' ? displayName.trim() : '';
  // eslint-disable-next-line no-control-regex
  if (!text || text.length > 40 || /[\u0000-\u001f\u007f]/.test(text)) {
    throw new CouchError(400, 'bad_request', 'The display name needs 1–40 characters (what residents and colleagues read, e.g. 王师傅).');
  }
  return text;
}

/**
 * The communities a technician covers (the dispatcher sends the nearest first, 000 §3.3): ids
 * of the communities of their station, each once.
 * @param {Store} store
 * @param {string} station
 * @param {unknown} communities a list of ids, or the CLI's comma-separated text
 * @returns {Promise<string[]>}
 */
export async function checkCommunities(store, station, communities) {
  const ids = [...new Set((Array.isArray(communities) ? communities : String(communities ?? '').split(',')).map((c) => String(c).trim()).filter(Boolean))];
  const doc = await store.get(OPERATIONS_DB, stationDocId(station));
  const known = new Set((doc?.communities ?? []).map((/** @type {{ id: string }} */ c) => c.id));
  const unknown = ids.find((c) => !known.has(c));
  if (unknown !== undefined) {
    throw new CouchError(400, 'bad_request', `The community ${JSON.stringify(unknown)} is not one of station ${station}'s (${[...known].join(', ') || 'none'}).`);
  }
  return ids;
}

/**
 * @param {Store} store
 * @param {{ name: string, role: string, station?: string, password?: string, displayName?: string, communities?: string }} staff
 * @returns {Promise<{ name: string, roles: string[], password: string, generated: boolean, displayName?: string, communities?: string[] }>}
 */
export async function createStaff(store, { name, role, station, password, displayName, communities }) {
  if (!STAFF_NAME.test(name) || name.startsWith('r-') || name === 'admin') {
    throw new CouchError(400, 'bad_request', `The staff name ${JSON.stringify(name)} is not allowed: use 2–32 lower-case letters, digits, '.', '_' or '-', starting with a letter (not r-… nor admin).`);
  }
  // Several roles, comma-separated: a station hall that registers and dispatches with one account.
  const roleList = [...new Set(String(role).split(',').map((r) => r.trim()).filter(Boolean))];
  const unknown = roleList.find((r) => !(/** @type {readonly string[]} */ (STAFF_ROLES).includes(r)));
  if (!roleList.length || unknown !== undefined) {
    throw new CouchError(400, 'bad_request', `Unknown role ${JSON.stringify(unknown ?? role)}: one or more of ${STAFF_ROLES.join(', ')}, separated by commas.`);
  }
  const atStation = roleList.filter((r) => /** @type {readonly string[]} */ (STATION_ROLES).includes(r));
  if (atStation.length && atStation.length < roleList.length) {
    throw new CouchError(400, 'bad_request', `Station roles (${atStation.join(', ')}) and roles across stations cannot share an account: a device works on one database.`);
  }
  const needsStation = atStation.length > 0;
  if (needsStation) {
    if (!station) throw new CouchError(400, 'bad_request', `The role ${roleList.join(', ')} works at one station: give --station.`);
    if (!STATION_ID.test(station) || !(await store.get(OPERATIONS_DB, stationDocId(station)))) {
      throw new CouchError(404, 'not_found', `There is no station ${JSON.stringify(station)} (create-station first).`);
    }
  } else if (station) {
    throw new CouchError(400, 'bad_request', `The role ${roleList.join(', ')} is not bound to a station: leave out --station.`);
  }
  if (password !== undefined && password.length < 8) throw new CouchError(400, 'bad_request', 'The password needs at least 8 characters.');
  const shownAs = displayName === undefined ? undefined : checkDisplayName(displayName);
  if (communities !== undefined && (!station || !roleList.includes('technician'))) {
    throw new CouchError(400, 'bad_request', 'Only a technician covers communities: leave out --communities.');
  }
  const covers = communities === undefined || !station ? undefined : await checkCommunities(store, station, communities);
  const roles = couchRolesFor(/** @type {any} */ (needsStation ? { role: roleList, station } : { role: roleList }));
  const pw = password ?? generatePassword();
  if (await store.get('_users', userDocId(name))) {
    throw new CouchError(409, 'conflict', `The user ${name} already exists (reset-password changes a password).`);
  }
  const extra = { ...(shownAs ? { displayName: shownAs } : {}), ...(covers ? { communities: covers } : {}) };
  await store.put('_users', { _id: userDocId(name), name, type: 'user', roles, password: pw, ...extra });
  return { name, roles, password: pw, generated: password === undefined, ...extra };
}

/**
 * Sets the communities a technician covers (replacing the earlier list; empty clears it).
 * @param {Store} store
 * @param {{ name: string, communities: string }} who
 */
export async function setStaffCommunities(store, { name, communities }) {
  const doc = await store.get('_users', userDocId(name));
  const station = doc?.roles?.find((/** @type {string} */ r) => r.startsWith('station:'))?.slice(8);
  if (!doc || !doc.roles.includes('role:technician') || !station) throw new CouchError(404, 'not_found', `There is no technician account ${JSON.stringify(name)}.`);
  const covers = await checkCommunities(store, station, communities);
  await store.put('_users', { ...doc, communities: covers });
  return { name, communities: covers };
}

/**
 * Sets (or changes) a staff member's display name; the password and roles stay.
 * @param {Store} store
 * @param {{ name: string, displayName: string }} who
 */
export async function setDisplayName(store, { name, displayName }) {
  const shownAs = checkDisplayName(displayName);
  const doc = await store.get('_users', userDocId(name));
  if (!doc || !Array.isArray(doc.roles) || !doc.roles.includes('staff')) throw new CouchError(404, 'not_found', `There is no staff account ${JSON.stringify(name)}.`);
  await store.put('_users', { ...doc, displayName: shownAs });
  return { name, displayName: shownAs };
}

/**
 * @param {Store} store
 * @param {{ name: string, password?: string }} who
 */
export async function resetPassword(store, { name, password }) {
  if (password !== undefined && password.length < 8) throw new CouchError(400, 'bad_request', 'The password needs at least 8 characters.');
  const doc = await store.get('_users', userDocId(name));
  if (!doc) throw new CouchError(404, 'not_found', `There is no user ${JSON.stringify(name)}.`);
  const pw = password ?? generatePassword();
  const { derived_key: _k, salt: _s, iterations: _i, password_scheme: _p, pbkdf2_prf: _prf, ...rest } = doc;
  await store.put('_users', { ...rest, password: pw });
  return { name, password: pw, generated: password === undefined };
}

/**
 * Staff accounts (users with the 'staff' role), without any secret.
 * @param {Store} store
 */
export async function listStaff(store) {
  const rows = await store.allDocs('_users', { startkey: 'org.couchdb.user:', endkey: 'org.couchdb.user:\ufff0', include_docs: true });
  return rows
    .map((r) => r.doc)
    .filter((d) => d && Array.isArray(d.roles) && d.roles.includes('staff'))
    .map((d) => ({
      name: String(d.name),
      role: d.roles.filter((/** @type {string} */ r) => r.startsWith('role:')).map((/** @type {string} */ r) => r.slice(5)).join(','),
      station: d.roles.find((/** @type {string} */ r) => r.startsWith('station:'))?.slice(8) ?? null,
      roles: d.roles,
      displayName: typeof d.displayName === 'string' ? d.displayName : null,
      communities: Array.isArray(d.communities) ? d.communities.filter((/** @type {unknown} */ c) => typeof c === 'string') : [],
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
