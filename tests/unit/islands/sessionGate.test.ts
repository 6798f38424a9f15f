import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SESSION_GATE_HASH, SESSION_GATE_SCRIPT } from '../../../src/scripts/sessionGate.mjs';
import { DEVICE_SESSION_KEY } from '../../../src/db/device/sessionStore';

/** Runs the head script against a stored value; true when it marked the page as signed in. */
function marks(stored: string | null): boolean {
  const dataset: Record<string, string> = {};
  const localStorage = { getItem: (key: string) => (key === DEVICE_SESSION_KEY ? stored : null) };
  const document = { documentElement: { dataset } };
  new Function('localStorage', 'document', SESSION_GATE_SCRIPT)(localStorage, document);
  return 'session' in dataset;
}

describe('the signed-in pages\' head script (sessionGate.mjs)', () => {
  it('marks a device keeping a session of the shape the session store accepts', () => {
    expect(marks(JSON.stringify({ name: 'r-1001', database: 'resident-r-1001', roles: ['resident'] }))).toBe(true);
    expect(marks(JSON.stringify({ name: 'zhang', database: 'station-demo', roles: ['dispatcher', 'hall'], station: 'demo' }))).toBe(true);
  });

  it('leaves a visitor\'s device unmarked, and one whose stored value the store would refuse', () => {
    expect(marks(null)).toBe(false);
    expect(marks('')).toBe(false);
    expect(marks('not json')).toBe(false);
    expect(marks('null')).toBe(false);
    expect(marks('"r-1001"')).toBe(false);
    expect(marks(JSON.stringify({ name: 'r-1001', roles: ['resident'] }))).toBe(false);
    expect(marks(JSON.stringify({ name: 'r-1001', database: 'resident-r-1001', roles: 'resident' }))).toBe(false);
    expect(marks(JSON.stringify({ name: 7, database: 'resident-r-1001', roles: ['resident'] }))).toBe(false);
  });

  it('never throws, even without storage (a browser that refuses localStorage)', () => {
    const document = { documentElement: { dataset: {} as Record<string, string> } };
    const refusing = { getItem: () => { throw new Error('SecurityError'); } };
    expect(() => new Function('localStorage', 'document', SESSION_GATE_SCRIPT)(refusing, document)).not.toThrow();
    expect('session' in document.documentElement.dataset).toBe(false);
  });

  it('is allowed by the page\'s CSP: its hash is of its exact text', () => {
    expect(SESSION_GATE_HASH).toBe(`sha256-${createHash('sha256').update(SESSION_GATE_SCRIPT).digest('base64')}`);
  });
});
