/**
 * Commitments for tests and benches: copies of the published sets as they stood when the tests
 * were written (tests/support/commitments/<year>.yaml). The live content/commitments/*.yaml is
 * what the committee edits and the publisher rewrites; a test reading it would change its
 * figures whenever the utility publishes. Tests about the published content itself (that it
 * parses, that the rules agree with it) read content/ on purpose.
 */
import { readFileSync } from 'node:fs';
import * as v from 'valibot';
import { parse } from 'yaml';
import { Commitments } from '../../src/db/schema/commitments';

/** The fixture set of `year` (2024 or 2025), parsed by the real schema. */
export function fixtureCommitments(year: 2024 | 2025 | number): Commitments {
  return v.parse(Commitments, parse(readFileSync(new URL(`./commitments/${year}.yaml`, import.meta.url), 'utf8')));
}
