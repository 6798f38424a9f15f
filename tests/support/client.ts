/**
 * Small HTTP helpers for the backend tests: JSON requests with a session cookie or Basic
 * credentials, sign-up and sign-in of residents, the admin CLI.
 */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import path from 'node:path';
import { REPO_ROOT, adminCredentials, siteAdmin } from './server';
import { residentDbName } from '../../src/db/databaseNames';

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
  if (auth.basic) {
    const { name, password } = adminCredentials(base, auth.basic.name, auth.basic.password);
    h.authorization = `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}`;
  }
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

/** What the utility's customer register holds of one account (src/db/schema/customerRegister.ts). */
export interface RegisterEntryInput {
  accountNumber: string;
  phones: string[];
  station: string;
  community?: string;
  active?: boolean;
}

/** The register document's id of an account (as customerRegister.ts names it). */
export const registerEntryId = (accountNumber: string) => `account:${accountNumber}`;

/**
 * Puts an account into the site's customer register as the utility's import would (the server
 * admin writes the customer-register database), so that a sign-up with it can be proven.
 */
export async function registerCustomer(base: string, entry: RegisterEntryInput): Promise<void> {
  const who = siteAdmin(base);
  if (!who?.adminPassword) throw new Error(`registerCustomer: the admin of ${base} is not known (start it with startSite and an admin password)`);
  const basic = { name: who.adminUser, password: who.adminPassword };
  const id = registerEntryId(entry.accountNumber);
  const current = await request(base, 'GET', `/db/customer-register/${encodeURIComponent(id)}`, undefined, { basic });
  const doc = {
    _id: id,
    ...(current.status === 200 ? { _rev: current.json._rev } : {}),
    docType: 'register-entry',
    accountNumber: entry.accountNumber,
    phones: entry.phones,
    station: entry.station,
    ...(entry.community ? { community: entry.community } : {}),
    active: entry.active ?? true,
    source: { system: 'tests', importedAt: new Date().toISOString() },
  };
  const res = await request(base, 'PUT', `/db/customer-register/${encodeURIComponent(id)}`, doc, { basic });
  if (res.status !== 201 && res.status !== 200) throw new Error(`registerCustomer: ${res.status} ${res.text}`);
}

/** The station serving a community, from the public list. */
export async function stationOf(base: string, community: string): Promise<string> {
  const res = await request(base, 'GET', '/api/communities');
  const found = (res.json?.communities ?? []).find((c: { id: string }) => c.id === community);
  if (!found) throw new Error(`no station serves ${community}`);
  return found.station;
}

/**
 * Signs a new resident up and in: the account is first put into the customer register with
 * its phone (as the utility's import would), so the sign-up is proven like a real one.
 */
export async function newResident(
  base: string,
  overrides: Record<string, unknown> = {},
  /** Where the server sends one-time codes (SMS configured): reads the code the phone received after `POST /api/signup/code`. */
  codeSentTo?: (phone: string, ask: () => Promise<Reply>) => Promise<string>,
): Promise<Resident> {
  const body = signupBody(overrides);
  const accountNumber = String(body.accountNumber);
  await registerCustomer(base, { accountNumber, phones: [String(body.phone)], station: await stationOf(base, String(body.community)), community: String(body.community) });
  const phoneCode = codeSentTo ? await codeSentTo(String(body.phone), () => request(base, 'POST', '/api/signup/code', { accountNumber, phone: body.phone })) : undefined;
  const res = await request(base, 'POST', '/api/signup', phoneCode ? { ...body, phoneCode } : body);
  if (res.status !== 202) throw new Error(`signup: ${res.status} ${res.text}`);
  const name = `r-${accountNumber}`;
  const session = await signIn(base, name, body.password);
  if (session.status !== 200 || !session.cookie) throw new Error(`sign-in: ${session.status} ${session.text}`);
  return {
    accountNumber,
    phone: String(body.phone),
    password: body.password,
    name,
    db: residentDbName(name),
    cookie: session.cookie,
  };
}

/** Creates a member of staff with the admin CLI and signs them in; their session cookie. */
export async function newStaff(
  site: { url: string; adminUser?: string; adminPassword?: string },
  staff: { name: string; password: string; role: string; station?: string },
): Promise<string> {
  const args = ['create-staff', '--name', staff.name, '--role', staff.role, '--password', staff.password, ...(staff.station ? ['--station', staff.station] : [])];
  const res = await admin(site, args);
  if (res.code !== 0) throw new Error(`create-staff: ${res.stderr}`);
  const session = await signIn(site.url, staff.name, staff.password);
  if (!session.cookie) throw new Error(`sign-in of ${staff.name}: ${session.status} ${session.text}`);
  return session.cookie;
}

/** The staff accounts this test file created (the suite's CouchDB has one _users for every file). */
const staffMadeHere = new Set<string>();

/**
 * Runs `npm run admin -- …` (server/cli/admin.mjs under tsx) against a site.
 * On the suite's shared CouchDB, a create-staff of a fixed name (the builders' dispatcher and
 * technician) that another test file made already takes that account over with this file's
 * password (reset-password); the same name twice in one file stays an error.
 */
export async function admin(
  site: { url: string; adminUser?: string; adminPassword?: string },
  args: string[],
  opts: { password?: string; env?: Record<string, string> } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const res = await runCli('server/cli/admin.mjs', site, args, opts);
  if (args[0] !== 'create-staff') return res;
  const name = args[args.indexOf('--name') + 1];
  if (res.code === 0 || !name) {
    if (name) staffMadeHere.add(name);
    return res;
  }
  const password = args.includes('--password') ? args[args.indexOf('--password') + 1] : undefined;
  if (!process.env.COUCHDB_URL || staffMadeHere.has(name) || !password || !/already exists/.test(res.stderr)) return res;
  staffMadeHere.add(name);
  return runCli('server/cli/admin.mjs', site, ['reset-password', '--name', name, '--password', password], opts);
}

/** Runs one of the command lines (server/cli/*.mjs under tsx) against a site, as its admin. */
export function runCli(
  script: string,
  site: { url: string; adminUser?: string; adminPassword?: string },
  args: string[],
  opts: { password?: string; env?: Record<string, string> } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(REPO_ROOT, script), ...args, '--url', site.url],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          HEARTHLINE_ADMIN_USER: site.adminUser ?? 'admin',
          HEARTHLINE_ADMIN_PASSWORD: opts.password === undefined ? (site.adminPassword ?? '') : adminCredentials(site.url, 'admin', opts.password).password,
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
