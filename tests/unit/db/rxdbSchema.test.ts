import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addRxPlugin, createRxDatabase, type RxDatabase } from 'rxdb';
import { RxDBDevModePlugin, disableWarnings } from 'rxdb/plugins/dev-mode';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import {
  EVENTS_COLLECTION,
  EVENTS_COLLECTION_CREATOR,
  EVENTS_MIGRATION_STRATEGIES,
  EVENTS_RX_SCHEMA,
  EVENT_INDEXES,
} from '../../../src/db/rxdbSchema';
import { EventRecord, SCHEMA_VERSION } from '../../../src/db/schema/index';
import * as v from 'valibot';
import { aRequestHistory, aSubmittedRepair, anEvent, resetIds } from '../../support/builders/events';

// Dev mode checks the schema thoroughly (field names, indexes, maxLength); the app does not load it.
beforeAll(() => {
  disableWarnings();
  addRxPlugin(RxDBDevModePlugin);
  addRxPlugin(RxDBMigrationSchemaPlugin);
});

let dbs: RxDatabase[] = [];
let dbCounter = 0;
afterEach(async () => {
  await Promise.all(dbs.map((db) => db.close()));
  dbs = [];
  resetIds();
});

async function openDb(name = `events-test-${process.pid}-${++dbCounter}`): Promise<RxDatabase> {
  const db = await createRxDatabase({
    name,
    storage: wrappedValidateAjvStorage({ storage: getRxStorageMemory() }),
    multiInstance: false,
  });
  dbs.push(db);
  return db;
}

describe('the derived RxDB schema', () => {
  it('has the primary key, version, indexes and every envelope field required and final', () => {
    expect(EVENTS_RX_SCHEMA.primaryKey).toBe('id');
    expect(EVENTS_RX_SCHEMA.version).toBeGreaterThanOrEqual(SCHEMA_VERSION);
    expect(EVENTS_RX_SCHEMA.indexes).toEqual(EVENT_INDEXES.map((i) => [...i]));
    const fields = ['id', 'docType', 'schemaVersion', 'requestId', 'requestKind', 'at', 'author', 'resident', 'station', 'visibility', 'type', 'payload'];
    expect([...(EVENTS_RX_SCHEMA.required ?? [])].sort()).toEqual([...fields].sort());
    expect(Object.keys(EVENTS_RX_SCHEMA.properties).sort()).toEqual([...fields].sort());
    for (const f of fields) expect((EVENTS_RX_SCHEMA.properties as Record<string, { final?: boolean }>)[f]?.final, f).toBe(true);
    expect(EVENTS_RX_SCHEMA.properties).not.toHaveProperty('_id');
    expect(EVENTS_RX_SCHEMA).not.toHaveProperty('$schema');
  });

  it('bounds every indexed string, as RxDB requires', () => {
    const props = EVENTS_RX_SCHEMA.properties as Record<string, { type?: string; maxLength?: number }>;
    for (const field of new Set(EVENT_INDEXES.flat())) {
      expect(props[field]?.type, field).toBe('string');
      expect(props[field]?.maxLength, field).toBeGreaterThan(0);
    }
    expect(props.at?.maxLength).toBe(24);
    expect(props.type?.maxLength).toBe('remedy-proposed'.length);
  });

  it('leaves the payload to valibot', () => {
    expect(EVENTS_RX_SCHEMA.properties.payload).toEqual({ type: 'object', final: true });
  });

  it('gives RxDB a strategy for every version from 1 up', () => {
    for (let version = 1; version <= EVENTS_RX_SCHEMA.version; version += 1) expect(typeof EVENTS_MIGRATION_STRATEGIES[version]).toBe('function');
  });
});

