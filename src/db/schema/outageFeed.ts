import * as v from 'valibot';

/**
 * The public outage feed, `GET /api/outages` (server/outages/, src/rules/outages.ts
 * publicOutageNotices): what the residents' outage page accepts from the network or its kept
 * copy. A proxy's error page or an older server must not break the page, so a notice that is
 * not well formed is left out and the others shown; only the fields a notice has are kept
 * (valibot's object drops the rest). Plain valibot, no messages: nobody types this, and the
 * page's JavaScript stays small.
 */

/** An instant the browser can read (the server writes ISO 8601). */
const Instant = v.pipe(
  v.string(),
  v.check((s) => !Number.isNaN(Date.parse(s))),
);

const Community = v.object({ id: v.string(), name: v.string() });

/** A community list in which a malformed entry is dropped, not the notice. */
const Communities = v.pipe(
  v.optional(v.unknown()),
  v.transform((list) => (Array.isArray(list) ? list.flatMap((c) => { const r = v.safeParse(Community, c); return r.success ? [r.output] : []; }) : [])),
);

export const OUTAGE_PHASES = ['announced', 'ongoing', 'restored'] as const;

export const PublicOutageNotice = v.object({
  outage: v.string(),
  station: v.optional(v.string()),
  stationName: v.optional(v.string()),
  communities: Communities,
  phase: v.picklist(OUTAGE_PHASES),
  planned: v.boolean(),
  plannedStart: v.optional(Instant),
  plannedEnd: v.optional(Instant),
  startedAt: v.optional(Instant),
  restoredAt: v.optional(Instant),
});

/** The answer: when the server computed it and the notices (each checked on its own). */
export const OutageFeedAnswer = v.object({ asOf: Instant, notices: v.array(v.unknown()) });
