import * as v from 'valibot';
import { EmailAddress, MainlandMobile, NOTIFY_CHANNELS, PlaceId } from './accounts';

export { EmailAddress, NOTIFY_CHANNELS, type NotifyChannel } from './accounts';
import { UserName } from './events/fields';

/**
 * Notifications (domain.md, "Notifications"; issue 19): who stands on each rung of the escalation
 * ladder, and the durable record of each message the server sends. Both live in the
 * `notifications` database, which only the server reads and writes (server admins only): no
 * device replicates it. Staff read a request's delivery states through /db/_account.
 */

const Level = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(9));

/**
 * One entry of the ladder: the accounts standing on `level` at `station`, or at every station
 * when `station` is absent (a company manager answers for all of them; a station head for one).
 */
export const RungEntry = v.object({
  level: Level,
  station: v.optional(PlaceId),
  accounts: v.pipe(v.array(UserName), v.minLength(1)),
});
export type RungEntry = v.InferOutput<typeof RungEntry>;

/** How a member of staff on the ladder is reached outside the app (set with the admin CLI). */
export const StaffContact = v.object({ email: v.optional(EmailAddress), phone: v.optional(MainlandMobile) });
export type StaffContact = v.InferOutput<typeof StaffContact>;

export const ESCALATION_RUNGS_ID = 'escalation-rungs';
export const EscalationRungsDoc = v.object({
  _id: v.literal(ESCALATION_RUNGS_ID),
  _rev: v.optional(v.string()),
  docType: v.literal('escalation-rungs'),
  rungs: v.array(RungEntry),
  contacts: v.record(UserName, StaffContact),
});
export type EscalationRungsDoc = v.InferOutput<typeof EscalationRungsDoc>;

/** What a message is about: the events and records that matter to someone (issue 19, item 3). */
export const NOTIFICATION_KINDS = [
  'dispatched',
  'visit-moved',
  'nobody-home',
  'measured',
  'awaiting-sign-off',
  'reply',
  'outage-announced',
  'outage-started',
  'outage-restored',
  'escalated',
  'callback-due',
  'remedy-awaiting-approval',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const DELIVERY_STATES = ['pending', 'sending', 'sent', 'failed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/**
 * One message to one recipient by one channel. Its id is derived from what it is about, the
 * recipient and the channel (`nt:[<request>:]<source>:<recipient>:<channel>`), so writing it twice (a replay,
 * a second server, a restart) is a conflict, not a second message. The sender claims it
 * (pending → sending, a revision-checked update) before sending and marks it sent or failed
 * after; `notBefore` holds it back through quiet hours.
 */
export const NotificationDoc = v.object({
  _id: v.pipe(v.string(), v.startsWith('nt:')),
  _rev: v.optional(v.string()),
  docType: v.literal('notification'),
  kind: v.picklist(NOTIFICATION_KINDS),
  channel: v.picklist(NOTIFY_CHANNELS),
  recipient: UserName,
  /** The address when it was written: a phone or an e-mail address. */
  to: v.pipe(v.string(), v.nonEmpty(), v.maxLength(254)),
  /** The request it is about (staff see its deliveries on the request), if any. */
  requestId: v.optional(v.string()),
  station: v.optional(PlaceId),
  /** The template's values: display names and times, never an internal note. */
  params: v.record(v.string(), v.pipe(v.string(), v.maxLength(500))),
  subject: v.string(),
  /** zh-CN (the SMS); an e-mail adds textEn after it. */
  text: v.pipe(v.string(), v.maxLength(1000)),
  textEn: v.pipe(v.string(), v.maxLength(1000)),
  createdAt: v.string(),
  /** Not sent before this instant (quiet hours). */
  notBefore: v.string(),
  state: v.picklist(DELIVERY_STATES),
  attempts: v.pipe(v.number(), v.integer(), v.minValue(0)),
  nextTryAt: v.optional(v.string()),
  claimedAt: v.optional(v.string()),
  sentAt: v.optional(v.string()),
  providerId: v.optional(v.string()),
  lastError: v.optional(v.string()),
});
export type NotificationDoc = v.InferOutput<typeof NotificationDoc>;
