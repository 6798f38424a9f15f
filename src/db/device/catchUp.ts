/**
 * The pull's catch-up (a new device's history, a day offline): the `_changes` pages read here,
 * ahead of RxDB, and written straight into the collection's storage in large writes, instead
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
 * How it stays RxDB's replication: a run starts inside the fetch of one `_changes` page RxDB
 * asked for, and every answer RxDB gets is a page it can take as its own:
 *   - the writes carry the downstream's write flag (`downstreamBulkWriteFlag`), so RxDB's
 *     upstream knows them for pulled documents and never treats them as the device's own;
 *   - once `chunk` more events are stored, RxDB's request is answered with the last `limit`
 *     events stored and the `last_seq` of the last page stored: a full page, so RxDB stores
 *     that checkpoint (those events are already stored and equal: RxDB skips them) and asks
 *     for the page after it, which the run answers in turn (`continuesFrom`). Only what is
 *     stored is ever answered, so an interrupted load (a closed tab, the network gone)
 *     starts again from a checkpoint whose events are all on the device;
 *   - the feed's last page (fewer rows than `limit`) is answered as it is, for RxDB to write
 *     and end its catch-up on, once everything before it is stored; an empty one carries the
 *     last event written, so RxDB still stores the checkpoint (RxDB stores none for an empty
 *     page).
 * The run does not stop at a checkpoint: while RxDB stores it and asks on, pages are read and
 * written on (bench/sync.ts: the storage and the network stood idle at every checkpoint
 * before). It runs at most two chunks beyond the last checkpoint answered, with at most
 * `maxPending` events read and not yet stored: memory stays bounded when RxDB stops asking.
 */

export type ChangesRow = { id?: string; seq?: unknown; deleted?: boolean; doc?: Record<string, unknown> | null };
export type ChangesPage = { results?: ChangesRow[]; last_seq?: unknown };

export interface CatchUpOptions {
  /** Events stored between two checkpoints answered to RxDB (at least a page). */
  chunk: number;
  /** Events read and not yet stored before reading pauses (at least a page). */
  maxPending: number;
  /** The same page with only the rows to keep (the kind this replication carries), `last_seq` kept. */
  keep(page: ChangesPage): ChangesPage;
  /** The next page of `limit` rows after `since`, as the server answered it. */
  nextPage(since: unknown, limit: number): Promise<ChangesPage>;
  /** Stores these rows (the storage's write; rows the device holds are left as they are). */
  write(rows: ChangesRow[]): Promise<void>;
  /** True once the replication is stopping: the run reads no more and answers nothing. */
  stopped(): boolean;
  /**
   * A run from the feed's beginning (a new device) reads the database as it is now instead of
   * its changes (snapshot.ts): hands its rows to `take` (which waits while `maxPending` are read
   * and not stored) and resolves to the sequence read before them; the run then reads the
   * changes from there. Without it, or for a run from a checkpoint, the changes are read from
   * the start. It may resolve to NO_SNAPSHOT before taking any row (not worth it here): the run
   * then reads the changes from the first page on.
   */
  snapshot?(limit: number, take: (rows: ChangesRow[]) => Promise<void>): Promise<unknown>;
}

/** What a snapshot resolves to when it read nothing and the changes are read instead. */
export const NO_SNAPSHOT: unique symbol = Symbol('no snapshot');

/** RxDB asks from `0` when it holds no checkpoint yet. */
const fromStart = (since: unknown) => since === null || since === undefined || since === 0 || since === '0';

export interface CatchUp {
  /** Whether the run under way goes on from RxDB's request after `since` (`limit` rows a page). */
  continuesFrom(since: unknown, limit: number): boolean;
  /** The run's answer to that request (when continuesFrom said so). */
  next(): Promise<ChangesPage>;
  /**
   * RxDB asked for the page after `since` and the server answered `first`: a short page goes
   * back as it is (its kind only); a full one starts a run (any earlier run is dropped).
   */
  start(since: unknown, limit: number, first: ChangesPage): Promise<ChangesPage>;
  /** Drops the run under way (it reads no more; a write under way finishes). */
  stop(): void;
}

