/**
 * A new device's first load, read as the database is now rather than change by change: the
 * documents in a few ranges of ids, read side by side with `_all_docs`, and the sequence the
 * database was at before the first of them was read. The catch-up (catchUp.ts) writes them and
 * then reads the changes from that sequence on, so nothing written meanwhile is missed.
 *
 * Why: `_changes` can only be read one page after another (each page starts where the last
 * ended), and on the embedded backend the server reads a page row by row (PouchDB's LevelDB
 * adapter fetches each row's metadata on its own), so a new staff device's 50,000 events were
 * 50 pages read strictly in turn, the device waiting on each. Ranges of ids are independent:
 * several are read at once, on the server's threads and the device's at the same time.
 *
 * Why it is complete: events are written once and never deleted, and the sequence is read
 * first, so every document written up to it exists when the ranges are read and lies in
 * exactly one of them (the first range has no lower end, the last no upper one, so ids of any
 * form are covered). Documents written after it may come twice (in a range and again from the
 * changes): the device's write skips an event it holds (addWriteOnce). Event ids begin with
 * their creation time (`ev-` + ULID), so ranges cut at evenly spaced times hold about as many
 * events each.
 */
import { EVENT_ID_PREFIX, idTime, ulid } from '../schema/events/ids';
import { NO_SNAPSHOT, type ChangesRow } from './catchUp';

/** Ranges of ids read at once by default (a phone keeps a few requests open without strain). */
export const SNAPSHOT_READERS = 4;
/**
 * The round trip (ms, the database's info read) from which the snapshot is worth it. What it
 * saves is one round trip per page (50 for a season of a station); what it costs is more
 * requests and bytes (all_docs rows carry key and value too) and the server's reads side by
 * side. bench/sync.ts, 50,000 events: with 60 ms added to each round trip 11.2 s in four
 * ranges against 17.1 s page after page; on loopback (server and browser on the same two
 * cores) no difference, medians of 3 runs 10.9 s against 11.1 s (and single runs under load
 * went either way), so near the server the cheaper reading is kept.
 */
export const SNAPSHOT_MIN_ROUND_TRIP_MS = 25;

/** `[start, end)` of ids; null: no bound on that side. */
export type IdRange = { start: string | null; end: string | null };

/**
 * `count` ranges that together hold every id, cut at evenly spaced creation times between the
 * first and the last event id (one range when they give no span to cut).
 */
export function idRanges(firstEventId: string | null, lastEventId: string | null, count: number): IdRange[] {
  const cuts: string[] = [];
  if (firstEventId && lastEventId && count > 1) {
    let from: number;
    let to: number;
    try {
      from = idTime(firstEventId);
      to = idTime(lastEventId);
    } catch {
      from = to = 0; // ids without a time: one range
    }
    for (let i = 1; i < count && to > from; i += 1) {
      // The smallest id of that millisecond: every event created from then on sorts after it.
      const cut = EVENT_ID_PREFIX + ulid(Math.floor(from + ((to - from) * i) / count), () => 0);
      if (cut > firstEventId && cut <= lastEventId && cut !== cuts[cuts.length - 1]) cuts.push(cut);
    }
  }
  const bounds = [null, ...cuts, null];
  return bounds.slice(0, -1).map((start, i) => ({ start, end: bounds[i + 1]! }));
}

type JsonFetch = (path: string) => Promise<unknown>;
type AllDocsRow = { id?: string; key?: string; doc?: Record<string, unknown> | null; value?: { deleted?: boolean } };

/**
 * Reads the database at `url` (ending with a slash) as it is now: its sequence first, then
 * every document in `readers` ranges at once, `limit` a page, each page handed to `take` (which
 * may wait, holding that range's next read back: the caller's bound on what is read and not yet
 * stored). Resolves to the sequence (NO_SNAPSHOT when the round trip was below `minRoundTripMs`);
 * rejects on the first failed read (the other ranges stop).
 */
export async function readSnapshot(o: {
  getJson: JsonFetch;
  limit: number;
  readers?: number;
  /** Below this round trip (ms) nothing is read and NO_SNAPSHOT is the answer (default 0: always read). */
  minRoundTripMs?: number;
  take: (rows: ChangesRow[]) => Promise<void>;
}): Promise<unknown> {
  // The round trip: the quickest of a few info reads (one can wait behind the server's other
  // work; a slow network makes every one slow). The last read's sequence is the snapshot's.
  let info: { update_seq?: unknown } = {};
  let roundTrip = Infinity;
  for (let i = 0; i < ((o.minRoundTripMs ?? 0) > 0 ? 3 : 1); i += 1) {
    const asked = performance.now();
    info = (await o.getJson('')) as { update_seq?: unknown };
    roundTrip = Math.min(roundTrip, performance.now() - asked);
    if (roundTrip < (o.minRoundTripMs ?? 0)) return NO_SNAPSHOT;
  }
  if (info?.update_seq === undefined) throw new Error('the database answered without update_seq');
  const q = (params: Record<string, string | number | boolean>) =>
    '_all_docs?' +
    Object.entries(params)
      .map(([k, v]) => `${k}=${encodeURIComponent(typeof v === 'string' && k.endsWith('key') ? JSON.stringify(v) : String(v))}`)
      .join('&');
  const edge = async (descending: boolean) => {
    const page = (await o.getJson(
      q(descending ? { descending: true, startkey: `${EVENT_ID_PREFIX}\ufff0`, endkey: EVENT_ID_PREFIX, limit: 1 } : { startkey: EVENT_ID_PREFIX, endkey: `${EVENT_ID_PREFIX}\ufff0`, limit: 1 }),
    )) as { rows?: AllDocsRow[] };
    return page?.rows?.[0]?.id ?? null;
  };
  const [first, last] = await Promise.all([edge(false), edge(true)]);
  let failed = false;
  const readRange = async ({ start, end }: IdRange) => {
    let from = start;
    let skipFirst = false;
    while (!failed) {
      const params: Record<string, string | number | boolean> = { include_docs: true, limit: o.limit };
      if (from !== null) params.startkey = from;
      if (skipFirst) params.skip = 1; // the page before ended on `from`
      if (end !== null) Object.assign(params, { endkey: end, inclusive_end: false });
      const page = (await o.getJson(q(params))) as { rows?: AllDocsRow[] };
      if (!Array.isArray(page?.rows)) throw new Error('_all_docs answered without rows');
      const rows = page.rows.filter((r) => r.doc && !r.value?.deleted).map((r): ChangesRow => ({ id: r.id, doc: r.doc }));
      if (failed) return;
      await o.take(rows);
      if (page.rows.length < o.limit) return;
      from = page.rows[page.rows.length - 1]!.id!;
      skipFirst = true;
    }
  };
  await Promise.all(
    idRanges(first, last, Math.max(1, o.readers ?? SNAPSHOT_READERS)).map((range) =>
      readRange(range).catch((err: unknown) => {
        failed = true;
        throw err;
      }),
    ),
  );
  return info.update_seq;
}
