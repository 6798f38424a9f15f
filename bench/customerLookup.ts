/**
 * How long the staff's customer lookup (GET /db/_account/customers) takes as residents grow.
 *
 *   npm run bench:lookup [-- --residents 1000 --lookups 30]
 *
 * The real server (embedded PouchDB Server, router off, a temporary folder); `--residents`
 * residents signed up through /api/signup (4 at a time); a hotline member created with the
 * admin CLI and signed in. Then, in this run:
 *   - baseline: the first lookup after a start. It builds the customer directory
 *     (server/backend/customerDirectory.mjs) by reading every resident's profile — the work the
 *     lookup did on EVERY call before the directory (it then read them one after another; the
 *     build reads 8 at a time, so the old per-call cost was higher still);
 *   - directory: `--lookups` lookups of residents' whole account numbers and phones afterwards
 *     (median and slowest; each one also written to the access log, as every lookup is).
 * Also the server's RSS before and after the build (the directory is ~100 bytes a resident, lost
 * in the noise of the process). Prints figures; never fails.
 *
 * Last measured (2026-11-23, 2 cores, load ~5 from a test run finishing, 1,000 residents):
 * baseline 2,811 ms; directory median 4.2 ms, slowest 12.8 ms (665×); server RSS 140 → 245 MB
 * across the build (the profiles' databases opened, not the directory).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { admin, registerCustomer, request, signIn, signupBody } from '../tests/support/client';
import { startSite } from '../tests/support/server';

const { values } = parseArgs({
  options: {
    residents: { type: 'string', default: '1000' },
    lookups: { type: 'string', default: '30' },
  },
});
const residents = Number(values.residents);
const lookups = Number(values.lookups);

const rssMbOf = (pids: number[]) =>
  pids.reduce((sum, pid) => {
    try {
      return sum + Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
    } catch {
      return sum;
    }
  }, 0);
const load = () => `load ${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cores`;

const password = 'bench-lookup-admin';
const dataDir = mkdtempSync(path.join(tmpdir(), 'hearthline-bench-lookup-'));
// Sign-ups answer at once here (no answer floor): the bench measures lookups, not sign-ups.
const env = { HEARTHLINE_ADMIN_PASSWORD: password, HEARTHLINE_ROUTER: '0', HEARTHLINE_SIGNUP_ANSWER_MS: '1' };
const site = await startSite({ dataDir, env });
try {
  const t0 = performance.now();
  const people: { accountNumber: string; phone: string }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < residents) {
        next += 1;
        const body = signupBody();
        // In the utility's register first, as its import would have put it.
        await registerCustomer(site.url, { accountNumber: String(body.accountNumber), phones: [String(body.phone)], station: 'demo' });
        const res = await request(site.url, 'POST', '/api/signup', body);
        if (res.status !== 202) throw new Error(`signup: ${res.status} ${res.text}`);
        people.push({ accountNumber: String(body.accountNumber), phone: String(body.phone) });
      }
    }),
  );
  console.log(`${residents.toLocaleString('en')} residents signed up in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${load()}`);

  // Restart: the directory the sign-ups filled is gone, the next lookup builds it from the profiles.
  await site.stop();
  const again = await startSite({ dataDir, env });
  try {
    const pids = execFileSync('ps', ['-o', 'pid=', '--ppid', String(process.pid)], { encoding: 'utf8' }).trim().split(/\s+/).map(Number);
    const made = await admin({ url: again.url, adminPassword: password }, ['create-staff', '--name', 'bench-hotline', '--role', 'hotline', '--password', 'bench hotline pass 1']);
    if (made.code !== 0) throw new Error(made.stderr);
    const { cookie } = await signIn(again.url, 'bench-hotline', 'bench hotline pass 1');
    const lookUp = async (q: string) => {
      const s = performance.now();
      const res = await request(again.url, 'GET', `/db/_account/customers?q=${q}`, undefined, { cookie });
      if (res.status !== 200) throw new Error(`lookup: ${res.status} ${res.text}`);
      return { ms: performance.now() - s, found: (res.json.customers as unknown[]).length };
    };
    const rss0 = rssMbOf(pids);
    const first = await lookUp(people[0]!.accountNumber);
    const rss1 = rssMbOf(pids);
    const times: number[] = [];
    let found = 0;
    for (let i = 0; i < lookups; i += 1) {
      const person = people[(i * 7919) % people.length]!;
      // The hotline finds one person by a whole account number or phone (src/rules/customerPrivacy.ts).
      const r = await lookUp(i % 2 ? person.phone : person.accountNumber);
      times.push(r.ms);
      found += r.found;
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    console.log(`  baseline  (first lookup: every profile read, as every lookup did before): ${first.ms.toFixed(0)} ms; server RSS ${rss0.toFixed(0)} → ${rss1.toFixed(0)} MB`);
    console.log(`  directory (${lookups} lookups after it): median ${median.toFixed(1)} ms, slowest ${times.at(-1)!.toFixed(1)} ms, ${found} residents found; ${(first.ms / median).toFixed(0)}× faster; ${load()}`);
  } finally {
    await again.stop();
  }
} finally {
  await site.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
