import * as v from 'valibot';
import { COMMITMENTS_CHECK_MESSAGES, Commitments } from '../../db/schema/commitments';
import { PUBLISHED_LANGUAGES, type PublishedLanguage } from '../../db/schema/common';
import type { MessageId } from '../../i18n/messages';
import { promiseProblems } from './promise';

/**
 * Whether a proposed commitments set may be approved: it must pass the very schema the site's
 * build applies to content/commitments/<year>.yaml (src/db/schema/commitments.ts), and be for
 * the year of its draft. Each problem is a field path and a message id (messages.ts), so the
 * committee's form shows it at the field in either language and the write check
 * (validateRecordWrite) refuses the approval with the same words, on the device and the server.
 */

export type PathKey = string | number;

export interface CommitteeProblem {
  /** Where, inside the set: ['indicators', 2, 'target', 'value']. */
  readonly path: readonly PathKey[];
  readonly id: MessageId;
  /** A bound the message names ({requirement}). */
  readonly requirement?: string;
  /** What was expected ({expected}), e.g. the year or the allowed values. */
  readonly expected?: string;
}

const CHECK_IDS: Record<string, MessageId> = {
  [COMMITMENTS_CHECK_MESSAGES.targetRange]: 'commitments.targetRange',
  [COMMITMENTS_CHECK_MESSAGES.elapsedBound]: 'commitments.elapsedBound',
  [COMMITMENTS_CHECK_MESSAGES.periodOrder]: 'commitments.periodOrder',
  [COMMITMENTS_CHECK_MESSAGES.uniqueIds]: 'commitments.uniqueIds',
};

function readable(expected: string | null | undefined): string | undefined {
  if (!expected) return undefined;
  return expected.replace(/[()]/g, '').split(' | ').join(', ');
}

/** The message id of one valibot issue of the Commitments schema (its own messages are English prose). */
function idOf(issue: v.BaseIssue<unknown>, path: readonly PathKey[]): MessageId {
  const last = path[path.length - 1];
  switch (issue.type) {
    case 'strict_object':
    case 'object':
      if (issue.expected === 'never') return 'value.unknown';
      if (issue.received === 'undefined') return 'value.required';
      return 'value.object';
    case 'variant':
      return issue.received === 'undefined' ? 'value.required' : 'value.oneOf';
    case 'picklist':
      return issue.received === 'undefined' ? 'value.required' : 'value.oneOf';
    case 'literal':
      return issue.received === 'undefined' ? 'value.required' : 'value.literal';
    case 'number':
    case 'finite':
      return issue.received === 'undefined' ? 'value.required' : 'value.number';
    case 'string':
      return issue.received === 'undefined' ? 'value.required' : 'value.string';
    case 'boolean':
      return 'value.boolean';
    case 'array':
      return issue.received === 'undefined' ? 'value.required' : 'value.array';
    case 'union':
    case 'iso_date':
      return 'time.day';
    case 'integer':
      return 'number.integer';
    case 'min_value':
      return last === 'year' ? 'number.year' : 'number.min';
    case 'max_value':
      return last === 'year' ? 'number.year' : 'number.max';
    case 'non_empty':
      return Array.isArray(issue.input) ? 'list.tooShort' : 'text.blank';
    case 'regex':
      return 'commitments.slug';
    case 'check':
      return CHECK_IDS[issue.message] ?? 'value.invalid';
    default:
      return 'value.invalid';
  }
}

/** One problem per field (the first found), in the schema's order. */
export function commitmentsProblems(set: unknown): CommitteeProblem[] {
  const parsed = v.safeParse(Commitments, set);
  if (parsed.success) return [];
  const seen = new Set<string>();
  const out: CommitteeProblem[] = [];
  for (const issue of parsed.issues) {
    const path = (issue.path ?? []).map((p) => p.key as PathKey);
    const key = JSON.stringify(path);
    if (seen.has(key)) continue;
    seen.add(key);
    const id = idOf(issue, path);
    const requirement = issue.requirement;
    out.push({
      path,
      id,
      ...(id === 'list.tooShort' ? { requirement: '1' } : typeof requirement === 'number' || typeof requirement === 'string' ? { requirement: String(requirement) } : {}),
      ...(readable(issue.expected) !== undefined && (id === 'value.oneOf' || id === 'value.literal') ? { expected: readable(issue.expected)! } : {}),
    });
  }
  return out;
}

/**
 * The problems that stop `set` from being approved as the commitments of `year`: the
 * Commitments schema's, a hand-written promise whose number is not its target's, and the
 * set's own `year` differing from the draft's.
 */
export function approvalProblems(set: unknown, year: number, options: { readonly languages?: readonly PublishedLanguage[] } = {}): CommitteeProblem[] {
  const problems = commitmentsProblems(set);
  // English is left out only where the utility does not publish in English (utility.yaml).
  if ((options.languages ?? PUBLISHED_LANGUAGES).includes('en')) {
    for (const path of englishLeftOut(set)) if (!problems.some((q) => q.path.join('.') === path.join('.'))) problems.push({ path, id: 'text.blank' });
  }
  // A promise saying another number than its target (issue 23), unless the schema already
  // found something at those words.
  for (const p of promiseProblems(set)) if (!problems.some((q) => q.path.join('.') === p.path.join('.'))) problems.push(p);
  const ownYear = typeof set === 'object' && set !== null ? (set as { year?: unknown }).year : undefined;
  if (typeof ownYear === 'number' && Number.isInteger(ownYear) && ownYear !== year && !problems.some((p) => p.path.length === 1 && p.path[0] === 'year')) {
    problems.unshift({ path: ['year'], id: 'commitments.yearMismatch', expected: String(year) });
  }
  return problems;
}

/** Whether a set may be approved for `year`. */
export function isApprovable(set: unknown, year: number, options: { readonly languages?: readonly PublishedLanguage[] } = {}): boolean {
  return approvalProblems(set, year, options).length === 0;
}

/** The English fields of a set's published words (title, names, own promises) left blank. */
function englishLeftOut(set: unknown): PathKey[][] {
  const blank = (text: unknown) => typeof text === 'object' && text !== null && !(typeof (text as { en?: unknown }).en === 'string' && (text as { en: string }).en.trim() !== '');
  if (typeof set !== 'object' || set === null) return [];
  const s = set as { title?: unknown; indicators?: unknown };
  const out: PathKey[][] = [];
  if (blank(s.title)) out.push(['title', 'en']);
  if (Array.isArray(s.indicators)) {
    s.indicators.forEach((ind: unknown, i) => {
      if (typeof ind !== 'object' || ind === null) return;
      const { label, promise } = ind as { label?: unknown; promise?: unknown };
      if (blank(label)) out.push(['indicators', i, 'label', 'en']);
      if (promise !== undefined && blank(promise)) out.push(['indicators', i, 'promise', 'en']);
    });
  }
  return out;
}
