/**
 * The fast read of documents (server/couch/leanDocs.ts: only the fields the engine reads, from
 * the bytes) and the engine's fast instant parser must give exactly what JSON.parse and
 * Date.parse give: the same fields, and so the same figures, to the last digit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { computeResults, instantMs, isoInstant, plainReader, READ_FIELDS, type EngineOptions, type TopDoc } from '../../../../src/rules/results';
import { leanDoc, leanReader, ndjsonDocBatches } from '../../../../server/couch/leanDocs';
import { seededRandom } from '../../../../src/db/schema/index';
import { aRequestHistory, resetIds, STATION, OTHER_STATION } from '../../../support/builders/events';
import { documents } from '../../../support/builders/season';
import { cst } from '../../../support/builders/rules';
import { aRecord, commitmentsOf, outageId, resetRecordIds } from '../../../support/builders/records';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'hearthline-lean-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readLean(docs: unknown[], name: string, separator = '\n', chunkBytes = 4096): Promise<unknown[]> {
  const file = path.join(dir, name);
  writeFileSync(file, docs.map((d) => JSON.stringify(d)).join(separator) + separator);
  const out: unknown[] = [];
  for await (const batch of ndjsonDocBatches(file, chunkBytes)) out.push(...batch);
  return out;
}

/** What the engine reads of a document, however it was read. */
const readOf = (d: unknown) => {
  const doc = d as Record<string, unknown>;
  return Object.fromEntries(READ_FIELDS.map((f) => [f, doc[f]]));
};

