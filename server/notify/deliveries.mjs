// @ts-check
/**
 * `GET /db/_account/deliveries?request=rq-…` (staff): the messages sent about one request and how
 * each fared (pending, sent, failed with the reason), for the console's request card, so a
 * failed SMS or e-mail is seen and the resident called instead. Read from the server-only
 * notifications database by the request's id prefix (notifier.mjs notificationId). Staff of the
 * request's station and staff who work across stations only; addresses masked; no message text
 * beyond its kind (the console words it).
 */
import { NOTIFICATIONS_DB } from '../../src/db/databaseNames.ts';
import { REQUEST_ID_PATTERN } from '../../src/db/schema/events/ids.ts';
import { userFromCouch } from '../../src/db/schema/roles.ts';
import { maskAddress, mayReadDeliveries } from '../../src/rules/notifications.ts';
import { sendJson } from '../backend/errors.mjs';
import { readCookie } from '../backend/identity.mjs';

/** @param {{ store: import('../backend/store.mjs').Store }} options @returns {import('express').RequestHandler} */
export function deliveriesHandler({ store }) {
  return async (req, res, next) => {
    try {
      const cookie = readCookie(req.headers.cookie, 'AuthSession');
      const ctx = cookie ? await store.sessionFromCookie(cookie) : null;
      if (!ctx?.name) return sendJson(res, 401, { error: 'unauthorized', reason: 'Sign in first.' });
      const requestId = String(req.query.request ?? '');
      if (!REQUEST_ID_PATTERN.test(requestId)) return sendJson(res, 400, { error: 'bad_request', field: 'request', reason: 'request must be a request id (rq-…).' });
      const user = userFromCouch(ctx);
      const operations = ctx.roles.includes('operations');
      const who = { roles: user.roles, ...(user.station !== undefined ? { station: user.station } : {}), operations };
      if (!operations && user.station === undefined) return sendJson(res, 403, { error: 'forbidden', reason: 'Only staff read deliveries.' });
      const rows = await store.allDocs(NOTIFICATIONS_DB, { startkey: `nt:${requestId}:`, endkey: `nt:${requestId}:\ufff0`, include_docs: true });
      const docs = rows.map((r) => r.doc).filter((d) => d?.docType === 'notification');
      // The request's station is on its records; a member of another station learns nothing.
      if (!mayReadDeliveries(who, docs[0]?.station ?? user.station) || docs.some((d) => !mayReadDeliveries(who, d.station))) {
        return sendJson(res, 403, { error: 'forbidden', reason: 'This request is not at your station.' });
      }
      sendJson(res, 200, {
        request: requestId,
        deliveries: docs.map((d) => ({
          kind: d.kind,
          channel: d.channel,
          to: maskAddress(String(d.to)),
          audience: String(d.recipient).startsWith('r-') ? 'resident' : 'staff',
          state: d.state,
          attempts: d.attempts,
          createdAt: d.createdAt,
          ...(d.sentAt ? { sentAt: d.sentAt } : {}),
          // the provider's words may repeat the address: masked there too
          ...(d.state === 'failed' && d.lastError ? { error: String(d.lastError).split(String(d.to)).join(maskAddress(String(d.to))) } : {}),
        })),
      });
    } catch (err) {
      next(err);
    }
  };
}
