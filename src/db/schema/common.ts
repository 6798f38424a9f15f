import * as v from 'valibot';
import { SLUG_PATTERN } from './vocabulary';

/** A piece of text the public reads, in Chinese (first) and English. */
export const Bilingual = v.strictObject({
  zh: v.pipe(v.string(), v.trim(), v.nonEmpty()),
  en: v.pipe(v.string(), v.trim(), v.nonEmpty()),
});
export type Bilingual = v.InferOutput<typeof Bilingual>;

/** A calendar date written as YYYY-MM-DD (YAML may hand us a Date already). */
export const IsoDate = v.pipe(
  v.union([v.string(), v.date()]),
  v.transform((d) => (d instanceof Date ? d.toISOString().slice(0, 10) : d)),
  v.isoDate(),
);

/** Ids used in URLs and as keys: lower case, digits and hyphens. */
export const Slug = v.pipe(v.string(), v.regex(SLUG_PATTERN, 'must be lower-case words joined by hyphens'));
