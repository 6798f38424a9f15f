import type { Bilingual } from '../db/schema/common';
import { chinaTimeOfDayMs, DAY_MS, formatClock, parseClock, toEpochMs, type Instant } from './chinaTime';

/** A stretch of the day, China time, `HH:MM` to `HH:MM`: `from` included, `to` excluded. */
export interface ClockSpan {
  readonly from: string;
  readonly to: string;
}

export interface QuietSpan extends ClockSpan {
  readonly label: Bilingual;
}

export interface CallbackHours {
  /** First minute at which a resident may be called. */
  readonly earliest: string;
  /** End of the calling day: calls must start before it (exclusive). */
  readonly latest: string;
  /** Meal and rest times inside the day when residents are not called. */
  readonly quiet: readonly QuietSpan[];
}

/**
 * When staff may phone residents back (002 ch.4 §7: "一般早7点以前、晚10点以后和用餐、午休时间
 * 不宜打电话"). The seed names no meal times; these are the customary ones and a utility may
 * change them. Every span is half-open, [from, to): 07:00 is allowed, and 22:00 is not —
 * "after 10 pm" starts at 22:00 sharp, and a call begun then would run past it.
 */
export const CALLBACK_HOURS: CallbackHours = {
  earliest: '07:00',
  latest: '22:00',
  quiet: [
    { from: '11:30', to: '14:00', label: { zh: '午餐与午休', en: 'Lunch and midday rest' } },
    { from: '17:30', to: '19:00', label: { zh: '晚餐', en: 'Dinner' } },
  ],
};

interface MsSpan {
  from: number;
  to: number;
}

/** The allowed spans in milliseconds of the day: [earliest, latest) minus every quiet span. */
function allowedSpans(hours: CallbackHours): MsSpan[] {
  const earliest = parseClock(hours.earliest);
  const latest = parseClock(hours.latest);
  if (earliest >= latest) throw new RangeError(`callback hours: earliest ${hours.earliest} must be before latest ${hours.latest}`);
  let spans: MsSpan[] = [{ from: earliest, to: latest }];
  for (const q of hours.quiet) {
    const from = parseClock(q.from);
    const to = parseClock(q.to);
    if (from >= to) throw new RangeError(`callback hours: quiet time ${q.from}–${q.to} must end after it starts`);
    spans = spans.flatMap((s) => {
      if (to <= s.from || from >= s.to) return [s];
      const parts: MsSpan[] = [];
      if (from > s.from) parts.push({ from: s.from, to: from });
      if (to < s.to) parts.push({ from: to, to: s.to });
      return parts;
    });
  }
  return spans.sort((a, b) => a.from - b.from);
}

/** The windows in which calling is allowed, China time, for display ("07:00–11:30" …). */
export function callbackWindows(hours: CallbackHours = CALLBACK_HOURS): ClockSpan[] {
  return allowedSpans(hours).map((s) => ({ from: formatClock(s.from), to: formatClock(s.to) }));
}

/** Whether a resident may be phoned at `instant` (China time, windows half-open). */
export function mayCallAt(instant: Instant, hours: CallbackHours = CALLBACK_HOURS): boolean {
  const t = chinaTimeOfDayMs(instant);
  return allowedSpans(hours).some((s) => s.from <= t && t < s.to);
}

/**
 * The first instant at or after `instant` at which calling is allowed: `instant` itself when
 * allowed, else the start of the next window (the next morning's `earliest` after the last).
 */
export function nextCallbackSlot(instant: Instant, hours: CallbackHours = CALLBACK_HOURS): Date {
  const ms = toEpochMs(instant);
  const t = chinaTimeOfDayMs(ms);
  const spans = allowedSpans(hours);
  const first = spans[0];
  if (!first) throw new RangeError('callback hours leave no time of day at which to call');
  if (spans.some((s) => s.from <= t && t < s.to)) return new Date(ms);
  const later = spans.find((s) => s.from > t);
  if (later) return new Date(ms + (later.from - t));
  return new Date(ms + (DAY_MS - t) + first.from);
}
