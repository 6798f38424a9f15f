import { describe, expect, it } from 'vitest';
import { phoneOnFile, proveAccount, type RegisterFacts } from '../../../src/rules/accountProof';

const now = new Date('2026-01-10T08:00:00Z');
const communities = (station: string) => (station === 'north' ? ['north-garden', 'north-east'] : ['south-garden']);
const entry = { accountNumber: '55556666', phones: ['13900000001', '13900000002'], station: 'north', active: true };
const facts = (over: Partial<RegisterFacts> = {}): RegisterFacts => ({ entry, confirmations: [], ...over });

describe('proveAccount', () => {
  it('proves an account by any phone on file, at the station the register names', () => {
    expect(proveAccount(facts(), { phone: '13900000002', community: 'north-east' }, communities, now)).toEqual({ proven: true, station: 'north', community: 'north-east', by: 'register' });
  });

  it("refuses a stranger's phone, an account the register does not hold and a closed one", () => {
    expect(proveAccount(facts(), { phone: '13800000000', community: 'north-east' }, communities, now)).toEqual({ proven: false, why: 'phone-not-on-file' });
    expect(proveAccount(facts({ entry: null }), { phone: '13900000001', community: 'north-east' }, communities, now)).toEqual({ proven: false, why: 'not-in-register' });
    expect(proveAccount(facts({ entry: { ...entry, active: false } }), { phone: '13900000001', community: 'north-east' }, communities, now)).toEqual({ proven: false, why: 'closed' });
  });

  it("takes the register's community over the resident's pick, and refuses a pick of another station when the register names none", () => {
    expect(proveAccount(facts({ entry: { ...entry, community: 'north-garden' } }), { phone: '13900000001', community: 'south-garden' }, communities, now)).toMatchObject({ proven: true, community: 'north-garden' });
    expect(proveAccount(facts(), { phone: '13900000001', community: 'south-garden' }, communities, now)).toEqual({ proven: false, why: 'community-elsewhere' });
  });

  it('accepts a phone a hall confirmed in person while the confirmation is valid', () => {
    const confirmations = [{ phone: '13700000000', validUntil: '2026-01-20T00:00:00Z' }];
    expect(proveAccount(facts({ confirmations }), { phone: '13700000000', community: 'north-garden' }, communities, now)).toMatchObject({ proven: true, by: 'in-person' });
    expect(proveAccount(facts({ confirmations }), { phone: '13700000000', community: 'north-garden' }, communities, new Date('2026-01-21T00:00:00Z'))).toEqual({ proven: false, why: 'phone-not-on-file' });
  });
});

describe('phoneOnFile (where a sign-up code may be texted)', () => {
  it('is a phone on file or confirmed at a hall and still valid, of an open account in the register', () => {
    const confirmations = [{ phone: '13700000000', validUntil: '2026-01-20T00:00:00Z' }];
    expect(phoneOnFile(facts(), '13900000002', now)).toBe(true);
    expect(phoneOnFile(facts({ confirmations }), '13700000000', now)).toBe(true);
    expect(phoneOnFile(facts({ confirmations }), '13700000000', new Date('2026-01-21T00:00:00Z'))).toBe(false);
    expect(phoneOnFile(facts(), '13800000000', now)).toBe(false);
    expect(phoneOnFile(facts({ entry: null }), '13900000001', now)).toBe(false);
    expect(phoneOnFile(facts({ entry: { ...entry, active: false } }), '13900000001', now)).toBe(false);
  });
});
