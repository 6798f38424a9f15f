import { ACCOUNT_MESSAGES, type AccountMessageId } from '../schema/accounts';

/**
 * The device's side of verified phones (issue 19; server: server/backend/phoneVerification.mjs):
 * whether this server sends SMS codes, asking for a code, and setting a forgotten password with
 * one. Online only, like sign-up: what the server answers is what the forms show, at its field.
 */

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;
const sameOrigin: FetchLike = (input, init) => fetch(input, { credentials: 'same-origin', ...init });

export type CodePurpose = 'signup' | 'reset';
export type PhoneCodeFailure = { ok: false; field: string; messageId: AccountMessageId | 'session.network' | 'session.server'; retryAfter?: number };
export type PhoneCodeResult = { ok: true; messageId: AccountMessageId } | PhoneCodeFailure;

/** Whether codes are sent here (null when the server cannot be asked: offline). */
export async function phoneVerification(options: { fetch?: FetchLike } = {}): Promise<{ available: boolean; ttlMinutes: number } | null> {
  try {
    const res = await (options.fetch ?? sameOrigin)('/api/phone-verification', { headers: { accept: 'application/json' } });
    if (!res.ok) return null;
    const body = (await res.json()) as { available?: unknown; ttlMinutes?: unknown };
    return { available: body.available === true, ttlMinutes: typeof body.ttlMinutes === 'number' ? body.ttlMinutes : 10 };
  } catch {
    return null;
  }
}

async function post(path: string, body: unknown, options: { fetch?: FetchLike }): Promise<PhoneCodeResult> {
  let res: Response;
  try {
    res = await (options.fetch ?? sameOrigin)(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    return { ok: false, field: '', messageId: 'session.network' };
  }
  const answer = (await res.json().catch(() => ({}))) as { field?: string; messageId?: string };
  const known = answer.messageId && answer.messageId in ACCOUNT_MESSAGES ? (answer.messageId as AccountMessageId) : undefined;
  if (res.ok) return { ok: true, messageId: known ?? 'phoneCode.sent' };
  const retryAfter = Number(res.headers.get('retry-after')) || undefined;
  return { ok: false, field: answer.field ?? '', messageId: known ?? 'session.server', ...(retryAfter ? { retryAfter } : {}) };
}

/** Asks the server to text a code to `phone` for the account (the same answer whether or not one is sent). */
export function requestPhoneCode(purpose: CodePurpose, input: { accountNumber: string; phone: string }, options: { fetch?: FetchLike } = {}) {
  return post(purpose === 'signup' ? '/api/signup/code' : '/api/password-reset/code', input, options);
}

/** Sets a new password with the code texted to the account's phone; every session of the account ends. */
export function resetPasswordWithCode(input: { accountNumber: string; phone: string; code: string; password: string }, options: { fetch?: FetchLike } = {}) {
  return post('/api/password-reset', input, options);
}
