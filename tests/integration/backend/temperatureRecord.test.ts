/**
 * Issue 16 item 5 against the REAL server: the write check holds a temperature test to one
 * signed record before it is finished (src/rules/measurementRecords.ts finishProblem, read from
 * what the station's database holds: server/backend/requestRegistry.mjs), and steps that do not
 * fit the kind are refused (a technician's separate sign-off on a test, a consultation's
 * dispatch). Station staff made with the admin CLI, writing through /db like their devices.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type Site } from '../../support/server';
import { newStaff, request, type Auth } from '../../support/client';
import { PNG_SIGNATURE, anEvent, asCouchDoc } from '../../support/builders/events';
import { newRequestId } from '../../../src/db/schema/events/ids';
import type { EventType, RequestKind } from '../../../src/db/schema/index';

let site: Site;
const suffix = Date.now().toString(36);
const people = {
  dispatcher: { name: `tr-disp-${suffix}`, password: 'dispatcher pass 1', role: 'dispatcher', station: 'demo' },
  technician: { name: `tr-tech-${suffix}`, password: 'technician pass 1', role: 'technician', station: 'demo' },
} as const;
const cookies: Record<string, Auth> = {};
const DB = '/db/station-demo';

beforeAll(async () => {
  site = await startSite();
  for (const [key, who] of Object.entries(people)) cookies[key] = { cookie: await newStaff(site, who) };
}, 120_000);

afterAll(async () => {
  await site?.stop();
});

const tomorrow = new Date(Date.now() + 8 * 3_600_000 + 86_400_000).toISOString().slice(0, 10);
let clock = Date.now() - 10 * 60_000;
/** An event of `who` on the request, each a second after the one before (history order = writing order). */
function step(who: keyof typeof people, requestId: string, kind: RequestKind, type: EventType, payload?: Record<string, unknown>) {
  clock += 1000;
  const p = people[who];
  return asCouchDoc(
    anEvent(type, {
      requestId,
      requestKind: kind,
      station: 'demo',
      resident: 'r-88000001',
      at: new Date(clock).toISOString(),
      author: { name: p.name, role: p.role, device: `${who}-phone` },
      ...(payload ? { payload } : {}),
    }),
  );
}
const write = (who: keyof typeof people, doc: unknown) => request(site.url, 'POST', DB, doc, cookies[who]);
const rooms = [{ name: '客厅', areaM2: 24, readings: [18.5, 18.9] }];

/** A temperature test registered at the hall, dispatched, the technician on site. */
async function onSite(): Promise<string> {
  const requestId = newRequestId(clock);
  const submitted = step('dispatcher', requestId, 'temperature-test', 'submitted', {
    channel: 'hall',
    preferredSlots: [{ date: tomorrow, from: '09:00', to: '11:00' }],
  });
  for (const [who, doc] of [
    ['dispatcher', submitted],
    ['dispatcher', step('dispatcher', requestId, 'temperature-test', 'dispatched', { technician: people.technician.name, technicianName: '王师傅', visitAt: new Date(clock + 3_600_000).toISOString() })],
    ['technician', step('technician', requestId, 'temperature-test', 'arrived')],
  ] as const) {
    const res = await write(who, doc);
    expect(res.status, res.text).toBe(201);
  }
  return requestId;
}

describe('a temperature test is finished only on a record the resident signed', () => {
  it('nothing measured, then an unsigned draft: the finish is refused (temperature-record); signed: accepted', async () => {
    const id = await onSite();
    const early = await write('technician', step('technician', id, 'temperature-test', 'resolved'));
    expect([early.status, early.json.rule], early.text).toEqual([403, 'temperature-record']);

    const draft = await write('technician', step('technician', id, 'temperature-test', 'measured', { rooms, signature: undefined }));
    expect(draft.status, draft.text).toBe(201); // a draft is kept: it is invalid, not lost
    const unsigned = await write('technician', step('technician', id, 'temperature-test', 'resolved'));
    expect([unsigned.status, unsigned.json.rule], unsigned.text).toEqual([403, 'temperature-record']);
    expect(unsigned.json.reason).toMatch(/signature/);

    // The correction with the resident's signature supersedes the draft; then it may be finished.
    const signed = await write('technician', step('technician', id, 'temperature-test', 'measured', { rooms, signature: PNG_SIGNATURE }));
    expect(signed.status, signed.text).toBe(201);
    const done = await write('technician', step('technician', id, 'temperature-test', 'resolved'));
    expect(done.status, done.text).toBe(201);
  });

  it('an unsigned correction of a signed record makes it a draft again; a record and its finish in one batch are judged in order', async () => {
    const id = await onSite();
    for (const payload of [{ rooms, signature: PNG_SIGNATURE }, { rooms: [{ ...rooms[0]!, readings: [18.5, 19.9] }], signature: undefined }]) {
      expect((await write('technician', step('technician', id, 'temperature-test', 'measured', payload))).status).toBe(201);
    }
    const refused = await write('technician', step('technician', id, 'temperature-test', 'resolved'));
    expect(refused.json.rule).toBe('temperature-record');
    // an offline phone pushes the signed correction and the finish together
    const bulk = await request(site.url, 'POST', `${DB}/_bulk_docs`, {
      docs: [step('technician', id, 'temperature-test', 'measured', { rooms, signature: PNG_SIGNATURE }), step('technician', id, 'temperature-test', 'resolved')],
    }, cookies.technician);
    expect(bulk.json.map((r: { ok?: boolean; rule?: string }) => r.ok ?? r.rule), bulk.text).toEqual([true, true]);
  });

  it('a technician’s separate sign-off on a test is refused: the resident signs the record itself', async () => {
    const id = await onSite();
    const res = await write('technician', step('technician', id, 'temperature-test', 'signed-off', { signature: PNG_SIGNATURE, satisfied: true }));
    expect([res.status, res.json.rule], res.text).toEqual([403, 'may-emit']);
  });
});

describe('a consultation has no dispatch', () => {
  it('the dispatcher’s dispatch of a consultation is refused and not stored', async () => {
    const requestId = newRequestId(clock);
    const submitted = step('dispatcher', requestId, 'consultation', 'submitted', { channel: 'hall' });
    expect((await write('dispatcher', submitted)).status).toBe(201);
    const dispatch = step('dispatcher', requestId, 'consultation', 'dispatched', { technician: people.technician.name, technicianName: '王师傅', visitAt: new Date(clock + 3_600_000).toISOString() });
    const res = await write('dispatcher', dispatch);
    expect([res.status, res.json.rule], res.text).toEqual([403, 'may-emit']);
    expect((await request(site.url, 'GET', `${DB}/${dispatch._id}`, undefined, cookies.dispatcher)).status).toBe(404);
  });
});
