/**
 * Issue 19, item 6: SMS one-time codes that prove a phone at sign-up and reset a forgotten
 * password. What a stranger can try against them, each written before the code that stops it:
 *   - enumeration: asking for a code, or trying one, tells nothing about whether an account
 *     exists or which phone it has (one answer, one time; a text only to the phone on file);
 *   - brute force: five wrong codes lock the account's codes for a while, even when the guesses
 *     come all at once, and the right code does not get through the lock;
 *   - replay: a code that was used does not work again;
 *   - another's account: a code sent to my phone does not reset yours, and asking for a reset of
 *     yours with my phone sends me nothing.
 * Against the real server, with the loopback Alibaba Cloud SMS endpoint (support/aliyunSms.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSite, type Site } from '../../support/server';
import { startAliyunSms, type FakeAliyunSms } from '../support/aliyunSms';
import { newAccountNumber, newPhone, registerCustomer, request, signIn, signupBody, type Reply } from '../../support/client';

const OTP_TEMPLATE = 'SMS_200000001';
const FLOOR_MS = 300;
let sms: FakeAliyunSms;
let site: Site;
/** Ours, so that a restart finds it (a folder startSite made itself is deleted by stop()). */
let dataDir: string;

const serverEnv = () => ({
  ...sms.env(`otp=${OTP_TEMPLATE}`),
  HEARTHLINE_ADMIN_PASSWORD: 'phone codes admin 1',
  HEARTHLINE_SIGNUP_ANSWER_MS: String(FLOOR_MS),
  HEARTHLINE_PHONE_CODE_INTERVAL_SECONDS: '1',
  HEARTHLINE_PHONE_CODES_PER_HOUR: '50',
  // every request of this file comes from one peer: its own limits are tested in verifiedPhones.test.ts
  HEARTHLINE_PHONE_CODES_PER_PEER: '1000',
  HEARTHLINE_PHONE_CODE_FAILURES_PER_PEER: '1000',
});

beforeAll(async () => {
  sms = await startAliyunSms({ templates: { [OTP_TEMPLATE]: '您的验证码为${code}，10分钟内有效，请勿告诉他人。' } });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'hearthline-phone-codes-'));
  site = await startSite({ dataDir, env: serverEnv() });
}, 120_000);

afterAll(async () => {
  await site?.stop();
  await sms?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const shape = (r: Reply) => ({ status: r.status, body: r.json, type: r.headers.get('content-type'), length: r.headers.get('content-length') });

async function timed(path: string, body: Record<string, unknown>) {
  const started = performance.now();
  const reply = await request(site.url, 'POST', path, body);
  return { reply, ms: performance.now() - started };
}

/** Asks for a code; waits out the per-phone interval (1 s here) when the phone was just sent one. */
async function askCode(path: string, body: { accountNumber: string; phone: string }) {
  for (let i = 0; ; i++) {
    const res = await request(site.url, 'POST', path, body);
    if (res.status !== 429 || res.json?.messageId !== 'phoneCode.wait' || i >= 5) return res;
    await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after')) * 1000));
  }
}

/** A resident in the register who signed up with a code sent to the phone on file. */
async function residentWithCode() {
  const body = signupBody();
  const accountNumber = String(body.accountNumber);
  const phone = String(body.phone);
  await registerCustomer(site.url, { accountNumber, phones: [phone], station: 'demo', community: 'demo-garden' });
  const since = sms.messages.length;
  const askedAt = Date.now();
  const asked = await askCode('/api/signup/code', { accountNumber, phone });
  expect(asked.status).toBe(202);
  const { code: sentCode } = await sms.waitForMessage(phone, since);
  const created = await request(site.url, 'POST', '/api/signup', { ...body, phoneCode: sentCode });
  expect(created.status).toBe(202);
  expect((await signIn(site.url, `r-${accountNumber}`, String(body.password))).status).toBe(200);
  // past the minimum interval between two codes to one phone (HEARTHLINE_PHONE_CODE_INTERVAL_SECONDS
  // = 1), so the caller's next code to this phone is not refused as too soon
  await new Promise((r) => setTimeout(r, Math.max(0, 1_200 - (Date.now() - askedAt))));
  return { accountNumber, phone, password: String(body.password), name: `r-${accountNumber}` };
}

/** Asks for a reset code and returns it as the phone received it. */
async function resetCode(accountNumber: string, phone: string) {
  const since = sms.messages.length;
  const asked = await askCode('/api/password-reset/code', { accountNumber, phone });
  expect(asked.status).toBe(202);
  return (await sms.waitForMessage(phone, since)).code;
}

/** A 6-digit code other than `code`. */
const otherThan = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

/** Waits until no text can still be on its way (sends run in the background), bounded. */
async function settle() {
  const deadline = Date.now() + 3_000;
  let seen = sms.answers.length;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 300));
    if (sms.answers.length === seen) return;
    seen = sms.answers.length;
  }
}

