// @ts-check
/**
 * Proxy mode: /db streams to an Apache CouchDB 3.x (COUCHDB_URL) with node's http client.
 * - The client's own credentials travel (its AuthSession cookie, its Basic header); the admin
 *   credentials in COUCHDB_URL never do, and never appear in an answer.
 * - Bodies stream both ways (long-poll and continuous _changes included), except when the guard
 *   has read the body already (req.rawBody) and forwards those bytes.
 * - Response headers go through res.setHeader, so responseHeaders.mjs rewrites Set-Cookie,
 *   Location, WWW-Authenticate and Access-Control-* the same way as in embedded mode.
 */
import http from 'node:http';
import getRawBody from 'raw-body';
import https from 'node:https';
import { parseCouchUrl } from './remote.mjs';
import { readCookie } from './identity.mjs';
import { databaseNamespace, markAccount } from '../couch/namespace.mjs';

const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'trailers',
  'transfer-encoding', 'upgrade', 'host', 'content-length',
]);

/**
 * @param {{ couchUrl: string, timeoutMs?: number, dbPrefix?: string, onAccountsWritten?: () => void, onSecurityWritten?: (dbName: string) => void }} options
 *   dbPrefix: the namespace on a shared CouchDB (../couch/namespace.mjs): /db/operations reaches
 *   <prefix>operations; onAccountsWritten: called when CouchDB has answered a write to _users
 *   (the admin CLI's reset-password, create-staff), before the answer is passed on;
 *   onSecurityWritten: the same for a database's `_security` and the database itself (PUT, DELETE)
 * @returns {import('express').RequestHandler}
 */
export function createProxy({ couchUrl, timeoutMs = 120_000, dbPrefix = '', onAccountsWritten = () => {}, onSecurityWritten = () => {} }) {
  const { base } = parseCouchUrl(couchUrl);
  const namespace = databaseNamespace(dbPrefix);
  const target = new URL(base);
  const client = target.protocol === 'https:' ? https : http;
  const agent = new client.Agent({ keepAlive: true, maxSockets: 64 });
  const prefix = target.pathname.replace(/\/+$/, '');

  /** @type {import('express').RequestHandler} */
  const forward = (req, res) => {
    /** @type {Record<string, string | string[]>} */
    const headers = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name) || name.startsWith('x-forwarded-')) continue;
      if (name === 'cookie') {
        // Only the session cookie is CouchDB's business.
        const session = readCookie(String(value), 'AuthSession');
        if (session !== undefined) headers.cookie = `AuthSession=${session}`;
        continue;
      }
      headers[name] = value;
    }
    headers.host = target.host;
    const raw = /** @type {{ rawBody?: Buffer }} */ (req).rawBody;
    if (raw) headers['content-length'] = String(raw.length);
    else if (req.headers['content-length'] !== undefined) headers['content-length'] = req.headers['content-length'];
    else if (req.headers['transfer-encoding']) headers['transfer-encoding'] = 'chunked';

    // In a namespace, the answers that list databases are read whole and told in our names.
    const listing = namespace.prefix !== '' && /^\/(_all_dbs|_db_updates)(?:[?/]|$)/.test(req.url ?? '') && !/[?&]feed=(continuous|eventsource)/.test(req.url ?? '');
    if (listing) delete headers['accept-encoding'];
    const accountsWrite = req.method !== 'GET' && req.method !== 'HEAD' && /^\/_users(?:[/?]|$)/.test(req.url ?? '');
    // A database's security object changed or the database went (an admin's request): the
    // store's copy of it is forgotten (remote.mjs securityTtlMs).
    const securityWrite = req.method === 'PUT' || req.method === 'DELETE' ? /^\/([^/?_][^/?]*)(?:\/_security)?(?:\?|$)/.exec(req.url ?? '') : null;

    const upstream = client.request(
      {
        protocol: target.protocol,
        hostname: target.hostname,
        port: target.port,
        method: req.method,
        path: prefix + namespace.path(req.url), // req.url is relative to the /db mount
        headers,
        agent,
        timeout: timeoutMs,
      },
      (upRes) => {
        if (accountsWrite) onAccountsWritten();
        if (securityWrite) onSecurityWritten(decodeURIComponent(/** @type {string} */ (securityWrite[1])));
        res.statusCode = upRes.statusCode ?? 502;
        if (listing && upRes.statusCode === 200) {
          /** @type {Buffer[]} */
          const chunks = [];
          upRes.on('data', (c) => chunks.push(c));
          upRes.on('error', () => res.destroy());
          upRes.on('end', () => {
            let body;
            try {
              body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              res.destroy();
              return;
            }
            res.setHeader('Content-Type', 'application/json');
            res.end(JSON.stringify(inNamespace(namespace, body)) + '\n');
          });
          return;
        }
        for (const [name, value] of Object.entries(upRes.headers)) {
          if (value === undefined || HOP_BY_HOP.has(name)) continue;
          res.setHeader(name, value);
        }
        if (upRes.headers['content-length'] !== undefined && !upRes.headers['content-encoding']) {
          res.setHeader('content-length', upRes.headers['content-length']);
        }
        upRes.pipe(res);
        upRes.on('error', () => res.destroy());
      },
    );
    // A client that goes away (a closed long-poll) ends the upstream request too.
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    upstream.on('timeout', () => upstream.destroy(new Error('upstream timeout')));
    upstream.on('error', () => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.statusCode = 502;
      res.setHeader('Content-Type', 'application/json');
      // Never the URL: it may carry the admin credentials.
      res.end(JSON.stringify({ error: 'bad_gateway', reason: 'The database server is not reachable.' }) + '\n');
    });
    if (raw) upstream.end(raw);
    else req.pipe(upstream);
  };

  // In a namespace, the accounts written through /db (the admin CLI's create-staff, …) carry it
  // like those the server writes itself (../couch/namespace.mjs): their bodies are small.
  return (req, res, next) => {
    if (!namespace.prefix || (req.method !== 'PUT' && req.method !== 'POST') || !/^\/_users(?:[/?]|$)/.test(req.url ?? '')) return forward(req, res, next);
    const given = /** @type {{ rawBody?: Buffer }} */ (req).rawBody;
    (given ? Promise.resolve(given) : readAll(req)).then(
      (bytes) => {
        Object.assign(req, { rawBody: markAccountsIn(namespace, req.url ?? '', bytes) });
        forward(req, res, next);
      },
      () => res.destroy(),
    );
  };
}

