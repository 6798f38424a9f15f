import type { AppStrings, Lang } from '../i18n';

/**
 * One formatter per language and style, made once. Why: making an Intl formatter costs about as
 * much as a thousand formats with it, and a list renders several dates per request: a resident
 * with 500 requests recorded at once spent 15.7 of 40 s of the page's CPU making formatters
 * (a CPU profile of the localFirst e2e's 500-event burst).
 */
function cached<F>(make: (lang: Lang) => F): (lang: Lang) => F {
  const made = new Map<Lang, F>();
  return (lang) => {
    let f = made.get(lang);
    if (!f) made.set(lang, (f = make(lang)));
    return f;
  };
}

const momentFormat = cached((lang) => new Intl.DateTimeFormat(lang, { timeZone: 'Asia/Shanghai', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }));
const dayFormat = cached((lang) => new Intl.DateTimeFormat(lang, { timeZone: 'Asia/Shanghai', month: 'short', day: 'numeric' }));
const numberFormats = new Map<string, Intl.NumberFormat>();

/** A moment as people in the service area read it: China time, in the page's language. */
export function formatMoment(lang: Lang, at: number | string): string {
  return momentFormat(lang).format(new Date(at));
}

/**
 * A deadline as people read it: one that ends at China midnight is "the day's 24:00" (a limit
 * in days ends at 24:00 of its last day, domain.md "Counting days"), not the next day's 00:00,
 * which reads as a day later than promised.
 */
export function formatDeadline(lang: Lang, at: number | string): string {
  const ms = new Date(at).getTime();
  if (Number.isFinite(ms) && (ms + 8 * 3_600_000) % 86_400_000 === 0) {
    return `${formatDay(lang, ms - 1)} 24:00`;
  }
  return formatMoment(lang, at);
}

/** A calendar day as people in the service area read it (China time): "12月3日" / "Dec 3". */
export function formatDay(lang: Lang, at: number | string): string {
  return dayFormat(lang).format(new Date(at));
}

/** A number for display in the page's language, to `digits` decimals: "18.3". */
export function formatNumber(lang: Lang, value: number, digits = 1): string {
  const key = `${lang}:${digits}`;
  let f = numberFormats.get(key);
  if (!f) numberFormats.set(key, (f = new Intl.NumberFormat(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits })));
  return f.format(value);
}

/** The short form of a request id that residents can read out on the phone (last 6 characters). */
export function shortRequestNumber(requestId: string): string {
  return requestId.slice(-6);
}

/** Why a record was refused, in the user's words when the write rule is known; the server's own words otherwise. */
export function refusalReason(t: Pick<AppStrings, 'refusalRules'>, rule: string, reason: string): string {
  return (t.refusalRules as Record<string, string>)[rule] ?? reason;
}