describe('enumeration: codes tell nothing about accounts', () => {
  it('asking for a sign-up or reset code answers alike for an account with its phone, a wrong phone, and no account; the text goes only to the phone on file', async () => {
    const resident = await residentWithCode();
    const registered = newAccountNumber();
    const registeredPhone = newPhone();
    await registerCustomer(site.url, { accountNumber: registered, phones: [registeredPhone], station: 'demo', community: 'demo-garden' });
    // another, so that no phone is asked for twice within the minimum interval
    const onFile = newAccountNumber();
    const onFilePhone = newPhone();
    await registerCustomer(site.url, { accountNumber: onFile, phones: [onFilePhone], station: 'demo', community: 'demo-garden' });
    const strangerPhone = newPhone();
    const before = sms.messages.length;

    const attempts = {
      resetOwnPhone: await timed('/api/password-reset/code', { accountNumber: resident.accountNumber, phone: resident.phone }),
      resetWrongPhone: await timed('/api/password-reset/code', { accountNumber: resident.accountNumber, phone: strangerPhone }),
      resetNoAccount: await timed('/api/password-reset/code', { accountNumber: registered, phone: registeredPhone }),
      resetNotInRegister: await timed('/api/password-reset/code', { accountNumber: newAccountNumber(), phone: newPhone() }),
      signupOnFile: await timed('/api/signup/code', { accountNumber: onFile, phone: onFilePhone }),
      signupWrongPhone: await timed('/api/signup/code', { accountNumber: onFile, phone: newPhone() }),
      signupNotInRegister: await timed('/api/signup/code', { accountNumber: newAccountNumber(), phone: newPhone() }),
    };
    const first = shape(attempts.resetOwnPhone.reply);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ ok: true, messageId: 'phoneCode.sent' });
    for (const [name, { reply, ms }] of Object.entries(attempts)) {
      expect(shape(reply), name).toEqual(first);
      expect(ms, name).toBeGreaterThanOrEqual(FLOOR_MS - 5);
    }
    await settle();
    const phones = sms.messages.slice(before).map((m) => m.phone).sort();
    expect(phones).toEqual([resident.phone, onFilePhone].sort());
  });

  it('a wrong code answers alike for an account that exists and one that does not, and both lock alike', async () => {
    const resident = await residentWithCode();
    await resetCode(resident.accountNumber, resident.phone);
    const ghost = { accountNumber: newAccountNumber(), phone: newPhone() };
    const tryCode = (who: { accountNumber: string; phone: string }) =>
      timed('/api/password-reset', { accountNumber: who.accountNumber, phone: who.phone, code: '000000', password: 'a new password 9' });
    for (let i = 1; i <= 6; i++) {
      const real = await tryCode(resident);
      const none = await tryCode(ghost);
      expect(shape(none.reply), `try ${i}`).toEqual(shape(real.reply));
      expect(real.reply.status, `try ${i}`).toBe(i < 5 ? 400 : 429);
      expect(real.reply.json.messageId).toBe(i < 5 ? 'phoneCode.wrong' : 'phoneCode.locked');
      expect(real.reply.json.field).toBe('code');
      expect(none.ms).toBeGreaterThanOrEqual(FLOOR_MS - 5);
    }
  });
});

