import { getAt, indicatorsOf } from '../committeeForm';
import { sameJson } from './draftState';
import { targetPlaceholders } from './promise';

/**
 * What the approver reads before approving (issue 23 item 4): the proposed set against the
 * published set of the year before, indicator by indicator (matched by id): targets changed,
 * indicators added or removed, how a figure is measured changed, the promise's words changed,
 * and the general fields. A half-edited draft is read loosely: an entry without an id is
 * listed as added.
 */

export interface IndicatorRef {
  readonly id: string;
  /** The indicator's name in both languages, as the set has it ('' when unnamed). */
  readonly label: { readonly zh: string; readonly en?: string | undefined };
}

export interface TargetDifference extends IndicatorRef {
  readonly before: unknown;
  readonly after: unknown;
}

export interface ChangeSummary {
  readonly targets: readonly TargetDifference[];
  readonly added: readonly IndicatorRef[];
  readonly removed: readonly IndicatorRef[];
  readonly measures: readonly IndicatorRef[];
  readonly promises: readonly IndicatorRef[];
  /** Top-level fields that differ: title, period, service, utility. */
  readonly general: readonly string[];
  /** Nothing differs at all. */
  readonly none: boolean;
}

const GENERAL = ['title', 'period', 'service', 'utility'] as const;

function ref(ind: unknown, fallbackId: string): IndicatorRef {
  const text = (lang: 'zh' | 'en') => {
    const v = getAt(ind, ['label', lang]);
    return typeof v === 'string' ? v : '';
  };
  const id = getAt(ind, ['id']);
  return { id: typeof id === 'string' && id !== '' ? id : fallbackId, label: { zh: text('zh'), en: text('en') } };
}

/** An indicator's words with its target's number as `{target}`: "98 %" and "{target}" at 98 are the same words. */
function tiedWords(ind: unknown): unknown {
  const promise = getAt(ind, ['promise']);
  const value = getAt(ind, ['target', 'value']);
  const unit = getAt(ind, ['target', 'unit']);
  if (typeof value !== 'number' || (unit !== 'percent' && unit !== 'score' && unit !== 'visits-per-year')) return promise;
  const tie = (lang: 'zh' | 'en') => {
    const words = getAt(promise, [lang]);
    return typeof words === 'string' ? targetPlaceholders(words, { value, unit }, lang) : words;
  };
  return promise === undefined ? undefined : { zh: tie('zh'), en: tie('en') };
}

export function changeSummary(before: unknown, after: unknown): ChangeSummary {
  const index = (set: unknown) => {
    const m = new Map<string, unknown>();
    for (const ind of indicatorsOf(set)) {
      const id = getAt(ind, ['id']);
      if (typeof id === 'string' && id !== '') m.set(id, ind);
    }
    return m;
  };
  const was = index(before);
  const now = index(after);
  const targets: TargetDifference[] = [];
  const added: IndicatorRef[] = [];
  const measures: IndicatorRef[] = [];
  const promises: IndicatorRef[] = [];
  indicatorsOf(after).forEach((ind, i) => {
    const id = getAt(ind, ['id']);
    const old = typeof id === 'string' ? was.get(id) : undefined;
    if (old === undefined) {
      added.push(ref(ind, `#${i + 1}`));
      return;
    }
    if (!sameJson(getAt(old, ['target']), getAt(ind, ['target']))) targets.push({ ...ref(ind, String(id)), before: getAt(old, ['target']), after: getAt(ind, ['target']) });
    if (!sameJson(getAt(old, ['measure']), getAt(ind, ['measure']))) measures.push(ref(ind, String(id)));
    if (!sameJson(tiedWords(old), tiedWords(ind))) promises.push(ref(ind, String(id)));
  });
  const removed = [...was.entries()].filter(([id]) => !now.has(id)).map(([id, ind]) => ref(ind, id));
  const general = GENERAL.filter((k) => !sameJson(getAt(before, [k]), getAt(after, [k])));
  return { targets, added, removed, measures, promises, general, none: !targets.length && !added.length && !removed.length && !measures.length && !promises.length && !general.length };
}
