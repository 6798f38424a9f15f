// Rules about what the code may import, checked over the source tree.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const SOURCE = /\.(ts|tsx|mjs|js|astro)$/;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (SOURCE.test(name)) out.push(path);
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  for (const m of text.matchAll(/(?:from|import)\s*\(?\s*['"]([^'"]+)['"]/g)) specifiers.push(m[1]!);
  return specifiers;
}

const tree = ['src', 'server', 'bench', 'scripts'].flatMap((dir) => sourceFiles(join(root, dir)));

describe('dependencies pinned by overrides', () => {
  // package.json pins graphql 16 and z-schema 6 (their newest majors ask for Node 22): harmless
  // only while nothing loads RxDB's GraphQL replication or z-schema validator, or those packages.
  const pinned = /^(graphql|graphql-ws|z-schema)(\/|$)|^rxdb\/plugins\/(replication-graphql|validate-z-schema)/;

  it('no product code imports the packages pinned to an older line', () => {
    const offenders = tree.flatMap((file) =>
      importsOf(file)
        .filter((s) => pinned.test(s))
        .map((s) => `${relative(root, file)}: ${s}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the overrides are the ones the README explains', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { overrides?: Record<string, string> };
    expect(Object.keys(pkg.overrides ?? {}).sort()).toEqual(['graphql', 'undici', 'z-schema']);
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const name of Object.keys(pkg.overrides ?? {})) expect(readme).toContain(`\`${name}\``);
  });
});
