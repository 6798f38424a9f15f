/**
 * Small HTTP helpers for the backend tests: JSON requests with a session cookie or Basic
 * credentials, sign-up and sign-in of residents, the admin CLI.
 */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { REPO_ROOT } from '../support/site';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export interface Auth {
  cookie?: string;
  basic?: { name: string; password: string };
}

export async function request(
  base: string,
  method: string,
  urlPath: string,
  body?: unknown,
  auth: Auth = {},
  headers: Record<string, string> = {},
): Promise<Reply> {
  const h: Record<string, string> = { accept: 'application/json', ...headers };
  if (body !== undefined && !h['content-type']) h['content-type'] = 'application/json';
  if (auth.cookie) h.cookie = auth.cookie;
  if (auth.basic) h.authorization = `Basic ${Buffer.from(`${auth.basic.name}:${auth.basic.password}`).toString('base64')}`;
  const res = await fetch(base + urlPath, {
    method,
    headers: h,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    redirect: 'manual',
    signal: AbortSignal.timeout(15_000),
  });
  const text = method === 'HEAD' ? '' : await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A random 户号 no other test run uses (11 digits: the tests may share an external CouchDB). */
export const newAccountNumber = () => `9${String(randomInt(0, 10 ** 9)).padStart(9, '0')}${randomInt(0, 10)}`;
/** A random mainland mobile number. */
export const newPhone = () => `139${String(randomInt(0, 10 ** 8)).padStart(8, '0')}`;

export interface Resident {
  accountNumber: string;
  phone: string;
  password: string;
  name: string;
  db: string;
  cookie: string;
}

export function signupBody(overrides: Record<string, unknown> = {}) {
  return {
    accountNumber: newAccountNumber(),
    phone: newPhone(),
    password: 'correct horse 1',
    community: 'demo-garden',
    consent: true,
    noticeVersion: '2025-01',
    ...overrides,
  };
}

export async function signIn(base: string, name: string, password: string): Promise<Reply & { cookie?: string }> {
  const res = await request(base, 'POST', '/db/_session', { name, password });
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('AuthSession='));
  return { ...res, cookie: setCookie?.split(';')[0] };
}

/** Signs a new resident up and in. */
export async function newResident(base: string, overrides: Record<string, unknown> = {}): Promise<Resident> {
  const body = signupBody(overrides);
  const res = await request(base, 'POST', '/api/signup', body);
  if (res.status !== 201) throw new Error(`signup: ${res.status} ${res.text}`);
  const session = await signIn(base, res.json.name, body.password);
  if (session.status !== 200 || !session.cookie) throw new Error(`sign-in: ${session.status} ${session.text}`);
  return {
    accountNumber: String(body.accountNumber),
    phone: String(body.phone),
    password: body.password,
    name: res.json.name,
    db: res.json.db,
    cookie: session.cookie,
  };
}

/** Runs `npm run admin -- …` (server/cli/admin.mjs under tsx) against a site. */
export function admin(
  site: { url: string; adminUser?: string; adminPassword?: string },
  args: string[],
  opts: { password?: string; env?: Record<string, string> } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(REPO_ROOT, 'server/cli/admin.mjs'), ...args, '--url', site.url],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          HEARTHLINE_ADMIN_USER: site.adminUser ?? 'admin',
          HEARTHLINE_ADMIN_PASSWORD: opts.password ?? site.adminPassword ?? '',
          ...opts.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
