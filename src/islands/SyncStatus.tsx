import { Show, Suspense, lazy } from 'solid-js';
import type { AppStrings, Lang } from '../i18n';
import { useDevice, useSession } from './reactive';

/** The strings the status signal needs (only these are put into every signed-in page for it). */
export type SyncStrings = Pick<AppStrings, 'session' | 'sync'>;

// The panel comes with the device database (after the page is idle), not in the page's first script.
const SyncPanel = lazy(() => import('./SyncPanel'));

/**
 * The sync status signal, on every signed-in page: shown once the device database of a
 * signed-in user is open (SyncPanel.tsx); nothing for a visitor.
 */
export default function SyncStatus(props: { lang: Lang; t: SyncStrings; placeholderDetail: string }) {
  const open = useDevice();
  const session = useSession();
  // While a signed-in user's device opens (after the page is idle), an empty box of the panel's
  // two lines holds its place: the page below does not move when the panel appears.
  // It stays while the panel's code loads. Its detail line holds the panel's usual words
  // (`placeholderDetail`, unseen), so it wraps as the panel's will (two lines in English on a phone).
  const opening = () => session() !== null && open() === undefined;
  const placeholder = () => (
    <section class="sync-status sync-placeholder" aria-hidden="true">
      <p class="sync-headline">{'\u00a0'}</p>
      <p class="sync-detail">{props.placeholderDetail}</p>
    </section>
  );
  return (
    <Show when={open()} keyed fallback={<Show when={opening()}>{placeholder()}</Show>}>
      {(device) => (
        <Suspense fallback={placeholder()}>
          <SyncPanel lang={props.lang} t={props.t} device={device} />
        </Suspense>
      )}
    </Show>
  );
}
