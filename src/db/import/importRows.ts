import * as v from 'valibot';
import { parse as parseCsv } from 'csv-parse/sync';
import { EventRecord, mustBeInternal, type EventType } from '../schema/events/event';
import { describeEventIssues } from '../../i18n/issues';
import { seededRandom, ulid } from '../schema/events/ids';
import { OperationsRecord, PHONE_LINES } from '../schema/records/record';

/**
 * History from an older system, turned into this system's documents (docs/import-format.md).
 * Pure: rows in, documents or reasons out. Every id is derived from the row (the source
 * system's name and the row's key, or its content), so importing the same file twice makes
 * the same ids and the second load finds them all present.
 *
 * Row kinds (`row`): event, outage, call, line-down, household, inspection.
 */

export type Row = Record<string, unknown>;
export type RowResult = { readonly ok: true; readonly docs: readonly (EventRecord | OperationsRecord)[] } | { readonly ok: false; readonly reason: string };

export const ROW_KINDS = ['event', 'outage', 'call', 'line-down', 'household', 'inspection'] as const;

/** FNV-1a, 32 bits: a stable seed from text. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A ULID made from `key`: the time part from `ms`, the random part seeded by the key. */
function stableUlid(key: string, ms: number): string {
  return ulid(ms, seededRandom(hash32(key) ^ hash32(`${key}#2`)));
}

