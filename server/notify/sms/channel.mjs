// @ts-check
/**
 * The SMS channel's contract: what a notification sender (and the phone check) calls, whatever
 * provider stands behind it. A utility that uses another provider writes one module that returns
 * such an object (docs/sms.md: "Adding a provider") and names it in `smsChannelFromEnv`.
 *
 * Providers in mainland China send only registered templates under a registered signature
 * (【签名】): the message is not free text but a template code and its variables. `text` is the
 * same message rendered in zh-CN, for the record and for providers that take free text.
 */

/**
 * One SMS to send.
 * @typedef {object} SmsMessage
 * @property {string} to a mainland mobile number, 11 digits (`13800000001`)
 * @property {string} kind the notification kind (`otp`, `dispatched`, `visit-moved`, …): the
 *   provider adapter maps it to the utility's registered template by configuration
 * @property {Record<string, string>} params the template's variables, all strings (`{ code: '123456' }`)
 * @property {string} text the message rendered in zh-CN (without the signature)
 * @property {string} [subject] a subject line (e-mail's; SMS ignores it)
 */

/**
 * A channel: `send` resolves when the provider accepted the message, with the provider's id of
 * it when it gives one, and rejects with an {@link SmsSendError} (an Error with a boolean
 * `retryable`) when it did not.
 * @typedef {object} SmsChannel
 * @property {'sms'} name
 * @property {(message: SmsMessage) => Promise<{ providerId?: string }>} send
 */

/**
 * A refused or failed send. `retryable`: true when the same message may succeed later (the
 * provider's flow control, its system error, the network, a timeout), false when it never will
 * as it is (a malformed number, a template the provider does not know, wrong credentials): the
 * sender then stops and shows the failure to staff.
 */
export class SmsSendError extends Error {
  /**
   * @param {string} message
   * @param {{ retryable: boolean, code?: string, status?: number, cause?: unknown }} details
   */
  constructor(message, { retryable, code, status, cause }) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'SmsSendError';
    /** @type {boolean} */
    this.retryable = retryable;
    /** the provider's error code, e.g. `isv.MOBILE_NUMBER_ILLEGAL` */
    this.code = code;
    /** the HTTP status of the provider's answer, when there was one */
    this.status = status;
  }
}

/** A mainland China mobile number: 11 digits starting 13–19. */
export const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;
