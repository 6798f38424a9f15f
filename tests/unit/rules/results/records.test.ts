import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { OperationsRecord, OperationsRecordDoc } from '../../../../src/db/schema/records';

const author = { name: 'ops-1', role: 'hotline', device: 'desk-1' } as const;
const base = { id: 'rc-01JD0000000000000000000000', docType: 'record', schemaVersion: 1, at: '2025-12-01T00:00:00.000Z', author } as const;
const OUTAGE = 'ou-01JD0000000000000000000000';

describe('operations records', () => {
  it('accepts each type of record', () => {
    const ok = [
      { ...base, type: 'outage-announced', station: 'north', payload: { outage: OUTAGE, plannedStart: '2025-12-03T00:00:00.000Z', affectedCustomers: 120, area: '1-3 号楼' } },
      { ...base, type: 'outage-started', station: 'north', payload: { outage: OUTAGE, planned: true, atHeatSource: false, affectedCustomers: 120, area: '1-3 号楼' } },
      { ...base, type: 'outage-restored', station: 'north', payload: { outage: OUTAGE } },
      { ...base, type: 'call', payload: { line: 'hotline', answered: true, rings: 2 } },
      { ...base, type: 'line-down', payload: { line: 'emergency', from: '2025-12-01T00:00:00.000Z', to: '2025-12-01T00:10:00.000Z' } },
      { ...base, type: 'household', station: 'north', payload: { household: 'A-1001', activeFrom: '2020-01-01' } },
      { ...base, type: 'inspection', station: 'north', payload: { household: 'A-1001', outcome: 'nobody-home' } },
    ];
    for (const r of ok) expect(v.safeParse(OperationsRecord, r).issues).toBeUndefined();
  });

  it('refuses a downtime that ends before it starts, an outage planned to end before it starts, a negative or fractional count and an unknown line, with message ids', () => {
    const bad = [
      [{ ...base, type: 'line-down', payload: { line: 'emergency', from: '2025-12-01T00:10:00.000Z', to: '2025-12-01T00:00:00.000Z' } }, 'time.order'],
      [{ ...base, type: 'call', payload: { line: 'hotline', answered: true, rings: -1 } }, 'number.count'],
      [
        { ...base, type: 'outage-announced', station: 'north', payload: { outage: OUTAGE, plannedStart: '2025-12-03T08:00:00.000Z', plannedEnd: '2025-12-03T08:00:00.000Z', affectedCustomers: 1, area: '1 号楼' } },
        'time.order',
      ],
      [{ ...base, type: 'outage-announced', station: 'north', payload: { outage: OUTAGE, plannedStart: '2025-12-03T08:00:00.000Z', affectedCustomers: 2.5, area: '1 号楼' } }, 'number.integer'],
      [{ ...base, type: 'call', payload: { line: 'fax', answered: true, rings: 1 } }, 'value.oneOf'],
    ] as const;
    for (const [r, message] of bad) {
      const res = v.safeParse(OperationsRecord, r);
      expect(res.success).toBe(false);
      expect(res.issues?.[0]?.message).toBe(message);
    }
  });

  it('reads the CouchDB shape with _id', () => {
    const { id, ...rest } = { ...base, type: 'outage-restored', station: 'north', payload: { outage: OUTAGE } };
    expect(v.safeParse(OperationsRecordDoc, { _id: id, _rev: '1-abc', ...rest }).success).toBe(true);
  });
});
