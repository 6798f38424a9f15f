/**
 * The committee's publication against the real server: records written through /db as a
 * committee member and a manager would (the write rules refuse an approval of an invalid set),
 * the server's publisher builds the site in the background and swaps it in, and writes the
 * outcome record; a failing build leaves the previous site serving and says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ulid } from '../../../src/db/schema/events/ids';
import { startFrom } from '../../../src/rules/committee/startFrom';
import { REPO_ROOT, startSite, type Site } from '../../support/server';
import { admin, newResident, request, signIn, type Resident } from '../../support/client';
import { publishedCommitments } from '../../support/builders/committee';

const suffix = Date.now().toString(36);
const committee = { name: `cm-${suffix}`, password: 'committee pass 1', cookie: '' };
const manager = { name: `mg-${suffix}`, password: 'manager pass 1', cookie: '' };

let site: Site;
let content: string;
let dataDir: string;
const env = () => ({ HEARTHLINE_CONTENT: content, HEARTHLINE_ADMIN_PASSWORD: 'admin pass 1' });
let resident: Resident;

const newId = () => `rc-${ulid(Date.now())}`;

function recordDoc(type: string, who: { name: string }, role: string, payload: Record<string, unknown>, at = new Date().toISOString()) {
  return { _id: newId(), docType: 'record', schemaVersion: 1, type, at, author: { name: who.name, role, device: `pc-${role}` }, payload };
}

async function put(doc: { _id: string }, cookie: string) {
  return request(site.url, 'PUT', `/db/operations/${doc._id}`, doc, { cookie });
}

/** Polls the operations database (as the committee member) for the outcome of a request. */
async function outcomeOf(requestId: string, timeoutMs = 300_000): Promise<Record<string, any>> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const res = await request(site.url, 'GET', '/db/operations/_all_docs?include_docs=true', undefined, { cookie: committee.cookie });
    const found = (res.json?.rows ?? []).map((r: any) => r.doc).find((d: any) => d?.type === 'publish-outcome' && d.payload?.request === requestId);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`no outcome for ${requestId} within ${timeoutMs / 1000} s:\n${site.output().slice(-3000)}`);
}

/** Draft → approval → publish request; returns the request's id. */
async function draftApproveAndAsk(set: Record<string, unknown>, previous?: string): Promise<{ request: string; revision: string }> {
  const draft = recordDoc('commitments-draft', committee, 'committee', { year: 2026, startedFrom: 2025, ...(previous ? { previous } : {}), commitments: set });
  expect((await put(draft, committee.cookie)).status).toBe(201);
  const approval = recordDoc('commitments-approval', manager, 'manager', { year: 2026, revision: draft._id, commitments: set });
  const approved = await put(approval, manager.cookie);
  expect(approved.status, approved.text).toBe(201);
  const ask = recordDoc('publish-request', committee, 'committee', { year: 2026, approval: approval._id });
  expect((await put(ask, committee.cookie)).status).toBe(201);
  return { request: ask._id, revision: draft._id };
}

function set2026(targets: Record<string, number>) {
  const set = JSON.parse(JSON.stringify(startFrom(publishedCommitments(2025), 2026)));
  for (const ind of set.indicators) if (ind.id in targets) ind.target.value = targets[ind.id];
  return set;
}

beforeAll(async () => {
  content = mkdtempSync(path.join(os.tmpdir(), 'hearthline-content-'));
  cpSync(path.join(REPO_ROOT, 'content'), content, { recursive: true });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'hearthline-publish-data-'));
  site = await startSite({ dataDir, env: env() });
  for (const [who, role] of [[committee, 'committee'], [manager, 'manager']] as const) {
    const res = await admin(site, ['create-staff', '--name', who.name, '--role', role, '--password', who.password]);
    expect(res.code, res.stderr).toBe(0);
    who.cookie = (await signIn(site.url, who.name, who.password)).cookie!;
  }
  // a resident with a request, and calls of the 2025 season: the results count them, never name them
  resident = await newResident(site.url);
  const calls = [1, 2, 3, 4, 5, 6].map((n) => ({
    ...recordDoc('call', { name: 'hotline-1' }, 'hotline', { line: 'hotline', answered: true, rings: n }, `2025-12-0${n}T02:00:00.000Z`),
  }));
  const bulk = await request(site.url, 'POST', '/db/operations/_bulk_docs', { docs: calls }, { basic: { name: 'admin', password: 'admin pass 1' } });
  expect(bulk.status, bulk.text).toBe(201);
}, 120_000);

