/**
 * Starts the REAL server (`node --import tsx server/main.mjs`, as `npm start` does) as a child
 * process on a free loopback port.
 *
 * Contract (others code against it — keep it stable):
 *   startSite(opts?: { env?: Record<string, string>; dataDir?: string }): Promise<Site>
 *   - url: base URL without a trailing slash, e.g. 'http://127.0.0.1:40123'
 *   - stop(): SIGTERM, waits for the process to exit (SIGKILL after 5 s); safe to call twice
 *   - kill(): SIGKILL (a crash), waits for the process to exit
 *   - dataDir: the backend's data folder (HEARTHLINE_DATA). Unless opts.dataDir or
 *     opts.env.HEARTHLINE_DATA names one, each site gets a fresh temporary folder that stop()
 *     and kill() delete; a folder the caller named is left alone (restart tests reuse it)
 *   - adminUser, adminPassword: the server admin: in proxy mode the one in COUCHDB_URL; else
 *     'admin' with opts.env.HEARTHLINE_ADMIN_PASSWORD or the password the server printed on its
 *     first start (undefined when it printed none: a restart on an existing data folder)
 *   - output(): what the server printed so far (the last 20 kB)
 *   - pid: the server process's id (the benches read its CPU time and memory from /proc)
 *   - the server gets HOST=127.0.0.1, PORT=0 (it picks a free port and prints it) and
 *     HEARTHLINE_NO_BUILD=1, because the test projects' globalSetup has already built dist/
 *     once for the whole run; opts.env is merged over that (pass HEARTHLINE_NO_BUILD: '0' to
 *     let the server run its own build check)
 *   - resolves once GET /healthz answers { ok: true }; rejects with the server's output if it
 *     exits or is not healthy within 120 s
 *   - the checkout is never written: unless opts.env.HEARTHLINE_CONTENT names a folder, the
 *     publisher writes into a copy of content/ in the data folder
 *   - with the suite's COUCHDB_URL (a shared Apache CouchDB), every server of one test
 *     file works in that file's namespace of databases (HEARTHLINE_DB_PREFIX = testNamespace,
 *     unless opts.env names one): files never read each other's operations or stations, and
 *     two servers of one file share their databases
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST_DIR = path.join(REPO_ROOT, 'dist');

export interface Site {
  /** Base URL, no trailing slash: `${url}/policies/`. */
  url: string;
  stop(): Promise<void>;
  /** SIGKILL, as in a crash. */
  kill(): Promise<void>;
  /** The backend's data folder (HEARTHLINE_DATA). */
  dataDir: string;
  /** The server admin's name: 'admin', or the one in COUCHDB_URL (proxy mode). */
  adminUser: string;
  /** The server admin's password, when known (see the contract above). */
  adminPassword: string | undefined;
  /** What the server printed so far. */
  output(): string;
  /** The server process's id. */
  pid: number;
}

/**
 * This test file's namespace of databases on a shared CouchDB: t<run><file>- (globalSetup names
 * the run, HEARTHLINE_TEST_RUN, and drops its databases at the end; vitest evaluates this module
 * once per test file). Tests that talk to CouchDB directly put it in front of a name.
 */
export const testNamespace = `t${process.env.HEARTHLINE_TEST_RUN ?? randomBytes(3).toString('hex')}${randomBytes(3).toString('hex')}-`;

/** The line main.mjs prints once, on the first start of an embedded backend without a given password. */
const ADMIN_PASSWORD_LINE = /Hearthline admin password \(shown only this once\): (\S+)/;

function userInCouchUrl(couchUrl: string): string | undefined {
  try {
    return decodeURIComponent(new URL(couchUrl).username) || undefined;
  } catch {
    return undefined;
  }
}

function passwordInCouchUrl(couchUrl: string | undefined): string | undefined {
  if (!couchUrl) return undefined;
  try {
    return decodeURIComponent(new URL(couchUrl).password) || undefined;
  } catch {
    return undefined;
  }
}

// Generous: a start on a shared CouchDB runs setup over HTTP, on 2 cores shared by many.
const STARTUP_TIMEOUT_MS = 120_000;

/**
 * The admin of every site started in this process, by URL: helpers given only a URL (newResident
 * puts the resident into the customer register first) act as that admin.
 */
const adminsByUrl = new Map<string, { adminUser: string; adminPassword: string | undefined }>();

/**
 * Proxy mode on the suite's CouchDB: the admin password a test gave its server
 * (HEARTHLINE_ADMIN_PASSWORD, which proxy mode ignores) stands for CouchDB's admin, by URL.
 */
const givenAdminPasswords = new Map<string, string>();

/**
 * The credentials to send for the server admin a test names: as given, except that `admin` with
 * the password the test gave a server in proxy mode becomes the admin in COUCHDB_URL, so a test
 * written for the embedded backend signs in as CouchDB's admin when the suite runs against one.
 * Any other name or password (a wrong one, on purpose) is sent as it is.
 */
