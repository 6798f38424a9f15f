/**
 * A minimal RFC 5545 (iCalendar) writer: one VCALENDAR with VEVENTs, times in UTC. Pure: the
 * caller passes every time (DTSTAMP too), so the same input always gives the same file.
 *
 * - lines end with CRLF (3.1), the file too;
 * - a content line longer than 75 octets is folded: CRLF + one space, never inside a UTF-8
 *   character (3.1);
 * - TEXT values escape `\`, `;`, `,` and newlines (3.3.11);
 * - DATE-TIME values are UTC (`19980119T070000Z`, 3.3.5 form #2).
 */

export interface CalendarEvent {
  /** Globally unique and stable: the same appointment always has the same UID, so a calendar updates it rather than adding another. */
  readonly uid: string;
  /** When this description of the event was made (epoch ms). */
  readonly stamp: number;
  readonly start: number;
  readonly end: number;
  readonly summary: string;
  readonly description?: string;
  readonly location?: string;
  /** Revision of the event (a re-booked visit counts up), default 0. */
  readonly sequence?: number;
}

export interface Calendar {
  /** PRODID: who made the file. */
  readonly productId: string;
  readonly events: readonly CalendarEvent[];
}

const MAX_OCTETS = 75;
const CRLF = '\r\n';

/** Escapes a TEXT value: backslash, semicolon, comma, and every newline as `\n`. */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

const octets = (s: string): number => new TextEncoder().encode(s).length;

/**
 * Folds one content line into lines of at most 75 octets (the leading space of a continuation
 * counts), splitting only between characters, so no UTF-8 sequence is cut.
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let size = 0;
  for (const ch of line) {
    const n = octets(ch);
    if (size + n > MAX_OCTETS) {
      parts.push(current);
      current = ' ';
      size = 1;
    }
    current += ch;
    size += n;
  }
  parts.push(current);
  return parts.join(CRLF);
}

/** A UTC DATE-TIME: `20261201T020000Z` (seconds kept, milliseconds dropped). */
export function utcDateTime(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`not a time: ${ms}`);
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/** The whole file, CRLF line endings, folded. Throws a RangeError when an event ends before it starts. */
export function buildCalendar(calendar: Calendar): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', `PRODID:${escapeText(calendar.productId)}`, 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH'];
  for (const e of calendar.events) {
    if (!(e.end > e.start)) throw new RangeError(`event ${e.uid} ends before it starts`);
    lines.push(
      'BEGIN:VEVENT',
      `UID:${escapeText(e.uid)}`,
      `DTSTAMP:${utcDateTime(e.stamp)}`,
      `DTSTART:${utcDateTime(e.start)}`,
      `DTEND:${utcDateTime(e.end)}`,
      `SEQUENCE:${e.sequence ?? 0}`,
      `SUMMARY:${escapeText(e.summary)}`,
    );
    if (e.description !== undefined) lines.push(`DESCRIPTION:${escapeText(e.description)}`);
    if (e.location !== undefined) lines.push(`LOCATION:${escapeText(e.location)}`);
    lines.push('END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join(CRLF) + CRLF;
}
