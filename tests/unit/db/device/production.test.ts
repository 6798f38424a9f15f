/**
 * Production mode: no dev-mode, no validator. Its own file, because RxDB's dev-mode plugin is
 * process-wide once added (and then demands a validator), and vitest isolates files.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { openDeviceDatabase, recordEvent, type DeviceDatabase } from '../../../../src/db/device/database';
import { RESIDENT, aSubmittedRepair, couchUser } from '../../../support/builders/events';

const resident = { database: { kind: 'resident' as const, owner: RESIDENT }, user: couchUser('resident') };
let db: DeviceDatabase | undefined;

afterEach(async () => {
  await db?.remove();
  db = undefined;
});

describe('openDeviceDatabase in production mode', () => {
  it('opens without the validator, still checks writes, and drops outbox entries whose event was never stored', async () => {
    const name = `device-prod-${process.pid}`;
    const storage = getRxStorageMemory();
    const first = await openDeviceDatabase({ name, storage, dev: false, multiInstance: false });
    expect(first.storage.name).toBe('memory');
    const ev = aSubmittedRepair();
    expect((await recordEvent(first, ev, resident)).ok).toBe(true);
    expect((await recordEvent(first, { ...ev, id: 'x' }, resident)).ok).toBe(false);
    await first.outbox.insert({ id: 'ev-01KB0000000000000000000000', writtenAt: 1 }); // an insert that failed
    await first.close();
    db = await openDeviceDatabase({ name, storage, dev: false, multiInstance: false });
    expect((await db.outbox.find().exec()).map((o) => o.id)).toEqual([ev.id]);
  });
});
