import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { OperationsRecord } from '../../../../../src/db/schema/records/record';
import { aRecord, outageId } from '../../../../support/builders/records';

// An outage is always of a station (its notices, its figures, its staff's list are by station).
describe('outage records', () => {
  const at = new Date('2025-12-01T02:00:00.000Z');
  const records = [
    aRecord('outage-announced', at, { outage: outageId(1), plannedStart: '2025-12-02T02:00:00.000Z', affectedCustomers: 120, area: '1 号楼' }, 'north'),
    aRecord('outage-started', at, { outage: outageId(1), planned: true, atHeatSource: false, affectedCustomers: 120, area: '1 号楼' }, 'north'),
    aRecord('outage-restored', at, { outage: outageId(1) }, 'north'),
    aRecord('outage-emergency', at, { outage: outageId(1), reason: '第三方施工挖断管线' }, 'north'),
  ];

  it.each(records.map((r) => [r.type, r] as const))('%s with its station is well formed', (_type, record) => {
    expect(v.safeParse(OperationsRecord, record).success).toBe(true);
  });

  it.each(records.map((r) => [r.type, r] as const))('%s without a station is refused at the field station', (_type, record) => {
    const { station: _s, ...withoutStation } = record as Record<string, unknown>;
    const result = v.safeParse(OperationsRecord, withoutStation);
    expect(result.success).toBe(false);
    expect(result.issues?.map((i) => i.path?.map((p) => p.key).join('.'))).toContain('station');
  });

  it('a call, which belongs to no station, still needs none', () => {
    const call = aRecord('call', at, { line: 'hotline', answered: true, rings: 2 });
    expect(v.safeParse(OperationsRecord, call).success).toBe(true);
  });
});
