#!/usr/bin/env node
// @ts-check
/**
 * `npm run admin -- <command>`: administers a RUNNING Hearthline server over HTTP (its /db,
 * as the server admin), in either backend mode.
 *
 *   create-station --id s1 --name "城东热力站" --communities a,b=Name [--update]
 *   create-staff   --name wang --role dispatcher --station s1 [--display-name 王芳] [--password …]
 *   set-display-name --name wang --display-name 王芳
 *   set-communities --name chen --communities demo-garden,demo-east   (what a technician covers)
 *   reset-password --name wang [--password …]
 *   end-sessions   --name wang          (sign out everywhere: every device of that account)
 *   list-staff
 *   set-rung       --level 1 --station s1 --accounts head1[,…]   (who is told at each escalation level)
 *   set-contact    --name head1 [--email a@b.cn] [--phone 139…]  (how they are reached outside the app)
 *   check-rungs    (exit 1 while a rung has nobody at some station)
 *
 * Options for every command:
 *   --url URL              the server (default http://127.0.0.1:4321, or HEARTHLINE_URL)
 *   --admin-password PW    the server admin's password (or HEARTHLINE_ADMIN_PASSWORD)
 *   --admin-user NAME      the server admin's name (default admin)
 *   --json                 print the result as JSON
 * Exit codes: 0 done, 1 refused or failed, 2 wrong usage.
 */
import { parseArgs } from 'node:util';
import { createRemoteStore } from '../backend/remote.mjs';
import { createStaff, listStaff, listStations, resetPassword, saveStation, setDisplayName, setStaffCommunities } from '../backend/setup.mjs';
import { STAFF_ROLES } from '../backend/domain.mjs';
import { userDocId } from '../backend/names.mjs';
import { rungProblems, setRung, setStaffContact } from '../notify/rungs.mjs';

const USAGE = `Usage: npm run admin -- <command> [options]

Commands
  create-station --id ID --name NAME --communities ID[=NAME],…  [--update]
  create-staff   --name NAME --role ROLE[,ROLE…] [--station ID] [--display-name NAME] [--password PW]
                 [--communities ID,…]  (a technician: the communities of the station they cover)
                 (several roles, all at one station or all across stations: e.g. dispatcher,technician)
                 roles: ${STAFF_ROLES.join(', ')}
                 (dispatcher, technician and station-head need --station)
  reset-password --name NAME [--password PW]    (also ends every session of NAME)
  end-sessions   --name NAME                   sign NAME out everywhere, at once
  set-display-name --name NAME --display-name NAME
                 (the name residents and colleagues read, e.g. 王师傅; the login stays internal)
  set-communities --name NAME --communities ID,…
                 (the station's communities a technician covers: dispatch offers them first there)
  list-staff
  set-rung       --level 1|2|3|4 [--station ID] --accounts NAME[,NAME…]
                 who is told when an order reaches the level: 1 station head (24 h, per station),
                 2 company manager (48 h), 3 deputy manager in charge (72 h), 4 general manager
                 (96 h); without --station for every station; --accounts "" clears that place
  set-contact    --name NAME [--email ADDRESS] [--phone MOBILE]
                 how a member of staff on the ladder is reached by e-mail or SMS
  check-rungs    lists every rung with nobody on it at some station (exit 1 if any)

Options
  --url URL             the running server (default http://127.0.0.1:4321, or HEARTHLINE_URL)
  --admin-password PW   the server admin's password (or HEARTHLINE_ADMIN_PASSWORD)
  --admin-user NAME     the server admin's name (default admin)
  --json                print the result as JSON
Passwords not given are generated and printed once.`;

class UsageError extends Error {}

/** @param {string} msg */
function fail(msg, code = 1) {
  console.error(`admin: ${msg}`);
  process.exit(code);
}

