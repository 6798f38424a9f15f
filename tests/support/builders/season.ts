/**
 * A generated heating season of documents in CouchDB shape, for benchmarks and for tests that
 * compare two ways of computing the same figures: requests of every kind (repairs,
 * complaints, consultations, temperature tests) with their events, callbacks and replies,
 * plus hotline calls. Deterministic: the same `n` and `seed` give the same documents.
 *
 *   documents(100_000)      exactly 100,000 documents (about 6 events per request)
 */
import { seededRandom, ulid } from '../../../src/db/schema/index';
import { PAYLOADS, SUBMISSIONS } from './events';

export const SEASON_START = Date.parse('2025-11-15T00:00:00+08:00');
const SEASON_MS = 125 * 24 * 3_600_000;
const STATIONS = ['north-1', 'south-2', 'east-3', 'west-4'];
const MIN = 60_000;

/** The events of one request, in CouchDB shape (about 6 per request on average). */
function* requestEvents(i: number, rnd: () => number): Generator<Record<string, unknown>> {
  const kinds = ['repair', 'repair', 'repair', 'complaint', 'consultation', 'temperature-test'] as const;
  const kind = kinds[i % kinds.length]!;
  const start = SEASON_START + Math.floor(rnd() * SEASON_MS);
  const station = STATIONS[i % STATIONS.length]!;
  const requestId = `rq-${ulid(start, rnd)}`;
  const resident = `r-${100000 + (i % 50000)}`;
  const hotline = { name: 'hl-li', role: 'hotline', device: 'pc-hotline-1' };
  const tech = { name: 'tc-chen', role: 'technician', device: 'phone-tc-chen' };
  const ev = (type: string, at: number, author: Record<string, string>, payload: Record<string, unknown>) => ({
    _id: `ev-${ulid(at, rnd)}`,
    docType: 'event',
    schemaVersion: 1,
    requestId,
    requestKind: kind,
    type,
    at: new Date(at).toISOString(),
    author,
    resident,
    station,
    visibility: 'resident',
    payload,
  });
  yield ev('submitted', start, hotline, { ...SUBMISSIONS[kind], channel: 'phone' });
  let t = start + Math.floor(rnd() * 30 * MIN);
  yield ev('accepted', t, hotline, {});
  if (kind === 'complaint' || kind === 'consultation') {
    t += Math.floor(rnd() * 30 * 60 * MIN);
    yield ev('reply', t, hotline, PAYLOADS.reply);
    t += Math.floor(rnd() * 7 * 24 * 60 * MIN);
    yield ev('closed', t, hotline, PAYLOADS.closed);
    return;
  }
  t += Math.floor(rnd() * 20 * MIN);
  yield ev('dispatched', t, hotline, { ...PAYLOADS.dispatched, visitAt: new Date(t + 40 * MIN).toISOString() });
  t += Math.floor(rnd() * 70 * MIN);
  yield ev('arrived', t, tech, {});
  if (kind === 'temperature-test') {
    yield ev('measured', t + 20 * MIN, tech, rnd() < 0.9 ? PAYLOADS.measured : { rooms: PAYLOADS.measured.rooms });
    return;
  }
  t += Math.floor(rnd() * 120 * MIN);
  yield ev('resolved', t, tech, PAYLOADS.resolved);
  if (rnd() < 0.92) {
    yield ev('callback', t + 24 * 60 * MIN, hotline, { ...PAYLOADS.callback, attitude: 7 + Math.floor(rnd() * 4), ability: 7 + Math.floor(rnd() * 4) });
  }
}

function* calls(n: number, rnd: () => number): Generator<Record<string, unknown>> {
  for (let i = 0; i < n; i += 1) {
    const at = SEASON_START + Math.floor(rnd() * SEASON_MS);
    const rings = 1 + Math.floor(rnd() * 5);
    yield {
      _id: `rc-${ulid(at, rnd)}`,
      docType: 'record',
      schemaVersion: 1,
      type: 'call',
      at: new Date(at).toISOString(),
      author: { name: 'hl-li', role: 'hotline', device: 'pc-hotline-1' },
      payload: { line: 'hotline', answered: rings < 5, rings },
    };
  }
}

/** Exactly `n` documents: requests' events, and one call per 20 events. */
export function* documents(n: number, seed = 1): Generator<Record<string, unknown>> {
  const rnd = seededRandom(seed);
  let made = 0;
  for (let i = 0; made < n; i += 1) {
    for (const e of requestEvents(i, rnd)) {
      if (made >= n) return;
      yield e;
      made += 1;
    }
    if (i % 3 === 0 && made < n) {
      for (const c of calls(1, rnd)) {
        yield c;
        made += 1;
      }
    }
  }
}
