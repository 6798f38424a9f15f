/**
 * Data a static page hands its island in a JSON data block (`<script type="application/json">`)
 * instead of the island's props.
 *
 * Why: Astro serialises an island's props into an attribute in its own tagged form and revives
 * them value by value before the island runs, on the main thread during the page's load. The
 * staff console's strings (28 kB) made that revive one of the longest tasks before the page
 * answered input (Lighthouse's TBT on /staff/); `JSON.parse` of the same text is a fraction of
 * it. A data block is never executed, so the page's CSP is not involved.
 */
export function readPageJson<T>(id: string): T {
  const text = typeof document === 'undefined' ? null : document.getElementById(id)?.textContent;
  if (!text) throw new Error(`the page has no data block #${id}`);
  return JSON.parse(text) as T;
}

/** The text of a data block: JSON that cannot end its `<script>` element early. */
export function pageJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}
