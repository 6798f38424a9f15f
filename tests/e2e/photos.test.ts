/**
 * Issue 21, item 5, done when: in real Chromium at 390×844 against the real backend, a photo
 * taken offline (a camera picture with GPS tags, larger than the device keeps) arrives with its
 * request once the phone is online, resized and without GPS tags; the resident sees it on their
 * request, the staff of the request's station on the request card, and a second resident cannot
 * read it. Screenshots in both languages (HEARTHLINE_SHOTS=folder).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startSite, type Site } from '../support/server';
import { admin, newResident, request, type Resident } from '../support/client';
import { PHONE, checkAccessibility, formatViolations, launchBrowser } from '../support/browser';
import { openRequestForm } from './support/portal';
import { waitForDevice } from './support/device';
import { dictionary, fill } from '../../src/i18n';
import { PHOTO_MAX_SIDE, MAX_PHOTO_BYTES, photoId } from '../../src/db/schema/photos';
import { hasPhotoMetadata, jpegSegments } from '../../src/rules/photoBytes';
import { exifGps, withGpsExif, GPS_PLACE } from '../support/photos';

const zh = dictionary('zh-CN');
const en = dictionary('en');
const ADMIN_PASSWORD = 'e2e photos admin 1';
const SHOTS = process.env.HEARTHLINE_SHOTS;
let site: Site;
let browser: Browser;
/** A camera's picture: 2400×1800 with GPS Exif, as a phone's camera app saves it. */
let cameraJpeg: Buffer;

beforeAll(async () => {
  site = await startSite({ env: { HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  browser = await launchBrowser();
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  const page = await browser.newPage();
  const b64 = await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 2400;
    c.height = 1800;
    const g = c.getContext('2d')!;
    const grad = g.createLinearGradient(0, 0, 2400, 1800);
    grad.addColorStop(0, '#8e5b3a');
    grad.addColorStop(1, '#3b4f63');
    g.fillStyle = grad;
    g.fillRect(0, 0, 2400, 1800);
    g.fillStyle = '#d9d9d9';
    g.fillRect(900, 500, 600, 900); // a radiator
    g.fillStyle = '#1f6fb2';
    for (let i = 0; i < 40; i += 1) g.fillRect(1150 + (i % 5) * 12, 1400 + i * 9, 8, 8); // the drip
    return c.toDataURL('image/jpeg', 0.92).split(',')[1]!;
  });
  await page.close();
  cameraJpeg = Buffer.from(withGpsExif(new Uint8Array(Buffer.from(b64, 'base64'))));
  expect(exifGps(new Uint8Array(cameraJpeg))).not.toBeNull();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
}

async function signInAs(page: Page, resident: Resident, lang: 'zh-CN' | 'en' = 'zh-CN'): Promise<void> {
  const t = dictionary(lang);
  await page.goto(site.url + (lang === 'en' ? '/en/portal/' : '/portal/'));
  await page.getByLabel(t.session.login).fill(resident.accountNumber);
  await page.getByLabel(t.session.password, { exact: true }).fill(resident.password);
  await page.getByRole('button', { name: t.session.signIn, exact: true }).click();
  await page.getByRole('button', { name: t.session.signOut }).waitFor();
  await waitForDevice(page);
}

const adminAuth = () => ({ basic: { name: site.adminUser, password: ADMIN_PASSWORD } });

async function bytesOf(urlPath: string, headers: Record<string, string> = {}) {
  const res = await fetch(site.url + urlPath, { headers, signal: AbortSignal.timeout(15_000) });
  return { status: res.status, type: res.headers.get('content-type'), bytes: new Uint8Array(await res.arrayBuffer()) };
}

/** The draft photos kept on the page's device (src/db/device/draftPhotos.ts): form and count per entry. */
async function draftPhotoEntries(page: Page): Promise<{ form: string; photos: number }[]> {
  return page.evaluate(
    () =>
      new Promise<{ form: string; photos: number }[]>((resolve, reject) => {
        const open = indexedDB.open('hearthline-draft-photos');
        // Not made yet: not made here either (an empty database would keep the app from making its store).
        open.onupgradeneeded = () => open.transaction!.abort();
        open.onerror = () => (open.error?.name === 'AbortError' ? resolve([]) : reject(open.error));
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('drafts')) return resolve([]);
          const all = db.transaction('drafts').objectStore('drafts').getAll();
          all.onsuccess = () => {
            db.close();
            resolve((all.result as { form: string; photos: unknown[] }[]).map((e) => ({ form: e.form, photos: e.photos.length })));
          };
          all.onerror = () => reject(all.error);
        };
      }),
  );
}

