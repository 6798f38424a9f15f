// @ts-check
/**
 * What a request to /db asks for, from its method and path alone (before anything is read):
 * the path's segments, and for a non-admin's request to a database whether it is a read, a
 * write of documents, or refused outright (with the rule that refuses it).
 */

/**
 * A path segment decoded, or null when it is not valid URL encoding.
 * @param {string} s
 */
export function decodeSegment(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/**
 * The raw (still encoded) segments of a request's path, without the query and without a
 * trailing empty segment (`/db/x/` is `['x']`; `/` is `['']`).
 * @param {string} url the request's url below the /db mount
 * @returns {string[]}
 */
export function pathSegments(url) {
  const q = url.indexOf('?');
  const pathname = q >= 0 ? url.slice(0, q) : url;
  const segments = pathname.split('/').slice(1);
  if (segments.length && segments[segments.length - 1] === '' && segments.length > 1) segments.pop();
  return segments;
}

/** @typedef {{ op: 'bulk' | 'create' } | { op: 'put' | 'delete', id: string }} DocumentWrite */
/** @typedef {{ op: 'read' } | DocumentWrite | { op: 'refuse', rule: string, reason: string }} DatabaseRequest */

/**
 * What a non-admin asks of a database, from the method and the path segments after its name.
 * @param {string} method
 * @param {string[]} rest raw (still encoded) segments
 * @returns {DatabaseRequest}
 */
export function classify(method, rest) {
  const read = method === 'GET' || method === 'HEAD';
  const adminOnly = { op: /** @type {const} */ ('refuse'), rule: 'admin-only', reason: 'Only server admins can do this.' };
  if (rest.length === 0) {
    if (read) return { op: 'read' };
    if (method === 'POST') return { op: 'create' };
    if (method === 'PUT' || method === 'DELETE') {
      return { op: 'refuse', rule: 'db-admin', reason: 'Only server admins can create or delete databases.' };
    }
    return adminOnly;
  }
  const first = rest[0] ?? '';
  if (first.startsWith('_')) {
    if (rest.length !== 1) return adminOnly; // _design/…, _local/…, _index/…
    if ((first === '_all_docs' || first === '_changes') && (read || method === 'POST')) return { op: 'read' };
    if (first === '_index' && read) return { op: 'read' };
    if (method === 'POST' && ['_find', '_bulk_get', '_revs_diff', '_missing_revs', '_ensure_full_commit'].includes(first)) {
      return { op: 'read' };
    }
    if (first === '_bulk_docs' && method === 'POST') return { op: 'bulk' };
    return adminOnly;
  }
  const id = decodeSegment(first);
  if (id === null) return { op: 'refuse', rule: 'bad-request', reason: 'The document id is not valid URL encoding.' };
  if (id.startsWith('_')) return adminOnly; // _design/x, _local/x sent with an encoded slash
  if (rest.length === 1) {
    if (read) return { op: 'read' };
    if (method === 'PUT') return { op: 'put', id };
    if (method === 'DELETE') return { op: 'delete', id };
    return adminOnly; // COPY, …
  }
  if (read) return { op: 'read' }; // an attachment
  return { op: 'refuse', rule: 'attachments', reason: 'Attachments are not accepted.' };
}
