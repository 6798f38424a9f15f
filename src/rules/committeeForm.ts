import type { Commitments } from '../db/schema/commitments';
import type { CommitteeProblem, PathKey } from './committee/approvable';
import { sameJson } from './committee/draftState';
import { startFrom } from './committee/startFrom';
import { withShape } from './committee/measureForm';

/**
 * The committee's draft form (src/islands/committee/DraftEditor.tsx) as pure functions. The
 * form edits a proposed set in the shape of content/commitments/<year>.yaml directly, as plain
 * JSON: what a draft revision carries (commitments-draft), what the Commitments schema checks
 * (src/rules/committee/approvable.ts) and what the publisher writes. Nothing typed is ever
 * dropped: a number field that does not read as a number keeps the text, and the schema's
 * issue ("must be a number") is shown at the field until it is corrected.
 */

export type DraftSet = Readonly<Record<string, unknown>>;

/** The value at `path` (undefined when any step is missing). */
export function getAt(value: unknown, path: readonly PathKey[]): unknown {
  let at: unknown = value;
  for (const key of path) {
    if (typeof at !== 'object' || at === null) return undefined;
    at = (at as Record<PathKey, unknown>)[key];
  }
  return at;
}

/** A copy of `value` with `next` at `path` (objects and arrays on the way are copied, never changed). */
export function setAt<T>(value: T, path: readonly PathKey[], next: unknown): T {
  if (path.length === 0) return next as T;
  const [key, ...rest] = path as [PathKey, ...PathKey[]];
  const base: unknown = typeof value === 'object' && value !== null ? value : typeof key === 'number' ? [] : {};
  const child = setAt((base as Record<PathKey, unknown>)[key], rest, next);
  if (Array.isArray(base)) {
    const copy = [...base];
    copy[key as number] = child;
    return copy as T;
  }
  return { ...(base as object), [key]: child } as T;
}

/**
 * A number field's text as the set holds it: a number when it reads as one ("98", "97.5",
 * "97,5" with a decimal comma), else the text itself, so nothing typed is lost and the schema
 * says what is wrong at the field.
 */
export function numberOrText(input: string): number | string {
  const trimmed = input.trim().replace(/^(-?\d+),(\d+)$/, '$1.$2');
  if (trimmed === '' || !/^-?(?:\d+(?:\.\d*)?|\.\d+)$/.test(trimmed)) return input;
  return Number(trimmed);
}

/** A number field's value as text (the input shows what the set holds). */
export function fieldText(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return value;
  return '';
}

/** The indicators of a (possibly unfinished) set: [] when it has none. */
export function indicatorsOf(set: unknown): readonly unknown[] {
  const list = getAt(set, ['indicators']);
  return Array.isArray(list) ? list : [];
}

/** The set without its indicator at `index`. */
export function removeIndicator(set: DraftSet, index: number): DraftSet {
  const list = indicatorsOf(set).filter((_, i) => i !== index);
  return { ...set, indicators: list };
}

/**
 * A new indicator at the end, complete but for its names: an id of its own (indicator-12),
 * a percentage target, the promise written from it (no words of its own), and a measure the
 * schema accepts (a share of repair requests answered within 24 hours) that the committee
 * changes with the form's choices: nothing needs typing as JSON (issue 23 item 2).
 */
export function addIndicator(set: DraftSet): DraftSet {
  const list = indicatorsOf(set);
  const taken = new Set(list.map((ind) => getAt(ind, ['id'])));
  let n = list.length + 1;
  while (taken.has(`indicator-${n}`)) n += 1;
  const blank = {
    id: `indicator-${n}`,
    category: 'quality',
    label: { zh: '', en: '' },
    target: { comparison: '>=', value: 95, unit: 'percent' },
    measure: withShape({}, 'ratio'),
  };
  return { ...set, indicators: [...list, blank] };
}

/** The measure of an indicator as the form's text: JSON, or the text as typed when it is not yet JSON. */
export function measureText(measure: unknown): string {
  return typeof measure === 'string' ? measure : JSON.stringify(measure ?? {}, null, 2);
}

