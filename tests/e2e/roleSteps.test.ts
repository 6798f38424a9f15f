/**
 * Issue 16, done-when: "Each role sees only the tabs and steps it may use, checked for every role
 * against the same rule the server applies." Real Chromium against the real backend, for every
 * staff role and a hall's account holding two (dispatcher and technician), at the phone
 * (390×844, Chinese) and the desk (1280×800, English):
 *   - the console's tabs are exactly `availableTabs(roles, database)`;
 *   - on every request of a set in different states (new repair, consultation, complaint; a
 *     repair dispatched to the technician; a temperature test on site; a repair resolved), the
 *     steps offered (the accept button and each step's form) are exactly
 *     `availableSteps(request, roles, now)` folded from the events the server holds, and each
 *     is a step `mayTakeStep` allows for the role it is written in;
 *   - the server refuses (rule `may-emit`) every step the same rule does not allow the account's
 *     roles, on every kind of that set, written with the account's own session.
 * Screenshots of each tab and of each request's detail go to $HEARTHLINE_SHOTS when set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { startSite, type Site } from '../integration/support/site';
import { admin, newResident, request, signIn, type Resident } from '../integration/backend/client';
import { PHONE, launchContext, type LaunchedContext, type Viewport } from './support/browser';
import { waitForDevice } from './support/device';
import { dictionary, type Lang } from '../../src/i18n';
import { aSubmitted, anEvent, asCouchDoc } from '../unit/builders/events';
import { newRequestId } from '../../src/db/schema/events/ids';
import { EVENT_TYPES, type EventRecord, type EventType } from '../../src/db/schema/events/event';
import type { Role } from '../../src/db/schema/roles';
import type { RequestKind } from '../../src/db/schema/requestKind';
import { availableSteps, availableTabs, mayTakeStep, queueScope } from '../../src/rules/steps';
import { requestState } from '../../src/rules/requestState';

const ADMIN_PASSWORD = 'e2e role steps admin 1';
const STATION = 'demo';
const DESK: Viewport = { width: 1280, height: 800 };
const SHOTS = process.env.HEARTHLINE_SHOTS;
const TECH = 'rs-tech';

interface Account {
  name: string;
  roles: Role[];
  station?: string;
}
const ACCOUNTS: Account[] = [
  { name: 'rs-hotline', roles: ['hotline'] },
  { name: 'rs-complaints', roles: ['complaint-handler'] },
  { name: 'rs-dispatcher', roles: ['dispatcher'], station: STATION },
  { name: TECH, roles: ['technician'], station: STATION },
  { name: 'rs-head', roles: ['station-head'], station: STATION },
  { name: 'rs-manager', roles: ['manager'] },
  { name: 'rs-hall', roles: ['dispatcher', 'technician'], station: STATION },
];
const password = (a: Account) => `${a.name} pass 1`;
const databaseOf = (a: Account) => (a.station ? `station-${a.station}` : 'operations');

let site: Site;
let resident: Resident;
const contexts: LaunchedContext[] = [];
/** The fixture requests: name → request id and kind. */
const fixtures: Record<string, { requestId: string; kind: RequestKind }> = {};

