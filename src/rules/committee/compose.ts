import type { Author } from '../../db/schema/events/event';
import type { Commitments } from '../../db/schema/commitments';
import { RECORD_SCHEMA_VERSION } from '../../db/schema/records/record';
import type { CommitteeApproval, DraftRevision } from './draftState';
import { startFrom } from './startFrom';

/**
 * The committee's records as a device writes them (device shape, key `id`), for the committee
 * area: pure, the id (`rc-` + ULID) and the time are passed in. Nothing here checks anything:
 * the device runs validateDocumentWrite (the server's own check) before it stores a record,
 * and the form shows approvalProblems at their fields.
 */

export interface CommitteeWriter {
  readonly id: string;
  readonly at: Date;
  readonly author: Author;
}

function envelope(w: CommitteeWriter, type: string, payload: Record<string, unknown>): Record<string, unknown> {
  return { id: w.id, docType: 'record', schemaVersion: RECORD_SCHEMA_VERSION, type, at: w.at.toISOString(), author: { ...w.author }, payload };
}

/** "Start next year's commitments from this year's": the first revision of `year`, copied from a published set. */
export function composeDraftFrom(w: CommitteeWriter, source: Commitments, year: number): Record<string, unknown> {
  return envelope(w, 'commitments-draft', { year, startedFrom: source.year, commitments: JSON.parse(JSON.stringify(startFrom(source, year))) });
}

/** A new revision: the whole edited set, after `current`. */
export function composeRevision(w: CommitteeWriter, current: DraftRevision, commitments: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return envelope(w, 'commitments-draft', { year: current.year, startedFrom: current.startedFrom, previous: current.id, commitments });
}

export function composeComment(w: CommitteeWriter, revision: DraftRevision, text: string, indicator?: string): Record<string, unknown> {
  return envelope(w, 'commitments-comment', { year: revision.year, revision: revision.id, ...(indicator ? { indicator } : {}), text });
}

/** An approval of exactly this revision (it carries the revision's set). */
export function composeApproval(w: CommitteeWriter, revision: DraftRevision): Record<string, unknown> {
  return envelope(w, 'commitments-approval', { year: revision.year, revision: revision.id, commitments: revision.commitments });
}

export function composePublishRequest(w: CommitteeWriter, approval: CommitteeApproval, year: number): Record<string, unknown> {
  return envelope(w, 'publish-request', { year, approval: approval.id });
}
