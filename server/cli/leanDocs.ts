/**
 * Reading documents as the results engine needs them, straight from JSON bytes.
 *
 * JSON.parse builds every object and string of a document (contact, address, device, the
 * submission's text …) and needs the bytes decoded to a string first; the engine reads ten
 * top-level fields and, for a few event types, the payload. Profiling the fold over an NDJSON
 * file showed about 60 % of the time in UTF-8 decoding and JSON.parse. So `leanDoc`
 * scans a document's bytes once, keeps only the fields the engine reads
 * (READ_FIELDS in src/rules/results/engine.ts) and leaves `author` and `payload` as byte
 * ranges that are parsed with JSON.parse only when the engine asks for them.
 *
 * Exactness: every value handed out is the value JSON.parse gives for that field.
 *  - a string with no escape and no byte ≥ 0x80 (ids, instants, slugs) is the bytes as they are;
 *  - any other value (escapes, non-ASCII text, numbers, null, objects) goes through JSON.parse
 *    on its own bytes;
 *  - a repeated key keeps its last value, as in JSON.parse;
 *  - anything the scanner does not expect (a key with an escape, not an object, bytes after
 *    the end) returns undefined, and the caller parses the whole document with JSON.parse,
 *    which either reads it or throws its own error.
 * The one difference: a value the engine never reads is skipped by its brackets and quotes,
 * not checked, so a document damaged only inside such a value is read where JSON.parse would
 * refuse the whole document. Documents from CouchDB are always well-formed JSON.
 * tests/unit/results/leanDocs.test.ts checks that the fold gives the same figures either way.
 */
import { open } from 'node:fs/promises';
import { READ_FIELDS } from '../../src/rules/results/engine.ts';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

type Field = (typeof READ_FIELDS)[number];

/** A document as the engine reads it: the top-level fields, `author` and `payload` parsed on first use. */
export class LeanDoc {
  _id: unknown = undefined;
  id: unknown = undefined;
  docType: unknown = undefined;
  type: unknown = undefined;
  at: unknown = undefined;
  requestId: unknown = undefined;
  requestKind: unknown = undefined;
  station: unknown = undefined;
  #bytes: Buffer;
  #authorStart = -1;
  #authorEnd = -1;
  #payloadStart = -1;
  #payloadEnd = -1;
  #author: unknown = undefined;
  #payload: unknown = undefined;

  constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }

  get author(): unknown {
    if (this.#authorStart >= 0) {
      this.#author = parseRange(this.#bytes, this.#authorStart, this.#authorEnd);
      this.#authorStart = -1;
    }
    return this.#author;
  }

  get payload(): unknown {
    if (this.#payloadStart >= 0) {
      this.#payload = parseRange(this.#bytes, this.#payloadStart, this.#payloadEnd);
      this.#payloadStart = -1;
    }
    return this.#payload;
  }

  /** @internal the scanner's setter: a value kept as bytes until it is read. */
  setLazy(field: 'author' | 'payload', start: number, end: number): void {
    if (field === 'author') {
      this.#authorStart = start;
      this.#authorEnd = end;
      this.#author = undefined;
    } else {
      this.#payloadStart = start;
      this.#payloadEnd = end;
      this.#payload = undefined;
    }
  }
}

// Buffer's own latin1Slice and utf8Slice: toString(encoding, start, end) checks its
// arguments and looks the encoding up on every call, a fifth of the scanner's time.
interface Slices {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}
const utf8 = (bytes: Buffer, start: number, end: number): string => (bytes as unknown as Slices).utf8Slice(start, end);
const latin1 = (bytes: Buffer, start: number, end: number): string => (bytes as unknown as Slices).latin1Slice(start, end);

function parseRange(bytes: Buffer, start: number, end: number): unknown {
  return JSON.parse(utf8(bytes, start, end));
}

// The fields the engine reads, grouped by the length of their name, as bytes: a key is
// matched without making a string of it, and known by its index in READ_FIELDS.
const FIELD_BYTES: { index: number; bytes: Buffer }[][] = [];
READ_FIELDS.forEach((name, index) => {
  (FIELD_BYTES[name.length] ??= []).push({ index, bytes: Buffer.from(name, 'latin1') });
});
const F = Object.fromEntries(READ_FIELDS.map((name, index) => [name, index])) as Record<Field, number>;
const NOT_READ = -1;

/** The index in READ_FIELDS of the key bytes[start, end), NOT_READ for any other key. */
function fieldAt(bytes: Buffer, start: number, end: number): number {
  const candidates = FIELD_BYTES[end - start];
  if (candidates === undefined) return NOT_READ;
  for (let k = 0; k < candidates.length; k += 1) {
    const b = candidates[k]!.bytes;
    let i = 0;
    while (i < b.length && bytes[start + i] === b[i]) i += 1;
    if (i === b.length) return candidates[k]!.index;
  }
  return NOT_READ;
}

