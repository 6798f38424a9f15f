/**
 * The end of a request on the resident's phone, in real Chromium against the real backend:
 * staff events written at the station reach the timeline; the resident signs off (with the
 * keyboard: a typed name drawn as the signature), rates the visit (keyboard only), rates it
 * again, and reopens the request. Each is an event that reaches the station's and the
 * operations databases with its payload, and the fold says `reopened` after the reopening. A
 * temperature test shows its rooms, points, readings, means and the 18 °C verdict, and is not
 * valid until the resident signs (signed with the mouse on the pad). A visit goes to the
 * resident's calendar as an .ics download: the appointment's slot, then the booked time under
 * the same UID. No serious or critical axe violation on these screens.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startSite, type Site } from '../support/server';
import { admin, newResident, request, signIn, type Resident } from '../support/client';
import { PHONE, checkAccessibility, collectConsoleErrors, formatViolations, launchBrowser } from '../support/browser';
import { dictionary, fill } from '../../src/i18n';
import { SUBMISSIONS, anEvent, asCouchDoc } from '../support/builders/events';
import { appointmentDays, temperatureTestDays } from '../../src/rules/bookingWindows';
import { formatDay } from '../../src/islands/format';
import { fromCouchDoc, type EventDoc, type EventRecord, type EventType } from '../../src/db/schema/events/event';
import { MAX_SIGNATURE_LENGTH, SIGNATURE_PREFIX } from '../../src/db/schema/events/limits';
import { newRequestId } from '../../src/db/schema/events/ids';
import { requestState } from '../../src/rules/requestState';
import { currentRating } from '../../src/rules/residentActions';

const zh = dictionary('zh-CN');
const en = dictionary('en');
const ADMIN_PASSWORD = 'e2e completion admin 1';
const STAFF = {
  dispatcher: { name: 'dp-completion', password: 'dispatcher pass 1', role: 'dispatcher', station: 'demo' },
  technician: { name: 'tc-completion', password: 'technician pass 1', role: 'technician', station: 'demo' },
  hotline: { name: 'hl-completion', password: 'hotline pass 1', role: 'hotline' },
} as const;
type StaffKey = keyof typeof STAFF;
const cookies: Partial<Record<StaffKey, string>> = {};
let site: Site;
let browser: Browser;

beforeAll(async () => {
  site = await startSite({ env: { HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  for (const [key, s] of Object.entries(STAFF) as [StaffKey, (typeof STAFF)[StaffKey]][]) {
    const args = ['create-staff', '--name', s.name, '--role', s.role, ...('station' in s ? ['--station', s.station] : []), '--password', s.password];
    const made = await admin(site, args, { password: ADMIN_PASSWORD });
    if (made.code !== 0) throw new Error(made.stderr);
    cookies[key] = (await signIn(site.url, s.name, s.password)).cookie!;
  }
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await site?.stop();
});

/** A staff member writes an event at the station, through the server's checks. */
async function staffWrites(who: 'dispatcher' | 'technician', event: EventRecord): Promise<void> {
  const put = await request(site.url, 'PUT', `/db/station-demo/${event.id}`, asCouchDoc(event), { cookie: cookies[who]! });
  expect(put.status, put.text).toBe(201);
}

/** The request's events as a database on the server holds them (what staff devices replicate). */
async function serverEvents(database: 'station-demo' | 'operations', requestId: string): Promise<EventRecord[]> {
  const who = database === 'operations' ? 'hotline' : 'dispatcher';
  const all = await request(site.url, 'GET', `/db/${database}/_all_docs?include_docs=true`, undefined, { cookie: cookies[who]! });
  expect(all.status, all.text).toBe(200);
  return (all.json.rows as { doc: EventDoc & { docType?: string } }[])
    .map((r) => r.doc)
    .filter((d) => d.docType === 'event' && d.requestId === requestId)
    .map((d) => fromCouchDoc(d));
}

/** Waits until both staff databases hold `n` events of `type` of the request, and gives the station's. */
async function reachesStaff(requestId: string, type: EventType, n = 1): Promise<EventRecord[]> {
  for (const db of ['station-demo', 'operations'] as const) {
    await expect.poll(async () => (await serverEvents(db, requestId)).filter((e) => e.type === type).length, { timeout: 30_000 }).toBe(n);
  }
  return (await serverEvents('station-demo', requestId)).filter((e) => e.type === type);
}

