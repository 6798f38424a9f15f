import type { Target, TargetUnit } from '../../db/schema/commitments';
import type { CommitteeProblem } from './approvable';

/**
 * The promise the public reads beside each target can never say another number than the
 * target (issue 23: the page said "不低于 98 %" beside "目标 ≥ 99.5 %"). Three ways:
 *
 * - No words (`promise` absent): the sentence is written from the target and the measure, in
 *   both languages, with the number filled in (promiseSentence.ts).
 * - Words with `{target}` where the number goes ("回访率不低于 {target}"): the public page puts
 *   the target's number there (for a percentage with its "%", else the bare number, since the
 *   words carry "分" or "out of 10" themselves). "Start from this year's" turns the published
 *   number into `{target}` wherever it is the target's (targetPlaceholders), so raising a
 *   target raises the promise.
 * - Words with a number of their own: a number of the target's unit that differs from the
 *   target stops approval (promiseProblems), at the field, in words the committee reads.
 */

export const TARGET_PLACEHOLDER = '{target}';
export type Lang2 = 'zh' | 'en';

/** The numbers of the target's unit written in a promise, with where they are. */
interface FoundNumber {
  readonly value: number;
  readonly start: number;
  readonly end: number;
}

/**
 * Patterns of a target's number in words, per unit and language. A score's scale ("满分 10
 * 分", "out of 10") is not a target: the look-behind and look-ahead leave it out.
 */
const NUMBER_PATTERNS: Record<TargetUnit, Record<Lang2, RegExp>> = {
  percent: { zh: /(\d+(?:\.\d+)?)\s*[%％]/g, en: /(\d+(?:\.\d+)?)\s*(?:[%％]|per ?cent)/g },
  score: { zh: /(?<!满分\s*)(?<![\d.])(\d+(?:\.\d+)?)(?=\s*分(?!钟))/g, en: /(?<![\d.])(\d+(?:\.\d+)?)(?=\s*(?:out of|points?\b|\/\s*10))/g },
  'visits-per-year': { zh: /(?<![\d.])(\d+(?:\.\d+)?)(?=\s*次)/g, en: /(?<![\d.])(\d+(?:\.\d+)?)(?=\s*(?:visits?|times)\b)/g },
};

function numbersIn(words: string, unit: TargetUnit, lang: Lang2): FoundNumber[] {
  const re = new RegExp(NUMBER_PATTERNS[unit][lang].source, 'g');
  const out: FoundNumber[] = [];
  for (const m of words.matchAll(re)) out.push({ value: Number(m[1]), start: m.index, end: m.index + m[0].length });
  return out;
}

/** The target's number as `{target}` shows it: "99.5 %" for a percentage, else "9". */
export function targetNumber(target: Pick<Target, 'value' | 'unit'>): string {
  const n = String(target.value);
  return target.unit === 'percent' ? `${n} %` : n;
}

/** Hand-written words with the target filled in where `{target}` stands. */
export function fillTarget(words: string, target: Pick<Target, 'value' | 'unit'>): string {
  return words.replaceAll(TARGET_PLACEHOLDER, targetNumber(target));
}

/**
 * Words whose numbers equal to the target are replaced by `{target}` (a percentage with its
 * "%", since `{target}` brings it back), so they follow the target from then on. Numbers
 * that differ are left as written (all of them: the words are not touched when any number
 * differs), and promiseProblems names them.
 */
export function targetPlaceholders(words: string, target: Pick<Target, 'value' | 'unit'>, lang: Lang2): string {
  if (contradictingNumbers(words, target, lang).length) return words;
  return tieWordsToTarget(words, target.unit, lang);
}

/**
 * Every number of the target's unit in the words replaced by `{target}`: the committee's one
 * click that ties hand-written words to the target ("98 %" → "{target}").
 */
export function tieWordsToTarget(words: string, unit: TargetUnit, lang: Lang2): string {
  const found = numbersIn(words, unit, lang);
  let out = words;
  for (const f of [...found].reverse()) {
    const end = unit === 'percent' ? f.end : f.start + (words.slice(f.start).match(/^\d+(?:\.\d+)?/)?.[0] ?? '').length;
    out = `${out.slice(0, f.start)}${TARGET_PLACEHOLDER}${out.slice(end)}`;
  }
  return out;
}

/** The numbers of the target's unit in the words that are not the target. */
export function contradictingNumbers(words: string, target: Pick<Target, 'value' | 'unit'>, lang: Lang2): number[] {
  return numbersIn(words, target.unit, lang)
    .map((f) => f.value)
    .filter((n) => n !== target.value);
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * Hand-written promises that say another number than their target: a problem at the words
 * (the target itself is checked by the Commitments schema). A set read loosely: an
 * indicator whose target is not yet whole is left to the schema.
 */
export function promiseProblems(set: unknown): CommitteeProblem[] {
  const indicators = isRecord(set) && Array.isArray(set.indicators) ? set.indicators : [];
  const out: CommitteeProblem[] = [];
  indicators.forEach((ind, i) => {
    if (!isRecord(ind) || !isRecord(ind.target) || !isRecord(ind.promise)) return;
    const { value, unit } = ind.target;
    if (typeof value !== 'number' || typeof unit !== 'string' || !(unit in NUMBER_PATTERNS)) return;
    for (const lang of ['zh', 'en'] as const) {
      const words = ind.promise[lang];
      if (typeof words !== 'string') continue;
      const wrong = contradictingNumbers(words, { value, unit: unit as TargetUnit }, lang);
      if (wrong.length) out.push({ path: ['indicators', i, 'promise', lang], id: 'commitments.promiseNumber', requirement: String(wrong[0]), expected: String(value) });
    }
  });
  return out;
}

/** An indicator without words of its own: its promise is then written from the target. */
export function withoutPromise(indicator: unknown): unknown {
  if (!isRecord(indicator)) return indicator;
  const { promise: _p, ...rest } = indicator;
  return rest;
}

/** An indicator's own words with every number of the target's unit tied to the target (the form's one click). */
export function tiedPromise(indicator: unknown): { zh: string; en: string } | unknown {
  if (!isRecord(indicator) || !isRecord(indicator.promise) || !isRecord(indicator.target)) return isRecord(indicator) ? indicator.promise : undefined;
  const unit = indicator.target.unit;
  if (typeof unit !== 'string' || !(unit in NUMBER_PATTERNS)) return indicator.promise;
  const tie = (lang: Lang2) => {
    const words = (indicator.promise as Record<string, unknown>)[lang];
    return typeof words === 'string' ? tieWordsToTarget(words, unit as TargetUnit, lang) : words;
  };
  return { ...indicator.promise, zh: tie('zh'), en: tie('en') };
}
