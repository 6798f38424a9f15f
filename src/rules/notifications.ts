import type { EventRecord } from '../db/schema/events/event';
import type { NotificationKind } from '../db/schema/notifications';
import { chinaDay, chinaTimeOfDayMs, formatClock, HOUR_MS, toEpochMs, type Instant } from './chinaTime';
import { ESCALATION_LADDER } from './escalation';
import { SIGN_OFF_KINDS } from './requestState';
import { rolesMayEmit } from './permissions';
import type { Role } from '../db/schema/roles';
import type { DueCallback } from './callbacks';
import { zhCN } from '../i18n/zh-CN';
import { en } from '../i18n/en';

/**
 * Which events and records are worth a message, to whom, and its words (issue 19, item 3;
 * domain.md "Notifications"). Pure: the server's notifier (server/notify/notifier.mjs) applies it.
 *
 * Messages to residents carry no internal notes and no free text at all: an internal event is
 * never a message, and a message says what happened with display names and times only (the
 * reply itself, the late notice's reason, the diagnosis are read in the app). So every message
 * fits a provider's registered template, and nothing a member of staff typed leaves in an SMS.
 */

/** The instant as residents read it: `12月3日 14:30` (China time). */
export function chinaWhen(at: Instant | string): { zh: string; en: string } {
  const instant = typeof at === 'string' ? Date.parse(at) : at;
  const day = chinaDay(instant);
  const [, m, d] = day.split('-');
  const clock = formatClock(chinaTimeOfDayMs(instant));
  return { zh: `${Number(m)}月${Number(d)}日 ${clock}`, en: `${day} ${clock}` };
}

const visitTime = (at: string) => {
  const when = chinaWhen(at);
  return { visitTime: when.zh, visitTimeEn: when.en };
};

export interface ResidentNotice {
  readonly audience: 'resident';
  readonly kind: NotificationKind;
  readonly resident: string;
  readonly requestId: string;
  readonly station: string;
  /** Template values: display names and times only. */
  readonly params: Readonly<Record<string, string>>;
  /** Sent through the quiet hours (an emergency). */
  readonly urgent: boolean;
}

export interface RungNotice {
  readonly audience: 'rung';
  readonly kind: 'escalated';
  readonly level: number;
  readonly requestId: string;
  readonly station: string;
  readonly params: Readonly<Record<string, string>>;
  readonly urgent: true;
}

/**
 * A message to members of staff chosen by role: the callback staff when a callback falls due,
 * the approvers when a complaint remedy is proposed. Recipients: staffToTell.
 */
export interface StaffNotice {
  readonly audience: 'staff';
  readonly kind: 'callback-due' | 'remedy-awaiting-approval';
  /** The roles told (at the request's station, or working across stations). */
  readonly roles: readonly Role[];
  /** What the message is about, beside the request: one message per source and recipient. */
  readonly source: string;
  readonly requestId: string;
  readonly station: string;
  readonly params: Readonly<Record<string, string>>;
  readonly urgent: boolean;
}

/**
 * The roles whose work an event is: those the permission table lets write it, without the
 * manager and the admin (who may write everything and are not the ones who do it day to day).
 */
function workersOf(type: 'callback' | 'remedy-approved'): Role[] {
  return rolesMayEmit(type).filter((r) => r !== 'manager' && r !== 'admin');
}

/** Who calls residents back (the hotline and the complaint handlers, 002 ch.1 §11). */
export const CALLBACK_STAFF_ROLES: readonly Role[] = workersOf('callback');
/** Who approves a complaint remedy (the station head: "the leader approves", 000 §3.2). */
export const REMEDY_APPROVER_ROLES: readonly Role[] = workersOf('remedy-approved');

/** A staff account as the server lists it: its roles and, for station staff, its station. */
export interface StaffMember {
  readonly name: string;
  readonly roles: readonly string[];
  readonly station: string | null;
}

/**
 * The accounts a staff notice goes to: those holding one of `roles` at `station`, or holding it
 * across stations (the hotline and complaint handlers have no station). Sorted, each once.
 */
export function staffToTell(staff: readonly StaffMember[], roles: readonly Role[], station: string): string[] {
  const out = new Set<string>();
  for (const s of staff) if (s.roles.some((r) => (roles as readonly string[]).includes(r)) && (s.station === null || s.station === station)) out.add(s.name);
  return [...out].sort();
}

/**
 * The notice of a callback falling due (dueCallbacks says when: the work done, the resident not
 * reached yet, inside the callback hours). One per try: `source` counts the calls already made,
 * so a resident not reached is asked for again at the next try, and each try is told once.
 */
export function callbackDueNotice(due: DueCallback, station: string, kindName: string = due.kind): StaffNotice {
  return {
    audience: 'staff',
    kind: 'callback-due',
    roles: CALLBACK_STAFF_ROLES,
    source: `callback-due-${due.attempts + 1}`,
    requestId: due.requestId,
    station,
    params: { kindName, station, request: due.requestId, attempt: String(due.attempts + 1) },
    urgent: false,
  };
}

