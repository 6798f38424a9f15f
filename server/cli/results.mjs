#!/usr/bin/env node
// @ts-check
/**
 * `npm run results -- --year 2025`: computes every figure that content/commitments/<year>.yaml
 * declares from the records of the operations database, read through PouchDB's HTTP adapter
 * as a stream (src/rules/results: a fold, so memory does not grow with the number of events),
 * and writes content/results/<year>.json.
 *
 * Options
 *   --year YEAR           the commitments to compute (required)
 *   --url URL             the running Hearthline server (default http://127.0.0.1:4321, or HEARTHLINE_URL);
 *                         the operations database is read at <url>/db/operations
 *   --db-url URL          read this database URL instead (a CouchDB, credentials in the URL allowed)
 *   --user NAME           who reads (default admin, or HEARTHLINE_ADMIN_USER); a committee or manager
 *                         account may read the operations database too
 *   --password PW         their password (or HEARTHLINE_ADMIN_PASSWORD)
 *   --from DAY --to DAY   another period than the commitments' (YYYY-MM-DD, China days)
 *   --station ID          one station's figures only (written to <year>-<station>.json unless --out)
 *   --as-of INSTANT       read the records as at this instant (default: now)
 *   --out FILE            where to write (default content/results/<year>.json); "-" prints it
 *   --commitments DIR     where the commitments are (default content/commitments)
 *   --rows FILE           compute from a file in the import format (docs/import-format.md) instead of
 *                         a database: history not loaded, or the generated sample (server/cli/sampleHistory.ts)
 *   --sample              mark the figures as illustrative (`sample: true`, with a note the page shows)
 * Exit codes: 0 written, 1 failed, 2 wrong usage.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as v from 'valibot';
import { parse as parseYaml } from 'yaml';
import { Commitments } from '../../src/db/schema/commitments.ts';
import { Results } from '../../src/db/schema/results.ts';
import { IsoDate } from '../../src/db/schema/common.ts';
import { ResultsFold } from '../../src/rules/results/engine.ts';
import { toResultsFile } from '../../src/rules/results/file.ts';
import { openHttpDatabase, streamAllDocs } from '../couch/index.mjs';
import { parseRows, rowToDocs } from '../../src/db/import/importRows.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

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
        from: { type: 'string' },
        to: { type: 'string' },
        station: { type: 'string' },
        'as-of': { type: 'string' },
        out: { type: 'string' },
        commitments: { type: 'string' },
        rows: { type: 'string' },
        sample: { type: 'boolean' },
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
  if (!values.year || !Number.isInteger(year)) throw new UsageError('give the year with --year YYYY');
  if ((values.from === undefined) !== (values.to === undefined)) throw new UsageError('give both --from and --to, or neither');
  for (const flag of /** @type {const} */ (['from', 'to'])) {
    if (values[flag] !== undefined && !v.is(IsoDate, values[flag])) throw new UsageError(`--${flag} must be a day such as 2025-12-01`);
  }
  const asOf = values['as-of'] !== undefined ? Date.parse(values['as-of']) : Date.now();
  if (Number.isNaN(asOf)) throw new UsageError('--as-of must be an instant such as 2026-03-21T00:00:00.000Z');

  const commitmentsFile = path.join(values.commitments ?? path.join(ROOT, 'content/commitments'), `${year}.yaml`);
  let commitments;
  try {
    commitments = v.parse(Commitments, parseYaml(readFileSync(commitmentsFile, 'utf8')));
  } catch (err) {
    throw new Error(`cannot read the commitments ${path.relative(process.cwd(), commitmentsFile)}: ${/** @type {Error} */ (err).message}`);
  }

  let dbUrl = values['db-url'];
  let auth;
  if (values.rows) {
    // no database
  } else if (!dbUrl) {
    const base = (values.url ?? process.env.HEARTHLINE_URL ?? 'http://127.0.0.1:4321').replace(/\/+$/, '');
    dbUrl = `${base}/db/operations`;
    const password = values.password ?? process.env.HEARTHLINE_ADMIN_PASSWORD;
    if (!password) throw new UsageError('give the password with --password or HEARTHLINE_ADMIN_PASSWORD');
    auth = { username: values.user ?? process.env.HEARTHLINE_ADMIN_USER ?? 'admin', password };
  }
  const fold = new ResultsFold(commitments, {
    asOf,
    ...(values.from && values.to ? { period: { from: values.from, to: values.to } } : {}),
    ...(values.station ? { station: values.station } : {}),
  });
  const started = performance.now();
  let docs = 0;
  try {
    if (values.rows) {
      const lines = parseRows(readFileSync(values.rows, 'utf8'), values.rows.endsWith('.csv') ? 'csv' : 'ndjson');
      const bad = [];
      for (const l of lines) {
        if (!l.row) {
          bad.push(`line ${l.line}: ${l.reason}`);
          continue;
        }
        const r = rowToDocs(l.row, { system: path.basename(values.rows), importer: 'admin' });
        if (!r.ok) bad.push(`line ${l.line}: ${r.reason}`);
        else for (const d of r.docs) {
          fold.add(d);
          docs += 1;
        }
      }
      if (bad.length) throw new Error(`${values.rows} has ${bad.length} bad row(s):\n  ${bad.slice(0, 20).join('\n  ')}`);
    } else {
      for await (const doc of streamAllDocs(openHttpDatabase(/** @type {string} */ (dbUrl), auth))) {
        fold.add(doc);
        docs += 1;
      }
    }
  } catch (err) {
    if (values.rows) throw err;
    const e = /** @type {{ status?: number, message?: string, reason?: string }} */ (err);
    const shown = new URL(/** @type {string} */ (dbUrl));
    shown.password = '';
    throw new Error(`reading ${shown.toString()} failed: ${e.status ? `HTTP ${e.status} ` : ''}${e.reason ?? e.message ?? String(err)}`);
  }
  const computed = fold.finish();
  const note = values.sample
    ? {
        zh: '示例数据：以下数字由程序生成的示例服务记录按公布的公式计算得出，仅用于说明页面如何展示，并非真实服务记录。',
        en: 'Sample data: these figures were computed with the published formulas from generated sample records; they only illustrate the page and are not real service records.',
      }
    : undefined;
  const file = v.parse(Results, toResultsFile(computed, { sample: Boolean(values.sample), ...(note ? { note } : {}) }));
  const out =
    values.out ?? path.join(ROOT, 'content/results', values.station ? `${year}-${values.station}.json` : `${year}.json`);
  const text = `${JSON.stringify(file, null, 2)}\n`;
  if (out === '-') process.stdout.write(text);
  else writeFileSync(out, text);
  const seconds = (performance.now() - started) / 1000;
  const summary = computed.figures
    .map((f) => `  ${f.indicator}: ${f.notPerStation ? 'not measured per station (company-wide records)' : f.value === null ? 'not measured' : f.value.toFixed(2)}${f.met === null ? '' : f.met ? ' (met)' : ' (not met)'}${monthsBelow(f)}`)
    .join('\n');
  console.error(
    `results ${year}: read ${docs} documents (${computed.read.events} events, ${computed.read.records} records) in ${seconds.toFixed(1)} s` +
      `${out === '-' ? '' : `; wrote ${path.relative(process.cwd(), out)}`}\n${summary}` +
      (computed.warnings.length ? `\nwarnings:\n  ${computed.warnings.join('\n  ')}` : ''),
  );
}

/**
 * The months below target of a figure judged month by month (continuous supply), for the
 * summary line: " — below target in 2024-04, 2024-07".
 * @param {{ breakdown: { month: readonly { key: string, met?: boolean | null }[] } }} f
 */
function monthsBelow(f) {
  const below = f.breakdown.month.filter((c) => c.met === false).map((c) => c.key);
  return below.length ? ` — below target in ${below.join(', ')}` : '';
}

main().catch((err) => {
  if (err instanceof UsageError) {
    console.error(`results: ${err.message} (npm run results -- --help)`);
    process.exit(2);
  }
  console.error(`results: ${/** @type {Error} */ (err).message ?? String(err)}`);
  process.exit(1);
});