async function residentPage(resident: Resident, lang: 'zh-CN' | 'en' = 'zh-CN'): Promise<{ page: Page; errors: () => string[]; close: () => Promise<void> }> {
  const t = dictionary(lang);
  const context = await browser.newContext({ viewport: PHONE });
  const page = await context.newPage();
  const errors = collectConsoleErrors(page);
  await page.goto(site.url + (lang === 'en' ? '/en/portal/' : '/portal/'));
  await page.getByLabel(t.session.login).fill(resident.accountNumber);
  await page.getByLabel(t.session.password, { exact: true }).fill(resident.password);
  await page.getByRole('button', { name: t.session.signIn, exact: true }).click();
  return { page, errors, close: () => context.close() };
}

/** The resident's request, submitted from their own account (the form is another test's). */
async function submit(
  resident: Resident,
  kind: 'repair' | 'temperature-test' | 'appointment-installation' | 'consultation',
): Promise<{ requestId: string; envelope: Record<string, unknown>; preferredDate: string }> {
  // Booked days are judged from the moment of writing (src/rules/bookingWindows.ts): take the first offered.
  const now = Date.now();
  const preferredDate = kind === 'appointment-installation' ? appointmentDays(kind, now)[0]! : temperatureTestDays(now)[1]!;
  const payload =
    kind === 'appointment-installation'
      ? { ...SUBMISSIONS[kind], preferredDate }
      : kind === 'temperature-test'
        ? { ...SUBMISSIONS[kind], preferredSlots: [{ date: preferredDate, from: '09:00', to: '11:00' }] }
        : SUBMISSIONS[kind];
  const submitted = anEvent('submitted', {
    payload,
    requestKind: kind,
    requestId: newRequestId(Date.now()),
    resident: resident.name,
    station: 'demo',
    at: new Date(now).toISOString(),
    author: { name: resident.name, role: 'resident', device: 'phone-e2e' },
  });
  const put = await request(site.url, 'PUT', `/db/${resident.db}/${submitted.id}`, asCouchDoc(submitted), { cookie: resident.cookie });
  expect(put.status, put.text).toBe(201);
  return { requestId: submitted.requestId, envelope: { requestId: submitted.requestId, requestKind: kind, resident: resident.name, station: 'demo' }, preferredDate };
}

let tick = 0;
/** A staff event of the request, a little later each time (the history's order is by time). */
function staffEvent<T extends EventType>(type: T, who: StaffKey, envelope: Record<string, unknown>, payload: Record<string, unknown> = {}): EventRecord {
  return anEvent(type, {
    ...envelope,
    at: new Date(Date.now() + ++tick).toISOString(),
    visibility: 'resident',
    author: { name: STAFF[who].name, role: STAFF[who].role, device: `${who}-device` },
    payload,
  } as never);
}

async function openTimeline(page: Page, requestId: string) {
  const row = page.locator(`.request[data-request="${requestId}"]`);
  await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(1);
  // With the keyboard: the summary is a button-like control.
  await row.locator('summary').focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => row.locator('details').getAttribute('open')).toBe('');
  return row;
}

async function expectNoAxeViolations(page: Page) {
  const violations = await checkAccessibility(page);
  expect(violations, formatViolations(violations)).toEqual([]);
}

