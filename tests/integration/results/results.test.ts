/**
 * History imported into the real backend, the results command run against it, and the
 * results page built from what it wrote.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { stripHtml } from './html';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT, startSite, type Site } from '../../support/server';
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
    // the server admin: ours, or the one in COUCHDB_URL when the suite runs against a CouchDB
    env: { ...process.env, HEARTHLINE_ADMIN_USER: site.adminUser, HEARTHLINE_ADMIN_PASSWORD: site.adminPassword },
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

  it('loads nothing from a file with an impossible date and a time without a zone, naming both lines', async () => {
    // domain.md, "Settled readings: Times": 2023-02-30 would have become 2 March, and a time
    // without a zone would have been read in this machine's zone.
    const rows = [
      { row: 'call', key: 'zone-1', line: 'hotline', at: '2024-06-02T09:00:00+08:00', answered: true, rings: 1 },
      { row: 'call', key: 'zone-2', line: 'hotline', at: '2023-02-30T10:00+08:00', answered: true, rings: 1 },
      { row: 'call', key: 'zone-3', line: 'hotline', at: '2024-06-02T09:10:00Z', answered: true, rings: 2 },
      { row: 'outage', outage: 'Z-1', station: 'north-1', startedAt: '2024-05-01T10:00:00', affectedCustomers: 3 },
    ];
    const file = path.join(dir, 'zones.ndjson');
    writeFileSync(file, ndjson(rows));
    const r = cli('import', [file, '--system', 'zone-test']);
    expect(r.status, r.out).toBe(1);
    expect(r.out).toContain('2 bad row(s) of 4; nothing loaded');
    expect(r.out).toContain('line 2: at "2023-02-30T10:00+08:00" is not a date: 2023-02 has 28 days');
    expect(r.out).toContain('line 4: startedAt "2024-05-01T10:00:00" has no zone');
    // Nothing of the file reached the database, not even its good rows.
    const res = await fetch(`${site.url}/db/operations/_all_docs?include_docs=true`, {
      headers: { authorization: `Basic ${Buffer.from(`${site.adminUser}:${site.adminPassword}`).toString('base64')}` },
    });
    const all = (await res.json()) as { rows: { doc?: { source?: { system?: string } } }[] };
    expect(res.status).toBe(200);
    expect(all.rows.filter((row) => row.doc?.source?.system === 'zone-test')).toEqual([]);
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

describe('the results page built from what the command wrote', () => {
  it('shows each figure against its target with the previous year beside it, and a CSV of every figure', () => {
    const project = mkdtempSync(path.join(tmpdir(), 'hearthline-results-build-'));
    try {
      for (const entry of ['astro.config.mjs', 'tsconfig.json', 'package.json', 'src', 'content', 'public', 'scripts']) {
        cpSync(path.join(REPO_ROOT, entry), path.join(project, entry), { recursive: true });
      }
      symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(project, 'node_modules'), 'dir');
      cpSync(path.join(dir, '2025.json'), path.join(project, 'content/results/2025.json'));
      const build = spawnSync(process.execPath, ['scripts/astro.mjs', 'build'], { cwd: project, encoding: 'utf8', timeout: 200_000 });
      expect(build.status, `${build.stdout}\n${build.stderr}`).toBe(0);

      const zh = readFileSync(path.join(project, 'dist/results/2025/index.html'), 'utf8');
      const en = readFileSync(path.join(project, 'dist/en/results/2025/index.html'), 'utf8');
      const figure = (html: string, id: string) => new RegExp(`data-figure="${id}"[^>]*>([^<]*)<`).exec(html)?.[1];
      // The hand-worked figures of EXPECTED_2025, as the page rounds them.
      expect(figure(en, 'repair-on-site-1h')).toBe('90 %');
      expect(figure(en, 'repair-callback')).toBe('95 %');
      expect(figure(en, 'heating-satisfaction')).toBe('97.4 %');
      expect(figure(en, 'indoor-temperature')).toBe('80 %');
      expect(figure(en, 'hotline-3-rings')).toBe('92 %');
      expect(figure(en, 'service-attitude')).toBe('9.5 points');
      expect(figure(zh, 'outage-notice-48h')).toBe('75 %');
      const text = stripHtml(en);
      expect(text).toContain('36 / 40');
      expect(text).toContain('4 met, 7 not met, 0 not measured');
      // The previous year (the computed 2024 sample) measured service attitude: 8.96 shown beside.
      expect(text).toMatch(/Service attitude.*?2024\s*8\.96 points/s);
      expect(text).toContain('Stations with the most complaints');
      expect(en).toContain('href="/en/results/2025.csv"');

      const csv = readFileSync(path.join(project, 'dist/en/results/2025.csv'), 'utf8');
      const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
      expect(lines[0]).toBe('indicator,label,breakdown,group,target,value,numerator,denominator,scores,met,previous year,withheld');
      expect(lines).toContain('repair-on-site-1h,Technician on site within 1 hour,all,,>= 95 percent,90,36,40,,no,,');
      expect(lines).toContain('repair-on-site-1h,Technician on site within 1 hour,station,north-1,>= 95 percent,100,30,30,,,,');
      // 4 planned outages at one station: fewer than 5 records, the cell is withheld.
      expect(lines).toContain('outage-notice-48h,Notice of planned outages,station,north-1,>= 100 percent,,,,,,,yes');
      expect(csv).not.toMatch(/r-1001|13900000000|王先生/); // no personal data

      // Continuous supply of the 2024 sample, month by month (content/results/2024.json, from
      // server/cli/sampleHistory.ts): the year 17,334,621 / 17,349,600 = 99.914 % is over
      // 99.9 % and met, while April (1,398,960 / 1,404,000 = 99.641 %), May (99.875 %), July
      // (1,486,510 / 1,488,000 = 99.89987 %) and December (99.895 %) are below it.
      const gas = stripHtml(readFileSync(path.join(project, 'dist/en/results/2024/index.html'), 'utf8'));
      expect(gas).toContain('Month by month');
      expect(gas).toMatch(/4 month\(s\) below target: 2024-04 ?, 2024-05 ?, 2024-07 ?, 2024-12/);
      expect(gas).toMatch(/2024-04\s*99\.64 %\s*Below target/);
      expect(gas).toMatch(/2024-03\s*100 %\s*Met/);
      const gasZh = stripHtml(readFileSync(path.join(project, 'dist/results/2024/index.html'), 'utf8'));
      expect(gasZh).toMatch(/4 个月低于目标： ?2024-04 ?、 ?2024-05 ?、 ?2024-07 ?、 ?2024-12/);
      const gasCsv = readFileSync(path.join(project, 'dist/en/results/2024.csv'), 'utf8').split('\r\n');
      expect(gasCsv.find((l) => l.startsWith('continuous-supply,Continuous supply,month,2024-04,'))).toMatch(/,1398960,1404000,,no,,$/);

      // The home page of a heating utility (content/utility.yaml service: heating) never shows
      // the sample gas company's verdicts as its own; it links them as the example they are.
      const home = readFileSync(path.join(project, 'dist/en/index.html'), 'utf8');
      expect(home).not.toContain('data-glance="results"');
      expect(stripHtml(home)).toContain('The results of 2024 are not published yet.');
      expect(stripHtml(home)).toContain('Example: how results are published (another company’s sample figures for 2024, not this utility’s results)');
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
  }, 240_000);
});

describe("the results command's reader (server/couch/stream.mjs)", () => {
  it('hands out every document once, in id order, whether ranges are read one at a time or several at once', async () => {
    const { openHttpDatabase, streamAllDocs } = await import('../../../server/couch/index.mjs');
    const ids = async (pageSize: number, concurrency: number, compress: boolean) => {
      const db = openHttpDatabase(`${site.url}/db/operations`, { username: site.adminUser, password: site.adminPassword! }, { compress });
      const out: string[] = [];
      for await (const doc of streamAllDocs(db, { pageSize, concurrency })) out.push(doc._id as string);
      return out;
    };
    const all = await fetch(`${site.url}/db/operations/_all_docs`, {
      headers: { authorization: `Basic ${Buffer.from(`${site.adminUser}:${site.adminPassword}`).toString('base64')}` },
    }).then((r) => r.json() as Promise<{ rows: { id: string }[] }>);
    const expected = all.rows.map((r) => r.id).filter((id) => !id.startsWith('_design/'));
    expect(expected.length).toBeGreaterThan(50); // the season imported above
    // Small pages: many ranges, several in flight, the last one short.
    expect(await ids(7, 3, false)).toEqual(expected);
    expect(await ids(7, 1, true)).toEqual(expected);
    expect(await ids(expected.length + 10, 4, false)).toEqual(expected);
  });
});
