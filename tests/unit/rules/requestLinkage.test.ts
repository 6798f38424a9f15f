import { describe, expect, it } from 'vitest';
import { copyProblem, indexRequests, linkageProblem, requestFacts } from '../../../src/rules/requestLinkage';
import { OTHER_RESIDENT, OTHER_STATION, RESIDENT, STATION, aRequestHistory, anEvent } from '../../support/builders/events';
import { validateWrite } from '../../../src/db/validateWrite';
import { asCouchDoc, couchUser } from '../../support/builders/events';

describe('requestLinkage: a follow-up names a request its database holds, with its resident and station', () => {
  const [submitted, accepted] = aRequestHistory({ steps: ['accepted'] });
  const index = indexRequests([submitted!, accepted!]);
  const facts = requestFacts(index, submitted!.requestId)!;

  it('folds the submission into facts', () => {
    expect(facts).toMatchObject({ resident: RESIDENT, stations: [STATION], requestKind: 'repair', submissionId: submitted!.id, submittedAt: submitted!.at });
  });

  it('accepts a follow-up of the request as it is', () => {
    expect(linkageProblem(anEvent('arrived', { requestId: submitted!.requestId, at: accepted!.at }), facts)).toBeNull();
  });

  it('refuses a follow-up of a request the database does not hold (finding 2: station-2 writing about station-1)', () => {
    expect(linkageProblem(anEvent('late-notice', { requestId: submitted!.requestId, station: OTHER_STATION }), null)?.rule).toBe('request-unknown');
  });

  it("refuses another resident's name on the request (finding 3) and another kind", () => {
    expect(linkageProblem(anEvent('withdrawn', { requestId: submitted!.requestId, resident: OTHER_RESIDENT, at: accepted!.at }), facts)?.rule).toBe('request-owner');
    expect(linkageProblem(anEvent('withdrawn', { requestId: submitted!.requestId, requestKind: 'complaint', at: accepted!.at }), facts)?.rule).toBe('request-owner');
  });

  it('refuses a station the request was never in, and accepts the one it was handed to', () => {
    const late = { requestId: submitted!.requestId, station: OTHER_STATION, at: accepted!.at };
    expect(linkageProblem(anEvent('arrived', late), facts)?.rule).toBe('request-station');
    const routed = anEvent('routed', { requestId: submitted!.requestId, at: accepted!.at, payload: { toStation: OTHER_STATION } });
    // in any order: the hand-over may arrive before the submission
    const handed = requestFacts(indexRequests([routed, submitted!]), submitted!.requestId)!;
    expect(handed.stations).toEqual([STATION, OTHER_STATION]);
    expect(linkageProblem(anEvent('arrived', late), handed)).toBeNull();
  });

  it('refuses a follow-up dated before the submission (domain.md, Times)', () => {
    expect(linkageProblem(anEvent('withdrawn', { requestId: submitted!.requestId, at: '2025-11-30T23:59:59.999Z' }), facts)?.rule).toBe('event-time');
  });

  it('refuses a second submission of a request id; the same one again passes', () => {
    const hijack = anEvent('submitted', { requestId: submitted!.requestId, resident: OTHER_RESIDENT });
    expect(linkageProblem(hijack, facts)?.rule).toBe('request-exists');
    expect(linkageProblem(submitted!, facts)).toBeNull();
    expect(linkageProblem(hijack, null)).toBeNull();
    expect(copyProblem(hijack, facts)?.rule).toBe('request-exists');
    expect(copyProblem(accepted!, facts)).toBeNull();
    expect(copyProblem(anEvent('reply', { requestId: submitted!.requestId, resident: OTHER_RESIDENT }), facts)?.rule).toBe('request-owner');
    expect(copyProblem(accepted!, null)).toBeNull();
  });

  it('validateWrite applies it when given the context, and not without', () => {
    const doc = asCouchDoc(anEvent('arrived', { requestId: submitted!.requestId, at: accepted!.at, author: 'technician' }));
    const input = { database: { kind: 'station' as const, station: STATION }, doc, user: couchUser('technician'), existing: false };
    expect(validateWrite(input).ok).toBe(true);
    const refused = validateWrite({ ...input, context: { request: null } });
    expect(refused).toMatchObject({ ok: false, rule: 'request-unknown', status: 403 });
    expect(validateWrite({ ...input, context: { request: facts } }).ok).toBe(true);
  });
});
