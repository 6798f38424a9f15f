import type { EventOf, EventRecord } from '../db/schema/events/event';
import type { RequestKind } from '../db/schema/requestKind';
import { chinaDay, chinaTimeOfDayMs, formatClock } from './chinaTime';
import { sortEvents } from './requestState';

/**
 * The dispatch form (服务派单, 002 table 1; domain.md "Dispatch form"): every field, read from
 * the request's events. Times are China wall-clock (`YYYY-MM-DD HH:MM`); a field not known yet
 * is null (the form prints an empty box for it, to fill in by hand).
 */
export interface DispatchForm {
  /** 编号: the request number. */
  readonly number: string;
  /** 接访供热所 */
  readonly station: string;
  /** 日期: the China day the request was received. */
  readonly date: string | null;
  /** 接访时间 */
  readonly receivedTime: string | null;
  /** 接访人: the first-contact owner (staff registration or first acceptance). */
  readonly receivedBy: string | null;
  /** 预约上门时间 (after any late notice or re-booking) */
  readonly visitAt: string | null;
  /** 用户地址 */
  readonly address: string | null;
  /** 用户电话 */
  readonly phone: string | null;
  /** 用户联系人 */
  readonly contact: string | null;
  /** 服务内容: the kind, and what the resident asked (a repair's fault code and details, …). */
  readonly content: { readonly kind: RequestKind; readonly fault: string | null; readonly text: string | null };
  /** 下发时间: when the last dispatch was issued. */
  readonly issuedAt: string | null;
  /** 接收人: the technician. */
  readonly issuedTo: string | null;
  /** 服务监督人 */
  readonly supervisor: string | null;
  /** 回访时间, 回访人, 回访结果: the last callback. */
  readonly callbackAt: string | null;
  readonly callbackBy: string | null;
  readonly callbackResult: EventOf<'callback'>['payload'] | null;
}

/** China wall-clock time of an ISO instant: `YYYY-MM-DD HH:MM`. */
export function chinaDateTime(iso: string): string {
  const ms = Date.parse(iso);
  return `${chinaDay(ms)} ${formatClock(chinaTimeOfDayMs(ms))}`;
}

function submissionText(submitted: EventOf<'submitted'>): { fault: string | null; text: string | null } {
  const p = submitted.payload as Record<string, unknown>;
  const str = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : null);
  const fault = str('fault');
  const parts: string[] = [];
  for (const k of ['details', 'question', 'about', 'demand', 'text', 'note', 'location', 'description']) {
    const value = str(k);
    if (value) parts.push(value);
  }
  if (Array.isArray(p.rooms)) {
    parts.push((p.rooms as { name: string; areaM2: number }[]).map((r) => `${r.name} ${r.areaM2} m²`).join('、'));
  }
  if (typeof p.preferredDate === 'string') parts.push(`${p.preferredDate} ${String(p.slot ?? '')}`.trim());
  return { fault, text: parts.length ? parts.join('；') : null };
}

/** The dispatch form of a request from its events. `number` is how the request is numbered on screen. */
export function dispatchForm(events: readonly EventRecord[], number: string): DispatchForm {
  const sorted = sortEvents(events);
  const first = sorted[0];
  if (!first) throw new RangeError('a dispatch form needs the events of a request');
  const submitted = sorted.find((e): e is EventOf<'submitted'> => e.type === 'submitted') ?? null;
  const accepted = sorted.find((e) => e.type === 'accepted' && e.author.role !== 'resident') ?? null;
  const received = submitted && submitted.author.role !== 'resident' ? submitted : (accepted ?? submitted);
  const dispatch = sorted.filter((e): e is EventOf<'dispatched'> => e.type === 'dispatched').at(-1) ?? null;
  let visitAt = dispatch?.payload.visitAt ?? null;
  for (const e of sorted) {
    if (!dispatch || e.at < dispatch.at) continue;
    if (e.type === 'late-notice') visitAt = e.payload.newVisitAt;
    if (e.type === 'nobody-home' && e.payload.newVisitAt) visitAt = e.payload.newVisitAt;
  }
  const callback = sorted.filter((e): e is EventOf<'callback'> => e.type === 'callback').at(-1) ?? null;
  const p = (submitted?.payload ?? {}) as { contact?: { name: string; phone: string }; address?: string };
  return {
    number,
    station: (submitted ?? first).station,
    date: received ? chinaDay(Date.parse(received.at)) : null,
    receivedTime: received ? formatClock(chinaTimeOfDayMs(Date.parse(received.at))) : null,
    receivedBy: received && received.author.role !== 'resident' ? received.author.name : null,
    visitAt: visitAt ? chinaDateTime(visitAt) : null,
    address: p.address ?? null,
    phone: p.contact?.phone ?? null,
    contact: p.contact?.name ?? null,
    content: { kind: first.requestKind, ...(submitted ? submissionText(submitted) : { fault: null, text: null }) },
    issuedAt: dispatch ? chinaDateTime(dispatch.at) : null,
    issuedTo: dispatch ? dispatch.payload.technicianName : null,
    supervisor: dispatch?.payload.supervisor ?? null,
    callbackAt: callback ? chinaDateTime(callback.at) : null,
    callbackBy: callback ? callback.author.name : null,
    callbackResult: callback ? callback.payload : null,
  };
}
