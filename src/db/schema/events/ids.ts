/**
 * Ids of events and requests: a prefix and a 26-character ULID (Crockford base32: 10
 * characters of milliseconds since the epoch, then 16 of randomness). Ids made later sort
 * later as plain strings, so a database ordered by id is ordered by creation time, and two
 * offline devices never make the same id (80 random bits).
 *
 * Ids one device makes are monotonic within a millisecond (the ULID spec's monotonic mode): a
 * second id of the same millisecond is the previous one's random part plus one, not fresh
 * randomness. A request's events of one instant are folded in id order (requestState's
 * compareEvents), so a technician's `arrived` and `resolved` saved in the same millisecond fold
 * in the order the device made them, not by chance.
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

/** The random part plus one, in base32 (carrying leftwards); null past ZZZ…Z. */
function incrementRandom(part: string): string | null {
  const digits = [...part];
  for (let i = digits.length - 1; i >= 0; i -= 1) {
    const d = ULID_ALPHABET.indexOf(digits[i]!);
    if (d < ULID_ALPHABET.length - 1) {
      digits[i] = ULID_ALPHABET[d + 1]!;
      return digits.join('');
    }
    digits[i] = ULID_ALPHABET[0]!;
  }
  return null;
}

/** Makes ULIDs, each later than the one before within a millisecond (see monotonicUlids). */
export type UlidFactory = (now: Date | number) => string;

/**
 * A factory of ULIDs monotonic within a millisecond: an id of the same millisecond as the last
 * one is the last one's random part plus one (it still sorts after it as a string); a new
 * millisecond draws fresh randomness. An earlier millisecond (a clock set back, an event composed
 * for an earlier instant) also draws fresh randomness and keeps its own time: the id's time is
 * always the instant it was made for, which the fold compares first anyway. Increments never
 * overflow in practice (2^80 values from a random start); one that would throws, as a clock
 * that cannot move must not make an id that sorts before its predecessor.
 */
export function monotonicUlids(random: RandomSource = defaultRandom): UlidFactory {
  let lastMs = -1;
  let lastRandom = '';
  return (now) => {
    const ms = now instanceof Date ? now.getTime() : now;
    const time = encodeTime(ms);
    if (ms === lastMs) {
      const next = incrementRandom(lastRandom);
      if (next === null) throw new RangeError(`no more monotonic ULIDs in the millisecond ${ms}`);
      lastRandom = next;
    } else {
      lastMs = ms;
      lastRandom = encodeRandom(random);
    }
    return time + lastRandom;
  };
}

/** This device's (this page's, this process's) one factory: every id it makes by default. */
const deviceUlids = monotonicUlids();

/**
 * A ULID for the instant `now` (Date or epoch ms). Without `random`, from this device's
 * monotonic factory (ids of one millisecond in the order made); with it, pure (fixtures,
 * imports that derive ids from their rows).
 */
export function ulid(now: Date | number, random?: RandomSource): string {
  if (!random) return deviceUlids(now);
  const ms = now instanceof Date ? now.getTime() : now;
  return encodeTime(ms) + encodeRandom(random);
}

/** A new event id, `ev-` + ULID; pure when `random` is given, else monotonic on this device. */
export function newEventId(now: Date | number, random?: RandomSource): string {
  return EVENT_ID_PREFIX + ulid(now, random);
}

/** A new request id, `rq-` + ULID; pure when `random` is given, else monotonic on this device. */
export function newRequestId(now: Date | number, random?: RandomSource): string {
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
