import type { EventRecord } from '../db/schema/events/event';
import { requestState, type RequestStatus } from './requestState';

/**
 * How many requests one resident may file through the portal (issue 17, finding 4: 500 fake
 * submissions in one POST all landed in the station's and operations' queues). Pure: the
 * resident's events and the clock are passed in; the server counts what their database holds
 * (server/backend/ownership.mjs), the device what it holds, with the same function.
 *
 * The numbers, from what a household needs (domain.md; seeds 000 §3, 002 ch.1-2, 004): the
 * request kinds a household can have at once are a consultation, a complaint, a repair, a
 * temperature test, the four appointments, a suggestion and praise — ten; a real household has
 * one or two open in a heating season. So at most 10 open at once and 10 filed in a day (one of
 * each kind, or a repair re-filed after a wrong address), and 5 in an hour (a burst typed after
 * a fault: repair, complaint, consultation, with a correction or two). A gas leak is never
 * filed here (the emergency phone), and staff registering requests at a hall or on the
 * hotline are not counted. Each is configurable (README: HEARTHLINE_QUOTA_*).
 */
export interface SubmissionLimits {
  readonly perHour: number;
  readonly perDay: number;
  readonly openAtOnce: number;
}

export const SUBMISSION_LIMITS: SubmissionLimits = { perHour: 5, perDay: 10, openAtOnce: 10 };

/** A resident's own submissions so far. */
export interface SubmissionUsage {
  /** Filed in the last hour / the last 24 hours (by the server's receipt time where known). */
  readonly lastHour: number;
  readonly lastDay: number;
  /** Their requests not finished: not resolved, closed or withdrawn. */
  readonly open: number;
}

export const QUOTA_RULES = ['quota-hour', 'quota-day', 'quota-open'] as const;
export type QuotaRule = (typeof QUOTA_RULES)[number];

/** Statuses in which a request no longer waits for the utility. */
const FINISHED: ReadonlySet<RequestStatus> = new Set(['resolved', 'closed', 'withdrawn']);

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** When the utility got a submission: the server's receipt time where the event has one, else its own time. */
function filedAt(e: EventRecord & { receivedAt?: string }): number {
  return Date.parse(e.receivedAt ?? e.at);
}

/** What `resident` has filed themselves, from their events (any order; other residents' left out). */
export function submissionUsage(events: readonly (EventRecord & { receivedAt?: string })[], resident: string, nowMs: number): SubmissionUsage {
  const byRequest = new Map<string, EventRecord[]>();
  let lastHour = 0;
  let lastDay = 0;
  for (const e of events) {
    if (e.resident !== resident) continue;
    let list = byRequest.get(e.requestId);
    if (!list) byRequest.set(e.requestId, (list = []));
    list.push(e);
    if (e.type === 'submitted' && e.author.role === 'resident') {
      const age = nowMs - filedAt(e);
      if (age < HOUR) lastHour++;
      if (age < DAY) lastDay++;
    }
  }
  let open = 0;
  for (const list of byRequest.values()) {
    const submission = list.find((e) => e.type === 'submitted');
    if (!submission || submission.author.role !== 'resident') continue;
    if (!FINISHED.has(requestState(list, { now: nowMs }).status)) open++;
  }
  return { lastHour, lastDay, open };
}

/** Whether one more submission fits; the first limit reached, or null. */
export function quotaProblem(usage: SubmissionUsage, limits: SubmissionLimits = SUBMISSION_LIMITS): { rule: QuotaRule; reason: string } | null {
  if (usage.lastHour >= limits.perHour) {
    return { rule: 'quota-hour', reason: `at most ${limits.perHour} requests an hour through the portal; you filed ${usage.lastHour} in the last hour. Try again later, or call the hotline` };
  }
  if (usage.lastDay >= limits.perDay) {
    return { rule: 'quota-day', reason: `at most ${limits.perDay} requests a day through the portal; you filed ${usage.lastDay} in the last 24 hours. Try again tomorrow, or call the hotline` };
  }
  if (usage.open >= limits.openAtOnce) {
    return { rule: 'quota-open', reason: `at most ${limits.openAtOnce} open requests at once; you have ${usage.open}. Withdraw one you no longer need, or wait until one is done` };
  }
  return null;
}

/** The usage after one more accepted submission (a batch counts as it goes). */
export function withOneMore(usage: SubmissionUsage): SubmissionUsage {
  return { lastHour: usage.lastHour + 1, lastDay: usage.lastDay + 1, open: usage.open + 1 };
}
