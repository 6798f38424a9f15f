import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { tryPidLock } from '../../../server/processes.mjs';

// The pid lock of the build and of the embedded database (server/processes.mjs).
describe('tryPidLock', () => {
  const dirs: string[] = [];
  const fileIn = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pidlock-'));
    dirs.push(dir);
    return path.join(dir, 'x.pid');
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('takes a free lock with this pid, and releases it', () => {
    const file = fileIn();
    const lock = tryPidLock(file);
    expect('release' in lock).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(String(process.pid));
    if ('release' in lock) lock.release();
    expect(() => readFileSync(file)).toThrow();
  });

  it('reports a live holder and leaves its file', () => {
    const file = fileIn();
    const live = process.ppid; // a live process that is not this one: the test runner
    writeFileSync(file, String(live));
    expect(tryPidLock(file)).toEqual({ heldBy: live });
    expect(readFileSync(file, 'utf8')).toBe(String(live));
  });

  it('takes over a lock whose holder is dead, and an empty one left long ago, but not a fresh empty one', () => {
    const file = fileIn();
    const dead = spawnSync(process.execPath, ['-e', 'console.log(process.pid)']);
    writeFileSync(file, String(Number(String(dead.stdout).trim())));
    expect('release' in tryPidLock(file)).toBe(true);

    const empty = fileIn();
    writeFileSync(empty, '');
    expect(tryPidLock(empty)).toEqual({ heldBy: 0 });
    const old = (Date.now() - 60_000) / 1000;
    utimesSync(empty, old, old);
    expect('release' in tryPidLock(empty)).toBe(true);
  });
});
