import { beforeEach, describe, expect, it } from 'vitest';
import {
  OPERATIONS_DB,
  ROUTER_STATE_DB,
  databaseName,
  parseDatabaseName,
  residentDbName,
  stationDbName,
  type DatabaseKind,
} from '../../../src/db/databaseNames';
import { EVENT_TYPES, mustBeInternal } from '../../../src/db/schema/index';
import { validateWrite } from '../../../src/db/validateWrite';
import { mayEmit } from '../../../src/rules/permissions';
import { eventDatabases, isOrigin, originDatabase, routeTargets } from '../../../src/rules/routing';
import * as backendNames from '../../../server/backend/names.mjs';
import {
  OTHER_RESIDENT,
  OTHER_STATION,
  PEOPLE,
  RESIDENT,
  STATION,
  aSubmittedRepair,
  anEvent,
  asCouchDoc,
  couchUser,
  resetIds,
  type PersonKey,
} from '../../support/builders/events';

beforeEach(() => resetIds());

const RESIDENT_DB = residentDbName(RESIDENT);
const OTHER_RESIDENT_DB = residentDbName(OTHER_RESIDENT);
const STATION_DB = stationDbName(STATION);
const OTHER_STATION_DB = stationDbName(OTHER_STATION);

const SOURCE = {
  resident: { kind: 'resident', owner: RESIDENT },
  otherResident: { kind: 'resident', owner: OTHER_RESIDENT },
  station: { kind: 'station', station: STATION },
  otherStation: { kind: 'station', station: OTHER_STATION },
  operations: { kind: 'operations' },
} as const;

const sorted = (names: readonly string[]) => [...names].sort();

describe('database names', () => {
  it('hex-encodes the resident user name (UTF-8 bytes) and names stations and operations', () => {
    expect(residentDbName('r-12345678')).toBe('resident-722d3132333435363738');
    expect(residentDbName('Zoë')).toBe(`resident-${Buffer.from('Zoë', 'utf8').toString('hex')}`);
    expect(stationDbName('north-1')).toBe('station-north-1');
    expect(OPERATIONS_DB).toBe('operations');
    expect(ROUTER_STATE_DB).toBe('router-state');
    expect(() => residentDbName('')).toThrow(TypeError);
    expect(() => stationDbName('North 1')).toThrow(TypeError);
  });

  it('parses a name back into its kind, and databaseName inverts it', () => {
    const kinds: DatabaseKind[] = [
      { kind: 'resident', owner: 'r-12345678' },
      { kind: 'resident', owner: 'a.b@c+d:e' },
      { kind: 'station', station: 'north-1' },
      { kind: 'operations' },
      { kind: 'other', name: '_users' },
      { kind: 'other', name: 'router-state' },
    ];
    for (const k of kinds) expect(parseDatabaseName(databaseName(k))).toEqual(k);
  });

  it('accepts only the canonical encoding of a resident database', () => {
    expect(parseDatabaseName('resident-722D')).toEqual({ kind: 'other', name: 'resident-722D' }); // upper case
    expect(parseDatabaseName('resident-722')).toEqual({ kind: 'other', name: 'resident-722' }); // odd length
    expect(parseDatabaseName('resident-ff')).toEqual({ kind: 'other', name: 'resident-ff' }); // not UTF-8
    expect(parseDatabaseName('resident-')).toEqual({ kind: 'other', name: 'resident-' });
    expect(parseDatabaseName('station-North')).toEqual({ kind: 'other', name: 'station-North' });
  });

  it('agrees with the backend (server/backend/names.mjs) until it re-exports these', () => {
    const names = ['r-1001', 'r-12345678', 'Zoë', 'a.b@c+d:e', '\ufeffbom', 'x'];
    for (const n of names) expect(residentDbName(n)).toBe(backendNames.residentDbName(n));
    const dbs = [...names.map(residentDbName), 'resident-722D', 'resident-ff', 'resident-', 'station-north-1', 'station-', 'operations', '_users', 'router-state'];
    for (const d of dbs) expect(parseDatabaseName(d)).toEqual(backendNames.databaseKind(d));
  });
});

