import type { Lang } from '../../i18n';
import type { CommitteeStrings } from './types';

/**
 * Small helpers of the committee's islands (words and ids only; the rules are in src/rules).
 */

/** The element id of a form field (`indicators[2].target.value` → `cf-indicators-2-target-value`). */
export function fieldId(key: string): string {
  return `cf-${key.replace(/[^a-zA-Z0-9]+/g, '-').replace(/-$/, '')}`.replace(/-$/, '') || 'cf';
}

const SHOWN =
  /^(?:|title\.(?:zh|en)|period\.(?:from|to)|indicators|indicators\[\d+\](?:\.(?:id|category|label\.(?:zh|en)|promise\.(?:zh|en)|target\.(?:comparison|value|unit)|measure))?)$/;

/** Whether the draft's form has an input (or a place for errors) for this field key. */
export function editorShows(key: string): boolean {
  return SHOWN.test(key);
}

/** A figure in its unit: `97.5 %`, `8.9 分`. */
export function formatFigure(lang: Lang, value: number, unit: string, c: Pick<CommitteeStrings, 'units'>): string {
  const digits = Number.isInteger(value) ? 0 : 1;
  const n = new Intl.NumberFormat(lang, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(value);
  return unit === 'percent' ? `${n} %` : `${n} ${(c.units as Record<string, string>)[unit] ?? unit}`;
}

/** A moment with its date, China time: "2026年11月23日 17:05". */
export function formatWhen(lang: Lang, at: number | string): string {
  return new Intl.DateTimeFormat(lang, {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(at));
}
