/**
 * The pull's catch-up (a new device's history, a day offline): the `_changes` pages read here,
 * one page ahead, and written straight into the collection's storage in large writes, instead
 * of page by page through RxDB's downstream.
 *
 * Why: RxDB 17's downstream handles each pulled document on its own before the storage write
 * (a read of the fork's state for every id, a conflict check, a meta row and a revision per
 * document, a `received$` event each), and our fetch had to hand each page to it as a new
 * JSON text that RxDB parsed again. For events none of that is needed: they are written once
 * and never changed, so a pulled event the device already holds is the same event (IndexedDB's
 * add refuses its id and leaves it: addWriteOnce in dexieStorage.ts). bench/sync.ts measures
 * the difference.
 *
 * How it stays RxDB's replication: the catch-up runs inside the fetch of one `_changes` page
 * RxDB asked for, and answers it with a page RxDB can take as its own:
 *   - the writes carry the downstream's write flag (`downstreamBulkWriteFlag`), so RxDB's
 *     upstream knows them for pulled documents and never treats them as the device's own;
 *   - every `chunk` events it answers with the last `limit` events it wrote and the `last_seq`
 *     of the last page written: a full page, so RxDB stores that checkpoint (those events are
 *     already stored and equal: RxDB skips them) and asks for the next page, where the
 *     catch-up goes on (that page's read already under way: `ahead`). An interrupted load (a
 *     closed tab) starts again from that checkpoint;
 *   - the feed's last page (fewer rows than `limit`) is answered as it is, for RxDB to write
 *     and end its catch-up on; an empty one carries the last event written, so RxDB still
 *     stores the checkpoint (RxDB stores none for an empty page).
 * Memory stays bounded: at most one page is read ahead and `maxPending` events wait.
 */

export type ChangesRow = { id?: string; seq?: unknown; deleted?: boolean; doc?: Record<string, unknown> | null };
export type ChangesPage = { results?: ChangesRow[]; last_seq?: unknown };

export interface CatchUpOptions {
  /** The page RxDB asked for, as the server answered it. */
  first: ChangesPage;
  /** Rows per page (the request's `limit`). */
  limit: number;
  /** Events between two checkpoints handed to RxDB (at least `limit`). */
  chunk: number;
  /** Events waiting for the storage before reading pauses (at least `limit`). */
  maxPending: number;
  /** The same page of the rows to keep (the kind this replication carries), `last_seq` kept. */
  keep(page: ChangesPage): ChangesPage;
  /** The next page after `since`, as the server answered it. */
  nextPage(since: unknown): Promise<ChangesPage>;
  /** Stores these rows (the storage's write, conflicts left as they are). */
  write(rows: ChangesRow[]): Promise<void>;
  /** True once the replication is stopping: the catch-up ends without answering. */
  stopped(): boolean;
  /**
   * Handed the read of the page after a chunk (since its `last_seq`), started before the chunk
   * goes to RxDB: RxDB stores its checkpoint and asks for exactly that page, which the next
   * catch-up then takes from here instead of waiting for the server again.
   */
  ahead?(since: unknown, page: Promise<ChangesPage>): void;
}

const rawLength = (page: ChangesPage) => (Array.isArray(page.results) ? page.results.length : 0);

/** Reads and writes pages until a chunk is written or the feed ends; returns the page to hand RxDB. */
export async function catchUp(o: CatchUpOptions): Promise<ChangesPage> {
  if (rawLength(o.first) < o.limit) return o.keep(o.first); // one short page: nothing to gain
  let pending: ChangesRow[] = [];
  let recent: ChangesRow[] = [];
  let handed = 0;
  let lastSeq: unknown;
  let running: Promise<void> | null = null;
  let failure: { error: unknown } | null = null;
  // One write at a time; what arrived meanwhile goes in the next one (larger writes are cheaper).
  const pump = () => {
    if (running || failure || !pending.length) return;
    const rows = pending;
    pending = [];
    running = o.write(rows).then(
      () => {
        running = null;
        pump();
      },
      (error: unknown) => {
        running = null;
        failure ??= { error };
      },
    );
  };
  // A function, not an inline test: the writes set `failure` in their callbacks.
  const throwIfFailed = () => {
    if (failure) throw failure.error;
  };
  const drain = async () => {
    while (running) await running;
    throwIfFailed();
  };
  const answerWritten = async (): Promise<ChangesPage> => {
    await drain();
    return { results: recent, last_seq: lastSeq };
  };

  let page = o.first;
  for (;;) {
    if (o.stopped()) throw new Error('the replication stopped');
    const kept = o.keep(page);
    const rows = kept.results ?? [];
    if (rawLength(page) < o.limit) {
      // The feed's last page: RxDB writes it and ends its catch-up with this checkpoint.
      await drain();
      return { ...kept, results: rows.length ? rows : recent.slice(-1) };
    }
    pending.push(...rows);
    recent = rows.length >= o.limit ? rows.slice(-o.limit) : [...recent, ...rows].slice(-o.limit);
    handed += rows.length;
    lastSeq = page.last_seq;
    pump();
    const next = o.nextPage(page.last_seq); // read while the storage writes (and while RxDB takes a chunk)
    // Its failure is taken where it is awaited (below, or by the next catch-up); one failing
    // while the writer is awaited, or one nobody takes (the replication stopped), is no error.
    next.catch(() => undefined);
    if (handed >= o.chunk && recent.length >= o.limit) {
      o.ahead?.(page.last_seq, next);
      return answerWritten();
    }
    while (running && pending.length >= o.maxPending) await running;
    throwIfFailed();
    try {
      page = await next;
    } catch (err) {
      // What is written stays written: with a full page of it, RxDB keeps that checkpoint.
      if (recent.length >= o.limit) return answerWritten();
      await drain();
      throw err;
    }
  }
}
