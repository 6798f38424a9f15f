/**
 * How the results engine reads a document. The fold (engine.ts) reads a document's own fields
 * (READ_FIELDS) directly, and its instant, one field of its author or payload, and its payload
 * only through a `DocumentReader`: `plainReader` reads any document field by field (one made
 * by JSON.parse, a device's); a faster reader for documents of its own making
 * (server/couch/leanDocs.ts's `leanReader` for documents read from JSON bytes) gives exactly
 * the same values, so the figures are the same whichever reader is used.
 */

/** One day in milliseconds. */
export const DAY = 86_400_000;

/**
 * The top-level fields of a document the engine reads; anything else in it is ignored.
 * server/couch/leanDocs.ts keeps only these when it reads documents from JSON bytes (and
 * `author` and `payload` whole), so a field the engine starts reading must be listed here:
 * the type `TopDoc` below refuses any other.
 */
export const READ_FIELDS = ['_id', 'id', 'docType', 'type', 'at', 'requestId', 'requestKind', 'station', 'author', 'payload'] as const;

export type TopDoc = { readonly [F in (typeof READ_FIELDS)[number]]?: unknown };
/** A payload or an author: any field. */
export type Doc = Record<string, unknown>;

/**
 * Date.parse, with a fast path for the one form every stored instant has
 * (`2025-12-01T08:00:00.000Z`, Date#toISOString): Date.parse was a tenth of the fold's time.
 * Anything else (another form, hour 24, a year before 100, not a string) goes to Date.parse,
 * so the result is always Date.parse's (tests/unit/server/couch/leanDocs.test.ts compares them).
 */
export function instantMs(text: string): number {
  if (typeof text !== 'string' || text.length !== 24) return Date.parse(text);
  const ms = isoInstant(text, 0);
  return Number.isNaN(ms) ? Date.parse(text) : ms;
}

/**
 * The instant written from `start` in `text` — a string, or the UTF-8 bytes of one (the
 * NDJSON reader reads it without making the string) — in the form every stored instant has,
 * 24 characters, `2025-12-01T08:00:00.000Z`; NaN when it is not exactly that form or a part
 * is outside what is read here (a year before 100, hour 24, minute 60 …): then the caller
 * asks Date.parse, whose business those are.
 */
export function isoInstant(text: string | Uint8Array, start: number): number {
  if (
    code(text, start + 4) !== 45 /* - */ || code(text, start + 7) !== 45 || code(text, start + 10) !== 84 /* T */ ||
    code(text, start + 13) !== 58 /* : */ || code(text, start + 16) !== 58 || code(text, start + 19) !== 46 /* . */ ||
    code(text, start + 23) !== 90 /* Z */
  ) {
    return NaN;
  }
  const year = digits(text, start, 4);
  const month = digits(text, start + 5, 2);
  const day = digits(text, start + 8, 2);
  const hour = digits(text, start + 11, 2);
  const minute = digits(text, start + 14, 2);
  const second = digits(text, start + 17, 2);
  const ms = digits(text, start + 20, 3);
  // (digits gives -1 for a non-digit, which every lower bound below refuses)
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59 || ms < 0) {
    return NaN;
  }
  // Date.UTC's value, computed here: Date.UTC itself was a fifth of this function's time.
  return daysFromCivil(year, month, day) * DAY + hour * 3_600_000 + minute * 60_000 + second * 1000 + ms;
}

/** The character code (or byte) at `i`; undefined past the end, which no comparison above accepts. */
function code(text: string | Uint8Array, i: number): number | undefined {
  return typeof text === 'string' ? (i < text.length ? text.charCodeAt(i) : undefined) : text[i];
}

/** The number written with `count` ASCII digits from `at`, or -1 if one is not a digit. */
function digits(text: string | Uint8Array, at: number, count: number): number {
  let n = 0;
  for (let i = at; i < at + count; i += 1) {
    const c = code(text, i);
    if (c === undefined || c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  return n;
}

/**
 * Days since 1970-01-01 of a date in the proleptic Gregorian calendar, for years from 100 on
 * (Howard Hinnant's days_from_civil). The year is counted from March, so a leap day is the
 * last day of its year and everything else is linear in the day of the month: day 29-31 of a
 * shorter month rolls over into the next month, as in Date.UTC (31 February is 3 March).
 */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/**
 * How the fold reads what it does not take straight from a document's fields. Every method
 * answers what the plain reading below answers for the same document; a reader may only be
 * faster (the fold calls these a few million times a run).
 */
export interface DocumentReader {
  /** The document's `at` in epoch ms, `instantMs(d.at)` (NaN when it is not an instant). */
  instantOf(d: TopDoc): number;
  /** `(d[container] ?? {})[name]`: one field of a document's author or payload. */
  fieldOf(d: TopDoc, container: 'author' | 'payload', name: string): unknown;
  /** The document's payload, {} when it has none. */
  payloadOf(d: TopDoc): Doc;
}

/** Reads any document field by field: the default, and what every other reader must equal. */
export const plainReader: DocumentReader = {
  instantOf: (d) => instantMs(d.at as string),
  fieldOf: (d, container, name) => ((d[container] ?? {}) as Doc)[name],
  payloadOf: (d) => (d.payload ?? {}) as Doc,
};
