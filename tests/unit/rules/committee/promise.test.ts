import { describe, expect, it } from 'vitest';
import { dictionary } from '../../../../src/i18n';
import { approvalProblems } from '../../../../src/rules/committee/approvable';
import { contradictingNumbers, fillTarget, promiseProblems, targetPlaceholders, tieWordsToTarget } from '../../../../src/rules/committee/promise';
import { generatedPromise, promiseText } from '../../../../src/rules/committee/promiseSentence';
import { startFrom } from '../../../../src/rules/committee/startFrom';
import { asJson, publishedCommitments } from '../../../support/builders/committee';

const zh = dictionary('zh-CN');
const en = dictionary('en');
const c2025 = publishedCommitments(2025);
const byId = (set: { indicators: { id: string }[] }, id: string) => set.indicators.find((i) => i.id === id)! as (typeof c2025)['indicators'][number];

describe('the number in a promise (issue 23: "不低于 98 %" beside "目标 ≥ 99.5 %")', () => {
  it('finds the numbers of the target\'s unit, not a score\'s scale, nor hours', () => {
    expect(contradictingNumbers('回访中表示“很满意”或“满意”的用户不低于 98 %', { value: 99.5, unit: 'percent' }, 'zh')).toEqual([98]);
    expect(contradictingNumbers('回访中表示“很满意”或“满意”的用户不低于 98 %', { value: 98, unit: 'percent' }, 'zh')).toEqual([]);
    expect(contradictingNumbers('真诚、热情，回访评分平均不低于 9 分（满分 10 分）', { value: 9, unit: 'score' }, 'zh')).toEqual([]);
    expect(contradictingNumbers('真诚、热情，回访评分平均不低于 8.5 分（满分 10 分）', { value: 9, unit: 'score' }, 'zh')).toEqual([8.5]);
    expect(contradictingNumbers('Sincere and warm, with an average callback score of at least 9 out of 10', { value: 8, unit: 'score' }, 'en')).toEqual([9]);
    expect(contradictingNumbers('接到报修后 1 小时内上门，力争一次解决问题', { value: 95, unit: 'percent' }, 'zh')).toEqual([]);
    expect(contradictingNumbers('We phone back after at least 90 % of completed repairs', { value: 93, unit: 'percent' }, 'en')).toEqual([90]);
  });

  it('"start from this year\'s" turns the published target\'s number into {target}, so the words follow the target', () => {
    const next = startFrom(c2025, 2026);
    expect(byId(next, 'heating-satisfaction').promise).toEqual({
      zh: '回访中表示“很满意”或“满意”的用户不低于 {target}',
      en: 'At least {target} of residents called back say they are very satisfied or satisfied',
    });
    expect(byId(next, 'service-attitude').promise!.zh).toBe('真诚、热情，回访评分平均不低于 {target} 分（满分 10 分）');
    expect(byId(next, 'service-attitude').promise!.en).toBe('Sincere and warm, with an average callback score of at least {target} out of 10');
    // words without the target's number stay as written
    expect(byId(next, 'repair-on-site-1h').promise).toEqual(byId(c2025, 'repair-on-site-1h').promise);
    // raised to 99.5: the page reads 99.5 %
    const raised = { ...byId(next, 'heating-satisfaction'), target: { comparison: '>=' as const, value: 99.5, unit: 'percent' as const } };
    expect(promiseText(raised, zh, 'zh')).toBe('回访中表示“很满意”或“满意”的用户不低于 99.5 %');
    expect(promiseText(raised, en, 'en')).toBe('At least 99.5 % of residents called back say they are very satisfied or satisfied');
    expect(fillTarget('平均不低于 {target} 分', { value: 9.2, unit: 'score' })).toBe('平均不低于 9.2 分');
    // a differing number is not silently replaced
    expect(targetPlaceholders('不低于 98 %，且不低于 97 %', { value: 98, unit: 'percent' }, 'zh')).toBe('不低于 98 %，且不低于 97 %');
    expect(tieWordsToTarget('回访率不低于 90 %', 'percent', 'zh')).toBe('回访率不低于 {target}');
  });

  it('hand-written words with another number stop approval at the words, in both languages', () => {
    const set = asJson(c2025) as { indicators: { id: string; target: { value: number } }[] } & Record<string, unknown>;
    (set.indicators[0]!.target as { value: number }).value = 99.5; // heating-satisfaction, words say 98 %
    expect(promiseProblems(set)).toEqual([
      { path: ['indicators', 0, 'promise', 'zh'], id: 'commitments.promiseNumber', requirement: '98', expected: '99.5' },
      { path: ['indicators', 0, 'promise', 'en'], id: 'commitments.promiseNumber', requirement: '98', expected: '99.5' },
    ]);
    expect(approvalProblems(set, 2025).map((p) => p.id)).toEqual(['commitments.promiseNumber', 'commitments.promiseNumber']);
    // the published 2025 set itself is consistent
    expect(approvalProblems(asJson(c2025), 2025)).toEqual([]);
    expect(approvalProblems(asJson(startFrom(c2025, 2026)), 2026)).toEqual([]);
  });
});

