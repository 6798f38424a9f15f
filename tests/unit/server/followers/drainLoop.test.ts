/**
 * server/followers/drainLoop.mjs: how the publisher and the outage feed are woken. A wake during a drain
 * makes exactly one more drain after it; never two at once; a failed drain is reported and the
 * next wake drains again; stop() waits for the drain in progress and wakes nothing after.
 */
import { describe, expect, it } from 'vitest';
import { createDrainLoop } from '../../../../server/followers/drainLoop.mjs';

/** A drainOnce whose runs the test releases one by one. */
function controlledDrain() {
  const releases: (() => void)[] = [];
  let active = 0;
  let mostAtOnce = 0;
  let runs = 0;
  let failNext = false;
  return {
    async drainOnce() {
      runs += 1;
      active += 1;
      mostAtOnce = Math.max(mostAtOnce, active);
      await new Promise<void>((resolve) => releases.push(resolve));
      active -= 1;
      if (failNext) {
        failNext = false;
        throw new Error('the database went away');
      }
    },
    /** Lets the oldest waiting run finish, then lets the loop go on. */
    async release() {
      releases.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    },
    failOnce() {
      failNext = true;
    },
    get runs() {
      return runs;
    },
    get mostAtOnce() {
      return mostAtOnce;
    },
  };
}

describe('createDrainLoop', () => {
  it('drains once more after a drain during which it was woken, however often, and never two at once', async () => {
    const work = controlledDrain();
    const loop = createDrainLoop({ drainOnce: work.drainOnce, dbName: 'operations', sweepIntervalMs: 0, onError: () => {} });
    const first = loop.drain();
    loop.notify('operations');
    loop.notify('operations');
    void loop.drain();
    expect(work.runs).toBe(1);
    await work.release(); // the first run ends; the wakes during it give one more
    expect(work.runs).toBe(2);
    await work.release();
    await first;
    expect(work.runs).toBe(2);
    expect(work.mostAtOnce).toBe(1);
  });

  it('is not woken by writes to other databases', async () => {
    const work = controlledDrain();
    const loop = createDrainLoop({ drainOnce: work.drainOnce, dbName: 'operations', sweepIntervalMs: 0, onError: () => {} });
    loop.notify('station-north-1');
    loop.notify('resident-abc');
    expect(work.runs).toBe(0);
    loop.notify('operations');
    expect(work.runs).toBe(1);
    await work.release();
  });

  it('reports a failed drain and drains again at the next wake', async () => {
    const work = controlledDrain();
    const errors: string[] = [];
    const loop = createDrainLoop({ drainOnce: work.drainOnce, dbName: 'operations', sweepIntervalMs: 0, onError: (err) => errors.push(err.message) });
    work.failOnce();
    const failed = loop.drain();
    await work.release();
    await failed;
    expect(errors).toEqual(['the database went away']);
    const next = loop.drain();
    expect(work.runs).toBe(2);
    await work.release();
    await next;
    expect(errors).toHaveLength(1);
  });

  it('stop() runs beforeWait, waits for the drain in progress and starts none after', async () => {
    const work = controlledDrain();
    const loop = createDrainLoop({ drainOnce: work.drainOnce, dbName: 'operations', sweepIntervalMs: 0, onError: () => {} });
    void loop.drain();
    loop.notify('operations'); // would drain again after this one, but the loop stops first
    let aborted = false;
    let stoppedAt = 0;
    const stopping = loop.stop(() => {
      aborted = true;
    }).then(() => {
      stoppedAt = work.runs;
    });
    expect(aborted).toBe(true);
    expect(loop.stopped).toBe(true);
    await work.release();
    await stopping;
    expect(stoppedAt).toBe(1);
    loop.notify('operations');
    await loop.drain();
    expect(work.runs).toBe(1);
  });
});
