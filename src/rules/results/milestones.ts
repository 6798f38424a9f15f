import type { Condition, Indicator, Population } from '../../db/schema/commitments';
import { REQUEST_MILESTONES, type Milestone } from '../../db/schema/milestone';

/**
 * Milestones: which instants of a request, an outage or a household the figures measure
 * between, how each is read from the records (MILESTONE_OF_EVENT), and which indicators can be
 * measured at all (checkIndicator, before any record is read).
 */

export type RequestMilestone = (typeof REQUEST_MILESTONES)[number];
export const MI: Record<RequestMilestone, number> = Object.fromEntries(REQUEST_MILESTONES.map((m, i) => [m, i])) as Record<RequestMilestone, number>;
export const MILESTONE_INDEX: ReadonlyMap<string, number> = new Map(REQUEST_MILESTONES.map((m, i) => [m, i]));
export const OUTAGE_MILESTONES: readonly Milestone[] = ['announced', 'started', 'restored'];
export const HOUSEHOLD_MILESTONES: readonly Milestone[] = ['inspected', 'nobody-home'];

/** Which milestones an event type sets (first occurrence, but `closed` keeps the last). */
export const MILESTONE_OF_EVENT: Readonly<Record<string, readonly RequestMilestone[]>> = {
  submitted: ['submitted'],
  // An acceptance registers the request; it answers nothing (domain.md, "Settled readings:
  // What answers a resident"). A dispatch always tells the visit time (its visitAt).
  accepted: ['accepted'],
  dispatched: ['dispatched', 'first-reply'],
  arrived: ['arrived'],
  reply: ['first-reply'],
  resolved: ['resolved', 'first-reply'],
  'remedy-done': ['resolved', 'first-reply'],
  'signed-off': ['signed-off'],
  closed: ['closed'],
  'nobody-home': ['nobody-home'],
};

/** A request's milestone instants before any is reached (copied per request: a packed array of doubles). */
export const NO_MILESTONES: readonly number[] = REQUEST_MILESTONES.map(() => NaN);

/** MILESTONE_OF_EVENT as milestone indices, looked up once per event. */
export const MARKS_OF_EVENT: ReadonlyMap<string, readonly number[]> = new Map(
  Object.entries(MILESTONE_OF_EVENT).map(([type, marks]) => [type, marks.map((m) => MI[m])]),
);


/** Milestones each population reaches. */
export function milestonesOf(of: Population): readonly Milestone[] {
  switch (of.records) {
    case 'requests':
      return REQUEST_MILESTONES;
    case 'outages':
      return OUTAGE_MILESTONES;
    case 'households':
      return HOUSEHOLD_MILESTONES;
    default:
      return [];
  }
}

/**
 * Why an indicator cannot be measured as defined, or null. Run before reading records, so a
 * commitments file that asks for a ring count of repairs fails at once, by indicator id.
 */
export function checkIndicator(indicator: Indicator): string | null {
  const m = indicator.measure;
  if (m.shape !== 'ratio') return null;
  const where: Condition = m.where;
  const reachable = milestonesOf(m.of);
  const bad = (s: string): string => `indicator ${indicator.id}: ${s}`;
  switch (where.test) {
    case 'elapsed':
      for (const ms of [where.from, where.to]) {
        if (!reachable.includes(ms)) return bad(`${m.of.records} never reach the milestone "${ms}"`);
      }
      return null;
    case 'reached':
      for (const ms of where.anyOf) {
        if (!reachable.includes(ms)) return bad(`${m.of.records} never reach the milestone "${ms}"`);
      }
      return null;
    case 'field-at-most':
      return m.of.records === 'calls' ? null : bad(`the field "${where.field}" belongs to calls, not ${m.of.records}`);
    case 'field-one-of':
      return m.of.records === 'callbacks' ? null : bad(`the field "${where.field}" belongs to callbacks, not ${m.of.records}`);
    case 'rooms-at-least':
      return m.of.records === 'temperature-tests' ? null : bad(`room temperatures belong to temperature tests, not ${m.of.records}`);
  }
}

/** Keeps the first instant of a milestone (the last, for `closed`). */
export function setMilestone(t: number[], i: number, at: number, last: boolean): void {
  const cur = t[i]!;
  if (Number.isNaN(cur) || (last ? at > cur : at < cur)) t[i] = at;
}
