// @ts-check
/**
 * Alibaba Cloud SMS (阿里云短信服务, Dysmsapi 2017-05-25), the `SendSms` action over its
 * published RPC HTTP API, with no SDK (one request, one signature; the SDK would pull in a
 * client framework for it). Built from the provider's documentation:
 *   - SendSms, parameters and answer: https://help.aliyun.com/document_detail/55284.html
 *     (PhoneNumbers, SignName, TemplateCode, TemplateParam as a JSON string of string values;
 *     answer `{ Code: 'OK', Message, BizId, RequestId }`, any other Code is a refusal)
 *   - the RPC request structure and signature (V2, "RPC风格请求体&签名机制"):
 *     https://www.alibabacloud.com/help/tc/ram/common-parameters-2 — common parameters Action,
 *     Version, Format, AccessKeyId, SignatureNonce, Timestamp (UTC, yyyy-MM-ddTHH:mm:ssZ),
 *     SignatureMethod HMAC-SHA1, SignatureVersion 1.0; every parameter but Signature sorted by
 *     name, names and values percent-encoded per RFC 3986 (space %20, `*` %2A, `~` kept), joined
 *     with = and &; StringToSign = METHOD & percentEncode('/') & percentEncode(that string);
 *     Signature = Base64(HMAC-SHA1(AccessKeySecret + '&', StringToSign)).
 *   - error codes (短信服务错误码): isv.* are the caller's, isp.* the platform's; common gateway
 *     codes (SignatureDoesNotMatch, InvalidAccessKeyId.NotFound, Throttling.*) come with HTTP 4xx.
 * The note on SendSms that the API is not idempotent (a timeout may still have sent) is why a
 * timeout is retryable only by the sender's judgement: we say retryable, and the sender's
 * exactly-once bookkeeping is per attempt, not per network outcome.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { MAINLAND_MOBILE, SmsSendError } from './channel.mjs';

export const ALIYUN_DEFAULT_ENDPOINT = 'https://dysmsapi.aliyuncs.com/';

/**
 * Codes after which the same message may go through later: flow control (per number: 1 a minute,
 * 5 an hour for codes), the platform's own failures, a balance the utility tops up, a nonce clash.
 * Everything else (a bad number, template, signature, parameters, credentials) fails as it is.
 */
const RETRYABLE_CODES = new Set([
  'isp.SYSTEM_ERROR',
  'isp.GATEWAY_ERROR',
  'isv.BUSINESS_LIMIT_CONTROL',
  'isv.AMOUNT_NOT_ENOUGH',
  'isv.OUT_OF_SERVICE',
  'SignatureNonceUsed',
  'ServiceUnavailable',
  'InternalError',
]);

/** @param {string} code */
export function aliyunCodeRetryable(code) {
  return RETRYABLE_CODES.has(code) || code.startsWith('Throttling') || code.startsWith('isp.');
}

/**
 * RFC 3986 percent-encoding as the RPC signature requires: encodeURIComponent leaves !'()*
 * as they are, which the provider encodes.
 * @param {string} value
 */
export function percentEncode(value) {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The RPC signature (V2) of a parameter set, Signature itself left out.
 * @param {'GET' | 'POST'} method
 * @param {Record<string, string>} params
 * @param {string} accessKeySecret
 */
export function aliyunSignature(method, params, accessKeySecret) {
  const canonical = Object.keys(params)
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k] ?? '')}`)
    .join('&');
  const stringToSign = `${method}&${percentEncode('/')}&${percentEncode(canonical)}`;
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign, 'utf8').digest('base64');
}

/**
 * The signature as registered (签名名称): the provider wants the bare name; operators show it
 * in 【】, which a utility may well have written into its configuration.
 * @param {string} signName
 */
function bareSignName(signName) {
  return signName.trim().replace(/^【(.*)】$/, '$1');
}

/**
 * @typedef {object} AliyunSmsOptions
 * @property {string} accessKeyId
 * @property {string} accessKeySecret
 * @property {string} signName the utility's registered signature (签名), with or without 【】
 * @property {Record<string, string>} templates notification kind → registered template code (`{ otp: 'SMS_123456789' }`)
 * @property {string} [endpoint] default https://dysmsapi.aliyuncs.com/ (tests: a loopback server)
 * @property {string} [regionId] default cn-hangzhou
 * @property {number} [timeoutMs] default 10000 (the provider asks for at least 1 s)
 * @property {typeof fetch} [fetch]
 * @property {() => Date} [now]
 * @property {() => string} [nonce]
 */

/**
 * @param {AliyunSmsOptions} options
 * @returns {import('./channel.mjs').SmsChannel}
 */
export function createAliyunSms({
  accessKeyId,
  accessKeySecret,
  signName,
  templates,
  endpoint = ALIYUN_DEFAULT_ENDPOINT,
  regionId = 'cn-hangzhou',
  timeoutMs = 10_000,
  fetch: doFetch = fetch,
  now = () => new Date(),
  nonce = randomUUID,
}) {
  const sign = bareSignName(signName);
  return {
    name: 'sms',
    async send({ to, kind, params }) {
      if (!MAINLAND_MOBILE.test(to)) throw new SmsSendError(`not a mainland mobile number: ${to.slice(0, 3)}…`, { retryable: false, code: 'hearthline.bad-number' });
      const templateCode = Object.hasOwn(templates, kind) ? templates[kind] : undefined;
      if (!templateCode) throw new SmsSendError(`no SMS template is configured for ${kind} (HEARTHLINE_SMS_TEMPLATES)`, { retryable: false, code: 'hearthline.no-template' });
      /** @type {Record<string, string>} */
      const query = {
        Action: 'SendSms',
        Version: '2017-05-25',
        Format: 'JSON',
        RegionId: regionId,
        AccessKeyId: accessKeyId,
        SignatureMethod: 'HMAC-SHA1',
        SignatureVersion: '1.0',
        SignatureNonce: nonce(),
        Timestamp: now().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        PhoneNumbers: to,
        SignName: sign,
        TemplateCode: templateCode,
        // The provider accepts string values only (isv.INVALID_JSON_PARAM otherwise).
        TemplateParam: JSON.stringify(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)]))),
      };
      query.Signature = aliyunSignature('POST', query, accessKeySecret);
      const body = Object.entries(query)
        .map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`)
        .join('&');

      let res;
      try {
        res = await doFetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', accept: 'application/json' },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        throw new SmsSendError(`SMS provider not reachable: ${/** @type {Error} */ (err).message}`, { retryable: true, code: 'hearthline.network', cause: err });
      }
      /** @type {{ Code?: string, Message?: string, BizId?: string, RequestId?: string } | null} */
      let answer = null;
      try {
        answer = /** @type {any} */ (await res.json());
      } catch {
        answer = null;
      }
      const code = typeof answer?.Code === 'string' ? answer.Code : '';
      if (res.ok && code === 'OK') return answer?.BizId ? { providerId: String(answer.BizId) } : {};
      if (!code) {
        throw new SmsSendError(`SMS provider answered HTTP ${res.status} without a code`, { retryable: res.status >= 500 || res.status === 429, status: res.status, code: `http.${res.status}` });
      }
      throw new SmsSendError(`SMS provider refused: ${code} ${answer?.Message ?? ''}`.trim(), { retryable: aliyunCodeRetryable(code), status: res.status, code });
    },
  };
}
