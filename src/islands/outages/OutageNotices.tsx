import { For, Show, createSignal, onMount } from 'solid-js';
import type { Dictionary, Lang } from '../../i18n';
import type { PublicOutageNotice } from '../../rules/outages';
import { formatMoment } from '../format';
import { noticeState, rememberFeed, usableCopy, type OutageFeed } from './outageFeed';

type Strings = Dictionary['outageNotices'];
/** The results pages' status colours: heating off red, restored green, planned neutral. */
const STATUS_CLASS = { planned: 'not-measured', 'in-progress': 'not-met', restored: 'met' } as const;
const fill = (template: string, values: Record<string, string>) => template.replace(/\{(\w+)\}/g, (_, k: string) => values[k] ?? '');

/**
 * The residents' outage notices (/outages/): reads `GET /api/outages` (public, no sign-in)
 * and lists where the heating is off, planned outages and recent restorations, in China time.
 * The service worker leaves /api/ to the network, so this island keeps the last good answer
 * itself: when the network fails it shows that copy with the time it was read (for a day),
 * else nothing at all rather than something stale. Everything is text (no HTML from the answer).
 * Its own small island: it loads neither the device database nor the portal's code.
 */
export default function OutageNotices(props: { lang: Lang; t: Strings }) {
  const t = props.t;
  const storage = (): Storage | undefined => {
    try {
      return window.localStorage;
    } catch {
      return undefined;
    }
  };
  const [feed, setFeed] = createSignal<OutageFeed | null>(null);
  const [state, setState] = createSignal<'loading' | 'loaded' | 'failed'>('loading');
  const at = (iso: string) => formatMoment(props.lang, iso);

  async function load() {
    setState('loading');
    const reader = import('./feedReader'); // loaded beside the answer: not in the page's first script
    try {
      const res = await fetch('/api/outages', { headers: { accept: 'application/json' } });
      const { parseOutageFeed } = await reader;
      const fresh = res.ok ? parseOutageFeed(await res.json()) : null;
      if (!fresh) throw new Error(`GET /api/outages answered ${res.status}`);
      rememberFeed(storage(), fresh);
      setFeed(fresh);
      setState('loaded');
    } catch {
      const { lastFeed } = await reader.catch(() => ({ lastFeed: () => null }));
      setFeed(usableCopy(lastFeed(storage()), Date.now()));
      setState('failed');
    }
  }
  onMount(() => void load());

  const plannedTime = (n: PublicOutageNotice) =>
    n.plannedStart === undefined ? null : n.plannedEnd === undefined ? fill(t.plannedFrom, { from: at(n.plannedStart) }) : fill(t.plannedRange, { from: at(n.plannedStart), to: at(n.plannedEnd) });

  return (
    <div class="outage-notices" aria-busy={state() === 'loading'}>
      {/* Loading takes the shape of the commonest answer (the as-of line, the empty card, its words hidden), as the
          page's fallback does: the footer does not move when no outage is on (CLS 0.045). */}
      <Show when={state() === 'loading'}>
        <p class="as-of" role="status">{t.loading}</p>
        <p class="card placeholder" aria-hidden="true">
          <span>{t.empty}</span>
        </p>
      </Show>
      <Show when={state() === 'failed'}>
        <div class="notice" role="alert">
          <p>{feed() ? fill(t.failedCopy, { time: at(feed()!.asOf) }) : t.failedNoCopy}</p>
          <button type="button" class="button small" onClick={() => void load()}>
            {t.retry}
          </button>
        </div>
      </Show>
      <Show when={state() !== 'loading' && feed()} keyed>
        {(f) => (
          <>
            <Show when={state() === 'loaded'}>
              <p class="as-of">{fill(t.asOf, { time: at(f.asOf) })}</p>
            </Show>
            <Show when={f.notices.length > 0} fallback={<p class="card">{t.empty}</p>}>
              <ul class="outage-list" aria-label={t.listLabel}>
                <For each={f.notices}>
                  {(n) => (
                    <li class="card" data-outage={n.outage} data-state={noticeState(n)}>
                      <h2>{n.communities.length ? n.communities.map((c) => c.name).join(t.separator) : (n.stationName ?? n.station ?? t.title)}</h2>
                      <p>
                        <span class={`status ${STATUS_CLASS[noticeState(n)]}`}>{t.state[noticeState(n)]}</span> {n.planned ? t.kind.planned : t.kind.fault}
                      </p>
                      <dl class="facts">
                        <Show when={n.station}>
                          <dt>{t.station}</dt>
                          <dd>{n.stationName ?? n.station}</dd>
                        </Show>
                        <Show when={plannedTime(n)}>
                          <dt>{t.plannedTime}</dt>
                          <dd>{plannedTime(n)}</dd>
                        </Show>
                        <Show when={n.startedAt}>
                          <dt>{t.startedAt}</dt>
                          <dd>{at(n.startedAt!)}</dd>
                        </Show>
                        <Show when={n.restoredAt}>
                          <dt>{t.restoredAt}</dt>
                          <dd>{at(n.restoredAt!)}</dd>
                        </Show>
                      </dl>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
          </>
        )}
      </Show>
    </div>
  );
}
