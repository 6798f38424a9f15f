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

// ---------------------------------------------------------------- the layering (docs/architecture.md)
//
//   src/db/schema  ←  src/rules  ←  src/db (write checks, names, design docs)  ←  src/db/device
//        ←  src/islands  ←  src/pages
//
// Each layer imports only the layers to its left (and the i18n tables). The schemas are the one
// source of truth every other layer derives from, so they import no rule: only the vocabulary
// and the message table (src/i18n/messages.ts, itself a leaf over the vocabulary). The server
// may use src/db and src/rules, never an island or a page.

const EXTENSIONS = ['', '.ts', '.tsx', '.mjs', '.js', '/index.ts', '/index.mjs'];

/** The file a relative specifier names, or null for a package or something outside the tree. */
function resolveImport(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = join(from, '..', specifier);
  for (const ext of EXTENSIONS) {
    const candidate = base + ext;
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  return null;
}

const graph = new Map<string, string[]>(
  tree.map((file) => [file, importsOf(file).flatMap((s) => resolveImport(file, s) ?? [])]),
);
const rel = (file: string) => relative(root, file).split('\\').join('/');

type Layer = 'schema' | 'i18n-table' | 'i18n' | 'rules' | 'db' | 'device' | 'islands' | 'pages' | 'server' | 'other';
function layerOf(file: string): Layer {
  const p = rel(file);
  if (p.startsWith('src/db/schema/')) return 'schema';
  if (p === 'src/i18n/messages.ts' || p === 'src/i18n/lang.ts') return 'i18n-table';
  if (p.startsWith('src/i18n/')) return 'i18n';
  if (p.startsWith('src/rules/')) return 'rules';
  if (p.startsWith('src/db/device/')) return 'device';
  if (p.startsWith('src/db/')) return 'db';
  if (p.startsWith('src/islands/')) return 'islands';
  if (p.startsWith('src/pages/')) return 'pages';
  if (p.startsWith('server/')) return 'server';
  return 'other';
}

/** What each layer must never import. */
const FORBIDDEN: Record<Layer, readonly Layer[]> = {
  schema: ['i18n', 'rules', 'db', 'device', 'islands', 'pages', 'server'],
  'i18n-table': ['i18n', 'rules', 'db', 'device', 'islands', 'pages', 'server'],
  i18n: ['db', 'device', 'islands', 'pages', 'server'],
  rules: ['db', 'device', 'islands', 'pages', 'server'],
  db: ['device', 'islands', 'pages', 'server'],
  device: ['islands', 'pages', 'server'],
  islands: ['pages', 'server'],
  pages: ['server'],
  server: ['islands', 'pages'],
  other: [],
};

/** The imports of `files` that break FORBIDDEN, as `from -> to`. */
function layeringViolations(edges: ReadonlyMap<string, readonly string[]>): string[] {
  const out: string[] = [];
  for (const [from, targets] of edges) {
    const forbidden = FORBIDDEN[layerOf(from)];
    for (const to of targets) if (forbidden.includes(layerOf(to))) out.push(`${rel(from)} -> ${rel(to)} (${layerOf(from)} must not import ${layerOf(to)})`);
  }
  return out;
}

/** Files of src/rules reachable from a file of src/db/schema by imports: any one closes a cycle schema → rules → schema. */
function rulesReachableFromSchema(edges: ReadonlyMap<string, readonly string[]>): string[] {
  const seen = new Set<string>();
  const stack = [...edges.keys()].filter((f) => layerOf(f) === 'schema');
  const reached: string[] = [];
  while (stack.length) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (layerOf(file) === 'rules') reached.push(rel(file));
    for (const next of edges.get(file) ?? []) stack.push(next);
  }
  return reached.sort();
}

describe('the layering', () => {
  it('every relative import resolves to a file (so the checks below see every edge)', () => {
    const unresolved = tree.flatMap((file) =>
      importsOf(file)
        .filter((s) => s.startsWith('.') && !/\.(css|json|svg|png|yaml|md)(\?.*)?$/.test(s) && !s.includes('?'))
        .filter((s) => resolveImport(file, s) === null)
        .map((s) => `${rel(file)}: ${s}`),
    );
    expect(unresolved).toEqual([]);
  });

  it('no import goes against schema ← rules ← db ← db/device ← islands ← pages; the server never imports islands or pages', () => {
    expect(layeringViolations(graph)).toEqual([]);
  });

  it('nothing in src/db/schema reaches src/rules, directly or through another module (no cycle between them)', () => {
    expect(rulesReachableFromSchema(graph)).toEqual([]);
  });

  it('the checks fail on a violation (a schema importing a rule, the server an island, a cycle through i18n)', () => {
    const f = (p: string) => join(root, p);
    const bad = new Map<string, string[]>([
      [f('src/db/schema/events/fields.ts'), [f('src/rules/measurementMethod.ts')]],
      [f('server/backend/guard/index.mjs'), [f('src/islands/staff/Console.tsx')]],
      [f('src/db/device/browserDevice.ts'), [f('src/islands/reactive.ts')]],
    ]);
    expect(layeringViolations(bad)).toHaveLength(3);
    const cycle = new Map<string, string[]>([
      [f('src/db/schema/events/fields.ts'), [f('src/i18n/issues.ts')]],
      [f('src/i18n/issues.ts'), [f('src/rules/bookingWindows.ts')]],
    ]);
    expect(rulesReachableFromSchema(cycle)).toEqual(['src/rules/bookingWindows.ts']);
  });
});
