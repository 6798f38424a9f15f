import { afterEach, describe, expect, it } from 'vitest';
import { firstValueFrom, filter } from 'rxjs';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { openDeviceDatabase, recordEvent, recordRejection, type DeviceDatabase } from '../../../../src/db/device/database';
import { STATE_REUSE_MS, foldedAt, requestList, type RequestListItem } from '../../../../src/db/device/requestList';
import type { EventRecord } from '../../../../src/db/schema/events/event';
import { composeCorrection, composeFollowUp, composeSubmission } from '../../../../src/db/device/compose';
import { validateWrite } from '../../../../src/db/validateWrite';
import { PEOPLE, RESIDENT, STATION, T0, aRequestHistory, anEvent, couchUser, type Step } from '../../../support/builders/events';

const residentContext = { database: { kind: 'resident' as const, owner: RESIDENT }, user: couchUser('resident') };
const residentWriter = {
  session: {
    name: RESIDENT,
    roles: ['resident' as const],
    profile: { docType: 'profile' as const, accountNumber: '12345678', phone: '13812345678', community: 'north-garden', station: STATION, consentedAt: T0, noticeVersion: '2025-01' },
  },
  deviceId: 'phone-1',
};
const repair = {
  channel: 'portal',
  fault: 'radiator-not-warm',
  address: '暖园小区 3-2-501',
  contact: { name: '王女士', phone: '13812345678' },
  contactTimes: [],
};

let db: DeviceDatabase | undefined;
let n = 0;
const open = async () => (db = await openDeviceDatabase({ name: `device-list-${process.pid}-${n++}`, storage: getRxStorageMemory(), multiInstance: false }));
afterEach(async () => {
  await db?.remove();
  db = undefined;
});

const listOnce = (d: DeviceDatabase, opts: Parameters<typeof requestList>[1], ok: (items: RequestListItem[]) => boolean) =>
  firstValueFrom(requestList(d, opts).pipe(filter(ok)));

describe('compose: events from the device session', () => {
  it('builds a submission the server check accepts, routed to the station of the resident’s profile', () => {
    const event = composeSubmission(residentWriter, 'repair', repair, new Date(T0));
    const verdict = validateWrite({ ...residentContext, doc: event, existing: false });
    expect(verdict.ok, JSON.stringify(verdict)).toBe(true);
    expect(event).toMatchObject({ type: 'submitted', requestKind: 'repair', at: T0, resident: RESIDENT, station: STATION, visibility: 'resident', author: { name: RESIDENT, role: 'resident', device: 'phone-1' } });
  });

  it('builds a follow-up in the writer’s role on the same request', () => {
    const submitted = composeSubmission(residentWriter, 'repair', repair, new Date(T0));
    const dispatcher = { session: { name: PEOPLE.dispatcher.name, roles: ['dispatcher' as const], station: STATION }, deviceId: 'hall-pc' };
    const accepted = composeFollowUp(dispatcher, { requestId: String(submitted.requestId), requestKind: 'repair', resident: RESIDENT, station: STATION }, 'accepted', {}, 'resident');
    const verdict = validateWrite({ database: { kind: 'station', station: STATION }, doc: accepted, user: couchUser('dispatcher'), existing: false });
    expect(verdict.ok, JSON.stringify(verdict)).toBe(true);
    expect(accepted).toMatchObject({ requestId: submitted.requestId, type: 'accepted', author: { role: 'dispatcher' } });
  });

  it('corrects a refused submission on the same request, with the station of the profile as it is now', () => {
    const refused = composeSubmission(residentWriter, 'repair', repair, new Date(T0)) as Parameters<typeof composeCorrection>[1] & { id: string };
    const moved = { ...residentWriter, session: { ...residentWriter.session, profile: { ...residentWriter.session.profile, station: 'south-2' } } };
    const fixed = composeCorrection(moved, { ...refused, station: STATION }, repair);
    expect(fixed).toMatchObject({ requestId: refused.requestId, type: 'submitted', station: 'south-2' });
    expect(fixed.id).not.toBe(refused.id);
  });
});

