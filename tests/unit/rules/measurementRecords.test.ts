/**
 * One temperature-test record per visit (issue 16 item 5; 002 ch.2 测温办法: "records may not be
 * altered; a record without the resident's signature is invalid"). Figures from the method of
 * domain.md: a room under 16 m² has one point, 16–30 m² two, 30–60 m² three; the standard 18 °C.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { currentMeasurement, finishProblem, mayFinishTemperatureTest, measurementRecords, supersededMeasurementIds } from '../../../src/rules/measurementRecords';
import { PNG_SIGNATURE, aRequestHistory, resetIds, type Step } from '../../support/builders/events';
import { indexRequests, requestFacts } from '../../../src/rules/requestLinkage';

beforeEach(() => resetIds());

const living = (a: number, b: number) => ({ name: '客厅', areaM2: 24, readings: [a, b] }); // 24 m²: two points
const bedroom = (a: number) => ({ name: '主卧', areaM2: 12, readings: [a] }); // 12 m²: one point
const save = (rooms: object[], signed = true): Step => ['measured', { payload: { rooms, signature: signed ? PNG_SIGNATURE : undefined } }];
const test = (steps: Step[]) => aRequestHistory({ kind: 'temperature-test', steps: ['accepted', 'dispatched', 'arrived', ...steps] });

describe('one record per visit', () => {
  it('a correction supersedes the earlier save: one record, with the corrected value', () => {
    const events = test([save([living(18.5, 18.9), bedroom(16.2)], false), save([living(18.5, 18.9), bedroom(18.4)])]);
    const records = measurementRecords(events);
    expect(records).toHaveLength(1);
    const [record] = records;
    expect(record!.event.id).toBe(events[5]!.id);
    expect(record!.superseded.map((e) => e.id)).toEqual([events[4]!.id]);
    expect(record!.outcome.rooms.map((r) => [r.name, r.mean])).toEqual([
      ['客厅', 18.7],
      ['主卧', 18.4],
    ]);
    expect(record!.outcome).toMatchObject({ valid: true, allCompliant: true });
    expect([...supersededMeasurementIds(events)]).toEqual([events[4]!.id]);
    // the same in any order of arrival
    expect(currentMeasurement([...events].reverse())!.event.id).toBe(events[5]!.id);
  });

  it('a new visit (reopened, dispatched again) has a record of its own', () => {
    const events = test([save([bedroom(17.0)]), 'resolved', ['reopened', { author: 'resident' }], 'dispatched', 'arrived', save([bedroom(18.6)])]);
    const records = measurementRecords(events);
    expect(records.map((r) => [r.outcome.rooms[0]!.mean, r.superseded.length])).toEqual([
      [17.0, 0],
      [18.6, 0],
    ]);
    expect(records[0]!.visit).not.toBe(records[1]!.visit);
    expect(currentMeasurement(events)!.outcome.allCompliant).toBe(true);
    expect(supersededMeasurementIds(events).size).toBe(0);
  });

  it('nothing measured: no record', () => {
    expect(currentMeasurement(test([]))).toBeNull();
    expect(mayFinishTemperatureTest(test([]))).toBe(false);
  });
});

describe('signed or a draft', () => {
  it('an unsigned save is a draft, invalid; the resident’s later signature in the portal signs it', () => {
    const draft = test([save([bedroom(18.2)], false)]);
    expect(currentMeasurement(draft)).toMatchObject({ signed: false, outcome: { valid: false, allCompliant: null } });
    expect(currentMeasurement(draft)!.outcome.problems.map((p) => p.code)).toEqual(['unsigned']);
    const signedLater = test([save([bedroom(18.2)], false), ['signed-off', { author: 'resident' }]]);
    expect(currentMeasurement(signedLater)).toMatchObject({ signed: true, outcome: { valid: true } });
  });

  it('a correction needs its own signature: the resident signs what they read', () => {
    const events = test([save([bedroom(17.2)]), save([bedroom(18.2)], false)]);
    expect(currentMeasurement(events)).toMatchObject({ signed: false, outcome: { valid: false } });
  });

  it('a three-point room whose readings average 18 exactly meets the standard (17.2, 17.9, 18.9)', () => {
    const events = test([save([{ name: '客厅', areaM2: 40, readings: [17.2, 17.9, 18.9] }])]);
    expect(currentMeasurement(events)!.outcome).toMatchObject({ valid: true, allCompliant: true });
  });
});

describe('finishing a temperature test', () => {
  it('is refused with nothing measured, on a draft, on a record missing points; allowed on a valid signed record', () => {
    const reasons = (steps: Step[]) => finishProblem('resolved', 'temperature-test', test(steps))?.reason ?? null;
    expect(reasons([])).toMatch(/nothing was measured/);
    expect(reasons([save([living(18.5, 18.9)], false)])).toMatch(/signature/);
    expect(reasons([save([{ name: '客厅', areaM2: 24, readings: [18.5] }])])).toMatch(/measurement method/);
    expect(reasons([save([living(18.5, 18.9)])])).toBeNull();
    expect(finishProblem('resolved', 'temperature-test', test([save([living(18.5, 18.9)], false)]))?.rule).toBe('temperature-record');
  });

  it('holds only the finish of a temperature test', () => {
    expect(finishProblem('resolved', 'repair', [])).toBeNull();
    expect(finishProblem('measured', 'temperature-test', [])).toBeNull();
    expect(finishProblem('closed', 'temperature-test', [])).toBeNull();
  });

  it('the request index keeps what decides it (no signature images), so the server reads the same verdict', () => {
    const events = test([save([living(18.5, 18.9)], false), save([living(18.5, 18.9)])]);
    const facts = requestFacts(indexRequests(events), events[0]!.requestId)!;
    expect(facts.trail!.map((e) => e.type)).toEqual(['dispatched', 'measured', 'measured']);
    expect(JSON.stringify(facts.trail)).not.toContain('data:image');
    expect(finishProblem('resolved', 'temperature-test', facts.trail!)).toBeNull();
    const draft = test([save([living(18.5, 18.9)], false)]);
    expect(finishProblem('resolved', 'temperature-test', requestFacts(indexRequests(draft), draft[0]!.requestId)!.trail!)?.rule).toBe('temperature-record');
    // other kinds keep no trail
    const repair = aRequestHistory({ kind: 'repair' });
    expect(requestFacts(indexRequests(repair), repair[0]!.requestId)!.trail).toBeUndefined();
  });
});
