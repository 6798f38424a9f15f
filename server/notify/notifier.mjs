// @ts-check
/**
 * The notifier: turns the events and records that matter into notification records, one per
 * recipient and channel (src/rules/notifications.ts says which, to whom and in what words), in
 * the server-only `notifications` database; the sender (sender.mjs) delivers them.
 *
 * It follows `operations`' `_changes` (every request's events and the outage records are there)
 * from a checkpoint (`_local/hearthline-notifier`, server/followers/changesCheckpoint.mjs), woken by writes
 * and a sweep (server/followers/drainLoop.mjs). Each record's id is `nt:[<request>:]<event or record>:<recipient>:<channel>`:
 * a replay after a crash (the checkpoint moves only after a batch's records are stored), a second
 * server process, or the same event read twice all write the same ids, and the database keeps
 * the first; so each event gives each recipient at most one message per channel.
 *
 * Recipients:
 * - a resident-visible event of a request: its resident, by the channels chosen in "my account"
 *   (the profile's `channels`; absent: SMS), an SMS to the phone a one-time code proved for the
 *   account (verifiedPhone) and to the profile's phone only where none was proved, held back through the quiet
 *   hours (src/rules/quietHours.ts) unless the request is an emergency;
 * - `escalated`: the accounts on that rung for the request's station (rungs.mjs), by the
 *   contacts the utility set for them; staff are told at once, night or not;
 * - `remedy-proposed` (a complaint remedy waiting for approval): the staff whose role approves
 *   it, at the request's station (staffToTell), by the same contacts; a callback falling due
 *   (no event: the deadline watcher sees it in time and calls tellStaff) likewise to the
 *   callback staff. Held through the quiet hours unless the request is an emergency;
 * - an outage: the residents of its communities; a planned one 48 h before its start, a fault
 *   at once (an outage in progress is not held back), its restoration once.
 * Only configured channels get records: with no SMS and no SMTP configured, the app alone tells
 * (the request's events and the new-update badge on the resident's device).
 */
import * as v from 'valibot';
import { NOTIFICATIONS_DB, OPERATIONS_DB, residentDbName } from '../../src/db/databaseNames.ts';
import { EventDoc, fromCouchDoc } from '../../src/db/schema/events/event.ts';
import { OperationsRecordDoc } from '../../src/db/schema/records/record.ts';
import { DEFAULT_RESIDENT_CHANNELS, StationDoc } from '../../src/db/schema/accounts.ts';
import { EscalationRungsDoc, ESCALATION_RUNGS_ID } from '../../src/db/schema/notifications.ts';
import { rungAccounts } from '../../src/rules/escalationRungs.ts';
import { chinaWhen, noticeOfEvent, noticeText, outageNoticeAt, staffToTell } from '../../src/rules/notifications.ts';
import { QUIET_HOURS, sendableAt } from '../../src/rules/quietHours.ts';
import { dictionary } from '../../src/i18n/index.ts';
import { createDrainLoop } from '../followers/drainLoop.mjs';
import { createChangesCheckpoint } from '../followers/changesCheckpoint.mjs';
import { verifiedPhone } from '../backend/phoneCodes.mjs';

const STATE_ID = '_local/hearthline-notifier';

/**
 * `nt:[<request>:]<event or record>:<recipient>:<channel>`: derived from what the message is
 * about, to whom and how, so the same message is always the same document.
 * @param {string | undefined} requestId @param {string} source @param {string} recipient @param {string} channel
 */
export function notificationId(requestId, source, recipient, channel) {
  return `nt:${requestId ? `${requestId}:` : ''}${source}:${recipient}:${channel}`;
}
const KIND_NAMES = dictionary('zh-CN').requestKinds;
/** Profiles read at once when an outage is told to a community's residents. */
const PROFILE_CONCURRENCY = 8;

/** @typedef {import('./channels.mjs').NotifyChannel} NotifyChannel */
/** @typedef {{ station: string | undefined, communities: string[] }} OutagePlace */

/**
 * @param {{
 *   couch: import('../couch/index.mjs').Couch,
 *   channels: Partial<Record<'sms' | 'email', unknown>>,
 *   now?: () => number,
 *   quietHours?: import('../../src/rules/quietHours.ts').QuietHours,
 *   sweepIntervalMs?: number,
 *   batchSize?: number,
 *   onWrite?: (dbName: string) => void,
 *   logError?: (msg: string) => void,
 * }} options
 *   channels: the configured ones (only their names matter here); onWrite: wakes the sender
 */
