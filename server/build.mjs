// @ts-check
/**
 * The build check shared by `npm start` (server/main.mjs) and the test suites' globalSetup:
 * dist/ is rebuilt only when it is missing or when one of the build's inputs changed since the
 * last build. The last build is described by a stamp file, dist/.hearthline-build.json (a dotfile,
 * so the static server never serves it), holding a fingerprint of the inputs (path, size and
 * mtime of every file and folder under src/, content/, public/, plus astro.config.mjs,
 * package.json, package-lock.json, tsconfig.json and the env vars the config reads). The
 * fingerprint is taken before the build starts, so a file edited during a build triggers the
 * next one. Concurrent callers (two test projects, a test run and `npm start`) serialise on a lock
 * directory, and whoever gets the lock second finds dist/ fresh and does not rebuild.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tryPidLock } from './processes.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const STAMP_NAME = '.hearthline-build.json';

const INPUT_DIRS = ['src', 'content', 'public'];
const INPUT_FILES = ['astro.config.mjs', 'package.json', 'package-lock.json', 'tsconfig.json'];
/** Environment variables that change what the build produces (read by astro.config.mjs). */
const INPUT_ENV = ['HEARTHLINE_SITE_URL'];

/**
 * @param {string} dir
 * @param {string[]} out
 */
async function walk(dir, out) {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (/** @type {NodeJS.ErrnoException} */ (err).code === 'ENOENT') return;
    throw err;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    out.push(full);
    if (entry.isDirectory()) await walk(full, out);
  }
}

/**
 * A hash of the build inputs' paths, sizes and modification times.
 * @param {string} [root]
 * @param {{ contentDir?: string }} [opts] contentDir: the content folder, when not <root>/content
 *   (the publisher's HEARTHLINE_CONTENT)
 * @returns {Promise<string>}
 */
export async function inputsFingerprint(root = ROOT, { contentDir } = {}) {
  /** @type {string[]} */
  const paths = [];
  for (const dir of INPUT_DIRS) {
    const full = dir === 'content' && contentDir ? path.resolve(contentDir) : path.join(root, dir);
    paths.push(full);
    await walk(full, paths);
  }
  for (const file of INPUT_FILES) paths.push(path.join(root, file));
  paths.sort();
  const hash = createHash('sha256');
  for (const p of paths) {
    let line;
    try {
      const s = await stat(p);
      // Folders count by presence only: their mtime changes whenever a tool writes a temp
      // file next to a source, and every added or removed file shows up in the walk anyway.
      line = s.isDirectory() ? 'dir' : `${s.size}:${s.mtimeMs}`;
    } catch {
      line = 'missing';
    }
    const shown = contentDir && p.startsWith(path.resolve(contentDir)) ? path.join('content', path.relative(path.resolve(contentDir), p)) : path.relative(root, p);
    hash.update(`${shown}\0${line}\n`);
  }
  for (const name of INPUT_ENV) hash.update(`env:${name}=${process.env[name] ?? ''}\n`);
  return hash.digest('hex');
}

/**
 * @param {string} distDir
 * @returns {Promise<{ fingerprint: string, startedAt: string, finishedAt: string } | null>}
 */
export async function readStamp(distDir) {
  try {
    return JSON.parse(await readFile(path.join(distDir, STAMP_NAME), 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Why dist/ must be (re)built, or null when it is up to date.
 * @param {{ root?: string, distDir?: string }} [opts]
 * @returns {Promise<string | null>}
 */
export async function buildReason({ root = ROOT, distDir = path.join(root, 'dist') } = {}) {
  if (!existsSync(distDir)) return 'dist/ does not exist';
  if (!existsSync(path.join(distDir, 'index.html'))) return 'dist/index.html does not exist';
  const stamp = await readStamp(distDir);
  if (!stamp) return `dist/${STAMP_NAME} is missing (dist/ was not built by this check)`;
  if (stamp.fingerprint !== (await inputsFingerprint(root))) return 'sources changed since the last build';
  return null;
}

/**
 * The astro entry to spawn with `build`: node_modules/astro/astro.js where an Astro release ships
 * one, else scripts/astro.mjs, the project's `npm run build` (Astro 6's bin refuses Node < 22.12
 * although the package supports ^20.19.1; that script calls Astro's JS API instead).
 * @param {string} root
 */
export function astroCli(root = ROOT) {
  const legacy = path.join(root, 'node_modules/astro/astro.js');
  if (existsSync(legacy)) return legacy;
  if (!existsSync(path.join(root, 'node_modules/astro/package.json'))) {
    throw new Error(`astro is not installed in ${root}/node_modules: run npm ci`);
  }
  return path.join(root, 'scripts/astro.mjs');
}

/**
 * Runs `node <astro cli> build` with inherited stdio.
 * Rejects with an error carrying `exitCode` when the build fails.
 * @param {{ root?: string }} [opts]
 */
export function runAstroBuild({ root = ROOT } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [astroCli(root), 'build'], {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      // production: vitest sets NODE_ENV=test, which would give development builds of libraries
      env: { ...process.env, NODE_ENV: 'production', ASTRO_TELEMETRY_DISABLED: '1' },
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) return resolve(undefined);
      const err = /** @type {Error & { exitCode?: number }} */ (
        new Error(`astro build failed (${signal ? `signal ${signal}` : `exit code ${code}`})`)
      );
      err.exitCode = code ?? 1;
      reject(err);
    });
  });
}


/**
 * A cross-process lock (the pid lock file of server/processes.mjs): waits while another live
 * build holds it; a lock whose owner is dead is taken over.
 * @param {string} lockFile
 * @param {(msg: string) => void} log
 * @returns {Promise<() => Promise<void>>} release
 */
async function acquireLock(lockFile, log) {
  await mkdir(path.dirname(lockFile), { recursive: true });
  let told = false;
  for (;;) {
    const lock = tryPidLock(lockFile);
    if ('release' in lock) return async () => lock.release();
    if (!told) {
      log(`[hearthline] waiting for another build (pid ${lock.heldBy || '?'}) to finish…`);
      told = true;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Builds dist/ if it is missing or stale; does nothing when it is up to date.
 * @param {{ root?: string, distDir?: string, force?: boolean, log?: (msg: string) => void }} [opts]
 * @returns {Promise<{ built: boolean, reason: string | null, ms: number }>}
 */
export async function ensureBuilt({
  root = ROOT,
  distDir = path.join(root, 'dist'),
  force = false,
  log = (msg) => console.log(msg),
} = {}) {
  const t0 = Date.now();
  let reason = force ? 'forced' : await buildReason({ root, distDir });
  if (!reason) return { built: false, reason: null, ms: Date.now() - t0 };
  const release = await acquireLock(path.join(root, 'node_modules/.cache/hearthline/build.pid'), log);
  try {
    // Someone else may have built while we waited for the lock.
    if (!force) reason = await buildReason({ root, distDir });
    if (!reason) return { built: false, reason: null, ms: Date.now() - t0 };
    log(`[hearthline] building the site: ${reason}`);
    const fingerprint = await inputsFingerprint(root);
    const startedAt = new Date().toISOString();
    await rm(path.join(distDir, STAMP_NAME), { force: true });
    await runAstroBuild({ root });
    await writeFile(
      path.join(distDir, STAMP_NAME),
      JSON.stringify({ fingerprint, startedAt, finishedAt: new Date().toISOString() }, null, 2) + '\n',
    );
    const ms = Date.now() - t0;
    log(`[hearthline] site built in ${(ms / 1000).toFixed(1)} s`);
    return { built: true, reason, ms };
  } finally {
    await release();
  }
}
