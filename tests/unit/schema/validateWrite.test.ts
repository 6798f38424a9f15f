import { beforeEach, describe, expect, it } from 'vitest';
import { WRITE_RULES, validateWrite, type WriteDatabase, type WriteInput, type WriteVerdict } from '../../../src/db/validateWrite';
import type { EventRecord } from '../../../src/db/schema/index';
import type { OwnershipContext } from '../../../src/db/writeOwnership';
import {
  OTHER_RESIDENT,
  OTHER_STATION,
  PEOPLE,
  RESIDENT,
  STATION,
  aSubmitted,
  aSubmittedRepair,
  anEvent,
  asCouchDoc,
  couchUser,
  resetIds,
  SUBMISSIONS,
  type PersonKey,
} from '../builders/events';

beforeEach(() => resetIds());

const DB = {
  resident: { kind: 'resident', owner: RESIDENT },
  otherResident: { kind: 'resident', owner: OTHER_RESIDENT },
  station: { kind: 'station', station: STATION },
  otherStation: { kind: 'station', station: OTHER_STATION },
  operations: { kind: 'operations' },
  users: { kind: 'other', name: '_users' },
} as const satisfies Record<string, WriteDatabase>;

const ROUTER = { name: 'router', roles: ['_admin'] };

/** The server's view: a CouchDB document written by `who` into `database`. */
function write(
  event: EventRecord | Record<string, unknown>,
  who: PersonKey | WriteInput['user'],
  database: WriteDatabase,
  options: { existing?: boolean; raw?: boolean } = {},
): WriteVerdict {
  const doc = options.raw ? event : asCouchDoc(event as EventRecord);
  return validateWrite({ database, doc, user: typeof who === 'string' ? couchUser(who) : who, existing: options.existing ?? false });
}

function refusal(verdict: WriteVerdict): { status: number; rule: string; reason: string } {
  if (verdict.ok) throw new Error('expected a refusal, the write was accepted');
  return { status: verdict.status, rule: verdict.rule, reason: verdict.reason };
}

describe('accepted writes', () => {
  it('a resident submits a repair into their own database; the event comes back in the device shape', () => {
    const e = aSubmittedRepair();
    const verdict = write(e, 'resident', DB.resident);
    expect(verdict).toEqual({ ok: true, event: e });
  });

  it.each([
    ['dispatcher', 'dispatched', 'station'],
    ['technician', 'arrived', 'station'],
    ['technician', 'measured', 'station'],
    ['technician', 'signed-off', 'station'],
    ['stationHead', 'remedy-approved', 'station'],
    ['hotline', 'accepted', 'operations'],
    ['hotline', 'submitted', 'operations'],
    ['complaintHandler', 'cause', 'operations'],
    ['manager', 'remedy-approved', 'operations'],
    ['admin', 'closed', 'operations'],
    ['resident', 'rated', 'resident'],
    ['resident', 'withdrawn', 'resident'],
  ] as const)('a %s writes %s into the %s database', (who, type, db) => {
    const event = type === 'submitted' ? aSubmittedRepair({ author: who }) : anEvent(type, { author: who });
    expect(write(event, who, DB[db]).ok).toBe(true);
  });

  it('the device shape is read too, with the `_deleted: false` RxDB push sends', () => {
    const e = anEvent('arrived', { author: 'technician' });
    expect(validateWrite({ database: DB.station, doc: { ...e, _deleted: false }, user: couchUser('technician'), existing: false })).toEqual({
      ok: true,
      event: e,
    });
  });
});

describe('signed-in', () => {
  it('an anonymous write is 401', () => {
    expect(refusal(write(aSubmittedRepair(), { name: null, roles: [] }, DB.resident))).toMatchObject({ status: 401, rule: 'signed-in' });
  });
});

describe('never-deleted', () => {
  it('a deletion is refused, for the router too', () => {
    const e = anEvent('note', { author: 'dispatcher' });
    const deletion = { _id: e.id, _rev: '1-abc', _deleted: true };
    for (const user of [couchUser('dispatcher'), ROUTER]) {
      const r = refusal(write(deletion, user, DB.station, { raw: true, existing: true }));
      expect(r).toMatchObject({ status: 403, rule: 'never-deleted' });
      expect(r.reason).toMatch(/^events are never deleted/);
    }
    // The device shape too.
    expect(refusal(write({ ...e, _deleted: true }, 'dispatcher', DB.station, { raw: true })).rule).toBe('never-deleted');
  });
});