describe('completing a repair', () => {
  it('signs off, rates the visit twice and reopens, each with the keyboard, each an event the staff databases get', async () => {
    const resident = await newResident(site.url, { community: 'demo-garden' });
    const { page, errors, close } = await residentPage(resident);
    const { requestId, envelope } = await submit(resident, 'repair');
    const row = await openTimeline(page, requestId);

    await staffWrites('dispatcher', staffEvent('accepted', 'dispatcher', envelope));
    await staffWrites('dispatcher', staffEvent('dispatched', 'dispatcher', envelope, { technician: STAFF.technician.name, technicianName: '张师傅', visitAt: '2027-12-01T02:00:00.000Z' }));
    await expect.poll(() => row.locator('.request-meta').textContent(), { timeout: 30_000 }).toContain(zh.requestStatus.dispatched);
    // Each milestone with its words: received, who owns it, who comes when.
    expect(await row.locator('.timeline li[data-type="submitted"]').textContent()).toContain(zh.timeline.types.submitted);
    expect(await row.locator('.timeline li[data-type="accepted"]').textContent()).toContain(`${zh.timeline.types.accepted} · ${fill(zh.timeline.owner, { name: STAFF.dispatcher.name })}`);
    expect(await row.locator('.timeline li[data-type="dispatched"]').textContent()).toContain(`${zh.timeline.types.dispatched} · 张师傅 预计 12月1日 10:00 上门`);

    // The booked visit as a calendar file (the text of the page in Beijing time, the file in UTC).
    const ics = row.locator('a[data-ics]');
    expect(await ics.textContent()).toBe(zh.timeline.ics);
    expect(await ics.getAttribute('download')).toBe(`hearthline-${requestId.slice(-6)}.ics`);
    // Downloaded with the keyboard, as the browser saves it.
    await ics.focus();
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    expect(download.suggestedFilename()).toBe(`hearthline-${requestId.slice(-6)}.ics`);
    const file = readFileSync((await download.path())!, 'utf8');
    expect(file.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const unfolded = file.replace(/\r\n /g, '');
    expect(file).toContain('\r\nDTSTART:20271201T020000Z\r\nDTEND:20271201T040000Z\r\n');
    expect(file).toContain(`\r\nUID:${requestId}.visit@hearthline\r\n`);
    expect(unfolded).toContain(`SUMMARY:${fill(zh.timeline.icsBooked, { kind: zh.requestKindLabels.repair, name: '张师傅' })}\r\n`);
    expect(unfolded).toContain('北京时间 12月1日 10:00');

    const arrived = staffEvent('arrived', 'technician', envelope);
    await staffWrites('technician', arrived);
    await staffWrites('technician', staffEvent('resolved', 'technician', envelope, { summary: '排气后恢复正常' }));
    await expect.poll(() => row.locator('.request-meta').textContent(), { timeout: 30_000 }).toContain(zh.requestStatus['awaiting-sign-off']);
    expect(await row.locator('.needs-sign-off').textContent()).toBe(zh.timeline.needsSignOff);
    expect(await row.locator('.timeline li[data-type="arrived"]').textContent()).toContain(zh.timeline.types.arrived);
    expect(await row.locator('.timeline li[data-type="resolved"]').textContent()).toContain('排气后恢复正常');
    // One finish form: solved (signed) or not solved, and the visit's rating, together.
    const finish = row.locator('form.finish');
    await expect.poll(() => finish.count(), { timeout: 20_000 }).toBe(1);
    expect(await row.locator('form').count()).toBe(1);
    // The four-point view asks only what the 1–10 scores do not (no "attitude" twice).
    expect(await finish.locator('fieldset.view-point legend').allTextContents()).toEqual([zh.rating.points.arrival, zh.rating.points.promises]);
    expect(await finish.locator('.finish-rating .hint').textContent()).toContain('张师傅');
    await expectNoAxeViolations(page);

    // Sending with nothing chosen: asked whether it is solved, in plain words.
    await finish.getByRole('button', { name: zh.completion.finishSubmit }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => finish.locator('.form-error').textContent()).toContain(zh.completion.solvedRequired);
    // "Solved" without a signature: told how to sign, at the field.
    await finish.getByLabel(zh.completion.solvedSign, { exact: true }).focus();
    await page.keyboard.press('Space');
    await finish.getByRole('button', { name: zh.completion.finishSubmit }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => finish.locator('.form-error').textContent()).toContain(zh.completion.signature.required);
    // Nothing of the form was recorded: the rating waits for the signature.
    expect(await page.evaluate(() => document.querySelectorAll('.timeline li[data-type="rated"]').length)).toBe(0);
    // Keyboard only: type the name (Enter draws it as the signature), rate, send.
    await finish.getByLabel(zh.completion.signature.typed).focus();
    await page.keyboard.type('李小明');
    await page.keyboard.press('Enter');
    await expect.poll(() => finish.locator('canvas').getAttribute('data-inked')).toBe('yes');
    await finish.getByLabel(zh.rating.attitude).focus();
    for (let i = 0; i < 2; i++) await page.keyboard.press('ArrowDown'); // 9 (10 first)
    await page.keyboard.press('Tab');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown'); // 8
    await page.keyboard.press('Tab'); // arrival: satisfied
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Tab'); // promises: very satisfied
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(zh.completion.finishSubmit);
    await page.keyboard.press('Enter');
    await expect.poll(() => row.locator('.action-notice').textContent()).toBe(zh.completion.saved);
    const [signed] = await reachesStaff(requestId, 'signed-off');
    expect(signed!.author).toMatchObject({ name: resident.name, role: 'resident' });
    const p = signed!.payload as { signature: string; satisfied: boolean };
    expect(p.satisfied).toBe(true);
    expect(p.signature.startsWith(`${SIGNATURE_PREFIX}iVBORw0KGgo`)).toBe(true);
    expect(p.signature.length).toBeLessThanOrEqual(MAX_SIGNATURE_LENGTH);
    const [rated] = await reachesStaff(requestId, 'rated');
    expect(rated!.payload).toEqual({
      visit: arrived.id,
      attitude: 9,
      ability: 8,
      view: { attitude: 'very-satisfied', skill: 'satisfied', arrival: 'satisfied', promises: 'very-satisfied' },
    });
    await expect.poll(() => row.locator('.request-meta').textContent()).toContain(zh.requestStatus.resolved);
    expect(await row.locator('.timeline li[data-type="signed-off"]').textContent()).toContain(`${zh.timeline.types['signed-off']} · ${zh.timeline.signedOffSatisfied}`);

    // Changing the rating (behind a disclosure) is a second event; the latest is the visit's rating.
    await row.locator('details.change-rating summary').click();
    const rate = row.locator('form.rate-visit');
    expect(await rate.getAttribute('data-visit')).toBe(arrived.id);
    await expect.poll(() => rate.locator('.current-rating').textContent()).toContain(fill(zh.rating.current, { attitude: 9, ability: 8, time: '' }).split('（')[0]!);
    await rate.getByLabel(zh.rating.attitude).selectOption('8');
    await rate.getByRole('button', { name: zh.rating.change }).focus();
    await page.keyboard.press('Enter');
    const ratings = await reachesStaff(requestId, 'rated', 2);
    expect(currentRating(await serverEvents('station-demo', requestId), arrived.id)).toMatchObject({ attitude: 8, ability: 8 });
    expect(ratings).toHaveLength(2);

    // Not solved after all: the plain second choice, with what is still wrong; back to the station's queue.
    const again = row.locator('form.finish');
    await again.getByLabel(zh.completion.notSolved, { exact: true }).focus();
    await page.keyboard.press('Space');
    await again.getByLabel(zh.completion.reopenReason).focus();
    await page.keyboard.type('暖气又不热了');
    await again.getByRole('button', { name: zh.completion.reopenSubmit }).focus();
    await page.keyboard.press('Enter');
    const [reopened] = await reachesStaff(requestId, 'reopened');
    expect(reopened!.payload).toEqual({ reason: '暖气又不热了' });
    for (const db of ['station-demo', 'operations'] as const) {
      expect(requestState(await serverEvents(db, requestId), { now: Date.now() }).status).toBe('reopened');
    }
    await expect.poll(() => row.locator('.request-meta').textContent()).toContain(zh.requestStatus.reopened);
    expect(await row.locator('.timeline li[data-type="reopened"]').textContent()).toContain(fill(zh.timeline.reason, { reason: '暖气又不热了' }));

    // The customer centre calls back, the station closes: both in the timeline with their words.
    const callback = staffEvent('callback', 'hotline', envelope, { outcome: 'satisfied', attitude: 9, ability: 9, satisfaction: 'satisfied' });
    const put = await request(site.url, 'PUT', `/db/operations/${callback.id}`, asCouchDoc(callback), { cookie: cookies.hotline! });
    expect(put.status, put.text).toBe(201);
    await staffWrites('dispatcher', staffEvent('closed', 'dispatcher', envelope, { summary: '复查后已修好' }));
    await expect.poll(() => row.locator('.request-meta').textContent(), { timeout: 30_000 }).toContain(zh.requestStatus.closed);
    expect(await row.locator('.timeline li[data-type="callback"]').textContent()).toContain(zh.timeline.types.callback);
    expect(await row.locator('.timeline li[data-type="closed"]').textContent()).toContain(`${zh.timeline.types.closed} · 复查后已修好`);
    await expectNoAxeViolations(page);
    expect(errors()).toEqual([]);
    await close();
  }, 180_000);
});

describe('a temperature test', () => {
  it('shows rooms, points, readings, means and the 18 °C verdict, not valid until the resident signs (drawn with the mouse)', async () => {
    const resident = await newResident(site.url, { community: 'demo-east' });
    const { page, errors, close } = await residentPage(resident);
    const { requestId, envelope } = await submit(resident, 'temperature-test');
    const row = await openTimeline(page, requestId);
    await staffWrites('dispatcher', staffEvent('dispatched', 'dispatcher', envelope, { technician: STAFF.technician.name, technicianName: '王师傅', visitAt: new Date(Date.now() + 3_600_000).toISOString() }));
    await staffWrites('technician', staffEvent('arrived', 'technician', envelope));
    await staffWrites(
      'technician',
      staffEvent('measured', 'technician', envelope, {
        signature: undefined,
        rooms: [
          { name: '客厅', areaM2: 24, readings: [18.5, 17.1] },
          { name: '卧室', areaM2: 12, readings: [19.2] },
        ],
      }),
    );
    const result = row.locator('.temperature-result');
    await expect.poll(() => result.count(), { timeout: 30_000 }).toBe(1);
    expect(await result.getAttribute('data-valid')).toBe('no');
    expect(await result.locator('[data-validity]').textContent()).toBe(zh.temperature.unsigned);
    const cells = (room: string) => result.locator(`tr[data-room="${room}"] > *`).allTextContents();
    expect(await cells('客厅')).toEqual(['客厅', '24.0', '2', '18.5 °C / 17.1 °C', '17.8 °C', zh.temperature.no]);
    expect(await cells('卧室')).toEqual(['卧室', '12.0', '1', '19.2 °C', '19.2 °C', zh.temperature.yes]);
    expect(await result.textContent()).toContain(zh.temperature.someFail);
    expect(await result.locator('thead th').allTextContents()).toEqual([zh.temperature.room, zh.temperature.area, zh.temperature.points, zh.temperature.readings, zh.temperature.mean, zh.temperature.meets]);
    const signOff = row.locator('form.finish');
    expect(await signOff.locator('h3').textContent()).toBe(zh.completion.signTestTitle);
    await expectNoAxeViolations(page);

    // The pad fills the phone's width (one canvas pixel per CSS pixel), and takes a finger,
    // a mouse or a pen: drawn with the mouse here, cleared with the keyboard, drawn again.
    const canvas = signOff.locator('canvas');
    await canvas.scrollIntoViewIfNeeded();
    const box = (await canvas.boundingBox())!;
    expect(box.width).toBeGreaterThan(300);
    expect(box.width).toBeLessThanOrEqual(PHONE.width);
    const [padWidth, cssWidth] = await canvas.evaluate((c: HTMLCanvasElement) => [c.width, c.clientWidth]);
    expect(padWidth).toBe(cssWidth);
    const draw = async () => {
      await page.mouse.move(box.x + 20, box.y + 100);
      await page.mouse.down();
      for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + 20 + i * 25, box.y + 100 - (i % 2) * 50);
      await page.mouse.up();
    };
    await draw();
    await expect.poll(() => canvas.getAttribute('data-inked')).toBe('yes');
    await signOff.getByRole('button', { name: zh.completion.signature.clear }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => canvas.getAttribute('data-inked')).toBe('no');
    await draw();
    await expect.poll(() => canvas.getAttribute('data-inked')).toBe('yes');
    await signOff.getByLabel(zh.completion.solvedSign, { exact: true }).focus();
    await page.keyboard.press('Space');
    await signOff.getByRole('button', { name: zh.completion.finishSubmit }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => result.getAttribute('data-valid')).toBe('yes');
    expect(await result.locator('[data-validity]').textContent()).toBe(zh.temperature.valid);
    const [signed] = await reachesStaff(requestId, 'signed-off');
    const payload = signed!.payload as { satisfied: boolean; signature: string };
    expect(payload.satisfied).toBe(true);
    // The drawn signature is the pad's PNG: its size is the pad's.
    const png = Buffer.from(payload.signature.slice(SIGNATURE_PREFIX.length), 'base64');
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([padWidth, 160]);
    expect(requestState(await serverEvents('station-demo', requestId), { now: Date.now() }).temperatureTest).toMatchObject({ valid: true, allCompliant: false });
    await expectNoAxeViolations(page);
    expect(errors()).toEqual([]);
    await close();
  }, 180_000);
});

