// @ts-check
/**
 * The guard in front of /db, the same in embedded and proxy mode ("workaround B" of the spike:
 * access and write checks in our own middleware, no validate_doc_update design documents).
 *
 * For every request it resolves who is asking (AuthSession cookie or Basic credentials; failed
 * Basic credentials count as failed sign-ins), then:
 * - server admins pass through untouched;
 * - server-level routes: everyone may GET /db/, /db/_uuids and use /db/_session (sign-in is
 *   rate-limited here); everything else that starts with '_' (_users, _all_dbs, _config,
 *   _replicator, …) is admin-only;
 * - databases: only resident-*, station-* and operations are open to non-admins, and only to
 *   members in their _security (names or roles, members or admins). An empty members list
 *   means admin-only, not public (trap 3). A missing database answers like a refused one,
 *   except to whom it would belong (no probing which accounts exist).
 * - members may read (info, documents, attachments, _all_docs, _changes, _find, _index list,
 *   _bulk_get, _revs_diff, _missing_revs) — checked here because express-pouchdb's _find,
 *   _bulk_get and _index skip _security (trap 1);
 * - members may write documents (PUT/POST/DELETE a document, POST _bulk_docs): the guard
 *   parses the JSON, refuses new_edits=false (trap 8), design and local documents and
 *   attachments (but a photo document's own, inline: src/db/validatePhotoWrite.ts), runs validateWrite on each document with existing = whether the id has any
 *   revision in the database, and stores what passed itself (as server admin, through the
 *   Store). Single writes answer 401/403 { error, reason, rule }; _bulk_docs answers 201 with a
 *   row per document in request order, refused rows { id, error, reason, rule }.
 * - everything else (PUT/DELETE of the database itself — trap 2, _security, _design/*,
 *   _local/*, _temp_view, _compact, _purge, _index POST, …) is refused for non-admins.
 */
import { randomUUID } from 'node:crypto';
import { databaseKind } from './names.mjs';
import { CouchError, refuse, sendJson, toCouchError } from './errors.mjs';
import { createIdentity } from './identity.mjs';
import { SIGN_IN_REFUSED } from './signinLimiter.mjs';
import { REQUEST_LIMITS, checkBulkCount, forEachInSlices, limitRead, readLimitedBody } from './requestLimits.mjs';

/** @typedef {import('./store.mjs').Store} Store */
/** @typedef {import('./store.mjs').UserCtx} UserCtx */
/** @typedef {import('./domain.mjs').ValidateWrite} ValidateWrite */
/** @typedef {import('./names.mjs').DatabaseKind} DatabaseKind */

/**
 * Reads a request body into a Buffer, refusing more than `limit` bytes.
 * @param {import('node:http').IncomingMessage} req
 * @param {number} limit
 * @returns {Promise<Buffer>}
 */
