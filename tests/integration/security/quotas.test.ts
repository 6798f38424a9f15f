/**
 * Issue 17, finding 4 (Build 3): quotas and time, through the real server (embedded backend).
 * - 500 fake submissions in one POST: only the hour's allowance is stored, the rest refused with
 *   the quota's rule, and only the stored ones reach the station and operations;
 * - the limits are configurable (HEARTHLINE_QUOTA_*): with at most 2 open requests, a third is
 *   refused until one is withdrawn;
 * - time: an event dated 2031 (more than 24 h ahead of the server) and a follow-up dated before
 *   its request's submission are refused; a stored event keeps the device's `at` and gains the
 *   server's `receivedAt`; a client cannot send its own `receivedAt`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type Site } from '../../support/server';
import { newResident, request, type Resident } from '../../support/client';
import { aSubmitted, anEvent, asCouchDoc } from '../../support/builders/events';
import { stationDbName } from '../../../src/db/databaseNames';
import { SUBMISSION_LIMITS } from '../../../src/rules/submissionQuota';
import { newRequestId } from '../../../src/db/schema/events/ids';

const STATION = 'demo';

let site: Site;
let limited: Site;
let adminAuth: { basic: { name: string; password: string } };

function submission(resident: Resident, at = new Date().toISOString()) {
  return asCouchDoc(
    aSubmitted('consultation', {
      requestId: newRequestId(Date.now()),
      author: { name: resident.name, role: 'resident', device: 'phone-q' },
      resident: resident.name,
      station: STATION,
      at,
      payload: { channel: 'portal', contact: { name: '张三', phone: resident.phone }, question: '暖气什么时候开始供？' },
    }),
  );
}

async function countIn(s: Site, db: string, ids: string[]): Promise<number> {
  const res = await request(s.url, 'POST', `/db/${db}/_all_docs`, { keys: ids }, { basic: { name: s.adminUser, password: s.adminPassword! } });
  return res.json.rows.filter((r: { value?: unknown; error?: string }) => r.value && !r.error).length;
}

beforeAll(async () => {
  const defaults = {
    HEARTHLINE_QUOTA_PER_HOUR: String(SUBMISSION_LIMITS.perHour),
    HEARTHLINE_QUOTA_PER_DAY: String(SUBMISSION_LIMITS.perDay),
    HEARTHLINE_QUOTA_OPEN: String(SUBMISSION_LIMITS.openAtOnce),
  };
  [site, limited] = await Promise.all([
    startSite({ env: defaults }),
    startSite({ env: { ...defaults, HEARTHLINE_QUOTA_OPEN: '2', HEARTHLINE_QUOTA_PER_HOUR: '10' } }),
  ]);
  adminAuth = { basic: { name: site.adminUser, password: site.adminPassword! } };
}, 180_000);

afterAll(async () => {
  await Promise.all([site?.stop(), limited?.stop()]);
});

describe('finding 4: a resident cannot flood the queues', () => {
  it('500 submissions in one POST: the hour’s allowance is stored, the rest refused by quota, and only those reach the station', async () => {
    const resident = await newResident(site.url, { community: 'demo-garden' });
    const docs = Array.from({ length: 500 }, () => submission(resident));
    const res = await request(site.url, 'POST', `/db/${resident.db}/_bulk_docs`, { docs }, { cookie: resident.cookie });
    expect(res.status, res.text.slice(0, 300)).toBe(201);
    const ok = res.json.filter((r: { ok?: boolean }) => r.ok);
    const refused = res.json.filter((r: { error?: string }) => r.error);
    expect(ok).toHaveLength(SUBMISSION_LIMITS.perHour);
    expect(refused).toHaveLength(500 - SUBMISSION_LIMITS.perHour);
    for (const row of refused) {
      expect(row.error).toBe('forbidden');
      expect(row.rule).toBe('quota-hour');
      expect(row.reason).toMatch(/at most 5 requests an hour/);
    }
    const ids = docs.map((d) => d._id);
    expect(await countIn(site, resident.db, ids)).toBe(SUBMISSION_LIMITS.perHour);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await countIn(site, stationDbName(STATION), ids)).toBe(SUBMISSION_LIMITS.perHour);
    expect(await countIn(site, 'operations', ids)).toBe(SUBMISSION_LIMITS.perHour);

    // A later single submission is refused the same way.
    const one = submission(resident);
    const put = await request(site.url, 'PUT', `/db/${resident.db}/${one._id}`, one, { cookie: resident.cookie });
    expect(put.status).toBe(403);
    expect(put.json.rule).toBe('quota-hour');
  });

  it('the limits are configurable: with at most 2 open requests, a third waits until one is withdrawn', async () => {
    const resident = await newResident(limited.url, { community: 'demo-garden' });
    const [a, b, c] = [submission(resident), submission(resident), submission(resident)];
    for (const doc of [a, b]) {
      const put = await request(limited.url, 'PUT', `/db/${resident.db}/${doc._id}`, doc, { cookie: resident.cookie });
      expect(put.status, put.text).toBe(201);
    }
    const third = await request(limited.url, 'PUT', `/db/${resident.db}/${c!._id}`, c, { cookie: resident.cookie });
    expect(third.status).toBe(403);
    expect(third.json.rule).toBe('quota-open');

    const withdrawn = asCouchDoc(
      anEvent('withdrawn', {
        requestId: a!.requestId,
        requestKind: 'consultation',
        resident: resident.name,
        station: STATION,
        author: { name: resident.name, role: 'resident', device: 'phone-q' },
        at: new Date().toISOString(),
      }),
    );
    const w = await request(limited.url, 'PUT', `/db/${resident.db}/${withdrawn._id}`, withdrawn, { cookie: resident.cookie });
    expect(w.status, w.text).toBe(201);
    const again = submission(resident);
    const put = await request(limited.url, 'PUT', `/db/${resident.db}/${again._id}`, again, { cookie: resident.cookie });
    expect(put.status, put.text).toBe(201);
  });
});

describe('finding 4: the time of an event', () => {
  let resident: Resident;
  beforeAll(async () => {
    resident = await newResident(site.url, { community: 'demo-garden' });
  });

  it('an event dated 2031 is refused', async () => {
    const doc = submission(resident, '2031-01-15T02:00:00.000Z');
    const put = await request(site.url, 'PUT', `/db/${resident.db}/${doc._id}`, doc, { cookie: resident.cookie });
    expect(put.status).toBe(403);
    expect(put.json.rule).toBe('event-time');
    expect((await request(site.url, 'GET', `/db/${resident.db}/${doc._id}`, undefined, adminAuth)).status).toBe(404);
  });

  it('an event 23 hours ahead (a device clock a day off) is accepted; 25 hours ahead is refused', async () => {
    const near = submission(resident, new Date(Date.now() + 23 * 3_600_000).toISOString());
    const far = submission(resident, new Date(Date.now() + 25 * 3_600_000).toISOString());
    const res = await request(site.url, 'POST', `/db/${resident.db}/_bulk_docs`, { docs: [near, far] }, { cookie: resident.cookie });
    expect(res.json[0].ok, JSON.stringify(res.json[0])).toBe(true);
    expect(res.json[1].rule).toBe('event-time');
  });

  it('a follow-up dated before its request was submitted (2025) is refused', async () => {
    const doc = submission(resident);
    const put = await request(site.url, 'PUT', `/db/${resident.db}/${doc._id}`, doc, { cookie: resident.cookie });
    expect(put.status, put.text).toBe(201);
    const early = asCouchDoc(
      anEvent('withdrawn', {
        requestId: doc.requestId,
        requestKind: 'consultation',
        resident: resident.name,
        station: STATION,
        author: { name: resident.name, role: 'resident', device: 'phone-q' },
        at: '2025-03-01T00:00:00.000Z',
      }),
    );
    const w = await request(site.url, 'PUT', `/db/${resident.db}/${early._id}`, early, { cookie: resident.cookie });
    expect(w.status).toBe(403);
    expect(w.json.rule).toBe('event-time');
  });

  it("a stored event keeps the device's at and gains the server's receipt time; a client cannot send one", async () => {
    const deviceAt = new Date(Date.now() - 3 * 3_600_000).toISOString(); // written offline three hours ago
    const doc = submission(resident, deviceAt);
    const before = Date.now();
    const put = await request(site.url, 'PUT', `/db/${resident.db}/${doc._id}`, doc, { cookie: resident.cookie });
    expect(put.status, put.text).toBe(201);
    const stored = await request(site.url, 'GET', `/db/${resident.db}/${doc._id}`, undefined, { cookie: resident.cookie });
    expect(stored.json.at).toBe(deviceAt);
    expect(Date.parse(stored.json.receivedAt)).toBeGreaterThanOrEqual(before - 1_000);
    expect(Date.parse(stored.json.receivedAt)).toBeLessThanOrEqual(Date.now() + 1_000);

    const forged = { ...submission(resident), receivedAt: '2026-01-01T00:00:00.000Z' };
    const f = await request(site.url, 'PUT', `/db/${resident.db}/${forged._id}`, forged, { cookie: resident.cookie });
    expect(f.status).toBe(403);
    expect(f.json.rule).toBe('received-at');
  });
});