const rawLength = (page: ChangesPage) => (Array.isArray(page.results) ? page.results.length : 0);
const keyOf = (since: unknown, limit: number) => `${typeof since === 'string' ? since : JSON.stringify(since)} ${limit}`;

export function createCatchUp(o: CatchUpOptions): CatchUp {
  let run: Run | null = null;
  return {
    continuesFrom: (since, limit) => run !== null && run.expects === keyOf(since, limit),
    next() {
      if (!run) return Promise.reject(new Error('no catch-up under way'));
      return run.answer();
    },
    start(since, limit, first) {
      run?.drop();
      run = null;
      if (rawLength(first) < limit) return Promise.resolve(o.keep(first)); // one short page: nothing to gain
      run = new Run(o, limit, first, fromStart(since));
      return run.answer();
    },
    stop() {
      run?.drop();
      run = null;
    },
  };
}

class Run {
  /** The key RxDB's next request has when it goes on from this run's last answer. */
  expects: string | null = null;
  private pending: ChangesRow[] = [];
  /** `last_seq` of the last page whose rows are in `pending` (or stored). */
  private pendingSeq: unknown;
  private storedSeq: unknown;
  /** Events read (full pages) and stored since the start, and stored at the last answer. */
  private read = 0;
  private stored = 0;
  private answered = 0;
  /** The last `limit` events stored: the full page a checkpoint is answered with. */
  private recent: ChangesRow[] = [];
  private writing = false;
  /** The feed's last page (fewer rows than `limit`), once read. */
  private lastPage: ChangesPage | null = null;
  /** A write that failed (nothing more is written), or a read that failed (what was read is still written). */
  private failure: { error: unknown } | null = null;
  private readFailure: { error: unknown } | null = null;
  private dropped = false;
  /**
   * From the snapshot's start until its last row is stored: no checkpoint is answered (its rows
   * are in no sequence order); `snapshotRead` once every row of it was read.
   */
  private snapshotting = false;
  private snapshotRead = false;
  private listeners: (() => void)[] = [];
  private readonly chunk: number;
  private readonly maxPending: number;

  constructor(
    private readonly o: CatchUpOptions,
    private readonly limit: number,
    first: ChangesPage,
    fromStart: boolean,
  ) {
    this.chunk = Math.max(limit, o.chunk);
    this.maxPending = Math.max(limit, o.maxPending);
    this.take(first);
    if (fromStart && o.snapshot) void this.readSnapshot();
    else void this.readOn(first.last_seq);
  }

  /**
   * The database as it is now, then its changes from the sequence read before it. The first
   * page's rows are stored first and keep their `last_seq` (a valid checkpoint all along); the
   * snapshot's rows are written with it, and the snapshot's sequence becomes the checkpoint
   * once the last of them is stored.
   */
  private async readSnapshot() {
    this.snapshotting = true;
    let seq: unknown;
    try {
      seq = await this.o.snapshot!(this.limit, async (rows) => {
        while (this.pending.length >= this.maxPending && !this.over && !this.failure) await this.changed();
        if (this.over || this.failure) throw new Error('the catch-up ended');
        const kept = this.o.keep({ results: rows }).results ?? [];
        this.pending.push(...kept);
        this.read += kept.length;
        this.pump();
        this.notify();
      });
    } catch (error) {
      this.snapshotting = false;
      this.readFailure = { error };
      this.notify();
      return;
    }
    if (this.over) return;
    if (seq === NO_SNAPSHOT) {
      this.snapshotting = false;
      this.notify();
      void this.readOn(this.pendingSeq);
      return;
    }
    // Every row up to `seq` is read: the write that stores the last of them makes it a checkpoint.
    this.snapshotRead = true;
    this.pendingSeq = seq;
    this.pump();
    this.notify();
    void this.readOn(seq);
  }

  drop() {
    this.dropped = true;
    this.expects = null;
    this.notify();
  }

