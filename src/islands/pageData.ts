/**
 * Data a static page hands its island in a JSON data block (`<script type="application/json">`)
 * instead of the island's props.
 *
 * Why: Astro serialises an island's props into an attribute in its own tagged form and revives
 * them value by value before the island runs, on the main thread during the page's load. The
 * staff console's strings (28 kB) made that revive one of the longest tasks before the page
 * answered input (Lighthouse's TBT on /staff/); `JSON.parse` of the same text is a fraction of
 * it. A data block is never executed, so the page's CSP is not involved.
 *
 * An island rendered at build time (its shell is in the page's HTML, then hydrated) reads the
 * same data on the build's server: the page keeps it here while it writes the block
 * (`pageDataBlock`), under the block's id and the page's language (pages of both languages are
 * built by one process).
 */
const keptAtBuild = new Map<string, unknown>();
const buildKey = (id: string, lang: string) => `${id} ${lang}`;

export function readPageJson<T>(id: string, lang: string): T {
  if (typeof document === 'undefined') {
    if (!keptAtBuild.has(buildKey(id, lang))) throw new Error(`the page kept no data block #${id} (${lang}) for its build render`);
    return keptAtBuild.get(buildKey(id, lang)) as T;
  }
  const text = document.getElementById(id)?.textContent;
  if (!text) throw new Error(`the page has no data block #${id}`);
  return JSON.parse(text) as T;
}

/** The text of a data block: JSON that cannot end its `<script>` element early. */
export function pageJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/** The text of the page's data block `id`, kept for the islands the build renders on this page. */
export function pageDataBlock(id: string, lang: string, value: unknown): string {
  keptAtBuild.set(buildKey(id, lang), value);
  return pageJson(value);
}
