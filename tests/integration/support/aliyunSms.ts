/**
 * A loopback stand-in for Alibaba Cloud SMS's `SendSms` (Dysmsapi 2017-05-25), a real HTTP
 * server that checks each request as the provider documents it and answers as it does:
 *   - https://help.aliyun.com/document_detail/55284.html (SendSms: parameters, answer, codes)
 *   - https://www.alibabacloud.com/help/tc/ram/common-parameters-2 (RPC request and signature V2)
 * The signature is recomputed here with its own encoder (not the adapter's), so an adapter that
 * encodes, sorts or keys the HMAC differently is refused with SignatureDoesNotMatch, as it would
 * be by the provider.
 *
 *   const sms = await startAliyunSms({ templates: { SMS_1: '您的验证码为${code}…' } });
 *   env: HEARTHLINE_SMS_ENDPOINT=sms.url, _ACCESS_KEY_ID=sms.accessKeyId, … (sms.env)
 *   sms.messages: what was accepted, rendered as the phone would show it ("【签名】…")
 *   sms.failNext('isp.SYSTEM_ERROR'): the next valid request is answered with that code
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DeliveredSms {
  phone: string;
  signName: string;
  templateCode: string;
  params: Record<string, string>;
  /** the template's `code` variable (a one-time code), '' when it has none */
  code: string;
  /** what the phone shows: 【signature】 and the template filled in */
  text: string;
  bizId: string;
  at: Date;
}

export interface AliyunSmsOptions {
  accessKeyId?: string;
  accessKeySecret?: string;
  /** registered signatures (bare names) */
  signNames?: string[];
  /** registered templates: code → content with ${var} placeholders */
  templates: Record<string, string>;
}

export interface FakeAliyunSms {
  url: string;
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  messages: DeliveredSms[];
  /** every request's verdict: the Code answered */
  answers: { code: string; status: number }[];
  /** the next valid requests are answered with these codes (HTTP 200, as business errors come) */
  failNext(...codes: string[]): void;
  /** env for the Hearthline server, with HEARTHLINE_SMS_TEMPLATES given by the caller */
  env(templates: string): Record<string, string>;
  /** the codes sent to a phone, newest last: the 6 digits of each `code` parameter */
  codesFor(phone: string): string[];
  /** polls until a message reaches the phone after `since` messages (bounded) */
  waitForMessage(phone: string, since?: number, timeoutMs?: number): Promise<DeliveredSms>;
  close(): Promise<void>;
}

