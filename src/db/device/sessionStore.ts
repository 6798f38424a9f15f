import type { DeviceSession } from './session';

/**
 * The signed-in user of this device, for every island of a page. Deliberately tiny (no RxDB,
 * no RxJS, no valibot): pages read it before the device layer loads, which happens lazily.
 * What is read here is only checked for its shape; the device layer parses it with the
 * DeviceSession schema (session.ts) before opening anything, and forgets a session that fails.
 */

export const DEVICE_SESSION_KEY = 'hearthline:session';

type Listener = (session: DeviceSession | null) => void;

function readStored(): DeviceSession | null {
  try {
    const raw = typeof localStorage === 'undefined' ? null : localStorage.getItem(DEVICE_SESSION_KEY);
    const value: unknown = raw ? JSON.parse(raw) : null;
    if (!value || typeof value !== 'object') return null;
    const s = value as Partial<DeviceSession>;
    return typeof s.name === 'string' && typeof s.database === 'string' && Array.isArray(s.roles) ? (value as DeviceSession) : null;
  } catch {
    return null;
  }
}

/**
 * `<html data-session>` says whether someone is signed in on this device: the page's head script
 * sets it from the stored session before the first paint (src/scripts/sessionGate.mjs, the same
 * shape check as readStored), so the CSS draws the right shell before any island runs; from then
 * on it follows the session here.
 */
function markPage(session: DeviceSession | null): void {
  if (typeof document === 'undefined') return;
  if (session) document.documentElement.dataset.session = '';
  else delete document.documentElement.dataset.session;
}

let current: DeviceSession | null = readStored();
markPage(current);
const listeners = new Set<Listener>();

export function currentSession(): DeviceSession | null {
  return current;
}

/** Calls `listener` now and at every change; returns the unsubscribe function. */
export function watchSession(listener: Listener): () => void {
  listeners.add(listener);
  listener(current);
  return () => listeners.delete(listener);
}

/** Only the device layer sets it (after signing in or out, or refusing a stored session). */
export function setCurrentSession(session: DeviceSession | null): void {
  current = session;
  markPage(session);
  for (const l of listeners) l(session);
}

export function isStaff(session: Pick<DeviceSession, 'roles'>): boolean {
  return !session.roles.includes('resident');
}

/** How the user is named on screen: a resident by the account number on their bill. */
export function displayName(session: Pick<DeviceSession, 'name' | 'roles'>): string {
  return session.roles.includes('resident') && session.name.startsWith('r-') ? session.name.slice(2) : session.name;
}
