import * as v from 'valibot';
import { literal, msg, obj, text } from '../events/fields';
import type { Role } from '../roles';
import { RECORD_ID_PATTERN, SLUG_PATTERN, YEAR_MAX, YEAR_MIN } from '../vocabulary';

/**
 * The service committee's work on a year's commitments, as operations records (record.ts):
 * each is one more append-only record in the operations database, written on a committee or
 * manager device (offline too) and replicated like every other record. Nothing is ever
 * changed: an edit is a new draft revision, the latest wins (src/rules/committee/draftState.ts).
 *
 *   type                    payload                                               written by
 *   commitments-draft       { year, startedFrom, previous?, commitments }        committee, manager
 *   commitments-comment     { year, revision, indicator?, text }                 committee, manager
 *   commitments-approval    { year, revision, commitments }                      the approving role
 *   publish-request         { year, approval }                                   committee, manager, approver
 *   publish-outcome         { year, request, approval, outcome: succeeded,       the server (admin)
 *                             results? } | { …, outcome: failed, reason }
 *
 * - A draft revision is a full snapshot of the proposed set in the shape of
 *   content/commitments/<year>.yaml (CommitmentsFile), so any revision can be published as it
 *   is. Its `commitments` is NOT checked against the Commitments schema when it is written: a
 *   committee member may save a half-finished draft (offline, between meetings). The schema
 *   is applied when someone approves it.
 * - An approval names one exact revision and carries a copy of its set, so the write check
 *   (validateRecordWrite: the set must pass the Commitments schema, src/rules/committee) needs
 *   nothing but the record itself, on the device and on the server alike; the fold counts an
 *   approval only when its copy equals the revision's set and the revision is still the latest.
 * - `at` of a publish-outcome is when the site was published (succeeded) or the build failed.
 */

/** The commitments' year (as content/commitments/<year>.yaml). */
export const Year = v.pipe(
  v.number(msg('value.number')),
  v.integer(msg('number.integer')),
  v.minValue(YEAR_MIN, msg('number.year')),
  v.maxValue(YEAR_MAX, msg('number.year')),
);

/** An indicator id, as in the commitments (`repair-arrival`). */
export const IndicatorId = v.pipe(
  v.string(msg('value.string')),
  v.regex(SLUG_PATTERN, msg('commitments.slug')),
  v.maxLength(80, msg('text.tooLong')),
);

/** Biggest serialised set a draft may hold (the 2025 set is about 10 kB). */
export const MAX_DRAFT_BYTES = 200_000;

/**
 * A proposed commitments set as a committee member left it: any JSON object of bounded size.
 * The Commitments schema (src/db/schema/commitments.ts) is applied on approval, not here.
 */
export const DraftCommitments = v.pipe(
  v.record(v.string(), v.unknown(), msg('value.object')),
  v.check((set) => JSON.stringify(set).length <= MAX_DRAFT_BYTES, msg('commitments.tooLarge')),
);

/** Roles a utility may name to approve the commitments (content/utility.yaml `approverRole`). */
export const APPROVER_ROLES = ['manager', 'committee'] as const satisfies readonly Role[];
export type ApproverRole = (typeof APPROVER_ROLES)[number];
export const DEFAULT_APPROVER_ROLE: ApproverRole = 'manager';

/** Roles that draft, comment and ask for publication (besides the approving role). */
export const COMMITTEE_WRITERS = ['committee', 'manager'] as const satisfies readonly Role[];

/** Record ids (`rc-` + ULID); not record.ts's RecordId, which would make a cycle. */
const RecordRef = v.pipe(v.string(msg('value.string')), v.regex(RECORD_ID_PATTERN, msg('id.record')));

export const CommitmentsDraft = obj({
  /** The year the proposed commitments are for. */
  year: Year,
  /** The year whose commitments the draft was started from (copied by "start from this year's"). */
  startedFrom: Year,
  /** The revision this one was edited from (absent on the first): shows concurrent edits. */
  previous: v.optional(RecordRef),
  commitments: DraftCommitments,
});

export const MAX_COMMENT = 2000;
export const CommitmentsComment = obj({
  year: Year,
  /** The draft revision commented on. */
  revision: RecordRef,
  /** One indicator of it, or the whole draft when absent. */
  indicator: v.optional(IndicatorId),
  text: text(MAX_COMMENT),
});

export const CommitmentsApproval = obj({
  year: Year,
  /** The exact revision approved. */
  revision: RecordRef,
  /** A copy of that revision's set: checked against the Commitments schema when written. */
  commitments: DraftCommitments,
});

export const PublishRequest = obj({
  year: Year,
  /** The approval whose set is to be published. */
  approval: RecordRef,
});

export const PUBLISH_OUTCOMES = ['succeeded', 'failed'] as const;
export const MAX_FAILURE_REASON = 4000;
export const PublishOutcome = v.variant(
  'outcome',
  [
    obj({
      year: Year,
      request: RecordRef,
      approval: RecordRef,
      outcome: literal('succeeded'),
      /** The year of the results published with the commitments, when there were records. */
      results: v.optional(Year),
    }),
    obj({
      year: Year,
      request: RecordRef,
      approval: v.optional(RecordRef),
      outcome: literal('failed'),
      /** Why: the build's error (file, line and field), or why nothing was built. */
      reason: text(MAX_FAILURE_REASON),
    }),
  ],
  (issue) => (issue.expected === 'Object' ? msg('value.object') : msg('value.oneOf')),
);

export const COMMITTEE_RECORD_TYPES = [
  'commitments-draft',
  'commitments-comment',
  'commitments-approval',
  'publish-request',
  'publish-outcome',
] as const;
export type CommitteeRecordType = (typeof COMMITTEE_RECORD_TYPES)[number];

export function isCommitteeRecordType(type: unknown): type is CommitteeRecordType {
  return (COMMITTEE_RECORD_TYPES as readonly unknown[]).includes(type);
}

/** The payload schema of each committee record type (record.ts puts them in its variant). */
export const COMMITTEE_PAYLOADS = {
  'commitments-draft': CommitmentsDraft,
  'commitments-comment': CommitmentsComment,
  'commitments-approval': CommitmentsApproval,
  'publish-request': PublishRequest,
  'publish-outcome': PublishOutcome,
} as const;

/** Who may write each committee record type besides the server (admin writes any record). */
export function committeeWriters(type: CommitteeRecordType, approverRole: ApproverRole): readonly Role[] {
  switch (type) {
    case 'commitments-draft':
    case 'commitments-comment':
      return COMMITTEE_WRITERS;
    case 'commitments-approval':
      return [approverRole];
    case 'publish-request':
      return [...new Set<Role>([...COMMITTEE_WRITERS, approverRole])];
    case 'publish-outcome':
      return [];
  }
}
