import * as v from 'valibot';
import { OperationsRecord, OperationsRecordDoc } from './schema/records/record';
import { describeCommitteeProblems, describeEventIssues } from '../i18n/issues';
import { userFromCouch } from './schema/roles';
import type { PublishedLanguage } from './schema/common';
import { OPERATIONS_WRITERS, validateWrite, type WriteInput, type WriteVerdict } from './validateWrite';
import { DEFAULT_APPROVER_ROLE, committeeWriters, isCommitteeRecordType, type ApproverRole } from './schema/records/commitmentsRecords';
import { approvalProblems } from '../rules/committee/approvable';
import { approvalBlock, FOUR_EYES_REASON } from '../rules/committee/draftState';
import { isPhotoDocument, validatePhotoWrite, type PhotoVerdict } from './validatePhotoWrite';

/**
 * The write check of the server's /db for every document: events go to validateWrite
 * unchanged; operations records (`docType: "record"`, src/db/schema/records) are accepted
 * only into the operations database, well formed, never changed, written by the signed-in
 * operations staff member (hotline, complaints, managers, admins) or a server admin (the
 * import). Pure, like validateWrite.
 *
 * The committee's records (commitmentsRecords.ts) have their own writers: committee and
 * managers draft, comment and ask for publication; only the approving role the utility names
 * (content/utility.yaml `approverRole`, passed in as `approverRole`, default manager) approves,
 * and only a set that passes the Commitments schema (src/rules/committee/approvable.ts); only
 * the server (admin) writes a publication's outcome. The committee writes no other record.
 */
/** The rules of the committee's records, besides validateWrite's (WRITE_RULES). */
export const COMMITTEE_WRITE_RULES = ['committee-role', 'approvable', 'approved-revision', 'four-eyes'] as const;
export type CommitteeWriteRule = (typeof COMMITTEE_WRITE_RULES)[number];

export type DocumentVerdict =
  | WriteVerdict
  | PhotoVerdict
  | { readonly ok: true; readonly record: OperationsRecord }
  | { readonly ok: false; readonly status: 403; readonly rule: CommitteeWriteRule; readonly reason: string };

export interface DocumentWriteInput extends WriteInput {
  /** Who approves the commitments (content/utility.yaml `approverRole`); default manager. */
  readonly approverRole?: ApproverRole;
  /** Four eyes (content/utility.yaml `fourEyes`, default on): nobody approves a revision they saved. */
  readonly fourEyes?: boolean;
  /** The languages the utility publishes in (content/utility.yaml `languages`, default zh and en). */
  readonly languages?: readonly PublishedLanguage[];
  /**
   * For an approval: the revision it names as the database holds it (who saved it), or null
   * when the database holds no such revision. Absent where nobody looked it up (the device's own
   * check, which folds the same rule in src/rules/committee/draftState.ts).
   */
  readonly approvedRevision?: { readonly author: string } | null;
}

/** The approval's problems as one sentence for a refusal (the device shows them at their fields). */
function approvalRefusal(record: OperationsRecord, languages: readonly PublishedLanguage[] | undefined): string | null {
  if (record.type !== 'commitments-approval') return null;
  const problems = approvalProblems(record.payload.commitments, record.payload.year, languages ? { languages } : {});
  if (problems.length === 0) return null;
  const [first, ...rest] = describeCommitteeProblems(problems, 'en', ['payload', 'commitments']);
  const more = rest.length ? ` (and ${rest.length} more problem${rest.length > 1 ? 's' : ''})` : '';
  return `the revision cannot be approved: ${first?.path ? `${first.path}: ` : ''}${first?.message ?? ''}${more}`;
}

export function validateDocumentWrite(input: DocumentWriteInput): DocumentVerdict {
  const doc = input.doc;
  // Photos of a fault, the one document that carries an attachment (src/db/schema/photos.ts).
  if (isPhotoDocument(doc)) return validatePhotoWrite(input);
  if (typeof doc !== 'object' || doc === null || (doc as { docType?: unknown }).docType !== 'record') return validateWrite(input);
  const d = doc as Record<string, unknown>;
  const user = userFromCouch(input.user);
  const refuse = (rule: WriteVerdict extends infer V ? (V extends { rule: infer R } ? R : never) : never, reason: string, status: 401 | 403 = 403): WriteVerdict => ({
    ok: false,
    status,
    rule,
    reason,
  });
  const refuseCommittee = (rule: CommitteeWriteRule, reason: string): DocumentVerdict => ({ ok: false, status: 403, rule, reason });
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
  if (user.isAdmin) {
    const notApprovable = approvalRefusal(record, input.languages);
    return notApprovable === null ? { ok: true, record } : refuseCommittee('approvable', notApprovable);
  }
  if (record.author.name !== user.name) {
    return refuse('author-is-user', `author must be the signed-in user: author.name is "${record.author.name}", you are "${user.name}"`);
  }
  if (isCommitteeRecordType(record.type)) {
    const writers = committeeWriters(record.type, input.approverRole ?? DEFAULT_APPROVER_ROLE);
    if (!user.roles.includes(record.author.role) || !writers.includes(record.author.role)) {
      const who = writers.length ? writers.join(', ') : 'the server only';
      return refuseCommittee('committee-role', `${record.type} records are written by ${who}; not by ${record.author.role}`);
    }
    const notApprovable = approvalRefusal(record, input.languages);
    if (notApprovable !== null) return refuseCommittee('approvable', notApprovable);
    if (record.type === 'commitments-approval' && input.approvedRevision !== undefined) {
      if (input.approvedRevision === null) {
        return refuseCommittee('approved-revision', `the approved revision ${record.payload.revision} is not in the operations database`);
      }
      if (approvalBlock({ author: { ...record.author, name: input.approvedRevision.author } }, record.author, { fourEyes: input.fourEyes ?? true }) === 'own-edit') {
        return refuseCommittee('four-eyes', FOUR_EYES_REASON);
      }
    }
    return { ok: true, record };
  }
  if (!user.roles.includes(record.author.role) || !OPERATIONS_WRITERS.includes(record.author.role)) {
    return refuse('operations-database', `operations records are written by ${OPERATIONS_WRITERS.join(', ')}`);
  }
  return { ok: true, record };
}
