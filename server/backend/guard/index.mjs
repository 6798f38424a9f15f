// @ts-check
/**
 * The guard in front of /db, the same in embedded and proxy mode ("workaround B" of the spike:
 * access and write checks in our own middleware, no validate_doc_update design documents).
 * This module routes a request to the concern that decides it; each concern is a module here:
 *
 *   ../identity.mjs        who is asking (AuthSession cookie or Basic credentials) and a
 *                          sign-in attempt, rate-limited by ../signinLimiter.mjs
 *   sessionRoute.mjs       /db/_session: sign-in (counted, limited), sign-out (ends the sessions)
 *   classifyRequest.mjs    the path's segments; what a non-admin's request to a database is
 *   databaseAccess.mjs     whether a non-admin is a member of a database (or may hear it is missing)
 *   requestLimits.mjs      the bounds of one request (body sizes, rows, keys, selectors, batch size)
 *   requestBody.mjs        reading a body, never more than a limit
 *   documentWrites.mjs     a member's write, start to end, with
 *     writeRequest.mjs       the documents a write asks to store (new_edits, JSON, size, count)
 *     writeValidation.mjs    the shape checks and validateWrite per document, and the store
 *     residentStations.mjs   the station of a resident's community, from their profile
 *   wakeFollowers.mjs      waking the router and working sets after a write (members' and admins')
 *
 * For every request it resolves who is asking (failed Basic credentials count as failed
 * sign-ins), then:
 * - server admins pass through untouched (their writes still wake the followers);
 * - server-level routes: everyone may GET /db/, /db/_uuids and use /db/_session (sign-in is
 *   rate-limited here); everything else that starts with '_' (_users, _all_dbs, _config,
 *   _replicator, …) is admin-only;
 * - databases: only members (databaseAccess.mjs);
 * - members may read (info, documents, attachments, _all_docs, _changes, _find, _index list,
 *   _bulk_get, _revs_diff, _missing_revs), within the bounds of requestLimits.mjs — checked here
 *   because express-pouchdb's _find, _bulk_get and _index skip _security (trap 1);
 * - members may write documents (PUT/POST/DELETE a document, POST _bulk_docs): the guard
 *   parses the JSON, refuses new_edits=false (trap 8), design and local documents and
 *   attachments (but a photo document's own, inline: src/db/validatePhotoWrite.ts), runs
 *   validateWrite on each document with existing = whether the id has any revision in the
 *   database, and stores what passed itself (as server admin, through the Store);
 * - everything else (PUT/DELETE of the database itself — trap 2, _security, _design/*,
 *   _local/*, _temp_view, _compact, _purge, _index POST, …) is refused for non-admins.
 */
import { databaseKind } from '../names.mjs';
import { refuse, sendJson, toCouchError } from '../errors.mjs';
import { createIdentity } from '../identity.mjs';
import { classify, decodeSegment, pathSegments } from './classifyRequest.mjs';
import { createDatabaseAccess } from './databaseAccess.mjs';
import { createDocumentWrites } from './documentWrites.mjs';
import { REQUEST_LIMITS, limitRead } from './requestLimits.mjs';
import { createSessionRoute } from './sessionRoute.mjs';
import { wakeAfterAdminWrite } from './wakeFollowers.mjs';

export { classify } from './classifyRequest.mjs';

/**
 * @param {{
 *   store: import('../store.mjs').Store,
 *   validateWrite: import('../domain.mjs').ValidateWrite,
 *   limiter: import('../signinLimiter.mjs').SharedSignInLimiter,
 *   maxWriteBytes?: number,
 *   limits?: import('./requestLimits.mjs').RequestLimits,
 *   sessions?: import('../sessions.mjs').SessionEnds,
 *   log?: (msg: string) => void,
 *   onWrite?: (dbName: string) => void,
 *   admission?: (dbName: string) => Promise<void>,
 *   ownership?: import('../ownership.mjs').Ownership,
 * }} options
 * @returns {import('express').RequestHandler}
 */
export function createGuard({ store, validateWrite, limiter, maxWriteBytes = 8 * 1024 * 1024, limits = REQUEST_LIMITS, sessions, log = console.error, onWrite = () => {}, admission, ownership }) {
  const { resolveUser, attemptSignIn } = createIdentity({ store, limiter });
  const sessionRoute = createSessionRoute({ attemptSignIn, sessions });
  const { membership } = createDatabaseAccess({ store });
  const { write } = createDocumentWrites({ store, validateWrite, ownership, log, onWrite, admission, maxWriteBytes, limits });

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
      const segments = pathSegments(req.url);
      const first = segments[0] ?? '';

      // Server level.
      if (first === '') {
        if (isAdmin || req.method === 'GET' || req.method === 'HEAD') return next();
        return refuse(res, user, 'admin-only', 'Only server admins can do this.');
      }
      if (first === '_session' && segments.length === 1) return sessionRoute.handle(req, res, next, address, user);
      if (isAdmin) {
        wakeAfterAdminWrite(onWrite, req, res, first.startsWith('_') ? null : decodeSegment(first));
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
