/**
 * The request registry's incremental reads over HTTP (no update sequence to compare): a write's
 * two look-ups under its database's lock read `_changes` once (`readFrom`), and a read that
 * began before a write never stands in for one after it.
 */
import { describe, expect, it } from 'vitest';
import { createRequestRegistry } from '../../../../server/backend/requestRegistry.mjs';

/** A database's changes as `_changes` pages them, counting the reads. */
function changesFeed() {
  const rows: { seq: number; doc: Record<string, unknown> }[] = [];
  const feed = {
    reads: 0,
    write(doc: Record<string, unknown>) {
      rows.push({ seq: rows.length + 1, doc });
    },
    async readChanges(_db: string, opts: { since: string | number; limit: number }) {
      feed.reads++;
      const since = Number(opts.since);
      const page = rows.filter((r) => r.seq > since).slice(0, opts.limit);
      return { results: page.map((r) => ({ doc: r.doc })), last_seq: page.length ? page[page.length - 1]!.seq : since };
    },
  };
  return feed;
}

const db = 'resident-72';

describe('createRequestRegistry: readFrom', () => {
  it('a look-up that began after the write began serves the write again: one read, not two', async () => {
    const feed = changesFeed();
    const registry = createRequestRegistry({ readChanges: feed.readChanges, keepEvents: () => true });
    feed.write({ _id: 'a', docType: 'event' });
    const began = performance.now();
    expect([...(await registry.current(db, began)).ids!]).toEqual(['a']);
    expect(feed.reads).toBe(1);
    await registry.current(db, began);
    expect(feed.reads).toBe(1);
  });

  it('a read that began before the write does not stand in for one after it, with or without readFrom', async () => {
    const feed = changesFeed();
    const registry = createRequestRegistry({ readChanges: feed.readChanges, keepEvents: () => true });
    await registry.current(db, performance.now());
    feed.write({ _id: 'b', docType: 'event' });
    await new Promise((r) => setTimeout(r, 2));
    const next = performance.now();
    expect((await registry.current(db, next)).ids!.has('b')).toBe(true);
    expect(feed.reads).toBe(2);
    feed.write({ _id: 'c', docType: 'event' });
    expect((await registry.current(db)).ids!.has('c')).toBe(true); // no readFrom: always reads on
    expect(feed.reads).toBe(3);
  });

  it('a read that ended in a full page is not taken for a finished one', async () => {
    const feed = changesFeed();
    const registry = createRequestRegistry({ readChanges: feed.readChanges, keepEvents: () => true, batchSize: 2 });
    for (const id of ['a', 'b', 'c', 'd', 'e']) feed.write({ _id: id, docType: 'event' });
    const began = performance.now();
    expect((await registry.current(db, began)).ids!.size).toBe(5);
    expect(feed.reads).toBe(3);
    await registry.current(db, began);
    expect(feed.reads).toBe(3);
  });

  it('a failed read leaves the registry to read again', async () => {
    const feed = changesFeed();
    let fail = true;
    const registry = createRequestRegistry({
      readChanges: async (name, opts) => {
        if (fail) {
          fail = false;
          throw new Error('CouchDB restarting');
        }
        return feed.readChanges(name, opts);
      },
      keepEvents: () => true,
    });
    feed.write({ _id: 'a', docType: 'event' });
    const began = performance.now();
    await expect(registry.current(db, began)).rejects.toThrow(/restarting/);
    expect((await registry.current(db, began)).ids!.has('a')).toBe(true);
    expect(feed.reads).toBe(1);
  });
});