afterAll(async () => {
  await site?.stop();
  rmSync(content, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

describe('publishing the approved commitments from the running server', () => {
  it('an approval of a draft with an invalid target is refused with the field and why', async () => {
    const bad = set2026({ 'heating-satisfaction': 980 });
    const draft = recordDoc('commitments-draft', committee, 'committee', { year: 2026, startedFrom: 2025, commitments: bad });
    expect((await put(draft, committee.cookie)).status).toBe(201); // a draft may be unfinished
    const approval = recordDoc('commitments-approval', manager, 'manager', { year: 2026, revision: draft._id, commitments: bad });
    const res = await put(approval, manager.cookie);
    expect(res.status).toBe(403);
    expect(res.json.reason).toContain('payload.commitments.indicators[0].target.value: Target is outside the range of its unit');
    // and the committee may not approve (the utility names manager)
    const byCommittee = recordDoc('commitments-approval', committee, 'committee', { year: 2026, revision: draft._id, commitments: set2026({}) });
    expect((await put(byCommittee, committee.cookie)).json.reason).toContain('written by manager');
  });

  it('four eyes at write time: the account that saved a revision cannot approve it, nor approve a revision the database does not hold', async () => {
    // managers may draft too; the same manager then approves their own revision (a device that
    // skipped the fold's check, or a hand-made request)
    const own = recordDoc('commitments-draft', manager, 'manager', { year: 2026, startedFrom: 2025, commitments: set2026({}) });
    expect((await put(own, manager.cookie)).status).toBe(201);
    const selfApproval = recordDoc('commitments-approval', manager, 'manager', { year: 2026, revision: own._id, commitments: set2026({}) });
    const res = await put(selfApproval, manager.cookie);
    expect(res.status, res.text).toBe(403);
    expect(res.json.rule).toBe('four-eyes');
    expect(res.json.reason).toContain('someone else must approve it');
    // a revision nobody saved cannot be approved either
    const ghost = recordDoc('commitments-approval', manager, 'manager', { year: 2026, revision: newId(), commitments: set2026({}) });
    const ghostRes = await put(ghost, manager.cookie);
    expect(ghostRes.status, ghostRes.text).toBe(403);
    expect(ghostRes.json.rule).toBe('approved-revision');
    // another account's revision is approved as before
    const theirs = recordDoc('commitments-draft', committee, 'committee', { year: 2026, startedFrom: 2025, commitments: set2026({}) });
    expect((await put(theirs, committee.cookie)).status).toBe(201);
    const fair = recordDoc('commitments-approval', manager, 'manager', { year: 2026, revision: theirs._id, commitments: set2026({}) });
    expect((await put(fair, manager.cookie)).status).toBe(201);
  });

  it('an approved set is built in the background, swapped in and served with its new targets, its stamp and the results', async () => {
    const before = await request(site.url, 'GET', '/commitments/2026/');
    expect(before.status).toBe(404);
    const swBefore = (await request(site.url, 'GET', '/sw.js')).text;
    expect(swBefore).not.toContain('commitments/2026/');
    const { request: ask } = await draftApproveAndAsk(set2026({ 'heating-satisfaction': 99, 'repair-callback': 93 }));
    const outcome = await outcomeOf(ask);
    expect(outcome.payload, JSON.stringify(outcome.payload)).toMatchObject({ outcome: 'succeeded', year: 2026, results: 2025 });
    expect(outcome.author).toMatchObject({ role: 'admin' });

    for (const [url, texts] of [
      ['/commitments/2026/', ['≥ 99 %', '≥ 93 %', '批准：经理']],
      ['/en/commitments/2026/', ['≥ 99 %', '≥ 93 %', 'approved by the manager']],
    ] as const) {
      const page = await request(site.url, 'GET', url);
      expect(page.status, url).toBe(200);
      for (const t of texts) expect(page.text, `${url} shows ${t}`).toContain(t);
      expect(page.text).not.toContain(resident.accountNumber);
      expect(page.text).not.toContain(resident.phone);
      expect(page.text, "no staff member's name is published").not.toContain(manager.name);
    }
    // every year stays reachable; the results of 2025 were computed and published too
    expect((await request(site.url, 'GET', '/commitments/2025/')).status).toBe(200);
    const results = await request(site.url, 'GET', '/en/results/2025/');
    expect(results.status).toBe(200);
    expect(results.text).toContain('approved by the manager');
    expect(results.text, "no staff member's name is published").not.toContain(manager.name);
    expect(results.text).not.toContain(resident.accountNumber);
    // the content folder holds what was published
    expect(readFileSync(path.join(content, 'commitments/2026.yaml'), 'utf8')).toContain('the manager');
    expect(JSON.parse(readFileSync(path.join(content, 'results/2025.json'), 'utf8')).published.approvedBy.en).toBe('the manager');
    // the new service worker precaches the new pages: devices update their offline copy
    expect((await request(site.url, 'GET', '/sw.js')).text).toContain('commitments/2026/');
    // the home page glances at the new commitments and the 2025 results
    const home = await request(site.url, 'GET', '/en/');
    expect(home.text).toContain('Service commitments 2026');
    expect(home.text).toMatch(/data-glance="results">\d+ met, \d+ not met, \d+ not measured/);

    // a restart serves the published site (the sources have not changed since), not dist/
    await site.stop();
    site = await startSite({ dataDir, env: env() });
    expect(site.output()).toContain('serving the last published site');
    const again = await request(site.url, 'GET', '/en/commitments/2026/');
    expect(again.status).toBe(200);
    expect(again.text).toContain('≥ 99 %');
    for (const who of [committee, manager]) who.cookie = (await signIn(site.url, who.name, who.password)).cookie!;
  }, 360_000);

  it('a publish whose build fails leaves the previous site serving and reports the failure with its reason', async () => {
    const published = readFileSync(path.join(content, 'commitments/2026.yaml'), 'utf8');
    // someone broke a content file by hand: the next build stops on it
    const broken = path.join(content, 'results/2024.json');
    writeFileSync(broken, readFileSync(broken, 'utf8').replace('"sample": true', '"sample": "yes"'));
    const { request: ask } = await draftApproveAndAsk(set2026({ 'heating-satisfaction': 97, 'repair-callback': 93 }));
    const outcome = await outcomeOf(ask);
    expect(outcome.payload.outcome).toBe('failed');
    expect(outcome.payload.reason).toMatch(/content\/results\/2024\.json:\d+:\d+ sample/);

    const page = await request(site.url, 'GET', '/commitments/2026/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('≥ 99 %');
    expect(page.text).not.toContain('≥ 97 %');
    expect(readFileSync(path.join(content, 'commitments/2026.yaml'), 'utf8')).toBe(published);
  }, 360_000);
});
