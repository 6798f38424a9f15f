import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, ROLES, type EventType } from '../../../src/db/schema/index';
import { PERMISSIONS, mayEmit, rolesMayEmit } from '../../../src/rules/index';

const sorted = (types: readonly EventType[]) => [...types].sort();

describe('PERMISSIONS', () => {
  it('residents submit, sign, reopen, rate and withdraw', () => {
    expect(sorted(PERMISSIONS.resident)).toEqual(sorted(['submitted', 'signed-off', 'reopened', 'rated', 'withdrawn']));
  });

  it('a resident cannot dispatch or close; a technician cannot approve a complaint remedy (domain.md)', () => {
    expect(mayEmit('resident', 'dispatched')).toBe(false);
    expect(mayEmit('resident', 'closed')).toBe(false);
    expect(mayEmit('technician', 'remedy-approved')).toBe(false);
  });

  it('hotline, complaint handlers and dispatchers as the table says', () => {
    expect(sorted(PERMISSIONS.hotline)).toEqual(sorted(['submitted', 'accepted', 'routed', 'reply', 'note', 'callback', 'closed', 'escalated']));
    expect(sorted(PERMISSIONS['complaint-handler'])).toEqual(
      sorted([
        'accepted', 'routed', 'assessed', 'responsible', 'cause', 'remedy-proposed', 'remedy-done',
        'resident-told', 'review', 'reply', 'note', 'callback', 'closed', 'escalated',
      ]),
    );
    expect(sorted(PERMISSIONS.dispatcher)).toEqual(sorted(['submitted', 'accepted', 'routed', 'dispatched', 'late-notice', 'reply', 'note', 'closed', 'escalated']));
  });

  it('the technician writes the visit, and the resident signs on the technician’s device', () => {
    expect(sorted(PERMISSIONS.technician)).toEqual(
      sorted(['arrived', 'late-notice', 'nobody-home', 'diagnosed', 'work-done', 'measured', 'resolved', 'signed-off', 'note']),
    );
  });

  it('the station head has all of the dispatcher’s and approves remedies and reviews', () => {
    expect(sorted(PERMISSIONS['station-head'])).toEqual(sorted([...PERMISSIONS.dispatcher, 'remedy-approved', 'review']));
  });

  it('the manager has every staff type, remedy approval included, and nothing only residents write', () => {
    const staff = new Set(ROLES.filter((r) => r !== 'resident' && r !== 'manager' && r !== 'admin').flatMap((r) => PERMISSIONS[r]));
    expect(sorted(PERMISSIONS.manager)).toEqual(sorted([...staff]));
    expect(mayEmit('manager', 'remedy-approved')).toBe(true);
    for (const residentOnly of ['rated', 'withdrawn', 'reopened'] as const) expect(mayEmit('manager', residentOnly)).toBe(false);
  });

  it('the committee writes nothing; admin writes everything', () => {
    expect(PERMISSIONS.committee).toEqual([]);
    expect(sorted(PERMISSIONS.admin)).toEqual(sorted(EVENT_TYPES));
  });

  it('every type has some role besides admin that may write it', () => {
    for (const type of EVENT_TYPES) expect(rolesMayEmit(type).filter((r) => r !== 'admin'), type).not.toEqual([]);
  });

  it('lists who may write a type', () => {
    expect(rolesMayEmit('remedy-approved')).toEqual(['station-head', 'manager', 'admin']);
    expect(rolesMayEmit('dispatched')).toEqual(['dispatcher', 'station-head', 'manager', 'admin']);
  });

  it('takes another table', () => {
    const table = { ...PERMISSIONS, technician: [...PERMISSIONS.technician, 'remedy-approved' as const] };
    expect(mayEmit('technician', 'remedy-approved', table)).toBe(true);
  });
});