describe('brute force: five wrong codes lock', () => {
  it('after five wrong codes the right one is refused too, and the password is unchanged', async () => {
    const resident = await residentWithCode();
    const code = await resetCode(resident.accountNumber, resident.phone);
    const answers = [];
    for (let i = 0; i < 5; i++) {
      answers.push((await request(site.url, 'POST', '/api/password-reset', { accountNumber: resident.accountNumber, phone: resident.phone, code: otherThan(code), password: 'attacker pw 123' })).status);
    }
    expect(answers).toEqual([400, 400, 400, 400, 429]);
    const right = await request(site.url, 'POST', '/api/password-reset', { accountNumber: resident.accountNumber, phone: resident.phone, code, password: 'attacker pw 123' });
    expect(right.status).toBe(429);
    expect(right.json.messageId).toBe('phoneCode.locked');
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await signIn(site.url, resident.name, resident.password)).status).toBe(200);
    // and no new code is sent while it is locked
    const asked = await request(site.url, 'POST', '/api/password-reset/code', { accountNumber: resident.accountNumber, phone: resident.phone });
    expect(asked.status).toBe(429);
    expect(asked.json.messageId).toBe('phoneCode.locked');
  });

  it('forty guesses sent at once get at most four wrong answers before the lock, and none gets in', async () => {
    const resident = await residentWithCode();
    const code = await resetCode(resident.accountNumber, resident.phone);
    const guesses = Array.from({ length: 40 }, (_, i) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'));
    const replies = await Promise.all(
      guesses.map((g) => request(site.url, 'POST', '/api/password-reset', { accountNumber: resident.accountNumber, phone: resident.phone, code: g, password: 'attacker pw 123' })),
    );
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toEqual([]);
    expect(statuses.filter((s) => s === 400).length).toBeLessThanOrEqual(4);
    expect((await request(site.url, 'POST', '/api/password-reset', { accountNumber: resident.accountNumber, phone: resident.phone, code, password: 'attacker pw 123' })).status).toBe(429);
    expect((await signIn(site.url, resident.name, resident.password)).status).toBe(200);
  });
});

describe('replay: a used code is spent', () => {
  it('the code that reset the password does not reset it again, nor does a sign-up code reset anything', async () => {
    const resident = await residentWithCode();
    const code = await resetCode(resident.accountNumber, resident.phone);
    const first = await request(site.url, 'POST', '/api/password-reset', { accountNumber: resident.accountNumber, phone: resident.phone, code, password: 'my new password 1' });
    expect(first.status).toBe(200);
    const again = await request(site.url, 'POST', '/api/password-reset', { accountNumber: resident.accountNumber, phone: resident.phone, code, password: 'replayed password 2' });
    expect(again.status).toBe(400);
    expect(again.json).toMatchObject({ field: 'code', messageId: 'phoneCode.wrong' });
    expect((await signIn(site.url, resident.name, 'my new password 1')).status).toBe(200);
    expect((await signIn(site.url, resident.name, 'replayed password 2')).status).toBe(401);

    // a code sent for sign-up is not a reset code
    const since = sms.messages.length;
    expect((await askCode('/api/signup/code', { accountNumber: resident.accountNumber, phone: resident.phone })).status).toBe(202);
    const signupCode = (await sms.waitForMessage(resident.phone, since)).code;
    const crossed = await request(site.url, 'POST', '/api/password-reset', { accountNumber: resident.accountNumber, phone: resident.phone, code: signupCode, password: 'crossed password 3' });
    expect(crossed.status).toBe(400);
    expect((await signIn(site.url, resident.name, 'my new password 1')).status).toBe(200);
  });
});

