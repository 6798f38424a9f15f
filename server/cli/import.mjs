#!/usr/bin/env node
// @ts-check
/**
 * `npm run import -- FILE`: loads history from an older system into the operations database
 * of a running Hearthline server: request events, outages, calls, phone-line downtime,
 * households and inspection visits, and the customer register (`customer` rows: account
 * numbers with the phones on file, into the server-only customer-register database), as NDJSON (.ndjson, .jsonl) or CSV (.csv), in the format
 * of docs/import-format.md (mapping: src/db/import/importRows.ts).
 *
 * Every row is checked first. A bad row is reported with its line number and reason, and a
 * file with bad rows loads nothing unless --skip-bad is given; then the report lists exactly
 * the lines skipped. Ids come from the rows, so importing the same file twice adds nothing
 * the second time ("already present").
 *
 * Options
 *   --system NAME         the old system's name, part of every id (default: the file's name)
 *   --format ndjson|csv   (default: from the file's extension)
 *   --skip-bad            load the good rows and skip the bad ones
 *   --dry-run             check only
 *   --url URL             the running server (default http://127.0.0.1:4321, or HEARTHLINE_URL)
 *   --user NAME           a server admin (default admin, or HEARTHLINE_ADMIN_USER)
 *   --password PW         (or HEARTHLINE_ADMIN_PASSWORD)
 *   --json                print the report as JSON
 * Exit codes: 0 loaded (or nothing to load), 1 bad rows or failure, 2 wrong usage.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseRows, rowToDocs } from '../../src/db/import/importRows.ts';
import { customerRowToEntry, sameEntry } from '../../src/db/import/registerRows.ts';
import { CUSTOMER_REGISTER_DB } from '../../src/db/databaseNames.ts';

class UsageError extends Error {}
const BATCH = 500;

async function main() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        system: { type: 'string' },
        format: { type: 'string' },
        'skip-bad': { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        url: { type: 'string' },
        user: { type: 'string' },
        password: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
  } catch (err) {
    throw new UsageError(/** @type {Error} */ (err).message);
  }
  const { values, positionals } = parsed;
  const file = positionals[0];
  if (!file || positionals.length > 1) throw new UsageError('give one file: npm run import -- FILE');
  const ext = path.extname(file).toLowerCase();
  const format = values.format ?? (ext === '.csv' ? 'csv' : ext === '.ndjson' || ext === '.jsonl' ? 'ndjson' : undefined);
  if (format !== 'csv' && format !== 'ndjson') throw new UsageError('say --format ndjson or --format csv (or name the file .ndjson, .jsonl or .csv)');
  const system = values.system ?? path.basename(file, ext);
  const user = values.user ?? process.env.HEARTHLINE_ADMIN_USER ?? 'admin';
  const password = values.password ?? process.env.HEARTHLINE_ADMIN_PASSWORD;
  if (!password && !values['dry-run']) throw new UsageError('give the admin password with --password or HEARTHLINE_ADMIN_PASSWORD');

  const lines = parseRows(readFileSync(file, 'utf8'), format);
  /** @type {{ line: number, reason: string }[]} */
  const bad = [];
  /** @type {any[]} */
  const docs = [];
  /** @type {import('../../src/db/schema/customerRegister.ts').RegisterEntry[]} register entries, by account (a later row wins) */
  const register = [];
  const importedAt = new Date().toISOString();
  for (const l of lines) {
    if (!l.row) {
      bad.push({ line: l.line, reason: l.reason ?? 'unreadable' });
      continue;
    }
    if (l.row.row === 'customer') {
      const c = customerRowToEntry(l.row, { system, importedAt });
      if (c.ok) register.push(c.entry);
      else bad.push({ line: l.line, reason: c.reason });
      continue;
    }
    const r = rowToDocs(l.row, { system, importer: user });
    if (r.ok) docs.push(...r.docs);
    else bad.push({ line: l.line, reason: r.reason });
  }
  const report = { file, system, rows: lines.length, bad, documents: docs.length + register.length, loaded: 0, updated: 0, alreadyPresent: 0, skipped: /** @type {number[]} */ ([]) };
  const print = (/** @type {string} */ text) => console.log(values.json ? JSON.stringify(report, null, 2) : text);
  const badText = bad.map((b) => `  line ${b.line}: ${b.reason}`).join('\n');
  if (bad.length && !values['skip-bad']) {
    print(`${file}: ${bad.length} bad row(s) of ${lines.length}; nothing loaded (add --skip-bad to load the others):\n${badText}`);
    process.exitCode = 1;
    return;
  }
  report.skipped = bad.map((b) => b.line);
  if (values['dry-run']) {
    print(`${file}: ${lines.length} rows checked, ${report.documents} documents would be loaded${bad.length ? `; would skip:\n${badText}` : ''}`);
    return;
  }

  const base = (values.url ?? process.env.HEARTHLINE_URL ?? 'http://127.0.0.1:4321').replace(/\/+$/, '');
  const db = `${base}/db/operations`;
  const headers = {
    authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
    'content-type': 'application/json',
    accept: 'application/json',
  };
  /** @param {string} url @param {unknown} body */
  const post = async (url, body) => {
    const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.timeout(60_000) });
    const json = await res.json().catch(() => null);
    if (res.status >= 300) throw new Error(`POST ${url.replace(base, '')}: HTTP ${res.status} ${json?.reason ?? ''}`);
    return json;
  };
  for (let i = 0; i < docs.length; i += BATCH) {
    const batch = docs.slice(i, i + BATCH).map(({ id, ...rest }) => ({ _id: id, ...rest }));
    const existing = await post(`${db}/_all_docs`, { keys: batch.map((d) => d._id) });
    /** @type {{ id: string, value?: unknown, error?: string }[]} */
    const rows = existing.rows;
    const present = new Set(rows.filter((r) => r.value && !r.error).map((r) => r.id));
    const fresh = batch.filter((d) => !present.has(d._id));
    report.alreadyPresent += batch.length - fresh.length;
    if (!fresh.length) continue;
    const results = await post(`${db}/_bulk_docs`, { docs: fresh });
    for (const r of results) {
      if (r.error === 'conflict') report.alreadyPresent += 1;
      else if (r.error) throw new Error(`the server refused ${r.id}: ${r.reason ?? r.error} (${report.loaded} documents were loaded before it)`);
      else report.loaded += 1;
    }
  }
  // The register: an account's entry is replaced by a newer one (its phones on file change);
  // an entry saying the same is left alone, so the same file twice changes nothing.
  const byAccount = new Map(register.map((e) => [e._id, e]));
  const entries = [...byAccount.values()];
  for (let i = 0; i < entries.length; i += BATCH) {
    const batch = entries.slice(i, i + BATCH);
    const current = await post(`${base}/db/${CUSTOMER_REGISTER_DB}/_all_docs`, { keys: batch.map((e) => e._id), include_docs: true });
    /** @type {Map<string, any>} */
    const found = new Map(current.rows.filter((/** @type {any} */ r) => r.doc).map((/** @type {any} */ r) => [r.id, r.doc]));
    /** @type {any[]} */
    const writes = [];
    for (const e of batch) {
      const old = found.get(e._id);
      if (old && sameEntry(e, old)) report.alreadyPresent += 1;
      else writes.push(old ? { ...e, _rev: old._rev } : e);
    }
    if (!writes.length) continue;
    const results = await post(`${base}/db/${CUSTOMER_REGISTER_DB}/_bulk_docs`, { docs: writes });
    for (const r of results) {
      if (r.error) throw new Error(`the server refused ${r.id}: ${r.reason ?? r.error} (${report.loaded + report.updated} register entries were written before it)`);
      if (found.has(r.id)) report.updated += 1;
      else report.loaded += 1;
    }
  }
  print(
    `${file}: ${lines.length} rows; loaded ${report.loaded} documents, ${report.alreadyPresent} already present` +
      (report.updated ? `, ${report.updated} register entries updated` : '') +
      (bad.length ? `; skipped ${bad.length} bad row(s):\n${badText}` : ''),
  );
}

main().catch((err) => {
  if (err instanceof UsageError) {
    console.error(`import: ${err.message}`);
    process.exit(2);
  }
  console.error(`import: ${/** @type {Error} */ (err).message ?? String(err)}`);
  process.exit(1);
});
