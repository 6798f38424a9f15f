import type { EventOf, EventRecord, EventType } from '../db/schema/events/event';
import type { Role } from '../db/schema/roles';
import { mayEmit } from './permissions';
import { sortEvents } from './requestState';
import { COMPLAINT_STEPS, type ComplaintStep } from '../db/schema/vocabulary';

/**
 * The complaint path of domain.md (000 §3.2), each step an event: does it hold → responsible
 * department and owner → cause and person responsible → remedy proposed → approved by a role
 * allowed to approve → carried out → resident told → resident's view collected (a callback)
 * → review. A complaint that does not hold is explained to the resident (resident told) and
 * reviewed. The progress is a fold of the events: two devices that recorded the same step
 * offline both keep their event, and every device derives the same progress.
 */
export { COMPLAINT_STEPS, type ComplaintStep };

/** The steps of a complaint found not to hold: explain it tactfully, collect the view, review. */
export const NOT_HOLDING_STEPS: readonly ComplaintStep[] = ['assessed', 'resident-told', 'callback', 'review'];

export interface ComplaintProgress {
  /** The path that applies: all steps, or the short one when the complaint does not hold. */
  readonly path: readonly ComplaintStep[];
  /** Steps recorded, in path order. */
  readonly done: readonly ComplaintStep[];
  /** The first step of the path not yet recorded, or null when the path is complete. */
  readonly next: ComplaintStep | null;
  /** Whether the complaint holds: null until assessed (the last assessment counts). */
  readonly holds: boolean | null;
  /** Who approved the remedy (user name), when approved. */
  readonly approvedBy: string | null;
}

export function complaintProgress(events: readonly EventRecord[]): ComplaintProgress {
  const sorted = sortEvents(events);
  const assessed = sorted.filter((e): e is EventOf<'assessed'> => e.type === 'assessed').at(-1);
  const holds = assessed ? assessed.payload.holds : null;
  const path = holds === false ? NOT_HOLDING_STEPS : COMPLAINT_STEPS;
  const seen = new Set<EventType>(sorted.map((e) => e.type));
  // A callback that did not reach the resident collected no view.
  const viewCollected = sorted.some((e) => e.type === 'callback' && e.payload.outcome !== 'unreachable');
  const isDone = (step: ComplaintStep) => (step === 'callback' ? viewCollected : seen.has(step));
  const done = path.filter(isDone);
  const next = path.find((s) => !isDone(s)) ?? null;
  const approval = sorted.find((e) => e.type === 'remedy-approved');
  return { path, done, next, holds, approvedBy: approval ? approval.author.name : null };
}

