import { createSignal, onCleanup, onMount, type Accessor } from 'solid-js';
import type { Observable } from 'rxjs';
import type { BrowserDevice } from '../db/device/browserDevice';
import type { DeviceSession } from '../db/device/session';
import { watchSession } from '../db/device/sessionStore';

/**
 * The glue between the device layer and Solid islands. Islands call these and render; the
 * rules and the data live in src/db and src/rules.
 *
 * The device layer (RxDB, Dexie: the bulk of the portal's code) is imported dynamically, after
 * the island has mounted: the page and its forms are interactive before it loads.
 */

/** A Solid signal following an observable; unsubscribed with the owning component. */
export function fromObservable<T>(source: Observable<T>, initial: T): Accessor<T> {
  const [value, setValue] = createSignal<T>(initial, { equals: false });
  const sub = source.subscribe((v) => setValue(() => v));
  onCleanup(() => sub.unsubscribe());
  return value;
}

/**
 * False in the build's render of an island and in the browser's first (hydrating) render of it,
 * true once it is mounted. What only the device knows (who signed in, what it keeps) is shown
 * from then on: the hydrating render must draw what the build drew, which knew nobody.
 */
export function useMounted(): Accessor<boolean> {
  const [mounted, setMounted] = createSignal(false);
  onMount(() => setMounted(true));
  return mounted;
}

/** The signed-in user of this device (null: nobody), live. */
export function useSession(): Accessor<DeviceSession | null> {
  const [session, setSession] = createSignal<DeviceSession | null>(null);
  onCleanup(watchSession(setSession));
  return session;
}

/** The device layer, loaded once per page: at once when something needs it (a sign-in, a submit). */
export const loadDeviceLayer = () => import('../db/device/browserDevice');

/**
 * Resolves once the browser is idle (or after `timeoutMs` at the latest): the device layer of
 * a signed-in page is fetched and run then, outside the page's first paint and first input
 * (on a mid-range phone its 115 kB ran inside the load and blocked the main thread).
 */
function whenIdle(timeoutMs = 2_000): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: timeoutMs });
    else setTimeout(resolve, 200);
  });
}

/**
 * The open device (local database + replication): undefined while opening, null when nobody
 * has signed in. It changes only when another user signs in, so forms keep what was typed
 * when the same user signs in again.
 */
export function useDevice(): Accessor<BrowserDevice | null | undefined> {
  const [open, setOpen] = createSignal<BrowserDevice | null | undefined>(undefined);
  let user: string | null | undefined;
  onCleanup(
    watchSession((session) => {
      const name = session?.name ?? null;
      if (name === user) return;
      user = name;
      // Nobody signed in: nothing to open, and the device layer is not loaded for a visitor
      // (the sign-in form loads it when they sign in).
      if (name === null) {
        setOpen(null);
        return;
      }
      setOpen(undefined);
      whenIdle()
        .then(() => loadDeviceLayer())
        .then((layer) => layer.device())
        .then(
          (d) => {
            if (user === name) setOpen(d);
          },
          (err) => {
            console.error('the device database could not be opened', err);
            setOpen(null);
          },
        );
    }),
  );
  return open;
}
