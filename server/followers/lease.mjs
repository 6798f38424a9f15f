// @ts-check
/**
 * A lease in the database: with several server processes on one CouchDB (COUCHDB_URL), a
 * follower that must run once across them (the router, the publisher, the outage feed's
 * checkpoint, the deadline watcher) runs in the process that holds its lease.
 *
 * The lease is a document `lease:<name>` in router-state: { holder, renewedAt, expiresAt }.
 * - Taken by a revision-checked write: a put without `_rev` when there is none, or with the
 *   `_rev` read when it was released or expired. Of two processes taking it at once, CouchDB
 *   accepts one write; the other gets 409 and stays a standby.
 * - Renewed by its holder every `ttlMs / 3` (a put with the `_rev` it wrote last: a 409 means
 *   another took it, and the holder steps down at once).
 * - Expired, for a standby, when it has seen the same revision for `ttlMs` by its own clock:
 *   clocks of different machines are never compared (expiresAt is written for people reading the
 *   document). A holder that cannot renew steps down `ttlMs * 0.8` after the start of its last
 *   successful renewal, so it has stopped before any standby can take over.
 * - Released (holder null) when its holder stops gracefully: a standby takes it at its next check.
 *
 * A killed holder's work is taken over after at most ttlMs + checkMs (default 20 s + 5 s).
 *
 * Use (any follower with start/stop):
 *   const lease = createLease({ db: () => couch.db('router-state'), name: 'router', holder });
 *   lease.follow({ start: async () => { …start the follower… }, stop: async () => { …stop it… } });
 *   lease.start();            // checks now, then every checkMs; start/stop run as the lease is won or lost
 *   lease.held                // whether this process holds it now
 *   await lease.stop();       // stops the follower if running, releases the lease
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';

export const LEASE_PREFIX = 'lease:';

/** A holder id unique to this process: host, pid and a random part (a restarted process is a new holder). */
export function leaseHolderId() {
  return `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * @param {{
 *   db: () => Promise<any>,
 *   name: string,
 *   holder: string,
 *   ttlMs?: number,
 *   checkMs?: number,
 *   now?: () => number,
 *   log?: (msg: string) => void,
 * }} options db: the database holding the lease (router-state, admin only); holder: this
 *   process (leaseHolderId()); now: this process's clock (tests pass theirs)
 */
export function createLease({ db, name, holder, ttlMs = 20_000, checkMs = Math.min(5_000, Math.round(ttlMs / 4)), now = () => Date.now(), log = (msg) => console.log(msg) }) {
  const id = LEASE_PREFIX + name;
  const renewMs = Math.round(ttlMs / 3);
  /** @type {string | null} the revision we wrote last, while we hold it */
  let ownRev = null;
  /** @type {number} start of our last successful write */
  let renewedAt = 0;
  /** @type {{ rev: string, since: number } | null} another's revision and when we first saw it */
  let seen = null;
  /** @type {{ start: () => Promise<void>, stop: () => Promise<void> } | null} */
  let follower = null;
  /** @type {Promise<void>} start/stop of the follower, one after another */
  let transitions = Promise.resolve();
  let followerRunning = false;
  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null;
  let stopped = false;
  /** @type {Promise<boolean> | null} */
  let checking = null;

  /** @param {string | null} rev */
  function won(rev) {
    const first = ownRev === null;
    ownRev = rev;
    seen = null;
    if (first) {
      log(`[lease] ${name}: held by this process (${holder})`);
      transitions = transitions.then(async () => {
        if (ownRev === null || !follower || followerRunning || stopped) return;
        followerRunning = true;
        await follower.start().catch((/** @type {Error} */ err) => log(`[lease] ${name}: the follower did not start: ${err.message}`));
      });
    }
  }

  /** @param {string} why */
  function lost(why) {
    if (ownRev === null) return;
    ownRev = null;
    log(`[lease] ${name}: no longer held by this process (${why})`);
    transitions = transitions.then(async () => {
      if (!followerRunning || !follower) return;
      followerRunning = false;
      await follower.stop().catch((/** @type {Error} */ err) => log(`[lease] ${name}: stopping the follower: ${err.message}`));
    });
  }

  /** @param {Record<string, unknown>} doc @param {number} at */
  async function write(doc, at) {
    const database = await db();
    const res = await database.put({
      ...doc,
      _id: id,
      docType: 'lease',
      holder,
      renewedAt: new Date(at).toISOString(),
      expiresAt: new Date(at + ttlMs).toISOString(),
    });
    renewedAt = at;
    return /** @type {string} */ (res.rev);
  }

  /** One step: renew, take, or watch. Resolves to whether this process holds the lease. */
  async function checkOnce() {
    const at = now();
    if (ownRev !== null && at - renewedAt >= ttlMs * 0.8) lost('not renewed in time');
    try {
      const database = await db();
      if (ownRev !== null) {
        if (at - renewedAt < renewMs) return true;
        won(await write({ _rev: ownRev }, at));
        return true;
      }
      const current = await database.get(id).catch((/** @type {any} */ err) => (err?.status === 404 ? null : Promise.reject(err)));
      if (current === null) {
        won(await write({}, at));
        return true;
      }
      if (current.holder === holder) {
        // ours (a renewal whose answer was lost): carry on with its revision
        won(await write({ _rev: current._rev }, at));
        return true;
      }
      const free = current.holder === null || current.holder === undefined;
      if (!free) {
        if (!seen || seen.rev !== current._rev) seen = { rev: current._rev, since: at };
        if (at - seen.since < ttlMs) return false;
        log(`[lease] ${name}: ${current.holder} has not renewed for ${Math.round((at - seen.since) / 1000)} s: taking over`);
      }
      won(await write({ _rev: current._rev }, at));
      return true;
    } catch (err) {
      const status = /** @type {any} */ (err)?.status;
      if (status === 409) {
        lost('another process took it');
        seen = null;
        return false;
      }
      log(`[lease] ${name}: ${/** @type {Error} */ (err)?.message ?? err}`);
      return ownRev !== null;
    }
  }

  function check() {
    checking ??= checkOnce().finally(() => {
      checking = null;
    });
    return checking;
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = null;
      check().finally(schedule);
    }, ownRev !== null ? Math.min(checkMs, renewMs) : checkMs);
    timer.unref?.();
  }

  return {
    name,
    holder,
    /** @param {{ start: () => Promise<void>, stop: () => Promise<void> }} f what runs while the lease is held */
    follow(f) {
      follower = f;
    },
    /** One check now (tests drive the lease with this and their own clock). */
    check,
    /** Checks now, then every checkMs (renewing every ttlMs / 3 while held). */
    start() {
      stopped = false;
      void check().finally(schedule);
    },
    get held() {
      return ownRev !== null;
    },
    /** Resolves once the follower's start or stop under way has finished. */
    settled() {
      return transitions;
    },
    /**
     * Stops checking, stops the follower, and releases the lease (holder null) so that a
     * standby takes it at its next check. `{ release: false }`: as if killed (tests).
     * @param {{ release?: boolean }} [opts]
     */
    async stop({ release = true } = {}) {
      stopped = true;
      if (timer) clearTimeout(timer);
      await checking;
      const rev = ownRev;
      if (release) lost('stopping');
      else ownRev = null;
      await transitions;
      if (release && rev) {
        const database = await db();
        await database.put({ _id: id, _rev: rev, docType: 'lease', holder: null, releasedAt: new Date(now()).toISOString() }).catch(() => {});
      }
    },
  };
}

/** @typedef {ReturnType<typeof createLease>} Lease */
