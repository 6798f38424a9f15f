/**
 * The generated validate_doc_update (src/db/designDocs.ts), evaluated as CouchDB would: the
 * function's source compiled on its own (no closure over our modules), called with real
 * documents, the user context and the old document. It must agree with validateWrite on every
 * rule it can hold (one document at a time: not the request's existence, the quota or the
 * booking windows).
 */
import { describe, expect, it } from 'vitest';
import { designDocFor, validateDocUpdateSource } from '../../../src/db/designDocs';
import { validateWrite, type WriteDatabase } from '../../../src/db/validateWrite';
import { EVENT_TYPES, type EventType } from '../../../src/db/schema/events/event';
import { OTHER_RESIDENT, OTHER_STATION, PEOPLE, RESIDENT, STATION, aSubmittedRepair, anEvent, asCouchDoc, couchUser, type PersonKey } from '../builders/events';
import type { EventDatabase } from '../../../src/db/databaseNames';

type Verdict = { ok: true } | { ok: false; rule: string; message: string };

const compiled = new Map<string, (doc: unknown, old: unknown, userCtx: unknown, secObj: unknown) => void>();
function designVerdict(database: EventDatabase, doc: unknown, user: { name: string | null; roles: readonly string[] }, oldDoc: unknown = null): Verdict {
  const key = JSON.stringify(database);
  let fn = compiled.get(key);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  if (!fn) compiled.set(key, (fn = new Function(`return (${validateDocUpdateSource(database)});`)() as never));
  try {
    fn!(JSON.parse(JSON.stringify(doc)), oldDoc, { db: 'ignored', name: user.name, roles: [...user.roles] }, {});
    return { ok: true };
  } catch (e) {
    const err = e as { forbidden?: string; unauthorized?: string };
    const message = err.forbidden ?? err.unauthorized;
    if (message === undefined) throw e;
    return { ok: false, rule: message.split(':')[0]!, message };
  }
}

const DBS = {
  resident: { kind: 'resident', owner: RESIDENT },
  station: { kind: 'station', station: STATION },
  otherStation: { kind: 'station', station: OTHER_STATION },
  operations: { kind: 'operations' },
} as const satisfies Record<string, EventDatabase>;

function home(who: PersonKey): EventDatabase {
  const p = PEOPLE[who] as { role: string; station?: string; name: string };
  if (p.role === 'resident') return { kind: 'resident', owner: p.name };
  if (p.station) return { kind: 'station', station: p.station };
  return DBS.operations;
}

function both(database: EventDatabase, doc: Record<string, unknown>, who: PersonKey | { name: string | null; roles: string[] }, old: unknown = null) {
  const user = typeof who === 'string' ? couchUser(who) : who;
  const server = validateWrite({ database: database as WriteDatabase, doc, user, existing: old !== null });
  return { design: designVerdict(database, doc, user, old), server };
}

