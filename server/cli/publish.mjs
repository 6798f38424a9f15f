#!/usr/bin/env node
// @ts-check
/**
 * `npm run publish -- --year 2026`: publishes the committee's approved commitments of a year
 * without the running server's publisher, for a utility that builds its site elsewhere. It
 * reads the operations database (through PouchDB's HTTP adapter, as `npm run results`), takes
 * the approved latest revision of the year (src/rules/committee), computes the previous year's
 * results from the records, builds the site from a staged copy (server/publish/publication.mjs)
 * and only when the build succeeded writes the files into the content folder and puts the
 * built site in place. A failed build changes nothing and prints the build's error.
 *
 * Options
 *   --year YEAR        the commitments to publish (required)
 *   --url URL          the running Hearthline server (default http://127.0.0.1:4321, or HEARTHLINE_URL);
 *                      the operations database is read at <url>/db/operations
 *   --db-url URL       read this database URL instead (a CouchDB, credentials in the URL allowed)
 *   --user NAME        who reads (default admin, or HEARTHLINE_ADMIN_USER)
 *   --password PW      their password (or HEARTHLINE_ADMIN_PASSWORD)
 *   --content DIR      the content folder to write into (default content/)
 *   --out DIR          where the built site goes (default dist/); --no-build: write the content files only
 *   --no-build         skip the site's build (the content files are still written only if they parse)
 *   --no-results       do not compute the previous year's results
 * Exit codes: 0 published, 1 failed (nothing changed), 2 wrong usage.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as v from 'valibot';
import { OperationsRecordDoc } from '../../src/db/schema/records/record.ts';
import { isCommitteeRecordType } from '../../src/db/schema/records/commitmentsRecords.ts';
import { committeeYearState } from '../../src/rules/committee/draftState.ts';
import { ROOT, STAMP_NAME, inputsFingerprint } from '../build.mjs';
import { openHttpDatabase, streamAllDocs } from '../couch/index.mjs';
import { PublishFailure, buildPublication, installContent } from '../publish/publication.mjs';
import { committeeRulesOf } from '../publish/approver.mjs';

class UsageError extends Error {}

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        year: { type: 'string' },
        url: { type: 'string' },
        'db-url': { type: 'string' },
        user: { type: 'string' },
        password: { type: 'string' },
        content: { type: 'string' },
        out: { type: 'string' },
        'no-build': { type: 'boolean' },
        'no-results': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UsageError(/** @type {Error} */ (err).message);
  }
  if (values.help) {
    console.log((readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0] ?? '').replace(/^[\s\S]*?\/\*\*\n/, '').replace(/^ \* ?/gm, ''));
    return;
  }
  const year = Number(values.year);
  if (!values.year || !Number.isInteger(year) || year < 2000 || year > 2100) throw new UsageError('give the year with --year YYYY');
  const contentDir = path.resolve(values.content ?? path.join(ROOT, 'content'));
  if (!existsSync(path.join(contentDir, 'utility.yaml'))) throw new UsageError(`${contentDir} is not a content folder (no utility.yaml)`);
  const outDir = path.resolve(values.out ?? path.join(ROOT, 'dist'));

  let dbUrl = values['db-url'];
  let auth;
  if (!dbUrl) {
    const base = (values.url ?? process.env.HEARTHLINE_URL ?? 'http://127.0.0.1:4321').replace(/\/+$/, '');
    dbUrl = `${base}/db/operations`;
    const password = values.password ?? process.env.HEARTHLINE_ADMIN_PASSWORD;
    if (!password) throw new UsageError('give the password with --password or HEARTHLINE_ADMIN_PASSWORD');
    auth = { username: values.user ?? process.env.HEARTHLINE_ADMIN_USER ?? 'admin', password };
  }
  const db = openHttpDatabase(dbUrl, auth);
  const shown = new URL(dbUrl);
  shown.password = '';

  /** @type {import('../../src/db/schema/records/record.ts').OperationsRecord[]} */
  const records = [];
  try {
    for await (const doc of streamAllDocs(db)) {
      if (doc.docType !== 'record' || !isCommitteeRecordType(doc.type)) continue;
      const parsed = v.safeParse(OperationsRecordDoc, doc);
      if (!parsed.success) continue;
      const { _id, _rev: _r, _deleted: _d, ...rest } = parsed.output;
      records.push(/** @type {any} */ ({ id: _id, ...rest }));
    }
  } catch (err) {
    const e = /** @type {{ status?: number, message?: string, reason?: string }} */ (err);
    throw new Error(`reading ${shown.toString()} failed: ${e.status ? `HTTP ${e.status} ` : ''}${e.reason ?? e.message ?? String(err)}`);
  }
  const state = committeeYearState(records, year, committeeRulesOf(contentDir));
  if (state.current === null) throw new Error(`there is no draft of the commitments of ${year} in ${shown.toString()}`);
  if (state.approval === null) {
    const c = state.current;
    throw new Error(
      `the latest revision of ${year} (${c.id}, by ${c.author.name} at ${c.at}) is not approved: ` +
        `a ${state.approvals.length ? 'newer ' : ''}approval of that revision is needed before it is published`,
    );
  }
  const approval = state.approval;

  const started = performance.now();
  const staged = await mkdtemp(path.join(path.dirname(outDir), `.${path.basename(outDir)}.publishing-`));
  const builtDir = path.join(staged, 'site');
  try {
    const { files, resultsYear } = await buildPublication({
      year,
      commitments: approval.commitments,
      approver: approval.author,
      publishedAt: new Date(),
      contentDir,
      outDir: builtDir,
      docs: values['no-results'] ? null : () => streamAllDocs(db),
      log: (msg) => console.error(msg),
      ...(values['no-build'] ? { build: async () => {} } : {}),
    });
    await installContent(contentDir, files);
    for (const f of files) console.error(`publish: wrote ${path.relative(process.cwd(), path.join(contentDir, f.path))}`);
    if (!values['no-build']) {
      const old = `${staged}/previous`;
      if (existsSync(outDir)) await rename(outDir, old);
      await rename(builtDir, outDir);
      // `npm start` then serves this build instead of building again, when it is dist/ built from content/
      if (outDir === path.join(ROOT, 'dist') && contentDir === path.join(ROOT, 'content')) {
        const now = new Date().toISOString();
        await writeFile(path.join(outDir, STAMP_NAME), JSON.stringify({ fingerprint: await inputsFingerprint(ROOT), startedAt: now, finishedAt: now }, null, 2) + '\n');
      }
      console.error(`publish: built the site into ${path.relative(process.cwd(), outDir) || '.'} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    console.error(
      `publish: the commitments of ${year} (approved by ${approval.author.role} ${approval.author.name}, revision ${approval.revision})` +
        `${resultsYear ? ` and the results of ${resultsYear}` : ' (no results: no record measured a figure of the previous year)'}`,
    );
  } finally {
    await rm(staged, { recursive: true, force: true });
  }
}

main().catch((err) => {
  if (err instanceof UsageError) {
    console.error(`publish: ${err.message} (npm run publish -- --help)`);
    process.exit(2);
  }
  console.error(`publish: ${err instanceof PublishFailure ? err.reason : /** @type {Error} */ (err).message ?? String(err)}`);
  console.error('publish: nothing was changed');
  process.exit(1);
});