describe('instantMs', () => {
  it('gives what Date.parse gives, for stored instants and for every odd form', () => {
    const odd = [
      '2025-12-01T00:00:00.000Z',
      '2025-02-30T23:59:59.999Z', // rolled over into March by both
      '2024-02-29T12:00:00.000Z',
      '2025-01-01T24:00:00.000Z', // hour 24: Date.parse's own business
      '2025-01-01T23:60:00.000Z',
      '2025-01-01T23:59:60.000Z',
      '2025-00-01T00:00:00.000Z',
      '2025-13-01T00:00:00.000Z',
      '2025-01-00T00:00:00.000Z',
      '2025-01-32T00:00:00.000Z',
      '0050-01-01T00:00:00.000Z', // Date.UTC would read year 50 as 1950
      '2025-01-01T00:00:00.000+', // not Z
      '2025-01-01 00:00:00.000Z',
      '2025-01-01T00:00:00.0a0Z',
      '2025-01-01T00:00:00.000',
      '2025-01-01T00:00:00Z',
      '2025-12-01T08:00:00+08:00',
      '+002025-01-01T00:00:00.000Z',
      'not a date at all, 24 c.',
      '',
    ];
    for (const text of odd) expect([text, instantMs(text)]).toEqual([text, Date.parse(text)]);
    for (const notText of [undefined, null, 12, {}] as unknown[]) expect(instantMs(notText as string)).toEqual(Date.parse(notText as string));
    const rnd = seededRandom(42);
    for (let i = 0; i < 20_000; i += 1) {
      const text = new Date(Math.floor(rnd() * 4_102_444_800_000)).toISOString(); // 1970 to 2100
      expect(instantMs(text)).toBe(Date.parse(text));
    }
  }, 60_000); // 20,000 comparisons: over vitest's 5 s on a loaded 2-core machine; no speed asserted

  it('counts days as Date.UTC does: leap years of every kind, days 28-31 of every month rolled over alike', () => {
    for (const year of [100, 399, 400, 1600, 1899, 1900, 1969, 1970, 2000, 2023, 2024, 2025, 2100, 2400, 9999]) {
      for (let month = 1; month <= 12; month += 1) {
        for (const day of [1, 28, 29, 30, 31]) {
          const text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}T23:59:59.999Z`;
          expect([text, instantMs(text)]).toEqual([text, Date.parse(text)]);
          // and read from the bytes of a line, as the NDJSON reader does
          const bytes = Buffer.from(`{"at":"${text}"}`, 'latin1');
          expect([text, isoInstant(bytes, 7)]).toEqual([text, Date.parse(text)]);
        }
      }
    }
    expect(isoInstant(Buffer.from('2025-01-01T00:00:00.000'), 0)).toBeNaN(); // cut short: not the stored form
  });
});

describe('leanDoc', () => {
  const lean = (text: string) => {
    const bytes = Buffer.from(text, 'utf8');
    return leanDoc(bytes, 0, bytes.length);
  };

  it('reads every field the engine reads as JSON.parse does: escapes, non-ASCII text, numbers, null, nesting, repeated keys', () => {
    const texts = [
      '{"_id":"ev-1","docType":"event","type":"submitted","at":"2025-12-01T00:00:00.000Z","requestId":"rq-1","requestKind":"repair","station":"north-1","author":{"role":"hotline"},"payload":{"fault":"leak","contact":{"name":"张女士"}}}',
      ' { "id" : "rc-\\u0041\\"x" , "docType":"record", "station":"北站\\n", "type":"call", "payload" : {"line":"hotline","answered":true,"rings":3} , "at": "2025-12-01T00:00:00.000Z" } ',
      '{"docType":"event","station":null,"requestKind":7,"requestId":["a",{"b":"}"}],"payload":null,"author":"x"}',
      '{"type":"first","type":"second","payload":{"a":1},"payload":{"b":"]}\\\\"}}',
      '{"schemaVersion":1,"visibility":"resident","resident":"r-1","extra":{"deep":[[{"x":"\\"}"}]]},"at":1.5e3,"station":-0}',
      '{}',
      // raw non-ASCII with no escape; values of a field that are prefixes of one another
      '{"station":"北站","type":"callback","docType":"record"}',
      '{"station":"北","type":"call","docType":"rec"}',
      '{"station":"北站东","type":"callbacks","docType":"recorded"}',
      '{"station":"","type":"c","docType":"event"}',
      // keys and values that begin like a field's name, a known word or an instant: told apart in place
      '{"type":"call","types":"x","typeX":1,"typ":2,"at":"2025-12-01T08:00:00.000Z","att":"2","a":3,"requestIdx":"rq-2","requestId":"rq-1"}',
      '{"type":"callX","docType":"events","at":"2025-12-01T08:00:00.000Z1","station":"north-1\\\\"}',
      '{"at":"2025-12-01T08:00:00.000+","type":"c\\u0061ll","requestKind":"repair","requestKind":"repai"}',
    ];
    for (const text of texts) {
      const doc = lean(text);
      expect(doc, text).toBeDefined();
      expect(readOf(doc), text).toEqual(readOf(JSON.parse(text)));
    }
    expect(Object.is(lean('{"station":-0}')!.station, -0)).toBe(true);
  });

  it('reads one field of author or payload, and `at` as a number, as the engine would from the parsed document', () => {
    const texts = [
      '{"at":"2025-12-01T08:00:00.000Z","author":{"name":"hl-li","role":"hotline"},"payload":{"channel":"phone","contact":{"role":"x"},"fault":"leak"}}',
      '{"at":"2025-02-30T23:59:59.999Z","author":{"role":"resident","role":"hotline"},"payload":{"fault":"a","fault":{"deep":["}"]}}}', // repeated keys: the last
      '{"at":"2025-01-01T24:00:00.000Z","author":{ "role" : "北站\\n" },"payload":{"fault":"\\u6f0f\\"","x":1.5e2,"y":null,"z":[1,"]"]}}',
      '{"at":"2025-12-01T08:00:00+08:00","author":{"r\\u006fle":"resident"},"payload":{}}', // a key with an escape: left to JSON.parse
      '{"at":12,"author":"resident","payload":[1,2]}', // not objects
      '{"at":null,"author":null,"payload":{"fault":"x"},"at":"2025-12-01T00:00:00.000Z"}', // a repeated at
      '{"docType":"event"}', // neither
      '{"at":"2025-12-01T08:00:00.000Z","payload":{"fault":"x"},"payload":{"other":1}}',
      // literals read without JSON.parse, and numbers that are not plain integers
      '{"payload":{"x":true,"y":false,"z":null,"a":0,"b":-0,"c":9,"d":-123456789012345,"e":1234567890123456,"f":1.5,"g":1e3,"h":-1}}',
      '{"payload":{"x":10,"y":9007199254740993,"z":-0.0}}',
    ];
    const names = ['role', 'fault', 'x', 'y', 'z', 'name', 'constructor', '__proto__', 'rôle', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    for (const text of texts) {
      const plain = JSON.parse(text) as Record<string, unknown>;
      for (const container of ['author', 'payload'] as const) {
        for (const name of names) {
          const doc = lean(text)!; // a fresh one: nothing parsed yet
          const value = doc.fieldOf(container, name);
          const expected = ((plain[container] ?? {}) as Record<string, unknown>)[name];
          expect([text, container, name, value]).toEqual([text, container, name, expected]);
          if (typeof expected === 'number') expect(Object.is(value, expected), `${text} ${name}: -0 stays -0`).toBe(true);
          // the engine's readers: the lean one on a lean and on a parsed document, as the plain one
          const viaReader = leanReader.fieldOf(lean(text)!, container, name);
          expect([text, container, name, viaReader]).toEqual([text, container, name, plainReader.fieldOf(plain, container, name)]);
          expect(Object.is(leanReader.fieldOf(plain, container, name), expected)).toBe(true);
        }
      }
      const at = lean(text)!.atMs;
      expect([text, at ?? instantMs(plain.at as string)]).toEqual([text, instantMs(plain.at as string)]);
      expect([text, leanReader.instantOf(lean(text)!)]).toEqual([text, plainReader.instantOf(plain as TopDoc)]);
      expect([text, leanReader.instantOf(plain as TopDoc)]).toEqual([text, instantMs(plain.at as string)]);
      expect(leanReader.payloadOf(lean(text)!)).toEqual(plainReader.payloadOf(plain as TopDoc));
    }
  });

  it('leaves to JSON.parse what it does not read plainly: a key with an escape, not an object, bytes after the end', () => {
    for (const text of ['{"\\u0074ype":"call"}', '["docType"]', '"event"', '{"type":"call"} x', '{"type":"call"', '{"type" "call"}', '{"type":"call",}']) {
      expect(lean(text), text).toBeUndefined();
    }
  });
});

describe('the fold over documents read lean equals the fold over JSON.parse', () => {
  const options: EngineOptions = { asOf: Date.parse('2026-03-21T00:00:00.000Z') };

  it('on a generated season of 12,000 documents, every figure and count', async () => {
    const docs = [...documents(12_000, 3)];
    const plain = computeResults(commitmentsOf(2025), docs.map((d) => JSON.parse(JSON.stringify(d))), options);
    const leanDocs = await readLean(docs, 'season.ndjson');
    expect(leanDocs).toHaveLength(12_000);
    expect(computeResults(commitmentsOf(2025), leanDocs, { ...options, reader: leanReader })).toEqual(plain);
    // the plain reader reads lean documents too (slower), with the same figures
    expect(computeResults(commitmentsOf(2025), leanDocs, options)).toEqual(plain);
    // and one station's figures over another period
    const narrow: EngineOptions = { ...options, station: 'south-2', period: { from: '2025-12-01', to: '2026-01-31' } };
    expect(computeResults(commitmentsOf(2025), leanDocs, { ...narrow, reader: leanReader })).toEqual(computeResults(commitmentsOf(2025), docs, narrow));
  }, 60_000); // no speed asserted: a shared machine can be slow

  it('on records of every kind, temperature tests, withdrawals and blank lines (CRLF line ends)', async () => {
    resetIds();
    resetRecordIds();
    const docs = [
      ...aRequestHistory({ kind: 'temperature-test', start: cst('2025-12-02 09:00').toISOString(), steps: ['accepted', 'dispatched', 'arrived', 'measured', 'signed-off'] }),
      ...aRequestHistory({ kind: 'repair', start: cst('2025-12-03 09:00').toISOString(), station: OTHER_STATION }),
      ...aRequestHistory({ kind: 'complaint', start: cst('2025-12-04 09:00').toISOString(), steps: ['accepted', 'withdrawn'] }),
      ...Array.from({ length: 6 }, (_, i) => aRecord('household', '2023-12-01T00:00:00.000Z', { household: `H-${i}`, activeFrom: '2020-01-01' }, STATION)),
      aRecord('outage-announced', cst('2025-12-05 09:00'), { outage: outageId(1), plannedStart: cst('2025-12-07 09:00').toISOString(), affectedCustomers: 4, area: '1 号楼' }, STATION),
      aRecord('outage-started', cst('2025-12-07 09:00'), { outage: outageId(1), planned: true, atHeatSource: false, affectedCustomers: 4, area: '1 号楼' }, STATION),
      aRecord('outage-restored', cst('2025-12-07 13:00'), { outage: outageId(1) }, STATION),
      aRecord('line-down', cst('2025-12-08 01:00'), { line: 'emergency', from: cst('2025-12-08 01:00').toISOString(), to: cst('2025-12-08 01:20').toISOString() }),
      aRecord('inspection', cst('2025-12-09 10:00'), { household: 'H-1', outcome: 'inspected' }, STATION),
      aRecord('call', cst('2025-12-09 10:00'), { line: 'hotline', answered: true, rings: 2 }),
    ];
    const plain = computeResults(commitmentsOf(2025), docs.map((d) => JSON.parse(JSON.stringify(d))), options);
    expect(plain.read.records).toBe(12);
    const leanDocs = await readLean(docs, 'records.ndjson', '\r\n\r\n');
    expect(leanDocs).toHaveLength(docs.length);
    expect(computeResults(commitmentsOf(2025), leanDocs, { ...options, reader: leanReader })).toEqual(plain);
    // chunks shorter than a line: every line runs over two chunks or more
    const inSmallChunks = await readLean(docs, 'records-small-chunks.ndjson', '\r\n\r\n', 97);
    expect(inSmallChunks).toHaveLength(docs.length);
    expect(computeResults(commitmentsOf(2025), inSmallChunks, { ...options, reader: leanReader })).toEqual(plain);
  });

  it('names the line of a document that is not JSON', async () => {
    const file = path.join(dir, 'bad.ndjson');
    writeFileSync(file, '{"docType":"event"}\n\n{"docType": nope}\n');
    await expect(async () => {
      for await (const batch of ndjsonDocBatches(file)) void batch;
    }).rejects.toThrow(/bad\.ndjson line 3: /);
  });
});
