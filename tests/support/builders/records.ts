/**
 * Builders for the results engine's tests: operations records (validated by the real
 * schema) and the commitments (tests/support's fixture copies of the published sets).
 */
import * as v from 'valibot';
import type { Commitments } from '../../../src/db/schema/commitments';
import { fixtureCommitments } from '../commitments';
import { OperationsRecord, type RecordType } from '../../../src/db/schema/records';
import { seededRandom, ulid } from '../../../src/db/schema/events/ids';
import { authorOf } from './events';

/** The commitments of `year` (the fixture copies in tests/support, which no publisher rewrites). */
export function commitmentsOf(year: number): Commitments {
  return fixtureCommitments(year);
}

/** One year's commitments reduced to some indicators (the figures of the others are not under test). */
export function only(c: Commitments, ...ids: string[]): Commitments {
  const indicators = c.indicators.filter((i) => ids.includes(i.id));
  if (indicators.length !== ids.length) throw new Error(`unknown indicator among ${ids.join(', ')}`);
  return { ...c, indicators: indicators as Commitments['indicators'] };
}

let random = seededRandom(7);
export function resetRecordIds(seed = 7): void {
  random = seededRandom(seed);
}
export const outageId = (n: number): string => `ou-01JD${String(n).padStart(22, '0')}`;

/** A valid operations record of `type` at `at` (a Date or ISO instant). */
export function aRecord(type: RecordType, at: Date | string, payload: Record<string, unknown>, station?: string): OperationsRecord {
  const iso = typeof at === 'string' ? at : at.toISOString();
  return v.parse(OperationsRecord, {
    id: `rc-${ulid(Date.parse(iso), random)}`,
    docType: 'record',
    schemaVersion: 1,
    type,
    at: iso,
    author: authorOf('hotline'),
    ...(station !== undefined ? { station } : {}),
    payload,
  });
}
