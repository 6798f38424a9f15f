// @ts-check
/**
 * Waking the followers (the router, the working sets: server/followers/) after a write to /db,
 * so they read the database now rather than at their next sweep. `onWrite(dbName)` is the
 * backend's `onWrite` option (server/main.mjs hands it the router's and working sets' notify).
 */

/**
 * After a member's write the guard stored itself: wake when at least one document was stored.
 * @param {(dbName: string) => void} onWrite
 * @param {string} dbName
 * @param {import('../store.mjs').BulkRow[]} stored the rows the store answered
 */
export function wakeAfterStored(onWrite, dbName, stored) {
  // Wake the router at once rather than at its next sweep: it copies the event on.
  if (stored.some((r) => 'ok' in r && r.ok)) onWrite(dbName);
}

/**
 * A server admin's writes (imports, the CLI, a migration) skip the write check and go straight
 * to the engine, but must still wake the followers: embedded, the router learns which databases
 * changed only from this. Wakes once the response finished with a 2xx.
 * @param {(dbName: string) => void} onWrite
 * @param {import('express').Request} req
 * @param {import('express').Response} res
 * @param {string | null} dbName the decoded database name, null when the request names none
 */
export function wakeAfterAdminWrite(onWrite, req, res, dbName) {
  if (req.method === 'GET' || req.method === 'HEAD' || dbName === null) return;
  res.on('finish', () => {
    if (res.statusCode >= 200 && res.statusCode < 300) onWrite(dbName);
  });
}