function skipSpace(bytes: Buffer, i: number, end: number): number {
  while (i < end) {
    const c = bytes[i]!;
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i += 1;
  }
  return i;
}

/**
 * Set by stringEnd: whether the string it just scanned had no escape and no byte ≥ 0x80, so
 * its bytes are its value (a second result, without an object made per string).
 */
let plainString = true;

/** Index of the closing quote of the string whose opening quote is at `i`; -1 if none. Sets plainString. */
function stringEnd(bytes: Buffer, i: number, end: number): number {
  let plain = true;
  for (let j = i + 1; j < end; j += 1) {
    const c = bytes[j]!;
    if (c === QUOTE) {
      plainString = plain;
      return j;
    }
    if (c === BACKSLASH) {
      plain = false;
      j += 1;
    } else if (c >= 0x80) plain = false;
  }
  return -1;
}

/** Index just past the object or array opening at `i` (brackets counted, strings skipped); -1 if unbalanced. */
function containerEnd(bytes: Buffer, i: number, end: number): number {
  let depth = 0;
  for (let j = i; j < end; j += 1) {
    const c = bytes[j]!;
    if (c === QUOTE) {
      // the string skipped inline (this loop is most of the scan: payloads are the long part)
      for (j += 1; j < end; j += 1) {
        const s = bytes[j]!;
        if (s === QUOTE) break;
        if (s === BACKSLASH) j += 1;
      }
      if (j >= end) return -1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth += 1;
    else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth -= 1;
      if (depth === 0) return j + 1;
    }
  }
  return -1;
}

/** Index just past a number, true, false or null starting at `i`. */
function literalEnd(bytes: Buffer, i: number, end: number): number {
  let j = i;
  while (j < end) {
    const c = bytes[j]!;
    if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) break;
    j += 1;
  }
  return j;
}

/** The string value between quotes at `start` and `close`, exactly as JSON.parse reads it (`plain`: as stringEnd found it). */
function stringValue(bytes: Buffer, start: number, close: number, plain: boolean): string {
  return plain ? latin1(bytes, start + 1, close) : (JSON.parse(utf8(bytes, start, close + 1)) as string);
}

/**
 * Values of a small vocabulary (docType, type, requestKind, station) recur on every line: the
 * string made once is handed out again when the same bytes come back, which saves making it
 * and lets the engine compare and look it up as the same string.
 */
class Vocabulary {
  readonly #bytes: Buffer[] = [];
  readonly #values: string[] = [];
  value(bytes: Buffer, start: number, close: number, plain: boolean): string {
    const length = close - start - 1;
    const words = this.#bytes;
    for (let w = 0; w < words.length; w += 1) {
      const b = words[w]!;
      if (b.length !== length) continue;
      let i = 0;
      while (i < length && bytes[start + 1 + i] === b[i]) i += 1;
      if (i === length) return this.#values[w]!;
    }
    const value = stringValue(bytes, start, close, plain);
    // A vocabulary stays small; a field that turns out not to be one (ids) is not cached.
    if (words.length < 64) {
      words.push(Buffer.from(bytes.subarray(start + 1, close)));
      this.#values.push(value);
    }
    return value;
  }
}
const docTypes = new Vocabulary();
const types = new Vocabulary();
const requestKinds = new Vocabulary();
const stations = new Vocabulary();

/** Sets a field the engine reads (one store per field: a store by computed name was a tenth of the scan). */
function setField(doc: LeanDoc, field: number, value: unknown): void {
  switch (field) {
    case F._id:
      doc._id = value;
      break;
    case F.id:
      doc.id = value;
      break;
    case F.docType:
      doc.docType = value;
      break;
    case F.type:
      doc.type = value;
      break;
    case F.at:
      doc.at = value;
      break;
    case F.requestId:
      doc.requestId = value;
      break;
    case F.requestKind:
      doc.requestKind = value;
      break;
    case F.station:
      doc.station = value;
      break;
  }
}

/** A string value of a field the engine reads: from its vocabulary for those that have one. */
function stringField(field: number, bytes: Buffer, start: number, close: number, plain: boolean): string {
  switch (field) {
    case F.docType:
      return docTypes.value(bytes, start, close, plain);
    case F.type:
      return types.value(bytes, start, close, plain);
    case F.requestKind:
      return requestKinds.value(bytes, start, close, plain);
    case F.station:
      return stations.value(bytes, start, close, plain);
    default:
      return stringValue(bytes, start, close, plain);
  }
}

