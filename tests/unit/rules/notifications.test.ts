import { describe, expect, it } from 'vitest';
import { CALLBACK_STAFF_ROLES, REMEDY_APPROVER_ROLES, callbackDueNotice, chinaWhen, noticeOfEvent, noticeText, outageNoticeAt, staffToTell } from '../../../src/rules/notifications';
import { aRequestHistory, anEvent } from '../../support/builders/events';
import { NOTIFICATION_KINDS } from '../../../src/db/schema/notifications';
import { dictionary } from '../../../src/i18n';

const HOUR = 3_600_000;

describe('which events tell whom (issue 19, item 3)', () => {
  const [submitted] = aRequestHistory({ kind: 'repair', steps: [] });
  const common = { requestId: submitted!.requestId, requestKind: 'repair' as const, resident: submitted!.resident, station: submitted!.station };

  it('a dispatch tells the resident the technician and the visit time, China time', () => {
    const e = anEvent('dispatched', { ...common, author: 'dispatcher', payload: { technician: 'wang', technicianName: '王师傅', visitAt: '2025-12-03T06:30:00.000Z' } });
    const n = noticeOfEvent(e);
    expect(n).toMatchObject({ audience: 'resident', kind: 'dispatched', resident: common.resident, params: { technicianName: '王师傅', visitTime: '12月3日 14:30' }, urgent: false });
    expect(noticeText('dispatched', n!.params).text).toBe('您的诉求已派单，王师傅将于12月3日 14:30上门服务。');
  });

  it('a visit already past when its event reaches the server (an offline device, late) is told to nobody', () => {
    const e = anEvent('dispatched', { ...common, author: 'dispatcher', payload: { technician: 'wang', technicianName: '王师傅', visitAt: '2025-12-03T06:30:00.000Z' } });
    expect(noticeOfEvent(e, '报修', Date.parse('2025-12-03T06:29:00.000Z'))?.kind).toBe('dispatched');
    expect(noticeOfEvent(e, '报修', Date.parse('2025-12-03T06:30:00.000Z'))).toBeNull();
  });

  it('nothing internal, and no free text: a note is no message, a late notice gives the new time only', () => {
    expect(noticeOfEvent(anEvent('note', { ...common, author: 'dispatcher', visibility: 'internal', payload: { text: '内部' } }))).toBeNull();
    const late = noticeOfEvent(anEvent('late-notice', { ...common, author: 'technician', payload: { newVisitAt: '2025-12-03T08:00:00.000Z', reason: '前一户漏水' } }));
    expect(late?.kind).toBe('visit-moved');
    expect(JSON.stringify(late)).not.toContain('漏水');
    expect(noticeText('visit-moved', late!.params).text).toBe('抱歉，上门时间改为12月3日 16:00。');
  });

  it('an escalation tells the rung, not the resident', () => {
    const n = noticeOfEvent(anEvent('escalated', { ...common, author: 'dispatcher', visibility: 'internal', payload: { level: 2 } }), '报修');
    expect(n).toMatchObject({ audience: 'rung', level: 2, station: common.station });
    expect(noticeText('escalated', n!.params).subject).toBe('工单超时升级（公司经理） / Overdue order escalated (level 2)');
  });

  it('a planned outage is told 48 h before its start, or at once when announced later', () => {
    const start = Date.parse('2025-12-10T02:00:00Z');
    expect(outageNoticeAt(start - 100 * HOUR, new Date(start).toISOString()).getTime()).toBe(start - 48 * HOUR);
    expect(outageNoticeAt(start - 30 * HOUR, start).getTime()).toBe(start - 30 * HOUR);
  });

  it('times read as residents read them', () => {
    expect(chinaWhen('2025-12-31T16:05:00Z')).toEqual({ zh: '1月1日 00:05', en: '2026-01-01 00:05' });
  });
});

describe('staff told by role: a callback due, a remedy awaiting approval (issue 19, item 3)', () => {
  const [submitted] = aRequestHistory({ kind: 'complaint', steps: [] });
  const common = { requestId: submitted!.requestId, requestKind: 'complaint' as const, resident: submitted!.resident, station: submitted!.station };
  const staff = [
    { name: 'hot1', roles: ['staff', 'hotline'], station: null },
    { name: 'ch1', roles: ['staff', 'complaint-handler'], station: null },
    { name: 'head-a', roles: ['staff', 'station-head'], station: common.station },
    { name: 'head-b', roles: ['staff', 'station-head'], station: 'elsewhere' },
    { name: 'disp-a', roles: ['staff', 'dispatcher'], station: common.station },
    { name: 'mgr', roles: ['staff', 'manager'], station: null },
  ];

  it('the roles come from the permission table: who writes callbacks, who approves remedies', () => {
    expect([...CALLBACK_STAFF_ROLES].sort()).toEqual(['complaint-handler', 'hotline']);
    expect(REMEDY_APPROVER_ROLES).toEqual(['station-head']);
  });

  it('a proposed remedy tells the station head of that station only, without the remedy\'s words', () => {
    const e = anEvent('remedy-proposed', { ...common, author: 'complaintHandler', visibility: 'internal', payload: { remedy: '赔偿内部说明' } });
    const n = noticeOfEvent(e, '投诉');
    expect(n).toMatchObject({ audience: 'staff', kind: 'remedy-awaiting-approval', source: e.id, requestId: common.requestId, station: common.station });
    expect(JSON.stringify(n)).not.toContain('赔偿');
    expect(staffToTell(staff, (n as any).roles, common.station)).toEqual(['head-a']);
    const words = noticeText('remedy-awaiting-approval', n!.params);
    expect(words.text).toBe(`${common.station}的投诉${common.requestId}已提出处理措施，请审批。`);
    expect(words.subject).toBe('投诉处理措施待审批 / A complaint remedy awaits approval');
  });

  it('a callback due tells the callback staff, once per try', () => {
    const due = { requestId: common.requestId, kind: 'repair' as const, attempts: 0, mayCallNow: true, offerAt: new Date(0) };
    const first = callbackDueNotice(due, common.station, '报修');
    expect(first).toMatchObject({ audience: 'staff', kind: 'callback-due', source: 'callback-due-1' });
    expect(callbackDueNotice({ ...due, attempts: 1 }, common.station).source).toBe('callback-due-2');
    expect(staffToTell(staff, first.roles, common.station)).toEqual(['ch1', 'hot1']);
    expect(noticeText('callback-due', first.params).text).toBe(`${common.station}的报修诉求${common.requestId}已处理完毕，请回访居民（第1次）。`);
    expect(noticeText('callback-due', first.params).textEn).toContain('please call the resident back (call 1)');
  });
});

describe('the words of the messages', () => {
  it('are the dictionaries’ (src/i18n): a subject and a text per kind in each language', () => {
    const zh = dictionary('zh-CN').notifications;
    const en = dictionary('en').notifications;
    expect(Object.keys(zh).sort()).toEqual([...NOTIFICATION_KINDS].sort());
    expect(Object.keys(en).sort()).toEqual([...NOTIFICATION_KINDS].sort());
    for (const kind of NOTIFICATION_KINDS) {
      const words = noticeText(kind, {});
      expect(words.text, kind).toBe(zh[kind].text.replace(/\{\w+\}/g, ''));
      expect(words.textEn, kind).toBe(en[kind].text.replace(/\{\w+\}/g, ''));
    }
    expect(noticeText('outage-restored', { communities: '示范花园' })).toEqual({
      subject: '恢复供热 / Heating restored',
      text: '示范花园已恢复供热。',
      textEn: 'Heating in 示范花园 has been restored.',
    });
  });
});
