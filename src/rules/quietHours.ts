import { CALLBACK_HOURS } from './callbackHours';
import { chinaTimeOfDayMs, DAY_MS, parseClock, toEpochMs, type Instant } from './chinaTime';

/**
 * No SMS or e-mail reaches a resident at night (domain.md "Notifications": messages respect the
 * allowed hours of callbacks, 002 ch.4 §7: not before 07:00 nor after 22:00, China time), except
 * an outage in progress or an emergency. Meal times, which keep staff from phoning, do not hold
 * a written message back: it waits in the phone until read. Pure; the clock is passed in.
 */
export interface QuietHours {
  /** Quiet from this time of day (`HH:MM`, China time)… */
  readonly from: string;
  /** …until this one, the next morning when it is earlier. */
  readonly to: string;
}

/** The callback hours' night: 22:00 to 07:00. A utility changes it with HEARTHLINE_QUIET_HOURS (e.g. `21:30-07:30`). */
export const QUIET_HOURS: QuietHours = { from: CALLBACK_HOURS.latest, to: CALLBACK_HOURS.earliest };

/** Reads `HH:MM-HH:MM` (the setting's form); throws a RangeError naming what is wrong. */
export function parseQuietHours(text: string): QuietHours {
  const m = /^\s*(\d{2}:\d{2})\s*-\s*(\d{2}:\d{2})\s*$/.exec(text);
  if (!m) throw new RangeError(`quiet hours must be written HH:MM-HH:MM, e.g. 22:00-07:00; got "${text}"`);
  parseClock(m[1]!);
  parseClock(m[2]!);
  if (m[1] === m[2]) throw new RangeError(`quiet hours must start and end at different times; got "${text}"`);
  return { from: m[1]!, to: m[2]! };
}

/** Whether `instant` falls in the quiet hours (from included, to excluded). */
export function inQuietHours(instant: Instant, quiet: QuietHours = QUIET_HOURS): boolean {
  const t = chinaTimeOfDayMs(instant);
  const from = parseClock(quiet.from);
  const to = parseClock(quiet.to);
  return from < to ? t >= from && t < to : t >= from || t < to;
}

/**
 * The earliest instant at or after `instant` when a message may go out: `instant` itself outside
 * the quiet hours or when `urgent` (an outage in progress, an emergency), else the end of the
 * quiet hours (07:00 the next morning for a message at 23:00).
 */
export function sendableAt(instant: Instant, urgent: boolean, quiet: QuietHours = QUIET_HOURS): Date {
  const ms = toEpochMs(instant);
  if (urgent || !inQuietHours(ms, quiet)) return new Date(ms);
  const t = chinaTimeOfDayMs(ms);
  const to = parseClock(quiet.to);
  const wait = (to - t + DAY_MS) % DAY_MS;
  return new Date(ms + wait);
}