async function main() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        'admin-password': { type: 'string' },
        'admin-user': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        id: { type: 'string' },
        name: { type: 'string' },
        communities: { type: 'string' },
        update: { type: 'boolean' },
        role: { type: 'string' },
        station: { type: 'string' },
        password: { type: 'string' },
        'display-name': { type: 'string' },
        level: { type: 'string' },
        accounts: { type: 'string' },
        email: { type: 'string' },
        phone: { type: 'string' },
      },
    });
  } catch (err) {
    throw new UsageError(/** @type {Error} */ (err).message);
  }
  const { values, positionals } = parsed;
  const command = positionals[0];
  if (values.help || !command || command === 'help') {
    console.log(USAGE);
    return;
  }
  if (positionals.length > 1) throw new UsageError(`unexpected ${JSON.stringify(positionals[1])}`);
  const commands = ['create-station', 'create-staff', 'reset-password', 'end-sessions', 'set-display-name', 'set-communities', 'list-staff', 'set-rung', 'set-contact', 'check-rungs'];
  if (!commands.includes(command)) throw new UsageError(`unknown command ${JSON.stringify(command)}`);

  const adminPassword = values['admin-password'] ?? process.env.HEARTHLINE_ADMIN_PASSWORD;
  if (!adminPassword) {
    fail('give the server admin password with --admin-password or HEARTHLINE_ADMIN_PASSWORD (the server printed it on its first start)', 2);
  }
  const adminUser = values['admin-user'] ?? process.env.HEARTHLINE_ADMIN_USER ?? 'admin';
  let base;
  try {
    base = new URL(values.url ?? process.env.HEARTHLINE_URL ?? 'http://127.0.0.1:4321');
  } catch {
    throw new UsageError(`--url is not a URL: ${values.url}`);
  }
  const dbUrl = new URL(base.pathname.replace(/\/+$/, '') + '/db', base);
  dbUrl.username = encodeURIComponent(adminUser);
  dbUrl.password = encodeURIComponent(/** @type {string} */ (adminPassword));
  const store = createRemoteStore({ url: dbUrl, mode: 'remote' });
  const shown = `${base.origin}`;

  // Who are we? (also: is the server there at all)
  let session;
  try {
    session = await store.request('GET', '/_session');
  } catch {
    fail(`cannot reach the Hearthline server at ${shown}: is it running (npm start)? Use --url for another address.`);
    return;
  }
  if (session.status === 401) {
    fail(`the server at ${shown} did not accept the admin password for ${adminUser} (after 6 wrong tries sign-in pauses for 15 minutes)`);
  }
  if (session.status !== 200 || !session.json?.userCtx) {
    fail(`${shown}/db/_session answered HTTP ${session.status}: is this a Hearthline server?`);
  }
  if (!session.json.userCtx.roles?.includes('_admin')) fail(`${adminUser} is not a server admin of ${shown}`);

  /** @param {unknown} result @param {string} text */
  const print = (result, text) => console.log(values.json ? JSON.stringify(result, null, 2) : text);
  /** @param {string} flag */
  const required = (flag) => {
    const value = /** @type {Record<string, unknown>} */ (values)[flag];
    if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`${command} needs --${flag}`);
    return value.trim();
  };

  if (command === 'create-station') {
    const id = required('id');
    const name = required('name');
    const communities = required('communities')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((entry) => {
        const [cid = '', ...rest] = entry.split('=');
        return { id: cid.trim(), name: rest.join('=').trim() || cid.trim() };
      });
    if (!communities.length) throw new UsageError('--communities needs at least one community id');
    const existing = (await listStations(store)).find((s) => s.id === id);
    if (existing && !values.update) fail(`the station ${id} already exists (add --update to change its name and communities)`);
    const result = await saveStation(store, { id, name, communities });
    print(
      { station: id, name, communities, db: result.db, created: result.created },
      `${result.created ? 'Created' : 'Updated'} the station ${id} (${name}) serving ${communities.map((c) => c.id).join(', ')}; its database is ${result.db}.`,
    );
  } else if (command === 'create-staff') {
    const result = await createStaff(store, {
      name: required('name'),
      role: required('role'),
      station: values.station,
      password: values.password,
      displayName: values['display-name'],
      communities: values.communities,
    });
    print(
      { name: result.name, roles: result.roles, ...(result.generated ? { password: result.password } : {}) },
      `Created the staff account ${result.name} (roles ${result.roles.join(', ')}).` +
        (result.generated ? `\nPassword (shown only this once): ${result.password}` : ''),
    );
  } else if (command === 'reset-password') {
    const result = await resetPassword(store, { name: required('name'), password: values.password });
    print(
      { name: result.name, ...(result.generated ? { password: result.password } : {}) },
      `Changed the password of ${result.name}.` + (result.generated ? `\nPassword (shown only this once): ${result.password}` : ''),
    );
  } else if (command === 'end-sessions') {
    const name = required('name');
    // a typo would otherwise "end" the sessions of nobody and look done
    if (name !== adminUser && !(await store.get('_users', userDocId(name)))) fail(`there is no account named ${name}`);
    const res = await fetch(new URL(base.pathname.replace(/\/+$/, '') + '/api/sessions/end', base), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        authorization: `Basic ${Buffer.from(`${adminUser}:${adminPassword}`).toString('base64')}`,
      },
      body: JSON.stringify({ name }),
    });
    const json = /** @type {{ endedAt?: string, reason?: string }} */ (await res.json().catch(() => ({})));
    if (res.status !== 200) fail(`the server refused to end the sessions of ${name}: HTTP ${res.status} ${json.reason ?? ''}`.trim());
    print({ name, endedAt: json.endedAt }, `Ended every session of ${name} (signed out on every device at ${json.endedAt}).`);
  } else if (command === 'set-display-name') {
    const result = await setDisplayName(store, { name: required('name'), displayName: required('display-name') });
    print(result, `${result.name} is shown as ${result.displayName}.`);
  } else if (command === 'set-communities') {
    const result = await setStaffCommunities(store, { name: required('name'), communities: values.communities ?? '' });
    print(result, `${result.name} covers ${result.communities.join(', ') || 'no community'}.`);
  } else if (command === 'list-staff') {
    const staff = await listStaff(store);
    const text = staff.length
      ? ['name\trole\tstation\tdisplay name', ...staff.map((s) => `${s.name}\t${s.role}\t${s.station ?? '-'}\t${s.displayName ?? '-'}`)].join('\n')
      : 'No staff accounts yet (create-staff adds one).';
    print(staff, text);
  } else if (command === 'set-rung') {
    const level = Number(required('level'));
    if (typeof values.accounts !== 'string') throw new UsageError('set-rung needs --accounts (a comma-separated list; "" clears)');
    const accounts = values.accounts.split(',').map((a) => a.trim()).filter(Boolean);
    const station = values.station?.trim() || undefined;
    const doc = await setRung(store, { level, station, accounts });
    const problems = await rungProblems(store);
    print(
      { rungs: doc.rungs, problems },
      `Level ${level}${station ? ` at ${station}` : ' at every station'}: ${accounts.length ? accounts.join(', ') : 'nobody'}.` +
        (problems.length ? `\nStill to fill:\n  ${problems.join('\n  ')}` : '\nEvery rung has someone at every station.'),
    );
  } else if (command === 'set-contact') {
    const name = required('name');
    if (!values.email && !values.phone) throw new UsageError('set-contact needs --email or --phone');
    const doc = await setStaffContact(store, { name, email: values.email, phone: values.phone });
    print({ name, contact: doc.contacts[name] }, `${name} is reached by ${Object.keys(doc.contacts[name] ?? {}).join(' and ')}.`);
  } else if (command === 'check-rungs') {
    const problems = await rungProblems(store);
    print({ problems }, problems.length ? `Rungs with nobody on them:\n  ${problems.join('\n  ')}` : 'Every rung has someone at every station.');
    if (problems.length) process.exitCode = 1;
  }
}

main().catch((err) => {
  if (err instanceof UsageError) {
    console.error(`admin: ${err.message}\n\n${USAGE}`);
    process.exit(2);
  }
  const e = /** @type {{ status?: number, reason?: string, message?: string }} */ (err);
  fail(e.reason ?? e.message ?? String(err));
});