/**
 * The message an event gives rise to, or null. `kindName` is the request kind's zh-CN name
 * (the dictionary's), for the staff's message. `now` (when given): a visit time already past when
 * the event reaches the server (an offline device's events arriving late) is told to nobody.
 */
export function noticeOfEvent(event: EventRecord, kindName: string = event.requestKind, now?: Instant): ResidentNotice | RungNotice | StaffNotice | null {
  const notice = noticeOf(event, kindName);
  const visitAt = event.type === 'dispatched' ? event.payload.visitAt : event.type === 'late-notice' || event.type === 'nobody-home' ? event.payload.newVisitAt : undefined;
  if (notice && now !== undefined && visitAt !== undefined && Date.parse(visitAt) <= toEpochMs(now)) return null;
  return notice;
}

function noticeOf(event: EventRecord, kindName: string): ResidentNotice | RungNotice | StaffNotice | null {
  const urgent = event.requestKind === 'emergency';
  const base = { requestId: event.requestId, station: event.station };
  if (event.type === 'escalated') {
    const rung = ESCALATION_LADDER.find((r) => r.level === event.payload.level);
    return {
      audience: 'rung',
      kind: 'escalated',
      level: event.payload.level,
      ...base,
      params: { level: String(event.payload.level), rung: rung?.label.zh ?? '', hours: String(rung?.afterHours ?? ''), kindName, station: event.station, request: event.requestId },
      urgent: true,
    };
  }
  if (event.type === 'remedy-proposed') {
    // The remedy's words are internal: the approver reads them in the app.
    return {
      audience: 'staff',
      kind: 'remedy-awaiting-approval',
      roles: REMEDY_APPROVER_ROLES,
      source: event.id,
      ...base,
      params: { kindName, station: event.station, request: event.requestId },
      urgent,
    };
  }
  // Nothing internal ever reaches a resident.
  if (event.visibility !== 'resident') return null;
  const resident = (kind: NotificationKind, params: Record<string, string> = {}): ResidentNotice => ({ audience: 'resident', kind, resident: event.resident, ...base, params, urgent });
  switch (event.type) {
    case 'dispatched':
      return resident('dispatched', { technicianName: event.payload.technicianName, ...visitTime(event.payload.visitAt) });
    case 'late-notice':
      return resident('visit-moved', visitTime(event.payload.newVisitAt));
    case 'nobody-home':
      // told with the new time; without one the station calls to re-book
      return event.payload.newVisitAt ? resident('nobody-home', visitTime(event.payload.newVisitAt)) : null;
    case 'measured':
      return resident('measured');
    case 'resolved':
      return SIGN_OFF_KINDS.includes(event.requestKind) ? resident('awaiting-sign-off') : null;
    case 'reply':
      return event.requestKind === 'consultation' || event.requestKind === 'complaint' ? resident('reply', { kindName }) : null;
    default:
      return null;
  }
}

/** A planned outage is told 48 hours before it starts (002 §8), or at once when announced later than that. */
export const OUTAGE_NOTICE_AHEAD_MS = 48 * HOUR_MS;

/** When a planned outage's notice may go out: 48 h before its start, not before it was announced. */
export function outageNoticeAt(announcedAt: Instant, plannedStart: Instant | string): Date {
  const start = typeof plannedStart === 'string' ? Date.parse(plannedStart) : toEpochMs(plannedStart);
  return new Date(Math.max(toEpochMs(announcedAt), start - OUTAGE_NOTICE_AHEAD_MS));
}

/** The words of each kind, in the dictionaries (src/i18n: zh-CN's checked against the kinds, English's against zh-CN's). */
const WORDS = { zh: zhCN.notifications, en: en.notifications };

const fill = (text: string, params: Readonly<Record<string, string>>) => text.replace(/\{(\w+)\}/g, (_, key: string) => params[key] ?? '');

/** The words of a message: zh-CN first (the SMS text), English second (the e-mail's second half). */
export function noticeText(kind: NotificationKind, params: Readonly<Record<string, string>>): { subject: string; text: string; textEn: string } {
  const zh = WORDS.zh[kind];
  const english = WORDS.en[kind];
  return { subject: `${fill(zh.subject, params)} / ${fill(english.subject, params)}`, text: fill(zh.text, params), textEn: fill(english.text, params) };
}

/**
 * An address as staff see it beside a delivery: a phone as 138****5678, an e-mail as
 * z***@example.cn. Staff learn that a message failed and by which channel, not the resident's
 * address (the full phone is behind the customer archive's reveal, with its reason).
 */
export function maskAddress(to: string): string {
  const at = to.lastIndexOf('@');
  if (at > 0) return `${to[0]}***${to.slice(at)}`;
  return to.length === 11 ? `${to.slice(0, 3)}****${to.slice(7)}` : '****';
}

/** Who may read a request's deliveries: staff of its station, and staff who work across stations. */
export function mayReadDeliveries(user: { roles: readonly string[]; station?: string; operations: boolean }, station: string | undefined): boolean {
  const staff = user.roles.some((r) => r !== 'resident' && r !== 'committee');
  if (!staff) return false;
  return user.operations || (station !== undefined && user.station === station);
}
