import { describe, expect, it } from 'vitest';
import {
  DEVICE_SESSION_KEY,
  databaseFor,
  deviceId,
  displayName,
  forgetDeviceSession,
  isStaff,
  loadDeviceSession,
  localDatabaseName,
  readProfile,
  saveDeviceSession,
  signIn,
  userNameFor,
  type DeviceSession,
} from '../../../../src/db/device/session';
import { residentDbName } from '../../../../src/db/databaseNames';

/** A Storage in memory (localStorage's three methods). */
function memoryStorage() {
  const map = new Map<string, string>();
  return {
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
    map,
  };
}

/** A fetch answering by path, recording what was asked. */
function fakeServer(routes: Record<string, (init?: RequestInit) => Response | Promise<Response>>) {
  const asked: { url: string; init?: RequestInit }[] = [];
  const fetch = async (url: string, init?: RequestInit) => {
    asked.push({ url, ...(init ? { init } : {}) });
    const route = routes[`${init?.method ?? 'GET'} ${url}`];
    if (!route) return new Response('{"error":"not_found"}', { status: 404 });
    return route(init);
  };
  return { fetch, asked };
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const PROFILE = {
  _id: 'profile',
  _rev: '1-a',
  docType: 'profile',
  accountNumber: '12345678',
  phone: '13812345678',
  community: 'demo-garden',
  station: 'demo',
  consentedAt: '2025-11-01T08:00:00.000Z',
  noticeVersion: '2025-01',
};

describe('who signs in', () => {
  it('reads an account number (spaces allowed) as a resident, anything else as a staff user name', () => {
    expect(userNameFor('12345678')).toBe('r-12345678');
    expect(userNameFor(' 1234 5678 9012 ')).toBe('r-123456789012');
    expect(userNameFor('1234567')).toBe('1234567'); // too short for an account number
    expect(userNameFor('wang')).toBe('wang');
    expect(userNameFor('r-12345678')).toBe('r-12345678');
  });

  it('replicates a resident with their own database, station staff with the station, others with operations', () => {
    expect(databaseFor({ name: 'r-12345678', roles: ['resident'] })).toBe(residentDbName('r-12345678'));
    expect(databaseFor({ name: 'wang', roles: ['dispatcher'], station: 'north' })).toBe('station-north');
    expect(databaseFor({ name: 'li', roles: ['hotline'] })).toBe('operations');
    expect(databaseFor({ name: 'x', roles: ['technician'] })).toBeNull(); // a station role without its station
  });

  it('names residents by account number on screen', () => {
    expect(displayName({ name: 'r-12345678', roles: ['resident'] })).toBe('12345678');
    expect(displayName({ name: 'wang', roles: ['dispatcher'] })).toBe('wang');
    expect(isStaff({ roles: ['dispatcher'] })).toBe(true);
    expect(isStaff({ roles: ['resident'] })).toBe(false);
  });
});

describe('signIn', () => {
  it('signs a resident in and keeps their profile (the station their requests go to)', async () => {
    const server = fakeServer({
      'POST /db/_session': () => json({ ok: true, name: 'r-12345678', roles: ['resident'] }),
      [`GET /db/${residentDbName('r-12345678')}/profile`]: () => json(PROFILE),
    });
    const result = await signIn('12345678', 'pw', { fetch: server.fetch, now: 1000 });
    expect(result).toEqual({
      ok: true,
      session: {
        name: 'r-12345678',
        roles: ['resident'],
        couchRoles: ['resident'],
        database: residentDbName('r-12345678'),
        profile: { docType: 'profile', accountNumber: '12345678', phone: '13812345678', community: 'demo-garden', station: 'demo', consentedAt: PROFILE.consentedAt, noticeVersion: '2025-01' },
        signedInAt: 1000,
      },
    });
    expect(JSON.parse(String(server.asked[0]!.init!.body))).toEqual({ name: 'r-12345678', password: 'pw' });
  });

  it('signs station staff in with their station and CouchDB roles', async () => {
    const server = fakeServer({ 'POST /db/_session': () => json({ ok: true, name: 'wang', roles: ['staff', 'role:dispatcher', 'station:north'] }) });
    const result = await signIn('wang', 'pw', { fetch: server.fetch, now: 5 });
    expect(result).toMatchObject({ ok: true, session: { name: 'wang', roles: ['dispatcher'], station: 'north', database: 'station-north', couchRoles: ['staff', 'role:dispatcher', 'station:north'] } });
    expect(server.asked).toHaveLength(1); // staff have no profile to read
  });

  it('says why it failed: wrong password, no network, server trouble, no post', async () => {
    expect(await signIn('wang', 'x', { fetch: fakeServer({ 'POST /db/_session': () => json({ error: 'unauthorized' }, 401) }).fetch })).toEqual({ ok: false, messageId: 'session.wrongPassword' });
    expect(await signIn('wang', 'x', { fetch: async () => Promise.reject(new TypeError('Failed to fetch')) })).toEqual({ ok: false, messageId: 'session.network' });
    expect(await signIn('wang', 'x', { fetch: fakeServer({ 'POST /db/_session': () => json({ error: 'x' }, 502) }).fetch })).toEqual({ ok: false, messageId: 'session.server' });
    const noStation = fakeServer({ 'POST /db/_session': () => json({ ok: true, name: 't', roles: ['staff', 'role:technician'] }) });
    expect(await signIn('t', 'x', { fetch: noStation.fetch })).toEqual({ ok: false, messageId: 'session.noDatabase' });
  });

  it('still signs a resident in when the profile cannot be read (the next sign-in reads it again)', async () => {
    const server = fakeServer({ 'POST /db/_session': () => json({ ok: true, name: 'r-12345678', roles: ['resident'] }) });
    const result = await signIn('12345678', 'pw', { fetch: server.fetch });
    expect(result.ok && result.session.profile).toBeUndefined();
  });
});

describe('readProfile', () => {
  it('reads the profile as the server has it now, and nothing when it is offline or malformed', async () => {
    const db = residentDbName('r-12345678');
    const moved = { ...PROFILE, station: 'south-2' };
    expect(await readProfile(db, { fetch: fakeServer({ [`GET /db/${db}/profile`]: () => json(moved) }).fetch })).toMatchObject({ station: 'south-2', community: 'demo-garden' });
    expect(await readProfile(db, { fetch: fakeServer({ [`GET /db/${db}/profile`]: () => json({ ...moved, station: 'No Such' }) }).fetch })).toBeUndefined();
    expect(await readProfile(db, { fetch: async () => Promise.reject(new TypeError('offline')) })).toBeUndefined();
  });
});

describe('the device session in storage', () => {
  const session: DeviceSession = { name: 'wang', roles: ['dispatcher'], couchRoles: ['staff', 'role:dispatcher', 'station:north'], station: 'north', database: 'station-north', signedInAt: 1 };

  it('round-trips, and a tampered or broken entry reads as nobody signed in', () => {
    const storage = memoryStorage();
    expect(loadDeviceSession(storage)).toBeNull();
    saveDeviceSession(storage, session);
    expect(loadDeviceSession(storage)).toEqual(session);
    storage.setItem(DEVICE_SESSION_KEY, JSON.stringify({ ...session, roles: ['wizard'] }));
    expect(loadDeviceSession(storage)).toBeNull();
    storage.setItem(DEVICE_SESSION_KEY, '{not json');
    expect(loadDeviceSession(storage)).toBeNull();
    saveDeviceSession(storage, session);
    forgetDeviceSession(storage);
    expect(loadDeviceSession(storage)).toBeNull();
  });

  it('gives each user their own local database name and the device one id, kept', () => {
    expect(localDatabaseName('r-12345678')).toBe('hearthline-722d3132333435363738');
    expect(localDatabaseName('wang')).not.toBe(localDatabaseName('li'));
    expect(localDatabaseName('wang')).toMatch(/^[a-z][a-z0-9-]*$/);
    const storage = memoryStorage();
    const first = deviceId(storage, () => 'aaaa-bbbb-cccc');
    expect(first).toBe('web-aaaabbbbcccc');
    expect(deviceId(storage, () => 'other')).toBe(first);
  });
});
