/**
 * `npm run publish -- --year 2026` against the real server (its own publisher off): clear
 * errors when there is nothing approved, the content files and the built site when there is,
 * and nothing changed when the build fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ulid } from '../../../src/db/schema/events/ids';
import { startFrom } from '../../../src/rules/committee/startFrom';
import { REPO_ROOT, startSite, type Site } from '../../support/server';
import { admin, request, signIn } from '../../support/client';
import { publishedCommitments } from '../../support/builders/committee';

const suffix = Date.now().toString(36);
const ADMIN_PASSWORD = 'admin pass 2';
let site: Site;
let work: string;
let content: string;
let out: string;
let managerCookie = '';
let committeeCookie = '';

function publish(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'server/cli/publish.mjs'), '--url', site.url, '--content', content, '--out', out, ...args], {
      cwd: REPO_ROOT,
      // the server admin: ours, or the one in COUCHDB_URL when the suite runs against a CouchDB
      env: { ...process.env, HEARTHLINE_ADMIN_USER: site.adminUser, HEARTHLINE_ADMIN_PASSWORD: site.adminPassword },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

function recordDoc(type: string, name: string, role: string, payload: Record<string, unknown>) {
  return { _id: `rc-${ulid(Date.now())}`, docType: 'record', schemaVersion: 1, type, at: new Date().toISOString(), author: { name, role, device: `pc-${role}` }, payload };
}

const set2026 = (target: number) => {
  const set = JSON.parse(JSON.stringify(startFrom(publishedCommitments(2025), 2026)));
  set.indicators[0].target.value = target;
  return set;
};

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'hearthline-publish-cli-'));
  content = path.join(work, 'content');
  out = path.join(work, 'site');
  cpSync(path.join(REPO_ROOT, 'content'), content, { recursive: true });
  site = await startSite({ env: { HEARTHLINE_PUBLISHER: '0', HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  for (const [name, role] of [[`cm-${suffix}`, 'committee'], [`mg-${suffix}`, 'manager']] as const) {
    expect((await admin(site, ['create-staff', '--name', name, '--role', role, '--password', 'staff pass 1'])).code).toBe(0);
    const cookie = (await signIn(site.url, name, 'staff pass 1')).cookie!;
    if (role === 'manager') managerCookie = cookie;
    else committeeCookie = cookie;
  }
}, 120_000);

afterAll(async () => {
  await site?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('npm run publish', () => {
  it('explains wrong usage and a year with nothing approved, and changes nothing', async () => {
    const usage = await publish([]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('give the year with --year YYYY');

    const none = await publish(['--year', '2026']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('there is no draft of the commitments of 2026');

    const draft = recordDoc('commitments-draft', `cm-${suffix}`, 'committee', { year: 2026, startedFrom: 2025, commitments: set2026(99) });
    expect((await request(site.url, 'PUT', `/db/operations/${draft._id}`, draft, { cookie: committeeCookie })).status).toBe(201);
    const unapproved = await publish(['--year', '2026']);
    expect(unapproved.code).toBe(1);
    expect(unapproved.stderr).toContain(`the latest revision of 2026 (${draft._id}, by cm-${suffix}`);
    expect(unapproved.stderr).toContain('is not approved');
    expect(existsSync(path.join(content, 'commitments/2026.yaml'))).toBe(false);
    expect(existsSync(out)).toBe(false);

    const approval = recordDoc('commitments-approval', `mg-${suffix}`, 'manager', { year: 2026, revision: draft._id, commitments: draft.payload.commitments });
    expect((await request(site.url, 'PUT', `/db/operations/${approval._id}`, approval, { cookie: managerCookie })).status).toBe(201);
  }, 60_000);

  it('a failed build changes nothing and prints the reason', async () => {
    const broken = path.join(content, 'results/2024.json');
    const original = readFileSync(broken, 'utf8');
    writeFileSync(broken, original.replace('"sample": true', '"sample": "yes"'));
    try {
      const failed = await publish(['--year', '2026']);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/content\/results\/2024\.json:\d+:\d+ sample/);
      expect(failed.stderr).toContain('nothing was changed');
      expect(existsSync(path.join(content, 'commitments/2026.yaml'))).toBe(false);
      expect(existsSync(out)).toBe(false);
    } finally {
      writeFileSync(broken, original);
    }
  }, 300_000);

  it('writes the approved set as content/commitments/2026.yaml and builds the site with it', async () => {
    const done = await publish(['--year', '2026', '--no-results']);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toContain(`the commitments of 2026 (approved by manager mg-${suffix}`);
    // the stamp names the approving role; the staff account stays off what is published
    const written = readFileSync(path.join(content, 'commitments/2026.yaml'), 'utf8');
    expect(written).toContain('en: the manager');
    expect(written).not.toContain(`mg-${suffix}`);
    const page = readFileSync(path.join(out, 'en/commitments/2026/index.html'), 'utf8');
    expect(page).toContain('≥ 99 %');
    expect(page).toContain('approved by the manager');
    expect(page).not.toContain(`mg-${suffix}`);
    expect(existsSync(path.join(out, 'commitments/2025/index.html'))).toBe(true);
  }, 300_000);
});