export function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new CouchError(413, 'too_large', 'The request entity is too large.'));
      req.resume();
      return;
    }
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        reject(new CouchError(413, 'too_large', 'The request entity is too large.'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** @param {import('node:http').IncomingMessage} req */
const isJson = (req) => /^application\/(?:[\w.+-]+\+)?json\b/i.test(String(req.headers['content-type'] ?? ''));

/** @param {string} s */
function decodeSegment(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/**
 * @param {UserCtx} user
 * @param {{ names?: string[], roles?: string[] } | undefined} list
 */
const inList = (user, list) =>
  Boolean(list) &&
  ((user.name !== null && (list?.names ?? []).includes(user.name)) || (list?.roles ?? []).some((r) => user.roles.includes(r)));

/**
 * Whose database a name says it is (used only to tell its owner that it is missing).
 * @param {DatabaseKind} kind
 * @param {UserCtx} user
 */
function wouldBelongTo(kind, user) {
  if (kind.kind === 'resident') return kind.owner === user.name;
  if (kind.kind === 'station') return user.roles.includes(`station:${kind.station}`) || user.roles.includes('operations');
  if (kind.kind === 'operations') return user.roles.includes('operations');
  return false;
}

/**
 * What a non-admin asks for, from the method and the path segments after the database name.
 * @param {string} method
 * @param {string[]} rest raw (still encoded) segments
 * @returns {{ op: 'read' } | { op: 'bulk' | 'create' } | { op: 'put' | 'delete', id: string } | { op: 'refuse', rule: string, reason: string }}
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

/**
 * @param {{
 *   store: Store,
 *   validateWrite: ValidateWrite,
 *   limiter: import('./signinLimiter.mjs').SignInLimiter,
 *   maxWriteBytes?: number,
 *   limits?: import('./requestLimits.mjs').RequestLimits,
 *   sessions?: import('./sessions.mjs').SessionEnds,
 *   log?: (msg: string) => void,
 *   onWrite?: (dbName: string) => void,
 *   ownership?: import('./ownership.mjs').Ownership,
 * }} options
 * @returns {import('express').RequestHandler}
 */
export function createGuard({ store, validateWrite, limiter, maxWriteBytes = 8 * 1024 * 1024, limits = REQUEST_LIMITS, sessions, log = console.error, onWrite = () => {}, ownership }) {
  const { resolveUser } = createIdentity({ store, limiter });

  /**
   * POST /db/_session: refused (one message for every failure) while the account or the
   * address is locked; the password is checked here so failures can be counted, then the
   * request goes on to express-pouchdb / CouchDB, which sets the cookie.
   * @param {import('express').Request} req
   * @param {import('express').Response} res
   * @param {import('express').NextFunction} next
   * @param {string} address
   */
  async function signIn(req, res, next, address) {
    const raw = await readBody(req, 16 * 1024);
    /** @type {Record<string, unknown>} */
    let body = {};
    const type = String(req.headers['content-type'] ?? '');
    try {
      if (isJson(req)) body = JSON.parse(raw.toString('utf8') || '{}');
      else if (/^application\/x-www-form-urlencoded\b/i.test(type)) body = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
    } catch {
      throw new CouchError(400, 'bad_request', 'invalid_json');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) body = {};
    const name = typeof body.name === 'string' ? body.name : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const wait = limiter.retryAfter(name, address);
    if (wait > 0) {
      res.setHeader('Retry-After', String(wait));
      return sendJson(res, 401, SIGN_IN_REFUSED);
    }
    const ctx = await store.verifyPassword(name, password);
    if (!ctx) {
      limiter.recordFailure(name, address);
      return sendJson(res, 401, SIGN_IN_REFUSED);
    }
    limiter.recordSuccess(name, address);
    // Not within the second its sessions were ended: the new cookie would count as ended.
    await sessions?.waitPastEnd(ctx.name ?? name);
    // Hand the body on: express-pouchdb's body parsers skip a parsed request (req._body), the
    // proxy sends req.rawBody.
    Object.assign(req, { body, _body: true, rawBody: raw });
    next();
  }

  /**
   * @param {string} dbName
   * @param {DatabaseKind} kind
   * @param {UserCtx} user
   * @returns {Promise<'member' | 'missing' | 'refused'>}
   */
  async function membership(dbName, kind, user) {
    if (kind.kind === 'other' || user.name === null) return 'refused';
    if (!(await store.dbExists(dbName))) return wouldBelongTo(kind, user) ? 'missing' : 'refused';
    const sec = await store.getSecurity(dbName);
    const members = sec.members ?? {};
    const emptyMembers = !(members.names ?? []).length && !(members.roles ?? []).length;
    if (inList(user, sec.admins)) return 'member';
    if (!emptyMembers && inList(user, members)) return 'member';
    return 'refused';
  }

  /** @type {Map<string, { station?: string, at: number }>} */
  const stationOfResidentDb = new Map();
  /**
   * The station in a resident database's profile document ({} when there is none), cached for a
   * minute: a profile changes only through the admin.
   * @param {string} dbName
   * @returns {Promise<{ station?: string }>}
   */
  async function residentStation(dbName) {
    const cached = stationOfResidentDb.get(dbName);
    if (cached && Date.now() - cached.at < 60_000) return cached.station ? { station: cached.station } : {};
    const profile = /** @type {{ station?: unknown } | null} */ (await store.get(dbName, 'profile'));
    const station = typeof profile?.station === 'string' ? profile.station : undefined;
    stationOfResidentDb.set(dbName, { station, at: Date.now() });
    return station ? { station } : {};
  }

  /**
   * Runs the write check on each document, stores what passed, answers.
   * @param {import('express').Request} req
   * @param {import('express').Response} res
   * @param {string} dbName
   * @param {DatabaseKind} kind
   * @param {UserCtx} user
   * @param {{ op: 'bulk' | 'create' } | { op: 'put' | 'delete', id: string }} what
   */
  async function write(req, res, dbName, kind, user, what) {
    const query = new URLSearchParams(req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '');
    if (query.get('new_edits') === 'false') {
      return refuse(res, user, 'new-edits', 'new_edits=false is reserved for server admins.');
    }
    /** @type {any} */
    let body;
    if (what.op !== 'delete') {
      if (!isJson(req)) {
        if (/^multipart\//i.test(String(req.headers['content-type'] ?? ''))) {
          return refuse(res, user, 'attachments', 'Attachments are not accepted.');
        }
        return sendJson(res, 415, { error: 'bad_content_type', reason: 'Content-Type must be application/json' });
      }
      const raw = await readLimitedBody(req, maxWriteBytes);
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return sendJson(res, 400, { error: 'bad_request', reason: 'invalid_json' });
      }
    }

    /** @type {unknown[]} */
    let docs;
    if (what.op === 'bulk') {
      if (!body || typeof body !== 'object' || !Array.isArray(body.docs)) {
        return sendJson(res, 400, { error: 'bad_request', reason: 'POST body must include `docs` parameter.' });
      }
      if (body.new_edits === false) return refuse(res, user, 'new-edits', 'new_edits=false is reserved for server admins.');
      checkBulkCount(body.docs, limits);
      docs = body.docs;
    } else if (what.op === 'delete') {
      const rev = query.get('rev') ?? String(req.headers['if-match'] ?? '').replace(/"/g, '');
      docs = [{ _id: what.id, ...(rev ? { _rev: rev } : {}), _deleted: true }];
    } else {
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        return sendJson(res, 400, { error: 'bad_request', reason: 'Document must be a JSON object' });
      }
      if (what.op === 'put') {
        if (body._id !== undefined && body._id !== what.id) {
          return sendJson(res, 400, { error: 'bad_request', reason: 'Document id must match the id in the URL' });
        }
        body._id = what.id;
        const rev = query.get('rev');
        if (rev && body._rev === undefined) body._rev = rev;
      } else if (body._id === undefined) {
        body._id = randomUUID().replace(/-/g, '');
      }
      docs = [body];
    }

    // Shape checks the validator need not repeat: a JSON object with a plain string id.
    /** @type {({ id: string, error: string, reason: string, rule?: string, status: number } | null)[]} */
    const refusals = docs.map((d) => {
      if (!d || typeof d !== 'object' || Array.isArray(d)) {
        return { id: '', error: 'bad_request', reason: 'Document must be a JSON object', status: 400 };
      }
      const doc = /** @type {Record<string, unknown>} */ (d);
      if (doc._id === undefined) doc._id = randomUUID().replace(/-/g, '');
      if (typeof doc._id !== 'string' || doc._id === '') {
        return { id: '', error: 'bad_request', reason: '_id must be a non-empty string', status: 400 };
      }
      if (doc._id.startsWith('_')) {
        return { id: doc._id, error: 'forbidden', reason: 'Design and local documents are reserved for server admins.', rule: 'reserved-id', status: 403 };
      }
      // The one document that carries an attachment is a photo of a fault, inline and checked
      // whole by its write check (src/db/validatePhotoWrite.ts: type, size, count, no location).
      if (doc._attachments !== undefined && doc.docType !== 'photo') {
        return { id: doc._id, error: 'forbidden', reason: 'Attachments are not accepted (only on photos of a request).', rule: 'attachments', status: 403 };
      }
      return null;
    });

    // A resident's requests must name the station of their community: it is in their profile.
    const database = kind.kind === 'resident' ? { ...kind, ...(await residentStation(dbName)) } : kind;
    // Checked and stored one write at a time per database: the ownership and quota rules read
    // what the database holds (./ownership.mjs).
    const checkAndStore = async () => {
      const ids = docs.flatMap((d, i) => (refusals[i] ? [] : [String(/** @type {any} */ (d)._id)]));
      const existing = await store.existingIds(dbName, [...new Set(ids)]);
      const owned = ownership ? await ownership.prepare(dbName, kind, docs.filter((_, i) => !refusals[i]), user) : null;
      /** @type {unknown[]} */
      const toStore = [...docs];
      docs.forEach((d, i) => {
        if (refusals[i]) return;
        const doc = /** @type {Record<string, unknown>} */ (d);
        const id = String(doc._id);
        let verdict;
        try {
          const context = owned?.contextOf(doc);
          const approvedRevision = owned?.approvedRevisionOf(doc);
          verdict = validateWrite({
            database,
            doc,
            user: { name: user.name, roles: [...user.roles] },
            existing: existing.has(id),
            ...(context ? { context } : {}),
            ...(approvedRevision !== undefined ? { approvedRevision } : {}),
          });
          if (verdict?.ok === true && owned) toStore[i] = owned.accept(doc, verdict.event);
        } catch (err) {
          log(`[hearthline] validateWrite threw on ${dbName}/${id}: ${/** @type {Error} */ (err)?.stack ?? err}`);
          verdict = { ok: false, status: 500, rule: 'internal', reason: 'The write check failed; the document was not stored.' };
        }
        if (!verdict || verdict.ok !== true) {
          const v = /** @type {{ status?: number, rule?: string, reason?: string }} */ (verdict ?? {});
          const status = v.status === 401 ? 401 : v.status === 500 ? 500 : 403;
          refusals[i] = {
            id,
            error: status === 401 ? 'unauthorized' : status === 500 ? 'internal_error' : 'forbidden',
            reason: v.reason ?? 'Refused.',
            rule: v.rule ?? 'unknown',
            status,
          };
        }
      });

      const accepted = toStore.filter((_, i) => !refusals[i]);
      return accepted.length ? await store.bulkDocs(dbName, /** @type {any[]} */ (accepted)) : [];
    };
    const stored = ownership ? await ownership.exclusive(dbName, checkAndStore) : await checkAndStore();
    // Wake the router at once rather than at its next sweep: it copies the event on.
    if (stored.some((/** @type {any} */ r) => r.ok)) onWrite(dbName);
    let next = 0;
    const rows = docs.map((_, i) => {
      const r = refusals[i];
      if (r) {
        const { status: _status, ...row } = r;
        return row;
      }
      return stored[next++] ?? { id: String(/** @type {any} */ (docs[i])._id), error: 'internal_error', reason: 'no result' };
    });

    if (what.op === 'bulk') return sendJson(res, 201, rows);
    const row = /** @type {any} */ (rows[0]);
    if (row.ok) {
      res.setHeader('ETag', `"${row.rev}"`);
      return sendJson(res, what.op === 'delete' ? 200 : 201, { ok: true, id: row.id, rev: row.rev });
    }
    const refusal = refusals[0];
    const status =
      refusal?.status ??
      ({ conflict: 409, forbidden: 403, unauthorized: 401, bad_request: 400, not_found: 404 })[/** @type {string} */ (row.error)] ??
      500;
    const { id: _id, ...answer } = row;
    return sendJson(res, status, answer);
  }

  return function guard(req, res, next) {
    (async () => {
      // Only origin-form targets (createApp refuses the others first; this guard may be mounted alone).
      if (!req.originalUrl.startsWith('/')) {
        return sendJson(res, 400, { error: 'bad_request', reason: 'The request target must be an origin-form path (starting with /).', rule: 'request-target' });
      }
      const address = req.ip ?? req.socket.remoteAddress ?? '';
      const user = await resolveUser(req, res, address);
      if (!user) return; // refused and answered
      const isAdmin = user.roles.includes('_admin');
      const q = req.url.indexOf('?');
      const pathname = q >= 0 ? req.url.slice(0, q) : req.url;
      const segments = pathname.split('/').slice(1);
      if (segments.length && segments[segments.length - 1] === '' && segments.length > 1) segments.pop();
      const first = segments[0] ?? '';

      // Server level.
      if (first === '') {
        if (isAdmin || req.method === 'GET' || req.method === 'HEAD') return next();
        return refuse(res, user, 'admin-only', 'Only server admins can do this.');
      }
      if (first === '_session' && segments.length === 1) {
        if (req.method === 'POST') return signIn(req, res, next, address);
        // Signing out ends the account's sessions (every copy of the cookie): sessions.mjs.
        if (req.method === 'DELETE' && user.name !== null && sessions) await sessions.end(user.name);
        return next();
      }
      if (isAdmin) {
        // A server admin's writes (imports, the CLI, a migration) skip the write check but must
        // still wake the followers: embedded, the router learns which databases changed from this.
        if (req.method !== 'GET' && req.method !== 'HEAD' && !first.startsWith('_')) {
          const written = decodeSegment(first);
          if (written !== null) {
            res.on('finish', () => {
              if (res.statusCode >= 200 && res.statusCode < 300) onWrite(written);
            });
          }
        }
        return next();
      }
      if (first === '_uuids' && segments.length === 1 && req.method === 'GET') return next();
      if (first.startsWith('_')) {
        return refuse(res, user, 'admin-only', 'Only server admins can use system databases and server settings.');
      }

      // A database.
      const dbName = decodeSegment(first);
      if (dbName === null) return sendJson(res, 400, { error: 'bad_request', reason: 'The database name is not valid URL encoding.' });
      const kind = databaseKind(dbName);
      const what = classify(req.method, segments.slice(1));
      const access = await membership(dbName, kind, user);
      if (access === 'refused') return refuse(res, user, 'membership', 'You are not allowed to access this database.');
      if (access === 'missing') return sendJson(res, 404, { error: 'not_found', reason: 'Database does not exist.' });
      if (what.op === 'refuse') return refuse(res, user, what.rule, what.reason);
      if (what.op === 'read') {
        await limitRead(req, segments.slice(1), limits);
        return next();
      }
      return write(req, res, dbName, kind, user, what);
    })().catch((err) => {
      const e = toCouchError(err);
      if (e.status >= 500) log(`[hearthline] /db${req.url}: ${/** @type {Error} */ (err)?.stack ?? err}`);
      if (res.headersSent) return res.destroy();
      sendJson(res, e.status, e.toJSON());
    });
  };
}