  private get over() {
    return this.dropped || this.o.stopped();
  }

  private notify() {
    const listeners = this.listeners;
    this.listeners = [];
    for (const l of listeners) l();
  }

  private changed() {
    return new Promise<void>((resolve) => this.listeners.push(resolve));
  }

  /** A full page's rows go to the writer; the feed's last page is kept for RxDB. */
  private take(page: ChangesPage) {
    const kept = this.o.keep(page);
    if (rawLength(page) < this.limit) {
      this.lastPage = kept;
      return;
    }
    const rows = kept.results ?? [];
    this.pending.push(...rows);
    this.read += rows.length;
    this.pendingSeq = page.last_seq;
    this.pump();
  }

  /** One write at a time, of everything read meanwhile (larger writes are cheaper). */
  private pump() {
    if (this.writing || this.failure || this.dropped) return;
    if (!this.pending.length) {
      this.storedSeq = this.pendingSeq; // pages with nothing of the kind: stored as they are
      if (this.snapshotRead) this.snapshotting = false;
      return;
    }
    const rows = this.pending;
    const seq = this.pendingSeq;
    const endsSnapshot = this.snapshotRead;
    this.pending = [];
    this.writing = true;
    this.o.write(rows).then(
      () => {
        this.writing = false;
        this.stored += rows.length;
        this.storedSeq = seq;
        if (endsSnapshot) this.snapshotting = false;
        this.recent = rows.length >= this.limit ? rows.slice(-this.limit) : [...this.recent, ...rows].slice(-this.limit);
        this.pump();
        this.notify();
      },
      (error: unknown) => {
        this.writing = false;
        this.failure ??= { error };
        this.notify();
      },
    );
  }

  /** Reads the pages after `since` until the feed's end, a failure or the run's end; pauses at its bounds. */
  private async readOn(since: unknown) {
    while (!this.lastPage && !this.failure && !this.readFailure && !this.over) {
      if (this.pending.length >= this.maxPending || this.read - this.answered >= 2 * this.chunk) {
        await this.changed();
        continue;
      }
      let page: ChangesPage;
      try {
        page = await this.o.nextPage(since, this.limit);
      } catch (error) {
        this.readFailure = { error };
        this.notify();
        return;
      }
      if (this.over) return;
      this.take(page);
      since = page.last_seq;
      this.notify();
    }
  }

  /** RxDB's answer: a checkpoint once `chunk` more events are stored, or the feed's last page once all is. */
  async answer(): Promise<ChangesPage> {
    this.expects = null;
    for (;;) {
      if (this.over) throw new Error('the replication stopped');
      const idle = !this.writing && !this.pending.length;
      const stored = this.stored - this.answered;
      // (After a failed read, what was read before it is stored first: the checkpoint covers it.)
      if (stored >= this.chunk && this.recent.length >= this.limit && !this.snapshotting && !(this.readFailure && !idle)) return this.checkpoint();
      if (this.lastPage && idle) {
        // The feed's last page: RxDB writes it and ends its catch-up with this checkpoint.
        const rows = this.lastPage.results ?? [];
        this.expects = null;
        return { ...this.lastPage, results: rows.length ? rows : this.recent.slice(-1) };
      }
      const failure = this.failure && !this.writing ? this.failure : this.readFailure && idle ? this.readFailure : null;
      if (failure) {
        // What is stored stays stored: with a full page of it, RxDB keeps that checkpoint.
        if (stored > 0 && this.recent.length >= this.limit) return this.checkpoint();
        this.dropped = true;
        throw failure.error;
      }
      await this.changed();
    }
  }

  private checkpoint(): ChangesPage {
    this.answered = this.stored;
    // A failed run answers what it stored and ends there: RxDB's next request starts afresh.
    this.expects = this.failure || this.readFailure ? null : keyOf(this.storedSeq, this.limit);
    this.notify(); // reading may go on
    return { results: this.recent, last_seq: this.storedSeq };
  }
}
