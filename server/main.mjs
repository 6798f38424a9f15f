#!/usr/bin/env node
// @ts-check
/**
 * `npm start`: builds the site if dist/ is missing or stale (server/build.mjs), then serves it
 * from one Node process on http://127.0.0.1:4321.
 *
 * Environment
 *   PORT                 port to listen on (default 4321; 0 picks a free one)
 *   HOST                 address to bind (default 127.0.0.1)
 *   HEARTHLINE_NO_BUILD  '1': never build, serve dist/ as it is (fails if dist/ is missing);
 *                        the test suites set it because their globalSetup built dist/ once
 *   HEARTHLINE_DIST      serve another folder than <repo>/dist (implies no build check)
 *
 * Prints `Hearthline listening on http://HOST:PORT/` once it accepts connections; exits 0 on
 * SIGINT/SIGTERM after in-flight requests finish (at most 5 s), and with the build's exit code
 * when the build fails.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createApp } from './app.mjs';
import { ROOT, ensureBuilt } from './build.mjs';

async function main() {
  const host = process.env.HOST || '127.0.0.1';
  const port = process.env.PORT === undefined || process.env.PORT === '' ? 4321 : Number(process.env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`[hearthline] PORT must be a port number, got ${JSON.stringify(process.env.PORT)}`);
    process.exit(2);
  }

  const distDir = process.env.HEARTHLINE_DIST ? path.resolve(process.env.HEARTHLINE_DIST) : path.join(ROOT, 'dist');
  const noBuild = process.env.HEARTHLINE_NO_BUILD === '1' || Boolean(process.env.HEARTHLINE_DIST);
  if (!noBuild) {
    try {
      await ensureBuilt({ distDir });
    } catch (err) {
      const e = /** @type {Error & { exitCode?: number }} */ (err);
      console.error(`[hearthline] ${e.message}`);
      process.exit(e.exitCode || 1);
    }
  }
  if (!existsSync(path.join(distDir, 'index.html'))) {
    console.error(`[hearthline] ${distDir}/index.html is missing: build the site first (npm run build)`);
    process.exit(1);
  }

  const app = createApp({ distDir });
  const server = app.listen(port, host);
  server.keepAliveTimeout = 5_000;

  server.on('error', (err) => {
    console.error(`[hearthline] cannot listen on ${host}:${port}: ${err.message}`);
    process.exit(1);
  });

  server.on('listening', () => {
    const address = server.address();
    const actualPort = typeof address === 'object' && address ? address.port : port;
    const shownHost = host.includes(':') ? `[${host}]` : host;
    console.log(`Hearthline listening on http://${shownHost}:${actualPort}/`);
  });

  let stopping = false;
  /** @param {NodeJS.Signals} signal */
  function shutdown(signal) {
    if (stopping) {
      process.exit(1); // a second signal: stop now
    }
    stopping = true;
    console.log(`[hearthline] ${signal}: closing the server`);
    const force = setTimeout(() => {
      server.closeAllConnections();
    }, 5_000);
    force.unref();
    server.close((err) => {
      clearTimeout(force);
      if (err) console.error(`[hearthline] close: ${err.message}`);
      process.exit(0);
    });
    server.closeIdleConnections();
  }
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err) => {
  console.error('[hearthline] fatal:', err);
  process.exit(1);
});
