import type { AppStrings, Lang } from '../i18n';

/** A moment as people in the service area read it: China time, in the page's language. */
export function formatMoment(lang: Lang, at: number | string): string {
  return new Intl.DateTimeFormat(lang, {
    timeZone: 'Asia/Shanghai',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(at));
}

/** The short form of a request id that residents can read out on the phone (last 6 characters). */
export function shortRequestNumber(requestId: string): string {
  return requestId.slice(-6);
}

/** Why a record was refused, in the user's words when the write rule is known; the server's own words otherwise. */
export function refusalReason(t: Pick<AppStrings, 'refusalRules'>, rule: string, reason: string): string {
  return (t.refusalRules as Record<string, string>)[rule] ?? reason;
}

