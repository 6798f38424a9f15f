import * as v from 'valibot';
import { LineCounter, parseDocument, isMap, isSeq, isPair, isScalar } from 'yaml';
import type { Node } from 'yaml';

type PathKey = string | number;

/**
 * Turns valibot issues into lines of the form `file:line:column field.path: message`.
 * The source may be YAML, JSON (a YAML subset) or Markdown with YAML front matter.
 */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[], file: string, source: string): string[] {
  const { text, lineOffset } = yamlPart(file, source);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: false });
  return issues.map((issue) => {
    const path = (issue.path ?? []).map((item) => item.key as PathKey);
    const offset = locate(doc.contents, path);
    const { line, col } = lineCounter.linePos(offset);
    const field = path.length ? formatPath(path) : '(whole file)';
    return `${file}:${line + lineOffset}:${col} ${field}: ${issue.message}`;
  });
}

export function formatPath(path: PathKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${key}` : key), '');
}

function yamlPart(file: string, source: string): { text: string; lineOffset: number } {
  if (!file.endsWith('.md')) return { text: source, lineOffset: 0 };
  const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(source);
  // Front matter starts on the second line of the file.
  return match ? { text: match[1] ?? '', lineOffset: 1 } : { text: '', lineOffset: 0 };
}

/** The source offset of the deepest node on `path` that exists (the parent, if a field is missing). */
function locate(root: Node | null | undefined, path: PathKey[]): number {
  let node: unknown = root;
  let offset = (root as Node | null)?.range?.[0] ?? 0;
  for (const key of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}