describe('the promise written from the target (no words of the committee)', () => {
  it('has one sentence per shape, in both languages, with the number filled in', () => {
    const of = (id: string) => ({ ...byId(c2025, id), promise: undefined });
    expect(generatedPromise(of('heating-satisfaction'), zh, 'zh')).toBe('电话回访中，回访评价为非常满意或满意的不低于 98 %');
    expect(generatedPromise(of('heating-satisfaction'), en, 'en')).toBe('At least 98 % of callbacks: the resident said very satisfied or satisfied');
    expect(generatedPromise(of('complaint-closed-6d'), zh, 'zh')).toBe('投诉请求中，从受理到结案不超过 6 天的不低于 100 %');
    expect(generatedPromise(of('service-attitude'), zh, 'zh')).toBe('电话回访中“服务态度”评分平均不低于 9 分（满分 10 分）');
    expect(generatedPromise(of('service-attitude'), en, 'en')).toBe('An average “service attitude” score at least 9 out of 10 in callbacks');
    expect(generatedPromise({ target: { comparison: '>=', value: 99.5, unit: 'percent' }, measure: { shape: 'continuous-supply', of: { records: 'outages' } } }, zh, 'zh')).toBe('连续供热率不低于 99.5 %');
    expect(generatedPromise({ target: { comparison: '>=', value: 99.9, unit: 'percent' }, measure: { shape: 'availability', line: 'hotline' } }, en, 'en')).toBe('The hotline in service at least 99.9 % of the time');
    // raising the target raises the sentence
    const raised = { ...of('heating-satisfaction'), target: { comparison: '>=' as const, value: 99.5, unit: 'percent' as const } };
    expect(promiseText(raised, zh, 'zh')).toContain('不低于 99.5 %');
  });
});

describe('a utility that publishes in Chinese only (content/utility.yaml languages)', () => {
  /** The 2025 set with every English word taken out (title, names, own promises). */
  function chineseOnly() {
    const set = asJson(c2025) as { title: Record<string, string>; indicators: { label: Record<string, string>; promise?: Record<string, string> }[] } & Record<string, unknown>;
    delete set.title.en;
    for (const ind of set.indicators) {
      ind.label.en = ''; // a form's blank field
      if (ind.promise) delete ind.promise.en;
    }
    return set;
  }

  it('approves a set without English when English is not published, and names each English field when it is', () => {
    const set = chineseOnly();
    expect(approvalProblems(set, 2025, { languages: ['zh'] })).toEqual([]);
    const problems = approvalProblems(set, 2025, { languages: ['zh', 'en'] });
    expect(problems[0]).toEqual({ path: ['title', 'en'], id: 'text.blank' });
    expect(problems).toContainEqual({ path: ['indicators', 0, 'label', 'en'], id: 'text.blank' });
    expect(problems).toContainEqual({ path: ['indicators', 0, 'promise', 'en'], id: 'text.blank' });
    // the default is both languages (today's utility.yaml)
    expect(approvalProblems(set, 2025)).toEqual(problems);
  });

  it('the English page then reads the sentence written from the target, never a blank promise', () => {
    const ind = { ...byId(c2025, 'heating-satisfaction'), promise: { zh: byId(c2025, 'heating-satisfaction').promise!.zh } };
    expect(promiseText(ind, en, 'en')).toBe('At least 98 % of callbacks: the resident said very satisfied or satisfied');
    expect(promiseText(ind, zh, 'zh')).toBe(byId(c2025, 'heating-satisfaction').promise!.zh.replace('{target}', '98 %'));
  });
});
