import type { Bilingual, PublicText } from '../db/schema/common';
import { zhCN } from './zh-CN';
import { en } from './en';
import { DEFAULT_LANG, LANGS, type Lang } from './lang';

export { DEFAULT_LANG, LANGS, type Lang } from './lang';

export type Dictionary = typeof zhCN;
const dictionaries: Record<Lang, Dictionary> = { 'zh-CN': zhCN, en };

export function dictionary(lang: Lang): Dictionary {
  return dictionaries[lang];
}

/** The URL prefix of a language: '' for Chinese, '/en' for English. */
export function langPrefix(lang: Lang): string {
  return lang === DEFAULT_LANG ? '' : `/${lang}`;
}

/** `path` is language-neutral and starts with '/', e.g. '/policies/heating-season/'. */
export function localeHref(lang: Lang, path: string): string {
  return `${langPrefix(lang)}${path}`;
}

export function otherLang(lang: Lang): Lang {
  return lang === 'zh-CN' ? 'en' : 'zh-CN';
}

/** The `[...lang]` route parameter of each language, for getStaticPaths. */
export function langParams(): { params: { lang: string | undefined }; props: { lang: Lang } }[] {
  return LANGS.map((lang) => ({ params: { lang: lang === DEFAULT_LANG ? undefined : lang }, props: { lang } }));
}

/**
 * Picks the text of a bilingual content field; the Chinese where the English was left out (a
 * utility that publishes its commitments in Chinese only: content/utility.yaml `languages`).
 */
export function pick(lang: Lang, text: Bilingual | PublicText): string {
  return lang === 'zh-CN' ? text.zh : text.en || text.zh;
}

/** Fills `{name}` placeholders of a dictionary string. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => String(values[key] ?? `{${key}}`));
}

/**
 * The strings the signed-in islands use, for one language. Pages pass them to the islands as
 * props, so the islands' JavaScript carries neither dictionary (props are serialised into the
 * page once).
 */
export function appStrings(lang: Lang) {
  const t = dictionary(lang);
  return {
    session: t.session,
    signup: t.signup,
    phoneCode: t.phoneCode,
    forgot: t.forgot,
    sync: t.sync,
    requests: t.requests,
    requestKinds: t.requestKinds,
    requestKindLabels: t.requestKindLabels,
    requestStatus: t.requestStatus,
    timeline: t.timeline,
    completion: t.completion,
    rating: t.rating,
    temperature: t.temperature,
    refusalRules: t.refusalRules,
    staff: t.staff,
    staffConsole: t.staffConsole,
    outages: t.outages,
    portal: t.portal,
    forms: t.forms,
    account: t.account,
    emergency: t.emergency,
    customerAccess: t.customerAccess,
    duration: t.duration,
    photos: t.photos,
    dispatch: t.dispatch,
  };
}
export type AppStrings = ReturnType<typeof appStrings>;

/** The sections only the staff console and the committee area read (the queue, dispatch, the customer desk, outage notices). */
const STAFF_ONLY = ['staffConsole', 'dispatch', 'customerAccess', 'outages'] as const;
/**
 * The strings of the residents' portal: what `appStrings` holds but the staff-only sections,
 * which were nearly half of what every /portal/ page serialised into its island's props
 * (zh-CN 24 KB of 24; en 41 KB) and revived on each load.
 */
export type ResidentStrings = Omit<AppStrings, (typeof STAFF_ONLY)[number]>;
export function residentStrings(lang: Lang): ResidentStrings {
  const all: Partial<AppStrings> = { ...appStrings(lang) };
  for (const section of STAFF_ONLY) delete all[section];
  return all as ResidentStrings;
}
