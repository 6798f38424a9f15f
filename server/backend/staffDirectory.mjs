// @ts-check
/**
 * GET /db/_account/staff: the staff directory a staff device needs to name people and pick a
 * technician — each colleague's login, display name, Hearthline roles, station and the
 * communities a technician covers, nothing else (no password hash, no contact). Station staff see their own station's staff; operations staff
 * (hotline, complaints, managers) every station's. Residents and the committee are refused:
 * residents read the technician's display name from the dispatched event itself.
 */
import { sendJson } from './errors.mjs';
import { readCookie } from './identity.mjs';
import { listStaff } from './setup.mjs';
import { userFromCouch } from '../../src/db/schema/roles.ts';

/**
 * @param {{ store: import('./store.mjs').Store }} options
 * @returns {import('express').RequestHandler}
 */
export function staffDirectoryHandler({ store }) {
  return async (req, res, next) => {
    try {
      const cookie = readCookie(req.headers.cookie, 'AuthSession');
      const ctx = cookie ? await store.sessionFromCookie(cookie) : null;
      if (!ctx?.name) return sendJson(res, 401, { error: 'unauthorized', reason: 'Sign in first.' });
      const user = userFromCouch(ctx);
      const staff = !user.isAdmin && user.roles.length > 0 && !user.roles.includes('resident') && !user.roles.includes('committee');
      if (!staff) return sendJson(res, 403, { error: 'forbidden', reason: 'Only staff may read the staff directory.' });
      const operations = ctx.roles.includes('operations');
      if (!operations && user.station === undefined) return sendJson(res, 403, { error: 'forbidden', reason: 'You belong to no station.' });
      const all = await listStaff(store);
      const visible = all
        .map((s) => ({ ...s, who: userFromCouch({ name: s.name, roles: s.roles }) }))
        .filter((s) => operations || s.who.station === user.station)
        .map((s) => ({ name: s.name, displayName: s.displayName, roles: s.who.roles, station: s.who.station ?? null, communities: s.communities }));
      sendJson(res, 200, { staff: visible });
    } catch (err) {
      next(err);
    }
  };
}
