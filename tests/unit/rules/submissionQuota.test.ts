import { describe, expect, it } from 'vitest';
import { SUBMISSION_LIMITS, quotaProblem, submissionUsage, withOneMore } from '../../../src/rules/submissionQuota';
import { futureProblem, MAX_CLOCK_AHEAD_MS } from '../../../src/rules/eventTime';
import { RESIDENT, aRequestHistory, aSubmitted } from '../../support/builders/events';
import { newRequestId, seededRandom } from '../../../src/db/schema/events/ids';

const random = seededRandom(17);
const rid = () => newRequestId(NOW, random);

const NOW = Date.parse('2025-12-01T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('submission quota', () => {
  it('the defaults: 5 an hour, 10 a day, 10 open (one of each kind a household can file)', () => {
    expect(SUBMISSION_LIMITS).toEqual({ perHour: 5, perDay: 10, openAtOnce: 10 });
  });

  it('counts the resident’s own submissions by receipt time, and open requests by their state', () => {
    const events = [
      { ...aSubmitted('consultation', { requestId: rid(), at: iso(NOW - 30 * 60_000) }) },
      { ...aSubmitted('repair', { requestId: rid(), at: iso(NOW - 5 * 3_600_000) }), receivedAt: iso(NOW - 10 * 60_000) }, // written offline, received now
      aSubmitted('complaint', { requestId: rid(), at: iso(NOW - 23 * 3_600_000) }),
      aSubmitted('suggestion', { requestId: rid(), at: iso(NOW - 25 * 3_600_000) }),
      ...aRequestHistory({ start: iso(NOW - 2 * 3_600_000), every: 60_000 }), // a repair: closed
      aSubmitted('repair', { requestId: rid(), at: iso(NOW - 60_000), author: 'hotline', payload: { channel: 'phone' } }), // staff-registered: not counted
    ];
    expect(submissionUsage(events, RESIDENT, NOW)).toEqual({ lastHour: 2, lastDay: 4, open: 4 });
    expect(submissionUsage(events, 'r-someone-else', NOW)).toEqual({ lastHour: 0, lastDay: 0, open: 0 });
  });

  it('refuses at each limit, first the hour, then the day, then the open requests', () => {
    expect(quotaProblem({ lastHour: 4, lastDay: 9, open: 9 })).toBeNull();
    expect(quotaProblem({ lastHour: 5, lastDay: 5, open: 5 })?.rule).toBe('quota-hour');
    expect(quotaProblem({ lastHour: 0, lastDay: 10, open: 0 })?.rule).toBe('quota-day');
    expect(quotaProblem({ lastHour: 0, lastDay: 0, open: 10 })?.rule).toBe('quota-open');
    expect(quotaProblem({ lastHour: 0, lastDay: 0, open: 2 }, { perHour: 5, perDay: 10, openAtOnce: 2 })?.rule).toBe('quota-open');
    expect(withOneMore({ lastHour: 1, lastDay: 2, open: 3 })).toEqual({ lastHour: 2, lastDay: 3, open: 4 });
  });
});

describe('event time (domain.md, Times)', () => {
  it('refuses more than 24 hours ahead of the server, accepts up to it and anything earlier', () => {
    expect(MAX_CLOCK_AHEAD_MS).toBe(24 * 3_600_000);
    expect(futureProblem(iso(NOW + MAX_CLOCK_AHEAD_MS), NOW)).toBeNull();
    expect(futureProblem(iso(NOW + MAX_CLOCK_AHEAD_MS + 1), NOW)?.rule).toBe('event-time');
    expect(futureProblem('2031-01-01T00:00:00.000Z', NOW)?.rule).toBe('event-time');
    expect(futureProblem('2025-01-01T00:00:00.000Z', NOW)).toBeNull();
  });
});