describe('requestList', () => {
  it('lists a resident’s requests newest first, with how many events wait to be sent', async () => {
    const d = await open();
    const first = composeSubmission(residentWriter, 'repair', repair, new Date(Date.parse(T0)));
    const second = composeSubmission(residentWriter, 'repair', { ...repair, fault: 'leak' }, new Date(Date.parse(T0) + 60_000));
    expect((await recordEvent(d, first, residentContext)).ok).toBe(true);
    expect((await recordEvent(d, second, residentContext)).ok).toBe(true);
    const items = await listOnce(d, { resident: RESIDENT, now: () => Date.parse(T0) + 120_000 }, (i) => i.length === 2);
    expect(items.map((i) => i.requestId)).toEqual([second.requestId, first.requestId]);
    expect(items.map((i) => [i.waiting, i.state?.status, i.refused.length])).toEqual([
      [1, 'submitted', 0],
      [1, 'submitted', 0],
    ]);
    await d.outbox.findOne(String(first.id)).remove(); // the server acknowledged it
    const after = await listOnce(d, { resident: RESIDENT }, (i) => i.some((x) => x.requestId === first.requestId && x.waiting === 0));
    expect(after.find((i) => i.requestId === first.requestId)?.waiting).toBe(0);
  });

  it('keeps a request whose only event was refused, without a state, with the refusal, until it is corrected', async () => {
    const d = await open();
    const refused = composeSubmission(residentWriter, 'repair', repair, new Date(T0));
    expect((await recordEvent(d, refused, residentContext)).ok).toBe(true);
    await recordRejection(d, { eventId: String(refused.id), requestId: String(refused.requestId), rule: 'resident-station', reason: 'moved', source: 'server', at: 1 });
    const items = await listOnce(d, { resident: RESIDENT }, (i) => i.length === 1 && i[0]!.refused.length === 1);
    expect(items[0]).toMatchObject({ requestId: refused.requestId, state: null, waiting: 0 });
    expect(items[0]!.refused[0]!.rejection).toMatchObject({ rule: 'resident-station', reason: 'moved' });
    expect(items[0]!.refused[0]!.event.id).toBe(refused.id);

    const fixed = composeCorrection(residentWriter, refused as never, repair);
    await (await d.outbox_rejections.findOne(String(refused.id)).exec())!.incrementalPatch({ supersededBy: String(fixed.id) });
    expect((await recordEvent(d, fixed, residentContext)).ok).toBe(true);
    const corrected = await listOnce(d, { resident: RESIDENT }, (i) => i.length === 1 && i[0]!.refused.length === 0 && i[0]!.state !== null);
    expect(corrected[0]).toMatchObject({ requestId: refused.requestId, waiting: 1, state: { status: 'submitted' } });
  });

  it('leaves closed requests out of a staff queue when asked', async () => {
    const d = await open();
    const sub = composeSubmission(residentWriter, 'repair', repair, new Date(T0));
    expect((await recordEvent(d, sub, residentContext)).ok).toBe(true);
    const withdrawn = composeFollowUp(residentWriter, { requestId: String(sub.requestId), requestKind: 'repair', resident: RESIDENT, station: STATION }, 'withdrawn', { reason: '已自行修好' }, 'resident', new Date(Date.parse(T0) + 1000));
    const recorded = await recordEvent(d, withdrawn, residentContext);
    expect(recorded.ok, JSON.stringify(recorded)).toBe(true);
    expect(await listOnce(d, { station: STATION, openOnly: true }, () => true)).toEqual([]);
    const all = await listOnce(d, { station: STATION }, (i) => i.length === 1);
    expect(all[0]!.state?.status).toBe('withdrawn');
  });
});

