import { beforeEach, describe, expect, it } from 'vitest';
import { customerArchive, findCustomers, requestState } from '../../../src/rules/index';
import { aRequestHistory, resetIds, OTHER_RESIDENT, RESIDENT, T0, type Step } from '../../support/builders/events';

beforeEach(() => resetIds());

const item = (events: ReturnType<typeof aRequestHistory>) => ({
  requestId: events[0]!.requestId,
  kind: events[0]!.requestKind,
  state: requestState(events, { now: Date.parse(T0) + 86_400_000 }),
  events,
});

describe('customerArchive (000 §5.1): the customers a staff device knows, from its records', () => {
  const archive = () =>
    customerArchive([
      item(aRequestHistory({ steps: ['accepted', 'dispatched', 'arrived', 'work-done', 'signed-off', 'resolved', 'callback'] })),
      item(aRequestHistory({ kind: 'temperature-test', steps: ['dispatched', 'arrived', 'measured'] })),
      item(aRequestHistory({ kind: 'consultation', steps: [], resident: OTHER_RESIDENT, submission: { payload: { contact: { name: '李先生', phone: '13900139000' } } } })),
    ]);

  it('gathers contact, addresses, heated area and the history of requests, visits, measurements and ratings', () => {
    const [first, second] = archive();
    expect(first).toMatchObject({
      resident: RESIDENT,
      accountNumber: '1001',
      names: ['张女士'],
      phones: ['13800138000'],
      addresses: ['北辰路 12 号院 3 号楼 2 单元 501'],
      heatedAreaM2: 36,
      visits: 2,
      measurements: [{ valid: true, compliant: true }],
      ratings: [{ attitude: 10, ability: 9 }],
    });
    expect(first!.requests.map((r) => r.kind).sort()).toEqual(['repair', 'temperature-test']);
    expect(second).toMatchObject({ resident: OTHER_RESIDENT, names: ['李先生'], addresses: [], heatedAreaM2: null, visits: 0 });
  });

  it('counts one measurement per visit: a correction supersedes the earlier saves, with the corrected value', () => {
    const save = (reading: number): Step => ['measured', { payload: { rooms: [{ name: '卧室', areaM2: 12, readings: [reading] }], signature: undefined } }];
    const events = aRequestHistory({ kind: 'temperature-test', steps: ['dispatched', 'arrived', save(16.0), save(16.2), ['measured', { payload: { rooms: [{ name: '卧室', areaM2: 12, readings: [18.4] }] } }]] });
    const [record] = customerArchive([item(events)]);
    expect(record!.measurements).toEqual([{ at: events[5]!.at, valid: true, compliant: true }]);
    expect(record!.heatedAreaM2).toBe(12);
  });

  it('finds a customer by account number, phone or address, spaces ignored', () => {
    const all = archive();
    expect(findCustomers(all, '1001').map((c) => c.resident)).toEqual([RESIDENT]);
    expect(findCustomers(all, '139 0013 9000').map((c) => c.resident)).toEqual([OTHER_RESIDENT]);
    expect(findCustomers(all, '北辰路12号院').map((c) => c.resident)).toEqual([RESIDENT]);
    expect(findCustomers(all, '   ')).toEqual([]);
  });
});
