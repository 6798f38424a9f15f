import { afterEach, describe, expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { openDeviceDatabase, recordRejection, type DeviceDatabase } from '../../../../src/db/device/database';
import { provisionalResults } from '../../../../src/db/device/provisional';
import { computeResults } from '../../../../src/rules/results/engine';
import { aRequestHistory, resetIds } from '../../../support/builders/events';
import { aRecord, commitmentsOf, resetRecordIds } from '../../../support/builders/records';

let db: DeviceDatabase | undefined;
let n = 0;
const open = async () => (db = await openDeviceDatabase({ name: `provisional-${process.pid}-${n++}`, storage: getRxStorageMemory(), multiInstance: false }));

afterEach(async () => {
  await db?.remove();
  db = undefined;
});

describe('provisional figures on the device', () => {
  it('are the results engine run over the events and records the device holds, page by page, refused ones left out', async () => {
    resetIds();
    resetRecordIds();
    const d = await open();
    const c2025 = commitmentsOf(2025);
    const events = [
      ...aRequestHistory({ kind: 'repair', start: '2025-12-01T01:00:00.000Z', steps: ['accepted', 'dispatched', 'arrived', 'work-done', 'resolved'] }),
      ...aRequestHistory({ kind: 'repair', start: '2025-12-02T01:00:00.000Z', every: 3 * 3_600_000, steps: ['accepted', 'dispatched', 'arrived'] }),
      ...aRequestHistory({ kind: 'complaint', start: '2025-12-03T01:00:00.000Z', steps: ['accepted'] }),
    ];
    const calls = [1, 2, 5].map((rings, i) => aRecord('call', `2025-12-1${i}T02:00:00.000Z`, { line: 'hotline', answered: true, rings }));
    await d.events.bulkInsert(events);
    await d.records.bulkInsert(calls);
    // a call the server refused stays on the device but never counts
    const refused = aRecord('call', '2025-12-20T02:00:00.000Z', { line: 'hotline', answered: true, rings: 9 });
    await d.records.insert(refused);
    await recordRejection(d, { eventId: refused.id, requestId: '', rule: 'operations-database', reason: 'test', source: 'server', at: Date.now() });

    const asOf = Date.parse('2026-01-10T00:00:00.000Z');
    const onDevice = await provisionalResults(d, c2025, asOf, 4); // small pages: several reads
    const expected = computeResults(c2025, [...events, ...calls], { asOf });
    expect(onDevice.figures).toEqual(expected.figures);
    expect(onDevice.read).toEqual(expected.read);
    expect(onDevice.figures.find((f) => f.indicator === 'hotline-3-rings')).toMatchObject({ numerator: 2, denominator: 3 });
  });
});
