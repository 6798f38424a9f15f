// @ts-check
/**
 * Bounded work per request (issue #17, finding 1): what one non-admin request to /db may ask
 * of the server. The attack run froze the embedded server 28 s with one 100,000-document
 * `_bulk_docs`, 7 s (and then for good) with one `$regex` `_find` whose pattern backtracks, and
 * let a member send a 200 MB `_find` body that express-pouchdb parsed whole.
 *
 * The guard (./index.mjs) calls these after it decided the request may be made at all:
 * - `limitRead` for every read with a body or a query that sizes the work (`_all_docs`,
 *   `_changes`, `_find`, `_bulk_get`, `_revs_diff`, `_missing_revs`): the body is read here with
 *   a cap (1 MB) and handed on parsed (express-pouchdb skips a parsed body, the proxy forwards
 *   `rawBody`); `limit` (1000 rows with documents, 10,000 without), `skip`, `keys`, `doc_ids` and
 *   `_bulk_get`'s `docs` have maximums; an
 *   absent `limit` is the maximum (the client pages on, as every CouchDB client does with
 *   `total_rows` / `last_seq`), `_find`'s is CouchDB's 25; `_find` selectors use only the
 *   operators below, within a size and depth; `_changes` takes no filter but `_doc_ids`.
 * - `checkBulkCount` for `_bulk_docs` (at most 1000 documents: a device sends 250), which also
 *   bounds how long one batch's write check holds the event loop (it runs in one piece).
 * Server admins are not limited (the CLI, the router and imports act as admin).
 *
 * Every refusal says what was asked and what the limit is, with a `rule` a client can test:
 * 413 `too_large` (rules `body-size`, `bulk-docs-count`) or 400 `bad_request` (rules `limit`,
 * `skip`, `keys`, `find-selector`).
 */
import { CouchError } from '../errors.mjs';
import { isJsonRequest, readLimitedBody } from './requestBody.mjs';

export const REQUEST_LIMITS = Object.freeze({
  /** Bytes of a read's body: 1000 keys of a device's push check are about 40 kB. */
  maxReadBytes: 1024 * 1024,
  /** Documents in one `_bulk_docs` (the devices send batches of 250). */
  maxBulkDocs: 1000,
  /** `limit` of `_all_docs`, `_changes`, `_find` with documents; also the value of an absent limit. */
  maxRows: 1000,
  /**
   * `limit` of `_all_docs` and `_changes` without documents (ids and revisions: about 100 bytes
   * a row). `npm run results` / `npm run publish` read ids in rounds of 8000 (server/couch/stream.mjs).
   */
  maxIdRows: 10_000,
  /** `keys` of `_all_docs`, `doc_ids` of `_changes`, `docs` of `_bulk_get`, ids of `_revs_diff`. */
  maxKeys: 1000,
  /** `skip`: every skipped row is still read. */
  maxSkip: 10_000,
  /** `_find`'s limit when none is given (CouchDB's default; PouchDB's is "all"). */
  defaultFindLimit: 25,
  /** A selector: nested levels, operators and values in all, elements of one array. */
  maxSelectorDepth: 5,
  maxSelectorNodes: 100,
  maxSelectorArray: 100,
});

/** @typedef {typeof REQUEST_LIMITS} RequestLimits */

/**
 * Mango operators a member may use: comparisons, membership and the combinators, each of
 * which costs a bounded amount per document. Left out: `$regex` (a backtracking pattern costs
 * exponential time in the length of the field it runs over, in the server's event loop) and
 * anything not in CouchDB's list (`$where` and the like are refused by name, not passed on).
 */
const SELECTOR_OPERATORS = new Set([
  '$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$exists', '$type', '$in', '$nin', '$size', '$mod', '$all',
  '$and', '$or', '$nor', '$not', '$elemMatch', '$allMatch',
]);

/**
 * @param {string} rule
 * @param {string} reason
 */
const badRequest = (rule, reason) => new CouchError(400, 'bad_request', reason, { rule });

