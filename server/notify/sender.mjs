// @ts-check
/**
 * The sender: delivers each notification record (notifier.mjs) exactly once, across restarts and
 * with several server processes.
 *
 * - It follows the `notifications` database's `_changes` from a checkpoint
 *   (`_local/hearthline-sender`) and keeps the records not yet settled (pending or sending) in
 *   memory; the checkpoint holds their ids, so a restart fetches those and reads on.
 * - A record is due when its `notBefore` (quiet hours) and `nextTryAt` (backoff) have passed.
 * - Claim, then send, then mark: the sender first updates the record from `pending` to `sending`
 *   with the revision it read (a revision-checked update: of two senders only one succeeds, the
 *   other gets a 409 and leaves it), then calls the channel, then writes `sent` (with the
 *   provider's id) or, on failure, `pending` again with `nextTryAt` (backoff doubling from
 *   `retryBaseMs`, at most `retryMaxMs`) while the error is retryable and attempts remain, else
 *   `failed` with the reason, which staff see on the request.
 * - A record found `sending` whose claim is older than `claimTimeoutMs` was interrupted between
 *   the channel call and the mark (a crash): whether it went out is unknown, so it is not sent
 *   again (never twice) but marked `failed` ("interrupted"), which staff see and may follow up.
 */
import * as v from 'valibot';
import { NOTIFICATIONS_DB } from '../../src/db/databaseNames.ts';
import { NotificationDoc } from '../../src/db/schema/notifications.ts';
import { createDrainLoop } from '../followers/drainLoop.mjs';
import { createChangesCheckpoint } from '../followers/changesCheckpoint.mjs';

const STATE_ID = '_local/hearthline-sender';

/** @typedef {import('../../src/db/schema/notifications.ts').NotificationDoc} NotificationRecord */

/**
 * @param {{
 *   couch: import('../couch/index.mjs').Couch,
 *   channels: Partial<Record<'sms' | 'email', import('./channels.mjs').NotifyChannel>>,
 *   now?: () => number,
 *   maxAttempts?: number,
 *   retryBaseMs?: number,
 *   retryMaxMs?: number,
 *   claimTimeoutMs?: number,
 *   sweepIntervalMs?: number,
 *   logError?: (msg: string) => void,
 * }} options
 */
