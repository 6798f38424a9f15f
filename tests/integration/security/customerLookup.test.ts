/**
 * Finding 8: any technician could run GET /db/_account/customers?q=0000 and get the full phones
 * and account numbers of the station, hotline staff of every station, with no limit and no
 * record of who looked. Now: technicians get no lookup; the hotline finds one person by a whole
 * account number or phone; phones are masked in every list and shown in full only on purpose,
 * with the reason recorded; every lookup and every full view is in an access log a manager
 * reads; lookups are limited per member of staff.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type Site } from '../../support/server';
import { admin, newResident, newStaff, request, type Resident } from '../../support/client';

let site: Site;
const suffix = Date.now().toString(36);
const station = `lk-${suffix}`;
const community = `${station}-garden`;
const cookies: Record<string, string> = {};
const residents: Resident[] = [];

beforeAll(async () => {
  site = await startSite({ env: { HEARTHLINE_ADMIN_PASSWORD: 'lookup admin 1', HEARTHLINE_SIGNUP_ANSWER_MS: '50', HEARTHLINE_LOOKUPS_PER_HOUR: '25' } });
  const res = await admin(site, ['create-station', '--id', station, '--name', `站 ${station}`, '--communities', community]);
  expect(res.code, res.stderr).toBe(0);
  cookies.technician = await newStaff(site, { name: `tc-${suffix}`, password: 'technician pass 1', role: 'technician', station });
  cookies.dispatcher = await newStaff(site, { name: `dp-${suffix}`, password: 'dispatcher pass 1', role: 'dispatcher', station });
  cookies.hotline = await newStaff(site, { name: `hl-${suffix}`, password: 'hotline pass 1', role: 'hotline' });
  cookies.manager = await newStaff(site, { name: `mg-${suffix}`, password: 'manager pass 1', role: 'manager' });
  cookies.committee = await newStaff(site, { name: `cm-${suffix}`, password: 'committee pass 1', role: 'committee' });
  for (let i = 0; i < 3; i++) residents.push(await newResident(site.url, { community }));
}, 180_000);

afterAll(async () => {
  await site?.stop();
});

const lookUp = (q: string, cookie: string) => request(site.url, 'GET', `/db/_account/customers?q=${encodeURIComponent(q)}`, undefined, { cookie });
const reveal = (body: unknown, cookie: string) => request(site.url, 'POST', '/db/_account/customers/reveal', body, { cookie });
const fullPhones = (text: string) => residents.filter((r) => text.includes(r.phone)).map((r) => r.phone);

describe('the customer lookup keeps phones private', () => {
  it('gives technicians and the committee no lookup at all', async () => {
    for (const who of ['technician', 'committee']) {
      const res = await lookUp('0000', cookies[who]!);
      expect(res.status, who).toBe(403);
      expect(fullPhones(res.text)).toEqual([]);
      expect((await lookUp(residents[0]!.accountNumber, cookies[who]!)).status, who).toBe(403);
    }
  });

  it('masks every phone in a list (the station dispatcher searching part of a number)', async () => {
    const res = await lookUp(residents[0]!.phone.slice(-4), cookies.dispatcher!);
    expect(res.status, res.text).toBe(200);
    const byAccount = await lookUp(residents[0]!.accountNumber, cookies.dispatcher!);
    expect(byAccount.json.customers).toEqual([expect.objectContaining({ accountNumber: residents[0]!.accountNumber, phoneMasked: `${residents[0]!.phone.slice(0, 3)}****${residents[0]!.phone.slice(-4)}` })]);
    for (const r of [res, byAccount]) {
      expect(fullPhones(r.text)).toEqual([]);
      for (const c of r.json.customers) expect(c).not.toHaveProperty('phone');
    }
  });

  it('lets the hotline find one person by a whole account number or phone, never a fragment', async () => {
    const fragment = await lookUp('0000', cookies.hotline!);
    expect(fragment.status).toBe(400);
    expect(fragment.json.field).toBe('q');
    const whole = await lookUp(residents[1]!.phone, cookies.hotline!);
    expect(whole.json.customers.map((c: { accountNumber: string }) => c.accountNumber)).toEqual([residents[1]!.accountNumber]);
    expect(fullPhones(whole.text)).toEqual([]);
  });

  it('shows a phone in full only with a reason, and only to someone who may see that customer', async () => {
    const target = residents[2]!;
    const noReason = await reveal({ accountNumber: target.accountNumber }, cookies.hotline!);
    expect(noReason.status).toBe(400);
    expect(noReason.json.field).toBe('purpose');
    const otherNeedsNote = await reveal({ accountNumber: target.accountNumber, purpose: 'other' }, cookies.hotline!);
    expect(otherNeedsNote.status).toBe(400);
    expect(otherNeedsNote.json.field).toBe('note');
    expect((await reveal({ accountNumber: target.accountNumber, purpose: 'callback' }, cookies.technician!)).status).toBe(403);
    const shown = await reveal({ accountNumber: target.accountNumber, purpose: 'callback', note: '回访报修' }, cookies.hotline!);
    expect(shown.status, shown.text).toBe(200);
    expect(shown.json.customer).toMatchObject({ accountNumber: target.accountNumber, phone: target.phone });
  });

  it('keeps every lookup and full view in an access log that managers read and others do not', async () => {
    const log = await request(site.url, 'GET', '/db/_account/access-log', undefined, { cookie: cookies.manager! });
    expect(log.status, log.text).toBe(200);
    const entries = log.json.entries as { action: string; actor: { name: string; role: string }; query?: string; accounts: string[]; purpose?: string; note?: string; at: string }[];
    expect(entries).toContainEqual(expect.objectContaining({ action: 'lookup', actor: expect.objectContaining({ name: `hl-${suffix}`, role: 'hotline' }), query: residents[1]!.phone, accounts: [residents[1]!.accountNumber] }));
    expect(entries).toContainEqual(expect.objectContaining({ action: 'reveal', actor: expect.objectContaining({ name: `hl-${suffix}` }), accounts: [residents[2]!.accountNumber], purpose: 'callback', note: '回访报修' }));
    // The refused technician's attempt is on record too.
    expect(entries).toContainEqual(expect.objectContaining({ action: 'lookup-refused', actor: expect.objectContaining({ name: `tc-${suffix}` }) }));
    // Newest first.
    const times = entries.map((e) => e.at);
    expect([...times].sort().reverse()).toEqual(times);
    for (const who of ['hotline', 'dispatcher', 'technician']) {
      expect((await request(site.url, 'GET', '/db/_account/access-log', undefined, { cookie: cookies[who]! })).status, who).toBe(403);
    }
    // Nobody reaches the log's database but the server admin.
    expect((await request(site.url, 'GET', '/db/customer-access-log/_all_docs', undefined, { cookie: cookies.manager! })).status).toBe(403);
  });

  it('limits lookups per member of staff', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await lookUp(residents[0]!.accountNumber, cookies.dispatcher!)).status);
    expect(statuses).toContain(429);
    const limited = await lookUp(residents[0]!.accountNumber, cookies.dispatcher!);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another member of staff is not held back by the first one's count.
    expect((await lookUp(residents[0]!.accountNumber, cookies.hotline!)).status).toBe(200);
  });
});
