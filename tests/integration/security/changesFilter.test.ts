/**
 * Found while fixing issue #17: `GET /db/<own db>/_changes?filter=_selector` (no selector) made
 * PouchDB Server throw an uncaught `not_found` and the whole embedded server died, so any
 * resident could stop the service for everyone with one request to their own database. A
 * `_changes` filter is now none or `_doc_ids` (PouchDB Server knows no `_selector` filter, and the
 * app's devices send none), checked before the backend sees it; design-document and view filters
 * are refused to non-admins. The server stays up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type Site } from '../../support/server';
import { newResident, request, type Resident } from '../../support/client';

let site: Site;
let resident: Resident;

beforeAll(async () => {
  site = await startSite();
  resident = await newResident(site.url);
});

afterAll(async () => {
  await site?.stop();
});

const healthy = async () => (await fetch(`${site.url}/healthz`)).status;

describe('_changes filters a resident may send', () => {
  const refused: [string, string, unknown?][] = [
    ['GET', '_changes?filter=_selector'],
    ['POST', '_changes?filter=_selector', {}],
    ['POST', '_changes?filter=_selector', { selector: { docType: 'event' } }],
    ['GET', '_changes?filter=nosuch/filter'],
    ['GET', '_changes?filter=_view&view=nosuch/view'],
    ['GET', '_changes?filter=_design'],
  ];

  it.each(refused)('%s %s is refused with a reason, and the server stays up', async (method, target, body) => {
    const res = await request(site.url, method, `/db/${resident.db}/${target}`, body, { cookie: resident.cookie });
    expect(res.status, res.text).toBe(400);
    expect(res.json.rule).toBe('changes-filter');
    expect(await healthy()).toBe(200);
  });

  it('the filters the app uses still answer', async () => {
    const byIds = await request(site.url, 'POST', `/db/${resident.db}/_changes?filter=_doc_ids`, { doc_ids: ['profile'] }, { cookie: resident.cookie });
    expect(byIds.status, byIds.text).toBe(200);
    expect(byIds.json.results.map((r: { id: string }) => r.id)).toEqual(['profile']);
    const plain = await request(site.url, 'GET', `/db/${resident.db}/_changes`, undefined, { cookie: resident.cookie });
    expect(plain.status).toBe(200);
    expect(await healthy()).toBe(200);
  });
});