/**
 * The body of a write to _users, read whole to mark its accounts: at most 4 MB (an account is a
 * few hundred bytes; a batch of staff a few hundred kB), read by raw-body, which also refuses a
 * body cut short of its declared length instead of waiting for it.
 * @param {import('node:http').IncomingMessage} req @returns {Promise<Buffer>}
 */
function readAll(req) {
  const declared = Number(req.headers['content-length']);
  return getRawBody(req, { length: Number.isFinite(declared) ? declared : undefined, limit: 4 * 1024 * 1024 });
}

/**
 * A write to _users (PUT /_users/<id>, POST /_users, POST /_users/_bulk_docs) with every account
 * in it marked with the namespace; anything else, or what is not JSON, as it came.
 * @param {import('../couch/namespace.mjs').DatabaseNamespace} namespace
 * @param {string} url
 * @param {Buffer} bytes
 */
function markAccountsIn(namespace, url, bytes) {
  let body;
  try {
    body = JSON.parse(bytes.toString('utf8'));
  } catch {
    return bytes;
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return bytes;
  const path = url.split('?')[0] ?? '';
  if (path === '/_users/_bulk_docs' && Array.isArray(body.docs)) {
    body = { ...body, docs: body.docs.map((/** @type {any} */ d) => (d && typeof d === 'object' ? markAccount(namespace, d) : d)) };
  } else if (path === '/_users' || path === '/_users/') {
    body = markAccount(namespace, body);
  } else {
    let id;
    try {
      id = decodeURIComponent(path.slice('/_users/'.length));
    } catch {
      return bytes;
    }
    if (!id.startsWith('org.couchdb.user:')) return bytes;
    body = markAccount(namespace, { ...body, _id: body._id ?? id });
  }
  return Buffer.from(JSON.stringify(body));
}

/**
 * An answer of _all_dbs (names) or _db_updates ({ results: [{ db_name }] }) with only this
 * namespace's databases, in the names of databaseNames.ts.
 * @param {import('../couch/namespace.mjs').DatabaseNamespace} namespace
 * @param {any} body
 */
function inNamespace(namespace, body) {
  if (Array.isArray(body)) return body.map((n) => (typeof n === 'string' ? namespace.logical(n) : null)).filter((n) => n !== null);
  if (body && Array.isArray(body.results)) {
    const results = body.results.flatMap((/** @type {any} */ r) => {
      const name = typeof r?.db_name === 'string' ? namespace.logical(r.db_name) : null;
      return name === null ? [] : [{ ...r, db_name: name }];
    });
    return { ...body, results };
  }
  return body;
}
