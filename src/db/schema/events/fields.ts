import * as v from 'valibot';
import type { MessageId } from '../../../i18n/messages';
import { MAX_ROOM_AREA_M2, STATION_ID } from '../vocabulary';
import { EVENT_ID_PATTERN, ID_LENGTH, REQUEST_ID_PATTERN } from './ids';
import {
  MAX_DEVICE_ID,
  MAX_NAME,
  MAX_SIGNATURE_LENGTH,
  MAX_STATION_ID,
  MAX_TEXT,
  MAX_USER_NAME,
  READING_MAX_CELSIUS,
  READING_MIN_CELSIUS,
  SIGNATURE_PREFIX,
} from './limits';

/**
 * The building blocks of the event schemas. Each carries message ids from
 * src/db/schema/messages.ts (never prose), so every issue can be shown in zh-CN or en.
 */

/** A message id, type-checked against the table in messages.ts. */
export const msg = (m: MessageId): MessageId => m;
const id = msg;

/**
 * A strict object (unknown keys are refused) whose issues say which of the three things went
 * wrong: a missing key, an unknown key, or not an object at all.
 */
export function obj<const T extends v.ObjectEntries>(entries: T) {
  return v.strictObject(entries, (issue) => {
    if (issue.expected === 'never') return id('value.unknown');
    if (issue.received === 'undefined' && issue.expected?.startsWith('"')) return id('value.required');
    return id('value.object');
  });
}

/** The message of a variant: not an object at all, or an unknown discriminator (`type`, `requestKind`). */
export const variantMessage = (issue: { expected: string | null }): MessageId =>
  issue.expected === 'Object' ? id('value.object') : id('value.oneOf');

/** Free text: not blank, at most `max` characters. No trimming: a record is stored as written. */
export function text(max: number = MAX_TEXT) {
  return v.pipe(v.string(id('value.string')), v.regex(/\S/, id('text.blank')), v.maxLength(max, id('text.tooLong')));
}

/** A person's name or a short label. */
export const Name = text(MAX_NAME);

export function oneOf<const T extends readonly string[]>(options: T) {
  return v.picklist(options, id('value.oneOf'));
}

export function literal<const T extends string | number | boolean>(value: T, message: MessageId = 'value.literal') {
  return v.literal(value, message);
}

export const Bool = v.boolean(id('value.boolean'));

export function list<const T extends v.GenericSchema>(item: T, min: number, max: number) {
  return v.pipe(v.array(item, id('value.array')), v.minLength(min, id('list.tooShort')), v.maxLength(max, id('list.tooLong')));
}

/** Event ids: `ev-` + ULID. maxLength is there for RxDB (indexed and primary strings need one). */
export const EventId = v.pipe(v.string(id('value.string')), v.regex(EVENT_ID_PATTERN, id('id.event')), v.maxLength(ID_LENGTH, id('id.event')));
/** Request ids: `rq-` + ULID. */
export const RequestId = v.pipe(
  v.string(id('value.string')),
  v.regex(REQUEST_ID_PATTERN, id('id.request')),
  v.maxLength(ID_LENGTH, id('id.request')),
);

/**
 * CouchDB user names (the resident's name is the routing key to their database). Letters,
 * digits and `. _ @ + : -`; CouchDB reserves a leading underscore, so a name starts with a
 * letter or digit.
 */
export const UserName = v.pipe(
  v.string(id('value.string')),
  v.regex(/^[A-Za-z0-9][A-Za-z0-9._@+:-]*$/, id('id.user')),
  v.maxLength(MAX_USER_NAME, id('id.user')),
);

/** Station ids: lower-case words joined by hyphens (a part of database names). */
export const StationId = v.pipe(v.string(id('value.string')), v.regex(STATION_ID, id('id.station')), v.maxLength(MAX_STATION_ID, id('id.station')));

export const DeviceId = v.pipe(
  v.string(id('value.string')),
  v.regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, id('id.device')),
  v.maxLength(MAX_DEVICE_ID, id('id.device')),
);

