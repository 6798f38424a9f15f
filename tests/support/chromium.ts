/**
 * Where Debian's Chromium is, and installing it when it is missing.
 *
 *   CHROMIUM_PATH: '/usr/bin/chromium', or $HEARTHLINE_CHROMIUM when set
 *   CHROMIUM_ARGS: the flags known to work here as root (Playwright adds its own, including
 *                  --remote-debugging-pipe and a --user-data-dir)
 *   ensureChromium(): installs `chromium` with apt-get (update first) when the binary is missing
 *                  and we are root; otherwise throws an error that says how to install it
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const CHROMIUM_PATH = process.env.HEARTHLINE_CHROMIUM || '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = Object.freeze([
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]);

const HOW_TO_INSTALL = 'sudo apt-get update && sudo apt-get install -y chromium';

function run(cmd: string, args: string[]): void {
  const res = spawnSync(cmd, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (res.error) throw new Error(`${cmd} ${args.join(' ')}: ${res.error.message}`);
  if (res.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${res.status}`);
}

export function ensureChromium(): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (process.env.HEARTHLINE_CHROMIUM) {
    throw new Error(`HEARTHLINE_CHROMIUM points at ${CHROMIUM_PATH}, which does not exist`);
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(
      `The e2e tests need Debian's Chromium at ${CHROMIUM_PATH}, which is missing.\n` +
        `Install it with:  ${HOW_TO_INSTALL}\n` +
        `(or point HEARTHLINE_CHROMIUM at another Chromium binary)`,
    );
  }
  console.log(`[e2e] ${CHROMIUM_PATH} is missing: installing Debian's chromium with apt-get…`);
  run('apt-get', ['update']);
  run('apt-get', ['install', '-y', 'chromium']);
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is still missing`);
  }
  return CHROMIUM_PATH;
}
