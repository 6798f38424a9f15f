import type { Author } from '../../db/schema/events/event';
import type { OperationsRecord, RecordOf } from '../../db/schema/records/record';
import { isCommitteeRecordType } from '../../db/schema/records/commitmentsRecords';

/**
 * The state of one year's commitments as the committee sees it: a pure fold of the year's
 * committee records (commitmentsRecords.ts), whatever order they arrive in (replication
 * brings them in any order; records are ordered by `at`, then by id, as requestState does).
 *
 * - The current draft is the latest revision: every edit is a new `commitments-draft`.
 * - An approval counts only if it names the current revision and carries its set unchanged
 *   (an edit after the approval needs a new approval), and, under four eyes, was not written
 *   by the account that saved that revision.
 * - A publish request is pending until a `publish-outcome` names it.
 * - Published: the latest succeeded outcome. The year's stage sums it up for the committee.
 */

export interface DraftRevision {
  readonly id: string;
  readonly at: string;
  readonly author: Author;
  readonly year: number;
  readonly startedFrom: number;
  readonly previous?: string;
  readonly commitments: Readonly<Record<string, unknown>>;
}

export interface CommitteeComment {
  readonly id: string;
  readonly at: string;
  readonly author: Author;
  readonly revision: string;
  readonly indicator?: string;
  readonly text: string;
}

export interface CommitteeApproval {
  readonly id: string;
  readonly at: string;
  readonly author: Author;
  readonly revision: string;
  readonly commitments: Readonly<Record<string, unknown>>;
}

export interface PublishRequestState {
  readonly id: string;
  readonly at: string;
  readonly author: Author;
  readonly approval: string;
}

export type PublishOutcomeState =
  | { readonly id: string; readonly at: string; readonly request: string; readonly approval: string; readonly outcome: 'succeeded'; readonly results?: number }
  | { readonly id: string; readonly at: string; readonly request: string; readonly approval?: string; readonly outcome: 'failed'; readonly reason: string };

/**
 * empty       no draft yet
 * draft       the latest revision has no approval
 * approved    the latest revision is approved, not (yet) asked to be published
 * publishing  a publish request waits for the server's outcome
 * published   the current approval's set is what the site shows
 * failed      the last publication of the current approval failed (it may be asked again)
 */
export type CommitteeStage = 'empty' | 'draft' | 'approved' | 'publishing' | 'published' | 'failed';

export interface CommitteeYearState {
  readonly year: number;
  /** Every revision, oldest first. */
  readonly revisions: readonly DraftRevision[];
  readonly current: DraftRevision | null;
  /** Every comment of the year, oldest first (each names the revision it was made on). */
  readonly comments: readonly CommitteeComment[];
  /** Every approval, oldest first, valid or not. */
  readonly approvals: readonly CommitteeApproval[];
  /** The approval of the current revision, when there is one that holds. */
  readonly approval: CommitteeApproval | null;
  readonly requests: readonly PublishRequestState[];
  readonly outcomes: readonly PublishOutcomeState[];
  /** Requests with no outcome yet, oldest first. */
  readonly pending: readonly PublishRequestState[];
  readonly latestOutcome: PublishOutcomeState | null;
  /** The latest successful publication and the approval it published. */
  readonly published: { readonly outcome: Extract<PublishOutcomeState, { outcome: 'succeeded' }>; readonly approval: CommitteeApproval | null } | null;
  readonly stage: CommitteeStage;
}

type CommitteeRecord = RecordOf<'commitments-draft' | 'commitments-comment' | 'commitments-approval' | 'publish-request' | 'publish-outcome'>;

