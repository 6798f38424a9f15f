/**
 * The namespace of databases on a shared CouchDB (server/couch/namespace.mjs): every name of
 * src/db/databaseNames.ts gets the prefix on the way to CouchDB and loses it on the way back;
 * CouchDB's own databases and endpoints keep theirs; another namespace's names are not ours.
 */
import { describe, expect, it } from 'vitest';
import { NAMESPACE_FIELD, databaseNamespace, dbPrefixFromEnv, markAccount, ownAccounts } from '../../../../server/couch/namespace.mjs';
import { OPERATIONS_DB, ROUTER_STATE_DB, residentDbName, stationDbName } from '../../../../src/db/databaseNames';

describe('databaseNamespace', () => {
  const ns = databaseNamespace('t1a2b-');

  it('prefixes every database name of databaseNames.ts and gives it back', () => {
    for (const name of [OPERATIONS_DB, ROUTER_STATE_DB, residentDbName('r-12345678'), stationDbName('north')]) {
      expect(ns.physical(name)).toBe(`t1a2b-${name}`);
      expect(ns.logical(ns.physical(name))).toBe(name);
    }
  });

  it("leaves CouchDB's own databases alone and disowns another namespace's", () => {
    expect(ns.physical('_users')).toBe('_users');
    expect(ns.logical('_users')).toBe('_users');
    expect(ns.logical('operations')).toBeNull();
    expect(ns.logical('t9f9f-operations')).toBeNull();
  });

  it('renames the database of a request path, and only that', () => {
    expect(ns.path('/operations/_changes?since=0&limit=5')).toBe('/t1a2b-operations/_changes?since=0&limit=5');
    expect(ns.path('/resident-722d31/doc%2Fid')).toBe('/t1a2b-resident-722d31/doc%2Fid');
    expect(ns.path('/station-north')).toBe('/t1a2b-station-north');
    expect(ns.path('/station-north?q=1')).toBe('/t1a2b-station-north?q=1');
    for (const p of ['/', '/_session', '/_all_dbs', '/_users/org.couchdb.user:r-1', '/_db_updates?feed=longpoll', '/%5Fusers/x']) expect(ns.path(p)).toBe(p);
  });

  it('is the identity without a prefix', () => {
    const none = databaseNamespace('');
    expect(none.path('/operations/x')).toBe('/operations/x');
    expect(none.logical('t1a2b-operations')).toBe('t1a2b-operations');
  });

  it('refuses a prefix CouchDB would refuse at the start of a name', () => {
    for (const bad of ['Upper-', '1abc-', '_sys-', 'a/b-', 'a b']) expect(() => databaseNamespace(bad)).toThrow(/HEARTHLINE_DB_PREFIX/);
  });

  it('applies with COUCHDB_URL only (an embedded data folder is a namespace of its own)', () => {
    expect(dbPrefixFromEnv({ HEARTHLINE_DB_PREFIX: 'x-' })).toBe('');
    expect(dbPrefixFromEnv({ HEARTHLINE_DB_PREFIX: 'x-', COUCHDB_URL: 'http://a:b@127.0.0.1:5984' })).toBe('x-');
  });
});

describe('accounts in one _users shared by namespaces', () => {
  const ns = databaseNamespace('t1a2b-');
  const user = (name: string, extra: Record<string, unknown> = {}) => ({ _id: `org.couchdb.user:${name}`, name, type: 'user', roles: ['staff'], ...extra });

  it('marks the accounts a server writes with its namespace (not deletions, not other documents)', () => {
    expect(markAccount(ns, user('mg-1'))).toEqual({ ...user('mg-1'), [NAMESPACE_FIELD]: 't1a2b-' });
    expect(markAccount(ns, user('mg-1', { [NAMESPACE_FIELD]: 'old-' }))[NAMESPACE_FIELD]).toBe('t1a2b-');
    expect(markAccount(ns, { ...user('mg-1'), _deleted: true })).not.toHaveProperty(NAMESPACE_FIELD);
    expect(markAccount(ns, { _id: '_design/_auth' })).toEqual({ _id: '_design/_auth' });
    expect(markAccount(databaseNamespace(''), user('mg-1'))).toEqual(user('mg-1'));
  });

  it("lists only this namespace's accounts when the documents are read", () => {
    const rows = [
      { id: 'org.couchdb.user:a', doc: user('a', { [NAMESPACE_FIELD]: 't1a2b-' }) },
      { id: 'org.couchdb.user:b', doc: user('b', { [NAMESPACE_FIELD]: 't9f9f-' }) },
      { id: 'org.couchdb.user:c', doc: user('c') },
      { id: 'org.couchdb.user:d' },
    ];
    expect(ownAccounts(ns, rows).map((r) => r.id)).toEqual(['org.couchdb.user:a', 'org.couchdb.user:d']);
    expect(ownAccounts(databaseNamespace(''), rows)).toHaveLength(4);
  });
});
