import { describe, expect, it } from 'vitest';
import { formRecord, measurementFormRooms, measurementPayload, pointsForArea, withArea } from '../../../src/rules/measurementForm';
import { parseEvent } from '../../../src/db/schema/events/event';
import { describeEventIssues } from '../../../src/i18n/issues';
import { anEvent } from '../../support/builders/events';

describe('the measurement form', () => {
  it('has as many reading fields as the area needs (domain.md: <16 m² one, 16–30 two, 30–60 three, 60+ five)', () => {
    expect(['12', '16', '29.9', '30', '59', '60', '', 'abc'].map(pointsForArea)).toEqual([1, 2, 2, 3, 3, 5, 1, 1]);
    expect(withArea({ name: '客厅', area: '12', readings: ['18.2'] }, '24')).toEqual({ name: '客厅', area: '24', readings: ['18.2', ''] });
    expect(withArea({ name: '客厅', area: '40', readings: ['1', '2', '3'] }, '12').readings).toEqual(['1']);
  });

  it('opens on the saved record (a correction starts from what was saved), else on the rooms the resident asked for', () => {
    const saved = [{ name: '客厅', areaM2: 24, readings: [18.5, 18.9] }];
    expect(measurementFormRooms(saved, [{ name: '书房', areaM2: 9 }])).toEqual([{ name: '客厅', area: '24', readings: ['18.5', '18.9'] }]);
    expect(measurementFormRooms(null, [{ name: '书房', areaM2: 9 }, { name: '客厅', areaM2: 35 }])).toEqual([
      { name: '书房', area: '9', readings: [''] },
      { name: '客厅', area: '35', readings: ['', '', ''] },
    ]);
    expect(measurementFormRooms(null, [])).toEqual([{ name: '', area: '', readings: [''] }]);
  });

  it('sends every field as typed, so the write check names a blank or a wrong figure at its own field', () => {
    const payload = measurementPayload([{ name: '客厅', area: '24', readings: ['18,5', ''] }, { name: ' ', area: 'x', readings: ['hot'] }], null);
    const parsed = parseEvent({ ...anEvent('measured', { requestKind: 'temperature-test' }), payload });
    expect(parsed.success).toBe(false);
    const paths = parsed.success ? [] : describeEventIssues(parsed.issues, 'zh-CN').map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['payload.rooms[0].readings[1]', 'payload.rooms[1].name', 'payload.rooms[1].areaM2', 'payload.rooms[1].readings[0]']));
    expect(paths).not.toContain('payload.rooms[0].readings[0]'); // 18,5 is 18.5
  });

  it('carries the signature only when the resident signed; judges typed figures before saving', () => {
    expect(measurementPayload([{ name: '卧室', area: '12', readings: ['18.2'] }], 'data:image/png;base64,x')).toEqual({
      rooms: [{ name: '卧室', areaM2: 12, readings: [18.2] }],
      signature: 'data:image/png;base64,x',
    });
    expect(measurementPayload([{ name: '卧室', area: '12', readings: ['18.2'] }], null)).not.toHaveProperty('signature');
    expect(formRecord([{ name: '卧室', area: '12', readings: [''] }])[0]!.readings[0]).toBeNaN();
  });
});
