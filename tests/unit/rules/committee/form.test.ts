import { describe, expect, it } from 'vitest';
import { approvalProblems } from '../../../../src/rules/committee';
import {
  addIndicator,
  fieldKey,
  fieldText,
  firstRevision,
  getAt,
  hasUnsavedChanges,
  indicatorsOf,
  measureFromText,
  measureText,
  nextDraftYear,
  numberOrText,
  problemsByField,
  removeIndicator,
  setAt,
  startingSet,
  targetChanges,
} from '../../../../src/rules/committeeForm';
import { publishedCommitments } from '../../../support/builders/committee';

const c2024 = publishedCommitments(2024);
const c2025 = publishedCommitments(2025);

describe('the draft form edits the set as plain JSON, never in place', () => {
  it('setAt copies along the path and leaves the original alone', () => {
    const set = { indicators: [{ target: { value: 98 } }, { target: { value: 90 } }] };
    const next = setAt(set, ['indicators', 1, 'target', 'value'], 93);
    expect(getAt(next, ['indicators', 1, 'target', 'value'])).toBe(93);
    expect(set.indicators[1]!.target.value).toBe(90);
    expect(next.indicators[0]).toBe(set.indicators[0]);
    expect(setAt({}, ['a', 0, 'b'], 1)).toEqual({ a: [{ b: 1 }] });
    expect(getAt(set, ['indicators', 5, 'target'])).toBeUndefined();
  });

  it('a number field keeps what was typed when it is not a number, so the schema says why at the field', () => {
    expect(numberOrText('98')).toBe(98);
    expect(numberOrText(' 97.5 ')).toBe(97.5);
    expect(numberOrText('97,5')).toBe(97.5);
    expect(numberOrText('9o')).toBe('9o');
    expect(numberOrText('')).toBe('');
    expect(fieldText(97.5)).toBe('97.5');
    expect(fieldText('9o')).toBe('9o');
    const set = setAt(JSON.parse(JSON.stringify(c2025)), ['indicators', 0, 'target', 'value'], numberOrText('9o'));
    expect(approvalProblems(set, 2025)).toEqual([{ path: ['indicators', 0, 'target', 'value'], id: 'value.number' }]);
  });

  it('a measure that is not JSON yet is kept as text and refused at the measure', () => {
    expect(measureFromText('{"shape": "ratio"')).toBe('{"shape": "ratio"');
    expect(measureFromText('{"shape":"mean"}')).toEqual({ shape: 'mean' });
    expect(measureText('{"shape"')).toBe('{"shape"');
    expect(JSON.parse(measureText(c2025.indicators[0]!.measure))).toEqual(c2025.indicators[0]!.measure);
    const set = setAt(JSON.parse(JSON.stringify(c2025)), ['indicators', 1, 'measure'], measureFromText('{"shape"'));
    expect(approvalProblems(set, 2025).map((p) => fieldKey(p.path))).toEqual(['indicators[1].measure']);
  });

  it('adds a blank indicator the schema names every missing field of, and removes one', () => {
    const set = JSON.parse(JSON.stringify(c2025));
    const added = addIndicator(set);
    const n = c2025.indicators.length;
    expect(indicatorsOf(added)).toHaveLength(n + 1);
    // complete but for its names (issue 23: no JSON to type): only the names are asked for
    const keys = approvalProblems(added, 2025).map((p) => fieldKey(p.path));
    expect(keys).toEqual([`indicators[${n}].label.zh`, `indicators[${n}].label.en`]);
    expect(getAt(indicatorsOf(added)[n], ['id'])).toBe(`indicator-${n + 1}`);
    expect(getAt(indicatorsOf(addIndicator(added), )[n + 1], ['id'])).toBe(`indicator-${n + 2}`);
    const removed = removeIndicator(added, n);
    expect(approvalProblems(removed, 2025)).toEqual([]);
    expect(indicatorsOf(removeIndicator(set, 0))[0]).toEqual(c2025.indicators[1]);
  });

  it('gives each problem to the field shown, or the nearest one above it', () => {
    const problems = [
      { path: ['indicators', 2, 'target', 'value'], id: 'commitments.targetRange' as const },
      { path: ['indicators', 2, 'measure', 'where', 'test'], id: 'value.oneOf' as const },
      { path: [], id: 'commitments.uniqueIds' as const },
    ];
    const shown = new Set(['indicators[2].target.value', 'indicators[2].measure', '']);
    const by = problemsByField(problems, (k) => shown.has(k));
    expect([...by.keys()]).toEqual(['indicators[2].target.value', 'indicators[2].measure', '']);
    expect(by.get('indicators[2].measure')![0]!.id).toBe('value.oneOf');
  });
});

describe('which year the committee drafts, from which set', () => {
  it('drafts the year after the newest published, started from it with year and period moved on', () => {
    expect(nextDraftYear([c2024, c2025])).toBe(2026);
    expect(nextDraftYear([])).toBeNull();
    expect(startingSet([c2024, c2025], 2026)?.year).toBe(2025);
    expect(startingSet([c2024, c2025], 2025)?.year).toBe(2024);
    expect(startingSet([c2025], 2025)).toBeNull();
    const first = firstRevision([c2024, c2025], 2026)!;
    expect(first.startedFrom).toBe(2025);
    expect(first.commitments).toMatchObject({ year: 2026, period: { from: '2026-11-15', to: '2027-03-20' } });
    expect(first.commitments.published).toBeUndefined();
    expect(approvalProblems(first.commitments, 2026)).toEqual([]);
  });

  it('knows unsaved changes and which targets changed', () => {
    const first = firstRevision([c2025], 2026)!.commitments;
    expect(hasUnsavedChanges(null, first)).toBe(false);
    expect(hasUnsavedChanges(JSON.parse(JSON.stringify(first)), first)).toBe(false);
    const edited = setAt(setAt(first, ['indicators', 0, 'target', 'value'], 99), ['indicators', 1, 'target', 'value'], 93);
    expect(hasUnsavedChanges(edited, first)).toBe(true);
    expect(hasUnsavedChanges(edited, null)).toBe(true);
    const ids = c2025.indicators.map((i) => i.id);
    expect(targetChanges(first, edited)).toEqual([
      { id: ids[0], before: c2025.indicators[0]!.target, after: { ...c2025.indicators[0]!.target, value: 99 } },
      { id: ids[1], before: c2025.indicators[1]!.target, after: { ...c2025.indicators[1]!.target, value: 93 } },
    ]);
    expect(targetChanges(first, removeIndicator(first, 2))).toEqual([{ id: ids[2], before: c2025.indicators[2]!.target, after: undefined }]);
  });
});