/** JSON with sorted keys: the same row written with its fields in another order has the same content. */
function canonical(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonical).join(',')}]`;
  if (x && typeof x === 'object') {
    return `{${Object.keys(x)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((x as Row)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(x);
}

const str = (row: Row, key: string): string | undefined => (typeof row[key] === 'string' && row[key] !== '' ? (row[key] as string) : undefined);

/**
 * An instant as an import row must write it (domain.md, "Settled readings: Times"): a real
 * date, a time of day and its zone, `YYYY-MM-DDTHH:MM[:SS[.fraction]]` then `Z` or `±HH:MM`
 * (a space may stand for the T). Date.parse is not the judge: it rolls 30 February over into
 * March and reads a time without a zone in the machine's zone, 8 hours off on a UTC server.
 */
const ZONED_INSTANT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/i;

/** Days of a month of the Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  return month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export function parseZonedInstant(text: string): { ok: true; ms: number } | { ok: false; why: string } {
  const m = ZONED_INSTANT.exec(text.trim());
  if (!m) return { ok: false, why: 'is not a time with a zone (write 2025-12-01T08:30:00+08:00 or …Z)' };
  const [, y, mo, d, h, mi, sec, , zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12) return { ok: false, why: `has no month ${mo}` };
  if (day < 1 || day > daysInMonth(year, month)) return { ok: false, why: `is not a date: ${y}-${mo} has ${daysInMonth(year, month)} days` };
  if (Number(h) > 23 || Number(mi) > 59 || (sec !== undefined && Number(sec) > 59)) return { ok: false, why: 'is not a time of day (00:00 to 23:59:59)' };
  if (zone === undefined) return { ok: false, why: 'has no zone: write Z or an offset such as +08:00 (a time without one would be read in the machine’s zone)' };
  if (zone !== 'Z' && zone !== 'z' && (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4, 6)) > 59)) return { ok: false, why: `has no zone ${zone}` };
  const ms = Date.parse(text.trim().replace(' ', 'T'));
  return Number.isNaN(ms) ? { ok: false, why: 'is not a time' } : { ok: true, ms };
}

function instant(row: Row, key: string, required = true): { ok: true; ms: number; iso: string } | { ok: false; reason: string } | undefined {
  const s = str(row, key);
  if (s === undefined) return required ? { ok: false, reason: `${key} is required` } : undefined;
  const parsed = parseZonedInstant(s);
  if (!parsed.ok) return { ok: false, reason: `${key} ${JSON.stringify(s)} ${parsed.why}` };
  return { ok: true, ms: parsed.ms, iso: new Date(parsed.ms).toISOString() };
}

function bool(row: Row, key: string): boolean | undefined {
  const x = row[key];
  if (typeof x === 'boolean') return x;
  if (x === 'true' || x === '1' || x === 'yes') return true;
  if (x === 'false' || x === '0' || x === 'no') return false;
  return undefined;
}

function num(row: Row, key: string): number | undefined {
  const x = row[key];
  if (typeof x === 'number') return x;
  if (typeof x === 'string' && x.trim() !== '' && Number.isFinite(Number(x))) return Number(x);
  return undefined;
}

function issuesText(issues: readonly v.BaseIssue<unknown>[]): string {
  const described = describeEventIssues(issues, 'en');
  return described.map((i) => `${i.path ? `${i.path}: ` : ''}${i.message}`).join('; ');
}

export interface ImportContext {
  /** The old system's name: part of every id, and kept in records' `source`. */
  readonly system: string;
  /** Who is recorded as the author of imported documents (a server admin's user name). */
  readonly importer: string;
}

/** Turns one row into the documents it stands for, or says why it cannot. */
export function rowToDocs(row: Row, ctx: ImportContext): RowResult {
  const kind = str(row, 'row');
  if (!kind || !(ROW_KINDS as readonly string[]).includes(kind)) return { ok: false, reason: `row must be one of ${ROW_KINDS.join(', ')}` };
  const key = str(row, 'key') ?? canonical(row);
  const idFor = (prefix: string, part: string, ms: number) => `${prefix}${stableUlid(`${ctx.system}|${kind}|${key}|${part}`, ms)}`;
  const author = { name: str(row, 'author') ?? ctx.importer, role: str(row, 'role') ?? 'admin', device: 'import' };
  const station = str(row, 'station');
  const source = { system: ctx.system, key: key.length > 200 ? `#${hash32(key).toString(16)}` : key };

  if (kind === 'event') {
    const at = instant(row, 'at');
    if (!at?.ok) return { ok: false, reason: at?.reason ?? 'at is required' };
    const request = str(row, 'request');
    if (!request) return { ok: false, reason: 'request (the old system’s request number) is required' };
    let payload: unknown = row.payload ?? {};
    if (typeof payload === 'string') {
      try {
        payload = JSON.parse(payload);
      } catch {
        return { ok: false, reason: 'payload is not JSON' };
      }
    }
    const requestId = `rq-${stableUlid(`${ctx.system}|request|${request}`, hash32(`${ctx.system}|${request}`) * 60_000)}`;
    const candidate = {
      id: idFor('ev-', 'event', at.ms),
      docType: 'event',
      schemaVersion: 1,
      requestId,
      requestKind: row.requestKind,
      type: row.type,
      at: at.iso,
      author,
      resident: row.resident,
      station,
      visibility: row.visibility ?? (mustBeInternal(row.type as EventType) ? 'internal' : 'resident'),
      payload,
    };
    const parsed = v.safeParse(EventRecord, candidate);
    return parsed.success ? { ok: true, docs: [parsed.output] } : { ok: false, reason: issuesText(parsed.issues) };
  }

  const records: Record<string, unknown>[] = [];
  const rec = (type: string, at: string, payload: Record<string, unknown>) =>
    records.push({
      id: idFor('rc-', type, Date.parse(at)),
      docType: 'record',
      schemaVersion: 1,
      type,
      at,
      author,
      ...(station !== undefined ? { station } : {}),
      source,
      payload,
    });

  switch (kind) {
    case 'outage': {
      const started = instant(row, 'startedAt', false);
      const announced = instant(row, 'announcedAt', false);
      const restored = instant(row, 'restoredAt', false);
      for (const t of [started, announced, restored]) if (t && !t.ok) return { ok: false, reason: t.reason };
      if (!started && !announced) return { ok: false, reason: 'an outage needs startedAt or announcedAt' };
      if (restored && !started) return { ok: false, reason: 'restoredAt needs startedAt' };
      const s = started?.ok ? started : undefined;
      const a = announced?.ok ? announced : undefined;
      const r = restored?.ok ? restored : undefined;
      if (s && r && r.ms < s.ms) return { ok: false, reason: 'restoredAt is before startedAt' };
      const outage = `ou-${stableUlid(`${ctx.system}|outage|${str(row, 'outage') ?? key}`, (s ?? a)!.ms)}`;
      const affectedCustomers = num(row, 'affectedCustomers');
      const area = str(row, 'area') ?? '-';
      if (a) {
        const plannedStart = instant(row, 'plannedStart', false);
        if (plannedStart && !plannedStart.ok) return { ok: false, reason: plannedStart.reason };
        const ps = plannedStart?.ok ? plannedStart.iso : s?.iso;
        if (!ps) return { ok: false, reason: 'an announced outage needs plannedStart or startedAt' };
        rec('outage-announced', a.iso, { outage, plannedStart: ps, affectedCustomers, area });
      }
      if (s) {
        const planned = bool(row, 'planned') ?? a !== undefined;
        rec('outage-started', s.iso, { outage, planned, atHeatSource: bool(row, 'atHeatSource') ?? false, affectedCustomers, area });
      }
      if (r) rec('outage-restored', r.iso, { outage });
      // An emergency accident (紧急事故) as the old system marked it: why, recorded by the row's
      // author at the start (domain.md, "Settled readings: Outages that are emergencies").
      const emergency = str(row, 'emergency');
      if (emergency !== undefined) {
        if (!s) return { ok: false, reason: 'emergency needs startedAt' };
        rec('outage-emergency', s.iso, { outage, reason: emergency });
      }
      break;
    }
    case 'call': {
      const at = instant(row, 'at');
      if (!at?.ok) return { ok: false, reason: at?.reason ?? 'at is required' };
      const line = str(row, 'line');
      if (!line || !(PHONE_LINES as readonly string[]).includes(line)) return { ok: false, reason: `line must be one of ${PHONE_LINES.join(', ')}` };
      rec('call', at.iso, { line, answered: bool(row, 'answered'), rings: num(row, 'rings') });
      break;
    }
    case 'line-down': {
      const from = instant(row, 'from');
      const to = instant(row, 'to');
      if (!from?.ok) return { ok: false, reason: from?.reason ?? 'from is required' };
      if (!to?.ok) return { ok: false, reason: to?.reason ?? 'to is required' };
      rec('line-down', from.iso, { line: row.line, from: from.iso, to: to.iso, ...(str(row, 'reason') ? { reason: str(row, 'reason') } : {}) });
      break;
    }
    case 'household': {
      const activeFrom = str(row, 'activeFrom');
      if (!activeFrom) return { ok: false, reason: 'activeFrom is required' };
      const at = instant(row, 'at', false);
      if (at && !at.ok) return { ok: false, reason: at.reason };
      const recordedAt = at?.ok ? at.iso : new Date(Date.parse(`${activeFrom}T00:00:00+08:00`) || 0).toISOString();
      const coalToGas = bool(row, 'coalToGas');
      rec('household', recordedAt, {
        household: row.household,
        activeFrom,
        ...(str(row, 'activeTo') ? { activeTo: str(row, 'activeTo') } : {}),
        ...(coalToGas !== undefined ? { coalToGas } : {}),
      });
      break;
    }
    case 'inspection': {
      const at = instant(row, 'at');
      if (!at?.ok) return { ok: false, reason: at?.reason ?? 'at is required' };
      rec('inspection', at.iso, { household: row.household, outcome: row.outcome });
      break;
    }
  }
  const out: OperationsRecord[] = [];
  for (const r of records) {
    const parsed = v.safeParse(OperationsRecord, r);
    if (!parsed.success) return { ok: false, reason: issuesText(parsed.issues) };
    out.push(parsed.output);
  }
  return { ok: true, docs: out };
}

// ------------------------------------------------------------------ reading files

/** Splits one CSV line (RFC 4180 quotes), by the same parser as parseRows. */
export function splitCsvLine(line: string): string[] {
  return (parseCsv(line, CSV_OPTIONS)[0] as string[] | undefined) ?? [''];
}

/** Lenient as the old system's exports are: a stray quote inside a field is kept as a character, rows may differ in length (reported per row). */
const CSV_OPTIONS = { relax_column_count: true, relax_quotes: true } as const;

export interface ParsedLine {
  readonly line: number;
  readonly row?: Row;
  readonly reason?: string;
}

/** The rows of a file's text, each with its line number; blank lines are skipped. */
export function parseRows(text: string, format: 'ndjson' | 'csv'): ParsedLine[] {
  const out: ParsedLine[] = [];
  if (format === 'ndjson') {
    const lines = text.split(/\r?\n/);
    lines.forEach((l, i) => {
      if (!l.trim()) return;
      try {
        const row = JSON.parse(l);
        out.push(row && typeof row === 'object' && !Array.isArray(row) ? { line: i + 1, row } : { line: i + 1, reason: 'not a JSON object' });
      } catch {
        out.push({ line: i + 1, reason: 'not valid JSON' });
      }
    });
    return out;
  }
  // csv-parse (RFC 4180): a quoted field may hold commas, doubled quotes and line breaks (an
  // address over two lines), so a row may span lines; each row is reported by its first line.
  // Lines are counted here from each row's first byte (csv-parse's own count takes a CRLF
  // inside quotes for two lines).
  const bytes = Buffer.from(text, 'utf8');
  let records: { record: string[]; info: { bytes: number } }[];
  try {
    records = parseCsv(bytes, { ...CSV_OPTIONS, info: true }) as unknown as { record: string[]; info: { bytes: number } }[];
  } catch (err) {
    const line = (err as { lines?: number }).lines ?? 1;
    return [{ line, reason: `is not CSV from here on: ${(err as Error).message}` }];
  }
  let counted = 0;
  let linesBefore = 1;
  /** The line on which the row starting at byte `start` begins. */
  const lineAt = (start: number): number => {
    for (; counted < start; counted += 1) if (bytes[counted] === 10) linesBefore += 1;
    return linesBefore;
  };
  const header = (records[0]?.record ?? ['']).map((h) => h.trim());
  for (let i = 1; i < records.length; i += 1) {
    const cells = records[i]!.record;
    if (cells.length === 1 && !cells[0]!.trim()) continue; // a blank line
    const line = lineAt(records[i - 1]!.info.bytes);
    if (cells.length !== header.length) {
      out.push({ line, reason: `has ${cells.length} fields, the header has ${header.length}` });
      continue;
    }
    const row: Row = {};
    header.forEach((h, j) => {
      if (cells[j] !== '') row[h] = cells[j];
    });
    out.push({ line, row });
  }
  return out;
}
