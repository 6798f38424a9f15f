import * as v from 'valibot';
import { Bilingual, IsoDate, Slug } from './common';
import { Target } from './commitments';

/**
 * Measured figures for one year (`content/results/<year>.json`), one per indicator id of
 * that year's commitments. A figure whose denominator was zero has `value: null`: the page
 * says "not measured", never 0 % or 100 %.
 *
 * Files written by `npm run results` (src/rules/results) also carry the target, the verdict,
 * breakdowns by station, request kind and month, and the hotspots. They hold counts only,
 * never a person: a breakdown cell resting on fewer than 5 records (requests, outages,
 * calls, downtime records, households), whatever the figure's unit, is `suppressed` with no
 * numbers; `records` is that count.
 */
export const Cell = v.strictObject({
  key: v.string(),
  records: v.number(),
  numerator: v.optional(v.number()),
  denominator: v.optional(v.number()),
  count: v.optional(v.number()),
  value: v.nullable(v.number()),
  suppressed: v.optional(v.literal(true)),
  /** The cell judged against the target: a month of a figure defined per month (continuous supply). */
  met: v.optional(v.nullable(v.boolean())),
});
export type Cell = v.InferOutput<typeof Cell>;

export const Breakdown = v.strictObject({
  station: v.array(Cell),
  kind: v.array(Cell),
  month: v.array(Cell),
});

export const Figure = v.strictObject({
  indicator: Slug,
  value: v.nullable(v.number()),
  numerator: v.optional(v.number()),
  denominator: v.optional(v.number()),
  /** For means of scores: how many scores were averaged. */
  count: v.optional(v.number()),
  /** The target the figure was judged against, and the verdict (computed files). */
  target: v.optional(Target),
  met: v.optional(v.nullable(v.boolean())),
  /** Records of the population left out (pending, withdrawn, unreadable). */
  excluded: v.optional(v.number()),
  /**
   * A per-station run of an indicator over company-wide records (calls, phone-line downtime),
   * which have no station: not measured per station, never a station's share (domain.md,
   * "Settled readings: Company-wide records").
   */
  notPerStation: v.optional(v.literal(true)),
  breakdown: v.optional(Breakdown),
});
export type Figure = v.InferOutput<typeof Figure>;

const Hotspot = v.strictObject({ key: v.string(), count: v.number() });

export const Results = v.strictObject({
  year: v.pipe(v.number(), v.integer()),
  /** True for illustrative figures that were not computed from records; the page says so. */
  sample: v.boolean(),
  computedAt: IsoDate,
  period: v.strictObject({ from: IsoDate, to: IsoDate }),
  note: v.optional(Bilingual),
  /** Set when the committee publishes the figures with next year's commitments: when and by whose approval. */
  published: v.optional(v.strictObject({ on: IsoDate, approvedBy: Bilingual })),
  /** The instant the records were read up to (computed files). */
  asOf: v.optional(v.string()),
  /** Only this station's records (a partial figure), when set. */
  station: v.optional(v.string()),
  figures: v.array(Figure),
  hotspots: v.optional(
    v.strictObject({
      complaintsByStation: v.array(Hotspot),
      repairsByFault: v.array(Hotspot),
      requestsByKind: v.array(Hotspot),
    }),
  ),
  /** How much was read: events, records, documents ignored, requests. */
  read: v.optional(v.strictObject({ events: v.number(), records: v.number(), ignored: v.number(), requests: v.number() })),
  warnings: v.optional(v.array(v.string())),
});
export type Results = v.InferOutput<typeof Results>;