/**
 * A `_changes` filter a non-admin may send: none, or `_doc_ids`. PouchDB Server knows no
 * `_selector` filter (it looks for a design document of that name) and throws an uncaught error
 * on it and on any design filter it cannot find, which ended the whole embedded server; `_view`
 * and design filters run code from design documents the app never asks for. The app's devices
 * send no filter.
 * @param {unknown} filter
 */
export function checkChangesFilter(filter) {
  if (filter === undefined || filter === null || filter === '_doc_ids') return;
  throw badRequest('changes-filter', `The _changes filter ${JSON.stringify(String(filter)).slice(0, 60)} is not served: use none or _doc_ids.`);
}

/**
 * Refuses a selector that is not plain data over the allowed operators, within the limits.
 * @param {unknown} selector
 * @param {RequestLimits} [limits]
 */
export function checkSelector(selector, limits = REQUEST_LIMITS) {
  let nodes = 0;
  /** @param {unknown} value @param {number} depth */
  const walk = (value, depth) => {
    if (depth > limits.maxSelectorDepth) {
      throw badRequest('find-selector', `The selector is nested too deep (at most ${limits.maxSelectorDepth} levels).`);
    }
    if (++nodes > limits.maxSelectorNodes) {
      throw badRequest('find-selector', `The selector is too large (at most ${limits.maxSelectorNodes} fields, operators and values).`);
    }
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) walk(item, depth + 1);
      return;
    }
    for (const [key, inner] of Object.entries(value)) {
      if (key.startsWith('$')) {
        if (!SELECTOR_OPERATORS.has(key)) {
          throw badRequest('find-selector', `The selector operator ${key} is not accepted (only ${[...SELECTOR_OPERATORS].join(', ')}).`);
        }
        if (Array.isArray(inner) && inner.length > limits.maxSelectorArray) {
          throw badRequest('find-selector', `${key} lists ${inner.length} values; at most ${limits.maxSelectorArray} are accepted.`);
        }
      }
      walk(inner, depth + 1);
    }
  };
  if (selector === null || typeof selector !== 'object' || Array.isArray(selector)) {
    throw badRequest('find-selector', 'The selector must be a JSON object.');
  }
  walk(selector, 0);
}

/**
 * A whole number from a query string or a body, or undefined when absent; NaN when it is not one.
 * @param {unknown} raw
 */
function count(raw) {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const n = typeof raw === 'number' ? raw : Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : Number.NaN;
}

/**
 * @param {string} name
 * @param {unknown} raw
 * @param {number} max
 * @param {string} rule
 */
function checkCount(name, raw, max, rule) {
  const n = count(raw);
  if (n === undefined) return undefined;
  if (Number.isNaN(n)) throw badRequest(rule, `${name} must be a whole number from 0 to ${max}.`);
  if (n > max) throw badRequest(rule, `${name} is ${n}; at most ${max} are served per request (ask for the next page from the last row).`);
  return n;
}

/**
 * @param {string} name
 * @param {unknown} list
 * @param {number} max
 */
function checkList(name, list, max) {
  if (list === undefined) return;
  if (typeof list === 'string') {
    // `keys` in the query string is JSON text
    let parsed;
    try {
      parsed = JSON.parse(list);
    } catch {
      throw badRequest('keys', `${name} must be a JSON array.`);
    }
    return checkList(name, parsed, max);
  }
  if (!Array.isArray(list)) throw badRequest('keys', `${name} must be a JSON array.`);
  if (list.length > max) throw badRequest('keys', `${name} lists ${list.length} entries; at most ${max} are served per request.`);
}

/**
 * Checks (and where needed bounds) a member's read before it goes on to express-pouchdb or the
 * proxied CouchDB. Throws a CouchError to refuse.
 * @param {import('express').Request} req
 * @param {string[]} rest the path segments after the database name
 * @param {RequestLimits} [limits]
 */