export function createSender({ couch, channels, now = () => Date.now(), maxAttempts = 6, retryBaseMs = 60_000, retryMaxMs = 3_600_000, claimTimeoutMs = 5 * 60_000, sweepIntervalMs = 15_000, logError = (msg) => console.error(msg) }) {
  /** Records not settled yet, by id. @type {Map<string, NotificationRecord>} */
  const unsettled = new Map();
  /** @type {string | number} */
  let seq = 0;
  let loaded = false;
  const counts = { sent: 0, failed: 0, retried: 0, lostClaims: 0 };

  const db = () => couch.db(NOTIFICATIONS_DB);
  const checkpoint = createChangesCheckpoint({ db, stateId: STATE_ID });

  /** @param {Record<string, any>} doc */
  function keep(doc) {
    if (doc.docType !== 'notification') return;
    const parsed = v.safeParse(NotificationDoc, doc);
    if (!parsed.success) {
      logError(`[notify] ${doc._id}: not a well-formed notification, left alone`);
      return;
    }
    if (parsed.output.state === 'pending' || parsed.output.state === 'sending') unsettled.set(parsed.output._id, parsed.output);
    else unsettled.delete(parsed.output._id);
  }

  /**
   * A revision-checked update; null when another writer changed it first (it is read again).
   * @param {NotificationRecord} doc @param {Partial<NotificationRecord>} change
   * @returns {Promise<NotificationRecord | null>}
   */
  async function update(doc, change) {
    const next = /** @type {NotificationRecord} */ ({ ...doc, ...change });
    try {
      const res = await (await db()).put(next);
      const stored = { ...next, _rev: res.rev };
      keep(stored);
      return stored;
    } catch (err) {
      if (/** @type {{ status?: number }} */ (err).status !== 409) throw err;
      counts.lostClaims += 1;
      const current = await (await db()).get(doc._id).catch(() => null);
      if (current) keep(current);
      else unsettled.delete(doc._id);
      return null;
    }
  }

  /** @param {number} attempts how many were made */
  const backoff = (attempts) => Math.min(retryBaseMs * 2 ** Math.max(0, attempts - 1), retryMaxMs);

  /** @param {NotificationRecord} doc */
  async function deliver(doc) {
    const channel = channels[doc.channel];
    const at = now();
    if (!channel) {
      await update(doc, { state: 'failed', lastError: `the ${doc.channel} channel is not configured on this server` });
      counts.failed += 1;
      return;
    }
    const claimed = await update(doc, { state: 'sending', attempts: doc.attempts + 1, claimedAt: new Date(at).toISOString() });
    if (!claimed) return; // another sender has it
    let result;
    try {
      // An e-mail carries the English after the Chinese; an SMS is the Chinese alone (its template).
      const text = doc.channel === 'email' ? `${doc.text}\n\n${doc.textEn}` : doc.text;
      result = await channel.send({ to: doc.to, kind: doc.kind, params: doc.params, text, subject: doc.subject });
    } catch (err) {
      const e = /** @type {Error & { retryable?: boolean }} */ (err);
      const again = e.retryable === true && claimed.attempts < maxAttempts;
      const { nextTryAt: _n, ...rest } = claimed;
      await update(/** @type {NotificationRecord} */ (rest), again
        ? { state: 'pending', nextTryAt: new Date(now() + backoff(claimed.attempts)).toISOString(), lastError: e.message }
        : { state: 'failed', lastError: `${e.message}${e.retryable ? ` (gave up after ${claimed.attempts} attempts)` : ''}` });
      if (again) counts.retried += 1;
      else counts.failed += 1;
      return;
    }
    const { nextTryAt: _n, ...rest } = claimed;
    await update(/** @type {NotificationRecord} */ (rest), { state: 'sent', sentAt: new Date(now()).toISOString(), ...(result?.providerId ? { providerId: result.providerId } : {}) });
    counts.sent += 1;
  }

  /** Sends what is due, one at a time (a channel's rate is the provider's to limit). */
  async function sendDue() {
    const at = now();
    for (const doc of [...unsettled.values()].sort((a, b) => a.notBefore.localeCompare(b.notBefore))) {
      if (loop.stopped) return;
      if (doc.state === 'sending') {
        if (at - Date.parse(doc.claimedAt ?? '') > claimTimeoutMs) {
          await update(doc, { state: 'failed', lastError: 'interrupted while sending: it may or may not have gone out, so it is not sent again' });
          counts.failed += 1;
        }
        continue;
      }
      if (Date.parse(doc.notBefore) > at || (doc.nextTryAt && Date.parse(doc.nextTryAt) > at)) continue;
      try {
        await deliver(doc);
      } catch (err) {
        logError(`[notify] ${doc._id}: ${/** @type {Error} */ (err).message}`);
      }
    }
  }

  const loop = createDrainLoop({
    dbName: NOTIFICATIONS_DB,
    sweepIntervalMs,
    async drainOnce() {
      if (!loaded) {
        const state = await checkpoint.read();
        if (state) {
          seq = state.seq ?? 0;
          await checkpoint.fetch(state.records ?? [], keep);
        }
        loaded = true;
      }
      await checkpoint.readChanges(
        seq,
        (change) => {
          if (change.deleted) unsettled.delete(change.id);
          else if (change.doc) keep(change.doc);
        },
        async (lastSeq, moved) => {
          seq = lastSeq;
          if (moved) await checkpoint.save({ seq, records: [...unsettled.keys()] });
        },
      );
      await sendDue();
    },
    onError: (err) => logError(`[notify] ${err.message}`),
  });

  return {
    start: loop.start,
    notify: loop.notify,
    drain: loop.drain,
    stop: () => loop.stop(),
    get stats() {
      return { ...counts, unsettled: unsettled.size };
    },
  };
}
