import { describe, expect, it } from 'vitest';
import { parseRows, parseZonedInstant, rowToDocs, splitCsvLine } from '../../../../src/db/import/importRows';

const ctx = { system: 'old-crm', importer: 'admin' };

describe('import rows', () => {
  it('reads CSV with quotes, numbering lines from the header', () => {
    expect(splitCsvLine('a,"b, c","say ""hi""",')).toEqual(['a', 'b, c', 'say "hi"', '']);
    const rows = parseRows('row,key,line,at,answered,rings\ncall,c-1,hotline,2025-12-20T08:00:00+08:00,true,2\n\ncall,c-2,hotline\n', 'csv');
    expect(rows[0]).toEqual({ line: 2, row: { row: 'call', key: 'c-1', line: 'hotline', at: '2025-12-20T08:00:00+08:00', answered: 'true', rings: '2' } });
    expect(rows[1]).toEqual({ line: 4, reason: 'has 3 fields, the header has 6' });
  });

  it('reads a line break inside a quoted field (an address over two lines, CRLF too), numbering each row by its first line', () => {
    const text = 'row,key,household,address\r\ncustomer,k-1,A-1,"暖园小区 3 号楼\r\n2 单元 501"\r\ncustomer,k-2,A-2,"东区 5 号楼"\r\n   \r\ncustomer,k-3\r\n';
    const rows = parseRows(text, 'csv');
    expect(rows[0]).toEqual({ line: 2, row: { row: 'customer', key: 'k-1', household: 'A-1', address: '暖园小区 3 号楼\r\n2 单元 501' } });
    expect(rows[1]).toEqual({ line: 4, row: { row: 'customer', key: 'k-2', household: 'A-2', address: '东区 5 号楼' } });
    expect(rows[2]).toEqual({ line: 6, reason: 'has 2 fields, the header has 4' });
    expect(rows).toHaveLength(3);
  });

  it('keeps a stray quote inside an unquoted field as a character, and names the line where a quote is never closed', () => {
    expect(splitCsvLine('a,5" pipe,c')).toEqual(['a', '5" pipe', 'c']);
    const rows = parseRows('row,key\ncall,c-1\ncall,"c-2\n', 'csv');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.reason).toMatch(/^is not CSV from here on/);
    expect(rows[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it('makes the same ids from the same row, and other ids for another system', () => {
    const row = { row: 'call', key: 'c-1', line: 'hotline', at: '2025-12-20T08:00:00+08:00', answered: 'true', rings: '2' };
    const a = rowToDocs(row, ctx);
    const b = rowToDocs({ ...row }, ctx);
    const c = rowToDocs(row, { ...ctx, system: 'another' });
    expect(a.ok && b.ok && c.ok).toBe(true);
    if (!a.ok || !b.ok || !c.ok) return;
    expect(a.docs[0]).toMatchObject({ type: 'call', at: '2025-12-20T00:00:00.000Z', payload: { line: 'hotline', answered: true, rings: 2 } });
    expect(a.docs[0]!.id).toBe(b.docs[0]!.id);
    expect(a.docs[0]!.id).not.toBe(c.docs[0]!.id);
  });

  it('turns one outage row into its announced, started and restored records, joined by one outage id', () => {
    const r = rowToDocs(
      { row: 'outage', outage: 'O-1', station: 'north-1', announcedAt: '2025-12-12T01:00:00Z', startedAt: '2025-12-15T01:00:00Z', restoredAt: '2025-12-15T09:00:00Z', affectedCustomers: 100 },
      ctx,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.docs.map((d) => d.type)).toEqual(['outage-announced', 'outage-started', 'outage-restored']);
    const outages = new Set(r.docs.map((d) => (d.payload as { outage: string }).outage));
    expect(outages.size).toBe(1);
    expect(r.docs[1]!.payload).toMatchObject({ planned: true, atHeatSource: false, affectedCustomers: 100 });
  });

  it('says why a row is bad', () => {
    expect(rowToDocs({ row: 'meter' }, ctx)).toEqual({ ok: false, reason: 'row must be one of event, outage, call, line-down, household, inspection' });
    expect(rowToDocs({ row: 'outage', startedAt: '2025-12-15T09:00:00Z', restoredAt: '2025-12-15T08:00:00Z', affectedCustomers: 1 }, ctx)).toEqual({
      ok: false,
      reason: 'restoredAt is before startedAt',
    });
    const r = rowToDocs({ row: 'call', line: 'hotline', at: '2025-12-20T08:00:00Z', answered: true, rings: -1 }, ctx);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toMatch(/rings/i);
    const e = rowToDocs({ row: 'event', request: 'R1', requestKind: 'repair', type: 'arrived', at: '2025-12-20T08:00:00Z', station: 'north-1' }, ctx);
    expect(!e.ok && e.reason).toMatch(/resident/i);
  });

  it('refuses an impossible date and a time without a zone, each with its field (domain.md, "Settled readings: Times")', () => {
    const call = (at: string) => rowToDocs({ row: 'call', line: 'hotline', at, answered: true, rings: 1 }, ctx);
    // Date.parse would make 2 March of 30 February 2023 (2023 is no leap year: February has 28 days).
    expect(call('2023-02-30T10:00+08:00')).toEqual({ ok: false, reason: 'at "2023-02-30T10:00+08:00" is not a date: 2023-02 has 28 days' });
    expect(call('2024-02-29T10:00+08:00').ok).toBe(true); // 2024 is a leap year
    expect(call('2100-02-29T10:00Z').ok).toBe(false); // 2100 is not
    expect(call('2024-04-31T10:00Z').ok).toBe(false);
    expect(call('2024-05-01T24:00Z').ok).toBe(false);
    // Without a zone each of these was read in the machine's zone: 8 hours off on a UTC server.
    for (const at of ['2024-05-01T10:00:00', '2024-05-01 10:00', '2024-05-01']) {
      const r = call(at);
      expect(r.ok, at).toBe(false);
      expect(!r.ok && r.reason, at).toMatch(/^at ".*" (has no zone|is not a time with a zone)/);
    }
    const outage = rowToDocs({ row: 'outage', startedAt: '2024-05-01T10:00:00', affectedCustomers: 3 }, ctx);
    expect(!outage.ok && outage.reason).toMatch(/^startedAt "2024-05-01T10:00:00" has no zone/);
    // With a zone the instant is exact: 10:00 China time is 02:00 UTC, whatever the machine's zone.
    const good = call('2024-05-01 10:00+08:00');
    expect(good.ok && good.docs[0]!.at).toBe('2024-05-01T02:00:00.000Z');
    expect(parseZonedInstant('2024-05-01T10:00:00.5Z')).toEqual({ ok: true, ms: Date.UTC(2024, 4, 1, 10, 0, 0, 500) });
  });
});
