// @ts-check
/**
 * The access log of customers' personal data (schema: src/db/schema/customerAccess.ts): every
 * lookup, full view, in-person confirmation and refused attempt by staff, one document each in
 * the admin-only `customer-access-log` database. Ids start with the time, so the log reads
 * newest first straight from _all_docs. Written before the answer: a lookup that cannot be
 * recorded is not answered.
 */
import { randomBytes } from 'node:crypto';
import * as v from 'valibot';
import { CUSTOMER_ACCESS_LOG_DB } from '../../src/db/databaseNames.ts';
import { AccessLogEntry } from '../../src/db/schema/customerAccess.ts';

/** @typedef {import('./store.mjs').Store} Store */
/** @typedef {import('../../src/db/schema/customerAccess.ts').AccessLogEntry} AccessLogEntryDoc */
/** @typedef {Omit<AccessLogEntryDoc, '_id' | '_rev' | 'docType' | 'at'>} AccessRecord */

const ID_PREFIX = 'access:';

/**
 * @param {Store} store
 * @param {{ now?: () => Date }} [options]
 */
export function createAccessLog(store, { now = () => new Date() } = {}) {
  return {
    /** @param {AccessRecord} record */
    async record(record) {
      const at = now().toISOString();
      const doc = v.parse(AccessLogEntry, { _id: `${ID_PREFIX}${at}:${randomBytes(6).toString('hex')}`, docType: 'customer-access', at, ...record });
      await store.put(CUSTOMER_ACCESS_LOG_DB, doc);
    },

    /**
     * Entries newest first, at most `limit`, older than the entry `before` (an id from a previous page).
     * @param {{ limit: number, before?: string }} options
     * @returns {Promise<{ entries: (Omit<AccessLogEntryDoc, '_rev'>)[], next: string | null }>}
     */
    async list({ limit, before }) {
      const rows = await store.allDocs(CUSTOMER_ACCESS_LOG_DB, {
        descending: true,
        startkey: before && before.startsWith(ID_PREFIX) ? before : `${ID_PREFIX}\ufff0`,
        endkey: ID_PREFIX,
        ...(before ? { skip: 1 } : {}),
        limit: limit + 1,
        include_docs: true,
      });
      const entries = rows
        .slice(0, limit)
        .map((r) => v.safeParse(AccessLogEntry, r.doc))
        .flatMap((r) => (r.success ? [(({ _rev, ...rest }) => rest)(r.output)] : []));
      return { entries, next: rows.length > limit ? (entries.at(-1)?._id ?? null) : null };
    },
  };
}

/** @typedef {ReturnType<typeof createAccessLog>} AccessLog */
