// @ts-check
/** The database server's URL: where it is and the admin's credentials, kept apart. */

/**
 * Splits http://user:pw@host:5984/prefix into the base URL without credentials and the
 * Authorization header of the credentials.
 * @param {string | URL} couchUrl
 */
export function parseCouchUrl(couchUrl) {
  let url;
  try {
    url = new URL(String(couchUrl));
  } catch {
    throw new Error('COUCHDB_URL is not a URL (expected http://admin:password@host:5984)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('COUCHDB_URL must be http: or https:');
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  const base = url.toString().replace(/\/+$/, '');
  return {
    /** e.g. http://127.0.0.1:5984 — never holds the credentials */
    base,
    /** the URL's path prefix without a trailing slash ('' for a bare host) */
    pathPrefix: url.pathname.replace(/\/+$/, ''),
    user,
    authorization: user ? `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` : undefined,
    /** for messages: the URL without credentials */
    display: base,
  };
}
