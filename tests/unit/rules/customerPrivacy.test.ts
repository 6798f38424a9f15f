import { describe, expect, it } from 'vitest';
import { customerLookupScope, inLookupScope, lookupQueryAllowed, maskPhone, mayConfirmInPerson, mayReadAccessLog } from '../../../src/rules/customerPrivacy';
import type { Role } from '../../../src/db/schema/roles';

const user = (role: Role, station?: string) => ({ name: 'x', roles: [role], ...(station ? { station } : {}), isAdmin: false });

describe('customer lookup privacy', () => {
  it('gives each role the lookup its work needs', () => {
    expect(customerLookupScope(user('technician', 'north'))).toEqual({ kind: 'none' });
    expect(customerLookupScope(user('committee'))).toEqual({ kind: 'none' });
    expect(customerLookupScope(user('resident'))).toEqual({ kind: 'none' });
    for (const role of ['hotline', 'complaint-handler', 'manager'] as const) expect(customerLookupScope(user(role))).toEqual({ kind: 'all', match: 'whole' });
    for (const role of ['dispatcher', 'station-head'] as const) expect(customerLookupScope(user(role, 'north'))).toEqual({ kind: 'station', station: 'north', match: 'partial' });
    expect(customerLookupScope({ name: 'admin', roles: ['admin'], isAdmin: true })).toEqual({ kind: 'none' });
  });

  it('lets the hotline search whole numbers only, station staff part of one', () => {
    const hotline = customerLookupScope(user('hotline'));
    expect(lookupQueryAllowed(hotline, '0000')).toBe(false);
    expect(lookupQueryAllowed(hotline, '55556666')).toBe(true);
    expect(lookupQueryAllowed(hotline, '13900000001')).toBe(true);
    const dispatcher = customerLookupScope(user('dispatcher', 'north'));
    expect(lookupQueryAllowed(dispatcher, '0000')).toBe(true);
    expect(lookupQueryAllowed(dispatcher, '000')).toBe(false);
    expect(inLookupScope(dispatcher, 'south')).toBe(false);
    expect(inLookupScope(hotline, 'south')).toBe(true);
  });

  it('masks the middle of a phone', () => {
    expect(maskPhone('13912345678')).toBe('139****5678');
    expect(maskPhone('123')).toBe('***');
  });

  it('lets hall staff confirm residents in person and managers read the access log', () => {
    expect(mayConfirmInPerson(user('hotline'))).toBe(true);
    expect(mayConfirmInPerson(user('dispatcher', 'north'))).toBe(true);
    expect(mayConfirmInPerson(user('technician', 'north'))).toBe(false);
    expect(mayReadAccessLog(user('manager'))).toBe(true);
    expect(mayReadAccessLog(user('hotline'))).toBe(false);
  });
});
