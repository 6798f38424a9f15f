/**
 * The staff's endpoints under /db/_account, tried by a stranger: a resident who signed up (their
 * own valid cookie) and nobody at all. Each answers 401 or 403 and carries no other resident's
 * account number or phone: customer lookups and full phones, in-person confirmations, the access
 * log, the staff directory, a staff device's working set and a request's message deliveries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type Site } from '../../support/server';
import { newResident, request, type Resident } from '../../support/client';
import { newRequestId } from '../../../src/db/schema/events/ids';

let site: Site;
let stranger: Resident;
let other: Resident;

beforeAll(async () => {
  site = await startSite();
  other = await newResident(site.url);
  stranger = await newResident(site.url);
});

afterAll(async () => {
  await site?.stop();
});

const endpoints: [string, string, (o: Resident) => unknown][] = [
  ['GET', '/db/_account/customers?q=0000', () => undefined],
  ['GET', '/db/_account/customers?q=ACCOUNT', () => undefined],
  ['POST', '/db/_account/customers/reveal', (o) => ({ accountNumber: o.accountNumber, purpose: 'callback' })],
  ['POST', '/db/_account/register/confirm', (o) => ({ accountNumber: o.accountNumber, phone: '13900000000', evidence: 'bill' })],
  ['GET', '/db/_account/access-log', () => undefined],
  ['GET', '/db/_account/staff', () => undefined],
  ['GET', '/db/_account/working-set', () => undefined],
  // how the messages about a request fared (server/notify/deliveries.mjs)
  ['GET', `/db/_account/deliveries?request=${newRequestId(Date.now())}`, () => undefined],
  ['POST', '/db/_account/visits/phone', () => ({ requestId: 'rq-01KB0000000000000000000000' })],
];

describe('a signed-up resident and nobody at all on the staff endpoints', () => {
  it.each(endpoints)('%s %s', async (method, target, body) => {
    const url = target.replace('ACCOUNT', other.accountNumber);
    for (const auth of [{ cookie: stranger.cookie }, {}]) {
      const res = await request(site.url, method, url, body(other), auth);
      expect([401, 403], `${method} ${url} ${'cookie' in auth ? 'resident' : 'nobody'}: ${res.text}`).toContain(res.status);
      expect(res.text).not.toContain(other.accountNumber);
      expect(res.text).not.toContain(other.phone);
    }
  });
});
