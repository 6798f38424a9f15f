import { beforeEach, describe, expect, it } from 'vitest';
import { dispatchForm } from '../../../src/rules/index';
import { aRequestHistory, resetIds } from '../../support/builders/events';

beforeEach(() => resetIds());

describe('dispatchForm (服务派单, 002 table 1)', () => {
  it('fills every field from the events of a hall registration', () => {
    const events = aRequestHistory({
      submittedBy: 'dispatcher',
      start: '2025-12-01T01:05:00.000Z', // 09:05 China time
      steps: [
        ['dispatched', { payload: { visitAt: '2025-12-01T02:00:00.000Z', supervisor: '刘所长' } }],
        ['late-notice', { payload: { newVisitAt: '2025-12-01T03:00:00.000Z' } }],
        'arrived',
        'work-done',
        'signed-off',
        'resolved',
        'callback',
      ],
    });
    const form = dispatchForm(events, '0042');
    expect(form).toMatchObject({
      number: '0042',
      station: 'north-1',
      date: '2025-12-01',
      receivedTime: '09:05',
      receivedBy: 'dp-wang',
      visitAt: '2025-12-01 11:00',
      address: '北辰路 12 号院 3 号楼 2 单元 501',
      phone: '13800138000',
      contact: '张女士',
      content: { kind: 'repair', fault: 'radiator-not-warm', text: null },
      issuedAt: '2025-12-01 09:35',
      issuedTo: '陈师傅',
      supervisor: '刘所长',
      callbackAt: '2025-12-01 12:35',
      callbackBy: 'hl-li',
      callbackResult: { outcome: 'satisfied', attitude: 10, ability: 9 },
    });
  });

  it('leaves the fields not known yet empty, and names the acceptor of a portal request', () => {
    const form = dispatchForm(aRequestHistory({ steps: ['accepted'] }), '7');
    expect(form.receivedBy).toBe('hl-li');
    expect(form.issuedAt).toBeNull();
    expect(form.visitAt).toBeNull();
    expect(form.callbackResult).toBeNull();
  });
});
