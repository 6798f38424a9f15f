/** The embedded store answers a batch's rows in the order of its documents (the guard answers by position). */
import { describe, expect, it } from 'vitest';
import { inRequestOrder } from '../../../../server/backend/embedded.mjs';

describe('inRequestOrder', () => {
  it('puts rows given out of order back in the order of the documents', () => {
    const docs = [{ _id: 'b-2' }, { _id: 'b-4' }];
    const rows = [{ id: 'b-4', ok: true, rev: '1-b' }, { id: 'b-2', ok: true, rev: '1-a' }];
    expect(inRequestOrder(docs, rows)).toEqual([rows[1], rows[0]]);
  });
  it('keeps the order the store gave for the same id twice (the second a conflict)', () => {
    const docs = [{ _id: 'x' }, { _id: 'y' }, { _id: 'x' }];
    const rows = [{ id: 'y', ok: true }, { id: 'x', ok: true }, { id: 'x', error: 'conflict' }];
    expect(inRequestOrder(docs, rows)).toEqual([rows[1], rows[0], rows[2]]);
  });
  it('leaves rows that do not match the documents as they are', () => {
    const rows = [{ id: 'a', ok: true }];
    expect(inRequestOrder([{ _id: 'a' }, { _id: 'b' }], rows)).toBe(rows);
    expect(inRequestOrder([{ _id: 'z' }], rows)).toBe(rows);
  });
});
