import { Show, lazy } from 'solid-js';
import type { AppStrings, Lang } from '../i18n';
import { useDevice } from './reactive';

/** The strings the status signal needs (only these are put into every signed-in page for it). */
export type SyncStrings = Pick<AppStrings, 'session' | 'sync'>;

// The panel comes with the device database (after the page is idle), not in the page's first script.
const SyncPanel = lazy(() => import('./SyncPanel'));

/**
 * The sync status signal, on every signed-in page: shown once the device database of a
 * signed-in user is open (SyncPanel.tsx); nothing for a visitor.
 */
export default function SyncStatus(props: { lang: Lang; t: SyncStrings }) {
  const open = useDevice();
  return (
    <Show when={open()} keyed>
      {(device) => <SyncPanel lang={props.lang} t={props.t} device={device} />}
    </Show>
  );
}
