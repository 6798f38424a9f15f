import { beforeEach, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { Commitments } from '../../../../src/db/schema/commitments';
import { describeCommitteeProblems } from '../../../../src/i18n/issues';
import { OperationsRecord } from '../../../../src/db/schema/records';
import { validateDocumentWrite } from '../../../../src/db/validateRecordWrite';
import { authorOf, couchUser } from '../../../support/builders/events';
import {
  composeApproval,
  composeComment,
  composeDraftFrom,
  composePublishRequest,
  composeRevision,
  approvalProblems,
  committeeYearState,
  publishableSet,
  shiftDay,
  shiftYearsInText,
  startFrom,
} from '../../../../src/rules/committee';
import { approval, asJson, committeeRecord, draft, outcome, publishRequest, publishedCommitments, resetCommittee } from '../../../support/builders/committee';

beforeEach(() => resetCommittee());

describe('start from this year\'s commitments', () => {
  it('copies 2025 into 2026: year, period and title moved on a year, targets and measures kept, not published', () => {
    const c2025 = publishedCommitments(2025);
    const c2026 = startFrom(c2025, 2026);
    expect(c2026.year).toBe(2026);
    expect(c2026.period).toEqual({ from: '2026-11-15', to: '2027-03-20' });
    expect(c2026.title.zh).toBe('2026—2027 供暖季服务承诺');
    expect(c2026.title.en).toBe('Service commitments for the 2026–27 heating season');
    expect(c2026.published).toBeUndefined();
    // targets and measures kept; a promise's number that is its target's becomes {target} (promise.test.ts)
    const without = (list: typeof c2025.indicators) => list.map(({ promise: _p, ...rest }) => rest);
    expect(without(c2026.indicators)).toEqual(without(c2025.indicators));
    expect(c2026.indicators[0]).not.toBe(c2025.indicators[0]);
    expect(v.safeParse(Commitments, c2026).success).toBe(true);
    expect(approvalProblems(asJson(c2026), 2026)).toEqual([]);
  });

  it('moves days and years in text', () => {
    expect(shiftDay('2024-02-29', 1)).toBe('2025-02-28');
    expect(shiftDay('2025-11-15', 1)).toBe('2026-11-15');
    expect(shiftYearsInText('2099–00 and 2025-2026', 1)).toBe('2100–01 and 2026-2027');
  });
});

describe('whether a revision can be approved', () => {
  it('names a target outside its unit, a blank target and a wrong year by field path, in both languages', () => {
    const set = asJson(startFrom(publishedCommitments(2025), 2026)) as { indicators: { target: Record<string, unknown> }[]; year: number };
    set.indicators[0]!.target.value = 980;
    set.indicators[2]!.target.value = null;
    const problems = approvalProblems(set, 2026);
    expect(problems.map((p) => [p.path.join('.'), p.id])).toEqual([
      ['indicators.0.target.value', 'commitments.targetRange'],
      ['indicators.2.target.value', 'value.number'],
    ]);
    const [en] = describeCommitteeProblems(problems, 'en');
    expect(en).toEqual({ path: 'indicators[0].target.value', id: 'commitments.targetRange', message: expect.stringMatching(/^Target is outside the range of its unit/) });
    expect(describeCommitteeProblems(problems, 'zh-CN')[0]?.message).toMatch(/^目标值超出其单位的范围/);

    expect(approvalProblems(asJson(startFrom(publishedCommitments(2025), 2026)), 2027)).toEqual([
      { path: ['year'], id: 'commitments.yearMismatch', expected: '2027' },
    ]);
  });

  it('a score target must be on the 1–10 scale, an unknown unit is named with the allowed ones', () => {
    const set = asJson(publishedCommitments(2025)) as { indicators: { id: string; target: Record<string, unknown> }[] };
    const score = set.indicators.findIndex((i) => i.target.unit === 'score');
    set.indicators[score]!.target.value = 11;
    set.indicators[1]!.target.unit = 'percentage';
    const problems = approvalProblems(set, 2025);
    expect(problems).toContainEqual({ path: ['indicators', score, 'target', 'value'], id: 'commitments.targetRange' });
    expect(problems).toContainEqual({ path: ['indicators', 1, 'target', 'unit'], id: 'value.oneOf', expected: '"percent", "score", "visits-per-year"' });
  });

  it('an empty list of indicators and a reversed period', () => {
    const set = { ...asJson(publishedCommitments(2025)), indicators: [], period: { from: '2025-11-15', to: '2025-01-01' } };
    const ids = approvalProblems(set, 2025).map((p) => `${p.path.join('.')} ${p.id}`);
    expect(ids).toContain('indicators list.tooShort');
  });
});

describe("a year's committee records folded", () => {
  it('the latest revision is current; an approval of an earlier revision does not hold', () => {
    const base = asJson(startFrom(publishedCommitments(2025), 2026));
    const r1 = draft(2026, base, { startedFrom: 2025 });
    const a1 = approval(r1);
    const changed = asJson(base) as { indicators: { target: { value: number } }[] };
    changed.indicators[0]!.target.value = 99;
    const r2 = draft(2026, changed, { startedFrom: 2025, previous: r1.id });
    const c = committeeRecord('commitments-comment', { year: 2026, revision: r2.id, indicator: 'heating-satisfaction', text: '99 % 可行吗？' });
    // replication may bring them in any order
    const s = committeeYearState([c, r2, a1, r1], 2026);
    expect(s.current?.id).toBe(r2.id);
    expect(s.revisions.map((r) => r.id)).toEqual([r1.id, r2.id]);
    expect(s.approval).toBeNull();
    expect(s.stage).toBe('draft');
    expect(s.comments).toEqual([expect.objectContaining({ revision: r2.id, indicator: 'heating-satisfaction', text: '99 % 可行吗？' })]);
    expect(publishableSet(committeeYearState([r1, a1, r2, publishRequest(a1)], 2026), s.requests[0]?.id ?? 'none').ok).toBe(false);
  });

  it('approved, then publishing, then published; a failed outcome says why and the approval may be published again', () => {
    const r1 = draft(2026, asJson(startFrom(publishedCommitments(2025), 2026)));
    const a1 = approval(r1);
    const q1 = publishRequest(a1);
    expect(committeeYearState([r1, a1], 2026).stage).toBe('approved');
    const pending = committeeYearState([r1, a1, q1], 2026);
    expect(pending.stage).toBe('publishing');
    expect(pending.pending.map((p) => p.id)).toEqual([q1.id]);
    const ok = publishableSet(pending, q1.id);
    expect(ok.ok && ok.commitments).toEqual(r1.payload.commitments);

    const failed = outcome(q1, { ok: false, reason: 'content/commitments/2026.yaml:3:1 year: …' });
    const s1 = committeeYearState([r1, a1, q1, failed], 2026);
    expect(s1.stage).toBe('failed');
    expect(s1.latestOutcome).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('2026.yaml') });
    expect(s1.pending).toEqual([]);
    expect(s1.published).toBeNull();

    const q2 = publishRequest(a1);
    const done = outcome(q2, { ok: true, results: 2025 });
    const s2 = committeeYearState([r1, a1, q1, failed, q2, done], 2026);
    expect(s2.stage).toBe('published');
    expect(s2.published?.outcome.id).toBe(done.id);
    expect(s2.published?.approval?.author.role).toBe('manager');
  });

  it('an approval whose copy differs from its revision does not hold; other years are left out', () => {
    const r1 = draft(2026, asJson(startFrom(publishedCommitments(2025), 2026)));
    const forged = committeeRecord('commitments-approval', { year: 2026, revision: r1.id, commitments: { ...r1.payload.commitments, title: { zh: '别的', en: 'Other' } } }, 'manager');
    const other = draft(2027, asJson(startFrom(publishedCommitments(2025), 2027)));
    const s = committeeYearState([r1, forged, other], 2026);
    expect(s.approval).toBeNull();
    expect(s.revisions).toHaveLength(1);
    expect(committeeYearState([], 2026).stage).toBe('empty');
  });
});

