import type { EventRecord } from '../db/schema/events/event';
import type { NotificationKind } from '../db/schema/notifications';
import { chinaDay, chinaTimeOfDayMs, formatClock, HOUR_MS, toEpochMs, type Instant } from './chinaTime';
import { ESCALATION_LADDER } from './escalation';
import { SIGN_OFF_KINDS } from './requestState';

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
 * The message an event gives rise to, or null. `kindName` is the request kind's zh-CN name
 * (the dictionary's), for the staff's message. `now` (when given): a visit time already past when
 * the event reaches the server (an offline device's events arriving late) is told to nobody.
 */
export function noticeOfEvent(event: EventRecord, kindName: string = event.requestKind, now?: Instant): ResidentNotice | RungNotice | null {
  const notice = noticeOf(event, kindName);
  const visitAt = event.type === 'dispatched' ? event.payload.visitAt : event.type === 'late-notice' || event.type === 'nobody-home' ? event.payload.newVisitAt : undefined;
  if (notice && now !== undefined && visitAt !== undefined && Date.parse(visitAt) <= toEpochMs(now)) return null;
  return notice;
}

function noticeOf(event: EventRecord, kindName: string): ResidentNotice | RungNotice | null {
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

const TEMPLATES: Record<NotificationKind, { subject: { zh: string; en: string }; zh: string; en: string }> = {
  dispatched: {
    subject: { zh: '维修人员已派出', en: 'A technician is on the way' },
    zh: '您的诉求已派单，{technicianName}将于{visitTime}上门服务。',
    en: 'Your request has been dispatched: {technicianName} will visit at {visitTimeEn} (China time).',
  },
  'visit-moved': {
    subject: { zh: '上门时间有变', en: 'Your visit time has changed' },
    zh: '抱歉，上门时间改为{visitTime}。',
    en: 'We are sorry: the visit is now at {visitTimeEn} (China time).',
  },
  'nobody-home': {
    subject: { zh: '上门时家中无人', en: 'Nobody was home' },
    zh: '维修人员上门时家中无人，新的上门时间为{visitTime}。',
    en: 'Our technician found nobody home; the new visit is at {visitTimeEn} (China time).',
  },
  measured: {
    subject: { zh: '室温检测结果', en: 'Your temperature test result' },
    zh: '您的室温检测结果已出，请在"我的诉求"中查看。',
    en: 'The result of your temperature test is ready: see "My requests".',
  },
  'awaiting-sign-off': {
    subject: { zh: '请确认完工', en: 'Please confirm the work' },
    zh: '您的诉求已处理完毕，请在"我的诉求"中确认。',
    en: 'Your request has been dealt with: please confirm it in "My requests".',
  },
  reply: {
    subject: { zh: '您的{kindName}有了答复', en: 'Your request has an answer' },
    zh: '您的{kindName}有了答复，请在"我的诉求"中查看。',
    en: 'Your request has an answer: see "My requests".',
  },
  'outage-announced': {
    subject: { zh: '计划停暖通知', en: 'Planned heating outage' },
    zh: '{communities}计划于{start}至{end}停止供热，请提前做好准备。',
    en: 'Heating in {communities} is planned to stop from {startEn} to {endEn} (China time).',
  },
  'outage-started': {
    subject: { zh: '供热故障通知', en: 'Heating outage' },
    zh: '{communities}因故障暂停供热，我们正在抢修。',
    en: 'Heating in {communities} has stopped because of a fault; our crews are working on it.',
  },
  'outage-restored': {
    subject: { zh: '恢复供热', en: 'Heating restored' },
    zh: '{communities}已恢复供热。',
    en: 'Heating in {communities} has been restored.',
  },
  escalated: {
    subject: { zh: '工单超时升级（{rung}）', en: 'Overdue order escalated (level {level})' },
    zh: '{station}的{kindName}工单{request}已{hours}小时未处理完毕，按规定升级至{rung}。',
    en: 'A {kindName} order {request} of station {station} has been open {hours} hours: escalated to level {level}.',
  },
};

const fill = (text: string, params: Readonly<Record<string, string>>) => text.replace(/\{(\w+)\}/g, (_, key: string) => params[key] ?? '');

/** The words of a message: zh-CN first (the SMS text), English second (the e-mail's second half). */
export function noticeText(kind: NotificationKind, params: Readonly<Record<string, string>>): { subject: string; text: string; textEn: string } {
  const t = TEMPLATES[kind];
  return { subject: `${fill(t.subject.zh, params)} / ${fill(t.subject.en, params)}`, text: fill(t.zh, params), textEn: fill(t.en, params) };
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
