import type { EventRecord } from './schema/events/event';
import { linkageProblem, type LinkageRule, type RequestFacts } from '../rules/requestLinkage';
import { futureProblem } from '../rules/eventTime';
import { finishProblem } from '../rules/measurementRecords';
import { dispatchProblem } from '../rules/dispatch';
import { quotaProblem, type QuotaRule, type SubmissionLimits, type SubmissionUsage } from '../rules/submissionQuota';

/**
 * The part of the write check that needs more than the event (issue 17, Build 2 and 3): the
 * request it names as the database knows it, the server's clock, the resident's submissions so
 * far. validateWrite runs it last, after the event is well formed and placed in the right
 * database; whoever calls validateWrite looks the facts up (server/backend/ownership.mjs on the
 * server, src/db/device/writeFacts.ts on the device) and leaves out what it cannot know.
 */
export interface OwnershipContext {
  /**
   * The request as the database written to knows it: its facts, or null when it holds no
   * submission of it. Left out: not checked (a device that does not hold the request).
   */
  readonly request?: RequestFacts | null;
  /** The receiving clock (ms): an event dated more than 24 h ahead is refused. */
  readonly now?: number;
  /** A resident's own submission: what they have filed so far, and the limits. */
  readonly quota?: { readonly usage: SubmissionUsage; readonly limits?: SubmissionLimits };
  /**
   * The logins of the technicians of the station written to (from the accounts): a dispatch to
   * anyone else is refused. Left out: not checked (a device, which checks it at the field).
   */
  readonly technicians?: readonly string[];
}

export type OwnershipRule = LinkageRule | QuotaRule | 'temperature-record' | 'dispatch-technician' | 'dispatch-time';

/** The first ownership, time or quota rule `event` breaks in `context`, or null. */
export function ownershipProblem(event: EventRecord, context: OwnershipContext): { rule: OwnershipRule; reason: string } | null {
  if (context.now !== undefined) {
    const future = futureProblem(event.at, context.now);
    if (future) return future;
  }
  if (context.request !== undefined) {
    const linkage = linkageProblem(event, context.request);
    if (linkage) return linkage;
    // A temperature test is finished only on a valid record the resident signed (002 ch.2): the
    // database's own saves and signatures of the request decide it (measurementRecords.ts).
    const finish = context.request ? finishProblem(event.type, event.requestKind, context.request.trail ?? []) : null;
    if (finish) return finish;
  }
  // A dispatch to a station's technician, for a time not before it was written (src/rules/dispatch.ts).
  const dispatch = dispatchProblem(event, context.technicians);
  if (dispatch) return dispatch;
  if (context.quota && event.type === 'submitted' && event.author.role === 'resident') {
    const quota = quotaProblem(context.quota.usage, context.quota.limits);
    if (quota) return quota;
  }
  return null;
}