describe('an appointment in the calendar', () => {
  it('offers the preferred day and slot as an .ics file, then the booked time under the same UID (English page)', async () => {
    const resident = await newResident(site.url, { community: 'demo-garden' });
    const { page, errors, close } = await residentPage(resident, 'en');
    const { requestId, envelope, preferredDate } = await submit(resident, 'appointment-installation'); // the first day offered, morning
    const day = preferredDate.replaceAll('-', '');
    const dayLabel = formatDay('en', `${preferredDate}T00:00:00+08:00`); // "Dec 3"
    const row = await openTimeline(page, requestId);
    const link = row.locator('.calendar-link');
    await expect.poll(() => link.count(), { timeout: 30_000 }).toBe(1);
    expect(await link.locator('span').textContent()).toBe(fill(en.timeline.appointmentAt, { day: dayLabel, slot: en.timeline.slots.morning }));
    const download = async () => {
      await link.locator('a').focus();
      const [file] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
      return readFileSync((await file.path())!, 'utf8').replace(/\r\n /g, '');
    };
    const appointment = await download();
    expect(appointment).toContain(`\r\nDTSTART:${day}T000000Z\r\nDTEND:${day}T040000Z\r\nSEQUENCE:0\r\n`); // 08:00–12:00 Beijing
    expect(appointment).toContain(`SUMMARY:${fill(en.timeline.icsAppointment, { kind: en.requestKindLabels['appointment-installation'], slot: en.timeline.slots.morning })}\r\n`);
    expect(appointment).toContain(`LOCATION:${((await serverEvents('station-demo', requestId))[0]!.payload as { address: string }).address}`);
    await expectNoAxeViolations(page);

    await staffWrites('dispatcher', staffEvent('dispatched', 'dispatcher', envelope, { technician: STAFF.technician.name, technicianName: 'Zhang', visitAt: `${preferredDate}T01:30:00.000Z` }));
    await expect.poll(() => link.locator('span').count(), { timeout: 30_000 }).toBe(0);
    const booked = await download();
    expect(booked).toContain(`\r\nDTSTART:${day}T013000Z\r\nDTEND:${day}T033000Z\r\nSEQUENCE:1\r\n`);
    expect(booked).toContain(`\r\nUID:${requestId}.visit@hearthline\r\n`);
    expect(appointment).toContain(`\r\nUID:${requestId}.visit@hearthline\r\n`);
    expect(booked).toContain(`Visit at ${dayLabel}\\, 09:30 AM (Beijing time)`); // the text in Beijing time, a comma escaped
    expect(errors()).toEqual([]);
    await close();
  }, 120_000);
});