describe('never-changed', () => {
  it('writing an id that exists is refused', () => {
    const r = refusal(write(aSubmittedRepair(), 'resident', DB.resident, { existing: true }));
    expect(r).toMatchObject({ status: 403, rule: 'never-changed' });
    expect(r.reason).toMatch(/^events are never changed/);
  });

  it('a new write carrying a _rev is refused', () => {
    const doc = { ...asCouchDoc(aSubmittedRepair()), _rev: '1-abc' };
    expect(refusal(write(doc, 'resident', DB.resident, { raw: true })).rule).toBe('never-changed');
  });
});

describe('well-formed', () => {
  it('names the first field and its problem', () => {
    const t = aSubmitted('temperature-test');
    const bad = { ...t, payload: { ...t.payload, rooms: [{ name: '客厅', areaM2: 1200 }] } };
    const r = refusal(write(bad, 'resident', DB.resident));
    expect(r).toMatchObject({ status: 403, rule: 'well-formed' });
    expect(r.reason).toBe('the event is malformed: payload.rooms[0].areaM2: Area must be more than 0 m² and at most 1000 m².');
  });

  it('counts the other problems', () => {
    const e = anEvent('dispatched');
    const bad = { ...e, at: 'now', payload: { ...e.payload, visitAt: 'soon' } };
    expect(refusal(write(bad, 'dispatcher', DB.station)).reason).toBe(
      'the event is malformed: at: Time must be a UTC time such as 2025-12-01T08:30:00.000Z. (and 1 more problem)',
    );
  });

  it('refuses what is not an event at all', () => {
    for (const doc of [{ _id: 'ev-01KBBKB100N1K7N8KS3DQSKEKZ', hello: 'world' }, { _id: '3f2a9c' }, 'text', null]) {
      expect(refusal(write(doc as Record<string, unknown>, 'resident', DB.resident, { raw: true })).rule).toBe('well-formed');
    }
    // A CouchDB-generated uuid is not an event id.
    const { _id: _i, ...rest } = asCouchDoc(aSubmittedRepair());
    expect(refusal(write({ ...rest, _id: 'c0ffee00c0ffee00c0ffee00c0ffee00' }, 'resident', DB.resident, { raw: true })).reason).toMatch(
      /^the event is malformed: _id: /,
    );
  });

  it('refuses a CouchDB document that also carries id (it would poison the devices)', () => {
    const e = aSubmittedRepair();
    expect(refusal(write({ ...asCouchDoc(e), id: e.id }, 'resident', DB.resident, { raw: true })).reason).toMatch(/^the event is malformed: id: /);
  });
});

describe('author-is-user', () => {
  it('an event written in someone else’s name is refused', () => {
    const e = anEvent('dispatched', { author: 'dispatcher' });
    const r = refusal(write(e, { name: 'dp-zhang', roles: couchUser('dispatcher').roles }, DB.station));
    expect(r.rule).toBe('author-is-user');
    expect(r.reason).toMatch(/^author must be the signed-in user/);
  });
});

describe('author-role', () => {
  it('an author may only act in a role they hold', () => {
    const e = anEvent('dispatched', { author: { name: PEOPLE.technician.name, role: 'dispatcher', device: PEOPLE.technician.device } });
    const r = refusal(write(e, 'technician', DB.station));
    expect(r.rule).toBe('author-role');
    expect(r.reason).toBe('author.role must be one of your roles: "dispatcher" is not (yours: technician)');
  });
});

describe('may-emit', () => {
  it('a technician cannot approve a complaint remedy (domain.md)', () => {
    const r = refusal(write(anEvent('remedy-approved', { author: 'technician' }), 'technician', DB.station));
    expect(r).toMatchObject({ status: 403, rule: 'may-emit', reason: 'a technician may not emit remedy-approved' });
  });

  it('a resident cannot dispatch or close (domain.md)', () => {
    expect(refusal(write(anEvent('dispatched', { author: 'resident' }), 'resident', DB.resident)).reason).toBe('a resident may not emit dispatched');
    expect(refusal(write(anEvent('closed', { author: 'resident' }), 'resident', DB.resident)).reason).toBe('a resident may not emit closed');
  });

  it('the committee writes no events', () => {
    expect(refusal(write(anEvent('note', { author: 'committee' }), 'committee', DB.operations)).reason).toBe('a committee may not emit note');
  });
});

