import { beforeEach, describe, expect, it } from 'vitest';
import { validateDocumentWrite, type DocumentVerdict } from '../../../src/db/validateRecordWrite';
import type { OperationsRecord } from '../../../src/db/schema/records';
import type { WriteDatabase } from '../../../src/db/validateWrite';
import { startFrom } from '../../../src/rules/committee';
import { couchUser, type PersonKey } from '../../support/builders/events';
import { approval, asJson, committeeRecord, draft, outcome, publishRequest, publishedCommitments, resetCommittee } from '../../support/builders/committee';

beforeEach(() => resetCommittee());

const OPERATIONS: WriteDatabase = { kind: 'operations' };
const ADMIN = { name: null, roles: ['_admin'] };

/** The server's view (`_id`) of a record written by `who`; the device's (`id`) with device: true. */
function write(record: OperationsRecord, who: PersonKey | typeof ADMIN, opts: { database?: WriteDatabase; approverRole?: 'manager' | 'committee'; device?: boolean } = {}): DocumentVerdict {
  const { id, ...rest } = record;
  return validateDocumentWrite({
    database: opts.database ?? OPERATIONS,
    doc: opts.device ? record : { _id: id, ...rest },
    user: typeof who === 'string' ? couchUser(who) : who,
    existing: false,
    ...(opts.approverRole ? { approverRole: opts.approverRole } : {}),
  });
}

const set2026 = () => asJson(startFrom(publishedCommitments(2025), 2026));

describe('who writes the committee records', () => {
  it('committee and managers draft and comment; hotline does not; the committee writes no other record', () => {
    const r = draft(2026, set2026());
    expect(write(r, 'committee')).toMatchObject({ ok: true });
    expect(write(draft(2026, set2026(), { who: 'manager' }), 'manager')).toMatchObject({ ok: true });
    expect(write(draft(2026, set2026(), { who: 'hotline' }), 'hotline')).toMatchObject({ ok: false, rule: 'committee-role', reason: expect.stringContaining('committee, manager') });
    const comment = committeeRecord('commitments-comment', { year: 2026, revision: r.id, text: 'ok' });
    expect(write(comment, 'committee')).toMatchObject({ ok: true });
    const call = { ...committeeRecord('commitments-comment', { year: 2026, revision: r.id, text: 'x' }), type: 'call', payload: { line: 'hotline', answered: true, rings: 1 } } as unknown as OperationsRecord;
    expect(write(call, 'committee')).toMatchObject({ ok: false, rule: 'operations-database' });
  });

  it('a draft may be unfinished (an invalid target is saved), but not outside the operations database', () => {
    const broken = set2026() as { indicators: { target: { value: unknown } }[] };
    broken.indicators[0]!.target.value = 980;
    expect(write(draft(2026, broken), 'committee', { device: true })).toMatchObject({ ok: true });
    expect(write(draft(2026, broken), 'committee', { database: { kind: 'station', station: 'north-1' } })).toMatchObject({ ok: false, rule: 'operations-database' });
  });

  it('only the approving role approves: manager by default, committee when the utility names it', () => {
    const r = draft(2026, set2026());
    const byManager = approval(r, 'manager');
    const byCommittee = approval(r, 'committee');
    expect(write(byManager, 'manager')).toMatchObject({ ok: true });
    expect(write(byCommittee, 'committee')).toMatchObject({ ok: false, rule: 'committee-role', reason: expect.stringContaining('written by manager') });
    expect(write(byCommittee, 'committee', { approverRole: 'committee' })).toMatchObject({ ok: true });
    expect(write(byManager, 'manager', { approverRole: 'committee' })).toMatchObject({ ok: false, rule: 'committee-role' });
  });

  it('an approval of a set that fails the commitments schema is refused with the field and why, on the device and the server', () => {
    const broken = set2026() as { indicators: { target: { value: unknown } }[] };
    broken.indicators[1]!.target.value = 980;
    const a = approval(draft(2026, broken));
    for (const device of [false, true]) {
      expect(write(a, 'manager', { device })).toEqual({
        ok: false,
        status: 403,
        rule: 'approvable',
        reason: 'the revision cannot be approved: payload.commitments.indicators[1].target.value: Target is outside the range of its unit: a percentage from 0 to 100, a score from 1 to 10, visits a year from 0 to 12.',
      });
    }
    // not even the server admin stores such an approval
    expect(write(a, ADMIN)).toMatchObject({ ok: false, rule: 'approvable' });
  });

  it('only the server writes a publication outcome', () => {
    const q = publishRequest(approval(draft(2026, set2026())));
    expect(write(q, 'committee')).toMatchObject({ ok: true });
    const done = outcome(q, { ok: true });
    expect(write(done, ADMIN)).toMatchObject({ ok: true });
    const byManager = { ...done, author: { name: 'mg-sun', role: 'manager', device: 'pc-manager' } } as OperationsRecord;
    expect(write(byManager, 'manager')).toMatchObject({ ok: false, rule: 'committee-role', reason: expect.stringContaining('the server only') });
  });
});
