import type { Lang } from '../../i18n';

/**
 * Values as people read them in forms: calendar days with their weekday. Kept out of format.ts,
 * which is in the page's first script (the 20 kB budget); the forms load after it. Typed China
 * times: chinaLocalToInstant and instantToChinaLocal of src/rules/chinaTime.ts, the one pair.
 */

/** A calendar day (`YYYY-MM-DD`) with its weekday, in the page's language: "12月2日 周二". */
export function formatDayWithWeekday(lang: Lang, day: string): string {
  return new Intl.DateTimeFormat(lang, { timeZone: 'UTC', month: 'short', day: 'numeric', weekday: 'short' }).format(new Date(`${day}T00:00:00Z`));
}

