import { describe, expect, it } from 'vitest';
import { orderedBulkDocsWrapper } from '../../../../server/backend/bulkDocsOrder.mjs';

// The per-document checks of PouchDB Server's plug-ins finish in any order (each reads the
// database); the wrapper stores what passed and answers every row in the request's order.
const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('orderedBulkDocsWrapper', () => {
  it('checks finishing last-first: stored in request order, every row in its place, refusals too', async () => {
    const docs = ['a', 'b', 'c', 'd', 'e'].map((_id, i) => ({ _id, bad: i === 1 || i === 3 }));
    const check = async (doc: any) => {
      await later(50 - 10 * docs.indexOf(doc)); // 'e' finishes first
      if (doc.bad) throw Object.assign(new Error('no'), { name: 'forbidden' });
    };
    let given: string[] = [];
    const args = { docs: [...docs], options: {} };
    const rows = await orderedBulkDocsWrapper(check)(async () => {
      given = args.docs.map((d) => d._id);
      return args.docs.map((d) => ({ ok: true, id: d._id, rev: `1-${d._id}` }));
    }, args);
    expect(given).toEqual(['a', 'c', 'e']);
    expect(rows.map((r: any) => [r.id, r.ok ? 'ok' : r.name])).toEqual([
      ['a', 'ok'],
      ['b', 'forbidden'],
      ['c', 'ok'],
      ['d', 'forbidden'],
      ['e', 'ok'],
    ]);
  });

  it('new_edits: false answers the failures only, as CouchDB does', async () => {
    const args = { docs: [{ _id: 'a' }, { _id: 'b', bad: true }], options: { new_edits: false } };
    const rows = await orderedBulkDocsWrapper(async (doc: any) => {
      if (doc.bad) throw new Error('no');
    })(async () => [], args);
    expect(rows.map((r: any) => r.id)).toEqual(['b']);
  });
});
