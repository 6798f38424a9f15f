/**
 * globalSetup of the integration project (the e2e project's globalSetup calls it too): builds
 * dist/ once if it is missing or stale, with the same check as `npm start` (server/build.mjs),
 * so an up-to-date dist/ is not rebuilt. Concurrent callers wait on one build.
 *
 * It also points HEARTHLINE_DATA at a temporary folder for the run, so that a test which
 * spawns server/main.mjs itself (rather than through startSite, which gives every server its
 * own folder) never touches the repository's data/ — nor collides with an `npm start` using it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBuilt } from '../../../server/build.mjs';
import { parseCouchUrl } from '../../../server/couch/url.mjs';
import { NAMESPACE_FIELD } from '../../../server/couch/namespace.mjs';

export async function buildSiteOnce(): Promise<void> {
  const { built, reason, ms } = await ensureBuilt({ log: (msg) => console.log(msg) });
  if (built) console.log(`[globalSetup] built dist/ (${reason}) in ${(ms / 1000).toFixed(1)} s`);
}

export default async function setup(): Promise<() => Promise<void>> {
  await buildSiteOnce();
  const dropNamespaces = await couchRun();
  if (process.env.HEARTHLINE_DATA) return dropNamespaces;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hearthline-itest-'));
  process.env.HEARTHLINE_DATA = dir;
  return async () => {
    rmSync(dir, { recursive: true, force: true });
    await dropNamespaces();
  };
}

/**
 * With COUCHDB_URL: names this run (HEARTHLINE_TEST_RUN; each test file's servers work in the
 * namespace t<run><file>-, support/site.ts) and returns what deletes the run's databases and
 * accounts at the end (HEARTHLINE_KEEP_TEST_DATABASES=1 keeps them, to look into a failure).
 */
async function couchRun(): Promise<() => Promise<void>> {
  const couchUrl = process.env.COUCHDB_URL;
  if (!couchUrl) return async () => {};
  const run = process.env.HEARTHLINE_TEST_RUN ?? randomBytes(2).toString('hex');
  process.env.HEARTHLINE_TEST_RUN = run;
  const { base, authorization } = parseCouchUrl(couchUrl);
  const headers: Record<string, string> = authorization ? { authorization } : {};
  /** Each account as "<id> <rev>", with the namespace of the server that wrote it last (NAMESPACE_FIELD). */
  const accounts = async () => {
    const res = await fetch(`${base}/_users/_all_docs?include_docs=true&startkey=%22org.couchdb.user%3A%22&endkey=%22org.couchdb.user%3A%EF%BF%B0%22`, { headers });
    const rows = ((await res.json()) as { rows: { id: string; value: { rev: string }; doc?: Record<string, unknown> }[] }).rows;
    return new Map(rows.map((r) => [`${r.id} ${r.value.rev}`, r.doc?.[NAMESPACE_FIELD]]));
  };
  const usersBefore = new Set((await accounts()).keys());
  return async () => {
    if (process.env.HEARTHLINE_KEEP_TEST_DATABASES === '1') return;
    try {
      const names = (await (await fetch(`${base}/_all_dbs`, { headers })).json()) as string[];
      const ours = names.filter((n) => n.startsWith(`t${run}`));
      for (const name of ours) await fetch(`${base}/${encodeURIComponent(name)}`, { method: 'DELETE', headers });
      // CouchDB has one _users: the accounts the run made (or changed) go with it, so a fixed
      // staff name of a test is free again for the next run. Only this run's: written in one of
      // its namespaces, or in none (a test's own write); another run's at the same time stay
      // (deleting every account new since the start took a concurrent run's residents away).
      const mine = (namespace: unknown) => namespace === undefined || String(namespace).startsWith(`t${run}`);
      const made = [...(await accounts())].filter(([idRev, namespace]) => !usersBefore.has(idRev) && mine(namespace)).map(([idRev]) => idRev);
      for (const idRev of made) {
        const [id, rev] = idRev.split(' ') as [string, string];
        await fetch(`${base}/_users/${encodeURIComponent(id)}?rev=${rev}`, { method: 'DELETE', headers });
      }
      console.log(`[globalSetup] deleted this run's ${ours.length} databases (t${run}…) and ${made.length} accounts from ${base}`);
    } catch (err) {
      console.warn(`[globalSetup] could not delete this run's databases from ${base}: ${(err as Error).message}`);
    }
  };
}
