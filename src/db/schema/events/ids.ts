/**
 * Ids of events and requests: a prefix and a 26-character ULID (Crockford base32: 10
 * characters of milliseconds since the epoch, then 16 of randomness). Ids made later sort
 * later as plain strings, so a database ordered by id is ordered by creation time, and two
 * offline devices never make the same id (80 random bits).
 */

import { EVENT_ID_PREFIX, REQUEST_ID_PREFIX, ULID_ALPHABET } from '../vocabulary';

export { EVENT_ID_PATTERN, EVENT_ID_PREFIX, ID_LENGTH, REQUEST_ID_PATTERN, REQUEST_ID_PREFIX, ULID_ALPHABET } from '../vocabulary';

const TIME_CHARS = 10;
const RANDOM_CHARS = 16;
const MAX_TIME = 2 ** 48 - 1;

/** Returns a number in [0, 1), like Math.random. Injected so ids are reproducible in tests. */
export type RandomSource = () => number;

/** Cryptographic randomness where the platform has it (browsers, Node 20), else Math.random. */
export const defaultRandom: RandomSource = () => {
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint32Array) => Uint32Array } }).crypto;
  if (c?.getRandomValues) return c.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32;
  return Math.random();
};

function encodeTime(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_TIME) throw new RangeError(`cannot encode ${ms} as a ULID time`);
  let out = '';
  let rest = ms;
  for (let i = 0; i < TIME_CHARS; i += 1) {
    out = ULID_ALPHABET[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function encodeRandom(random: RandomSource): string {
  let out = '';
  for (let i = 0; i < RANDOM_CHARS; i += 1) {
    const r = random();
    if (!(r >= 0 && r < 1)) throw new RangeError(`a random source must return a number in [0, 1), got ${r}`);
    out += ULID_ALPHABET[Math.floor(r * 32)];
  }
  return out;
}

/** A ULID for the instant `now` (Date or epoch ms). */
export function ulid(now: Date | number, random: RandomSource = defaultRandom): string {
  const ms = now instanceof Date ? now.getTime() : now;
  return encodeTime(ms) + encodeRandom(random);
}

/** A new event id, `ev-` + ULID; pure when `random` is given. */
export function newEventId(now: Date | number, random: RandomSource = defaultRandom): string {
  return EVENT_ID_PREFIX + ulid(now, random);
}

/** A new request id, `rq-` + ULID; pure when `random` is given. */
export function newRequestId(now: Date | number, random: RandomSource = defaultRandom): string {
  return REQUEST_ID_PREFIX + ulid(now, random);
}

/** The creation time encoded in an event or request id (epoch ms). */
export function idTime(id: string): number {
  const body = id.slice(EVENT_ID_PREFIX.length, EVENT_ID_PREFIX.length + TIME_CHARS);
  let ms = 0;
  for (const ch of body) {
    const digit = ULID_ALPHABET.indexOf(ch);
    if (digit < 0) throw new RangeError(`not an id with a ULID: ${id}`);
    ms = ms * 32 + digit;
  }
  return ms;
}

/**
 * A deterministic random source (mulberry32) for tests and fixtures: the same seed gives
 * the same ids on every run.
 */
export function seededRandom(seed: number): RandomSource {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
