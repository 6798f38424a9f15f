import * as v from 'valibot';
import { Bilingual, IsoDate, PublicText, Slug } from './common';
import { RequestKind } from './requestKind';
import { Milestone } from './milestone';
import { YEAR_MAX, YEAR_MIN } from './vocabulary';

/**
 * The committee's yearly commitments (`content/commitments/<year>.yaml`).
 * Each indicator carries a machine-readable `measure`: which records form the denominator
 * (`of`), which of them count in the numerator (`where`), or which scores are averaged.
 * The results computation is driven by these definitions alone, so an indicator of an
 * existing shape is added by writing YAML, not code.
 */

export const DURATION_UNITS = ['minutes', 'hours', 'days', 'working-days'] as const;
export const Duration = v.strictObject({
  value: v.pipe(v.number(), v.minValue(0, 'must be zero or more')),
  unit: v.picklist(DURATION_UNITS, `unit must be one of ${DURATION_UNITS.join(', ')}`),
});
export type Duration = v.InferOutput<typeof Duration>;

export const TARGET_UNITS = ['percent', 'score', 'visits-per-year'] as const;
export type TargetUnit = (typeof TARGET_UNITS)[number];
export const COMPARISONS = ['>=', '>', '<=', '<'] as const;
/**
 * The values a target of each unit can take: a percentage from 0 to 100, a callback score
 * on the 1–10 scale (001 §4), visits a year from 0 to 12. A target outside can never be
 * judged (98 → 980 % is a typing slip), so the build and the committee's approval refuse it.
 */
export const TARGET_RANGES: Readonly<Record<TargetUnit, { min: number; max: number }>> = {
  percent: { min: 0, max: 100 },
  score: { min: 1, max: 10 },
  'visits-per-year': { min: 0, max: 12 },
};
/** The messages of the checks below that span fields (src/rules/committee maps them to message ids). */
export const COMMITMENTS_CHECK_MESSAGES = {
  targetRange: 'value is outside the range of its unit (percent 0–100, score 1–10, visits-per-year 0–12)',
  elapsedBound: 'give exactly one of atMost or atLeast',
  periodOrder: 'period.from must not be after period.to',
  uniqueIds: 'indicator ids must be unique',
} as const;
export const Target = v.pipe(
  v.strictObject({
    comparison: v.picklist(COMPARISONS, `comparison must be one of ${COMPARISONS.join(' ')}`),
    value: v.pipe(v.number('value must be a number'), v.finite('value must be a number')),
    unit: v.picklist(TARGET_UNITS, `unit must be one of ${TARGET_UNITS.join(', ')}`),
  }),
  v.forward(
    v.check((t) => t.value >= TARGET_RANGES[t.unit].min && t.value <= TARGET_RANGES[t.unit].max, COMMITMENTS_CHECK_MESSAGES.targetRange),
    ['value'],
  ),
);
export type Target = v.InferOutput<typeof Target>;

// ---- which records an indicator counts (the denominator) ----
const RequestRecords = v.strictObject({
  records: v.literal('requests'),
  kinds: v.pipe(v.array(RequestKind), v.nonEmpty('name at least one request kind')),
  /** Only requests that reached this milestone (e.g. callbacks are owed on resolved repairs). */
  reached: v.optional(Milestone),
});
const OutageRecords = v.strictObject({
  records: v.literal('outages'),
  /** Planned outages only (notice ahead), unplanned only, or all when absent. */
  planned: v.optional(v.boolean()),
  /** Faults at the heat source are outside the 24-hour restoration promise (002 §8). */
  excludeHeatSource: v.optional(v.boolean()),
  /**
   * Outages a staff member marked an emergency accident (an `outage-emergency` record) are
   * left out ("紧急事故除外", 004 appendix). Being unplanned does not make an outage one
   * (domain.md, "Settled readings: Outages that are emergencies").
   */
  excludeEmergencies: v.optional(v.boolean()),
});
const CallRecords = v.strictObject({ records: v.literal('calls'), line: v.picklist(['hotline', 'emergency']) });
const CallbackRecords = v.strictObject({
  records: v.literal('callbacks'),
  kinds: v.optional(v.array(RequestKind)),
});
const HouseholdRecords = v.strictObject({ records: v.literal('households') });
const TemperatureTestRecords = v.strictObject({
  records: v.literal('temperature-tests'),
  /** A record without the resident's signature is invalid (002 ch.2) and never counts. */
  signedOnly: v.literal(true, 'temperature tests count only when signed: signedOnly must be true'),
});

export const Population = v.variant('records', [
  RequestRecords,
  OutageRecords,
  CallRecords,
  CallbackRecords,
  HouseholdRecords,
  TemperatureTestRecords,
]);
export type Population = v.InferOutput<typeof Population>;

