import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { Commitments } from '../../../../src/db/schema/commitments';
import { publicationStamp, stampedCommitments, startFrom } from '../../../../src/rules/committee';
import { glanceAtResults } from '../../../../src/site/resultsTable';
import type { Results } from '../../../../src/db/schema/results';
import { buildFailureReason } from '../../../../server/publish/publication.mjs';
import { publishedCommitments } from '../../../support/builders/committee';

// Approvers as the approval record names them: with their account name, which the stamp must drop.
const manager = { name: 'mg-sun', role: 'manager' } as const;
const committeeMember = { name: 'cm-he', role: 'committee' } as const;

describe('the publication stamp', () => {
  it("names the China day and the approving role, never the approver's account name, in both languages", () => {
    // 17:30 UTC is already the next day in China
    expect(publicationStamp(manager, '2026-10-31T17:30:00.000Z')).toEqual({
      on: '2026-11-01',
      approvedBy: { zh: '经理', en: 'the manager' },
    });
    const byCommittee = publicationStamp(committeeMember, new Date('2026-10-01T02:00:00.000Z'));
    expect(byCommittee.approvedBy).toEqual({ zh: '客户服务委员会', en: 'the customer-service committee' });
    expect(JSON.stringify(byCommittee)).not.toContain('cm-he');
  });

  it('a stamped set is still a valid commitments file', () => {
    const set = stampedCommitments(startFrom(publishedCommitments(2025), 2026), publicationStamp(manager, '2026-10-01T02:00:00.000Z'));
    const parsed = v.parse(Commitments, JSON.parse(JSON.stringify(set)));
    expect(parsed.published).toEqual({ on: '2026-10-01', approvedBy: { zh: '经理', en: 'the manager' } });
  });
});

describe("a failed build's reason", () => {
  it('keeps the content errors (file:line field: message), without colours', () => {
    const output = [
      '09:02:11 [content] Syncing content',
      '\u001b[31m[ERROR]\u001b[39m Content does not match its schema:',
      'content/results/2024.json:3:3 sample: Invalid type: Expected boolean but received "yes"',
      '    at parseData (file:///x.js:1:1)',
    ].join('\n');
    expect(buildFailureReason(output)).toBe(
      "the site's build failed: content does not match its schema:\ncontent/results/2024.json:3:3 sample: Invalid type: Expected boolean but received \"yes\"",
    );
  });

  it('otherwise the error and the lines after it, without the stack', () => {
    const reason = buildFailureReason('building…\nsrc/i18n/index.ts (2:9): "zhCN" is not exported\nError: Build failed\n    at x (y.js:1:1)');
    expect(reason).toBe("the site's build failed: Error: Build failed");
    expect(buildFailureReason('')).toBe("the site's build failed: no output");
  });
});

describe("the home page's glance at last year's results", () => {
  const results = (figures: Results['figures']): Results => ({ year: 2025, sample: false, computedAt: '2026-04-01', period: { from: '2025-11-15', to: '2026-03-20' }, figures });
  it("counts met, not met and not measured against that year's commitments", () => {
    const c = publishedCommitments(2025);
    const [a, b, c3] = c.indicators;
    const r = results([
      { indicator: a!.id, value: 100 },
      { indicator: b!.id, value: 1 },
      { indicator: c3!.id, value: null },
    ]);
    expect(glanceAtResults(r, c)).toEqual({ met: 1, notMet: 1, notMeasured: c.indicators.length - 2 });
  });
  it('by the verdicts of the file when the commitments of that year are not published', () => {
    const r = results([
      { indicator: 'a', value: 99, met: true },
      { indicator: 'b', value: 50, met: false },
      { indicator: 'c', value: null, met: null },
      { indicator: 'd', value: 3 },
    ]);
    expect(glanceAtResults(r, undefined)).toEqual({ met: 1, notMet: 1, notMeasured: 2 });
  });
});
