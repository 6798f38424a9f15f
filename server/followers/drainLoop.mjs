// @ts-check
/**
 * How the server's followers of the operations database (the publisher, the outage feed) are
 * woken: by `notify(dbName)` after a write (the /db guard calls it), and by a sweep every
 * `sweepIntervalMs` that catches what no notify announced (admin writes, writes straight to
 * CouchDB). A wake while a drain runs makes it run once more afterwards: never two at once, and
 * nothing written during a drain waits for the next sweep.
 */

/**
 * @param {{ drainOnce: () => Promise<void>, dbName: string, sweepIntervalMs: number, onError: (err: Error) => void }} options
 *   drainOnce: reads what is new and acts on it; onError: a failed drain (the next wake retries)
 */
export function createDrainLoop({ drainOnce, dbName, sweepIntervalMs, onError }) {
  let running = false;
  let again = false;
  let stopped = false;
  /** @type {Promise<void> | null} */
  let current = null;
  /** @type {ReturnType<typeof setInterval> | null} */
  let timer = null;

  /** Drains now, or once more after the drain in progress. */
  function drain() {
    if (stopped) return Promise.resolve();
    if (running) {
      again = true;
      return /** @type {Promise<void>} */ (current);
    }
    running = true;
    current = (async () => {
      try {
        do {
          again = false;
          await drainOnce();
        } while (again && !stopped);
      } catch (err) {
        onError(/** @type {Error} */ (err));
      } finally {
        running = false;
      }
    })();
    return current;
  }

  return {
    drain,
    /** Drains once, then follows notify() and the sweep. */
    async start() {
      await drain();
      if (sweepIntervalMs > 0 && !stopped) {
        timer = setInterval(() => void drain(), sweepIntervalMs);
        timer.unref();
      }
    },
    /** @param {string} name a database written to */
    notify(name) {
      if (name === dbName) void drain();
    },
    /** Whether stop() was called: a drain in progress should end early. */
    get stopped() {
      return stopped;
    },
    /**
     * Stops waking; `beforeWait` runs once no new drain can start (abort what is in progress),
     * then the drain in progress is awaited.
     * @param {() => void} [beforeWait]
     */
    async stop(beforeWait) {
      stopped = true;
      if (timer) clearInterval(timer);
      beforeWait?.();
      await current;
    },
  };
}