describe('photos of the fault', () => {
  it('a photo taken offline arrives with its request once online, resized and without GPS tags; staff of the station see it, another resident cannot', async () => {
    const resident = await newResident(site.url, { community: 'demo-garden' });
    const other = await newResident(site.url, { community: 'demo-garden' });
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await signInAs(page, resident);

    await context.setOffline(true);
    await openRequestForm(page, 'repair');
    const panel = page.locator('#new-request-panel');
    await panel.getByLabel(zh.forms.repair.faults.leak).check();
    await panel.getByLabel(zh.forms.address).fill('暖园小区 3 号楼 501');
    await panel.getByLabel(zh.forms.contactName).fill('钱先生');
    // The camera button (capture) takes the picture.
    const take = panel.locator('input[data-photo="take"]');
    expect(await take.getAttribute('capture')).toBe('environment');
    expect(await take.getAttribute('accept')).toBe('image/*');
    await take.setInputFiles({ name: 'IMG_20251206_0930.jpg', mimeType: 'image/jpeg', buffer: cameraJpeg });
    const thumb = panel.locator('.photo-picker .photo-list img');
    await thumb.waitFor();
    expect(await panel.locator('.photo-picker .counter').textContent()).toBe(fill(zh.photos.count, { n: 1 }));
    expect(await thumb.getAttribute('alt')).toBe(fill(zh.photos.alt, { n: 1 }));
    await panel.locator('.photo-picker').scrollIntoViewIfNeeded();
    await shot(page, 'photo-picker-zh');
    const violations = await checkAccessibility(page);
    expect(violations, formatViolations(violations)).toEqual([]);

    await panel.getByRole('button', { name: zh.forms.repair.submit }).click();
    await panel.locator('.notice[role="status"]').waitFor();
    const item = page.locator('.my-requests .request, li.request').first();
    await item.waitFor();
    const requestId = (await item.getAttribute('data-request'))!;
    const id = photoId(requestId, 1);
    // Offline: the request and its photo wait on the device, and say so.
    expect(await item.getAttribute('data-waiting')).toBe('yes');
    await item.locator('.request-photos img').waitFor();
    expect(await item.locator('.request-photos img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
    expect((await request(site.url, 'GET', `/db/${resident.db}/${id}`, undefined, adminAuth())).status).toBe(404);
    await item.scrollIntoViewIfNeeded();
    await shot(page, 'photo-offline-waiting-zh');

    await context.setOffline(false);
    await expect.poll(() => page.locator('.sync-status .sync-headline').textContent(), { timeout: 60_000 }).toBe(zh.sync.synced);
    expect(await item.getAttribute('data-waiting')).toBe('no');
    await shot(page, 'photo-sent-zh');

    // On the server: the request lists it, the photo document holds the resized JPEG, no GPS.
    const submitted = await request(site.url, 'GET', `/db/${resident.db}/_all_docs?include_docs=true`, undefined, adminAuth());
    const submission = submitted.json.rows.map((r: { doc: any }) => r.doc).find((d: any) => d.docType === 'event' && d.requestId === requestId);
    expect(submission.payload.photos).toEqual([id]);
    const doc = await request(site.url, 'GET', `/db/${resident.db}/${id}`, undefined, adminAuth());
    expect(doc.status).toBe(200);
    expect(Math.max(doc.json.width, doc.json.height)).toBe(PHOTO_MAX_SIDE);
    expect(doc.json.width / doc.json.height).toBeCloseTo(2400 / 1800, 2);
    const stored = await bytesOf(`/db/${resident.db}/${id}/image`, { authorization: `Basic ${Buffer.from(`${site.adminUser}:${ADMIN_PASSWORD}`).toString('base64')}` });
    expect(stored.type).toBe('image/jpeg');
    expect(stored.bytes.length).toBeLessThan(MAX_PHOTO_BYTES);
    expect(stored.bytes.length).toBeLessThan(cameraJpeg.length);
    expect(jpegSegments(stored.bytes)).not.toBeNull();
    expect(exifGps(stored.bytes)).toBeNull();
    expect(hasPhotoMetadata(stored.bytes)).toBe(false);
    expect(Buffer.from(stored.bytes).includes(Buffer.from('Exif'))).toBe(false);
    expect(exifGps(new Uint8Array(cameraJpeg))!.lat).toBeCloseTo(GPS_PLACE.lat, 3);

    // A second resident cannot read it, by any path.
    for (const p of [`/db/${resident.db}/${id}/image`, `/db/${resident.db}/${id}`, `/db/_account/photos/${id}`]) {
      const res = await bytesOf(p, { cookie: other.cookie });
      expect(res.status, p).toBe(403);
      expect(res.type).not.toBe('image/jpeg');
    }
    await context.close();

    // The station's dispatcher sees it on the request card.
    const password = 'dp-photos pass 1';
    const run = await admin(site, ['create-staff', '--name', 'dp-photos', '--role', 'dispatcher', '--station', 'demo', '--password', password], { password: ADMIN_PASSWORD });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const staff = await browser.newContext({ viewport: PHONE });
    const staffPage = await staff.newPage();
    await staffPage.goto(site.url + '/staff/');
    await staffPage.getByLabel(zh.session.login).fill('dp-photos');
    await staffPage.getByLabel(zh.session.password, { exact: true }).fill(password);
    await staffPage.getByRole('button', { name: zh.session.signIn, exact: true }).click();
    await staffPage.getByRole('button', { name: zh.session.signOut }).waitFor();
    const row = staffPage.locator(`.staff-queue .request[data-request="${requestId}"]`);
    await row.waitFor({ timeout: 60_000 });
    await row.getByRole('button', { name: zh.staffConsole.open }).click();
    const photo = row.locator('dd[data-fact="photos"] img');
    await photo.waitFor();
    await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await row.locator('dd[data-fact="photos"]').evaluate((dd) => dd.previousElementSibling?.textContent)).toBe(zh.staffConsole.facts.photos);
    await row.locator('.request-card').scrollIntoViewIfNeeded();
    await row.locator('.request-card').screenshot({ path: SHOTS ? path.join(SHOTS, 'photo-staff-card-zh.png') : path.join('/tmp', 'photo-staff-card-zh.png') });
    await staff.close();
  }, 240_000);

  it('photos picked for an unsent request stay in its draft over an offline reload and go with it; sent or signed out, the draft keeps none', async () => {
    const resident = await newResident(site.url, { community: 'demo-garden' });
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await signInAs(page, resident);
    // The service worker holds the page, so it opens again with no network.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
    await openRequestForm(page, 'repair');
    const panel = page.locator('#new-request-panel');
    await panel.getByLabel(zh.forms.repair.faults.valve).check();
    await panel.getByLabel(zh.forms.address).fill('暖园小区 5 号楼 201');
    await panel.getByLabel(zh.forms.contactName).fill('孙阿姨');
    await panel.locator('input[data-photo="take"]').setInputFiles({ name: 'IMG_valve.jpg', mimeType: 'image/jpeg', buffer: cameraJpeg });
    await panel.locator('.photo-picker .photo-list img').waitFor();
    // Kept on the device (IndexedDB, not localStorage: a photo is up to 1 MB).
    await expect.poll(() => draftPhotoEntries(page), { timeout: 15_000 }).toEqual([{ form: 'repair', photos: 1 }]);
    expect(await page.evaluate(() => Object.values(localStorage).some((v) => v.includes('/9j/')))).toBe(false);

    // The phone loses the network and the page is opened again.
    await context.setOffline(true);
    await page.reload();
    await page.getByRole('button', { name: zh.session.signOut }).waitFor();
    await openRequestForm(page, 'repair');
    const thumb = panel.locator('.photo-picker .photo-list img');
    await thumb.waitFor({ timeout: 15_000 });
    expect(await thumb.count()).toBe(1);
    expect(await panel.locator('.photo-picker .counter').textContent()).toBe(fill(zh.photos.count, { n: 1 }));
    expect(await thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
    expect(await panel.getByLabel(zh.forms.repair.faults.valve).isChecked()).toBe(true);
    expect(await panel.getByLabel(zh.forms.contactName).inputValue()).toBe('孙阿姨');
    await panel.locator('.photo-picker').scrollIntoViewIfNeeded();
    await shot(page, 'photo-draft-after-reload-zh');

    await panel.getByRole('button', { name: zh.forms.repair.submit }).click();
    await panel.locator('.notice[role="status"]').waitFor();
    expect(await panel.locator('.form-error').count()).toBe(0);
    // Sent: the form starts again empty, and its draft holds no photo.
    expect(await panel.locator('.photo-picker .photo-list img').count()).toBe(0);
    await expect.poll(() => draftPhotoEntries(page)).toEqual([]);
    const item = page.locator('li.request').first();
    await item.waitFor();
    const requestId = (await item.getAttribute('data-request'))!;
    await context.setOffline(false);
    await expect.poll(() => page.locator('.sync-status .sync-headline').textContent(), { timeout: 60_000 }).toBe(zh.sync.synced);
    const all = await request(site.url, 'GET', `/db/${resident.db}/_all_docs?include_docs=true`, undefined, adminAuth());
    const submission = all.json.rows.map((r: { doc: any }) => r.doc).find((d: any) => d.docType === 'event' && d.requestId === requestId);
    expect(submission.payload.photos).toEqual([photoId(requestId, 1)]);
    const stored = await bytesOf(`/db/${resident.db}/${photoId(requestId, 1)}/image`, { authorization: `Basic ${Buffer.from(`${site.adminUser}:${ADMIN_PASSWORD}`).toString('base64')}` });
    expect(stored.status).toBe(200);
    expect(exifGps(stored.bytes)).toBeNull();
    expect(hasPhotoMetadata(stored.bytes)).toBe(false);

    // A photo picked for a complaint and not sent: signing out of the (shared) phone leaves none.
    await openRequestForm(page, 'complaint');
    await panel.locator('input[data-photo="choose"]').setInputFiles({ name: 'stairs.jpg', mimeType: 'image/jpeg', buffer: cameraJpeg });
    await expect.poll(() => draftPhotoEntries(page), { timeout: 15_000 }).toEqual([{ form: 'complaint', photos: 1 }]);
    await page.getByRole('button', { name: zh.session.signOut }).click();
    await page.getByLabel(zh.session.login).waitFor();
    await expect.poll(() => draftPhotoEntries(page)).toEqual([]);
    await context.close();
  }, 240_000);

  it('in English: chosen from the library, up to three, each removable; a non-picture is named at the field', async () => {
    const resident = await newResident(site.url, { community: 'demo-garden' });
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await signInAs(page, resident, 'en');
    await openRequestForm(page, 'complaint');
    const panel = page.locator('#new-request-panel');
    const picker = panel.locator('.photo-picker');
    expect(await picker.locator('legend').textContent()).toBe(en.photos.legend);
    const choose = picker.locator('input[data-photo="choose"]');
    expect(await choose.getAttribute('multiple')).not.toBeNull();
    await choose.setInputFiles([
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a picture') },
      { name: 'a.jpg', mimeType: 'image/jpeg', buffer: cameraJpeg },
      { name: 'b.jpg', mimeType: 'image/jpeg', buffer: cameraJpeg },
    ]);
    await expect.poll(() => picker.locator('.photo-list img').count(), { timeout: 20_000 }).toBe(2);
    expect(await picker.locator('.field-error').textContent()).toBe(fill(en.photos.notImage, { name: 'notes.txt' }));
    await choose.setInputFiles([
      { name: 'c.jpg', mimeType: 'image/jpeg', buffer: cameraJpeg },
      { name: 'd.jpg', mimeType: 'image/jpeg', buffer: cameraJpeg },
    ]);
    await expect.poll(() => picker.locator('.photo-list img').count(), { timeout: 20_000 }).toBe(3);
    expect(await picker.locator('.counter').textContent()).toBe(en.photos.full);
    expect(await picker.locator('.field-error').textContent()).toBe(fill(en.photos.notAdded, { name: 'd.jpg' }));
    expect(await picker.locator('input[type="file"]').count()).toBe(0);
    await picker.scrollIntoViewIfNeeded();
    await shot(page, 'photo-picker-full-en');
    const violations = await checkAccessibility(page);
    expect(violations, formatViolations(violations)).toEqual([]);
    await picker.getByRole('button', { name: fill(en.photos.remove, { n: 2 }) }).click();
    expect(await picker.locator('.photo-list img').count()).toBe(2);
    expect(await picker.locator('.counter').textContent()).toBe(fill(en.photos.count, { n: 2 }));

    await panel.getByLabel(en.forms.complaint.about, { exact: true }).fill('The radiator valve in the stairwell leaks.');
    await panel.getByLabel(en.forms.complaint.demand, { exact: true }).fill('Please repair it.');
    await panel.getByLabel(en.forms.address).fill('Warm Garden 3-501');
    await panel.getByLabel(en.forms.contactName).fill('Mr Qian');
    await panel.getByRole('button', { name: en.forms.complaint.submit }).click();
    await panel.locator('.notice[role="status"]').waitFor();
    await expect.poll(() => page.locator('.sync-status .sync-headline').textContent(), { timeout: 60_000 }).toBe(en.sync.synced);
    const item = page.locator('li.request').first();
    await expect.poll(() => item.locator('.request-photos img').count()).toBe(2);
    await item.scrollIntoViewIfNeeded();
    await shot(page, 'photo-sent-en');
    const requestId = (await item.getAttribute('data-request'))!;
    for (const n of [1, 2]) expect((await request(site.url, 'GET', `/db/${resident.db}/${photoId(requestId, n)}`, undefined, adminAuth())).status).toBe(200);
    expect((await request(site.url, 'GET', `/db/${resident.db}/${photoId(requestId, 3)}`, undefined, adminAuth())).status).toBe(404);
    await context.close();
  }, 180_000);
});
