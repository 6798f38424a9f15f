import type { Commitments } from '../../db/schema/commitments';
import type { Results } from '../../db/schema/results';
import type { Dictionary } from '../../i18n';
import type { PromiseWords } from '../../rules/committee/promiseSentence';

/**
 * The committee's strings, with the categories and units its form names (one language), and
 * the words the public page's sentences are made of (the promise and how it is measured), in
 * the reader's language (`words`) and in both (`wordsByLang`: own words start from both).
 */
export type CommitteeStrings = Dictionary['committee'] & {
  categories: Dictionary['categories'];
  units: Dictionary['units'];
  words: PromiseWords;
  wordsByLang: { zh: PromiseWords; en: PromiseWords };
};

/** What the page hands over from the build: the published sets and the results (figures only). */
export interface CommitteeData {
  /** Every published commitments set, newest first. */
  readonly commitments: readonly Commitments[];
  /** Every results file without breakdowns and hotspots (what lastMeasured reads). */
  readonly results: readonly Results[];
}
