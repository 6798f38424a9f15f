import * as v from 'valibot';
import { Bilingual, IsoDate, Slug } from './common';

/**
 * Measured figures for one year (`content/results/<year>.json`), one per indicator id of
 * that year's commitments. A figure whose denominator was zero has `value: null`: the page
 * says "not measured", never 0 % or 100 %.
 */
export const Figure = v.strictObject({
  indicator: Slug,
  value: v.nullable(v.number()),
  numerator: v.optional(v.number()),
  denominator: v.optional(v.number()),
  /** For means of scores: how many scores were averaged. */
  count: v.optional(v.number()),
});
export type Figure = v.InferOutput<typeof Figure>;

export const Results = v.strictObject({
  year: v.pipe(v.number(), v.integer()),
  /** True for illustrative figures that were not computed from records; the page says so. */
  sample: v.boolean(),
  computedAt: IsoDate,
  period: v.strictObject({ from: IsoDate, to: IsoDate }),
  note: v.optional(Bilingual),
  figures: v.array(Figure),
});
export type Results = v.InferOutput<typeof Results>;