// ---- which of them count in the numerator ----
const Elapsed = v.pipe(
  v.strictObject({
    test: v.literal('elapsed'),
    from: Milestone,
    to: Milestone,
    /** Met when `to` came no later than this after `from` (a deadline). */
    atMost: v.optional(Duration),
    /** Met when `to` came at least this long after `from` (a notice period). */
    atLeast: v.optional(Duration),
  }),
  v.check((c) => (c.atMost === undefined) !== (c.atLeast === undefined), COMMITMENTS_CHECK_MESSAGES.elapsedBound),
);
const HasMilestone = v.strictObject({
  test: v.literal('reached'),
  /** Met when any of these was reached (an inspection visit with nobody home counts, 004 §10.4). */
  anyOf: v.pipe(v.array(Milestone), v.nonEmpty()),
});
const FieldAtMost = v.strictObject({
  test: v.literal('field-at-most'),
  field: v.picklist(['rings']),
  value: v.number(),
});
const FieldOneOf = v.strictObject({
  test: v.literal('field-one-of'),
  field: v.picklist(['satisfaction', 'outcome']),
  values: v.pipe(v.array(v.string()), v.nonEmpty()),
});
const AllRoomsCompliant = v.strictObject({
  test: v.literal('rooms-at-least'),
  celsius: v.number(),
});

export const Condition = v.variant('test', [Elapsed, HasMilestone, FieldAtMost, FieldOneOf, AllRoomsCompliant]);
export type Condition = v.InferOutput<typeof Condition>;

// ---- the measure: one shape per published formula ----
const Ratio = v.strictObject({ shape: v.literal('ratio'), of: Population, where: Condition });
const Mean = v.strictObject({
  shape: v.literal('mean'),
  of: CallbackRecords,
  score: v.picklist(['attitude', 'ability']),
});
/**
 * (1 − Σ AₙTₙ / (N·B·24)) × 100 %, 004 §10.1. `eachMonth`: each month's figure (N and B the
 * month's, "当月") is judged against the target as well as the year's, and a month below it is
 * published as such (domain.md, "Settled readings: Continuous supply").
 */
const ContinuousSupply = v.strictObject({ shape: v.literal('continuous-supply'), of: OutageRecords, eachMonth: v.optional(v.boolean()) });
/** (1 − minutes out of service / minutes in the period) × 100 %, 004 §10.5. */
const Availability = v.strictObject({ shape: v.literal('availability'), line: v.picklist(['hotline', 'emergency']) });

export const Measure = v.variant('shape', [Ratio, Mean, ContinuousSupply, Availability]);
export type Measure = v.InferOutput<typeof Measure>;

export const INDICATOR_CATEGORIES = [
  'supply',
  'outage',
  'safety',
  'emergency',
  'appointment',
  'appliance',
  'repair',
  'complaint',
  'temperature',
  'phone',
  'callback',
  'quality',
  'opinion',
] as const;

export const Indicator = v.strictObject({
  id: Slug,
  category: v.picklist(INDICATOR_CATEGORIES, `category must be one of ${INDICATOR_CATEGORIES.join(', ')}`),
  label: PublicText,
  /**
   * The promise as the public reads it ("40 分钟内到达现场"). Absent: written from the target
   * and the measure (src/rules/committee/promise.ts). `{target}` in the words stands for the
   * target's number, filled in when the page is built, so the words follow the target.
   */
  promise: v.optional(PublicText),
  target: Target,
  measure: Measure,
});
export type Indicator = v.InferOutput<typeof Indicator>;

export const Commitments = v.pipe(
  v.strictObject({
    year: v.pipe(v.number(), v.integer(), v.minValue(YEAR_MIN), v.maxValue(YEAR_MAX)),
    service: v.picklist(['heating', 'gas']),
    utility: Bilingual,
    title: PublicText,
    /** The period the commitments hold for (a heating season runs 15 Nov to 20 Mar). */
    period: v.strictObject({ from: IsoDate, to: IsoDate }),
    /** Set when the committee publishes: when and by whose approval. */
    published: v.optional(v.strictObject({ on: IsoDate, approvedBy: Bilingual })),
    indicators: v.pipe(v.array(Indicator), v.nonEmpty('list at least one indicator')),
  }),
  v.forward(v.check((c) => c.period.from <= c.period.to, COMMITMENTS_CHECK_MESSAGES.periodOrder), ['period', 'to']),
  v.check((c) => new Set(c.indicators.map((i) => i.id)).size === c.indicators.length, COMMITMENTS_CHECK_MESSAGES.uniqueIds),
);
export type Commitments = v.InferOutput<typeof Commitments>;