describe('resident-database', () => {
  it("a resident writes only into their own database", () => {
    const e = aSubmittedRepair();
    expect(refusal(write(e, 'resident', DB.otherResident)).rule).toBe('resident-database');
  });

  it('and only about their own requests', () => {
    const e = aSubmittedRepair({ resident: OTHER_RESIDENT });
    const r = refusal(write(e, 'resident', DB.resident));
    expect(r.rule).toBe('resident-database');
    expect(r.reason).toMatch(/own requests/);
  });

  it('staff do not write into a resident database (the router copies their events)', () => {
    expect(refusal(write(anEvent('dispatched'), 'dispatcher', DB.resident)).rule).toBe('resident-database');
  });

  it('a resident does not write into station or operations databases', () => {
    expect(refusal(write(aSubmittedRepair(), 'resident', DB.station)).rule).toBe('station-database');
    expect(refusal(write(aSubmittedRepair(), 'resident', DB.operations)).rule).toBe('operations-database');
  });
});

describe('resident-station', () => {
  it("a resident's request must go to the station of their community, when the server knows it", () => {
    const known = { ...DB.resident, station: STATION };
    expect(write(aSubmittedRepair({ station: STATION }), 'resident', known).ok).toBe(true);
    const r = refusal(write(aSubmittedRepair({ station: OTHER_STATION }), 'resident', known));
    expect(r.rule).toBe('resident-station');
    expect(r.reason).toContain(`"${STATION}"`);
    // Without a known station (no profile yet) the write is judged on the other rules alone.
    expect(write(aSubmittedRepair({ station: OTHER_STATION }), 'resident', DB.resident).ok).toBe(true);
  });
});

describe('station-database', () => {
  it('station staff write only into their own station’s database', () => {
    const e = anEvent('dispatched', { author: 'otherStationDispatcher', station: OTHER_STATION });
    expect(write(e, 'otherStationDispatcher', DB.otherStation).ok).toBe(true);
    const r = refusal(write(e, 'otherStationDispatcher', DB.station));
    expect(r.rule).toBe('station-database');
  });

  it('and only about their own station', () => {
    const e = anEvent('dispatched', { station: OTHER_STATION });
    const r = refusal(write(e, 'dispatcher', DB.station));
    expect(r.rule).toBe('station-database');
    expect(r.reason).toMatch(/own station/);
  });

  it('staff of no station do not write into a station database', () => {
    expect(refusal(write(anEvent('accepted', { author: 'hotline' }), 'hotline', DB.station)).rule).toBe('station-database');
  });
});

describe('operations-database', () => {
  it('takes hotline, complaint handlers, managers and admins only', () => {
    expect(refusal(write(anEvent('note', { author: 'technician' }), 'technician', DB.operations)).rule).toBe('operations-database');
    expect(refusal(write(anEvent('dispatched'), 'dispatcher', DB.operations)).rule).toBe('operations-database');
  });
});

describe('event-database', () => {
  it('events go nowhere else', () => {
    const r = refusal(write(anEvent('accepted', { author: 'hotline' }), 'hotline', DB.users));
    expect(r.rule).toBe('event-database');
  });
});

describe('booking-window', () => {
  it('refuses an appointment on a date the commitments do not allow, naming the field; the router copies it anyway', () => {
    // T0 is Mon 1 Dec 2025: a repair appointment (working days only) may not be on Saturday 6 Dec.
    const late = aSubmitted('appointment-repair', { payload: { ...SUBMISSIONS['appointment-repair'], preferredDate: '2025-12-06' } });
    const r = refusal(write(late, 'resident', DB.resident));
    expect(r.rule).toBe('booking-window');
    expect(r.reason).toMatch(/^payload\.preferredDate: Date of the visit must be a day we can come/);
    expect(write(late, ROUTER, DB.station).ok).toBe(true);
  });
});

describe('the router (CouchDB admin)', () => {
  it('copies any valid event anywhere, with its _rev, even when it exists', () => {
    const e = anEvent('dispatched');
    expect(write({ ...asCouchDoc(e), _rev: '1-abc' }, ROUTER, DB.resident, { raw: true, existing: true })).toEqual({ ok: true, event: e });
  });

  it('still refuses a malformed event', () => {
    expect(refusal(write({ ...anEvent('note'), visibility: 'resident' }, ROUTER, DB.station)).rule).toBe('well-formed');
  });
});

