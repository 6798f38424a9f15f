/**
 * Issue 21, item 5: photos of a fault, the one document that may carry a CouchDB attachment.
 * Attacks through the real server (embedded backend, router in the process), written before the
 * photo path was opened:
 * - resident A adds a photo to A's own repair (the honest flow) and reads it back, byte for byte;
 * - resident B can neither read A's photo nor add one to A's request (in A's database or B's own);
 * - a non-image, bytes that are not what their type says, an oversized picture, a picture with
 *   GPS Exif, a 4th photo, a photo of a consultation, a second write of a photo: refused;
 * - no other document may carry an attachment (an event, a document of another type, an
 *   attachment PUT, multipart);
 * - a stranger with no session gets nothing; staff see the photo only through
 *   /db/_account/photos when their database holds the request, and each view is logged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type Site } from '../../support/server';
import { admin, newResident, request, signIn, type Resident } from '../../support/client';
import { aSubmitted, aSubmittedRepair, asCouchDoc } from '../../support/builders/events';
import { stationDbName } from '../../../src/db/databaseNames';
import { newRequestId } from '../../../src/db/schema/events/ids';
import { MAX_PHOTO_BYTES, photoId } from '../../../src/db/schema/photos';
import { FAULT_JPEG_BASE64, exifGps, faultJpeg, withGpsExif } from '../../support/photos';

const STATION_1 = 'demo';
const STATION_2 = 'photo-two';
const DISPATCHER_1 = { name: 'photo-dp1', password: 'dispatcher pass 1' };
const TECHNICIAN_2 = { name: 'photo-tech2', password: 'technician pass 2' };
const MANAGER = { name: 'photo-mgr', password: 'manager pass 12345' };

let site: Site;
let residentA: Resident;
let residentB: Resident;
let dispatcher1: string;
let technician2: string;
let manager: string;
let adminAuth: { basic: { name: string; password: string } };
let requestId: string;

const now = () => new Date().toISOString();

function aPhoto(who: Resident, rid: string, n: number, attachment: Record<string, unknown> = { content_type: 'image/jpeg', data: FAULT_JPEG_BASE64 }, extra: Record<string, unknown> = {}) {
  return {
    _id: photoId(rid, n),
    docType: 'photo',
    requestId: rid,
    resident: who.name,
    author: { name: who.name, role: 'resident' },
    at: now(),
    width: 64,
    height: 48,
    _attachments: { image: attachment },
    ...extra,
  };
}

function repairOf(who: Resident) {
  const rid = newRequestId(Date.now());
  return aSubmittedRepair({ requestId: rid, author: { name: who.name, role: 'resident', device: 'phone' }, resident: who.name, station: STATION_1, at: now(), payload: { photos: [photoId(rid, 1)] } });
}

async function submitRepair(who: Resident) {
  const event = repairOf(who);
  const rid = event.requestId;
  const put = await request(site.url, 'PUT', `/db/${who.db}/${event.id}`, asCouchDoc(event), { cookie: who.cookie });
  expect(put.status, put.text).toBe(201);
  return { rid, event };
}

async function arrival(db: string, id: string, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  for (;;) {
    if ((await request(site.url, 'GET', `/db/${db}/${encodeURIComponent(id)}`, undefined, adminAuth)).status === 200) return;
    if (Date.now() - started > timeoutMs) throw new Error(`${id} did not reach ${db}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function getBytes(path: string, cookie?: string) {
  const res = await fetch(site.url + path, { headers: cookie ? { cookie } : {}, signal: AbortSignal.timeout(15_000) });
  return { status: res.status, type: res.headers.get('content-type'), bytes: new Uint8Array(await res.arrayBuffer()) };
}

beforeAll(async () => {
  site = await startSite();
  adminAuth = { basic: { name: site.adminUser, password: site.adminPassword! } };
  for (const args of [
    ['create-station', '--id', STATION_2, '--name', '照片二所', '--communities', 'photo-two-garden'],
    ['create-staff', '--name', DISPATCHER_1.name, '--role', 'dispatcher', '--station', STATION_1, '--password', DISPATCHER_1.password],
    ['create-staff', '--name', TECHNICIAN_2.name, '--role', 'technician', '--station', STATION_2, '--password', TECHNICIAN_2.password],
    ['create-staff', '--name', MANAGER.name, '--role', 'manager', '--password', MANAGER.password],
  ]) {
    const run = await admin(site, args);
    expect(run.code, run.stderr + run.stdout).toBe(0);
  }
  residentA = await newResident(site.url, { community: 'demo-garden' });
  residentB = await newResident(site.url, { community: 'demo-garden' });
  dispatcher1 = (await signIn(site.url, DISPATCHER_1.name, DISPATCHER_1.password)).cookie!;
  technician2 = (await signIn(site.url, TECHNICIAN_2.name, TECHNICIAN_2.password)).cookie!;
  manager = (await signIn(site.url, MANAGER.name, MANAGER.password)).cookie!;
  ({ rid: requestId } = await submitRepair(residentA));
}, 180_000);

afterAll(async () => {
  await site?.stop();
});

describe("the resident's own photo", () => {
  it('A adds a photo to their repair and reads the same bytes back', async () => {
    const put = await request(site.url, 'PUT', `/db/${residentA.db}/${photoId(requestId, 1)}`, aPhoto(residentA, requestId, 1), { cookie: residentA.cookie });
    expect(put.status, put.text).toBe(201);
    const back = await getBytes(`/db/${residentA.db}/${photoId(requestId, 1)}/image`, residentA.cookie);
    expect(back.status).toBe(200);
    expect(back.type).toBe('image/jpeg');
    expect(Buffer.from(back.bytes).equals(Buffer.from(faultJpeg()))).toBe(true);
  });

  it('a photo is never written twice (nor changed, nor deleted)', async () => {
    const again = await request(site.url, 'PUT', `/db/${residentA.db}/${photoId(requestId, 1)}`, aPhoto(residentA, requestId, 1), { cookie: residentA.cookie });
    expect(again.status).toBe(403);
    expect(again.json.rule).toBe('never-changed');
    const doc = await request(site.url, 'GET', `/db/${residentA.db}/${photoId(requestId, 1)}`, undefined, { cookie: residentA.cookie });
    const del = await request(site.url, 'DELETE', `/db/${residentA.db}/${photoId(requestId, 1)}?rev=${doc.json._rev}`, undefined, { cookie: residentA.cookie });
    expect(del.status).toBe(403);
  });

  it('a photo is never copied to a station or operations: it stays in the resident database', async () => {
    await arrival(stationDbName(STATION_1), (await request(site.url, 'GET', `/db/${residentA.db}/_all_docs`, undefined, { cookie: residentA.cookie })).json.rows.find((r: { id: string }) => r.id.startsWith('ev-')).id);
    await new Promise((r) => setTimeout(r, 1_000));
    for (const db of [stationDbName(STATION_1), 'operations']) {
      expect((await request(site.url, 'GET', `/db/${db}/${photoId(requestId, 1)}`, undefined, adminAuth)).status).toBe(404);
    }
  });
});

describe('another resident', () => {
  it("B cannot read A's photo, its document or its attachment", async () => {
    for (const path of [`/db/${residentA.db}/${photoId(requestId, 1)}`, `/db/${residentA.db}/${photoId(requestId, 1)}/image`, `/db/${residentA.db}/${photoId(requestId, 1)}?attachments=true`]) {
      const res = await getBytes(path, residentB.cookie);
      expect(res.status, path).toBe(403);
      expect(Buffer.from(res.bytes).includes(Buffer.from(faultJpeg().subarray(0, 64)))).toBe(false);
    }
    const bulk = await request(site.url, 'POST', `/db/${residentA.db}/_bulk_get`, { docs: [{ id: photoId(requestId, 1) }] }, { cookie: residentB.cookie });
    expect(bulk.status).toBe(403);
  });

  it("B cannot read it through the staff path either", async () => {
    const res = await getBytes(`/db/_account/photos/${photoId(requestId, 1)}`, residentB.cookie);
    expect(res.status).toBe(403);
    expect(res.type).not.toBe('image/jpeg');
  });

  it("B cannot add a photo to A's request: not in A's database, not in B's own", async () => {
    const intoA = await request(site.url, 'PUT', `/db/${residentA.db}/${photoId(requestId, 2)}`, aPhoto(residentB, requestId, 2), { cookie: residentB.cookie });
    expect(intoA.status).toBe(403);
    expect(intoA.json.rule).toBe('membership');
    const intoB = await request(site.url, 'PUT', `/db/${residentB.db}/${photoId(requestId, 2)}`, aPhoto(residentB, requestId, 2), { cookie: residentB.cookie });
    expect(intoB.status).toBe(403);
    expect(intoB.json.rule).toBe('request-unknown');
    const asA = await request(site.url, 'PUT', `/db/${residentB.db}/${photoId(requestId, 3)}`, aPhoto(residentA, requestId, 3), { cookie: residentB.cookie });
    expect(asA.status).toBe(403);
    expect((await request(site.url, 'GET', `/db/${residentA.db}/${photoId(requestId, 2)}`, undefined, adminAuth)).status).toBe(404);
  });
});

describe('what a photo must be', () => {
  const refusedWith = async (doc: Record<string, unknown>, rule: string) => {
    const res = await request(site.url, 'PUT', `/db/${residentA.db}/${String(doc._id)}`, doc, { cookie: residentA.cookie });
    expect(res.status, res.text).toBe(403);
    expect(res.json.rule, res.text).toBe(rule);
    expect((await request(site.url, 'GET', `/db/${residentA.db}/${String(doc._id)}`, undefined, adminAuth)).status).toBe(404);
  };

  it('a non-image is refused', async () => {
    await refusedWith(aPhoto(residentA, requestId, 2, { content_type: 'text/html', data: Buffer.from('<script>alert(1)</script>').toString('base64') }), 'photo-type');
    await refusedWith(aPhoto(residentA, requestId, 2, { content_type: 'image/svg+xml', data: Buffer.from('<svg onload="alert(1)"/>').toString('base64') }), 'photo-type');
    await refusedWith(aPhoto(residentA, requestId, 2, { content_type: 'image/jpeg', data: Buffer.from('<html>not a jpeg</html>').toString('base64') }), 'photo-type');
    await refusedWith(aPhoto(residentA, requestId, 2, { content_type: 'image/png', data: FAULT_JPEG_BASE64 }), 'photo-type');
  });

  it('an oversized picture is refused', async () => {
    const jpeg = faultJpeg();
    const big = new Uint8Array(MAX_PHOTO_BYTES + 1024);
    big.set(jpeg.subarray(0, jpeg.length - 2));
    big.set([0xff, 0xd9], big.length - 2);
    await refusedWith(aPhoto(residentA, requestId, 2, { content_type: 'image/jpeg', data: Buffer.from(big).toString('base64') }), 'photo-size');
  });

  it('a picture with GPS tags is refused (the device strips them; the server holds the line)', async () => {
    const tagged = withGpsExif(faultJpeg());
    expect(exifGps(tagged)).not.toBeNull();
    await refusedWith(aPhoto(residentA, requestId, 2, { content_type: 'image/jpeg', data: Buffer.from(tagged).toString('base64') }), 'photo-metadata');
  });

  it('a 4th photo is refused, and so is any other numbering', async () => {
    for (const n of [2, 3]) {
      const ok = await request(site.url, 'PUT', `/db/${residentA.db}/${photoId(requestId, n)}`, aPhoto(residentA, requestId, n), { cookie: residentA.cookie });
      expect(ok.status, ok.text).toBe(201);
    }
    await refusedWith(aPhoto(residentA, requestId, 4), 'photo-count');
    await refusedWith(aPhoto(residentA, requestId, 0), 'photo-count');
    await refusedWith({ ...aPhoto(residentA, requestId, 1), _id: `${requestId}-photo-extra` }, 'well-formed');
    const bulk = await request(site.url, 'POST', `/db/${residentA.db}/_bulk_docs`, { docs: [aPhoto(residentA, requestId, 4), aPhoto(residentA, requestId, 5)] }, { cookie: residentA.cookie });
    expect(bulk.json.map((r: { rule: string }) => r.rule)).toEqual(['photo-count', 'photo-count']);
  });

  it('a photo of a consultation, or of a request nobody filed, is refused', async () => {
    const consult = aSubmitted('consultation', { requestId: newRequestId(Date.now()), author: { name: residentA.name, role: 'resident', device: 'phone' }, resident: residentA.name, station: STATION_1, at: now() });
    expect((await request(site.url, 'PUT', `/db/${residentA.db}/${consult.id}`, asCouchDoc(consult), { cookie: residentA.cookie })).status).toBe(201);
    await refusedWith(aPhoto(residentA, consult.requestId, 1), 'photo-kind');
    await refusedWith(aPhoto(residentA, newRequestId(Date.now()), 1), 'request-unknown');
  });

  it('a photo holds one attachment named image, nothing more', async () => {
    const { rid } = await submitRepair(residentA);
    const two = aPhoto(residentA, rid, 1);
    (two._attachments as Record<string, unknown>).other = { content_type: 'image/jpeg', data: FAULT_JPEG_BASE64 };
    await refusedWith(two, 'well-formed');
  });
});

describe('no other document may carry an attachment', () => {
  it('an event with _attachments is refused', async () => {
    const withFile = { ...asCouchDoc(repairOf(residentA)), _attachments: { 'a.jpg': { content_type: 'image/jpeg', data: FAULT_JPEG_BASE64 } } };
    const res = await request(site.url, 'PUT', `/db/${residentA.db}/${withFile._id}`, withFile, { cookie: residentA.cookie });
    expect(res.status).toBe(403);
    expect(res.json.rule).toBe('attachments');
  });

  it('a document of another type, or an event pretending to be a photo, is refused', async () => {
    const other = { _id: 'notes-1', docType: 'note', _attachments: { image: { content_type: 'image/jpeg', data: FAULT_JPEG_BASE64 } } };
    const res = await request(site.url, 'PUT', `/db/${residentA.db}/notes-1`, other, { cookie: residentA.cookie });
    expect(res.status).toBe(403);
    expect(res.json.rule).toBe('attachments');
    const { event } = await submitRepair(residentA);
    const disguised = { ...asCouchDoc(event), _id: photoId(event.requestId, 1), docType: 'photo' };
    const res2 = await request(site.url, 'PUT', `/db/${residentA.db}/${disguised._id}`, disguised, { cookie: residentA.cookie });
    expect(res2.status).toBe(403);
    expect(res2.json.rule).toBe('well-formed');
  });

  it('an attachment PUT and a multipart write are refused, also for a photo', async () => {
    const put = await fetch(`${site.url}/db/${residentA.db}/${photoId(requestId, 1)}/second.jpg`, {
      method: 'PUT',
      headers: { cookie: residentA.cookie, 'content-type': 'image/jpeg' },
      body: Buffer.from(faultJpeg()),
    });
    expect(put.status).toBe(403);
    expect((await put.json()).rule).toBe('attachments');
    const multipart = await fetch(`${site.url}/db/${residentA.db}/${photoId(newRequestId(Date.now()), 1)}`, {
      method: 'PUT',
      headers: { cookie: residentA.cookie, 'content-type': 'multipart/related; boundary=x' },
      body: '--x\r\ncontent-type: application/json\r\n\r\n{}\r\n--x--',
    });
    expect(multipart.status).toBe(403);
  });

  it('staff cannot write a photo into their station database', async () => {
    const res = await request(site.url, 'PUT', `/db/${stationDbName(STATION_1)}/${photoId(requestId, 1)}`, aPhoto(residentA, requestId, 1), { cookie: dispatcher1 });
    expect(res.status).toBe(403);
    expect(res.json.rule).toBe('photo-database');
  });
});

describe('who sees a photo', () => {
  it('a stranger with no session gets nothing', async () => {
    for (const path of [`/db/${residentA.db}/${photoId(requestId, 1)}/image`, `/db/_account/photos/${photoId(requestId, 1)}`]) {
      const res = await getBytes(path);
      expect(res.status, path).toBe(401);
      expect(res.type).not.toBe('image/jpeg');
    }
    const write = await request(site.url, 'PUT', `/db/${residentA.db}/${photoId(requestId, 1)}`, aPhoto(residentA, requestId, 1));
    expect(write.status).toBe(401);
  });

  it("the staff of the request's station and operations see it, logged; another station does not", async () => {
    await arrival(stationDbName(STATION_1), (await request(site.url, 'GET', `/db/${residentA.db}/_all_docs`, undefined, adminAuth)).json.rows.find((r: { id: string }) => r.id.startsWith('ev-')).id);
    const seen = await getBytes(`/db/_account/photos/${photoId(requestId, 1)}`, dispatcher1);
    expect(seen.status).toBe(200);
    expect(seen.type).toBe('image/jpeg');
    expect(Buffer.from(seen.bytes).equals(Buffer.from(faultJpeg()))).toBe(true);
    const ops = await getBytes(`/db/_account/photos/${photoId(requestId, 1)}`, manager);
    expect(ops.status).toBe(200);
    const other = await getBytes(`/db/_account/photos/${photoId(requestId, 1)}`, technician2);
    expect(other.status).toBe(404);
    const owner = await getBytes(`/db/_account/photos/${photoId(requestId, 1)}`, residentA.cookie);
    expect(owner.status).toBe(403);
    const log = await request(site.url, 'GET', '/db/_account/access-log?limit=20', undefined, { cookie: manager });
    const views = log.json.entries.filter((e: { action: string }) => e.action === 'photo-view');
    expect(views.map((e: { actor: { name: string } }) => e.actor.name)).toEqual(expect.arrayContaining([DISPATCHER_1.name, MANAGER.name]));
    expect(views.find((e: { actor: { name: string } }) => e.actor.name === DISPATCHER_1.name).accounts).toEqual([residentA.accountNumber]);
  });

  it('a photo id that is not a photo, or a photo not (yet) stored, answers 404 to staff', async () => {
    expect((await getBytes(`/db/_account/photos/${photoId(requestId, 3).replace('-photo-3', '')}`, dispatcher1)).status).toBe(404);
    const { rid } = await submitRepair(residentA);
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await getBytes(`/db/_account/photos/${photoId(rid, 1)}`, dispatcher1)).status).toBe(404);
  });
});
