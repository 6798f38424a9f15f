/**
 * A resident and their request as the station works it, made through the server's checks (no
 * page): what a test needs before it opens the resident's phone.
 *
 *   newResidentBySms(site, sms)                    signs up a resident of demo-garden with the code
 *                                                  the loopback SMS provider received
 *   requestWithSteps(site, who, kind, steps, cookieOf)
 *                                                  the resident's submission, then each staff step at
 *                                                  the station (after the router copied the
 *                                                  submission there); the request id
 */
import { expect } from 'vitest';
import type { Site } from '../../support/server';
import type { FakeAliyunSms } from '../../integration/support/aliyunSms';
import { newResident, request, type Resident } from '../../support/client';
import { SUBMISSIONS, anEvent, asCouchDoc } from '../../support/builders/events';
import { newRequestId } from '../../../src/db/schema/events/ids';
import type { EventRecord, EventType } from '../../../src/db/schema/events/event';

export async function newResidentBySms(site: Site, sms: FakeAliyunSms): Promise<Resident> {
  return newResident(site.url, { community: 'demo-garden' }, async (phone, ask) => {
    const since = sms.messages.length;
    expect((await ask()).status).toBe(202);
    return (await sms.waitForMessage(phone, since)).code;
  });
}

/** One step of the station: who (a staff login of station demo), in which role, with what payload. */
export type StationStep = readonly [type: EventType, by: string, role: string, payload?: Record<string, unknown>];

export async function requestWithSteps(site: Site, who: Resident, kind: keyof typeof SUBMISSIONS, steps: readonly StationStep[], cookieOf: (login: string) => string): Promise<string> {
  const requestId = newRequestId(Date.now());
  const envelope = { requestId, requestKind: kind, resident: who.name, station: 'demo' };
  const submitted = anEvent('submitted', { ...envelope, payload: SUBMISSIONS[kind], at: new Date().toISOString(), author: { name: who.name, role: 'resident', device: 'phone-e2e' } } as never);
  expect((await request(site.url, 'PUT', `/db/${who.db}/${submitted.id}`, asCouchDoc(submitted), { cookie: who.cookie })).status).toBe(201);
  if (!steps.length) return requestId;
  // The router copies the submission to the station; the station's steps follow it there.
  const first = cookieOf(steps[0]![1]);
  await expect.poll(async () => (await request(site.url, 'GET', `/db/station-demo/${submitted.id}`, undefined, { cookie: first })).status, { timeout: 30_000 }).toBe(200);
  let tick = 0;
  for (const [type, by, role, payload] of steps) {
    const event: EventRecord = anEvent(type, { ...envelope, at: new Date(Date.now() + ++tick).toISOString(), visibility: 'resident', author: { name: by, role, device: `${role}-device` }, payload: payload ?? {} } as never);
    const put = await request(site.url, 'PUT', `/db/station-demo/${event.id}`, asCouchDoc(event), { cookie: cookieOf(by) });
    expect(put.status, put.text).toBe(201);
  }
  return requestId;
}
