// @ts-check
/**
 * The SMS channel from the environment (README, Configuration; docs/sms.md):
 *
 *   HEARTHLINE_SMS_PROVIDER           aliyun (the one built in; default when the keys are set)
 *   HEARTHLINE_SMS_ACCESS_KEY_ID      the provider's AccessKey ID
 *   HEARTHLINE_SMS_ACCESS_KEY_SECRET  … and its secret
 *   HEARTHLINE_SMS_SIGN_NAME          the utility's registered signature, e.g. 城北热力 or 【城北热力】
 *   HEARTHLINE_SMS_TEMPLATES          kind=template code, comma-separated:
 *                                     otp=SMS_100000001,dispatched=SMS_100000002
 *   HEARTHLINE_SMS_ENDPOINT           the API's URL (default https://dysmsapi.aliyuncs.com/)
 *   HEARTHLINE_SMS_REGION             RegionId (default cn-hangzhou)
 *
 * None of them set: no SMS (null): sign-up proves the phone against the register alone and a
 * forgotten password is reset at a service hall. Some but not all: the server does not start
 * (a half-configured channel would fail each message at night instead of once at start).
 */
export { SmsSendError, MAINLAND_MOBILE } from './channel.mjs';
import { createAliyunSms } from './aliyun.mjs';

/** @typedef {import('./channel.mjs').SmsChannel} SmsChannel */
/** @typedef {import('./channel.mjs').SmsMessage} SmsMessage */

const KIND = /^[a-z][a-z0-9-]*$/;
const TEMPLATE_CODE = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * `otp=SMS_1,dispatched=SMS_2` (or a JSON object) → `{ otp: 'SMS_1', dispatched: 'SMS_2' }`.
 * @param {string} raw
 * @returns {Record<string, string>}
 */
export function parseTemplates(raw) {
  const text = raw.trim();
  /** @type {[string, unknown][]} */
  const pairs = text.startsWith('{')
    ? Object.entries(JSON.parse(text))
    : text
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)
        .map((p) => {
          const eq = p.indexOf('=');
          if (eq < 1) throw new Error(`HEARTHLINE_SMS_TEMPLATES: "${p}" is not kind=TEMPLATE_CODE`);
          return [p.slice(0, eq).trim(), p.slice(eq + 1).trim()];
        });
  /** @type {Record<string, string>} */
  const templates = {};
  for (const [kind, code] of pairs) {
    if (!KIND.test(kind)) throw new Error(`HEARTHLINE_SMS_TEMPLATES: "${kind}" is not a notification kind (lower-case words joined by -)`);
    if (typeof code !== 'string' || !TEMPLATE_CODE.test(code)) throw new Error(`HEARTHLINE_SMS_TEMPLATES: the template code of ${kind} is not a code like SMS_123456789`);
    templates[kind] = code;
  }
  return templates;
}

/**
 * @param {NodeJS.ProcessEnv} env
 * @param {{ fetch?: typeof fetch }} [deps]
 * @returns {SmsChannel | null}
 */
export function smsChannelFromEnv(env, deps = {}) {
  const names = [
    'HEARTHLINE_SMS_ACCESS_KEY_ID',
    'HEARTHLINE_SMS_ACCESS_KEY_SECRET',
    'HEARTHLINE_SMS_SIGN_NAME',
    'HEARTHLINE_SMS_TEMPLATES',
  ];
  const set = names.filter((n) => (env[n] ?? '') !== '');
  const provider = env.HEARTHLINE_SMS_PROVIDER || (set.length > 0 ? 'aliyun' : '');
  if (!provider || provider === 'none') {
    if (set.length > 0) throw new Error(`SMS: ${set.join(', ')} set but HEARTHLINE_SMS_PROVIDER is none`);
    return null;
  }
  if (provider !== 'aliyun') throw new Error(`HEARTHLINE_SMS_PROVIDER must be aliyun (or unset), got ${JSON.stringify(provider)}; docs/sms.md says how to add another`);
  const missing = names.filter((n) => !set.includes(n));
  if (missing.length > 0) throw new Error(`SMS (${provider}) is half configured: set ${missing.join(', ')}`);
  const endpoint = env.HEARTHLINE_SMS_ENDPOINT || undefined;
  if (endpoint && !/^https?:\/\//.test(endpoint)) throw new Error('HEARTHLINE_SMS_ENDPOINT must be an http(s) URL');
  return createAliyunSms({
    accessKeyId: /** @type {string} */ (env.HEARTHLINE_SMS_ACCESS_KEY_ID),
    accessKeySecret: /** @type {string} */ (env.HEARTHLINE_SMS_ACCESS_KEY_SECRET),
    signName: /** @type {string} */ (env.HEARTHLINE_SMS_SIGN_NAME),
    templates: parseTemplates(/** @type {string} */ (env.HEARTHLINE_SMS_TEMPLATES)),
    endpoint,
    regionId: env.HEARTHLINE_SMS_REGION || undefined,
    fetch: deps.fetch,
  });
}
