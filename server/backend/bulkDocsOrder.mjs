// @ts-check
/**
 * A batch's documents stored, and its rows answered, in the request's order (embedded backend).
 *
 * PouchDB Server's validation plug-in (validate_doc_update), its security plug-in and its
 * authentication plug-in (the `_users` database) wrap `bulkDocs` with pouchdb-bulkdocs-wrapper,
 * which runs its check on every document at once and then (its own comment: "the result array
 * might not be in the same order") hands the documents that passed to the store in the order
 * their checks happened to finish, and answers the refused rows first and the stored ones after.
 * Each check reads the database (the design documents, the document's previous revision), so the
 * order changed from one batch to the next: 13–33 of 300 three-document batches on LevelDB came
 * back out of order, with or without the open-databases LRU. The guard answers its clients by
 * position (a device was told one document's revision for another's), and with the same id twice
 * in a batch the wrong one could be stored.
 *
 * `orderedBulkDocsWrapper` keeps the wrapper's contract (the same check on every document, in
 * parallel) but stores the documents that passed in the request's order and answers every row in
 * its document's place. `useOrderedBulkDocsWrapper` puts it in place of the package before those
 * plug-ins load (they take the wrapper once, when they are first required).
 */
import { createRequire } from 'node:module';
import Module from 'node:module';

/** Marks the replacement in Node's module cache (a test runner may evaluate this module twice). */
const ORDERED = Symbol.for('hearthline.orderedBulkDocsWrapper');

/**
 * @param {(doc: any, args: any) => Promise<unknown>} handler the per-document check (throws/rejects to refuse)
 * @returns {(bulkDocs: () => Promise<any[]>, args: { docs: any[], options?: { new_edits?: boolean } }) => Promise<any[]>}
 */
export function orderedBulkDocsWrapper(handler) {
  return async function bulkDocsWrapper(bulkDocs, args) {
    const docs = args.docs;
    /** @type {any[]} the refusal of each document, where refused */
    const refused = new Array(docs.length);
    await Promise.all(
      docs.map((doc, i) =>
        handler(doc, args).then(
          () => {},
          (/** @type {any} */ err) => {
            err.id = doc._id;
            refused[i] = err;
          },
        ),
      ),
    );
    args.docs = docs.filter((_, i) => !refused[i]);
    const stored = await bulkDocs();
    const refusals = refused.filter(Boolean);
    // new_edits: false answers only the failures (as CouchDB does); anything unexpected as the
    // package did
    if (args.options?.new_edits === false || !Array.isArray(stored) || stored.length !== args.docs.length) return refusals.concat(stored);
    let next = 0;
    return docs.map((_, i) => refused[i] ?? stored[next++]);
  };
}

/**
 * Makes `require('pouchdb-bulkdocs-wrapper')`, as PouchDB Server's plug-ins resolve it, answer
 * `orderedBulkDocsWrapper`. Throws if a plug-in that takes the wrapper was loaded already (it
 * would keep the package's own).
 */
export function useOrderedBulkDocsWrapper() {
  const here = createRequire(import.meta.url);
  const fromServer = createRequire(here.resolve('express-pouchdb'));
  const cache = here.cache; // Node's one module cache
  const users = ['pouchdb-validation', 'pouchdb-security', 'pouchdb-auth/lib/writewrappers'];
  for (const user of users) {
    const from = createRequire(fromServer.resolve(user));
    const file = from.resolve('pouchdb-bulkdocs-wrapper');
    const cached = cache[file];
    if (cached?.exports?.[ORDERED]) continue;
    if (cache[fromServer.resolve(user)]) throw new Error(`${user} was loaded before the ordered bulkDocs wrapper was put in place (server/backend/bulkDocsOrder.mjs)`);
    const replacement = new Module(file);
    replacement.filename = file;
    replacement.loaded = true;
    replacement.exports = Object.assign((/** @type {any} */ handler) => orderedBulkDocsWrapper(handler), { [ORDERED]: true });
    cache[file] = replacement;
  }
}
