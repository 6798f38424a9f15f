import { CHINA_UTC_OFFSET_MS, HOUR_MS, MINUTE_MS, addCalendarDays, chinaStartOfDay, parseDayIso, type DayIso } from '../chinaTime';

/**
 * The period a figure is measured over, in China time: from the start of `from` to the end
 * of `to` (both days included), cut at `asOf` while the period is still running (a
 * provisional figure measures only the time that has passed).
 */
export interface PeriodBounds {
  readonly from: DayIso;
  readonly to: DayIso;
  readonly startMs: number;
  /** The end of the period or `asOf`, whichever is earlier. */
  readonly endMs: number;
}

export function periodBounds(period: { from: DayIso; to: DayIso }, asOfMs: number): PeriodBounds {
  const startMs = chinaStartOfDay(period.from).getTime();
  const fullEnd = chinaStartOfDay(addCalendarDays(period.to, 1)).getTime();
  if (fullEnd <= startMs) throw new RangeError(`the period ${period.from} to ${period.to} is empty`);
  return { from: period.from, to: period.to, startMs, endMs: Math.max(startMs, Math.min(fullEnd, asOfMs)) };
}

export function inPeriod(ms: number, p: PeriodBounds): boolean {
  return ms >= p.startMs && ms < p.endMs;
}

/** The China month (`YYYY-MM`) in which an instant falls. */
export function chinaMonth(ms: number): string {
  return new Date(ms + CHINA_UTC_OFFSET_MS).toISOString().slice(0, 7);
}

export interface MonthSegment {
  /** `YYYY-MM`, China time. */
  readonly month: string;
  readonly startMs: number;
  readonly endMs: number;
  /** Days of the month inside the period (B of the continuous-supply formula, when whole). */
  readonly days: number;
  /** First and last China day of the month inside the period. */
  readonly firstDay: DayIso;
  readonly lastDay: DayIso;
}

/**
 * The period cut at month ends: each month's share of it. An outage across a month's end
 * is split at the boundary and counts in both months.
 */
export function monthSegments(p: PeriodBounds): MonthSegment[] {
  const out: MonthSegment[] = [];
  let { year, month } = parseDayIso(p.from);
  for (;;) {
    const monthStartDay = `${year}-${String(month).padStart(2, '0')}-01`;
    const nextYear = month === 12 ? year + 1 : year;
    const nextMonth = month === 12 ? 1 : month + 1;
    const nextStartDay = `${nextYear}-${String(nextMonth).padStart(2, '0')}-01`;
    const startMs = Math.max(p.startMs, chinaStartOfDay(monthStartDay).getTime());
    const endMs = Math.min(p.endMs, chinaStartOfDay(nextStartDay).getTime());
    if (startMs >= p.endMs) break;
    if (endMs > startMs) {
      const firstDay = new Date(startMs + CHINA_UTC_OFFSET_MS).toISOString().slice(0, 10);
      const lastDay = new Date(endMs - 1 + CHINA_UTC_OFFSET_MS).toISOString().slice(0, 10);
      out.push({ month: monthStartDay.slice(0, 7), startMs, endMs, days: (endMs - startMs) / (24 * HOUR_MS), firstDay, lastDay });
    }
    year = nextYear;
    month = nextMonth;
  }
  return out;
}

/** Length of the overlap of [a0, a1) and [b0, b1) in ms (0 when apart). */
export function overlapMs(a0: number, a1: number, b0: number, b1: number): number {
  return Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));
}

export const toHours = (ms: number): number => ms / HOUR_MS;
export const toMinutes = (ms: number): number => ms / MINUTE_MS;