export function adminCredentials(url: string, name: string, password: string): { name: string; password: string } {
  const key = url.replace(/\/+$/, '');
  const given = givenAdminPasswords.get(key);
  const admin = adminsByUrl.get(key);
  if (given !== undefined && name === 'admin' && password === given && admin?.adminPassword !== undefined) return { name: admin.adminUser, password: admin.adminPassword };
  return { name, password };
}

/** Remembers the admin of a server a test started itself (in process), for siteAdmin(url). */
export function rememberSiteAdmin(url: string, admin: { adminUser: string; adminPassword: string }): void {
  adminsByUrl.set(url.replace(/\/+$/, ''), admin);
}

/** The admin of the site at `url` started by startSite in this process, if any. */
export function siteAdmin(url: string): { adminUser: string; adminPassword: string | undefined } | undefined {
  return adminsByUrl.get(url.replace(/\/+$/, ''));
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startSite(opts: { env?: Record<string, string>; dataDir?: string; /** node's own flags (a bench's --cpu-prof) */ nodeArgs?: string[] } = {}): Promise<Site> {
  const named = opts.env?.HEARTHLINE_DATA || opts.dataDir;
  const dataDir = named ? path.resolve(named) : mkdtempSync(path.join(os.tmpdir(), 'hearthline-data-'));
  const removeData = () => {
    if (!named) rmSync(dataDir, { recursive: true, force: true });
  };
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: '0',
    HEARTHLINE_NO_BUILD: '1',
    // Tests of other things file dozens of requests for one resident within seconds; the
    // per-resident limits are tested with their real numbers in tests/integration/security/quotas.test.ts.
    HEARTHLINE_QUOTA_PER_HOUR: '100000',
    HEARTHLINE_QUOTA_PER_DAY: '100000',
    HEARTHLINE_QUOTA_OPEN: '100000',
    ...opts.env,
    HEARTHLINE_DATA: dataDir,
  };
  // The suite's shared CouchDB only: a test's own upstream server is a namespace of its own.
  if (env.COUCHDB_URL && env.COUCHDB_URL === process.env.COUCHDB_URL && !env.HEARTHLINE_DB_PREFIX) env.HEARTHLINE_DB_PREFIX = testNamespace;
  if (!opts.env?.HEARTHLINE_CONTENT) {
    // The publisher writes published commitments into its content folder: a copy, never the checkout's.
    const content = path.join(dataDir, 'content');
    if (!existsSync(content)) cpSync(path.join(REPO_ROOT, 'content'), content, { recursive: true });
    env.HEARTHLINE_CONTENT = content;
  }
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), '--import', 'tsx', path.join(REPO_ROOT, 'server/main.mjs')], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  // Keep the last 20 kB of output for error messages; always drain the pipes.
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = waitForExit(child);
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      removeData();
    })();
    return stopped;
  };
  const kill = (): Promise<void> => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = waitForExit(child);
        child.kill('SIGKILL');
        await exited;
      }
      removeData();
    })();
    return stopped;
  };

  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`server did not print its URL within ${STARTUP_TIMEOUT_MS / 1000} s`)),
        STARTUP_TIMEOUT_MS,
      );
      const onData = () => {
        const m = output.match(/listening on (http:\/\/[^\s/]+)\/?/);
        if (m?.[1]) {
          clearTimeout(timer);
          child.stdout!.off('data', onData);
          resolve(m[1]);
        }
      };
      child.stdout!.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`server exited before listening (code ${code}, signal ${signal})`));
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });

    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    for (;;) {
      try {
        const res = await fetch(`${url}/healthz`);
        const body = (await res.json()) as { ok?: boolean };
        if (res.ok && body.ok === true) break;
      } catch {
        // not ready yet
      }
      if (Date.now() > deadline) throw new Error('server never answered /healthz with { ok: true }');
      if (child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // Proxy mode: the external server's admin; embedded: ours (given, or printed once).
    const adminPassword = env.COUCHDB_URL
      ? passwordInCouchUrl(env.COUCHDB_URL)
      : env.HEARTHLINE_ADMIN_PASSWORD || output.match(ADMIN_PASSWORD_LINE)?.[1];
    const adminUser = (env.COUCHDB_URL && userInCouchUrl(env.COUCHDB_URL)) || 'admin';
    adminsByUrl.set(url, { adminUser, adminPassword });
    if (env.COUCHDB_URL && opts.env?.HEARTHLINE_ADMIN_PASSWORD) givenAdminPasswords.set(url, opts.env.HEARTHLINE_ADMIN_PASSWORD);
    return { url, stop, kill, dataDir, adminUser, adminPassword, output: () => output, pid: child.pid! };
  } catch (err) {
    await stop();
    throw new Error(`startSite: ${(err as Error).message}\n--- server output ---\n${output}`);
  }
}