describe('the events collection in RxDB (memory storage, ajv validation, dev mode)', () => {
  it('accepts the schema, stores valid events and finds them by index in (at, id) order', async () => {
    const db = await openDb();
    const { events } = await db.addCollections({ [EVENTS_COLLECTION]: EVENTS_COLLECTION_CREATOR });
    const history = aRequestHistory();
    await events!.bulkInsert(history);
    const found = await events!.find({ selector: { requestId: history[0]!.requestId }, sort: [{ at: 'asc' }] }).exec();
    expect(found.map((d) => d.get('type'))).toEqual(history.map((e) => e.type));
    // What RxDB hands back still passes the valibot schema.
    for (const doc of found) expect(v.is(EventRecord, doc.toJSON())).toBe(true);
  });

  it('rejects a malformed event (ajv)', async () => {
    const db = await openDb();
    const { events } = await db.addCollections({ [EVENTS_COLLECTION]: EVENTS_COLLECTION_CREATOR });
    const good = aSubmittedRepair();
    await expect(events!.insert({ ...good, at: 'yesterday' })).rejects.toThrow();
    await expect(events!.insert({ ...good, visibility: 'everyone' } as never)).rejects.toThrow();
    await expect(events!.insert({ ...good, extra: 1 } as never)).rejects.toThrow();
    const { station: _s, ...withoutStation } = good;
    await expect(events!.insert(withoutStation as never)).rejects.toThrow();
    expect(await events!.count().exec()).toBe(0);
  });

  it('refuses a document with _id (the device shape has id only)', async () => {
    const db = await openDb();
    const { events } = await db.addCollections({ [EVENTS_COLLECTION]: EVENTS_COLLECTION_CREATOR });
    await expect(events!.insert({ ...aSubmittedRepair(), _id: 'x' } as never)).rejects.toThrow();
  });

  it('never changes a stored event: every field is final', async () => {
    const db = await openDb();
    const { events } = await db.addCollections({ [EVENTS_COLLECTION]: EVENTS_COLLECTION_CREATOR });
    const note = anEvent('note');
    const doc = await events!.insert(note);
    await expect(doc.incrementalPatch({ at: '2025-12-02T00:00:00.000Z' })).rejects.toThrow(/final|DOC9/i);
  });

  it('keeps every stored event, unchanged, when the collection moves from version 1 (four indexes) to the current one', async () => {
    const name = `events-migrate-v1-${process.pid}-${++dbCounter}`;
    const v1Schema = {
      ...EVENTS_RX_SCHEMA,
      version: 1,
      indexes: [
        ['requestId', 'at'],
        ['station', 'at'],
        ['resident', 'at'],
        ['type', 'at'],
      ],
    };
    const history = aRequestHistory();
    const before = await openDb(name);
    const { events: oldEvents } = await before.addCollections({ [EVENTS_COLLECTION]: { schema: v1Schema as never, migrationStrategies: { 1: (d: unknown) => d } } });
    await oldEvents!.bulkInsert(history);
    await before.close();
    dbs = dbs.filter((d) => d !== before);

    const after = await openDb(name);
    const { events } = await after.addCollections({ [EVENTS_COLLECTION]: EVENTS_COLLECTION_CREATOR });
    expect(EVENTS_RX_SCHEMA.version).toBe(2);
    const found = await events!.find({ selector: { requestId: history[0]!.requestId }, sort: [{ requestId: 'asc' }, { at: 'asc' }] }).exec();
    expect(found.map((d) => d.toJSON())).toEqual(history);
  });

  it('migrates a stored v0 document to the current version through migrationStrategies', async () => {
    const name = `events-migrate-${process.pid}-${++dbCounter}`;
    // Version 0: `kind` instead of `requestKind`, no schemaVersion (see migrations.ts).
    const v0Properties = { ...EVENTS_RX_SCHEMA.properties } as Record<string, unknown>;
    v0Properties.kind = v0Properties.requestKind;
    delete v0Properties.requestKind;
    delete v0Properties.schemaVersion;
    const v0Schema = {
      ...EVENTS_RX_SCHEMA,
      version: 0,
      properties: v0Properties,
      required: [...(EVENTS_RX_SCHEMA.required ?? []).filter((f) => f !== 'requestKind' && f !== 'schemaVersion'), 'kind'],
    };
    const current = aSubmittedRepair();
    const { requestKind, schemaVersion: _v, ...rest } = current;
    const old = { ...rest, kind: requestKind };

    const before = await openDb(name);
    const { events: oldEvents } = await before.addCollections({ [EVENTS_COLLECTION]: { schema: v0Schema as never } });
    await oldEvents!.insert(old);
    await before.close();
    dbs = dbs.filter((d) => d !== before);

    const after = await openDb(name);
    const { events } = await after.addCollections({ [EVENTS_COLLECTION]: EVENTS_COLLECTION_CREATOR });
    const migrated = await events!.findOne(current.id).exec();
    expect(migrated?.toJSON()).toEqual(current);
  });
});
