/**
 * Reading documents as the results engine needs them, straight from JSON bytes.
 * (Over 500 lines because it is one byte scanner: a JSON tokenizer whose states share one cursor
 * over the buffer; bench:results measures it against JSON.parse.)
 *
 * JSON.parse builds every object and string of a document (contact, address, device, the
 * submission's text …) and needs the bytes decoded to a string first; the engine reads ten
 * top-level fields and, for a few event types, the payload. Profiling the fold over an NDJSON
 * file showed about 60 % of the time in UTF-8 decoding and JSON.parse. So `leanDoc`
 * scans a document's bytes once, keeps only the fields the engine reads
 * (READ_FIELDS in src/rules/results/engine.ts) and leaves `author` and `payload` as byte
 * ranges that are parsed with JSON.parse only when the engine asks for them — or not at
 * all when it asks for one field of them (`LeanDoc#fieldOf`: a submission's author is read for
 * its role alone). `_id`, `id` and `at` stay bytes too until read; `at` is handed over as a
 * number already (`LeanDoc#atMs`), read from its bytes. The engine reads them through
 * `leanReader` (its `DocumentReader`, src/rules/results/readers.ts).
 *
 * Exactness: every value handed out is the value JSON.parse gives for that field.
 *  - a string with no escape and no byte ≥ 0x80 (ids, instants, slugs) is the bytes as they are;
 *  - any other value (escapes, non-ASCII text, numbers, null, objects) goes through JSON.parse
 *    on its own bytes;
 *  - a repeated key keeps its last value, as in JSON.parse;
 *  - anything the scanner does not expect (a key with an escape, not an object, bytes after
 *    the end) returns undefined, and the caller parses the whole document with JSON.parse,
 *    which either reads it or throws its own error.
 * The one difference: a value the engine never reads (a field, or a field of `author` or
 * `payload` read alone) is skipped by its brackets and quotes, not checked, so a document
 * damaged only inside such a value is read where JSON.parse would refuse the whole document.
 * Documents from CouchDB are always well-formed JSON.
 * tests/unit/server/couch/leanDocs.test.ts checks that the fold gives the same figures either way.
 */
import { open } from 'node:fs/promises';
import { instantMs, isoInstant, plainReader, READ_FIELDS, type DocumentReader } from '../../src/rules/results/engine.ts';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

type Field = (typeof READ_FIELDS)[number];

/**
 * A document as the engine reads it: the top-level fields it reads; `_id`, `id` and `at` made
 * into strings only when read (the engine reads `at` as `atMs`, already a number, and an id
 * only for a few record types: making the strings was a tenth of the scan); `author` and
 * `payload` parsed on first use, or one field of them read alone (`fieldOf`).
 */
export class LeanDoc {
  docType: unknown;
  type: unknown;
  requestId: unknown;
  requestKind: unknown;
  station: unknown;
  /** `instantMs(at)`, when `at` was read from the bytes (undefined: not read, use `at`). */
  atMs: number | undefined;
  #bytes: Buffer;
  // A lazy value: bytes[start, end) (a plain string's content, or a JSON value), start -1
  // once made (or when the field is absent), then #value holds it.
  #idStart = -1;
  #idEnd = -1;
  #id: unknown = undefined;
  #underscoreIdStart = -1;
  #underscoreIdEnd = -1;
  #underscoreId: unknown = undefined;
  #atStart = -1;
  #atEnd = -1;
  #at: unknown = undefined;
  #authorStart = -1;
  #authorEnd = -1;
  #author: unknown = undefined;
  #payloadStart = -1;
  #payloadEnd = -1;
  #payload: unknown = undefined;

  constructor(bytes: Buffer) {
    // Fields set in the constructor, in one order, so every LeanDoc has one shape.
    this.docType = undefined;
    this.type = undefined;
    this.requestId = undefined;
    this.requestKind = undefined;
    this.station = undefined;
    this.atMs = undefined;
    this.#bytes = bytes;
  }

  get _id(): unknown {
    if (this.#underscoreIdStart >= 0) {
      this.#underscoreId = latin1(this.#bytes, this.#underscoreIdStart, this.#underscoreIdEnd);
      this.#underscoreIdStart = -1;
    }
    return this.#underscoreId;
  }

  get id(): unknown {
    if (this.#idStart >= 0) {
      this.#id = latin1(this.#bytes, this.#idStart, this.#idEnd);
      this.#idStart = -1;
    }
    return this.#id;
  }

