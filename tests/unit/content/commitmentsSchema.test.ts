import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { Commitments } from '../../../src/db/schema/commitments';
import { Results } from '../../../src/db/schema/results';
import { describeIssues } from '../../../src/content-loaders/describeIssues';

/** A small valid commitments file; each test breaks one thing in it. */
function commitmentsYaml(indicatorLines: string[] = validIndicator()): string {
  return [
    'year: 2030',
    'service: heating',
    'utility: { zh: 测试热力, en: Test Heating }',
    'title: { zh: 测试承诺, en: Test commitments }',
    'period: { from: 2030-11-15, to: 2031-03-20 }',
    'indicators:',
    ...indicatorLines,
  ].join('\n');
}

function validIndicator(target = "    target: { comparison: '>=', value: 98, unit: percent }"): string[] {
  return [
    '  - id: heating-satisfaction',
    '    category: quality',
    '    label: { zh: 满意率, en: Satisfaction }',
    '    promise: { zh: 不低于 98 %, en: At least 98 % }',
    target,
    '    measure:',
    '      shape: ratio',
    '      of: { records: callbacks }',
    '      where: { test: field-one-of, field: satisfaction, values: [satisfied] }',
  ].filter(Boolean);
}

function problems(source: string): string[] {
  const result = v.safeParse(Commitments, parse(source));
  return result.success ? [] : describeIssues(result.issues, 'content/commitments/2030.yaml', source);
}

describe('commitments schema errors name the file, line and field', () => {
  it('accepts a valid file', () => {
    expect(problems(commitmentsYaml())).toEqual([]);
  });

  it('an unknown unit points at the unit on line 11', () => {
    const lines = problems(commitmentsYaml(validIndicator("    target: { comparison: '>=', value: 98, unit: percentage }"))).join('\n');
    // line 11 is the target line: 6 header lines + 4 indicator lines before it + 1
    expect(lines).toMatch(/^content\/commitments\/2030\.yaml:11:\d+ indicators\[0\]\.target\.unit: unit must be one of percent, score, visits-per-year/m);
  });

  it('a wrong type names the field', () => {
    const lines = problems(commitmentsYaml(validIndicator("    target: { comparison: '>=', value: 'high', unit: percent }"))).join('\n');
    expect(lines).toContain('content/commitments/2030.yaml:11:');
    expect(lines).toContain('indicators[0].target.value: value must be a number');
  });

  it('a missing target points at the indicator', () => {
    const lines = problems(commitmentsYaml(validIndicator(''))).join('\n');
    // the indicator starts on line 7
    expect(lines).toMatch(/content\/commitments\/2030\.yaml:7:\d+ indicators\[0\]\.target: /);
  });

  it('rejects duplicate indicator ids and an inverted period', () => {
    const twice = commitmentsYaml([...validIndicator(), ...validIndicator()]);
    expect(problems(twice).join('\n')).toContain('indicator ids must be unique');
    const inverted = commitmentsYaml().replace('from: 2030-11-15, to: 2031-03-20', 'from: 2031-11-15, to: 2031-03-20');
    expect(problems(inverted).join('\n')).toContain('period.from must not be after period.to');
  });

  it('an elapsed test needs exactly one of atMost and atLeast', () => {
    const both = commitmentsYaml([
      ...validIndicator().slice(0, 6),
      '      shape: ratio',
      '      of: { records: requests, kinds: [repair] }',
      '      where: { test: elapsed, from: submitted, to: arrived, atMost: { value: 1, unit: hours }, atLeast: { value: 1, unit: hours } }',
    ]);
    expect(problems(both).join('\n')).toContain('give exactly one of atMost or atLeast');
  });

  it('unsigned temperature tests can never be counted', () => {
    const unsigned = commitmentsYaml([
      ...validIndicator().slice(0, 6),
      '      shape: ratio',
      '      of: { records: temperature-tests, signedOnly: false }',
      '      where: { test: rooms-at-least, celsius: 18 }',
    ]);
    expect(problems(unsigned).join('\n')).toContain('signedOnly must be true');
  });
});

describe('the shipped content satisfies its schemas', () => {
  for (const year of [2024, 2025]) {
    it(`commitments ${year}`, () => {
      const source = readFileSync(`content/commitments/${year}.yaml`, 'utf8');
      expect(problems(source)).toEqual([]);
    });
  }

  it('every 2024 result names an indicator of the 2024 commitments, and the sample is marked', () => {
    const commitments = v.parse(Commitments, parse(readFileSync('content/commitments/2024.yaml', 'utf8')));
    const results = v.parse(Results, JSON.parse(readFileSync('content/results/2024.json', 'utf8')));
    const ids = new Set(commitments.indicators.map((i) => i.id));
    expect(results.sample).toBe(true);
    expect(results.figures.filter((f) => !ids.has(f.indicator))).toEqual([]);
    expect(commitments.indicators).toHaveLength(17);
  });
});