describe('states that tell the truth (issue 21)', () => {
  it('an answered consultation says "answered" and shows the answer; a past visit offers no calendar file', async () => {
    const resident = await newResident(site.url, { community: 'demo-garden' });
    const { page, errors, close } = await residentPage(resident);
    const question = await submit(resident, 'consultation');
    const row = page.locator(`.request[data-request="${question.requestId}"]`);
    await expect.poll(() => row.count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => row.locator('.request-status').textContent(), { timeout: 30_000 }).toBe(zh.requestStatus.submitted);
    await staffWrites('dispatcher', staffEvent('reply', 'dispatcher', question.envelope, { text: '今年供暖自 11 月 15 日开始。', channel: 'portal' }));
    await expect.poll(() => row.locator('.request-status').textContent(), { timeout: 30_000 }).toBe(zh.requests.answered);
    expect(await row.locator('.request-answer').textContent()).toBe(`${zh.requests.answerLabel}今年供暖自 11 月 15 日开始。`);
    // Online, nothing waits for the network.
    expect(await row.locator('.sending').textContent()).toBe(zh.requests.sent);

    // A visit booked for yesterday: the timeline says so, but no calendar file is offered.
    const repair = await submit(resident, 'repair');
    const timeline = await openTimeline(page, repair.requestId);
    const yesterday = new Date(Date.now() - 24 * 3_600_000).toISOString();
    // The server refuses a visit before the order is written (src/rules/dispatch.ts): a past visit
    // is one the router copies in as the server admin (an order of yesterday, as a migration would bring it).
    const past = asCouchDoc(staffEvent('dispatched', 'dispatcher', repair.envelope, { technician: STAFF.technician.name, technicianName: '张师傅', visitAt: yesterday }));
    await expect
      .poll(async () => (await request(site.url, 'PUT', `/db/station-demo/${past._id}`, past, { basic: { name: site.adminUser, password: ADMIN_PASSWORD } })).status, { timeout: 20_000 })
      .toBe(201);
    await expect.poll(() => timeline.locator('.timeline li[data-type="dispatched"]').count(), { timeout: 30_000 }).toBe(1);
    expect(await timeline.locator('a[data-ics]').count()).toBe(0);
    expect(errors()).toEqual([]);
    await close();
  }, 120_000);
});
