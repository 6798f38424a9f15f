// @ts-check
/**
 * Who stands on each rung of the escalation ladder: one document (`escalation-rungs`) in the
 * server-only `notifications` database, set by the utility with the admin CLI
 * (`npm run admin -- set-rung`, `set-contact`, `check-rungs`) and read by the notifier when an
 * order reaches a level. The rules are src/rules/escalationRungs.ts; this is their storage.
 */
import * as v from 'valibot';
import { NOTIFICATIONS_DB } from '../../src/db/databaseNames.ts';
import { ESCALATION_RUNGS_ID, EscalationRungsDoc, StaffContact } from '../../src/db/schema/notifications.ts';
import { rungGaps, withRung } from '../../src/rules/escalationRungs.ts';
import { ESCALATION_LADDER } from '../../src/rules/escalation.ts';
import { listStaff, listStations } from '../backend/setup.mjs';

/** @typedef {import('../backend/store.mjs').Store} Store */

/** @returns {import('../../src/db/schema/notifications.ts').EscalationRungsDoc} */
const empty = () => ({ _id: ESCALATION_RUNGS_ID, docType: 'escalation-rungs', rungs: [], contacts: {} });

/**
 * The ladder's people as stored (an empty ladder before the first set-rung).
 * @param {Store} store
 */
export async function readRungs(store) {
  const doc = await store.get(NOTIFICATIONS_DB, ESCALATION_RUNGS_ID);
  if (!doc) return empty();
  const parsed = v.safeParse(EscalationRungsDoc, doc);
  if (!parsed.success) throw new Error(`${NOTIFICATIONS_DB}/${ESCALATION_RUNGS_ID} is malformed: ${parsed.issues[0].message}`);
  return parsed.output;
}

/**
 * Sets who stands on `level` at `station` (or company-wide when station is undefined); every
 * account must be a staff account, every station one that exists.
 * @param {Store} store
 * @param {{ level: number, station?: string, accounts: string[] }} entry
 */
export async function setRung(store, { level, station, accounts }) {
  if (!ESCALATION_LADDER.some((r) => r.level === level)) throw new Error(`--level must be one of ${ESCALATION_LADDER.map((r) => `${r.level} (${r.label.en})`).join(', ')}`);
  if (station !== undefined && !(await listStations(store)).some((s) => s.id === station)) throw new Error(`there is no station ${station}`);
  const staff = new Set((await listStaff(store)).map((s) => s.name));
  const unknown = accounts.filter((a) => !staff.has(a));
  if (unknown.length) throw new Error(`not staff accounts: ${unknown.join(', ')} (create-staff adds one)`);
  const doc = await readRungs(store);
  const next = { ...doc, rungs: withRung(doc.rungs, level, station, accounts) };
  await store.put(NOTIFICATIONS_DB, next);
  return next;
}

/**
 * How a member of staff on the ladder is reached outside the app.
 * @param {Store} store
 * @param {{ name: string, email?: string, phone?: string }} contact
 */
export async function setStaffContact(store, { name, email, phone }) {
  if (!(await listStaff(store)).some((s) => s.name === name)) throw new Error(`there is no staff account named ${name}`);
  const parsed = v.safeParse(StaffContact, { ...(email ? { email } : {}), ...(phone ? { phone } : {}) });
  if (!parsed.success) throw new Error(`${String(parsed.issues[0].path?.[0]?.key ?? 'contact')}: not a valid ${email ? 'e-mail address or ' : ''}mobile number`);
  const doc = await readRungs(store);
  const next = { ...doc, contacts: { ...doc.contacts, [name]: parsed.output } };
  await store.put(NOTIFICATIONS_DB, next);
  return next;
}

/**
 * Every rung with nobody on it, at every station, in words for the log and the CLI.
 * @param {Store} store
 * @returns {Promise<string[]>}
 */
export async function rungProblems(store) {
  const [doc, stations] = await Promise.all([readRungs(store), listStations(store)]);
  return rungGaps(
    doc.rungs,
    stations.map((s) => s.id),
  ).map((g) => `level ${g.level} (${g.rung.label.zh} ${g.rung.label.en}, after ${g.rung.afterHours} h) has nobody at station ${g.station}`);
}
