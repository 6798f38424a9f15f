import { afterEach, describe, expect, it } from 'vitest';
import { firstValueFrom, filter } from 'rxjs';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { correctEvent, eventsOfRequest, openDeviceDatabase, openRequests, recordEvent, recordRejection, type DeviceDatabase } from '../../../../src/db/device/database';
import { newRequestId } from '../../../../src/db/schema/events/ids';
import { PEOPLE, RESIDENT, aRequestHistory, aSubmittedRepair, anEvent, couchUser } from '../../../support/builders/events';

const resident = { database: { kind: 'resident' as const, owner: RESIDENT }, user: couchUser('resident') };
const dispatcher = { database: { kind: 'station' as const, station: PEOPLE.dispatcher.station }, user: couchUser('dispatcher') };

let db: DeviceDatabase | undefined;
let n = 0;
const open = async () => (db = await openDeviceDatabase({ name: `device-unit-${process.pid}-${n++}`, storage: getRxStorageMemory(), multiInstance: false }));

afterEach(async () => {
  await db?.remove();
  db = undefined;
});

describe('recordEvent: the server check before anything is stored', () => {
  it('stores a valid event and puts it in the outbox', async () => {
    const d = await open();
    const ev = aSubmittedRepair();
    expect(await recordEvent(d, ev, resident)).toEqual({ ok: true, event: ev });
    expect((await d.events.findOne(ev.id).exec())?.toJSON()).toMatchObject({ id: ev.id, type: 'submitted' });
    expect((await d.outbox.find().exec()).map((o) => o.id)).toEqual([ev.id]);
  });

  it('refuses a malformed event with one issue per field, in the language asked for', async () => {
    const d = await open();
    const ev = aSubmittedRepair();
    const bad = { ...ev, at: 'yesterday', payload: { ...ev.payload, contact: { name: '', phone: '123' } } };
    const result = await recordEvent(d, bad, resident, 'en');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.rule).toBe('well-formed');
    const paths = result.issues.map((i) => i.path);
    expect(paths).toContain('at');
    expect(paths.some((p) => p.startsWith('payload.contact'))).toBe(true);
    expect(result.issues.every((i) => i.message.length > 0)).toBe(true);
    const zh = await recordEvent(d, bad, resident);
    expect(!zh.ok && zh.issues.some((i) => /[\u4e00-\u9fff]/.test(i.message))).toBe(true);
    expect(await d.events.count().exec()).toBe(0);
    expect(await d.outbox.count().exec()).toBe(0);
  });

  it('refuses what the server would refuse: another author, a staff-only type, the wrong database', async () => {
    const d = await open();
    const other = await recordEvent(d, aSubmittedRepair({ author: 'otherResident' }), resident);
    expect(other).toMatchObject({ ok: false, rule: 'author-is-user', issues: [] });
    const staffOnly = await recordEvent(d, anEvent('dispatched', { author: 'resident' }), resident);
    expect(staffOnly).toMatchObject({ ok: false, rule: 'may-emit' });
    const wrongDb = await recordEvent(d, anEvent('dispatched'), { ...dispatcher, database: { kind: 'station', station: 'south-2' } });
    expect(wrongDb).toMatchObject({ ok: false, rule: 'station-database' });
    expect(await d.events.count().exec()).toBe(0);
  });

  it('refuses the same id twice (events are never changed)', async () => {
    const d = await open();
    const ev = aSubmittedRepair();
    await recordEvent(d, ev, resident);
    expect(await recordEvent(d, ev, resident)).toMatchObject({ ok: false, rule: 'duplicate' });
  });

  it('refuses on the device what the ownership and time rules refuse (issue 17)', async () => {
    const d = await open();
    const now = Date.now();
    const mine = Array.from({ length: 5 }, (_, i) =>
      aSubmittedRepair({ requestId: newRequestId(now + i), at: new Date(now - 60_000 + i).toISOString() }),
    );
    for (const ev of mine) expect((await recordEvent(d, ev, resident)).ok).toBe(true);
    // the quota's numbers are the server's: a sixth in an hour is stored here and judged there
    expect((await recordEvent(d, aSubmittedRepair({ requestId: newRequestId(now + 9), at: new Date(now).toISOString() }), resident)).ok).toBe(true);
    // a follow-up before its request's submission, and a second submission of the same request
    const early = await recordEvent(d, anEvent('withdrawn', { requestId: mine[0]!.requestId, author: 'resident', at: '2025-01-01T00:00:00.000Z' }), resident);
    expect(early).toMatchObject({ ok: false, rule: 'event-time' });
    const again = await recordEvent(d, aSubmittedRepair({ requestId: mine[0]!.requestId, at: new Date(now).toISOString() }), resident);
    expect(again).toMatchObject({ ok: false, rule: 'request-exists' });
    // a request the device does not hold is left to the server
    const unknown = await recordEvent(d, anEvent('withdrawn', { requestId: newRequestId(now), author: 'resident', at: new Date(now).toISOString() }), resident);
    expect(unknown.ok).toBe(true);
  });

  it('a correction is a new event; the refused one is marked superseded', async () => {
    const d = await open();
    const bad = aSubmittedRepair();
    await d.events.insert(bad);
    await recordRejection(d, { eventId: bad.id, requestId: bad.requestId, rule: 'author-is-user', reason: 'x', source: 'server', at: 1 });
    expect(await d.outbox.count().exec()).toBe(0);
    const fixed = aSubmittedRepair({ requestId: bad.requestId });
    expect((await correctEvent(d, bad.id, fixed, resident)).ok).toBe(true);
    expect((await d.outbox_rejections.findOne(bad.id).exec())?.supersededBy).toBe(fixed.id);
    const events = await firstValueFrom(eventsOfRequest(d, bad.requestId));
    expect(events.map((e) => e.id)).toEqual([fixed.id]);
  });
});

describe('reactive queries', () => {
  it('eventsOfRequest follows new events in history order', async () => {
    const d = await open();
    const [submitted, accepted, dispatched] = aRequestHistory({ steps: ['accepted', 'dispatched'] });
    await d.events.bulkInsert([dispatched!, submitted!]);
    const seen = eventsOfRequest(d, submitted!.requestId);
    expect((await firstValueFrom(seen)).map((e) => e.type)).toEqual(['submitted', 'dispatched']);
    const later = firstValueFrom(seen.pipe(filter((e) => e.length === 3)));
    await d.events.insert(accepted!);
    expect((await later).map((e) => e.type)).toEqual(['submitted', 'accepted', 'dispatched']);
  });

  it('openRequests derives each state and leaves closed requests out', async () => {
    const d = await open();
    const open1 = aRequestHistory({ steps: ['accepted'] });
    const closed = aRequestHistory();
    const elsewhere = aRequestHistory({ station: 'south-2', steps: [] });
    await d.events.bulkInsert([...open1, ...closed, ...elsewhere]);
    const now = () => Date.parse('2025-12-01T06:00:00.000Z');
    const all = await firstValueFrom(openRequests(d, { now }));
    expect(all.map((s) => s.requestId).sort()).toEqual([open1[0]!.requestId, elsewhere[0]!.requestId].sort());
    expect(all.find((s) => s.requestId === open1[0]!.requestId)?.status).toBe('accepted');
    const north = await firstValueFrom(openRequests(d, { now, station: PEOPLE.dispatcher.station }));
    expect(north.map((s) => s.requestId)).toEqual([open1[0]!.requestId]);
    const mine = await firstValueFrom(openRequests(d, { now, resident: RESIDENT }));
    expect(mine).toHaveLength(2);
  });
});
