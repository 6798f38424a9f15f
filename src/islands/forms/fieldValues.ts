import type { Lang } from '../../i18n';

/**
 * Values as form fields hold them and as people read them: China wall-clock times typed in a
 * datetime-local field, and calendar days with their weekday. Kept out of format.ts, which is
 * in the page's first script (the 20 kB budget); the forms load after it.
 */

const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;

/** A `YYYY-MM-DDTHH:MM` typed in a datetime-local field, read as China time; null when it is not one. */
export function chinaLocalToInstant(local: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5])) - CHINA_OFFSET_MS;
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** The datetime-local form (China time) of an instant. */
export function instantToChinaLocal(instant: string): string {
  const ms = Date.parse(instant);
  return Number.isFinite(ms) ? new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 16) : '';
}

/** A calendar day (`YYYY-MM-DD`) with its weekday, in the page's language: "12月2日 周二". */
export function formatDayWithWeekday(lang: Lang, day: string): string {
  return new Intl.DateTimeFormat(lang, { timeZone: 'UTC', month: 'short', day: 'numeric', weekday: 'short' }).format(new Date(`${day}T00:00:00Z`));
}

