import { beforeEach, describe, expect, it } from 'vitest';
import { approvalBlock, changeSummary, committeeYearState, FOUR_EYES_REASON, publishableSet, readPublishFailure, startFrom } from '../../../../src/rules/committee';
import { lastMeasuredReading } from '../../../../src/rules/committee/lastMeasured';
import { commentTarget, publishBlock, setAt, yearShown } from '../../../../src/rules/committeeForm';
import { boundOf, defaultCondition, milestonesFor, toggled, withBound, withRecords, withShape, withTest } from '../../../../src/rules/committee/measureForm';
import { Measure } from '../../../../src/db/schema/commitments';
import { REQUEST_KINDS } from '../../../../src/db/schema/requestKind';
import type { Results } from '../../../../src/db/schema/results';
import * as v from 'valibot';
import { approval, asJson, draft, publishRequest, publishedCommitments, resetCommittee } from '../../../support/builders/committee';

beforeEach(() => resetCommittee());
const c2025 = publishedCommitments(2025);

describe('what changed since last year (the approver reads it first)', () => {
  it('lists the targets changed, indicators added and removed, measures and words changed', () => {
    let set = asJson(startFrom(c2025, 2026));
    expect(changeSummary(c2025, set)).toMatchObject({ targets: [], added: [], removed: [], measures: [], promises: [], general: ['title', 'period'] });
    set = setAt(set, ['indicators', 0, 'target', 'value'], 99.5);
    set = setAt(set, ['indicators', 6, 'measure', 'where', 'atMost', 'value'], 5);
    set = setAt(set, ['indicators', 2, 'promise', 'zh'], '接到报修后 1 小时内上门');
    const list = (set as { indicators: unknown[] }).indicators;
    set = { ...set, indicators: [...list.filter((_, i) => i !== 8), { id: 'emergency-arrival', label: { zh: '抢险到场', en: 'Emergency arrival' }, target: { comparison: '>=', value: 100, unit: 'percent' } }] };
    const s = changeSummary(c2025, set);
    expect(s.targets).toEqual([{ id: 'heating-satisfaction', label: { zh: '供暖服务满意率', en: 'Satisfaction with heating service' }, before: { comparison: '>=', value: 98, unit: 'percent' }, after: { comparison: '>=', value: 99.5, unit: 'percent' } }]);
    expect(s.measures.map((m) => m.id)).toEqual(['complaint-closed-6d']);
    // the raised target is not also a change of words: "98 %" became "{target}" at 98
    expect(s.promises.map((m) => m.id)).toEqual(['repair-on-site-1h']);
    expect(s.added).toEqual([{ id: 'emergency-arrival', label: { zh: '抢险到场', en: 'Emergency arrival' } }]);
    expect(s.removed.map((r) => r.id)).toEqual(['hotline-3-rings']);
    expect(s.none).toBe(false);
    expect(changeSummary(c2025, asJson(c2025)).none).toBe(true);
  });
});

describe('four eyes: the account that saved a revision does not approve it', () => {
  it('an approval by the last editor does not count, and the publisher says why', () => {
    const set = asJson(startFrom(c2025, 2026));
    const r1 = draft(2026, set, { who: 'manager' });
    const own = approval(r1, 'manager');
    const q = publishRequest(own, 'manager');
    const state = committeeYearState([r1, own, q], 2026);
    expect(state.approval).toBeNull();
    expect(state.stage).toBe('draft');
    expect(publishableSet(state, q.id)).toEqual({ ok: false, reason: FOUR_EYES_REASON });
    expect(readPublishFailure(FOUR_EYES_REASON, 2026)).toMatchObject({ cause: 'four-eyes', fixer: 'approver' });
    expect(approvalBlock(r1, { name: r1.author.name })).toBe('own-edit');
    // the utility may turn it off (content/utility.yaml fourEyes: false)
    expect(committeeYearState([r1, own], 2026, { fourEyes: false }).approval?.id).toBe(own.id);
    expect(approvalBlock(r1, { name: r1.author.name }, { fourEyes: false })).toBeNull();
    // another account's approval counts
    const r2 = draft(2026, set, { who: 'committee' });
    expect(committeeYearState([r1, own, r2, approval(r2, 'manager')], 2026).stage).toBe('approved');
  });
});

describe('a failed publication in the committee\'s words', () => {
  it('a content file the committee does not edit: the administrator fixes it; the detail is kept', () => {
    const reason = "the site's build failed: content does not match its schema:\ncontent/results/2024.json:3:3 sample: Invalid type: Expected boolean but received \"yes\"";
    expect(readPublishFailure(reason, 2026)).toEqual({ cause: 'content-file', fixer: 'admin', files: ['content/results/2024.json'], detail: reason });
    expect(readPublishFailure("the site's build failed: content does not match its schema:\ncontent/commitments/2026.yaml:14:9 indicators[2].target.unit: x", 2026)).toMatchObject({ cause: 'commitments-file', fixer: 'committee' });
    expect(readPublishFailure('the draft was changed after this approval: the latest revision must be approved before it is published', 2026)).toMatchObject({ cause: 'changed-since', fixer: 'committee' });
    expect(readPublishFailure('the approval rc-X named by the request has not reached the server', 2026)).toMatchObject({ cause: 'not-arrived', fixer: 'retry' });
    expect(readPublishFailure('the build was stopped: the server is stopping', 2026)).toMatchObject({ cause: 'stopped', fixer: 'retry' });
    expect(readPublishFailure("the site's build failed: Error: out of memory", 2026)).toMatchObject({ cause: 'build', fixer: 'admin', files: [] });
  });
});