async function put(db: string, event: EventRecord, cookie: string) {
  // the router brings the resident's request to the station first: tried until it is there
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await request(site.url, 'PUT', `/db/${db}/${event.id}`, asCouchDoc(event), { cookie });
    if (res.status === 201) return;
    if (Date.now() > deadline) throw new Error(`${event.type}: ${res.status} ${res.text}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

beforeAll(async () => {
  site = await startSite({ env: { HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  for (const a of ACCOUNTS) {
    const args = ['create-staff', '--name', a.name, '--role', a.roles.join(','), ...(a.station ? ['--station', a.station] : []), '--display-name', `${a.name} 显示名`, '--password', password(a)];
    if (a.roles.includes('technician')) args.push('--communities', 'demo-garden');
    const made = await admin(site, args, { password: ADMIN_PASSWORD });
    if (made.code !== 0) throw new Error(made.stderr + made.stdout);
  }
  resident = await newResident(site.url, { community: 'demo-garden' });
  const common = { author: { name: resident.name, role: 'resident' as const, device: 'phone-1' }, resident: resident.name, station: STATION };
  let at = Date.now() - 120_000;
  const kinds: [string, RequestKind][] = [
    ['new-repair', 'repair'],
    ['consultation', 'consultation'],
    ['complaint', 'complaint'],
    ['dispatched-repair', 'repair'],
    ['test-on-site', 'temperature-test'],
    ['resolved-repair', 'repair'],
  ];
  const submitted: Record<string, ReturnType<typeof aSubmitted>> = {};
  for (const [name, kind] of kinds) {
    at += 1_000;
    const payload = kind === 'temperature-test' ? { rooms: [{ name: '客厅', areaM2: 20 }], preferredSlots: [{ date: new Date(Date.now() + 8 * 3_600_000 + 86_400_000).toISOString().slice(0, 10), from: '09:00', to: '11:00' }] } : {};
    const e = aSubmitted(kind, { ...common, at: new Date(at).toISOString(), requestId: newRequestId(at), payload } as never);
    const res = await request(site.url, 'PUT', `/db/${resident.db}/${e.id}`, asCouchDoc(e), { cookie: resident.cookie });
    if (res.status !== 201) throw new Error(res.text);
    submitted[name] = e;
    fixtures[name] = { requestId: e.requestId, kind };
  }
  const dispatcher = (await signIn(site.url, 'rs-dispatcher', password(ACCOUNTS[2]!))).cookie!;
  const tech = (await signIn(site.url, TECH, password(ACCOUNTS[3]!))).cookie!;
  const step = (type: EventType, s: ReturnType<typeof aSubmitted>, who: string, role: Role, payload?: object) =>
    anEvent(type, {
      requestId: s.requestId,
      requestKind: s.requestKind,
      resident: resident.name,
      station: STATION,
      at: new Date().toISOString(),
      author: { name: who, role, device: 'e2e' },
      ...(payload ? { payload } : {}),
    } as never);
  // Two hours ahead: before the visit, arrival is offered (not a late notice).
  const visit = { technician: TECH, technicianName: `${TECH} 显示名`, visitAt: new Date(Date.now() + 2 * 3_600_000).toISOString() };
  for (const name of ['dispatched-repair', 'test-on-site', 'resolved-repair']) await put(`station-${STATION}`, step('dispatched', submitted[name]!, 'rs-dispatcher', 'dispatcher', visit), dispatcher);
  for (const name of ['test-on-site', 'resolved-repair']) await put(`station-${STATION}`, step('arrived', submitted[name]!, TECH, 'technician'), tech);
  await put(`station-${STATION}`, step('resolved', submitted['resolved-repair']!, TECH, 'technician', { summary: '已修复' }), tech);
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
}, 240_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await site?.stop();
});

/** The events of a request as the account's database holds them (what its device replicates). */
async function serverEvents(db: string, requestId: string): Promise<EventRecord[]> {
  const res = await request(site.url, 'GET', `/db/${db}/_all_docs?include_docs=true`, undefined, { basic: { name: site.adminUser, password: ADMIN_PASSWORD } });
  return (res.json.rows as { doc: Record<string, unknown> }[])
    .map((r) => r.doc)
    .filter((d) => d.docType === 'event' && d.requestId === requestId)
    .map(({ _id, _rev, ...rest }) => ({ ...rest, id: _id }) as unknown as EventRecord);
}

/** A step form's id ends with its name (src/islands/staff/RequestDetail.tsx); the complaint path's are the event types. */
const FORM_STEP: Record<string, EventType> = {
  dispatch: 'dispatched',
  arrive: 'arrived',
  late: 'late-notice',
  away: 'nobody-home',
  diagnose: 'diagnosed',
  work: 'work-done',
  sign: 'signed-off',
  resolve: 'resolved',
  measure: 'measured',
  reply: 'reply',
  callback: 'callback',
  close: 'closed',
};

/** The steps the console offers in a request's detail: the accept button and each step form. */
async function offeredSteps(holder: Locator, accept: string): Promise<string[]> {
  const ids = await holder.locator('form.step-form').evaluateAll((forms) => forms.map((f) => f.id));
  const steps = ids.map((id) => {
    const suffix = id.replace(/^rq-[^-]+-/, '');
    if (FORM_STEP[suffix]) return FORM_STEP[suffix];
    if ((EVENT_TYPES as readonly string[]).includes(suffix)) return suffix;
    return `unknown form ${id}`;
  });
  if (await holder.getByRole('button', { name: accept, exact: true }).count()) steps.push('accepted');
  return steps.sort();
}

async function signedIn(a: Account): Promise<Page> {
  const launched = await launchContext({ viewport: PHONE });
  contexts.push(launched);
  const page = launched.context.pages()[0] ?? (await launched.context.newPage());
  const t = dictionary('zh-CN');
  await page.goto(site.url + '/staff/');
  await page.getByLabel(t.session.login).fill(a.name);
  await page.getByLabel(t.session.password, { exact: true }).fill(password(a));
  await page.getByRole('button', { name: t.session.signIn, exact: true }).click();
  await page.getByRole('button', { name: t.session.signOut }).waitFor();
  await waitForDevice(page);
  await page.locator('.staff-console').waitFor();
  return page;
}

describe.each(ACCOUNTS.map((a) => [a.roles.join('+'), a] as const))('the console of a %s', (label, account) => {
  it('shows exactly the tabs and steps the rule gives, at a phone (zh-CN) and a desk (en); the server refuses what the rule refuses', async () => {
    const db = databaseOf(account);
    const page = await signedIn(account);
    const passes: [Lang, Viewport, string][] = [
      ['zh-CN', PHONE, 'phone'],
      ['en', DESK, 'desk'],
    ];
    for (const [lang, viewport, where] of passes) {
      const t = dictionary(lang);
      const sc = t.staffConsole;
      await page.setViewportSize(viewport);
      if (lang === 'en') {
        await page.goto(site.url + '/en/staff/');
        await waitForDevice(page);
        await page.locator('.staff-console').waitFor();
      }
      // Tabs: exactly the rule's, in its order.
      const tabIds = await page.locator('.staff-console [role="tab"]').evaluateAll((els) => els.map((e) => e.id.replace(/^tab-/, '')));
      expect(tabIds, `${label} ${where}`).toEqual(availableTabs(account.roles, account.station ? 'station' : 'operations'));
      for (const tab of tabIds) {
        await page.locator(`#tab-${tab}`).click();
        await page.locator(`#panel-${tab}`).waitFor();
        if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `roles-${label}-${where}-${lang}-tab-${tab}.png`), fullPage: true });
      }
      await page.locator('#tab-queue').click();

      // Steps: on every request the account's queue lists, exactly the rule's.
      const scope = queueScope(account.roles);
      for (const [name, { requestId }] of Object.entries(fixtures)) {
        const events = await serverEvents(db, requestId);
        const state = requestState(events, { now: Date.now() });
        const listed = scope === 'station' || state.visit?.technician === account.name;
        const wide = viewport.width >= 1024;
        const rowSel = wide ? `.queue-table tr[data-request="${requestId}"]` : `.staff-queue .request[data-request="${requestId}"]`;
        if (!listed) {
          // not theirs: not in a technician's queue at all
          await page.locator(wide ? '.queue-table, .staff-queue' : '.staff-queue, .queue-table').first().waitFor({ timeout: 60_000 }).catch(() => undefined);
          expect(await page.locator(rowSel).count(), `${label} ${where}: ${name} listed`).toBe(0);
          continue;
        }
        await page.locator(rowSel).waitFor({ timeout: 60_000 });
        let holder: Locator;
        if (wide) {
          const pick = page.locator(`${rowSel} .row-select`);
          if ((await pick.getAttribute('aria-pressed')) !== 'true') await pick.click();
          holder = page.locator('#queue-detail');
          await holder.locator(`.request-detail[id="rq-${requestId.slice(-6)}-detail"]`).waitFor();
        } else {
          holder = page.locator(rowSel);
          const open = holder.getByRole('button', { name: sc.open, exact: true });
          if (await open.count()) await open.click();
          await holder.locator('.request-detail').waitFor();
        }
        const expected = () => availableSteps({ state: requestState(events, { now: Date.now() }), events }, account.roles, Date.now());
        await expect.poll(() => offeredSteps(holder, t.staff.accept), { timeout: 30_000, message: `${label} ${where}: ${name}` }).toEqual(expected().map((s) => s.type).sort());
        for (const s of expected()) expect(mayTakeStep(s.role, s.type, fixtures[name]!.kind), `${label}: ${s.type} as ${s.role}`).toBe(true);
        if (SHOTS) await holder.screenshot({ path: path.join(SHOTS, `roles-${label}-${where}-${lang}-${name}.png`) });
        if (!wide) await holder.getByRole('button', { name: sc.hide, exact: true }).click();
      }
    }

    // The server: every step the rule refuses the account's roles, on each kind, is refused as `may-emit`.
    const cookie = (await signIn(site.url, account.name, password(account))).cookie!;
    const kinds = [...new Set(Object.values(fixtures).map((f) => f.kind))];
    const wrong: string[] = [];
    let refused = 0;
    for (const kind of kinds) {
      const { requestId } = Object.values(fixtures).find((f) => f.kind === kind)!;
      for (const type of EVENT_TYPES) {
        for (const role of account.roles) {
          if (mayTakeStep(role, type, kind)) continue;
          const fields = { resident: resident.name, station: STATION, at: new Date().toISOString(), author: { name: account.name, role, device: 'e2e' } };
          // A type the event schema ties to another kind (a measurement of a repair) is refused as malformed before its role is read.
          const typedForKind = (() => {
            try {
              return type === 'submitted' ? aSubmitted(kind, { ...fields, requestId: newRequestId(Date.now()) } as never) : anEvent(type, { ...fields, requestId, requestKind: kind } as never);
            } catch {
              return null;
            }
          })();
          const doc = typedForKind ? asCouchDoc(typedForKind) : { ...asCouchDoc(anEvent(type, { ...fields, requestId } as never)), requestKind: kind };
          const rule = typedForKind ? 'may-emit' : 'well-formed';
          const res = await request(site.url, 'PUT', `/db/${db}/${doc._id}`, doc, { cookie });
          refused++;
          if (res.status !== 403 || res.json?.rule !== rule) wrong.push(`${type} on a ${kind} as ${role}: ${res.status} ${res.text.slice(0, 200)} (expected ${rule})`);
        }
      }
    }
    expect(refused).toBeGreaterThan(0);
    expect(wrong.join('\n')).toBe('');
  }, 420_000);
});
