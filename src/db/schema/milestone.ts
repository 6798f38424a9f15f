import * as v from 'valibot';

/**
 * The moments in the life of a record that the published figures measure between
 * (a repair's `submitted` → `arrived`, an outage's `announced` → `started`).
 * The event model names its event types after these; the commitments refer to them by name.
 */
/** The milestones of a request (the rest are an outage's). */
export const REQUEST_MILESTONES = [
  'submitted',
  'accepted',
  'dispatched',
  'arrived',
  'first-reply',
  'resolved',
  'signed-off',
  'closed',
  'callback',
  'inspected',
  'nobody-home',
] as const;
export const OUTAGE_MILESTONES = ['announced', 'started', 'restored'] as const;
export const MILESTONES = [...REQUEST_MILESTONES, ...OUTAGE_MILESTONES] as const;

export const Milestone = v.picklist(MILESTONES);
export type Milestone = v.InferOutput<typeof Milestone>;
