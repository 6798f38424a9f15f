/**
 * Builders for the committee's records (src/db/schema/records/commitmentsRecords.ts): each is
 * parsed by the real record schema, with ids in time order.
 */
import * as v from 'valibot';
import type { Commitments } from '../../../src/db/schema/commitments';
import { fixtureCommitments } from '../commitments';
import { OperationsRecord, type RecordOf } from '../../../src/db/schema/records';
import { seededRandom, ulid } from '../../../src/db/schema/events/ids';
import { authorOf, type PersonKey } from './events';

/** A published set (the fixture copies in tests/support, which no publisher rewrites). */
export function publishedCommitments(year: number): Commitments {
  return fixtureCommitments(year);
}

/** A plain JSON copy (what a record carries), so tests can break it freely. */
export function asJson<T>(x: T): Record<string, unknown> {
  return JSON.parse(JSON.stringify(x)) as Record<string, unknown>;
}

let random = seededRandom(11);
let clock = Date.parse('2026-09-01T02:00:00.000Z');
export function resetCommittee(seed = 11, start = '2026-09-01T02:00:00.000Z'): void {
  random = seededRandom(seed);
  clock = Date.parse(start);
}

type CommitteeType = 'commitments-draft' | 'commitments-comment' | 'commitments-approval' | 'publish-request' | 'publish-outcome';

/** A committee record one minute after the previous one (or at `at`). */
export function committeeRecord<T extends CommitteeType>(type: T, payload: Record<string, unknown>, who: PersonKey = 'committee', at?: string): RecordOf<T> {
  clock = at !== undefined ? Date.parse(at) : clock + 60_000;
  return v.parse(OperationsRecord, {
    id: `rc-${ulid(clock, random)}`,
    docType: 'record',
    schemaVersion: 1,
    type,
    at: new Date(clock).toISOString(),
    author: authorOf(who),
    payload,
  }) as RecordOf<T>;
}

export function draft(year: number, commitments: Record<string, unknown>, opts: { startedFrom?: number; previous?: string; who?: PersonKey } = {}) {
  return committeeRecord(
    'commitments-draft',
    { year, startedFrom: opts.startedFrom ?? year - 1, ...(opts.previous ? { previous: opts.previous } : {}), commitments },
    opts.who ?? 'committee',
  );
}

export function approval(of: RecordOf<'commitments-draft'>, who: PersonKey = 'manager') {
  return committeeRecord('commitments-approval', { year: of.payload.year, revision: of.id, commitments: of.payload.commitments }, who);
}

export function publishRequest(of: RecordOf<'commitments-approval'>, who: PersonKey = 'committee') {
  return committeeRecord('publish-request', { year: of.payload.year, approval: of.id }, who);
}

export function outcome(of: RecordOf<'publish-request'>, result: { ok: true; results?: number } | { ok: false; reason: string }) {
  return committeeRecord(
    'publish-outcome',
    result.ok
      ? { year: of.payload.year, request: of.id, approval: of.payload.approval, outcome: 'succeeded', ...(result.results ? { results: result.results } : {}) }
      : { year: of.payload.year, request: of.id, approval: of.payload.approval, outcome: 'failed', reason: result.reason },
    'admin',
  );
}