/** The measure typed into the form: parsed when it is JSON, else kept as text (the schema refuses it at the field). */
export function measureFromText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** A field's key for the form (`indicators[2].target.value`): the same as messages.ts formatPath. */
export function fieldKey(path: readonly PathKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${key}` : key), '');
}

/**
 * Problems by the field they belong to. A problem of a field the form does not show (a key it
 * has no input for) is given to the nearest shown field above it, so none is left unseen.
 */
export function problemsByField(problems: readonly CommitteeProblem[], shown: (key: string) => boolean): Map<string, CommitteeProblem[]> {
  const out = new Map<string, CommitteeProblem[]>();
  for (const p of problems) {
    let path = [...p.path];
    while (path.length > 0 && !shown(fieldKey(path))) path = path.slice(0, -1);
    const key = fieldKey(path);
    out.set(key, [...(out.get(key) ?? []), p]);
  }
  return out;
}

/** The year the committee drafts next: the one after the newest published set. */
export function nextDraftYear(published: readonly { readonly year: number }[]): number | null {
  if (published.length === 0) return null;
  return Math.max(...published.map((s) => s.year)) + 1;
}

/** The published set a draft of `year` starts from: that of `year - 1`, else the newest before it. */
export function startingSet(published: readonly Commitments[], year: number): Commitments | null {
  const before = published.filter((s) => s.year < year).sort((a, b) => b.year - a.year);
  return before[0] ?? null;
}

/** The first revision of `year`: the starting set moved on (startFrom), as plain JSON. */
export function firstRevision(published: readonly Commitments[], year: number): { readonly startedFrom: number; readonly commitments: DraftSet } | null {
  const source = startingSet(published, year);
  if (!source) return null;
  // A plain JSON copy first: startFrom's structuredClone refuses objects that are not plain
  // (a page's deserialised props), and a revision carries plain JSON anyway.
  const plain = JSON.parse(JSON.stringify(source)) as Commitments;
  return { startedFrom: source.year, commitments: JSON.parse(JSON.stringify(startFrom(plain, year))) as DraftSet };
}

/** Whether the form holds changes that are not in the revision it was started from. */
export function hasUnsavedChanges(form: DraftSet | null, revision: DraftSet | null): boolean {
  if (form === null) return false;
  return revision === null || !sameJson(form, revision);
}

/**
 * Which indicators changed between two sets, by id: a target's value, comparison or unit,
 * or the indicator added or removed. What the committee reads before approving.
 */
export interface TargetChange {
  readonly id: string;
  readonly before: unknown;
  readonly after: unknown;
}

export function targetChanges(before: unknown, after: unknown): TargetChange[] {
  const byId = (set: unknown) => {
    const m = new Map<string, unknown>();
    for (const ind of indicatorsOf(set)) {
      const id = getAt(ind, ['id']);
      if (typeof id === 'string' && id !== '') m.set(id, getAt(ind, ['target']));
    }
    return m;
  };
  const a = byId(before);
  const b = byId(after);
  const out: TargetChange[] = [];
  for (const [id, target] of b) if (!a.has(id) || !sameJson(a.get(id), target)) out.push({ id, before: a.get(id), after: target });
  for (const [id, target] of a) if (!b.has(id)) out.push({ id, before: target, after: undefined });
  return out;
}

/**
 * The year the committee's form shows (issue 23 item 5): the year this member last worked on,
 * kept on the device, so neither a publication (which moves "next year" on) nor a reload
 * offline moves them to an empty year; for someone who has not chosen on this device, the
 * newest year the committee has worked on when it is the year before the next (its outcome
 * stays in view after it is published), else the next draft year.
 */
export function yearShown(remembered: number | null, next: number | null, worked: readonly number[] = [], now: Date = new Date()): number {
  if (remembered !== null) return remembered;
  const newest = worked.length ? Math.max(...worked) : null;
  if (newest !== null && (next === null || newest >= next - 1)) return newest;
  return next ?? now.getFullYear();
}

/**
 * Where a comment typed now will be attached: the saved revision it is written on, and whether
 * the form holds edits that revision does not have (then the comment is about the saved words,
 * not the unsaved ones, and the form says so before it is sent).
 */
export function commentTarget(revision: { readonly id: string } | null, revisions: readonly { readonly id: string }[], unsaved: boolean): { readonly id: string; readonly n: number; readonly unsaved: boolean } | null {
  if (!revision) return null;
  return { id: revision.id, n: revisions.findIndex((r) => r.id === revision.id) + 1, unsaved };
}

/**
 * Whether the committee may ask for publication now, or why not: only an approved revision
 * (or one whose publication failed) is published, and never while the form holds edits that
 * are not saved (the page would say "published" above words that are not).
 */
export function publishBlock(stage: string, unsaved: boolean): 'unsaved' | 'not-approved' | null {
  if (stage !== 'approved' && stage !== 'failed') return 'not-approved';
  return unsaved ? 'unsaved' : null;
}