/** One broken write per ownership rule (src/db/writeOwnership.ts), in WRITE_RULES order. */
function ownershipCases(e: EventRecord): WriteVerdict[] {
  const facts = { requestId: e.requestId, requestKind: e.requestKind, resident: e.resident, stations: [e.station], submittedAt: e.at, submissionId: 'ev-01KB0000000000000000000001', submittedBy: 'resident' };
  const at = (context: OwnershipContext, doc: EventRecord = e, who: PersonKey = 'dispatcher', database: WriteDatabase = DB.station) =>
    validateWrite({ database, doc: asCouchDoc(doc), user: couchUser(who), existing: false, context });
  const submission = aSubmittedRepair();
  return [
    at({ now: Date.parse(e.at) - 25 * 3_600_000 }),
    at({ request: { ...facts, requestId: submission.requestId } }, submission, 'resident', DB.resident),
    at({ request: null }),
    at({ request: { ...facts, resident: OTHER_RESIDENT } }),
    at({ request: { ...facts, stations: [OTHER_STATION] } }),
    // a temperature test finished with nothing measured (measurementRecords.ts finishProblem)
    at({ request: { ...facts, requestKind: 'temperature-test', trail: [] } }, anEvent('resolved', { requestKind: 'temperature-test', requestId: e.requestId, author: 'technician' }), 'technician'),
    at({ quota: { usage: { lastHour: 5, lastDay: 5, open: 5 } } }, submission, 'resident', DB.resident),
    at({ quota: { usage: { lastHour: 0, lastDay: 10, open: 5 } } }, submission, 'resident', DB.resident),
    at({ quota: { usage: { lastHour: 0, lastDay: 0, open: 10 } } }, submission, 'resident', DB.resident),
    // src/rules/dispatch.ts: a login that is not one of the station's technicians; a visit before the order
    at({ technicians: ['tc-zhou'] }),
    at({ technicians: [PEOPLE.technician.name] }, { ...e, payload: { ...(e.payload as object), visitAt: new Date(Date.parse(e.at) - 60_000).toISOString() } } as EventRecord),
  ];
}

describe('the rules', () => {
  it('one broken write per rule reports exactly that rule, in WRITE_RULES order', () => {
    const e = anEvent('dispatched');
    const cases: WriteVerdict[] = [
      write(e, { name: null, roles: [] }, DB.station),
      write({ _id: e.id, _deleted: true }, 'dispatcher', DB.station, { raw: true }),
      write(e, 'dispatcher', DB.station, { existing: true }),
      validateWrite({ database: DB.station, doc: { ...asCouchDoc(e), receivedAt: e.at }, user: couchUser('dispatcher'), existing: false }),
      write({ ...e, at: 'now' }, 'dispatcher', DB.station),
      write(e, { name: 'dp-zhang', roles: couchUser('dispatcher').roles }, DB.station),
      write(e, { name: PEOPLE.dispatcher.name, roles: couchUser('technician').roles }, DB.station),
      write(anEvent('remedy-approved', { author: 'technician' }), 'technician', DB.station),
      write(aSubmitted('appointment-repair', { payload: { ...SUBMISSIONS['appointment-repair'], preferredDate: '2025-12-07' } }), 'resident', DB.resident),
      // T0 is 08:00 China time: a resident not reached, tried again at 23:30 that night
      write(anEvent('callback', { author: 'hotline', payload: { outcome: 'unreachable', attitude: undefined, ability: undefined, satisfaction: undefined, nextTryAt: '2025-12-01T15:30:00.000Z' } } as never), 'hotline', DB.operations),
      write(e, 'dispatcher', DB.resident),
      write(aSubmittedRepair({ station: OTHER_STATION }), 'resident', { ...DB.resident, station: STATION }),
      write(e, 'dispatcher', DB.otherStation),
      write(e, 'dispatcher', DB.operations),
      write(e, 'dispatcher', DB.users),
      ...ownershipCases(e),
    ];
    expect(cases.map((c) => (c.ok ? 'ok' : c.rule))).toEqual([...WRITE_RULES]);
    expect(write(e, 'dispatcher', DB.station).ok).toBe(true);
  });
});

