import * as v from 'valibot';
import { SLUG_PATTERN } from './vocabulary';

/** A piece of text the public reads, in Chinese (first) and English. */
export const Bilingual = v.strictObject({
  zh: v.pipe(v.string(), v.trim(), v.nonEmpty()),
  en: v.pipe(v.string(), v.trim(), v.nonEmpty()),
});
export type Bilingual = v.InferOutput<typeof Bilingual>;

/**
 * A piece of the committee's published text: Chinese always, English where the utility
 * publishes in English (content/utility.yaml `languages`). The schema lets English be left out
 * (blank); approving a set that leaves it out where English is published is refused
 * (src/rules/committee/approvable.ts), and the English page shows the Chinese meanwhile.
 */
export const PublicText = v.strictObject({
  zh: v.pipe(v.string(), v.trim(), v.nonEmpty()),
  en: v.optional(v.pipe(v.string(), v.trim())),
});
export type PublicText = v.InferOutput<typeof PublicText>;

/** The languages a utility may publish in: Chinese always, English optionally. */
export const PUBLISHED_LANGUAGES = ['zh', 'en'] as const;
export type PublishedLanguage = (typeof PUBLISHED_LANGUAGES)[number];

/** A calendar date written as YYYY-MM-DD (YAML may hand us a Date already). */
export const IsoDate = v.pipe(
  v.union([v.string(), v.date()]),
  v.transform((d) => (d instanceof Date ? d.toISOString().slice(0, 10) : d)),
  v.isoDate(),
);

/** Ids used in URLs and as keys: lower case, digits and hyphens. */
export const Slug = v.pipe(v.string(), v.regex(SLUG_PATTERN, 'must be lower-case words joined by hyphens'));
