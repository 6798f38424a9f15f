import type { Commitments } from '../../db/schema/commitments';
import { targetPlaceholders } from './promise';

/**
 * "Start next year's commitments from this year's": a copy of a published set with its year,
 * its period and the years named in its title moved on by `to - from` years and its
 * `published` stamp removed (it is not published yet). Targets, promises and measures are
 * kept as they are (a promise's number that is its target's becomes `{target}`, promise.ts):
 * the committee changes what it decides to change.
 */

/** `2025-11-15` moved by `years` (29 February becomes 28 February in a common year). */
export function shiftDay(day: string, years: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const year = y + years;
  const last = new Date(Date.UTC(year, m, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

/**
 * The years in a title moved on: "2025—2026 供暖季" → "2026—2027 供暖季", "2025–26" → "2026–27".
 * Only four-digit years from 2000 to 2099 (and a two-digit end year after a dash) are touched.
 */
export function shiftYearsInText(text: string, years: number): string {
  return text.replace(/\b(20\d\d)(?:([—–-])(\d{4}|\d{2})\b)?/g, (_all, start: string, dash: string | undefined, end: string | undefined) => {
    const s = String(Number(start) + years);
    if (dash === undefined || end === undefined) return s;
    const e = end.length === 4 ? String(Number(end) + years) : String((Number(end) + years) % 100).padStart(2, '0');
    return `${s}${dash}${e}`;
  });
}

export function startFrom(source: Commitments, to: number): Commitments {
  const years = to - source.year;
  const { published: _published, ...rest } = source;
  return {
    ...rest,
    year: to,
    title: { zh: shiftYearsInText(source.title.zh, years), ...(source.title.en ? { en: shiftYearsInText(source.title.en, years) } : {}) },
    period: { from: shiftDay(source.period.from, years), to: shiftDay(source.period.to, years) },
    indicators: source.indicators.map((i) => {
      const copy = structuredClone(i);
      // The published number becomes `{target}`: a raised target raises the promise (issue 23).
      if (copy.promise) copy.promise = { zh: targetPlaceholders(copy.promise.zh, copy.target, 'zh'), ...(copy.promise.en ? { en: targetPlaceholders(copy.promise.en, copy.target, 'en') } : {}) };
      return copy;
    }),
  };
}
