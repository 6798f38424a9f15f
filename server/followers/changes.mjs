// @ts-check
/**
 * The loop every follower of a database runs (the publisher and the
 * outage feed through ./changesCheckpoint.mjs): read `_changes` from a checkpoint in batches
 * (`limit` = `batch_size`: a batch never holds more than the follower asked for), hand each
 * batch to the follower, which acts on it and saves its checkpoint, and stop when a batch comes
 * back short (caught up with what was there when it was read).
 *
 * Sequences are opaque: `since` is only handed back, and "moved" is a test of sameness, never
 * of order (CouchDB's are "<n>-<opaque>").
 */

/**
 * @param {any} db a PouchDB database (in-process or over HTTP)
 * @param {{
 *   since: string | number,
 *   batchSize: number,
 *   options?: Record<string, unknown>,
 *   stopped?: () => boolean,
 *   onBatch: (results: any[], lastSeq: string | number, moved: boolean) => Promise<void>,
 * }} follow options: more `_changes` parameters (include_docs, style, …); stopped: end early
 *   between batches; onBatch: act on the batch, then save `lastSeq` as the checkpoint
 * @returns {Promise<string | number>} the last sequence read
 */
export async function readChangesInBatches(db, { since, batchSize, options = {}, stopped = () => false, onBatch }) {
  let seq = since;
  for (;;) {
    if (stopped()) return seq;
    const res = await db.changes({ ...options, since: seq, limit: batchSize, batch_size: batchSize });
    const results = /** @type {any[]} */ (res.results ?? []);
    const moved = String(res.last_seq) !== String(seq);
    await onBatch(results, res.last_seq, moved);
    seq = res.last_seq;
    if (results.length < batchSize || !moved) return seq;
  }
}
