// @ts-check
/**
 * The channels a notification goes out by, besides the app itself: e-mail (here, over SMTP with
 * nodemailer) and SMS (server/notify/sms/: a provider adapter, docs/sms.md). Both keep one
 * contract, so the sender (server/notify/sender.mjs) knows nothing of either:
 *
 * @typedef {object} NotifyMessage
 * @property {string} to an 11-digit mainland mobile number (sms) or an e-mail address (email)
 * @property {string} kind the notification kind (`dispatched`, `visit-moved`, …, `escalated`):
 *   an SMS provider maps it to the utility's registered template
 * @property {Record<string, string>} params the template's values, all strings (display names
 *   and times; never an internal note)
 * @property {string} text the message rendered in zh-CN (an e-mail adds the English after it)
 * @property {string} subject the subject line (e-mail; SMS ignores it)
 *
 * @typedef {object} NotifyChannel
 * @property {'sms' | 'email'} name
 * @property {(message: NotifyMessage) => Promise<{ providerId?: string }>} send resolves when the
 *   provider (the SMTP server, the SMS gateway) accepted the message; rejects with an Error whose
 *   boolean `retryable` says whether the same message may succeed later (a timeout, the network,
 *   a 4xx SMTP answer, flow control) or never will as it is (a 5xx SMTP answer: no such mailbox;
 *   an invalid number; wrong credentials). The sender retries the first with backoff and shows
 *   the second to staff as failed.
 *
 * Configuration (README, Configuration): HEARTHLINE_SMTP_URL and HEARTHLINE_MAIL_FROM for e-mail;
 * the HEARTHLINE_SMS_* settings for SMS. Nothing configured: in-app only (no record is written
 * for a channel that is not configured).
 */
import nodemailer from 'nodemailer';

/**
 * An Error with `retryable`, the contract's failure.
 * @param {string} message @param {boolean} retryable @param {unknown} [cause]
 * @returns {Error & { retryable: boolean }}
 */
export function channelError(message, retryable, cause) {
  return Object.assign(new Error(message, cause === undefined ? undefined : { cause }), { retryable });
}

/** Network failures nodemailer reports by code: the server was not reached, or the line dropped. */
const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EPROTOCOL']);

/**
 * E-mail over SMTP. `url` is nodemailer's connection URL: `smtp://user:pass@host:587` (STARTTLS
 * when the server offers it), `smtps://…:465` (TLS from the start); `?tls.rejectUnauthorized=false`
 * only for a test server.
 * @param {{ url: string, from: string, timeoutMs?: number }} options
 * @returns {NotifyChannel}
 */
export function createEmailChannel({ url, from, timeoutMs = 30_000 }) {
  if (!/^smtps?:\/\//.test(url)) throw new Error('HEARTHLINE_SMTP_URL must be an smtp:// or smtps:// URL');
  if (!from || !from.includes('@')) throw new Error('HEARTHLINE_MAIL_FROM must be the sender address, e.g. "城北热力 <service@heat.example.cn>"');
  const u = new URL(url);
  const secure = u.protocol === 'smtps:';
  const transport = nodemailer.createTransport({
    host: u.hostname,
    port: Number(u.port) || (secure ? 465 : 587),
    secure,
    ...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}),
    // a test server with its own certificate: ?tls.rejectUnauthorized=false
    ...(u.searchParams.get('tls.rejectUnauthorized') === 'false' ? { tls: { rejectUnauthorized: false } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return {
    name: 'email',
    async send({ to, text, subject }) {
      try {
        const info = await transport.sendMail({ from, to, subject, text });
        if (info.rejected?.length) throw channelError(`the SMTP server refused ${to}`, false);
        return { providerId: String(info.messageId ?? '') || undefined };
      } catch (err) {
        if (err instanceof Error && 'retryable' in err) throw err;
        const e = /** @type {{ code?: string, responseCode?: number, message?: string }} */ (err);
        // SMTP's own classes: 4xx try later, 5xx never as it is (RFC 5321 §4.2.1).
        const retryable = typeof e.responseCode === 'number' ? e.responseCode < 500 : TRANSIENT_CODES.has(String(e.code)) || !e.code;
        throw channelError(`e-mail to ${to}: ${e.message ?? String(err)}`, retryable, err);
      }
    },
  };
}

/**
 * The channels this server is configured for: `{ email?, sms? }`.
 * @param {NodeJS.ProcessEnv} env
 * @param {{ sms?: NotifyChannel | null }} [extra] an SMS channel built elsewhere (server/notify/sms/)
 * @returns {Partial<Record<'sms' | 'email', NotifyChannel>>}
 */
export function channelsFromEnv(env, extra = {}) {
  /** @type {Partial<Record<'sms' | 'email', NotifyChannel>>} */
  const channels = {};
  const smtp = env.HEARTHLINE_SMTP_URL ?? '';
  const from = env.HEARTHLINE_MAIL_FROM ?? '';
  if (smtp || from) {
    if (!smtp || !from) throw new Error('e-mail is half configured: set both HEARTHLINE_SMTP_URL and HEARTHLINE_MAIL_FROM');
    channels.email = createEmailChannel({ url: smtp, from });
  }
  if (extra.sms) channels.sms = extra.sms;
  return channels;
}
