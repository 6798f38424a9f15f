import * as v from 'valibot';
import { Bilingual, IsoDate, PUBLISHED_LANGUAGES, Slug } from './common';
import { APPROVER_ROLES, DEFAULT_APPROVER_ROLE } from './records/commitmentsRecords';

/** Front matter of a policy page (`content/policies/<lang>/<slug>.md`). */
export const PolicyFrontmatter = v.strictObject({
  title: v.pipe(v.string(), v.nonEmpty()),
  summary: v.pipe(v.string(), v.nonEmpty()),
  /** Position in the list of policies. */
  order: v.pipe(v.number(), v.integer()),
  updated: IsoDate,
  /**
   * Figures drawn from the domain rules' own tables and placed after the text, so a page
   * never repeats a figure that the code also uses (the measurement table, the ladder).
   */
  figures: v.optional(v.array(v.picklist(['measurement-method', 'escalation-ladder', 'callback-hours']))),
});
export type PolicyFrontmatter = v.InferOutput<typeof PolicyFrontmatter>;

const PhoneNumber = v.pipe(v.string(), v.regex(/^[0-9+\- ]{3,20}$/, 'must be a phone number'));

/** The utility's own facts (`content/utility.yaml`): names, phones and service halls. */
export const Utility = v.strictObject({
  name: Bilingual,
  hotline: PhoneNumber,
  hotlineHours: Bilingual,
  emergencyPhone: PhoneNumber,
  /**
   * The utility's own service (heating or gas): the home page shows as its results only
   * figures of commitments of this service, never a sample set of another (default heating).
   */
  service: v.optional(v.picklist(['heating', 'gas'], 'service must be heating or gas'), 'heating'),
  /** Who approves the committee's commitments before they are published (default manager). */
  approverRole: v.optional(v.picklist(APPROVER_ROLES, `approverRole must be one of ${APPROVER_ROLES.join(', ')}`), DEFAULT_APPROVER_ROLE),
  /**
   * Four eyes: the account that saved a revision of the commitments may not approve it
   * (src/rules/committee/draftState.ts approvalBlock). On unless set to false.
   */
  fourEyes: v.optional(v.boolean('fourEyes must be true or false'), true),
  /**
   * The languages the utility publishes its commitments in: Chinese always, English too unless
   * left out (`[zh]`): then the committee's English fields are optional.
   */
  languages: v.optional(
    v.pipe(
      v.array(v.picklist(PUBLISHED_LANGUAGES, 'languages may be zh and en')),
      v.check((l) => l.includes('zh'), 'languages must include zh: the site is Chinese first'),
    ),
    ['zh', 'en'],
  ),
  halls: v.array(
    v.strictObject({
      id: Slug,
      name: Bilingual,
      address: Bilingual,
      hours: Bilingual,
      phone: PhoneNumber,
      services: Bilingual,
    }),
  ),
});
export type Utility = v.InferOutput<typeof Utility>;
