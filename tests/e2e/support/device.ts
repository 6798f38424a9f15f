/**
 * The open device of a page (src/db/device/browserDevice.ts, `window.hearthline.device()`),
 * reached from the tests through page.evaluate: the same records the islands write, the same
 * local database they read.
 *
 *   waitForDevice(page)                       until the page has opened its device
 *   recordOnDevice(page, events, lang?)       device.record(event, lang) for each, all at once;
 *                                             resolves to the refusals' reasons ([] when all stored)
 *   deviceEvents(page, requestId)             the events of a request in the local database
 *   deviceSyncStatus(page)                    the replication's status signal as it is now
 */
import type { Page } from 'playwright-core';
import type { BrowserDevice } from '../../../src/db/device/browserDevice';
import type { SyncStatus } from '../../../src/db/device/syncStatus';

export interface StoredEvent {
  id: string;
  type: string;
  at: string;
  requestId: string;
  author: { name: string; role: string; device: string };
  payload: unknown;
}

type DeviceWindow = { hearthline?: { device?: () => Promise<unknown> } };

/** Waits until the page's islands have opened the signed-in user's device. */
export async function waitForDevice(page: Page, timeout = 30_000): Promise<void> {
  // Playwright's waitForFunction takes the first truthy return, and an async predicate returns a
  // Promise (always truthy): so wait for the opener to exist, then ask it in a loop of our own.
  const deadline = Date.now() + timeout;
  await page.waitForFunction(() => typeof (window as unknown as DeviceWindow).hearthline?.device === 'function', null, { timeout });
  for (;;) {
    const opened = await page.evaluate(async () => (await (window as unknown as DeviceWindow).hearthline!.device!()) !== null).catch(() => false); // a navigation in between: ask again
    if (opened) return;
    if (Date.now() > deadline) throw new Error(`the page did not open its device within ${timeout} ms`);
    await page.waitForTimeout(200);
  }
}

/** Records events on the device as the app does (the write check first); returns the refusals. */
export async function recordOnDevice(page: Page, events: readonly object[], lang: 'zh-CN' | 'en' = 'zh-CN'): Promise<string[]> {
  return page.evaluate(
    async ({ events, lang }) => {
      const device = (await (window as unknown as DeviceWindow).hearthline!.device!()) as BrowserDevice;
      // All at once: each is its own record() (its own check and insert), and the screens
      // catch up once rather than after each of them.
      const results = await Promise.all(events.map((event) => device.record(event, lang)));
      return results.flatMap((result, i) => (result.ok ? [] : [`${(events[i] as { id?: string }).id}: ${result.rule} ${result.reason}`]));
    },
    { events: events as object[], lang },
  );
}

/** The events of a request in the page's local database. */
export async function deviceEvents(page: Page, requestId: string): Promise<StoredEvent[]> {
  return page.evaluate(async (requestId) => {
    const device = (await (window as unknown as DeviceWindow).hearthline!.device!()) as BrowserDevice;
    const docs = await device.db.events.find({ selector: { requestId } }).exec();
    return docs.map((d) => {
      const e = d.toJSON() as unknown as StoredEvent;
      return { id: e.id, type: e.type, at: e.at, requestId: e.requestId, author: e.author, payload: e.payload };
    });
  }, requestId);
}

/** The replication's status signal (online, signedIn, waiting, rejected, state, …). */
export async function deviceSyncStatus(page: Page): Promise<SyncStatus> {
  return page.evaluate(async () => {
    const device = (await (window as unknown as DeviceWindow).hearthline!.device!()) as BrowserDevice;
    return JSON.parse(JSON.stringify(device.status.get())) as SyncStatus;
  });
}