describe('the generated validate_doc_update', () => {
  it('is a design document of plain ES5 JavaScript with its data inlined', () => {
    const dd = designDocFor(DBS.station);
    expect(dd._id).toBe('_design/hearthline-validate');
    expect(dd.validate_doc_update).toMatch(/^function \(newDoc, oldDoc, userCtx, secObj\)/);
    expect(dd.validate_doc_update).not.toMatch(/\brequire\(|\bimport\s|=>|\blet |\bconst |`/);
  });

  it('accepts every type of event written by its author into their database, as validateWrite does', () => {
    for (const type of EVENT_TYPES as readonly EventType[]) {
      const event = type === 'submitted' ? aSubmittedRepair() : anEvent(type);
      const who = (Object.keys(PEOPLE) as PersonKey[]).find((k) => PEOPLE[k].name === event.author.name)!;
      const { design, server } = both(home(who), asCouchDoc(event), who);
      expect(server.ok, `${type}: ${JSON.stringify(server)}`).toBe(true);
      expect(design, type).toEqual({ ok: true });
    }
  });

  it('refuses what validateWrite refuses, with the same rule', () => {
    const e = asCouchDoc(anEvent('dispatched'));
    const cases: [string, EventDatabase, Record<string, unknown>, PersonKey | { name: string | null; roles: string[] }, unknown?][] = [
      ['signed-in', DBS.station, e, { name: null, roles: [] }],
      ['never-deleted', DBS.station, { ...e, _deleted: true }, 'dispatcher'],
      ['never-changed', DBS.station, e, 'dispatcher', { ...e, _rev: '1-abc' }],
      ['received-at', DBS.station, { ...e, receivedAt: e.at }, 'dispatcher'],
      ['well-formed', DBS.station, { ...e, at: 'now' }, 'dispatcher'],
      ['well-formed', DBS.station, { ...e, payload: { ...(e.payload as object), technician: 7 } }, 'dispatcher'],
      ['well-formed', DBS.station, { ...e, extra: 1 }, 'dispatcher'],
      ['well-formed', DBS.station, asCouchDoc({ ...anEvent('note'), visibility: 'resident' } as never), 'dispatcher'],
      ['author-is-user', DBS.station, e, { name: 'dp-zhang', roles: couchUser('dispatcher').roles }],
      ['author-role', DBS.station, e, { name: PEOPLE.dispatcher.name, roles: couchUser('technician').roles }],
      ['may-emit', DBS.resident, asCouchDoc(anEvent('dispatched', { author: 'resident' })), 'resident'],
      ['resident-database', DBS.resident, e, 'dispatcher'],
      ['resident-database', { kind: 'resident', owner: OTHER_RESIDENT }, asCouchDoc(aSubmittedRepair()), 'resident'],
      ['station-database', DBS.otherStation, e, 'dispatcher'],
      ['operations-database', DBS.operations, e, 'dispatcher'],
      // T0 is 08:00 China time: a next try at 23:30 that night, and one before the call
      ['callback-next-try', DBS.operations, asCouchDoc(anEvent('callback', { author: 'hotline', payload: { outcome: 'unreachable', attitude: undefined, ability: undefined, satisfaction: undefined, nextTryAt: '2025-12-01T15:30:00.000Z' } } as never)), 'hotline'],
      ['callback-next-try', DBS.operations, asCouchDoc(anEvent('callback', { author: 'hotline', payload: { outcome: 'unreachable', attitude: undefined, ability: undefined, satisfaction: undefined, nextTryAt: '2025-11-30T23:00:00.000Z' } } as never)), 'hotline'],
    ];
    for (const [rule, database, doc, who, old] of cases) {
      const { design, server } = both(database, doc, who, old ?? null);
      expect(server.ok ? 'ok' : server.rule, `validateWrite, ${rule}`).toBe(rule);
      expect(design.ok ? 'ok' : design.rule, `design document, ${rule}: ${JSON.stringify(design)}`).toBe(rule);
    }
  });

  it('takes a callback whose next try is after the call and inside the callback hours (10:00 China time)', () => {
    const doc = asCouchDoc(anEvent('callback', { author: 'hotline', payload: { outcome: 'unreachable', attitude: undefined, ability: undefined, satisfaction: undefined, nextTryAt: '2025-12-01T02:00:00.000Z' } } as never));
    const { design, server } = both(DBS.operations, doc, 'hotline');
    expect(server.ok, JSON.stringify(server)).toBe(true);
    expect(design).toEqual({ ok: true });
  });

  it('refuses an event dated more than 24 hours ahead of its own clock (the 2031 of finding 4)', () => {
    const doc = asCouchDoc(aSubmittedRepair({ at: '2031-01-15T02:00:00.000Z' }));
    expect(designVerdict(DBS.resident, doc, couchUser('resident'))).toMatchObject({ ok: false, rule: 'event-time' });
  });

  it("lets server admins through (the guard, the router and the CLI write as admins and check for themselves)", () => {
    expect(designVerdict(DBS.station, { _id: 'anything', _deleted: true }, { name: null, roles: ['_admin'] })).toEqual({ ok: true });
  });

  it("refuses finding 12's attack: a resident's `dispatched` written straight into operations", () => {
    const doc = asCouchDoc(anEvent('dispatched', { author: 'resident' }));
    expect(designVerdict(DBS.operations, doc, couchUser('resident'))).toMatchObject({ ok: false, rule: 'may-emit' });
  });
});

describe('photos in the generated validate_doc_update (issue 21, item 5)', () => {
  const rid = 'rq-01KB0000000000000000000000';
  const resident = couchUser('resident');
  const photo = (over: Record<string, unknown> = {}, att: Record<string, unknown> = { content_type: 'image/jpeg', revpos: 1, digest: 'md5-x', length: 300_000, stub: true }) => ({
    _id: `${rid}-photo-1`,
    docType: 'photo',
    requestId: rid,
    resident: resident.name,
    author: { name: resident.name, role: 'resident' },
    at: '2025-12-01T00:00:00.000Z',
    width: 1600,
    height: 1200,
    _attachments: { image: att },
    ...over,
  });
  const home = { kind: 'resident', owner: resident.name! } as const;

  it("takes the owner's photo of their request, as the engine hands it (a stub) or inline", () => {
    expect(designVerdict(home, photo(), resident)).toEqual({ ok: true });
    expect(designVerdict(home, photo({}, { content_type: 'image/png', data: 'iVBORw0KGgo=' }), resident)).toEqual({ ok: true });
  });

  it('refuses a non-image, an oversized one, a 4th, a second attachment, another database or author', () => {
    const rule = (v: Verdict) => (v.ok ? 'ok' : v.rule);
    expect(rule(designVerdict(home, photo({}, { content_type: 'text/html', length: 10, stub: true }), resident))).toBe('photo-type');
    expect(rule(designVerdict(home, photo({}, { content_type: 'image/jpeg', length: 5_000_000, stub: true }), resident))).toBe('photo-size');
    expect(rule(designVerdict(home, photo({ _id: `${rid}-photo-4` }), resident))).toBe('photo-count');
    expect(rule(designVerdict(home, { ...photo(), _attachments: { image: { content_type: 'image/jpeg', length: 1, stub: true }, x: { content_type: 'image/jpeg', length: 1, stub: true } } }, resident))).toBe('well-formed');
    expect(rule(designVerdict({ kind: 'resident', owner: OTHER_RESIDENT }, photo(), resident))).toBe('photo-database');
    expect(rule(designVerdict(DBS.station, photo(), couchUser('dispatcher')))).toBe('photo-database');
    expect(rule(designVerdict(home, photo(), resident, { _id: `${rid}-photo-1` }))).toBe('never-changed');
  });

  it('refuses an attachment on any other document', () => {
    const event = { ...asCouchDoc(aSubmittedRepair()), _attachments: { image: { content_type: 'image/jpeg', length: 10, stub: true } } };
    const v = designVerdict(home, event, resident);
    expect(v.ok ? 'ok' : v.rule).toBe('attachments');
  });
});
