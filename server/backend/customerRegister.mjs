// @ts-check
/**
 * The utility's customer register as the server reads it (schema: src/db/schema/customerRegister.ts;
 * loaded by `npm run import`, customer rows). The `customer-register` database is admin-only
 * (the guard treats every database but resident-*, station-* and operations as such), so no
 * device replicates it: only this server reads the phones on file.
 */
import * as v from 'valibot';
import { CUSTOMER_REGISTER_DB } from '../../src/db/databaseNames.ts';
import { CONFIRMATION_DAYS, RegisterConfirmation, RegisterEntry, confirmationId, registerEntryId } from '../../src/db/schema/customerRegister.ts';

/** @typedef {import('./store.mjs').Store} Store */

/**
 * The register entry of an account (null when absent or malformed) and its in-person confirmations.
 * @param {Store} store
 * @param {string} accountNumber
 * @returns {Promise<import('../../src/rules/accountProof.ts').RegisterFacts & { entry: import('../../src/db/schema/customerRegister.ts').RegisterEntry | null }>}
 */
export async function registerFacts(store, accountNumber) {
  const [doc, rows] = await Promise.all([
    store.get(CUSTOMER_REGISTER_DB, registerEntryId(accountNumber)),
    store.allDocs(CUSTOMER_REGISTER_DB, {
      startkey: confirmationId(accountNumber, ''),
      endkey: confirmationId(accountNumber, '\ufff0'),
      include_docs: true,
    }),
  ]);
  const entry = v.safeParse(RegisterEntry, doc);
  const confirmations = rows.map((r) => v.safeParse(RegisterConfirmation, r.doc)).flatMap((r) => (r.success ? [r.output] : []));
  return { entry: entry.success ? entry.output : null, confirmations };
}

/**
 * Records that a hall clerk confirmed in person that the resident holds the account and this
 * phone; valid for CONFIRMATION_DAYS. A second confirmation of the same phone renews it.
 * @param {Store} store
 * @param {{ accountNumber: string, phone: string, evidence: 'bill' | 'contract' | 'id-card', by: { name: string, role: string, station?: string }, now?: Date }} c
 */
export async function confirmInPerson(store, { accountNumber, phone, evidence, by, now = new Date() }) {
  const id = confirmationId(accountNumber, phone);
  const current = await store.get(CUSTOMER_REGISTER_DB, id);
  const doc = v.parse(RegisterConfirmation, {
    _id: id,
    ...(current?._rev ? { _rev: current._rev } : {}),
    docType: 'register-confirmation',
    accountNumber,
    phone,
    evidence,
    confirmedAt: now.toISOString(),
    validUntil: new Date(now.getTime() + CONFIRMATION_DAYS * 86_400_000).toISOString(),
    confirmedBy: by,
  });
  await store.put(CUSTOMER_REGISTER_DB, doc);
  return doc;
}