describe('how a figure is measured, as choices', () => {
  it('every change of shape, records, test or bound leaves a measure the schema accepts', () => {
    const ok = (m: unknown) => expect(v.safeParse(Measure, m).issues ?? []).toEqual([]);
    for (const shape of ['ratio', 'mean', 'continuous-supply', 'availability'] as const) ok(withShape({}, shape));
    for (const records of ['requests', 'outages', 'calls', 'callbacks', 'households', 'temperature-tests'] as const) ok(withRecords(withShape({}, 'ratio'), records));
    for (const test of ['elapsed', 'reached', 'field-at-most', 'field-one-of', 'rooms-at-least'] as const) ok(withTest(withShape({}, 'ratio'), test));
    // the 48-hour notice of planned outages moves from "at least" to "at most" with its limit
    const notice = c2025.indicators.find((i) => i.id === 'outage-notice-48h')!.measure as { where: unknown };
    expect(boundOf(notice.where)).toBe('atLeast');
    expect(withBound(notice.where, 'atMost')).toEqual({ test: 'elapsed', from: 'announced', to: 'started', atMost: { value: 48, unit: 'hours' } });
    // an outage's condition names an outage's moments
    expect(defaultCondition('elapsed', 'outages')).toMatchObject({ from: 'started', to: 'restored' });
    expect(milestonesFor('outages')).toEqual(['announced', 'started', 'restored']);
    // the mean keeps callbacks, continuous supply keeps the outages it had
    expect(withShape({ shape: 'ratio', of: { records: 'outages', planned: false } }, 'continuous-supply')).toEqual({ shape: 'continuous-supply', of: { records: 'outages', planned: false } });
    expect(toggled(['repair'], 'complaint', true, REQUEST_KINDS)).toEqual(['complaint', 'repair']);
    expect(toggled(['complaint', 'repair'], 'repair', false, REQUEST_KINDS)).toEqual(['complaint']);
  });
});

describe('the year shown, comments, publication and the last measured value', () => {
  it('the year worked on stays after a publication and a reload', () => {
    expect(yearShown(2026, 2027)).toBe(2026);
    expect(yearShown(null, 2027)).toBe(2027);
    expect(yearShown(null, null, [], new Date('2026-05-01T00:00:00Z'))).toBe(2026);
    // a device that has not chosen: the year just published stays in view, not the empty next one
    expect(yearShown(null, 2027, [2026, 2025])).toBe(2026);
    expect(yearShown(null, 2027, [2027, 2026])).toBe(2027);
    expect(yearShown(null, 2027, [2024])).toBe(2027);
  });

  it('a comment names the saved revision it belongs to, and says so when the form has unsaved edits', () => {
    const r1 = draft(2026, asJson(startFrom(c2025, 2026)));
    const r2 = draft(2026, asJson(startFrom(c2025, 2026)), { previous: r1.id });
    expect(commentTarget({ id: r2.id }, [{ id: r1.id }, { id: r2.id }], true)).toEqual({ id: r2.id, n: 2, unsaved: true });
    expect(commentTarget(null, [], false)).toBeNull();
  });

  it('publication is not asked while edits are unsaved', () => {
    expect(publishBlock('approved', true)).toBe('unsaved');
    expect(publishBlock('approved', false)).toBeNull();
    expect(publishBlock('failed', false)).toBeNull();
    expect(publishBlock('draft', false)).toBe('not-approved');
  });

  it('last measured: published results, else the device\'s computation, else why not', () => {
    const results = [
      { year: 2025, sample: false, figures: [{ indicator: 'heating-satisfaction', value: 97.2, met: false }, { indicator: 'hotline-3-rings', value: null }] },
      { year: 2024, sample: true, figures: [{ indicator: 'service-attitude', value: 9.1, met: true }] },
    ] as unknown as Results[];
    const ids = c2025.indicators.map((i) => i.id);
    const provisional = new Map([['repair-callback', { value: 91.5, met: true }], ['reply-24h', { value: null, met: null }]]);
    const read = (id: string | null, year = 2025) => lastMeasuredReading(id, { year, results, measuredIds: ids, provisional });
    expect(read('heating-satisfaction')).toEqual({ kind: 'measured', year: 2025, value: 97.2, met: false, source: 'published' });
    expect(read('hotline-3-rings')).toEqual({ kind: 'nothing-recorded', year: 2025 });
    expect(read('repair-callback')).toEqual({ kind: 'measured', year: 2025, value: 91.5, met: true, source: 'provisional' });
    expect(read('reply-24h')).toEqual({ kind: 'nothing-recorded', year: 2025 });
    expect(read('service-attitude')).toEqual({ kind: 'not-computed', year: 2025 });
    expect(read('emergency-arrival')).toEqual({ kind: 'new-indicator', year: 2025 });
    expect(read(null)).toEqual({ kind: 'new-indicator', year: 2025 });
    // a sample file is never "measured"
    expect(lastMeasuredReading('service-attitude', { year: 2024, results, measuredIds: null, provisional: null })).toEqual({ kind: 'not-computed', year: 2024 });
  });
});
