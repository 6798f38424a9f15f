import { describe, expect, it } from 'vitest';
import { INITIAL_SYNC_STATUS, createSyncStatusStore, syncReducer, type SyncAction, type SyncStatus } from '../../../../src/db/device/syncStatus';

const run = (actions: SyncAction[], from: SyncStatus = INITIAL_SYNC_STATUS) => actions.reduce(syncReducer, from);

describe('the sync status signal', () => {
  it('is waiting before the first exchange, synced after it with nothing waiting', () => {
    expect(INITIAL_SYNC_STATUS.state).toBe('waiting');
    expect(run([{ type: 'exchange', at: 1 }]).state).toBe('synced');
  });

  it('never says synced while anything waits, whatever happened before', () => {
    const actions: SyncAction[] = [
      { type: 'exchange', at: 1 },
      { type: 'waiting', count: 3 },
      { type: 'online', online: false },
      { type: 'online', online: true },
      { type: 'error', id: 'sync.error.server' },
      { type: 'exchange', at: 2 },
      { type: 'signed-out' },
      { type: 'signed-in' },
      { type: 'rejected', count: 1 },
      { type: 'exchange', at: 3 },
    ];
    // every prefix of every ordering of these facts
    for (let start = 0; start < actions.length; start++) {
      let s = run([{ type: 'waiting', count: 1 }]);
      for (let i = 0; i < actions.length; i++) {
        const a = actions[(start + i) % actions.length]!;
        s = syncReducer(s, a);
        if (s.waiting > 0) expect(s.state).not.toBe('synced');
      }
    }
    expect(run([{ type: 'exchange', at: 1 }, { type: 'waiting', count: 2 }]).state).toBe('waiting');
    expect(run([{ type: 'exchange', at: 1 }, { type: 'waiting', count: 2 }, { type: 'waiting', count: 0 }]).state).toBe('synced');
  });

  it('offline, error and signed-out take priority, in that order reversed', () => {
    const base = run([{ type: 'exchange', at: 1 }]);
    expect(syncReducer(base, { type: 'error', id: 'sync.error.network' }).state).toBe('offline');
    const err = syncReducer(base, { type: 'error', id: 'sync.error.server', detail: '500' });
    expect(err.state).toBe('error');
    expect(err.lastError).toMatchObject({ id: 'sync.error.server', detail: '500' });
    expect(err.lastError!['zh-CN']).toMatch(/服务器/);
    expect(err.lastError!.en).toMatch(/server/);
    expect(syncReducer(err, { type: 'online', online: false }).state).toBe('offline');
    const out = syncReducer(err, { type: 'signed-out' });
    expect(out.state).toBe('signed-out');
    expect(out.lastError?.id).toBe('sync.error.session');
    expect(syncReducer(out, { type: 'signed-in' }).lastError).toBeNull();
  });

  it('a successful exchange clears the error and says when', () => {
    const s = run([{ type: 'error', id: 'sync.error.network' }, { type: 'exchange', at: 42 }]);
    expect(s).toMatchObject({ online: true, lastError: null, lastExchangeAt: 42, state: 'synced' });
    expect(syncReducer(s, { type: 'exchange', at: 7 }).lastExchangeAt).toBe(42);
  });

  it('counts are whole and never negative', () => {
    expect(run([{ type: 'waiting', count: -3 }]).waiting).toBe(0);
    expect(run([{ type: 'rejected', count: 2.7 }]).rejected).toBe(2);
  });

  it('the store emits each new status once', () => {
    const store = createSyncStatusStore();
    const seen: string[] = [];
    const sub = store.status$.subscribe((s) => seen.push(s.state));
    store.dispatch({ type: 'exchange', at: 1 });
    store.dispatch({ type: 'waiting', count: 0 });
    store.dispatch({ type: 'waiting', count: 1 });
    sub.unsubscribe();
    expect(seen).toEqual(['waiting', 'synced', 'waiting']);
    expect(store.get().waiting).toBe(1);
  });
});
