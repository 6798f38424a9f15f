import type { Bilingual } from '../db/schema/common';

/**
 * Replies to residents (issue 6 item 9): the standard phrases staff start from, and the
 * forbidden phrases of the service norms (服务忌语, 002 ch.1 §17) that a reply is checked for
 * before it is sent. Both are data a utility may change.
 */

/**
 * 002 ch.1 §17, as the seed lists them (its "更好得" read as "更好的"). A phrase is matched with
 * punctuation and spaces ignored, so "你问我，我问谁" and "你问我我问谁" both match.
 */
export const FORBIDDEN_PHRASES: readonly string[] = [
  '这是规定，就不行',
  '我就这态度',
  '不满意到别处问',
  '你问我，我问谁',
  '不是告诉你了，怎么还不明白',
  '说了这么多遍还不明白',
  '你认为不对吗',
  '对不起，我只能解答到这里了',
  '不是刚才和你说过了吗，怎么还问',
  '我没有更好的解释了',
];

/** Standard phrases (002 ch.1 §1–16) as reply templates: the ten words 您好、请、谢谢、对不起、再见 in use. */
export const REPLY_TEMPLATES: readonly { id: string; label: Bilingual; text: string }[] = [
  { id: 'greeting', label: { zh: '问候', en: 'Greeting' }, text: '您好，感谢您的来电。' },
  { id: 'arranged', label: { zh: '已安排上门', en: 'Visit arranged' }, text: '您好，我们已经安排工作人员上门，请您保持电话畅通，谢谢。' },
  { id: 'delayed', label: { zh: '上门延误', en: 'Visit delayed' }, text: '对不起，工作人员在路上有些耽搁，我再帮您催一下，请您再耐心等待。' },
  { id: 'apology', label: { zh: '致歉', en: 'Apology' }, text: '对不起，我们一定改正，感谢您提出的宝贵意见。给您带来的不便，非常抱歉。' },
  { id: 'thanks', label: { zh: '感谢表扬', en: 'Thanks for praise' }, text: '感谢您对我们工作的支持和理解，很高兴为您服务。' },
  { id: 'closing', label: { zh: '结束语', en: 'Closing' }, text: '感谢您的来电，再见。' },
];

/** Letters and digits only (CJK included): punctuation, spaces and symbols dropped, Latin lower-cased. */
export function normalisePhrase(text: string): string {
  return text.normalize('NFKC').replace(/[^\p{L}\p{N}]+/gu, '').toLowerCase();
}

/**
 * The forbidden phrases a reply contains, in the order of the list, each once. Empty when the
 * reply is fine. Matching ignores punctuation, spaces and full- or half-width forms.
 */
export function forbiddenPhrasesIn(text: string, phrases: readonly string[] = FORBIDDEN_PHRASES): string[] {
  const haystack = normalisePhrase(text);
  return phrases.filter((p) => {
    const needle = normalisePhrase(p);
    return needle.length > 0 && haystack.includes(needle);
  });
}
