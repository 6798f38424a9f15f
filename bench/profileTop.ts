/**
 * The top of a V8 CPU profile (`node --cpu-prof`): self time by function and by package or
 * source folder, for bench/writes.ts --profile.
 *
 *   npx tsx bench/profileTop.ts <file.cpuprofile> [--top 25] [--callers LevelDOWN._get]
 *
 * --callers: the self time of the functions so named, by each function above them on the stack
 * (who spends it, counted once per stack).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' }, callers: { type: 'string' } } });
type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
const profile = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as { nodes: Node[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);
const where = (url: string) => {
  if (!url) return '(native / V8)';
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1]!;
  if (url.startsWith('node:')) return url;
  const r = /\/(server\/[^/]+|src\/[^/]+)/.exec(url);
  return r ? r[1]! : url.replace(/^file:\/\//, '');
};
const fnKey = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${where(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const sum = (key: (n: Node) => string) => {
  const m = new Map<string, number>();
  for (const [id, t] of self) {
    const n = byId.get(id)!;
    m.set(key(n), (m.get(key(n)) ?? 0) + t);
  }
  return [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top));
};
const show = (title: string, rows: [string, number][]) => {
  console.log(`\n${title}`);
  for (const [k, t] of rows) console.log(`${((t / total) * 100).toFixed(1).padStart(5)} %  ${(t / 1000).toFixed(0).padStart(7)} ms  ${k}`);
};
console.log(`${(total / 1e6).toFixed(1)} s sampled`);
show('self time by package / source folder', sum((n) => where(n.callFrame.url)));
show('self time by function', sum(fnKey));

if (values.callers) {
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const m = new Map<string, number>();
  let matched = 0;
  for (const [id, t] of self) {
    if (byId.get(id)!.callFrame.functionName !== values.callers) continue;
    matched += t;
    const seen = new Set<string>();
    for (let p = parent.get(id); p !== undefined; p = parent.get(p)) {
      const k = fnKey(byId.get(p)!);
      if (seen.has(k)) continue;
      seen.add(k);
      m.set(k, (m.get(k) ?? 0) + t);
    }
  }
  console.log(`\n${values.callers}: ${(matched / 1000).toFixed(0)} ms, by caller`);
  for (const [k, t] of [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(values.top))) console.log(`${((t / matched) * 100).toFixed(1).padStart(5)} %  ${k}`);
}
