import type { Commitments } from '../../db/schema/commitments';
import type { Results } from '../../db/schema/results';
import type { Dictionary } from '../../i18n';

/** The committee's strings, with the categories and units its form names (one language). */
export type CommitteeStrings = Dictionary['committee'] & { categories: Dictionary['categories']; units: Dictionary['units'] };

/** What the page hands over from the build: the published sets and the results (figures only). */
export interface CommitteeData {
  /** Every published commitments set, newest first. */
  readonly commitments: readonly Commitments[];
  /** Every results file without breakdowns and hotspots (what lastMeasured reads). */
  readonly results: readonly Results[];
}
