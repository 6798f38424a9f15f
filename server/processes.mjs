// @ts-check
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
