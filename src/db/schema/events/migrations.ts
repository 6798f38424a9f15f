/**
 * Versions of the event document and how to bring an old one up to date.
 *
 * SCHEMA_VERSION is written into every event (`schemaVersion`). The RxDB version of the
 * device's `events` collection (EVENTS_COLLECTION_VERSION in src/db/rxdbSchema.ts) was the same
 * up to 1 and is ahead of it since (2: indexes dropped, documents unchanged). When the shape changes:
 *   1. raise SCHEMA_VERSION;
 *   2. add `MIGRATIONS[n]`: a pure function from a version n−1 document to a version n one
 *      (the form of RxDB's `migrationStrategies`);
 *   3. raise EVENTS_COLLECTION_VERSION and give its strategy MIGRATIONS[n] (rxdbSchema.ts);
 *   4. add a test that migrates a document of the old shape.
 * RxDB runs the strategies on the device's stored documents when the app opens with the new
 * schema; `migrateEventDoc` does the same for a single document anywhere else (an old
 * device's push reaching the server, a backup being restored).
 *
 * Events never change once written, so a migration produces the new *form* of the same
 * fact: it renames and reshapes, it never invents what was not recorded.
 */
export const SCHEMA_VERSION = 1;

/** A stored document of any version, as RxDB hands it to a migration strategy. */
export type StoredDoc = Record<string, unknown>;
/** One step: a document of version n−1 in, a document of version n out (or null to drop it). */
export type Migration = (oldDoc: StoredDoc) => StoredDoc | null;

/**
 * Version 0 was the pre-release shape used by the first prototype: the request kind was
 * called `kind`, and there was no `schemaVersion` field. Version 1 renames `kind` to
 * `requestKind` and writes `schemaVersion: 1`. (RxDB also requires a strategy for every
 * version from 1 up, so this entry is needed even on devices that never held a v0 document.)
 */
function v0ToV1(oldDoc: StoredDoc): StoredDoc {
  const { kind, ...rest } = oldDoc;
  return { ...rest, ...(kind !== undefined && rest.requestKind === undefined ? { requestKind: kind } : {}), schemaVersion: 1 };
}

/** RxDB `migrationStrategies` for the events collection: `{ [toVersion]: (oldDoc) => newDoc }`. */
export const MIGRATIONS: Readonly<Record<number, Migration>> = {
  1: v0ToV1,
};

/** The version a document says it has: its `schemaVersion`, or 0 for a document without one. */
export function versionOf(doc: StoredDoc): number {
  const version = doc.schemaVersion;
  if (version === undefined) return 0;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    throw new RangeError(`schemaVersion must be a whole number, zero or more: ${String(version)}`);
  }
  return version;
}

/**
 * Brings one document up to SCHEMA_VERSION by running every step from its version on.
 * Returns null when a step drops the document. A document from a newer version than this
 * code knows is refused: an old server must not rewrite what it does not understand.
 */
export function migrateEventDoc(
  doc: StoredDoc,
  migrations: Readonly<Record<number, Migration>> = MIGRATIONS,
  target: number = SCHEMA_VERSION,
): StoredDoc | null {
  const from = versionOf(doc);
  if (from > target) throw new RangeError(`the document has schema version ${from}; this code knows up to ${target}`);
  let current: StoredDoc | null = doc;
  for (let version = from + 1; version <= target && current !== null; version += 1) {
    const step = migrations[version];
    if (!step) throw new RangeError(`no migration to schema version ${version}`);
    current = step(current);
  }
  return current;
}
