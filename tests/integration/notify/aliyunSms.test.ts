/**
 * The Alibaba Cloud SMS adapter (server/notify/sms/aliyun.mjs) against a loopback server that
 * checks each request as the provider documents it (tests/integration/support/aliyunSms.ts):
 * the signature recomputed, the required parameters, the template and its variables; and the
 * provider's answers mapped to a provider id or an error that says whether to retry.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAliyunSms } from '../../../server/notify/sms/aliyun.mjs';
import { parseTemplates, smsChannelFromEnv } from '../../../server/notify/sms/index.mjs';
import { startAliyunSms, type FakeAliyunSms } from '../support/aliyunSms';

const TEMPLATES = {
  SMS_100000001: '您的验证码为${code}，10分钟内有效，请勿告诉他人。',
  SMS_100000002: '您报修的${request}已派单，维修人员${technician}预计${time}上门。',
};

let provider: FakeAliyunSms;
beforeAll(async () => {
  provider = await startAliyunSms({ templates: TEMPLATES });
});
afterAll(async () => {
  await provider?.close();
});

const channel = () => smsChannelFromEnv(provider.env('otp=SMS_100000001,dispatched=SMS_100000002'))!;

describe('Alibaba Cloud SendSms adapter', () => {
  it('sends a template with its parameters under the utility signature; the provider checks the signature and answers a BizId', async () => {
    const before = provider.messages.length;
    const result = await channel().send({ to: '13800000001', kind: 'otp', params: { code: '042917' }, text: '您的验证码为042917，10分钟内有效。' });
    expect(result.providerId).toMatch(/^\d+$/);
    const sent = provider.messages.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ phone: '13800000001', signName: '城北热力', templateCode: 'SMS_100000001', params: { code: '042917' }, bizId: result.providerId });
    expect(sent[0]!.text).toBe('【城北热力】您的验证码为042917，10分钟内有效，请勿告诉他人。');
  });

  it('encodes Chinese, spaces and reserved characters as the signature requires (a wrong encoder would be SignatureDoesNotMatch)', async () => {
    const before = provider.messages.length;
    await channel().send({
      to: '13900000002',
      kind: 'dispatched',
      params: { request: "报修 R-2026*0001 (暖气不热)!'~", technician: '王芳', time: '12月6日 09:30' },
      text: '…',
    });
    expect(provider.messages.slice(before)[0]!.text).toBe("【城北热力】您报修的报修 R-2026*0001 (暖气不热)!'~已派单，维修人员王芳预计12月6日 09:30上门。");
  });

  it('a wrong secret is refused by the provider with SignatureDoesNotMatch, not retryable', async () => {
    const wrong = smsChannelFromEnv({ ...provider.env('otp=SMS_100000001'), HEARTHLINE_SMS_ACCESS_KEY_SECRET: 'not-the-secret' })!;
    const err = await wrong.send({ to: '13800000001', kind: 'otp', params: { code: '111111' }, text: '' }).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ code: 'SignatureDoesNotMatch', status: 400, retryable: false });
    expect(provider.answers.at(-1)).toEqual({ code: 'SignatureDoesNotMatch', status: 400 });
  });

  it('maps the provider codes: flow control and system errors retryable, a bad template or missing variable not', async () => {
    provider.failNext('isv.BUSINESS_LIMIT_CONTROL', 'isp.SYSTEM_ERROR', 'isv.MOBILE_NUMBER_ILLEGAL');
    const send = () => channel().send({ to: '13800000003', kind: 'otp', params: { code: '123456' }, text: '' }).catch((e) => e);
    expect(await send()).toMatchObject({ code: 'isv.BUSINESS_LIMIT_CONTROL', retryable: true });
    expect(await send()).toMatchObject({ code: 'isp.SYSTEM_ERROR', retryable: true });
    expect(await send()).toMatchObject({ code: 'isv.MOBILE_NUMBER_ILLEGAL', retryable: false });

    const missing = await channel().send({ to: '13800000003', kind: 'dispatched', params: { request: 'R-1' }, text: '' }).catch((e) => e);
    expect(missing).toMatchObject({ code: 'isv.TEMPLATE_MISSING_PARAMETERS', retryable: false });

    const unregistered = smsChannelFromEnv(provider.env('otp=SMS_999'))!;
    expect(await unregistered.send({ to: '13800000003', kind: 'otp', params: { code: '1' }, text: '' }).catch((e) => e)).toMatchObject({ code: 'isv.SMS_TEMPLATE_ILLEGAL', retryable: false });
  });

  it('refuses before sending a number that is not a mainland mobile, or a kind with no template configured', async () => {
    const before = provider.answers.length;
    expect(await channel().send({ to: '0105551234', kind: 'otp', params: {}, text: '' }).catch((e) => e)).toMatchObject({ retryable: false });
    expect(await channel().send({ to: '13800000001', kind: 'outage-planned', params: {}, text: '' }).catch((e) => e)).toMatchObject({ retryable: false, code: 'hearthline.no-template' });
    expect(provider.answers.length).toBe(before);
  });

  it('an unreachable endpoint, a 5xx without a code and a timeout are retryable', async () => {
    const dead = createServer((req, res) => {
      if (req.url?.includes('slow')) return; // never answers
      res.writeHead(503).end('busy');
    });
    dead.listen(0, '127.0.0.1');
    await new Promise((r) => dead.once('listening', r));
    const base = `http://127.0.0.1:${(dead.address() as AddressInfo).port}`;
    const opts = { accessKeyId: 'a', accessKeySecret: 'b', signName: 'x', templates: { otp: 'SMS_1' } };
    const msg = { to: '13800000001', kind: 'otp', params: { code: '1' }, text: '' };
    expect(await createAliyunSms({ ...opts, endpoint: `${base}/` }).send(msg).catch((e) => e)).toMatchObject({ retryable: true, status: 503 });
    expect(await createAliyunSms({ ...opts, endpoint: `${base}/slow`, timeoutMs: 300 }).send(msg).catch((e) => e)).toMatchObject({ retryable: true, code: 'hearthline.network' });
    dead.closeAllConnections();
    await new Promise((r) => dead.close(r));
    expect(await createAliyunSms({ ...opts, endpoint: `${base}/` }).send(msg).catch((e) => e)).toMatchObject({ retryable: true, code: 'hearthline.network' });
  });
});

describe('smsChannelFromEnv', () => {
  it('is null with nothing configured, and refuses a half configuration', () => {
    expect(smsChannelFromEnv({})).toBeNull();
    expect(() => smsChannelFromEnv({ HEARTHLINE_SMS_ACCESS_KEY_ID: 'x' })).toThrow(/half configured.*HEARTHLINE_SMS_ACCESS_KEY_SECRET/);
    expect(() => smsChannelFromEnv({ HEARTHLINE_SMS_PROVIDER: 'tencent' })).toThrow(/aliyun/);
  });
  it('reads the kind → template map as pairs or JSON, and refuses nonsense', () => {
    expect(parseTemplates('otp=SMS_1, dispatched = SMS_2')).toEqual({ otp: 'SMS_1', dispatched: 'SMS_2' });
    expect(parseTemplates('{"visit-moved":"SMS_3"}')).toEqual({ 'visit-moved': 'SMS_3' });
    expect(() => parseTemplates('otp')).toThrow(/kind=TEMPLATE_CODE/);
    expect(() => parseTemplates('otp=SMS 1')).toThrow(/template code/);
  });
});
