// @ts-check
/**
 * The clock of the server's timed followers (the deadline watcher, the notification sender):
 * the only place they read the time, so tests can move it.
 *
 *   HEARTHLINE_CLOCK_OFFSET_MS  a fixed offset in ms added to the real time (e.g. 90000000 runs
 *                               the watchers 25 hours ahead); for a staging server that rehearses
 *                               the escalation ladder. Unset in production.
 *   HEARTHLINE_CLOCK_FILE       test-only: a file holding an offset in ms, read again whenever it
 *                               changes, so a running server's watchers can be moved forward
 *                               without a restart (tests/integration/notify/*). Added to the
 *                               fixed offset. A missing or unreadable file counts as 0.
 *
 * Only the watchers read this clock: the write check (an event more than 24 h ahead is refused),
 * sessions and sign-in limits keep the real time.
 */
import { readFileSync, statSync } from 'node:fs';

/**
 * @param {NodeJS.ProcessEnv} env
 * @returns {() => number} epoch ms
 */
export function serverClockFromEnv(env) {
  const fixed = Number(env.HEARTHLINE_CLOCK_OFFSET_MS || 0);
  if (!Number.isFinite(fixed)) throw new Error(`HEARTHLINE_CLOCK_OFFSET_MS must be a number of milliseconds, got ${JSON.stringify(env.HEARTHLINE_CLOCK_OFFSET_MS)}`);
  const file = env.HEARTHLINE_CLOCK_FILE;
  if (!file) return () => Date.now() + fixed;
  let seenMtime = -1;
  let fromFile = 0;
  return () => {
    try {
      const mtime = statSync(file).mtimeMs;
      if (mtime !== seenMtime) {
        const value = Number(readFileSync(file, 'utf8').trim() || 0);
        fromFile = Number.isFinite(value) ? value : 0;
        seenMtime = mtime;
      }
    } catch {
      fromFile = 0;
      seenMtime = -1;
    }
    return Date.now() + fixed + fromFile;
  };
}
