/**
 * What a test that builds the backend in its own process (createBackend + createApp, to inject a
 * hook) gives createBackend, and who its server admin is: the memory adapter with the given
 * admin password, or, when the suite runs against an Apache CouchDB (COUCHDB_URL,
 * docs/backend.md), proxy mode to that CouchDB in this test file's namespace, whose admin is the
 * one in the URL.
 */
import { testNamespace } from '../../support/server';

export function inProcessBackend(adminPassword: string): {
  options: { adapter: 'memory'; adminPassword: string; couchUrl?: string; dbPrefix?: string };
  admin: { name: string; password: string };
} {
  const couchUrl = process.env.COUCHDB_URL;
  if (!couchUrl) return { options: { adapter: 'memory', adminPassword }, admin: { name: 'admin', password: adminPassword } };
  const url = new URL(couchUrl);
  return {
    options: { adapter: 'memory', adminPassword, couchUrl, dbPrefix: testNamespace },
    admin: { name: decodeURIComponent(url.username), password: decodeURIComponent(url.password) },
  };
}
