import { describe, expect, it } from 'vitest';
import { buildCalendar, escapeText, foldLine, utcDateTime } from '../../../src/ics/icalendar';

const octets = (s: string) => new TextEncoder().encode(s).length;
const event = {
  uid: 'rq-01KB0000000000000000000000.visit@hearthline',
  stamp: Date.parse('2026-11-30T09:15:30.250Z'),
  start: Date.parse('2026-12-01T02:00:00.000Z'),
  end: Date.parse('2026-12-01T04:00:00.000Z'),
  summary: '暖线上门服务：张师傅',
};

describe('RFC 5545 text values', () => {
  it('escapes backslash, semicolon, comma and every kind of newline', () => {
    expect(escapeText('a\\b;c,d\ne\r\nf\rg')).toBe('a\\\\b\\;c\\,d\\ne\\nf\\ng');
  });
  it('leaves a colon and Chinese text alone', () => {
    expect(escapeText('地址：暖园 1:2')).toBe('地址：暖园 1:2');
  });
});

describe('line folding at 75 octets', () => {
  it('keeps a line of exactly 75 octets whole and folds one of 76', () => {
    expect(foldLine('x'.repeat(75))).toBe('x'.repeat(75));
    expect(foldLine('x'.repeat(76))).toBe(`${'x'.repeat(75)}\r\n x`);
  });
  it('never cuts a UTF-8 character, and the continuation space counts', () => {
    const line = 'SUMMARY:' + '暖'.repeat(60); // 8 + 180 octets
    const folded = foldLine(line);
    const parts = folded.split('\r\n');
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) expect(octets(part)).toBeLessThanOrEqual(75);
    for (const part of parts.slice(1)) expect(part.startsWith(' ')).toBe(true);
    // Unfolding (remove CRLF + one space) gives the line back.
    expect(folded.replace(/\r\n /g, '')).toBe(line);
    expect(octets(parts[0]!)).toBe(74); // 8 + 22×3; one more 3-octet character would be 77
  });
});

describe('UTC date-times', () => {
  it('writes the basic form with Z and drops milliseconds', () => {
    expect(utcDateTime(Date.parse('2026-12-01T02:00:00.999Z'))).toBe('20261201T020000Z');
  });
  it('refuses a non-time', () => {
    expect(() => utcDateTime(Number.NaN)).toThrow(RangeError);
  });
});

describe('buildCalendar', () => {
  const file = buildCalendar({ productId: '-//Hearthline//Customer service//ZH', events: [{ ...event, description: '请留意电话, 谢谢;\n编号 123456', location: '暖园小区 1 号楼 101' }] });
  const lines = file.split('\r\n');

  it('uses CRLF everywhere and ends with one', () => {
    expect(file.endsWith('\r\n')).toBe(true);
    expect(file.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });
  it('has the calendar and event frame with every required property', () => {
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines).toContain('VERSION:2.0');
    expect(lines).toContain('PRODID:-//Hearthline//Customer service//ZH');
    expect(lines).toContain('BEGIN:VEVENT');
    expect(lines).toContain('UID:rq-01KB0000000000000000000000.visit@hearthline');
    expect(lines).toContain('DTSTAMP:20261130T091530Z');
    expect(lines).toContain('DTSTART:20261201T020000Z');
    expect(lines).toContain('DTEND:20261201T040000Z');
    expect(lines).toContain('SUMMARY:暖线上门服务：张师傅');
    expect(lines).toContain('DESCRIPTION:请留意电话\\, 谢谢\\;\\n编号 123456');
    expect(lines).toContain('LOCATION:暖园小区 1 号楼 101');
    expect(lines.at(-2)).toBe('END:VCALENDAR');
  });
  it('is the same file for the same input (stable UID and DTSTAMP: no clock read)', () => {
    expect(buildCalendar({ productId: 'p', events: [event] })).toBe(buildCalendar({ productId: 'p', events: [event] }));
  });
  it('refuses an event that ends before it starts', () => {
    expect(() => buildCalendar({ productId: 'p', events: [{ ...event, end: event.start }] })).toThrow(RangeError);
  });
});