describe('originDatabase: where the author writes an event', () => {
  it('a resident writes into their own database, station staff into the station’s, the rest into operations', () => {
    expect(originDatabase(aSubmittedRepair())).toBe(RESIDENT_DB);
    expect(originDatabase(anEvent('dispatched', { author: 'dispatcher' }))).toBe(STATION_DB);
    expect(originDatabase(anEvent('arrived', { author: 'technician' }))).toBe(STATION_DB);
    expect(originDatabase(anEvent('remedy-approved', { author: 'stationHead', requestKind: 'complaint' }))).toBe(STATION_DB);
    expect(originDatabase(anEvent('reply', { author: 'hotline' }))).toBe(OPERATIONS_DB);
    expect(originDatabase(anEvent('cause', { author: 'complaintHandler' }))).toBe(OPERATIONS_DB);
    expect(originDatabase(anEvent('closed', { author: 'manager' }))).toBe(OPERATIONS_DB);
  });

  it('is a database validateWrite lets the author write that event into, for every role and type it may write', () => {
    let checked = 0;
    for (const [key, person] of Object.entries(PEOPLE) as [PersonKey, (typeof PEOPLE)[PersonKey]][]) {
      for (const type of EVENT_TYPES) {
        if (!mayEmit(person.role, type)) continue;
        if (person.role === 'resident' && mustBeInternal(type)) continue;
        const overrides: Record<string, unknown> = { author: key };
        if (person.role === 'resident') overrides.resident = person.name;
        if ('station' in person) overrides.station = person.station;
        const event = anEvent(type, overrides as never);
        const verdict = validateWrite({
          database: parseDatabaseName(originDatabase(event)),
          doc: asCouchDoc(event),
          user: couchUser(key),
          existing: false,
        });
        expect(verdict, `${person.role} ${type} → ${originDatabase(event)}`).toMatchObject({ ok: true });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });
});

describe('routeTargets', () => {
  it('a resident’s submission goes to operations and the station of the request, not another station', () => {
    const e = aSubmittedRepair();
    expect(sorted(routeTargets(e, SOURCE.resident))).toEqual(sorted([OPERATIONS_DB, STATION_DB]));
    expect(routeTargets(e, SOURCE.resident)).not.toContain(OTHER_STATION_DB);
    const south = aSubmittedRepair({ station: OTHER_STATION });
    expect(sorted(routeTargets(south, SOURCE.resident))).toEqual(sorted([OPERATIONS_DB, OTHER_STATION_DB]));
  });

  it('a station’s visible event goes to operations and the resident; an internal one to operations only', () => {
    expect(sorted(routeTargets(anEvent('dispatched', { author: 'dispatcher' }), SOURCE.station))).toEqual(sorted([OPERATIONS_DB, RESIDENT_DB]));
    expect(routeTargets(anEvent('note', { author: 'technician' }), SOURCE.station)).toEqual([OPERATIONS_DB]);
    expect(routeTargets(anEvent('late-notice', { author: 'technician', visibility: 'internal' }), SOURCE.station)).toEqual([OPERATIONS_DB]);
  });

  it('an operations event goes to the station and, when visible, the resident', () => {
    expect(sorted(routeTargets(anEvent('reply', { author: 'hotline' }), SOURCE.operations))).toEqual(sorted([STATION_DB, RESIDENT_DB]));
    expect(routeTargets(anEvent('escalated', { author: 'hotline' }), SOURCE.operations)).toEqual([STATION_DB]);
    const forOther = anEvent('reply', { author: 'hotline', resident: OTHER_RESIDENT, station: OTHER_STATION });
    expect(sorted(routeTargets(forOther, SOURCE.operations))).toEqual(sorted([OTHER_STATION_DB, OTHER_RESIDENT_DB]));
  });

  it('a `routed` event also reaches the station it hands the request to', () => {
    const handOver = anEvent('routed', { author: 'hotline', payload: { toStation: OTHER_STATION } });
    expect(sorted(routeTargets(handOver, SOURCE.operations))).toEqual(sorted([STATION_DB, OTHER_STATION_DB, RESIDENT_DB]));
    const toDepartment = anEvent('routed', { author: 'dispatcher', payload: { toStation: undefined, department: '客服中心' } });
    expect(sorted(routeTargets(toDepartment, SOURCE.station))).toEqual(sorted([OPERATIONS_DB, RESIDENT_DB]));
  });

  it('routes only from the event’s origin: a copy found elsewhere goes nowhere (no loops)', () => {
    const submitted = aSubmittedRepair();
    expect(routeTargets(submitted, SOURCE.operations)).toEqual([]);
    expect(routeTargets(submitted, SOURCE.station)).toEqual([]);
    expect(routeTargets(submitted, SOURCE.otherResident)).toEqual([]);
    const dispatched = anEvent('dispatched', { author: 'dispatcher' });
    expect(routeTargets(dispatched, SOURCE.resident)).toEqual([]);
    expect(routeTargets(dispatched, SOURCE.operations)).toEqual([]);
    expect(routeTargets(dispatched, SOURCE.otherStation)).toEqual([]);
    expect(routeTargets(dispatched, { kind: 'other', name: 'router-state' })).toEqual([]);
    expect(isOrigin(dispatched, SOURCE.station)).toBe(true);
    expect(isOrigin(dispatched, SOURCE.otherStation)).toBe(false);
  });

  it('never names the source, nor any database twice; reads either shape of the event', () => {
    for (const type of EVENT_TYPES) {
      const e = anEvent(type);
      const origin = parseDatabaseName(originDatabase(e));
      if (origin.kind === 'other') throw new Error('origin must be an event database');
      for (const shape of [e, asCouchDoc(e)]) {
        const targets = routeTargets(shape, origin);
        expect(targets).not.toContain(originDatabase(e));
        expect(new Set(targets).size).toBe(targets.length);
        expect(sorted([originDatabase(e), ...targets])).toEqual(sorted(eventDatabases(e)));
      }
    }
  });

  it('eventDatabases: every database the event belongs in, origin first', () => {
    expect(eventDatabases(aSubmittedRepair())).toEqual([RESIDENT_DB, OPERATIONS_DB, STATION_DB]);
    expect(eventDatabases(anEvent('note', { author: 'hotline' }))).toEqual([OPERATIONS_DB, STATION_DB]);
    expect(eventDatabases(anEvent('arrived', { author: 'technician' }))).toEqual([STATION_DB, OPERATIONS_DB, RESIDENT_DB]);
  });
});
