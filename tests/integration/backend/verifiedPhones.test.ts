/**
 * Issue 19, item 6, done when: a resident signs up with a code sent to the phone on file, and
 * resets a forgotten password the same way; a wrong code five times stops further tries for a
 * while. Against the real server and the loopback Alibaba Cloud SMS endpoint; then a server with
 * no SMS configured, where sign-up works as before and a reset by SMS is not available.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type Site } from '../../support/server';
import { startAliyunSms, type FakeAliyunSms } from '../support/aliyunSms';
import { newAccountNumber, newPhone, registerCustomer, request, signIn, signupBody } from '../../support/client';

const OTP_TEMPLATE = 'SMS_300000001';
const LOCK_SECONDS = 3;
const PER_PEER = 25;
let sms: FakeAliyunSms;
let site: Site;

beforeAll(async () => {
  sms = await startAliyunSms({ signNames: ['城北热力'], templates: { [OTP_TEMPLATE]: '您的验证码为${code}，10分钟内有效，请勿告诉他人。' } });
  site = await startSite({
    env: {
      ...sms.env(`otp=${OTP_TEMPLATE}`),
      HEARTHLINE_ADMIN_PASSWORD: 'verified phones admin 1',
      HEARTHLINE_SIGNUP_ANSWER_MS: '200',
      HEARTHLINE_PHONE_CODE_INTERVAL_SECONDS: '1',
      HEARTHLINE_PHONE_CODE_LOCK_SECONDS: String(LOCK_SECONDS),
      HEARTHLINE_PHONE_CODES_PER_PEER: String(PER_PEER),
    },
  });
}, 120_000);

afterAll(async () => {
  await site?.stop();
  await sms?.close();
});

async function registered() {
  const body = signupBody();
  await registerCustomer(site.url, { accountNumber: String(body.accountNumber), phones: [String(body.phone)], station: 'demo', community: 'demo-garden' });
  return { body, accountNumber: String(body.accountNumber), phone: String(body.phone), name: `r-${body.accountNumber}` };
}

async function codeTo(path: string, accountNumber: string, phone: string) {
  const since = sms.messages.length;
  let asked = await request(site.url, 'POST', path, { accountNumber, phone });
  // the same phone was sent a code within the interval (a second here): wait it out, bounded
  for (let i = 0; asked.status === 429 && asked.json?.messageId === 'phoneCode.wait' && i < 5; i++) {
    await new Promise((r) => setTimeout(r, Number(asked.headers.get('retry-after')) * 1000));
    asked = await request(site.url, 'POST', path, { accountNumber, phone });
  }
  expect(asked.status).toBe(202);
  expect(asked.json).toMatchObject({ ok: true, messageId: 'phoneCode.sent' });
  return sms.waitForMessage(phone, since);
}

describe('with SMS configured', () => {
  it('says so to the forms', async () => {
    const res = await request(site.url, 'GET', '/api/phone-verification');
    expect(res.json).toEqual({ available: true, digits: 6, ttlMinutes: 10 });
  });

  it('a resident signs up with the code sent to the phone on file', async () => {
    const r = await registered();
    const without = await request(site.url, 'POST', '/api/signup', r.body);
    expect(without.status).toBe(400);
    expect(without.json).toMatchObject({ field: 'phoneCode', messageId: 'phoneCode.required' });

    const message = await codeTo('/api/signup/code', r.accountNumber, r.phone);
    expect(message.templateCode).toBe(OTP_TEMPLATE);
    expect(message.code).toMatch(/^\d{6}$/);
    expect(message.text).toBe(`【城北热力】您的验证码为${message.code}，10分钟内有效，请勿告诉他人。`);

    const malformed = await request(site.url, 'POST', '/api/signup', { ...r.body, phoneCode: '12ab' });
    expect(malformed.json).toMatchObject({ field: 'phoneCode', messageId: 'phoneCode.format' });
    const created = await request(site.url, 'POST', '/api/signup', { ...r.body, phoneCode: message.code });
    expect(created.status).toBe(202);
    expect((await signIn(site.url, r.name, String(r.body.password))).status).toBe(200);
  });

  it('a resident who forgot the password sets a new one with a code sent to that phone', async () => {
    const r = await registered();
    const signupCode = (await codeTo('/api/signup/code', r.accountNumber, r.phone)).code;
    expect((await request(site.url, 'POST', '/api/signup', { ...r.body, phoneCode: signupCode })).status).toBe(202);

    const resetCode = (await codeTo('/api/password-reset/code', r.accountNumber, r.phone)).code;
    const short = await request(site.url, 'POST', '/api/password-reset', { accountNumber: r.accountNumber, phone: r.phone, code: resetCode, password: 'short' });
    expect(short.json).toMatchObject({ field: 'password', messageId: 'signup.password.short' });
    const reset = await request(site.url, 'POST', '/api/password-reset', { accountNumber: r.accountNumber, phone: r.phone, code: resetCode, password: 'remembered now 42' });
    expect(reset.status).toBe(200);
    expect(reset.json).toMatchObject({ ok: true, messageId: 'passwordReset.done' });
    expect((await signIn(site.url, r.name, 'remembered now 42')).status).toBe(200);
    expect((await signIn(site.url, r.name, String(r.body.password))).status).toBe(401);
  });

  it('five wrong codes stop further tries for a while; after it a new code works', async () => {
    const r = await registered();
    const code = (await codeTo('/api/signup/code', r.accountNumber, r.phone)).code;
    const wrong = String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await request(site.url, 'POST', '/api/signup', { ...r.body, phoneCode: wrong })).status);
    expect(statuses).toEqual([400, 400, 400, 400, 429]);
    const right = await request(site.url, 'POST', '/api/signup', { ...r.body, phoneCode: code });
    expect(right.status).toBe(429);
    expect(right.json).toMatchObject({ field: 'phoneCode', messageId: 'phoneCode.locked' });
    expect((await signIn(site.url, r.name, String(r.body.password))).status).toBe(401);

    // the lock ends (polled, bounded), and the code it ended is spent: a new one is needed
    const deadline = Date.now() + (LOCK_SECONDS + 20) * 1000;
    let asked;
    do {
      await new Promise((res) => setTimeout(res, 500));
      asked = await request(site.url, 'POST', '/api/signup/code', { accountNumber: r.accountNumber, phone: r.phone });
    } while (asked.status === 429 && Date.now() < deadline);
    expect(asked.status).toBe(202);
    expect((await request(site.url, 'POST', '/api/signup', { ...r.body, phoneCode: code })).status).toBe(400);
    const fresh = (await sms.waitForMessage(r.phone, sms.messages.findLastIndex((m) => m.code === code) + 1)).code;
    expect((await request(site.url, 'POST', '/api/signup', { ...r.body, phoneCode: fresh })).status).toBe(202);
    expect((await signIn(site.url, r.name, String(r.body.password))).status).toBe(200);
  });

  it('a phone is sent at most one code a minute (here: a second), and one peer only so many an hour', async () => {
    const r = await registered();
    await codeTo('/api/signup/code', r.accountNumber, r.phone);
    const again = await request(site.url, 'POST', '/api/signup/code', { accountNumber: r.accountNumber, phone: r.phone });
    expect(again.status).toBe(429);
    expect(again.json).toMatchObject({ field: 'phone', messageId: 'phoneCode.wait' });

    let refused = null;
    for (let i = 0; i < PER_PEER + 1 && !refused; i++) {
      const res = await request(site.url, 'POST', '/api/signup/code', { accountNumber: newAccountNumber(), phone: newPhone() });
      if (res.status === 429) refused = res;
    }
    expect(refused?.json).toMatchObject({ messageId: 'phoneCode.wait' });
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(60);
  });
});

describe('with no SMS configured', () => {
  let plain: Site;
  beforeAll(async () => {
    plain = await startSite({ env: { HEARTHLINE_ADMIN_PASSWORD: 'no sms admin 1', HEARTHLINE_SIGNUP_ANSWER_MS: '100' } });
  }, 120_000);
  afterAll(async () => {
    await plain?.stop();
  });

  it('sign-up proves the phone against the register alone, as before; reset by SMS is not available', async () => {
    expect((await request(plain.url, 'GET', '/api/phone-verification')).json).toMatchObject({ available: false });
    const body = signupBody();
    await registerCustomer(plain.url, { accountNumber: String(body.accountNumber), phones: [String(body.phone)], station: 'demo', community: 'demo-garden' });
    expect((await request(plain.url, 'POST', '/api/signup', body)).status).toBe(202);
    expect((await signIn(plain.url, `r-${body.accountNumber}`, String(body.password))).status).toBe(200);

    const code = await request(plain.url, 'POST', '/api/password-reset/code', { accountNumber: body.accountNumber, phone: body.phone });
    expect(code.status).toBe(503);
    expect(code.json).toMatchObject({ messageId: 'passwordReset.unavailable' });
    const reset = await request(plain.url, 'POST', '/api/password-reset', { accountNumber: body.accountNumber, phone: body.phone, code: '123456', password: 'whatever pw 1' });
    expect(reset.status).toBe(503);
    expect((await request(plain.url, 'POST', '/api/signup/code', { accountNumber: body.accountNumber, phone: body.phone })).json).toMatchObject({ messageId: 'phoneCode.unavailable' });
  });
});
