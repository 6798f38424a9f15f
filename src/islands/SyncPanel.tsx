import { Show, createMemo, lazy } from 'solid-js';
import { fill, type Lang } from '../i18n';
import type { SyncStatus as Status } from '../db/device/syncStatus';
import type { BrowserDevice } from '../db/device/browserDevice';
import { displayName } from '../db/device/sessionStore';
import { fromObservable } from './reactive';
import { formatMoment } from './format';
import type { SyncStrings } from './SyncStatus';

// Shown only when a session has expired: loaded then.
const SignInAgain = lazy(() => import('./SignInAgain'));

/**
 * What the sync status signal shows once the device is open (SyncStatus.tsx): online or
 * offline, how many records wait, the last successful exchange, the last error in words; when
 * the server session has expired it asks for the password again, in place.
 */
export default function SyncPanel(props: { lang: Lang; t: SyncStrings; device: BrowserDevice }) {
  const t = props.t;
  const device = props.device;
  const status = fromObservable<Status>(device.status.status$, device.status.get());
  const storage = fromObservable(device.storage$, null as Parameters<typeof device.storageWords>[0] | null);
  const storageWords = () => {
    const risk = storage();
    return risk ? device.storageWords(risk, props.lang) : null;
  };
  // The state in words, and how many records wait whenever any do (never "synced" then).
  const headline = createMemo(() => {
    const s = status();
    if (s.state === 'waiting') return s.waiting > 0 ? fill(t.sync.waiting, { n: s.waiting }) : t.sync.waitingNone;
    const word = s.state === 'synced' ? t.sync.synced : s.state === 'offline' ? t.sync.offline : s.state === 'error' ? t.sync.error : t.sync['signed-out'];
    return s.waiting > 0 ? `${word} · ${fill(t.sync.waiting, { n: s.waiting })}` : word;
  });
  return (
    <section class="sync-status" data-state={status().state} data-waiting={status().waiting} aria-label={t.sync.label}>
      <p class="sync-headline" role="status" aria-live="polite">
        <span class="sync-dot" aria-hidden="true" />
        {headline()}
      </p>
      <p class="sync-detail">
        {status().lastExchangeAt ? fill(t.sync.lastExchange, { time: formatMoment(props.lang, status().lastExchangeAt!) }) : t.sync.never}
      </p>
      <Show when={status().lastError && status().state !== 'signed-out'}>
        <p class="sync-detail sync-error">{status().lastError![props.lang]}</p>
      </Show>
      <Show when={status().rejected > 0}>
        <p class="sync-detail sync-error">{fill(t.sync.rejected, { n: status().rejected })}</p>
      </Show>
      <Show when={storageWords()}>
        <p class="sync-detail sync-error storage-risk" role="alert" data-level={storage()?.level}>
          <strong>{t.sync.storageAtRisk}</strong>
          {storageWords()}
        </p>
      </Show>
      <Show when={status().state === 'signed-out'}>
        <SignInAgain lang={props.lang} t={props.t} name={displayName(device.session)} />
      </Show>
    </section>
  );
}
