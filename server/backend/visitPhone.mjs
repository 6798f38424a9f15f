// @ts-check
/**
 * POST /db/_account/visits/phone { requestId }: a technician's full view of the phone of a
 * visit dispatched to them (issue 16 item 4: the day screen's `tel:` link). Technicians look
 * nobody up (src/rules/customerPrivacy.ts: they work from the dispatch form), but they must
 * phone the resident of their own job (002 ch.2 §13: late, or nobody home). So the phone is
 * answered only for a request of the technician's station whose booked visit is theirs, read
 * from the server's copy of the station's open requests (workingSet.mjs), and every view is
 * written to the access log (purpose `dispatch`) before the answer, as staff full views are.
 */
import { sendJson } from './errors.mjs';
import { readCookie } from './identity.mjs';
import { stationDbName } from './names.mjs';
import { fromCouchDoc } from '../../src/db/schema/events/event.ts';
import { userFromCouch } from '../../src/db/schema/roles.ts';
import { requestState } from '../../src/rules/requestState.ts';

/**
 * @param {{ store: import('./store.mjs').Store, accessLog: import('./accessLog.mjs').AccessLog, workingSets: ReturnType<typeof import('./workingSet.mjs').createWorkingSets> }} options
 * @returns {import('express').RequestHandler}
 */
export function visitPhoneHandler({ store, accessLog, workingSets }) {
  return async (req, res, next) => {
    try {
      const cookie = readCookie(req.headers.cookie, 'AuthSession');
      const ctx = cookie ? await store.sessionFromCookie(cookie) : null;
      if (!ctx?.name) return sendJson(res, 401, { error: 'unauthorized', reason: 'Sign in first.' });
      const user = userFromCouch(ctx);
      const requestId = typeof req.body?.requestId === 'string' ? req.body.requestId : '';
      const actor = { name: ctx.name, role: 'technician', ...(user.station !== undefined ? { station: user.station } : {}) };
      if (user.isAdmin || !user.roles.includes('technician') || user.station === undefined) {
        return sendJson(res, 403, { error: 'forbidden', reason: 'Only a technician reads the phone of their own visit.' });
      }
      if (!/^rq-[0-9A-Z]{26}$/.test(requestId)) return sendJson(res, 400, { error: 'bad_request', reason: 'Give the requestId of your visit.' });
      const { docs } = await workingSets.read(stationDbName(user.station));
      const events = docs.filter((d) => d.requestId === requestId).map((d) => fromCouchDoc(/** @type {any} */ (d)));
      let state = null;
      try {
        state = events.length ? requestState(events, { now: Date.now() }) : null;
      } catch {
        state = null;
      }
      const account = state?.resident.replace(/^r-/, '') ?? '';
      if (!state || state.visit?.technician !== ctx.name) {
        if (/^\d{8,12}$/.test(account)) await accessLog.record({ action: 'reveal-refused', actor, accounts: [account], purpose: 'dispatch', refused: 'scope' });
        return sendJson(res, 404, { error: 'not_found', reason: 'No open visit of yours with this request.' });
      }
      const submitted = events.find((e) => e.type === 'submitted');
      const phone = /** @type {{ contact?: { phone?: string } }} */ (submitted?.payload ?? {}).contact?.phone;
      if (!phone) return sendJson(res, 404, { error: 'not_found', reason: 'This request has no phone.' });
      if (/^\d{8,12}$/.test(account)) await accessLog.record({ action: 'reveal', actor, accounts: [account], purpose: 'dispatch', note: requestId });
      sendJson(res, 200, { phone });
    } catch (err) {
      next(err);
    }
  };
}
