import * as v from 'valibot';
import { OperationsRecord, OperationsRecordDoc } from './schema/records/record';
import { describeEventIssues } from './schema/messages';
import { userFromCouch } from './schema/roles';
import { OPERATIONS_WRITERS, validateWrite, type WriteInput, type WriteVerdict } from './validateWrite';

/**
 * The write check of the server's /db for every document: events go to validateWrite
 * unchanged; operations records (`docType: "record"`, src/db/schema/records) are accepted
 * only into the operations database, well formed, never changed, written by the signed-in
 * operations staff member (hotline, complaints, managers, admins) or a server admin (the
 * import). Pure, like validateWrite.
 */
export type DocumentVerdict = WriteVerdict | { readonly ok: true; readonly record: OperationsRecord };

export function validateDocumentWrite(input: WriteInput): DocumentVerdict {
  const doc = input.doc;
  if (typeof doc !== 'object' || doc === null || (doc as { docType?: unknown }).docType !== 'record') return validateWrite(input);
  const d = doc as Record<string, unknown>;
  const user = userFromCouch(input.user);
  const refuse = (rule: WriteVerdict extends infer V ? (V extends { rule: infer R } ? R : never) : never, reason: string, status: 401 | 403 = 403): WriteVerdict => ({
    ok: false,
    status,
    rule,
    reason,
  });
  if (!user.isAdmin && !user.name) return refuse('signed-in', 'you must be signed in to write', 401);
  if (d._deleted === true) return refuse('never-deleted', 'records are never deleted: record a new one instead');
  if (!user.isAdmin && (input.existing || d._rev !== undefined)) {
    return refuse('never-changed', 'records are never changed: record a new one instead');
  }
  const shaped = '_id' in d ? v.safeParse(OperationsRecordDoc, d) : v.safeParse(OperationsRecord, d);
  if (!shaped.success) {
    const [first, ...rest] = describeEventIssues(shaped.issues, 'en');
    const more = rest.length ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
    return refuse('well-formed', `the record is malformed: ${first?.path ? `${first.path}: ` : ''}${first?.message ?? 'not a record'}${more}`);
  }
  const { _id, _rev: _r, _deleted: _d, ...rest } = shaped.output as Record<string, unknown>;
  const record = ('_id' in d ? { id: _id, ...rest } : shaped.output) as OperationsRecord;
  if (input.database.kind !== 'operations') {
    return refuse('operations-database', 'operations records (outages, calls, line downtime, households) are kept in the operations database only');
  }
  if (user.isAdmin) return { ok: true, record };
  if (record.author.name !== user.name) {
    return refuse('author-is-user', `author must be the signed-in user: author.name is "${record.author.name}", you are "${user.name}"`);
  }
  if (!user.roles.includes(record.author.role) || !OPERATIONS_WRITERS.includes(record.author.role)) {
    return refuse('operations-database', `operations records are written by ${OPERATIONS_WRITERS.join(', ')}`);
  }
  return { ok: true, record };
}