export async function limitRead(req, rest, limits = REQUEST_LIMITS) {
  const endpoint = rest.length === 1 ? rest[0] : undefined;
  const q = req.url.indexOf('?');
  const query = new URLSearchParams(q >= 0 ? req.url.slice(q + 1) : '');
  const pathname = q >= 0 ? req.url.slice(0, q) : req.url;

  /** @type {Record<string, any>} */
  let body = {};
  if (req.method === 'POST') {
    const raw = await readLimitedBody(req, limits.maxReadBytes);
    if (raw.length > 0) {
      if (!isJsonRequest(req)) throw new CouchError(415, 'bad_content_type', 'Content-Type must be application/json');
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new CouchError(400, 'bad_request', 'invalid_json');
      }
      if (!body || typeof body !== 'object' || Array.isArray(body)) throw new CouchError(400, 'bad_request', 'Request body must be a JSON object');
    }
  }
  const bodyChanged = { value: false };

  if (endpoint === '_all_docs' || endpoint === '_changes') {
    const feed = query.get('feed') ?? body.feed;
    const streaming = endpoint === '_changes' && (feed === 'continuous' || feed === 'eventsource');
    const includeDocs = String(query.get('include_docs') ?? body.include_docs ?? 'false') === 'true';
    const limit = checkCount('limit', query.get('limit') ?? body.limit, includeDocs ? limits.maxRows : limits.maxIdRows, 'limit');
    checkCount('skip', query.get('skip') ?? body.skip, limits.maxSkip, 'skip');
    checkList('keys', query.get('keys') ?? body.keys, limits.maxKeys);
    checkList('doc_ids', query.get('doc_ids') ?? body.doc_ids, limits.maxKeys);
    const hasKeys = query.has('keys') || body.keys !== undefined;
    if (endpoint === '_changes') checkChangesFilter(query.get('filter') ?? body.filter);
    // No limit: the server's maximum, and the client reads on from the last row as it would
    // from any page (continuous feeds stream one change at a time and may run on).
    if (limit === undefined && !hasKeys && !streaming) query.set('limit', String(limits.maxRows));
  } else if (endpoint === '_find') {
    checkSelector(body.selector, limits);
    checkCount('skip', body.skip, limits.maxSkip, 'skip');
    const limit = checkCount('limit', body.limit, limits.maxRows, 'limit');
    if (limit === undefined) {
      body.limit = limits.defaultFindLimit;
      bodyChanged.value = true;
    }
    if (Array.isArray(body.fields)) checkList('fields', body.fields, limits.maxKeys);
  } else if (endpoint === '_bulk_get') {
    checkList('docs', body.docs, limits.maxKeys);
  } else if (endpoint === '_revs_diff' || endpoint === '_missing_revs') {
    const ids = Object.keys(body);
    if (ids.length > limits.maxKeys) throw badRequest('keys', `${endpoint} lists ${ids.length} documents; at most ${limits.maxKeys} are served per request.`);
  }

  const search = query.toString();
  req.url = pathname + (search ? `?${search}` : '');
  if (req.method === 'POST') {
    // Hand the body on: express-pouchdb's body parsers skip a parsed request (req._body), the
    // proxy sends req.rawBody. The query object express built is rebuilt from the new url.
    const rawBody = Buffer.from(JSON.stringify(body));
    Object.assign(req, { body, _body: true, rawBody });
  }
  if (Object.prototype.hasOwnProperty.call(req, 'query')) {
    // express 4 caches the parsed query on the request; the sub-app parses its own again
    delete (/** @type {any} */ (req).query);
  }
}

/**
 * Refuses a `_bulk_docs` of more documents than the limit, before any is checked.
 * @param {unknown[]} docs
 * @param {RequestLimits} [limits]
 */
export function checkBulkCount(docs, limits = REQUEST_LIMITS) {
  if (docs.length > limits.maxBulkDocs) {
    throw new CouchError(
      413,
      'too_large',
      `_bulk_docs carries ${docs.length} documents; at most ${limits.maxBulkDocs} documents are accepted per request (send them in batches).`,
      { rule: 'bulk-docs-count' },
    );
  }
}