  get at(): unknown {
    if (this.#atStart >= 0) {
      this.#at = latin1(this.#bytes, this.#atStart, this.#atEnd);
      this.#atStart = -1;
    }
    return this.#at;
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

  /**
   * `(this[container] ?? {})[name]`, read from the bytes without parsing the rest of the
   * object when it has not been parsed yet. Whatever objectField does not read plainly (not
   * an object, a key with an escape, a name that is not ASCII) is left to the parsed value.
   */
  fieldOf(container: 'author' | 'payload', name: string): unknown {
    const start = container === 'author' ? this.#authorStart : this.#payloadStart;
    if (start >= 0) {
      const value = objectField(this.#bytes, start, container === 'author' ? this.#authorEnd : this.#payloadEnd, name);
      if (value !== UNREAD) return value;
    }
    return ((this[container] ?? {}) as Record<string, unknown>)[name];
  }

  /** @internal the scanner's setter for `at` when it read the instant at bytes[start, end) itself. */
  setInstant(start: number, end: number, ms: number): void {
    this.#atStart = start;
    this.#atEnd = end;
    this.#at = undefined;
    this.atMs = ms;
  }

  /**
   * @internal the scanner's setter for the fields kept lazily: `plainStart` ≥ 0 when the
   * value is a plain string whose content is bytes[plainStart, end) (`_id`, `id`, `at`), else
   * `value` is the value itself; for `author` and `payload`, bytes[start, end) is the JSON value.
   */
  setLazy(field: number, start: number, end: number, value: unknown): void {
    switch (field) {
      case F._id:
        this.#underscoreIdStart = start;
        this.#underscoreIdEnd = end;
        this.#underscoreId = value;
        break;
      case F.id:
        this.#idStart = start;
        this.#idEnd = end;
        this.#id = value;
        break;
      case F.at:
        this.#atStart = start;
        this.#atEnd = end;
        this.#at = value;
        // Read straight from the bytes when it is a plain string; a repeated `at` replaces it.
        if (start < 0) this.atMs = undefined;
        else if (end - start === 24) {
          const ms = isoInstant(this.#bytes, start);
          this.atMs = Number.isNaN(ms) ? instantMs(this.at as string) : ms;
        } else this.atMs = instantMs(this.at as string);
        break;
      case F.author:
        this.#authorStart = start;
        this.#authorEnd = end;
        this.#author = undefined;
        break;
      case F.payload:
        this.#payloadStart = start;
        this.#payloadEnd = end;
        this.#payload = undefined;
        break;
    }
  }
}

/**
 * The engine's reader (EngineOptions.reader) for documents from `leanDoc`, `docFromBytes` and
 * `ndjsonDocBatches`: a LeanDoc's instant and its author's or payload's fields read from the
 * bytes, any other document (a line the scanner left to JSON.parse) read plainly. Gives what
 * `plainReader` gives (tests/unit/server/couch/leanDocs.test.ts).
 */
export const leanReader: DocumentReader = {
  instantOf: (d) => (d instanceof LeanDoc && d.atMs !== undefined ? d.atMs : plainReader.instantOf(d)),
  fieldOf: (d, container, name) => (d instanceof LeanDoc ? d.fieldOf(container, name) : plainReader.fieldOf(d, container, name)),
  payloadOf: plainReader.payloadOf,
};

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

/**
 * The JSON value bytes[start, end) (not a string: the caller reads those), with the small
 * literals a payload's fields mostly are — true, false, null, an integer of up to 15 digits
 * written as JSON writes it — read without JSON.parse (a score read alone from a callback's
 * payload went through JSON.parse). Anything else goes to JSON.parse.
 */
function valueAt(bytes: Buffer, start: number, end: number): unknown {
  const length = end - start;
  const first = bytes[start];
  if (first === 0x74 /* t */ && length === 4 && bytes[start + 1] === 0x72 && bytes[start + 2] === 0x75 && bytes[start + 3] === 0x65) return true;
  if (first === 0x66 /* f */ && length === 5 && bytes[start + 1] === 0x61 && bytes[start + 2] === 0x6c && bytes[start + 3] === 0x73 && bytes[start + 4] === 0x65) return false;
  if (first === 0x6e /* n */ && length === 4 && bytes[start + 1] === 0x75 && bytes[start + 2] === 0x6c && bytes[start + 3] === 0x6c) return null;
  const negative = first === 0x2d; /* - */
  const digits = negative ? start + 1 : start;
  // JSON's integers: 0, or digits not starting with 0 (JSON.parse refuses 01); up to 15
  // digits, so the value is exact in a double.
  if (end > digits && end - digits <= 15 && (bytes[digits] !== 0x30 || end - digits === 1)) {
    let n = 0;
    let i = digits;
    while (i < end && bytes[i]! >= 0x30 && bytes[i]! <= 0x39) n = n * 10 + (bytes[i++]! - 0x30);
    if (i === end) return negative ? -n : n; // (-0 for "-0", as JSON.parse gives)
  }
  return parseRange(bytes, start, end);
}

// The fields the engine reads, as bytes, known by their index in READ_FIELDS, listed by the
// first letter of their name.
const FIELD_NAMES = READ_FIELDS.map((name) => Buffer.from(name, 'latin1'));
const F = Object.fromEntries(READ_FIELDS.map((name, index) => [name, index])) as Record<Field, number>;
const NOT_READ = -1;
const FIELDS_BY_FIRST_BYTE: number[][] = Array.from({ length: 256 }, () => []);
READ_FIELDS.forEach((name, index) => FIELDS_BY_FIRST_BYTE[name.charCodeAt(0)]!.push(index));

/**
 * The field whose name is the key starting at bytes[quote] (its opening quote), or NOT_READ.
 * The names are compared in place, each up to the quote that must follow it, so a key the
 * engine reads is known without scanning for its closing quote first (keys are a quarter
 * of the bytes the scanner reads). A name has no backslash, so that quote ends the key.
 */
function fieldAt(bytes: Buffer, quote: number, end: number): number {
  if (quote + 1 >= end) return NOT_READ;
  const candidates = FIELDS_BY_FIRST_BYTE[bytes[quote + 1]!]!;
  for (let k = 0; k < candidates.length; k += 1) {
    const name = FIELD_NAMES[candidates[k]!]!;
    const close = quote + 1 + name.length;
    if (close >= end || bytes[close] !== QUOTE) continue;
    let i = 1;
    while (i < name.length && bytes[quote + 1 + i] === name[i]) i += 1;
    if (i === name.length) return candidates[k]!;
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
  // Words with no backslash in their bytes only: then a quote right after a word's bytes is
  // the string's closing quote, and wordAt can recognise a value in place.
  readonly #bytes: Buffer[] = [];
  readonly #values: string[] = [];

  /** The value of the string opening at bytes[quote] when it is a known word (then it ends at quote + 1 + its length); undefined if not. */
  wordAt(bytes: Buffer, quote: number, end: number): string | undefined {
    const words = this.#bytes;
    for (let w = 0; w < words.length; w += 1) {
      const b = words[w]!;
      const close = quote + 1 + b.length;
      if (close >= end || bytes[close] !== QUOTE) continue;
      let i = 0;
      while (i < b.length && bytes[quote + 1 + i] === b[i]) i += 1;
      if (i === b.length) return this.#values[w]!;
    }
    return undefined;
  }

  /** The value of the string bytes[start, close] (quotes included), scanned by the caller; learnt as a word while the vocabulary is small. */
  value(bytes: Buffer, start: number, close: number, plain: boolean): string {
    const value = stringValue(bytes, start, close, plain);
    // A vocabulary stays small; a field that turns out not to be one (ids) is not cached.
    if (this.#bytes.length < 64 && bytes.subarray(start + 1, close).indexOf(BACKSLASH) < 0) {
      this.#bytes.push(Buffer.from(bytes.subarray(start + 1, close)));
      this.#values.push(value);
    }
    return value;
  }
}
const docTypes = new Vocabulary();
const types = new Vocabulary();
const requestKinds = new Vocabulary();
const stations = new Vocabulary();

/** Sets a field the engine reads that is kept as a value (one store per field: a store by computed name was a tenth of the scan). */
function setField(doc: LeanDoc, field: number, value: unknown): void {
  switch (field) {
    case F.docType:
      doc.docType = value;
      break;
    case F.type:
      doc.type = value;
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
    default:
      // _id, id, at: a value that is not a plain string (escapes, a number …), made now
      doc.setLazy(field, -1, -1, value);
  }
}

/** Whether a field is kept as bytes until read when its value is a plain string. */
const isLazyString = (field: number): boolean => field === F._id || field === F.id || field === F.at;

/** The vocabulary of a field that has one. */
function vocabularyOf(field: number): Vocabulary | undefined {
  switch (field) {
    case F.docType:
      return docTypes;
    case F.type:
      return types;
    case F.requestKind:
      return requestKinds;
    case F.station:
      return stations;
    default:
      return undefined;
  }
}

/** A string value of a field the engine reads (scanned: bytes[start, close], quotes included): learnt by its vocabulary for those that have one. */
function stringField(field: number, bytes: Buffer, start: number, close: number, plain: boolean): string {
  const vocabulary = vocabularyOf(field);
  return vocabulary ? vocabulary.value(bytes, start, close, plain) : stringValue(bytes, start, close, plain);
}

/**
 * Reads the string value opening at bytes[quote] of a field the engine reads, when it is a
 * value recognised in place — a word of the field's vocabulary, or an instant in the stored
 * form (24 characters: digits, dashes, colons, a dot, T and Z, so no quote or backslash
 * inside) — and returns the index just past its closing quote; -1 when it is not, and the
 * caller scans the string. Most values the engine reads are one or the other.
 */
function readKnownString(doc: LeanDoc, field: number, bytes: Buffer, quote: number, end: number): number {
  if (field === F.at) {
    const close = quote + 25;
    if (close >= end || bytes[close] !== QUOTE) return -1;
    const ms = isoInstant(bytes, quote + 1);
    if (Number.isNaN(ms)) return -1;
    doc.setInstant(quote + 1, close, ms);
    return close + 1;
  }
  const vocabulary = vocabularyOf(field);
  if (vocabulary === undefined) return -1;
  const word = vocabulary.wordAt(bytes, quote, end);
  if (word === undefined) return -1;
  setField(doc, field, word);
  return quote + 2 + word.length;
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
    const field = fieldAt(bytes, i, end);
    let keyClose: number;
    if (field !== NOT_READ) keyClose = i + 1 + FIELD_NAMES[field]!.length;
    else {
      keyClose = stringEnd(bytes, i, end);
      if (keyClose < 0) return undefined;
      // A key with an escape could spell a field's name another way: leave it to JSON.parse.
      // (A key with non-ASCII bytes is no field's name.)
      if (!plainString) {
        for (let j = i + 1; j < keyClose; j += 1) if (bytes[j] === BACKSLASH) return undefined;
      }
    }
    i = skipSpace(bytes, keyClose + 1, end);
    if (bytes[i] !== COLON) return undefined;
    i = skipSpace(bytes, i + 1, end);
    const c = bytes[i];
    let valueEnd: number;
    if (c === QUOTE) {
      valueEnd = field === NOT_READ ? -1 : readKnownString(doc, field, bytes, i, end);
      if (valueEnd < 0) {
        const close = stringEnd(bytes, i, end);
        if (close < 0) return undefined;
        valueEnd = close + 1;
        if (field === NOT_READ) {
          // skipped
        } else if (field === F.author || field === F.payload) doc.setLazy(field, i, valueEnd, undefined);
        else if (plainString && isLazyString(field)) doc.setLazy(field, i + 1, close, undefined);
        else setField(doc, field, stringField(field, bytes, i, close, plainString));
      }
    } else {
      valueEnd = c === OPEN_BRACE || c === OPEN_BRACKET ? containerEnd(bytes, i, end) : literalEnd(bytes, i, end);
      if (valueEnd <= i) return undefined;
      if (field === NOT_READ) {
        // skipped
      } else if (field === F.author || field === F.payload) doc.setLazy(field, i, valueEnd, undefined);
      else setField(doc, field, parseRange(bytes, i, valueEnd));
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

/** objectField's answer when it leaves the object to JSON.parse. */
const UNREAD = Symbol('unread');

/**
 * `object[name]` of the JSON object bytes[start, end), read without parsing the rest of it:
 * the key's last occurrence (as JSON.parse keeps), `{}[name]` when it is absent. UNREAD when
 * this does not read it plainly (not an object, a key with an escape, a name that is not
 * ASCII, unexpected bytes): then the caller parses the object.
 */
function objectField(bytes: Buffer, start: number, end: number, name: string): unknown {
  if (bytes[start] !== OPEN_BRACE) return UNREAD;
  for (let k = 0; k < name.length; k += 1) if (name.charCodeAt(k) >= 0x80) return UNREAD;
  let found = -1;
  let foundEnd = -1;
  let foundPlain = false;
  let i = skipSpace(bytes, start + 1, end);
  if (bytes[i] !== CLOSE_BRACE) {
    for (;;) {
      if (bytes[i] !== QUOTE) return UNREAD;
      const keyClose = stringEnd(bytes, i, end);
      if (keyClose < 0) return UNREAD;
      if (!plainString) {
        for (let j = i + 1; j < keyClose; j += 1) if (bytes[j] === BACKSLASH) return UNREAD;
      }
      let match = keyClose - i - 1 === name.length;
      for (let k = 0; match && k < name.length; k += 1) match = bytes[i + 1 + k] === name.charCodeAt(k);
      i = skipSpace(bytes, keyClose + 1, end);
      if (bytes[i] !== COLON) return UNREAD;
      i = skipSpace(bytes, i + 1, end);
      let valueEnd: number;
      let plain = false;
      if (bytes[i] === QUOTE) {
        const close = stringEnd(bytes, i, end);
        if (close < 0) return UNREAD;
        valueEnd = close + 1;
        plain = plainString;
      } else {
        valueEnd = bytes[i] === OPEN_BRACE || bytes[i] === OPEN_BRACKET ? containerEnd(bytes, i, end) : literalEnd(bytes, i, end);
        if (valueEnd <= i) return UNREAD;
      }
      if (match) {
        found = i;
        foundEnd = valueEnd;
        foundPlain = plain;
      }
      i = skipSpace(bytes, valueEnd, end);
      if (bytes[i] === COMMA) {
        i = skipSpace(bytes, i + 1, end);
        continue;
      }
      if (bytes[i] === CLOSE_BRACE) break;
      return UNREAD;
    }
  }
  if (i !== end - 1) return UNREAD;
  if (found < 0) return ({} as Record<string, unknown>)[name];
  if (foundPlain) return latin1(bytes, found + 1, foundEnd - 1);
  return bytes[found] === QUOTE ? parseRange(bytes, found, foundEnd) : valueAt(bytes, found, foundEnd);
}

/** A document from its JSON bytes: lean when the scanner reads it, else JSON.parse (which may throw). */
export function docFromBytes(bytes: Buffer, start: number, end: number): unknown {
  return leanDoc(bytes, start, end) ?? JSON.parse(utf8(bytes, start, end));
}

/**
 * The documents of an NDJSON file (one JSON document a line, blank lines skipped), read in
 * 1 MB chunks of bytes and split at line ends without decoding; handed out a chunk's worth at
 * a time (an array per chunk, not a promise per document). The next chunk is read while this
 * one is scanned (waiting for each read was a sixteenth of the wall time). Each chunk is a
 * buffer of its own (a document's lazy fields point into it); a line that runs from one
 * chunk into the next is copied into a buffer of its own.
 */
export async function* ndjsonDocBatches(file: string, chunkBytes = 1 << 20): AsyncGenerator<unknown[]> {
  const handle = await open(file, 'r');
  const readChunk = async (): Promise<Buffer> => {
    const chunk = Buffer.allocUnsafe(chunkBytes);
    const { bytesRead } = await handle.read(chunk, 0, chunkBytes, null);
    return chunk.subarray(0, bytesRead);
  };
  let next = readChunk();
  try {
    let rest: Buffer | undefined; // the unfinished line at the end of the chunks so far
    let lineNumber = 0;
    let batch: unknown[] = [];
    const add = (bytes: Buffer, start: number, end: number) => {
      lineNumber += 1;
      if (skipSpace(bytes, start, end) === end) return;
      try {
        batch.push(docFromBytes(bytes, start, end));
      } catch (err) {
        throw new Error(`${file} line ${lineNumber}: ${(err as Error).message}`);
      }
    };
    for (;;) {
      const bytes = await next;
      const last = bytes.length === 0;
      if (!last) next = readChunk(); // read ahead while this chunk is scanned
      let start = 0;
      if (rest) {
        const nl = bytes.indexOf(0x0a);
        if (nl < 0 && !last) {
          rest = Buffer.concat([rest, bytes]); // a line longer than a chunk
          continue;
        }
        const line = last ? rest : Buffer.concat([rest, bytes.subarray(0, nl)]);
        add(line, 0, line.length);
        start = last ? 0 : nl + 1;
        rest = undefined;
      }
      for (let nl = bytes.indexOf(0x0a, start); nl >= 0; nl = bytes.indexOf(0x0a, start)) {
        add(bytes, start, nl);
        start = nl + 1;
      }
      if (start < bytes.length) rest = bytes.subarray(start);
      if (batch.length) {
        yield batch;
        batch = [];
      }
      if (last) return;
    }
  } finally {
    await next.catch(() => undefined); // a read still under way when the reader stops early
    await handle.close();
  }
}
