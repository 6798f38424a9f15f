/**
 * Finding 5 of issue #17: the data folder was world-readable, and `pouchdb-config.json` in it
 * holds the cookie secret and the admin's salt and hash (PBKDF2-SHA1, 10 iterations): an admin
 * cookie was computed from that file alone. Now the folder is 0700 and every file in it 0600
 * (also a folder left readable by an older version, at the next start), and the admin password
 * is hashed with the iterations of CouchDB 3.4 (600,000), an older weak hash replaced at the
 * admin's next sign-in. Embedded mode only (with COUCHDB_URL the data lives in CouchDB).
 */
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSite, type Site } from '../../support/server';
import { newResident, request } from '../../support/client';

const external = Boolean(process.env.COUCHDB_URL);
const ADMIN_PASSWORD = 'admin pass for the data folder';
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hearthline-private-'));
let site: Site | undefined;

afterAll(async () => {
  await site?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Every folder and file under dir, with its permission bits. */
function modes(dir: string): { file: string; mode: number; dir: boolean }[] {
  const out = [{ file: dir, mode: statSync(dir).mode & 0o777, dir: true }];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...modes(p));
    else if (entry.isFile()) out.push({ file: p, mode: statSync(p).mode & 0o777, dir: false });
  }
  return out;
}

const adminHash = () => JSON.parse(readFileSync(path.join(dataDir, 'pouchdb-config.json'), 'utf8')).admins.admin as string;

describe.skipIf(external)('the data folder', () => {
  it('is private to the server user: the folder and its folders 0700, every file 0600, after writes', async () => {
    site = await startSite({ dataDir, env: { HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD } });
    await newResident(site.url); // LevelDB files of a new database
    const all = modes(dataDir);
    expect(all.length).toBeGreaterThan(5);
    for (const m of all) expect([m.file, m.mode.toString(8)]).toEqual([m.file, m.dir ? '700' : '600']);
  });

  it('holds the admin password hashed with 600,000 iterations', () => {
    expect(adminHash()).toMatch(/^-pbkdf2-[0-9a-f]{40},[0-9a-f]+,600000$/);
  });

  it('an older folder left readable, with a 10-iteration admin hash, is made private at the next start and the hash replaced at the next admin sign-in', async () => {
    await site!.stop();
    // what an older version left: readable by all, a weak hash
    chmodSync(dataDir, 0o755);
    const configFile = path.join(dataDir, 'pouchdb-config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8'));
    const salt = randomBytes(16).toString('hex');
    config.admins.admin = `-pbkdf2-${pbkdf2Sync(ADMIN_PASSWORD, salt, 10, 20, 'sha1').toString('hex')},${salt},10`;
    writeFileSync(configFile, JSON.stringify(config, null, 2));
    chmodSync(configFile, 0o644);

    // no HEARTHLINE_ADMIN_PASSWORD: the stored hash is what the admin signs in against
    site = await startSite({ dataDir });
    for (const m of modes(dataDir)) expect([m.file, m.mode.toString(8)]).toEqual([m.file, m.dir ? '700' : '600']);
    expect(adminHash()).toMatch(/,10$/);

    const res = await request(site.url, 'GET', '/db/_session', undefined, { basic: { name: 'admin', password: ADMIN_PASSWORD } });
    expect(res.json.userCtx.roles).toContain('_admin');
    await expect.poll(adminHash, { timeout: 10_000 }).toMatch(/,600000$/);
    // and the new hash still lets the admin in
    const again = await request(site.url, 'GET', '/db/_session', undefined, { basic: { name: 'admin', password: ADMIN_PASSWORD } });
    expect(again.json.userCtx.roles).toContain('_admin');
  });
});