/** RFC 3986, written out byte by byte: unreserved characters as they are, everything else %XY. */
function rfc3986(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function expectedSignature(method: string, params: Map<string, string>, secret: string): string {
  const canonical = [...params.keys()]
    .filter((k) => k !== 'Signature')
    .sort()
    .map((k) => `${rfc3986(k)}=${rfc3986(params.get(k)!)}`)
    .join('&');
  const toSign = `${method}&${rfc3986('/')}&${rfc3986(canonical)}`;
  return createHmac('sha1', `${secret}&`).update(toSign).digest('base64');
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const REQUIRED_COMMON = ['Action', 'Version', 'Format', 'AccessKeyId', 'SignatureNonce', 'Timestamp', 'SignatureMethod', 'SignatureVersion', 'Signature'];
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
/** the provider's own check of PhoneNumbers: +86/0086/86 or none, then 11 digits */
const PHONE = /^(?:\+86|0086|86)?1\d{10}$/;

export async function startAliyunSms(options: AliyunSmsOptions): Promise<FakeAliyunSms> {
  const accessKeyId = options.accessKeyId ?? `LTAI${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const accessKeySecret = options.accessKeySecret ?? randomUUID().replace(/-/g, '');
  const signNames = options.signNames ?? ['城北热力'];
  const messages: DeliveredSms[] = [];
  const answers: { code: string; status: number }[] = [];
  const failQueue: string[] = [];
  const usedNonces = new Set<string>();

  const server: Server = createServer(async (req, res) => {
    const requestId = randomUUID().toUpperCase();
    const answer = (status: number, body: Record<string, unknown>) => {
      answers.push({ code: String(body.Code), status });
      res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
      res.end(JSON.stringify({ RequestId: requestId, ...body }));
    };
    const gatewayError = (status: number, code: string, message: string) => answer(status, { HostId: 'dysmsapi.aliyuncs.com', Code: code, Message: message, Recommend: 'https://api.aliyun.com/troubleshoot' });
    const refuse = (code: string, message: string) => answer(200, { Code: code, Message: message });
    try {
      const url = new URL(req.url ?? '/', 'http://loopback');
      const method = req.method ?? 'GET';
      if (url.pathname !== '/' || (method !== 'GET' && method !== 'POST')) return gatewayError(404, 'InvalidAction.NotFound', 'Specified api is not found, please check your url and method.');
      const params = new Map<string, string>();
      for (const [k, v] of url.searchParams) params.set(k, v);
      if (method === 'POST') {
        const type = String(req.headers['content-type'] ?? '');
        const raw = await readBody(req);
        if (raw && !/^application\/x-www-form-urlencoded/i.test(type)) return gatewayError(400, 'InvalidParameter', 'The body must be form-encoded.');
        for (const [k, v] of new URLSearchParams(raw)) params.set(k, v);
      }
      for (const name of REQUIRED_COMMON) if (!params.get(name)) return gatewayError(400, `Missing${name}`, `${name} is mandatory for this action.`);
      if (params.get('Action') !== 'SendSms') return gatewayError(404, 'InvalidAction.NotFound', 'Specified api is not found.');
      if (params.get('Version') !== '2017-05-25') return gatewayError(400, 'InvalidVersion', 'Specified parameter Version is not valid.');
      if (params.get('SignatureMethod') !== 'HMAC-SHA1' || params.get('SignatureVersion') !== '1.0') return gatewayError(400, 'InvalidSignatureMethod', 'Specified signature method is not valid.');
      const timestamp = params.get('Timestamp')!;
      if (!TIMESTAMP.test(timestamp)) return gatewayError(400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.');
      if (Math.abs(Date.parse(timestamp) - Date.now()) > 15 * 60_000) return gatewayError(400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.');
      if (params.get('AccessKeyId') !== accessKeyId) return gatewayError(404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.');
      if (params.get('Signature') !== expectedSignature(method, params, accessKeySecret)) return gatewayError(400, 'SignatureDoesNotMatch', 'Specified signature is not matched with our calculation.');
      const nonce = params.get('SignatureNonce')!;
      if (usedNonces.has(nonce)) return gatewayError(400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
      usedNonces.add(nonce);

      for (const name of ['PhoneNumbers', 'SignName', 'TemplateCode']) if (!params.get(name)) return gatewayError(400, `Missing${name}`, `${name} is mandatory for this action.`);
      const phones = params.get('PhoneNumbers')!.split(',');
      if (phones.length > 1000) return refuse('isv.MOBILE_COUNT_OVER_LIMIT', '手机号码数量超过限制');
      if (!phones.every((p) => PHONE.test(p))) return refuse('isv.MOBILE_NUMBER_ILLEGAL', '非法手机号');
      const signName = params.get('SignName')!;
      if (!signNames.includes(signName)) return refuse('isv.SMS_SIGNATURE_ILLEGAL', '该账号下找不到对应签名');
      const templateCode = params.get('TemplateCode')!;
      const template = options.templates[templateCode];
      if (template === undefined) return refuse('isv.SMS_TEMPLATE_ILLEGAL', '该账号下找不到对应模板');
      let templateParams: Record<string, unknown> = {};
      const rawParams = params.get('TemplateParam');
      if (rawParams !== undefined) {
        try {
          templateParams = JSON.parse(rawParams);
        } catch {
          return refuse('isv.INVALID_JSON_PARAM', 'JSON参数不合法');
        }
        if (templateParams === null || typeof templateParams !== 'object' || Array.isArray(templateParams) || Object.values(templateParams).some((v) => typeof v !== 'string')) {
          return refuse('isv.INVALID_JSON_PARAM', 'JSON参数不合法，只接受字符串值');
        }
      }
      const variables = [...template.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]!);
      const missing = variables.filter((name) => templateParams[name] === undefined);
      if (missing.length > 0) return refuse('isv.TEMPLATE_MISSING_PARAMETERS', `模板缺少变量: ${missing.join(',')}`);
      const forced = failQueue.shift();
      if (forced) return refuse(forced, `forced by the test: ${forced}`);
      const bizId = `${Date.now()}${Math.floor(Math.random() * 1e6)}`;
      const body = template.replace(/\$\{(\w+)\}/g, (_m, name: string) => String(templateParams[name]));
      for (const phone of phones) {
        messages.push({ phone: phone.slice(-11), signName, templateCode, params: templateParams as Record<string, string>, code: String(templateParams.code ?? ''), text: `【${signName}】${body}`, bizId, at: new Date() });
      }
      return answer(200, { Code: 'OK', Message: 'OK', BizId: bizId });
    } catch (err) {
      return answer(500, { Code: 'isp.SYSTEM_ERROR', Message: String(err) });
    }
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  return {
    url,
    accessKeyId,
    accessKeySecret,
    signName: signNames[0]!,
    messages,
    answers,
    failNext: (...codes) => void failQueue.push(...codes),
    env: (templates) => ({
      HEARTHLINE_SMS_PROVIDER: 'aliyun',
      HEARTHLINE_SMS_ENDPOINT: url,
      HEARTHLINE_SMS_ACCESS_KEY_ID: accessKeyId,
      HEARTHLINE_SMS_ACCESS_KEY_SECRET: accessKeySecret,
      HEARTHLINE_SMS_SIGN_NAME: `【${signNames[0]}】`,
      HEARTHLINE_SMS_TEMPLATES: templates,
    }),
    codesFor: (phone) => messages.filter((m) => m.phone === phone && m.params.code).map((m) => m.params.code!),
    async waitForMessage(phone, since = 0, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.slice(since).find((m) => m.phone === phone);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no SMS reached ${phone} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