function byTime(a: { at: string; id: string }, b: { at: string; id: string }): number {
  return a.at < b.at ? -1 : a.at > b.at ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Deep equality of two JSON values (key order does not matter: CouchDB keeps it, devices may not). */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export function isCommitteeRecord(r: OperationsRecord): r is CommitteeRecord {
  return isCommitteeRecordType(r.type);
}

/** The years that have committee records, newest first. */
export function committeeYears(records: Iterable<OperationsRecord>): number[] {
  const years = new Set<number>();
  for (const r of records) if (isCommitteeRecord(r)) years.add(r.payload.year);
  return [...years].sort((a, b) => b - a);
}

/** The utility's rules of approval (content/utility.yaml). */
export interface CommitteeRules {
  /**
   * Four eyes: an approval counts only when its account did not save the revision it approves
   * (issue 23 item 4). On unless the utility turns it off (`fourEyes: false`).
   */
  readonly fourEyes?: boolean;
}

/**
 * Why `approver` may not approve `revision`, or null when they may: under four eyes, the
 * account that saved the revision (its last editor) does not approve it.
 */
export function approvalBlock(revision: Pick<DraftRevision, 'author'>, approver: { readonly name: string }, rules: CommitteeRules = {}): 'own-edit' | null {
  return (rules.fourEyes ?? true) && revision.author.name === approver.name ? 'own-edit' : null;
}

/** Folds the committee records of `year` (records of other years and other types are left out). */
export function committeeYearState(records: Iterable<OperationsRecord>, year: number, rules: CommitteeRules = {}): CommitteeYearState {
  const mine = [...records].filter((r): r is CommitteeRecord => isCommitteeRecord(r) && r.payload.year === year).sort(byTime);
  const revisions: DraftRevision[] = [];
  const comments: CommitteeComment[] = [];
  const approvals: CommitteeApproval[] = [];
  const requests: PublishRequestState[] = [];
  const outcomes: PublishOutcomeState[] = [];
  for (const r of mine) {
    const base = { id: r.id, at: r.at };
    switch (r.type) {
      case 'commitments-draft': {
        const p = r.payload;
        revisions.push({ ...base, author: r.author, year: p.year, startedFrom: p.startedFrom, ...(p.previous ? { previous: p.previous } : {}), commitments: p.commitments });
        break;
      }
      case 'commitments-comment': {
        const p = r.payload;
        comments.push({ ...base, author: r.author, revision: p.revision, ...(p.indicator ? { indicator: p.indicator } : {}), text: p.text });
        break;
      }
      case 'commitments-approval':
        approvals.push({ ...base, author: r.author, revision: r.payload.revision, commitments: r.payload.commitments });
        break;
      case 'publish-request':
        requests.push({ ...base, author: r.author, approval: r.payload.approval });
        break;
      case 'publish-outcome': {
        const p = r.payload;
        outcomes.push(
          p.outcome === 'succeeded'
            ? { ...base, request: p.request, approval: p.approval, outcome: 'succeeded', ...(p.results !== undefined ? { results: p.results } : {}) }
            : { ...base, request: p.request, ...(p.approval ? { approval: p.approval } : {}), outcome: 'failed', reason: p.reason },
        );
        break;
      }
    }
  }
  const current = revisions[revisions.length - 1] ?? null;
  const approval =
    current === null
      ? null
      : ([...approvals].reverse().find((a) => a.revision === current.id && sameJson(a.commitments, current.commitments) && approvalBlock(current, a.author, rules) === null) ?? null);
  const answered = new Set(outcomes.map((o) => o.request));
  const pending = requests.filter((r) => !answered.has(r.id));
  const latestOutcome = outcomes[outcomes.length - 1] ?? null;
  const lastSuccess = [...outcomes].reverse().find((o): o is Extract<PublishOutcomeState, { outcome: 'succeeded' }> => o.outcome === 'succeeded');
  const published = lastSuccess ? { outcome: lastSuccess, approval: approvals.find((a) => a.id === lastSuccess.approval) ?? null } : null;

  let stage: CommitteeStage;
  if (current === null) stage = 'empty';
  else if (approval === null) stage = 'draft';
  else if (pending.some((r) => r.approval === approval.id)) stage = 'publishing';
  else {
    const ofThis = [...outcomes].reverse().find((o) => o.approval === approval.id || requests.find((r) => r.id === o.request)?.approval === approval.id);
    stage = ofThis === undefined ? 'approved' : ofThis.outcome === 'succeeded' ? 'published' : 'failed';
  }
  return { year, revisions, current, comments, approvals, approval, requests, outcomes, pending, latestOutcome, published, stage };
}

/** The reason a publication of a self-approved revision is refused (failure.ts recognises it). */
export const FOUR_EYES_REASON = 'the approval was given by the account that saved the revision (four eyes): someone else must approve it';

/**
 * What a publish request asks the server to publish: the set of the approval it names, if
 * that approval still holds (names the latest revision, unchanged). Otherwise the reason, in
 * words the committee reads on the failed outcome.
 */
export function publishableSet(
  state: CommitteeYearState,
  requestId: string,
): { readonly ok: true; readonly approval: CommitteeApproval; readonly commitments: Readonly<Record<string, unknown>> } | { readonly ok: false; readonly reason: string } {
  const request = state.requests.find((r) => r.id === requestId);
  if (!request) return { ok: false, reason: `there is no publish request ${requestId} for ${state.year}` };
  const approval = state.approvals.find((a) => a.id === request.approval);
  if (!approval) return { ok: false, reason: `the approval ${request.approval} named by the request has not reached the server` };
  if (state.approval?.id !== approval.id) {
    const current = state.current;
    if (current && approval.revision === current.id && sameJson(approval.commitments, current.commitments) && current.author.name === approval.author.name) {
      return { ok: false, reason: FOUR_EYES_REASON };
    }
    return { ok: false, reason: 'the draft was changed after this approval: the latest revision must be approved before it is published' };
  }
  return { ok: true, approval, commitments: approval.commitments };
}
