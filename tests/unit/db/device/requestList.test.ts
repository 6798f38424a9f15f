import { afterEach, describe, expect, it } from 'vitest';
import { firstValueFrom, filter } from 'rxjs';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { openDeviceDatabase, recordEvent, recordRejection, type DeviceDatabase } from '../../../../src/db/device/database';
import { requestList, type RequestListItem } from '../../../../src/db/device/requestList';
import { composeCorrection, composeFollowUp, composeSubmission } from '../../../../src/db/device/compose';
import { validateWrite } from '../../../../src/db/validateWrite';
import { PEOPLE, RESIDENT, STATION, T0, couchUser } from '../../../support/builders/events';

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
