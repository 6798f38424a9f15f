import type * as v from 'valibot';
import type { Lang } from './lang';
import type { BookingProblem } from '../rules/bookingWindows';
import type { CommitteeProblem } from '../rules/committee/approvable';
import { MESSAGES, isMessageId, type MessageId } from './messages';
import { fieldLabel, formatPath, type PathKey } from './fieldLabels';

/**
 * Issues of the schemas and problems found by the rules, as sentences naming the field in the
 * user's language: the message ids of ./messages.ts filled in with the labels of
 * ./fieldLabels.ts.
 */

export interface DescribedIssue {
  /** Where: `payload.rooms[0].areaM2` ('' for the whole record). */
  readonly path: string;
  /** The stable message id (`text.tooLong`), for forms that want their own wording. */
  readonly id: MessageId;
  /** A short sentence naming the field, in the asked language. */
  readonly message: string;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Valibot's `expected` for picklists and literals, readable: `("a" | "b")` → `"a", "b"`. */
function readableExpected(expected: string | null): string {
  if (!expected) return '';
  return expected.replace(/[()]/g, '').split(' | ').join(', ');
}

/** Checks of a value chosen rather than typed (a station is chosen from a list): left empty, the field asks to choose. */
const CHOICE_IDS: ReadonlySet<MessageId> = new Set<MessageId>(['id.station', 'time.day', 'time.clock', 'time.instant', 'value.oneOf', 'value.literal', 'value.boolean', 'number.score']);
/** Checks of a typed value: left empty, the field asks to fill it in. */
const TEXT_IDS: ReadonlySet<MessageId> = new Set<MessageId>(['value.string', 'text.blank', 'phone.format']);

/**
 * Issues of an event (or any record schema using the ids above) as sentences in `lang`, one
 * per field (the first problem found in it: `soon` is not a time, whichever way it is
 * checked), in valibot's order. An issue whose message is not one of our ids (a schema
 * without an id) falls back to `value.invalid`.
 */
export function describeEventIssues(issues: readonly v.BaseIssue<unknown>[], lang: Lang): DescribedIssue[] {
  const seen = new Set<string>();
  const firstPerField = issues.filter((issue) => {
    const path = formatPath((issue.path ?? []).map((p) => p.key as PathKey));
    return seen.has(path) ? false : (seen.add(path), true);
  });
  return firstPerField.map((issue) => {
    const keys = (issue.path ?? []).map((p) => p.key as PathKey);
    const given: MessageId = isMessageId(issue.message) ? issue.message : 'value.invalid';
    // Nothing chosen or typed: say so, rather than what a well-formed value looks like.
    const empty = issue.input === '' || issue.input === undefined;
    const id: MessageId = empty && CHOICE_IDS.has(given) ? 'value.choose' : empty && TEXT_IDS.has(given) ? 'value.required' : given;
    const template: string = MESSAGES[id][lang];
    const requirement = issue.requirement;
    const text = template
      .replaceAll('{field}', fieldLabel(keys, lang))
      .replaceAll('{requirement}', typeof requirement === 'number' || typeof requirement === 'string' ? String(requirement) : '')
      .replaceAll('{expected}', readableExpected(issue.expected));
    return { path: formatPath(keys), id, message: lang === 'en' ? capitalise(text) : text };
  });
}

/** Booking problems (src/rules/bookingWindows.ts) as sentences in `lang`, like describeEventIssues. */
export function describeBookingProblems(problems: readonly BookingProblem[], lang: Lang): DescribedIssue[] {
  return problems.map((p) => {
    const text = MESSAGES[p.id][lang].replaceAll('{field}', fieldLabel(p.path, lang));
    return { path: formatPath(p.path), id: p.id, message: lang === 'en' ? capitalise(text) : text };
  });
}

/**
 * The committee's problems with a commitments set (src/rules/committee/approvable.ts) as
 * sentences in `lang`, like describeEventIssues; `prefix` is where the set sits in the record
 * (`payload.commitments`), so the path names the field of the record written.
 */
export function describeCommitteeProblems(problems: readonly CommitteeProblem[], lang: Lang, prefix: readonly PathKey[] = []): DescribedIssue[] {
  return problems.map((p) => {
    const keys = [...prefix, ...p.path];
    const text = MESSAGES[p.id][lang]
      .replaceAll('{field}', fieldLabel(keys, lang))
      .replaceAll('{requirement}', p.requirement ?? '')
      .replaceAll('{expected}', p.expected ?? '');
    return { path: formatPath(keys), id: p.id, message: lang === 'en' ? capitalise(text) : text };
  });
}
