/**
 * History imported into the real backend, the results command run against it, and the
 * results page built from what it wrote.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT, startSite, type Site } from '../support/site';
import { EXPECTED_2025, seasonRows } from './fixture';

let site: Site;
let dir: string;
const ADMIN_PASSWORD = 'results-test-admin-pw';

beforeAll(async () => {
  site = await startSite({ env: { HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD } });
  dir = mkdtempSync(path.join(tmpdir(), 'hearthline-results-'));
});
afterAll(async () => {
  await site?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function cli(script: 'import' | 'results', args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, `server/cli/${script}.mjs`), ...args, '--url', site.url], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, HEARTHLINE_ADMIN_PASSWORD: ADMIN_PASSWORD },
    timeout: 120_000,
  });
  return { status: run.status, out: `${run.stdout}\n${run.stderr}` };
}

const ndjson = (rows: Record<string, unknown>[]) => `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`;

describe('npm run import', () => {
  it('loads nothing from a file with bad rows, naming each line and why', () => {
    // Calls of June 2024: outside the 2025-26 season, so they do not touch the figures below.
    const rows = Array.from({ length: 10 }, (_, i) => ({ row: 'call', key: `old-${i}`, line: 'hotline', at: `2024-06-01T0${i}:00:00.000Z`, answered: true, rings: 2 }));
    const bad = [...rows.slice(0, 3), { row: 'call', line: 'fax', at: '2025-12-01T00:00:00.000Z', answered: true, rings: 1 }, ...rows.slice(3), { row: 'outage', station: 'north-1' }];
    const file = path.join(dir, 'bad.ndjson');
    writeFileSync(file, `${ndjson(bad)}not json\n`);
    const r = cli('import', [file, '--system', 'bad-test']);
    expect(r.status, r.out).toBe(1);
    expect(r.out).toContain('3 bad row(s) of 13; nothing loaded');
    expect(r.out).toContain('line 4: line must be one of hotline, emergency');
    expect(r.out).toContain('line 12: an outage needs startedAt or announcedAt');
    expect(r.out).toContain('line 13: not valid JSON');

    const skipped = cli('import', [file, '--system', 'bad-test', '--skip-bad', '--json']);
    expect(skipped.status, skipped.out).toBe(0);
    const report = JSON.parse(skipped.out.slice(0, skipped.out.lastIndexOf('}') + 1));
    expect(report.skipped).toEqual([4, 12, 13]);
    expect(report.loaded).toBe(10);
  });

  it('loads a season of history once: the same file twice creates nothing twice', () => {
    const file = path.join(dir, 'season.ndjson');
    writeFileSync(file, ndjson(seasonRows()));
    const first = cli('import', [file, '--system', 'old-crm', '--json']);
    expect(first.status, first.out).toBe(0);
    const a = JSON.parse(first.out.slice(0, first.out.lastIndexOf('}') + 1));
    expect(a).toMatchObject({ rows: 307, bad: [], documents: 318, loaded: 318, alreadyPresent: 0 });
    const second = cli('import', [file, '--system', 'old-crm', '--json']);
    const b = JSON.parse(second.out.slice(0, second.out.lastIndexOf('}') + 1));
    expect(b).toMatchObject({ loaded: 0, alreadyPresent: 318 });
  });
});

describe('npm run results against the real backend', () => {
  let written: any;
  beforeAll(() => {
    const out = path.join(dir, '2025.json');
    const r = cli('results', ['--year', '2025', '--as-of', '2026-03-21T00:00:00.000Z', '--out', out]);
    expect(r.status, r.out).toBe(0);
    written = JSON.parse(readFileSync(out, 'utf8'));
  });

  it('computes every figure of the 2025 commitments as worked out by hand', () => {
    expect(written).toMatchObject({ year: 2025, sample: false, computedAt: '2026-03-21', period: { from: '2025-11-15', to: '2026-03-20' } });
    for (const [indicator, e] of Object.entries(EXPECTED_2025)) {
      const f = written.figures.find((x: any) => x.indicator === indicator);
      expect(f, indicator).toBeDefined();
      expect([f.numerator, f.denominator, f.count, f.met], indicator).toEqual([e.numerator, e.denominator, e.count, e.met]);
      expect(f.value, indicator).toBeCloseTo(e.value, 9);
    }
  });
});