describe("another's account", () => {
  it('asking to reset your account with my phone sends me nothing; my code does not reset your password', async () => {
    const me = await residentWithCode();
    const you = await residentWithCode();
    const before = sms.messages.length;
    const asked = await request(site.url, 'POST', '/api/password-reset/code', { accountNumber: you.accountNumber, phone: me.phone });
    expect(asked.status).toBe(202);
    await settle();
    expect(sms.messages.slice(before).filter((m) => m.phone === me.phone || m.phone === you.phone)).toEqual([]);

    const myCode = await resetCode(me.accountNumber, me.phone);
    for (const phone of [me.phone, you.phone]) {
      const res = await request(site.url, 'POST', '/api/password-reset', { accountNumber: you.accountNumber, phone, code: myCode, password: 'taken over pw 1' });
      expect(res.status).toBe(400);
    }
    expect((await signIn(site.url, you.name, you.password)).status).toBe(200);
    expect((await signIn(site.url, you.name, 'taken over pw 1')).status).toBe(401);
    // my code is still mine to use
    expect((await request(site.url, 'POST', '/api/password-reset', { accountNumber: me.accountNumber, phone: me.phone, code: myCode, password: 'my own new pw 1' })).status).toBe(200);
  });

  it('a second phone on file that signs up again does not become the phone reset codes go to', async () => {
    const body = signupBody();
    const accountNumber = String(body.accountNumber);
    const first = String(body.phone);
    const second = newPhone();
    await registerCustomer(site.url, { accountNumber, phones: [first, second], station: 'demo', community: 'demo-garden' });
    let since = sms.messages.length;
    expect((await askCode('/api/signup/code', { accountNumber, phone: first })).status).toBe(202);
    const firstCode = (await sms.waitForMessage(first, since)).code;
    expect((await request(site.url, 'POST', '/api/signup', { ...body, phoneCode: firstCode })).status).toBe(202);

    since = sms.messages.length;
    expect((await askCode('/api/signup/code', { accountNumber, phone: second })).status).toBe(202);
    const secondCode = (await sms.waitForMessage(second, since)).code;
    expect((await request(site.url, 'POST', '/api/signup', { ...body, phone: second, phoneCode: secondCode, password: 'second holder pw 1' })).status).toBe(202);

    since = sms.messages.length;
    expect((await askCode('/api/password-reset/code', { accountNumber, phone: second })).status).toBe(202);
    await settle();
    expect(sms.messages.slice(since).filter((m) => m.phone === second)).toEqual([]);
    expect((await signIn(site.url, `r-${accountNumber}`, String(body.password))).status).toBe(200);
  });

  it('a reset ends every session of the account (a thief signed in with the old password is out)', async () => {
    const resident = await residentWithCode();
    const thief = await signIn(site.url, resident.name, resident.password);
    expect((await request(site.url, 'GET', '/db/_session', undefined, { cookie: thief.cookie })).json?.userCtx?.name).toBe(resident.name);
    const code = await resetCode(resident.accountNumber, resident.phone);
    expect((await request(site.url, 'POST', '/api/password-reset', { accountNumber: resident.accountNumber, phone: resident.phone, code, password: 'fresh password 7' })).status).toBe(200);
    const after = await request(site.url, 'GET', `/db/resident-${Buffer.from(resident.name).toString('hex')}/profile`, undefined, { cookie: thief.cookie });
    expect(after.status).toBe(401);
  });
});

describe('where codes live', () => {
  it('only hashed, in the server database; a code survives a restart of the server', async () => {
    const resident = await residentWithCode();
    const code = await resetCode(resident.accountNumber, resident.phone);
    const basic = { name: site.adminUser, password: site.adminPassword! };
    const all = await request(site.url, 'GET', '/db/phone-codes/_all_docs?include_docs=true', undefined, { basic });
    expect(all.status).toBe(200);
    const stored = all.json.rows.find((r: { id: string }) => r.id === `code:reset:${resident.accountNumber}`);
    expect(stored?.doc?.hash).toEqual(expect.any(String));
    expect(JSON.stringify(all.json)).not.toContain(code);
    // nobody but the server admin reads it
    const mine = await signIn(site.url, resident.name, resident.password);
    expect((await request(site.url, 'GET', '/db/phone-codes/_all_docs', undefined, { cookie: mine.cookie })).status).toBe(403);

    await site.stop();
    site = await startSite({ dataDir, env: serverEnv() });
    const used = await request(site.url, 'POST', '/api/password-reset', { accountNumber: resident.accountNumber, phone: resident.phone, code, password: 'after restart pw 1' });
    expect(used.status).toBe(200);
    expect((await signIn(site.url, resident.name, 'after restart pw 1')).status).toBe(200);
  });
});