export function createNotifier({ couch, channels, now = () => Date.now(), quietHours = QUIET_HOURS, sweepIntervalMs = 10_000, batchSize = 200, onWrite = () => {}, logError = (msg) => console.error(msg) }) {
  const configured = /** @type {('sms' | 'email')[]} */ (Object.keys(channels).filter((c) => c === 'sms' || c === 'email'));
  /** Outage → its station and communities (a restoration record names only the outage). */
  /** @type {Map<string, OutagePlace>} */
  const outages = new Map();
  /** @type {string | number} */
  let seq = 0;
  let loaded = false;
  let written = 0;

  const db = () => couch.db(OPERATIONS_DB);
  const checkpoint = createChangesCheckpoint({ db, stateId: STATE_ID, batchSize });

  /** @param {string} name @returns {Promise<Record<string, any> | null>} */
  async function profileOf(name) {
    try {
      return await (await couch.db(residentDbName(name))).get('profile');
    } catch {
      return null; // no such database or profile: nobody to tell outside the app
    }
  }

  /**
   * The phone a one-time code proved for the resident `name` (r-<account number>), or null:
   * read through the router's admin access, as the backend's store would
   * (server/backend/phoneCodes.mjs); no such database (SMS never configured) is none.
   * @param {string} name
   */
  async function provenPhone(name) {
    if (!name.startsWith('r-')) return null;
    const store = /** @type {import('../backend/store.mjs').Store} */ (
      /** @type {unknown} */ ({
        get: async (/** @type {string} */ dbName, /** @type {string} */ id) => {
          try {
            return await (await couch.db(dbName)).get(id);
          } catch {
            return null;
          }
        },
      })
    );
    return verifiedPhone(store, name.slice(2));
  }

  /**
   * The resident's chosen channels that this server has, with their addresses: SMS to the phone
   * the resident proved by a code (issue 19, item 5), the profile's phone where none was proved.
   * @param {string} name @param {Record<string, any> | null} profile
   */
  async function residentAddresses(name, profile) {
    if (!profile) return [];
    const chosen = Array.isArray(profile.channels) ? profile.channels : DEFAULT_RESIDENT_CHANNELS;
    /** @type {{ channel: 'sms' | 'email', to: string }[]} */
    const out = [];
    for (const channel of configured) {
      if (!chosen.includes(channel)) continue;
      const to = channel === 'sms' ? ((await provenPhone(name)) ?? profile.phone) : profile.email;
      if (typeof to === 'string' && to) out.push({ channel, to });
    }
    return out;
  }

  async function rungs() {
    try {
      const doc = await (await couch.db(NOTIFICATIONS_DB)).get(ESCALATION_RUNGS_ID);
      const parsed = v.safeParse(EscalationRungsDoc, doc);
      return parsed.success ? parsed.output : null;
    } catch {
      return null;
    }
  }

  /**
   * @param {{ source: string, kind: import('../../src/db/schema/notifications.ts').NotificationKind, recipient: string, channel: 'sms' | 'email', to: string, requestId?: string, station?: string, params: Record<string, string>, notBefore: number }} n
   */
  function notification(n) {
    const words = noticeText(n.kind, n.params);
    const at = new Date(now()).toISOString();
    return {
      // A request's messages share a prefix: staff read them as one range (deliveries.mjs).
      _id: notificationId(n.requestId, n.source, n.recipient, n.channel),
      docType: 'notification',
      kind: n.kind,
      channel: n.channel,
      recipient: n.recipient,
      to: n.to,
      ...(n.requestId ? { requestId: n.requestId } : {}),
      ...(n.station ? { station: n.station } : {}),
      params: n.params,
      subject: words.subject,
      text: words.text,
      textEn: words.textEn,
      createdAt: at,
      notBefore: new Date(Math.max(n.notBefore, 0)).toISOString(),
      state: 'pending',
      attempts: 0,
    };
  }

  /** The notifications one document gives rise to. @param {Record<string, any>} doc @returns {Promise<Record<string, any>[]>} */
  async function notificationsOf(doc) {
    if (doc.docType === 'event') {
      const parsed = v.safeParse(EventDoc, doc);
      if (!parsed.success) return [];
      const event = fromCouchDoc(parsed.output);
      const notice = noticeOfEvent(event, KIND_NAMES[event.requestKind], now());
      if (!notice) return [];
      if (notice.audience === 'staff') return staffNotifications(notice);
      if (notice.audience === 'resident') {
        const release = sendableAt(now(), notice.urgent, quietHours).getTime();
        return (await residentAddresses(notice.resident, await profileOf(notice.resident))).map(({ channel, to }) =>
          notification({ source: doc._id, kind: notice.kind, recipient: notice.resident, channel, to, requestId: notice.requestId, station: notice.station, params: { ...notice.params }, notBefore: release }),
        );
      }
      const ladder = await rungs();
      if (!ladder) return [];
      const out = [];
      for (const account of rungAccounts(ladder.rungs, notice.level, notice.station)) {
        const contact = ladder.contacts[account] ?? {};
        for (const channel of configured) {
          const to = channel === 'sms' ? contact.phone : contact.email;
          if (to) out.push(notification({ source: doc._id, kind: 'escalated', recipient: account, channel, to, requestId: notice.requestId, station: notice.station, params: { ...notice.params }, notBefore: now() }));
        }
      }
      return out;
    }
    if (doc.docType === 'record' && typeof doc.type === 'string' && doc.type.startsWith('outage-')) return outageNotifications(doc);
    return [];
  }

  /** Every staff account with its roles and station (the `_users` documents, as listStaff reads them). */
  async function staffAccounts() {
    const users = await couch.db('_users');
    const res = await users.allDocs({ startkey: 'org.couchdb.user:', endkey: 'org.couchdb.user:\ufff0', include_docs: true });
    return res.rows
      .map((/** @type {{ doc?: Record<string, any> }} */ r) => r.doc)
      .filter((/** @type {Record<string, any> | undefined} */ d) => d && Array.isArray(d.roles) && d.roles.includes('staff'))
      .map((/** @type {Record<string, any>} */ d) => ({
        name: String(d.name),
        roles: d.roles.filter((/** @type {unknown} */ r) => typeof r === 'string' && r.startsWith('role:')).map((/** @type {string} */ r) => r.slice(5)),
        station: d.roles.find((/** @type {unknown} */ r) => typeof r === 'string' && r.startsWith('station:'))?.slice(8) ?? null,
      }));
  }

  /**
   * One record per told member of staff and configured channel, at the contacts the utility set
   * (set-contact); a member of staff with no contact is told in the app alone.
   * @param {import('../../src/rules/notifications.ts').StaffNotice} notice
   */
  async function staffNotifications(notice) {
    const [ladder, staff] = await Promise.all([rungs(), staffAccounts()]);
    const contacts = ladder?.contacts ?? {};
    const release = sendableAt(now(), notice.urgent, quietHours).getTime();
    const out = [];
    for (const account of staffToTell(staff, notice.roles, notice.station)) {
      const contact = contacts[account] ?? {};
      for (const channel of configured) {
        const to = channel === 'sms' ? contact.phone : contact.email;
        if (to) out.push(notification({ source: notice.source, kind: notice.kind, recipient: account, channel, to, requestId: notice.requestId, station: notice.station, params: { ...notice.params }, notBefore: release }));
      }
    }
    return out;
  }

  /** @param {Record<string, any>} doc */
  async function outageNotifications(doc) {
    const parsed = v.safeParse(OperationsRecordDoc, doc);
    if (!parsed.success) return [];
    const record = /** @type {any} */ (parsed.output);
    const payload = record.payload;
    if (record.type === 'outage-announced' || record.type === 'outage-started') {
      const known = outages.get(payload.outage);
      outages.set(payload.outage, { station: record.station ?? known?.station, communities: payload.communities ?? known?.communities ?? [] });
    }
    const place = outages.get(payload.outage);
    if (!place || place.communities.length === 0) return [];
    /** @type {{ kind: 'outage-announced' | 'outage-started' | 'outage-restored', release: number, params: Record<string, string> } | null} */
    let what = null;
    const communities = await communityNames(place);
    if (record.type === 'outage-announced') {
      const start = chinaWhen(payload.plannedStart);
      const end = payload.plannedEnd ? chinaWhen(payload.plannedEnd) : { zh: '另行通知', en: 'until further notice' };
      what = { kind: 'outage-announced', release: sendableAt(outageNoticeAt(now(), payload.plannedStart), false, quietHours).getTime(), params: { communities, start: start.zh, end: end.zh, startEn: start.en, endEn: end.en } };
    } else if (record.type === 'outage-started' && !payload.planned) {
      // an outage in progress: told at once, night or not
      what = { kind: 'outage-started', release: now(), params: { communities } };
    } else if (record.type === 'outage-restored') {
      what = { kind: 'outage-restored', release: sendableAt(now(), false, quietHours).getTime(), params: { communities } };
    }
    if (record.type === 'outage-restored') outages.delete(payload.outage); // told once; a replay finds its records stored
    if (!what) return [];
    const kind = what.kind;
    const release = what.release;
    const params = what.params;
    const residents = await residentsOf(new Set(place.communities));
    const out = [];
    for (const { name, profile } of residents) {
      for (const { channel, to } of await residentAddresses(name, profile)) {
        out.push(notification({ source: doc._id, kind, recipient: name, channel, to, ...(place.station ? { station: place.station } : {}), params, notBefore: release }));
      }
    }
    return out;
  }

  /** The communities' names as residents know them (the station's list), joined. @param {OutagePlace} place */
  async function communityNames(place) {
    const names = new Map();
    try {
      const operations = await db();
      const res = await operations.allDocs({ startkey: 'station:', endkey: 'station:\ufff0', include_docs: true });
      for (const row of res.rows) {
        const station = v.safeParse(StationDoc, row.doc);
        if (station.success) for (const c of station.output.communities) names.set(c.id, c.name);
      }
    } catch {
      // names are a courtesy: the ids stand in
    }
    return place.communities.map((c) => names.get(c) ?? c).join('、');
  }

  /** Every resident whose profile is in one of `communities`. @param {Set<string>} communities */
  async function residentsOf(communities) {
    const users = await couch.db('_users');
    const res = await users.allDocs({ startkey: 'org.couchdb.user:r-', endkey: 'org.couchdb.user:r-\ufff0' });
    const names = res.rows.map((/** @type {{ id: string }} */ r) => r.id.slice('org.couchdb.user:'.length));
    /** @type {{ name: string, profile: Record<string, any> }[]} */
    const found = [];
    let next = 0;
    const worker = async () => {
      while (next < names.length) {
        const name = names[next++];
        const profile = await profileOf(name);
        if (profile && communities.has(profile.community)) found.push({ name, profile });
      }
    };
    await Promise.all(Array.from({ length: PROFILE_CONCURRENCY }, worker));
    return found.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Stores the records; one already there (a replay, another server) is left as it is. @param {Record<string, any>[]} docs */
  async function store(docs) {
    if (!docs.length) return;
    const notifications = await couch.db(NOTIFICATIONS_DB);
    const rows = await notifications.bulkDocs(docs);
    const fresh = rows.filter((/** @type {any} */ r) => r.ok).length;
    for (const r of rows) if (!r.ok && r.error !== 'conflict' && r.name !== 'conflict' && r.status !== 409) logError(`[notify] ${r.id}: ${r.reason ?? r.message ?? r.error}`);
    written += fresh;
    if (fresh) onWrite(NOTIFICATIONS_DB);
  }

  /**
   * Reads the checkpoint; on the very first start takes the database's present end as it, so
   * what was written before notifications existed is not told now.
   */
  async function load() {
    if (loaded) return;
    const state = await checkpoint.read();
    if (state) {
      seq = state.seq ?? 0;
      for (const [outage, place] of Object.entries(state.outages ?? {})) outages.set(outage, /** @type {OutagePlace} */ (place));
    } else {
      seq = (await (await db()).info()).update_seq;
      await checkpoint.save({ seq, records: [], outages: {} });
    }
    loaded = true;
  }

  const loop = createDrainLoop({
    dbName: OPERATIONS_DB,
    sweepIntervalMs,
    async drainOnce() {
      await load();
      /** @type {Record<string, any>[]} */
      let batch = [];
      await checkpoint.readChanges(
        seq,
        (change) => {
          if (!change.deleted && change.doc) batch.push(change.doc);
        },
        async (lastSeq, moved) => {
          /** @type {Record<string, any>[]} */
          const docs = [];
          for (const doc of batch) {
            try {
              docs.push(...(await notificationsOf(doc)));
            } catch (err) {
              logError(`[notify] ${doc._id}: ${/** @type {Error} */ (err).message}`);
            }
          }
          batch = [];
          await store(docs);
          seq = lastSeq;
          if (moved) await checkpoint.save({ seq, records: [], outages: Object.fromEntries(outages) });
        },
      );
    },
    onError: (err) => logError(`[notify] ${err.message}`),
  });

  return {
    /**
     * Tells staff of something no event says (a callback falling due, seen by the deadline
     * watcher in time). The records' ids are derived from the notice, so a second call, after a
     * restart or from another server, writes nothing twice.
     * @param {import('../../src/rules/notifications.ts').StaffNotice} notice
     */
    tellStaff: async (notice) => store(await staffNotifications(notice)),
    /** Takes its place (the checkpoint) without reading on: call before anything it should tell is written. */
    init: load,
    start: loop.start,
    notify: loop.notify,
    drain: loop.drain,
    stop: () => loop.stop(),
    get stats() {
      return { written, channels: configured };
    },
  };
}