describe('requestList: kept up to date change by change', () => {
  // As the pull's catch-up writes (catchUp.ts): straight into the storage, no collection hooks.
  const pullWrite = async (d: DeviceDatabase, events: readonly Record<string, unknown>[]) => {
    const result = await d.events.storageInstance.bulkWrite(
      events.map((e) => ({ document: { ...e, _deleted: false, _attachments: {}, _meta: { lwt: Date.now() }, _rev: `1-${String(e.id).slice(-8)}` } })) as never,
      'test-pull',
    );
    expect(result.error).toEqual([]);
  };
  const history = (i: number, steps?: readonly Step[]): EventRecord[] =>
    aRequestHistory({ start: new Date(Date.parse(T0) + i * 3_600_000).toISOString(), ...(steps ? { steps } : {}) });

  it('follows the pull’s storage writes, and ends equal to a list read afresh', async () => {
    const d = await open();
    const now = () => Date.parse('2025-12-20T00:00:00.000Z');
    const histories = Array.from({ length: 12 }, (_, i) => history(i, i % 3 ? undefined : ['accepted']));
    await pullWrite(d, histories.slice(0, 2).flat());
    const seen: RequestListItem[][] = [];
    const sub = requestList(d, { station: STATION, now }).subscribe((items) => seen.push(items));
    try {
      // Written in pages while the list is live, some of them in the same moment.
      await Promise.all([pullWrite(d, histories.slice(2, 5).flat()), pullWrite(d, histories.slice(5, 8).flat())]);
      for (const h of histories.slice(8)) await pullWrite(d, h);
      await expect.poll(() => seen.at(-1)?.length, { timeout: 10_000 }).toBe(12);
      const fresh = await listOnce(d, { station: STATION, now }, (i) => i.length === 12);
      expect(seen.at(-1)).toEqual(fresh);
      expect(fresh.filter((i) => i.state?.status === 'accepted').map((i) => i.requestId).sort()).toEqual(
        histories.filter((_, i) => i % 3 === 0).map((h) => h[0]!.requestId).sort(),
      );
      // Each request's events in the index's order (at, then id), as stored.
      for (const item of fresh) expect(item.events.map((e) => e.at)).toEqual([...item.events.map((e) => e.at)].sort());
    } finally {
      sub.unsubscribe();
    }
  });

  it('folds again only the requests a change touches: the others are the same items', async () => {
    const d = await open();
    const now = () => Date.parse('2025-12-20T00:00:00.000Z');
    const [a, b] = [history(0, ['accepted']), history(1, ['accepted'])];
    await pullWrite(d, [...a, ...b]);
    const seen: RequestListItem[][] = [];
    const sub = requestList(d, { station: STATION, now }).subscribe((items) => seen.push(items));
    try {
      await expect.poll(() => seen.at(-1)?.length, { timeout: 10_000 }).toBe(2);
      const before = seen.at(-1)!;
      const dispatched = anEvent('dispatched', { requestId: a[0]!.requestId, at: '2025-12-01T03:00:00.000Z' });
      await pullWrite(d, [dispatched]);
      await expect.poll(() => seen.at(-1)?.find((i) => i.requestId === a[0]!.requestId)?.state?.status, { timeout: 10_000 }).toBe('dispatched');
      const after = seen.at(-1)!;
      expect(after.find((i) => i.requestId === b[0]!.requestId)).toBe(before.find((i) => i.requestId === b[0]!.requestId));
      expect(after.find((i) => i.requestId === a[0]!.requestId)).not.toBe(before.find((i) => i.requestId === a[0]!.requestId));
    } finally {
      sub.unsubscribe();
    }
  });

  it('drops what the device removes (old closed requests pruned), and the request with its last event', async () => {
    const d = await open();
    const [closed, open1] = [history(0), history(1, ['accepted'])];
    await pullWrite(d, [...closed, ...open1]);
    const seen: RequestListItem[][] = [];
    const sub = requestList(d, { station: STATION }).subscribe((items) => seen.push(items));
    try {
      await expect.poll(() => seen.at(-1)?.length, { timeout: 10_000 }).toBe(2);
      // As pruneClosedRequests removes them (prune.ts): the stored documents.
      const stored = await d.events.find({ selector: { requestId: closed[0]!.requestId } }).exec();
      await d.events.bulkRemove(stored);
      await expect.poll(() => seen.at(-1)?.map((i) => i.requestId), { timeout: 10_000 }).toEqual([open1[0]!.requestId]);
      // A refusal and an outbox entry of a removed event touch nothing.
      await d.outbox.insert({ id: closed[1]!.id, writtenAt: 1 });
      await expect.poll(() => seen.at(-1)?.map((i) => i.requestId), { timeout: 10_000 }).toEqual([open1[0]!.requestId]);
    } finally {
      sub.unsubscribe();
    }
  });

  it('folds an unchanged request again at the clock once its fold is STATE_REUSE_MS old (a deadline passes)', async () => {
    const d = await open();
    const submitted = history(0, []); // a repair nobody answered yet
    await pullWrite(d, submitted);
    let clock = Date.parse(T0) + 60_000;
    const seen: RequestListItem[][] = [];
    const sub = requestList(d, { station: STATION, now: () => clock }).subscribe((items) => seen.push(items));
    try {
      await expect.poll(() => seen.at(-1)?.length, { timeout: 10_000 }).toBe(1);
      const first = seen.at(-1)![0]!;
      expect(first.state?.answerOverdue).toBe(false);
      const due = Date.parse(first.state!.answerDueAt!);
      // Within the window, a change elsewhere reuses the fold (the same item) …
      clock += STATE_REUSE_MS - 1;
      await pullWrite(d, history(1, []));
      await expect.poll(() => seen.at(-1)?.length, { timeout: 10_000 }).toBe(2);
      expect(seen.at(-1)!.find((i) => i.requestId === first.requestId)).toBe(first);
      // … past it, the request is folded at the list's clock: now overdue.
      clock = due + 60_000;
      await pullWrite(d, history(2, []));
      await expect.poll(() => seen.at(-1)?.length, { timeout: 10_000 }).toBe(3);
      expect(seen.at(-1)!.find((i) => i.requestId === first.requestId)?.state?.answerOverdue).toBe(true);
    } finally {
      sub.unsubscribe();
    }
  });
});

describe('foldedAt: the list folded again at a screen’s clock', () => {
  it('folds each item at the clock, once per item and clock reading', () => {
    const events = aRequestHistory({ steps: [] }) as EventRecord[];
    const item: RequestListItem = { requestId: events[0]!.requestId, kind: 'repair', state: null, waiting: 0, refused: [], lastAt: events[0]!.at, events };
    const refold = foldedAt();
    const early = Date.parse(T0) + 60_000;
    const [a] = refold([item], early);
    expect(a!.state?.answerOverdue).toBe(false);
    expect(refold([item], early)[0]).toBe(a); // the same item at the same clock: the same fold
    const late = Date.parse(a!.state!.answerDueAt!) + 60_000;
    expect(refold([item], late)[0]!.state?.answerOverdue).toBe(true);
    // An item whose events were all refused has no fold and is kept as it is.
    const refusedOnly = { ...item, events: [], state: null };
    expect(refold([refusedOnly], late)[0]).toBe(refusedOnly);
  });
});
