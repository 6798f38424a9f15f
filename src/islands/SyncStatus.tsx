import { Show, createMemo, lazy } from 'solid-js';
import { fill, type AppStrings, type Lang } from '../i18n';

/** The strings the status signal needs (only these are put into every signed-in page for it). */
export type SyncStrings = Pick<AppStrings, 'session' | 'sync'>;
import type { SyncStatus as Status } from '../db/device/syncStatus';
import { displayName } from '../db/device/sessionStore';
import { fromObservable, useDevice } from './reactive';
import { formatMoment } from './format';

// Shown only when a session has expired: loaded then, so the page's first script stays small.
const SignInAgain = lazy(() => import('./SignInAgain'));

/**
 * The sync status signal, on every signed-in page: online or offline, how many records wait,
 * the last successful exchange, the last error in words. When the server session has expired
 * it asks for the password again, in place; the records keep waiting meanwhile.
 */
export default function SyncStatus(props: { lang: Lang; t: SyncStrings }) {
  const t = props.t;
  const open = useDevice();
  return (
    <Show when={open()} keyed>
      {(device) => {
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
      }}
    </Show>
  );
}
