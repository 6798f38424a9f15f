import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { EventRecord, MIGRATIONS, SCHEMA_VERSION, migrateEventDoc, versionOf, type StoredDoc } from '../../../../../src/db/schema/index';
import { aSubmittedRepair, anEvent } from '../../../../support/builders/events';

/** The pre-release v0 shape of an event: `kind` instead of `requestKind`, no schemaVersion. */
function asV0(event: Record<string, unknown>): StoredDoc {
  const { requestKind, schemaVersion: _v, ...rest } = event;
  return { ...rest, kind: requestKind };
}

describe('migrations', () => {
  it('the current version is 1 and RxDB has a strategy for it', () => {
    expect(SCHEMA_VERSION).toBe(1);
    expect(Object.keys(MIGRATIONS).map(Number)).toEqual([1]);
  });

  it('a v0 document becomes the current event, valid again', () => {
    const current = aSubmittedRepair();
    const old = asV0(current);
    expect(v.is(EventRecord, old)).toBe(false);
    const migrated = migrateEventDoc(old);
    expect(migrated).toEqual(current);
    expect(v.is(EventRecord, migrated)).toBe(true);
  });

  it('the RxDB strategy is the same step', () => {
    const current = anEvent('dispatched');
    expect(MIGRATIONS[1]!(asV0(current))).toEqual(current);
  });

  it('a current document is left as it is', () => {
    const current = anEvent('note');
    expect(migrateEventDoc(current)).toEqual(current);
  });

  it('reads the version of a document', () => {
    expect(versionOf({})).toBe(0);
    expect(versionOf({ schemaVersion: 1 })).toBe(1);
    expect(() => versionOf({ schemaVersion: '1' })).toThrow(RangeError);
  });

  it('refuses a document from a newer version, and a missing step', () => {
    expect(() => migrateEventDoc({ schemaVersion: 2 })).toThrow(/knows up to 1/);
    expect(() => migrateEventDoc({}, {}, 1)).toThrow(/no migration to schema version 1/);
  });

  it('runs the steps in order and stops when one drops the document', () => {
    const steps = {
      1: (d: StoredDoc) => ({ ...d, trail: ['1'], schemaVersion: 1 }),
      2: (d: StoredDoc) => ({ ...d, trail: [...(d.trail as string[]), '2'], schemaVersion: 2 }),
      3: () => null,
    };
    expect(migrateEventDoc({}, steps, 2)).toEqual({ trail: ['1', '2'], schemaVersion: 2 });
    expect(migrateEventDoc({}, steps, 3)).toBeNull();
  });
});