/**
 * The document whose JSON text is bytes[start, end), as the engine reads it; undefined when
 * the scanner cannot read it (then use JSON.parse on the same bytes).
 */
export function leanDoc(bytes: Buffer, start: number, end: number): LeanDoc | undefined {
  let i = skipSpace(bytes, start, end);
  if (bytes[i] !== OPEN_BRACE) return undefined;
  const doc = new LeanDoc(bytes);
  i = skipSpace(bytes, i + 1, end);
  if (bytes[i] === CLOSE_BRACE) return skipSpace(bytes, i + 1, end) === end ? doc : undefined;
  for (;;) {
    if (bytes[i] !== QUOTE) return undefined;
    const keyClose = stringEnd(bytes, i, end);
    if (keyClose < 0) return undefined;
    // A key with an escape could spell a field's name another way: leave it to JSON.parse.
    // (A key with non-ASCII bytes is no field's name, and fieldAt does not match it.)
    if (!plainString) {
      for (let j = i + 1; j < keyClose; j += 1) if (bytes[j] === BACKSLASH) return undefined;
    }
    const field = fieldAt(bytes, i + 1, keyClose);
    i = skipSpace(bytes, keyClose + 1, end);
    if (bytes[i] !== COLON) return undefined;
    i = skipSpace(bytes, i + 1, end);
    const c = bytes[i];
    let valueEnd: number;
    if (c === QUOTE) {
      const close = stringEnd(bytes, i, end);
      if (close < 0) return undefined;
      valueEnd = close + 1;
      if (field === F.author || field === F.payload) doc.setLazy(field === F.author ? 'author' : 'payload', i, valueEnd);
      else if (field !== NOT_READ) setField(doc, field, stringField(field, bytes, i, close, plainString));
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      valueEnd = containerEnd(bytes, i, end);
      if (valueEnd < 0) return undefined;
      if (field === F.author || field === F.payload) doc.setLazy(field === F.author ? 'author' : 'payload', i, valueEnd);
      else if (field !== NOT_READ) setField(doc, field, parseRange(bytes, i, valueEnd));
    } else {
      valueEnd = literalEnd(bytes, i, end);
      if (valueEnd === i) return undefined;
      if (field === F.author || field === F.payload) doc.setLazy(field === F.author ? 'author' : 'payload', i, valueEnd);
      else if (field !== NOT_READ) setField(doc, field, parseRange(bytes, i, valueEnd));
    }
    i = skipSpace(bytes, valueEnd, end);
    if (bytes[i] === COMMA) {
      i = skipSpace(bytes, i + 1, end);
      continue;
    }
    if (bytes[i] === CLOSE_BRACE) return skipSpace(bytes, i + 1, end) === end ? doc : undefined;
    return undefined;
  }
}

/** A document from its JSON bytes: lean when the scanner reads it, else JSON.parse (which may throw). */
export function docFromBytes(bytes: Buffer, start: number, end: number): unknown {
  return leanDoc(bytes, start, end) ?? JSON.parse(utf8(bytes, start, end));
}

/**
 * The documents of an NDJSON file (one JSON document a line, blank lines skipped), read in
 * 1 MB chunks of bytes and split at line ends without decoding; handed out a chunk's worth at
 * a time (an array per chunk, not a promise per document).
 */
export async function* ndjsonDocBatches(file: string, chunkBytes = 1 << 20): AsyncGenerator<unknown[]> {
  const handle = await open(file, 'r');
  try {
    let rest: Buffer | undefined;
    let lineNumber = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(chunkBytes);
      const { bytesRead } = await handle.read(chunk, 0, chunkBytes, null);
      const bytes = rest ? Buffer.concat([rest, chunk.subarray(0, bytesRead)]) : chunk.subarray(0, bytesRead);
      const last = bytesRead === 0;
      const batch: unknown[] = [];
      let start = 0;
      for (;;) {
        let nl = bytes.indexOf(0x0a, start);
        if (nl < 0) {
          if (!last || start >= bytes.length) break;
          nl = bytes.length; // the last line, without its line end
        }
        lineNumber += 1;
        if (skipSpace(bytes, start, nl) < nl) {
          try {
            batch.push(docFromBytes(bytes, start, nl));
          } catch (err) {
            throw new Error(`${file} line ${lineNumber}: ${(err as Error).message}`);
          }
        }
        start = nl + 1;
      }
      if (batch.length) yield batch;
      if (last) return;
      rest = start < bytes.length ? bytes.subarray(start) : undefined;
    }
  } finally {
    await handle.close();
  }
}
