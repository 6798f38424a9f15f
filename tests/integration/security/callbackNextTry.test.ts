/**
 * A callback's next try as the server holds it (issue 16 item 5, "not reached records the next
 * try inside the allowed hours"): a hotline user writing straight to /db (as a tampered or stale
 * device would) cannot schedule the next call at night, in the midday rest or before the call
 * itself (rule `callback-next-try`, src/rules/callbacks.ts nextTryProblem); the next try the
 * console's card records is stored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type Site } from '../support/site';
import { admin, newResident, request, signIn, type Resident } from '../backend/client';
import { aSubmittedRepair, anEvent, asCouchDoc } from '../../unit/builders/events';
import { callbackPayload } from '../../../src/rules/callbacks';

const suffix = Date.now().toString(36);
const HOTLINE = { name: `hlx-${suffix}`, password: 'hotline pass 1' };
const DAY = 86_400_000;

let site: Site;
let resident: Resident;
let cookie: string;
let submitted: ReturnType<typeof aSubmittedRepair>;

/** The next instant after now (and after `after`) at China wall-clock `hhmm`. */
function nextChina(hhmm: string, after = Date.now()): number {
  const day = new Date(after + 8 * 3_600_000).toISOString().slice(0, 10);
  const at = Date.parse(`${day}T${hhmm}:00+08:00`);
  return at > after ? at : at + DAY;
}

beforeAll(async () => {
  site = await startSite();
  resident = await newResident(site.url, { community: 'demo-garden' });
  const run = await admin(site, ['create-staff', '--name', HOTLINE.name, '--role', 'hotline', '--password', HOTLINE.password]);
  expect(run.code, run.stderr + run.stdout).toBe(0);
  cookie = (await signIn(site.url, HOTLINE.name, HOTLINE.password)).cookie!;
  submitted = aSubmittedRepair({ author: { name: resident.name, role: 'resident', device: 'phone-x' }, resident: resident.name, station: 'demo', at: new Date().toISOString() });
  const put = await request(site.url, 'PUT', `/db/${resident.db}/${submitted.id}`, asCouchDoc(submitted), { cookie: resident.cookie });
  expect(put.status, put.text).toBe(201);
  for (let i = 0; ; i++) {
    const got = await request(site.url, 'GET', `/db/operations/${submitted.id}`, undefined, { cookie });
    if (got.status === 200) break;
    if (i > 300) throw new Error('the request did not reach operations');
    await new Promise((r) => setTimeout(r, 100));
  }
}, 120_000);

afterAll(async () => {
  await site?.stop();
});

/** A "not reached" callback written at `atMs` with the next try at `nextMs`. */
function callback(atMs: number, payload: Record<string, unknown>) {
  return asCouchDoc(
    anEvent('callback', {
      requestId: submitted.requestId,
      resident: resident.name,
      station: 'demo',
      at: new Date(atMs).toISOString(),
      author: { name: HOTLINE.name, role: 'hotline', device: 'pc-x' },
      payload: { attitude: undefined, ability: undefined, satisfaction: undefined, ...payload },
    } as never),
  );
}

describe('the server holds when a resident not reached is called again', () => {
  // The call made at the next 21:00 China time (at most a day ahead: inside the server's clock rule).
  const calledAt = () => nextChina('21:00');
  it.each([
    ['at night (23:30)', (at: number) => at + 2.5 * 3_600_000],
    ['in the midday rest (12:30 the next day)', (at: number) => nextChina('12:30', at)],
    ['before the call itself', (at: number) => at - 3_600_000],
  ])('refuses a next try %s, by PUT and in _bulk_docs', async (_what, next) => {
    const at = calledAt();
    const doc = callback(at, { outcome: 'unreachable', nextTryAt: new Date(next(at)).toISOString() });
    const put = await request(site.url, 'PUT', `/db/operations/${doc._id}`, doc, { cookie });
    expect(put.status, put.text).toBe(403);
    expect(put.json.rule).toBe('callback-next-try');
    const bulk = await request(site.url, 'POST', '/db/operations/_bulk_docs', { docs: [doc], new_edits: true }, { cookie });
    expect(JSON.stringify(bulk.json)).toContain('callback-next-try');
    expect((await request(site.url, 'GET', `/db/operations/${doc._id}`, undefined, { cookie })).status).toBe(404);
  });

  it('stores the next try the card records (the next morning at 07:00)', async () => {
    const at = calledAt();
    const payload = callbackPayload({ outcome: 'unreachable', attitude: '', ability: '', satisfaction: '', comment: '' }, at);
    expect(payload.nextTryAt).toBe(new Date(nextChina('07:00', at)).toISOString());
    const doc = callback(at, payload);
    const put = await request(site.url, 'PUT', `/db/operations/${doc._id}`, doc, { cookie });
    expect(put.status, put.text).toBe(201);
  });
});