/** CouchDB revisions: `<generation>-<hash>`. */
export const Rev = v.pipe(v.string(id('value.string')), v.regex(/^[1-9]\d*-[0-9a-z]+$/, id('id.rev')), v.maxLength(100, id('id.rev')));

/**
 * Phone numbers: a mainland mobile number (11 digits starting with 1) or a landline with its
 * area code (0 + 2–3 digits, an optional hyphen, 7–8 digits).
 */
export const PHONE_PATTERN = /^(?:1\d{10}|0\d{2,3}-?\d{7,8})$/;
export const Phone = v.pipe(v.string(id('value.string')), v.regex(PHONE_PATTERN, id('phone.format')));

/** The exact form `Date.prototype.toISOString` writes: UTC, milliseconds, `Z`. */
export const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** Length of an instant: `2025-12-01T08:30:00.000Z` (the bound RxDB needs on an indexed string). */
export const INSTANT_LENGTH = 24;

/** An instant, written as ISO 8601 UTC with milliseconds (`2025-12-01T08:30:00.000Z`), a real date. */
export const IsoInstant = v.pipe(
  v.string(id('value.string')),
  v.regex(INSTANT_PATTERN, id('time.instant')),
  v.maxLength(INSTANT_LENGTH, id('time.instant')),
  v.check((s) => {
    const d = new Date(s);
    return !Number.isNaN(d.getTime()) && d.toISOString() === s;
  }, id('time.instant')),
);

/** A calendar day, `YYYY-MM-DD`, a real date. */
export const IsoDay = v.pipe(
  v.string(id('value.string')),
  v.regex(/^\d{4}-\d{2}-\d{2}$/, id('time.day')),
  v.check((s) => {
    const d = new Date(`${s}T00:00:00.000Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, id('time.day')),
);

/** A time of day, `HH:MM`, 00:00 to 23:59. */
export const ClockTime = v.pipe(v.string(id('value.string')), v.regex(/^(?:[01]\d|2[0-3]):[0-5]\d$/, id('time.clock')));

/** A whole number score from 1 to 10 (001 §4 callback scores). */
export const Score = v.pipe(
  v.number(id('value.number')),
  v.integer(id('number.score')),
  v.minValue(1, id('number.score')),
  v.maxValue(10, id('number.score')),
);

/** A room's floor area, m²: more than 0, at most MAX_ROOM_AREA_M2 (as the measurement rules). */
export const AreaM2 = v.pipe(
  v.number(id('value.number')),
  v.gtValue(0, id('number.area')),
  v.maxValue(MAX_ROOM_AREA_M2, id('number.area')),
);

/** One thermometer reading, °C. */
export const Reading = v.pipe(
  v.number(id('value.number')),
  v.minValue(READING_MIN_CELSIUS, id('number.reading')),
  v.maxValue(READING_MAX_CELSIUS, id('number.reading')),
);

/** The first bytes of every PNG file (\x89PNG\r\n\x1a\n) in base64. */
const PNG_MAGIC_BASE64 = 'iVBORw0KGgo';

/** A signature drawn on the device: a PNG data URL of at most MAX_SIGNATURE_KB. */
export const Signature = v.pipe(
  v.string(id('value.string')),
  v.maxLength(MAX_SIGNATURE_LENGTH, id('signature.tooLarge')),
  v.startsWith(`${SIGNATURE_PREFIX}${PNG_MAGIC_BASE64}`, id('signature.png')),
  v.check((s) => /^[A-Za-z0-9+/]+={0,2}$/.test(s.slice(SIGNATURE_PREFIX.length)) && (s.length - SIGNATURE_PREFIX.length) % 4 === 0, id('signature.png')),
);

/** A resident's view of one point of service (001 §4, 004 §10). */
export const VIEWS = ['very-satisfied', 'satisfied', 'average', 'poor'] as const;
export const View = oneOf(VIEWS);
export type View = v.InferOutput<typeof View>;
