import { describe, expect, it } from 'vitest';
import * as P from '../../../src/db/schema/events/payloads';
import { REQUEST_KINDS, type RequestKind } from '../../../src/db/schema/requestKind';
import { SUBMISSION_LAYOUT, layoutOf, submissionFacts } from '../../../src/rules/submissionFacts';
import { authorLabel, directoryNames } from '../../../src/rules/peopleNames';
import { SUBMISSIONS, aRequestHistory, anEvent, authorOf } from '../../support/builders/events';

const SCHEMA_OF: Record<ReturnType<typeof layoutOf>, { entries: Record<string, unknown> }> = {
  consultation: P.ConsultationSubmission,
  complaint: P.ComplaintSubmission,
  repair: P.RepairSubmission,
  'temperature-test': P.TemperatureTestSubmission,
  appointment: P.AppointmentSubmission,
  suggestion: P.SuggestionSubmission,
  praise: P.PraiseSubmission,
  emergency: P.EmergencySubmission,
};

describe('submissionFacts (issue 16 item 1: the request as the resident told it)', () => {
  it.each(REQUEST_KINDS)('%s: the layout names every field of the submission schema, and no other', (kind) => {
    const layout = layoutOf(kind);
    expect([...SUBMISSION_LAYOUT[layout]].sort()).toEqual(Object.keys(SCHEMA_OF[layout].entries).sort());
  });

  it('puts what the resident asked about first: a repair its fault and description, a complaint its target, time, place, demand', () => {
    const repair = submissionFacts('repair', { ...SUBMISSIONS.repair, fault: 'other', details: '卫生间暖气片漏水' });
    expect(repair.map((f) => f.key)).toEqual(['fault', 'details', 'contactTimes', 'contact', 'address', 'channel']);
    expect(repair[0]!.value).toEqual({ kind: 'choice', list: 'fault', value: 'other' });
    expect(repair[1]!.value).toEqual({ kind: 'text', text: '卫生间暖气片漏水' });
    const complaint = submissionFacts('complaint', { ...SUBMISSIONS.complaint, happenedAt: '2025-12-01T02:00:00.000Z' });
    expect(complaint.map((f) => f.key)).toEqual(['about', 'happenedAt', 'place', 'demand', 'contact', 'address', 'channel']);
    expect(complaint[1]!.value).toEqual({ kind: 'instant', at: '2025-12-01T02:00:00.000Z' });
  });

  it("lays out a temperature test's rooms and slots, an appointment's date and slot, a consultation's question", () => {
    const test = submissionFacts('temperature-test', SUBMISSIONS['temperature-test']);
    expect(test[0]).toEqual({ key: 'rooms', value: { kind: 'rooms', rooms: [{ name: '客厅', areaM2: 24 }, { name: '卧室', areaM2: 12 }] } });
    expect(test[1]).toEqual({ key: 'preferredSlots', value: { kind: 'slots', slots: [{ date: '2025-12-03', from: '09:00', to: '11:00' }] } });
    const appointment = submissionFacts('appointment-installation', { ...SUBMISSIONS['appointment-installation'], note: '请先电话联系' });
    expect(appointment.slice(0, 3)).toEqual([
      { key: 'preferredDate', value: { kind: 'day', day: '2025-12-02' } },
      { key: 'slot', value: { kind: 'choice', list: 'slot', value: 'morning' } },
      { key: 'note', value: { kind: 'text', text: '请先电话联系' } },
    ]);
    expect(submissionFacts('consultation', SUBMISSIONS.consultation)[0]).toEqual({ key: 'question', value: { kind: 'text', text: '今年什么时候开始供暖？' } });
  });

  it('leaves out absent optional fields and keeps a field it does not know, as text, at the end', () => {
    const facts = submissionFacts('consultation', { ...SUBMISSIONS.consultation, building: '3 号楼' });
    expect(facts.map((f) => f.key)).toEqual(['question', 'contact', 'channel', 'building']);
    expect(facts.at(-1)!.value).toEqual({ kind: 'text', text: '3 号楼' });
  });

  it.each(REQUEST_KINDS)('%s: every word of the builders\' submission is in the facts', (kind: RequestKind) => {
    const payload = SUBMISSIONS[kind];
    const shown = JSON.stringify(submissionFacts(kind, payload));
    const leaves = (x: unknown): string[] => (x !== null && typeof x === 'object' ? Object.values(x).flatMap(leaves) : [JSON.stringify(x)]);
    expect(leaves(payload).length).toBeGreaterThan(2);
    for (const leaf of leaves(payload)) expect(shown).toContain(leaf);
  });
});

describe('authorLabel: the timeline names people, never logins', () => {
  const history = aRequestHistory({ steps: ['accepted', ['dispatched', { payload: { technician: 'chen', technicianName: '陈师傅', visitAt: '2025-12-01T02:00:00.000Z' } }], ['arrived', { author: { ...authorOf('technician'), name: 'chen' } }]] });
  it('names the resident by the contact of their submission', () => {
    expect(authorLabel(history[0]!, history, new Map())).toEqual({ role: 'resident', displayName: '张女士' });
  });
  it('names staff from the directory, a dispatched technician from the dispatch, and else only the role', () => {
    const accepted = history[1]!;
    expect(authorLabel(accepted, history, directoryNames([{ name: accepted.author.name, displayName: '王芳', roles: ['dispatcher'], station: 'north-1' }]))).toEqual({
      role: accepted.author.role,
      displayName: '王芳',
    });
    expect(authorLabel(history[3]!, history, new Map())).toEqual({ role: 'technician', displayName: '陈师傅' });
    expect(authorLabel(anEvent('note'), history, new Map())).toEqual({ role: anEvent('note').author.role, displayName: null });
  });
});