describe('composing the committee records on a device', () => {
  it('start from 2025, revise, comment, approve and ask: each is a valid record and the fold follows', () => {
    let n = 0;
    const w = (who: 'committee' | 'manager') => ({ id: `rc-01JF${String(++n).padStart(22, '0')}`, at: new Date(Date.UTC(2026, 8, 1, 2, n)), author: authorOf(who) });
    const written: OperationsRecord[] = [];
    const write = (doc: Record<string, unknown>, who: 'committee' | 'manager') => {
      const verdict = validateDocumentWrite({ database: { kind: 'operations' }, doc, user: couchUser(who), existing: false });
      expect(verdict, JSON.stringify(verdict)).toMatchObject({ ok: true });
      written.push(v.parse(OperationsRecord, doc));
    };
    write(composeDraftFrom(w('committee'), publishedCommitments(2025), 2026), 'committee');
    let s = committeeYearState(written, 2026);
    const edited = JSON.parse(JSON.stringify(s.current!.commitments));
    edited.indicators[0].target.value = 99;
    write(composeRevision(w('committee'), s.current!, edited), 'committee');
    s = committeeYearState(written, 2026);
    write(composeComment(w('manager'), s.current!, '可以', 'heating-satisfaction'), 'manager');
    write(composeApproval(w('manager'), s.current!), 'manager');
    s = committeeYearState(written, 2026);
    expect(s.stage).toBe('approved');
    write(composePublishRequest(w('committee'), s.approval!, 2026), 'committee');
    s = committeeYearState(written, 2026);
    expect(s.stage).toBe('publishing');
    expect(s.current).toMatchObject({ startedFrom: 2025, previous: s.revisions[0]!.id });
    expect((s.current!.commitments as { indicators: { target: { value: number } }[] }).indicators[0]!.target.value).toBe(99);
  });
});
