import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');

/** A copy of the project (sharing node_modules) in which a test may break content files. */
function projectCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hearthline-build-'));
  for (const entry of ['astro.config.mjs', 'tsconfig.json', 'package.json', 'src', 'content', 'public', 'scripts']) {
    cpSync(join(root, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

describe('a commitments file with mistakes fails the real build', () => {
  it('names the file, line and field of each mistake', () => {
    const dir = projectCopy();
    try {
      const file = join(dir, 'content/commitments/2025.yaml');
      const original = readFileSync(file, 'utf8');
      const lines = original.split('\n');
      // Break the first indicator's target three ways on separate indicators.
      const targets = lines.flatMap((line, i) => (line.trim().startsWith('target:') ? [i] : []));
      expect(targets.length).toBeGreaterThanOrEqual(3);
      const [first, second, third] = targets as [number, number, number];
      lines[first] = "    target: { comparison: '>=', value: 98, unit: percentage }"; // unknown unit
      lines[second] = "    target: { comparison: '>=', value: 'ninety', unit: percent }"; // wrong type
      lines[third] = ''; // target missing
      writeFileSync(file, lines.join('\n'));

      const build = spawnSync(process.execPath, ['scripts/astro.mjs', 'build'], { cwd: dir, encoding: 'utf8', timeout: 180_000 });
      const output = `${build.stdout}\n${build.stderr}`;
      expect(build.status, output).not.toBe(0);
      expect(output).toContain(`content/commitments/2025.yaml:${first + 1}:`);
      expect(output).toMatch(/indicators\[\d+\]\.target\.unit: unit must be one of percent, score, visits-per-year/);
      expect(output).toContain(`content/commitments/2025.yaml:${second + 1}:`);
      expect(output).toMatch(/indicators\[\d+\]\.target\.value: value must be a number/);
      expect(output).toMatch(/indicators\[\d+\]\.target: /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 200_000);
});
