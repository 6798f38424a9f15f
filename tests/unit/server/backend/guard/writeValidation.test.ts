/**
 * isResentCopy: a create of a held id is a copy sent again (answered `conflict`, as CouchDB
 * answers it, and counted as delivered by the device) only when it is the very document held.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isResentCopy } from '../../../../../server/backend/guard/writeValidation.mjs';

const sent = { _id: 'ev-1', type: 'measured', requestId: 'rq-1', payload: { rooms: [{ name: '客厅', readings: [18.6, 18.8] }] } };
const held = { ...sent, _rev: '1-abc', receivedAt: '2026-12-06T10:00:00.000Z' };

describe('isResentCopy', () => {
  it('is the held document sent again: the server’s own fields (revision, receipt time) aside, key order aside', () => {
    expect(isResentCopy(held, structuredClone(sent))).toBe(true);
    const reordered = { payload: sent.payload, requestId: 'rq-1', type: 'measured', _id: 'ev-1' };
    expect(isResentCopy(held, reordered)).toBe(true);
  });

  it('is not when anything the writer wrote differs, when the held one is deleted, or when the write names a revision', () => {
    expect(isResentCopy(held, { ...sent, payload: { rooms: [{ name: '客厅', readings: [18.6, 18.9] }] } })).toBe(false);
    expect(isResentCopy(held, { ...sent, extra: 1 })).toBe(false);
    expect(isResentCopy({ _id: 'ev-1', _rev: '2-x', _deleted: true }, sent)).toBe(false);
    expect(isResentCopy(held, { ...sent, _rev: '1-abc' })).toBe(false);
    expect(isResentCopy(undefined, sent)).toBe(false);
  });

  it('compares a photo’s inline data with the held stub’s digest', () => {
    const bytes = Buffer.from('a jpeg, say');
    const digest = `md5-${createHash('md5').update(bytes).digest('base64')}`;
    const photo = { _id: 'rq-1-photo-1', docType: 'photo', _attachments: { 'photo.jpg': { content_type: 'image/jpeg', data: bytes.toString('base64') } } };
    const stub = { _id: 'rq-1-photo-1', _rev: '1-a', docType: 'photo', _attachments: { 'photo.jpg': { content_type: 'image/jpeg', digest, length: bytes.length, stub: true } } };
    expect(isResentCopy(stub, photo)).toBe(true);
    const other = { ...photo, _attachments: { 'photo.jpg': { content_type: 'image/jpeg', data: Buffer.from('another photo').toString('base64') } } };
    expect(isResentCopy(stub, other)).toBe(false);
  });
});
