// @ts-check
/**
 * Who may use a database at all: only resident-*, station-* and operations are open to
 * non-admins, and only to members in their _security (names or roles, members or admins). An
 * empty members list means admin-only, not public (trap 3). A missing database answers like a
 * refused one, except to whom it would belong (no probing which accounts exist).
 */

/** @typedef {import('../store.mjs').Store} Store */
/** @typedef {import('../store.mjs').UserCtx} UserCtx */
/** @typedef {import('../names.mjs').DatabaseKind} DatabaseKind */

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

/** @param {{ store: Store }} deps */
export function createDatabaseAccess({ store }) {
  /**
   * Whether a non-admin is a member of a database, or may be told it is missing.
   * @param {string} dbName
   * @param {DatabaseKind} kind
   * @param {UserCtx} user
   * @returns {Promise<'member' | 'missing' | 'refused'>}
   */
  async function membership(dbName, kind, user) {
    if (kind.kind === 'other' || user.name === null) return 'refused';
    // One request: the security object of a database that does not exist is a 404 (asking
    // whether it exists first doubled the requests of every member's read and write to CouchDB).
    const sec = await store.getSecurity(dbName).catch((err) => {
      if (err?.status === 404) return null;
      throw err;
    });
    if (sec === null) return wouldBelongTo(kind, user) ? 'missing' : 'refused';
    const members = sec.members ?? {};
    const emptyMembers = !(members.names ?? []).length && !(members.roles ?? []).length;
    if (inList(user, sec.admins)) return 'member';
    if (!emptyMembers && inList(user, members)) return 'member';
    return 'refused';
  }
  return { membership };
}
