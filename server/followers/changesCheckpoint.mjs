// @ts-check
/**
 * How the server's followers of a database (the publisher, the outage feed) keep their place:
 * a local document (`_local/…`: never replicated, never in `_changes`) holding the checkpoint
 * (`seq`), the ids of the few records the follower keeps in memory (`records`) and whatever
 * else the follower saves beside them. A restart fetches those records by id and reads
 * `_changes` on from the checkpoint, batch by batch, instead of the whole database again.
 */
import { readChangesInBatches } from './changes.mjs';

/**
 * @param {{ db: () => Promise<any>, stateId: string, batchSize?: number }} options
 *   db: the followed database (PouchDB API); stateId: `_local/<follower>`
 */
export function createChangesCheckpoint({ db, stateId, batchSize = 500 }) {
  return {
    /** The saved state, or null before the first save. @returns {Promise<Record<string, any> | null>} */
    async read() {
      const database = await db();
      return database.get(stateId).catch((/** @type {any} */ err) => (err?.status === 404 ? null : Promise.reject(err)));
    },

    /**
     * The documents of the saved record ids, 200 at a time (a deleted one is skipped).
     * @param {string[]} ids
     * @param {(doc: Record<string, any>) => void} onDoc
     */
    async fetch(ids, onDoc) {
      const database = await db();
      for (let i = 0; i < ids.length; i += 200) {
        const res = await database.allDocs({ keys: ids.slice(i, i + 200), include_docs: true });
        for (const row of res.rows) if (row.doc) onDoc(row.doc);
      }
    },

    /** @param {{ seq: string | number, records: string[] } & Record<string, unknown>} state */
    async save(state) {
      const database = await db();
      const prev = await database.get(stateId).catch(() => null);
      await database.put({ _id: stateId, ...(prev?._rev ? { _rev: prev._rev } : {}), ...state });
    },

    /**
     * Reads `_changes` (with documents) from `since` until there is nothing newer: each change to
     * `onChange`, then `afterBatch(lastSeq, moved)` once per batch, where the follower saves its
     * checkpoint (so a first read of a big database resumes where it stopped).
     * @param {string | number} since
     * @param {(change: { id: string, deleted?: boolean, doc?: Record<string, any> }) => void} onChange
     * @param {(lastSeq: string | number, moved: boolean) => Promise<void>} afterBatch
     */
    async readChanges(since, onChange, afterBatch) {
      await readChangesInBatches(await db(), {
        since,
        batchSize,
        options: { include_docs: true },
        onBatch: async (results, lastSeq, moved) => {
          for (const change of results) onChange(change);
          await afterBatch(lastSeq, moved);
        },
      });
    },
  };
}
