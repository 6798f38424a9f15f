import * as v from 'valibot';
import { Measure, Target, type Indicator } from '../../db/schema/commitments';
import { fill, type Dictionary } from '../../i18n';
import { describeCondition, describePopulation, type MeasureWords } from '../../site/describeMeasure';

/** The words a promise sentence is made of. */
export type PromiseWords = MeasureWords & Pick<Dictionary, 'promiseSentence'>;
import { fillTarget, targetNumber, tieWordsToTarget, type Lang2 } from './promise';

/**
 * The promise in words as the public page shows it (issue 23): the committee's own words with
 * the target filled in where `{target}` stands, or, without words, a sentence written from the
 * target and the measure: one per shape, in the dictionary's language (`promiseSentence`).
 */

const COMPARISON_WORD: Record<Lang2, Record<Target['comparison'], string>> = {
  zh: { '>=': '不低于', '>': '高于', '<=': '不高于', '<': '低于' },
  en: { '>=': 'at least', '>': 'more than', '<=': 'at most', '<': 'less than' },
};

/**
 * The promise written from the target and the measure, one sentence per shape, or null for a
 * shape this function does not know (the committee then writes the words itself).
 */
export function generatedPromise(indicator: Pick<Indicator, 'target' | 'measure'>, t: PromiseWords, lang: Lang2): string | null {
  const p = t.promiseSentence;
  const target = targetNumber(indicator.target);
  const cmp = COMPARISON_WORD[lang][indicator.target.comparison];
  const values = { cmp, Cmp: cmp.charAt(0).toUpperCase() + cmp.slice(1), target };
  const measure = indicator.measure;
  switch (measure.shape) {
    case 'ratio':
      return fill(p.ratio, { ...values, of: describePopulation(measure.of, t), where: describeCondition(measure.where, t) });
    case 'mean':
      return fill(p.mean, { ...values, of: describePopulation(measure.of, t), score: t.measure.scores[measure.score] });
    case 'continuous-supply':
      return fill(p.continuousSupply, values);
    case 'availability':
      return fill(p.availability, { ...values, line: p.lines[measure.line] });
    default:
      return null;
  }
}

/** The promise as the public page shows it, in one language. */
export function promiseText(indicator: Pick<Indicator, 'target' | 'measure'> & { readonly promise?: { readonly zh: string; readonly en?: string | undefined } | undefined }, t: PromiseWords, lang: Lang2): string {
  const own = indicator.promise?.[lang];
  if (own) return fillTarget(own, indicator.target);
  // English left out (a utility publishing in Chinese only): the sentence written from the
  // target, else the Chinese words.
  const generated = generatedPromise(indicator, t, lang);
  if (generated) return generated;
  return indicator.promise ? fillTarget(indicator.promise.zh, indicator.target) : '';
}


/**
 * The promise of a (possibly half-edited) indicator as the public page would show it, for the
 * committee's form; null while its target or measure is not whole yet.
 */
export function promisePreview(indicator: unknown, t: PromiseWords, lang: Lang2): string | null {
  const parsed = v.safeParse(v.object({ target: Target, measure: Measure, promise: v.optional(v.object({ zh: v.string(), en: v.optional(v.string()) })) }), indicator);
  if (!parsed.success) return null;
  return promiseText(parsed.output, t, lang) || null;
}

/** Own words to start from when the committee switches from the written sentence: that sentence, tied to the target. */
export function ownWordsFrom(indicator: unknown, t: { readonly zh: PromiseWords; readonly en: PromiseWords }): { zh: string; en: string } {
  const parsed = v.safeParse(v.object({ target: Target, measure: Measure }), indicator);
  if (!parsed.success) return { zh: '', en: '' };
  const words = (lang: Lang2) => tieWordsToTarget(generatedPromise(parsed.output, t[lang], lang) ?? '', parsed.output.target.unit, lang);
  return { zh: words('zh'), en: words('en') };
}
