import { describe, expect, it } from 'vitest';
import { ROLES, STATION_ROLES, couchRolesFor, userFromCouch } from '../../../../src/db/schema/index';

describe('couchRolesFor', () => {
  it('a resident is a resident', () => {
    expect(couchRolesFor({ role: 'resident' })).toEqual(['resident']);
  });

  it('station staff carry their role and station', () => {
    expect(couchRolesFor({ role: 'technician', station: 'north-1' })).toEqual(['staff', 'role:technician', 'station:north-1']);
    expect(couchRolesFor({ role: 'station-head', station: 'north-1' })).toEqual(['staff', 'role:station-head', 'station:north-1']);
  });

  it('staff across stations carry their role and operations', () => {
    expect(couchRolesFor({ role: 'hotline' })).toEqual(['staff', 'role:hotline', 'operations']);
    expect(couchRolesFor({ role: 'admin' })).toEqual(['staff', 'role:admin', 'operations']);
  });

  it('refuses a station where none belongs, none where one does, and a bad station id', () => {
    expect(() => couchRolesFor({ role: 'dispatcher' })).toThrow(/station/);
    expect(() => couchRolesFor({ role: 'hotline', station: 'north-1' })).toThrow(/does not belong/);
    expect(() => couchRolesFor({ role: 'resident', station: 'north-1' })).toThrow(/does not belong/);
    expect(() => couchRolesFor({ role: 'technician', station: 'North 1' })).toThrow(/hyphens/);
  });
});

describe('userFromCouch', () => {
  it('reads back what couchRolesFor writes, for every role', () => {
    for (const role of ROLES) {
      const station = (STATION_ROLES as readonly string[]).includes(role) ? 'north-1' : undefined;
      const user = userFromCouch({ name: 'someone', roles: couchRolesFor({ role, ...(station ? { station } : {}) }) });
      expect(user).toEqual({ name: 'someone', roles: [role], ...(station ? { station } : {}), isAdmin: false });
    }
  });

  it('_admin is the server admin and counts as admin', () => {
    expect(userFromCouch({ name: 'router', roles: ['_admin'] })).toEqual({ name: 'router', roles: ['admin'], isAdmin: true });
  });

  it('ignores roles it does not know and an ambiguous station', () => {
    expect(userFromCouch({ name: 'x', roles: ['staff', 'role:wizard', 'reader', 'station:BAD STATION'] })).toEqual({
      name: 'x',
      roles: [],
      isAdmin: false,
    });
    expect(userFromCouch({ name: 'x', roles: ['role:technician', 'station:a', 'station:b'] })).toEqual({
      name: 'x',
      roles: ['technician'],
      isAdmin: false,
    });
  });

  it('an anonymous user has no roles', () => {
    expect(userFromCouch({ name: null, roles: [] })).toEqual({ name: null, roles: [], isAdmin: false });
  });
});
