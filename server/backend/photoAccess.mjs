// @ts-check
/**
 * Staff read a resident's photo of a fault (issue 21, item 5), under /db/_account (the session
 * cookie's path):
 *
 *   GET /photos/<photo id>     the picture (image/jpeg or image/png), or 401/403/404
 *
 * Photos stay in the resident's own database (src/db/schema/photos.ts): staff are no members of
 * it. A member of staff sees a photo when the database their device replicates (their station's,
 * or operations for hotline, complaints and managers) holds the photo's request, as the request
 * registry the write checks use knows it: a request handed to another station is seen there
 * from then on, and a station that never held it answers 404 like a photo that does not exist.
 * Residents read their own photos from their database (/db/<their db>/<id>/image); anyone else
 * gets nothing. Every photo shown to staff is written to the customer access log first.
 */
import { OPERATIONS_DB, residentDbName, stationDbName } from '../../src/db/databaseNames.ts';
import { PHOTO_ATTACHMENT, parsePhotoId } from '../../src/db/schema/photos.ts';
import { userFromCouch } from '../../src/db/schema/roles.ts';
import { base64Bytes } from '../../src/rules/photoBytes.ts';
import { sendJson } from './errors.mjs';
import { readCookie } from './identity.mjs';

/** @typedef {import('./store.mjs').Store} Store */

/**
 * @param {{
 *   store: Store,
 *   accessLog: import('./accessLog.mjs').AccessLog,
 *   requestOf: (dbName: string, requestId: string) => Promise<import('../../src/rules/requestLinkage.ts').RequestFacts | null>,
 * }} options
 * @returns {import('express').RequestHandler}
 */
export function photoHandler({ store, accessLog, requestOf }) {
  return async (req, res, next) => {
    try {
      const cookie = readCookie(req.headers.cookie, 'AuthSession');
      const ctx = cookie ? await store.sessionFromCookie(cookie) : null;
      if (!ctx?.name) return sendJson(res, 401, { error: 'unauthorized', reason: 'Sign in first.' });
      const user = userFromCouch(ctx);
      const staff = !user.isAdmin && user.roles.length > 0 && !user.roles.includes('resident') && !user.roles.includes('committee');
      if (!staff) return sendJson(res, 403, { error: 'forbidden', reason: 'Only the staff of a request see its photos here.' });
      const dbName = ctx.roles.includes('operations') ? OPERATIONS_DB : user.station !== undefined ? stationDbName(user.station) : null;
      if (!dbName) return sendJson(res, 403, { error: 'forbidden', reason: 'You belong to no station.' });
      const id = String(req.params.id ?? '');
      const named = parsePhotoId(id);
      const notFound = () => sendJson(res, 404, { error: 'not_found', reason: 'No such photo.' });
      if (!named) return notFound();
      const request = await requestOf(dbName, named.requestId);
      if (!request) return notFound();
      const rows = await store.allDocs(residentDbName(request.resident), { keys: [id], include_docs: true, attachments: true });
      const doc = rows[0]?.doc;
      const image = doc?.docType === 'photo' && doc.requestId === named.requestId ? doc._attachments?.[PHOTO_ATTACHMENT] : undefined;
      const bytes = typeof image?.data === 'string' ? base64Bytes(image.data) : null;
      if (!bytes) return notFound();
      const accountNumber = request.resident.startsWith('r-') ? request.resident.slice(2) : request.resident;
      await accessLog.record({
        action: 'photo-view',
        actor: { name: ctx.name, role: user.roles[0] ?? 'none', ...(user.station !== undefined ? { station: user.station } : {}) },
        accounts: [accountNumber],
        note: id,
      });
      res.status(200);
      res.setHeader('Content-Type', image.content_type === 'image/png' ? 'image/png' : 'image/jpeg');
      res.setHeader('Content-Length', String(bytes.length));
      res.setHeader('Cache-Control', 'private, no-store');
      res.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
    } catch (err) {
      next(err);
    }
  };
}
