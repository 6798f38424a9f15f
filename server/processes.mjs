// @ts-check
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
/**
 * Whether a process still runs: the lock files of the build (server/build.mjs) and of the
 * embedded database (server/backend/embedded.mjs) name the process that holds them, and a lock
 * whose holder died (a crash, kill -9) is stale.
 * EPERM means it exists but belongs to someone else: still alive.
 * @param {number} pid
 */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return /** @type {NodeJS.ErrnoException} */ (err).code === 'EPERM';
  }
}

/**
 * A lock file naming its holder's pid, shared by the build (server/build.mjs: waits for the
 * holder) and the embedded database (server/backend/embedded.mjs: refuses to start). Tries
 * once: creates `file` exclusively with this process's pid, or reports the live process that
 * holds it. A file left by a dead process (kill -9, power loss), or left empty longer than
 * `staleEmptyMs` (a crash between creating and writing it), is taken over.
 * @param {string} file
 * @param {{ staleEmptyMs?: number }} [opts]
 * @returns {{ release: () => void } | { heldBy: number }} release removes the file if it is still ours; heldBy 0 when the holder has not written its pid yet
 */
export function tryPidLock(file, { staleEmptyMs = 10_000 } = {}) {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      try {
        writeSync(fd, String(process.pid));
      } finally {
        closeSync(fd);
      }
      return {
        release: () => {
          try {
            if (readFileSync(file, 'utf8') === String(process.pid)) rmSync(file, { force: true });
          } catch {
            // already gone
          }
        },
      };
    } catch (err) {
      if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'EEXIST') throw err;
    }
    let text = '';
    let ageMs = 0;
    try {
      text = readFileSync(file, 'utf8').trim();
      ageMs = Date.now() - statSync(file).mtimeMs;
    } catch {
      continue; // released between the two steps: try again
    }
    const pid = Number(text);
    if (pid && pid !== process.pid && isAlive(pid)) return { heldBy: pid };
    if (!pid && ageMs < staleEmptyMs) return { heldBy: 0 };
    rmSync(file, { force: true });
  }
  return { heldBy: 0 };
}
