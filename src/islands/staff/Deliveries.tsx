import { For, Show, createResource } from 'solid-js';
import { fetchDeliveries } from '../../db/device/deliveries';
import { fill, type AppStrings, type Lang } from '../../i18n';
import { formatMoment } from '../format';

/**
 * The messages sent about a request (SMS, e-mail) and how each fared, on the request card:
 * a failed one with its reason, so staff call the resident instead. Nothing while offline.
 */
export default function Deliveries(props: { requestId: string; base: string; t: AppStrings; lang: Lang }) {
  const s = () => props.t.staffConsole.deliveries;
  const [fetched] = createResource(() => props.requestId, (id) => fetchDeliveries(id));
  // Read only once loaded: a pending read would suspend the hydrated island's Suspense (the whole console).
  const list = () => (fetched.state === 'ready' ? fetched() : undefined);
  return (
    <Show when={list()?.length}>
      <section class="deliveries" aria-labelledby={`${props.base}-deliveries`}>
        <h3 id={`${props.base}-deliveries`}>{s().title}</h3>
        <ul>
          <For each={list()!}>
            {(d) => (
              <li data-state={d.state}>
                <strong>{s().kinds[d.kind]}</strong> · {s().channels[d.channel]} · {d.to} · <span class={d.state === 'failed' ? 'badge failed' : 'badge'}>{s().states[d.state]}</span>
                <Show when={d.sentAt}>{(at) => <> · <time datetime={at()}>{formatMoment(props.lang, at())}</time></>}</Show>
                <Show when={d.state === 'failed'}>
                  <p class="field-error">{fill(s().failed, { attempts: d.attempts })}</p>
                  {/* the provider's words are not ours to translate: said to be theirs */}
                  <Show when={d.error}>{(error) => <p class="hint">{fill(s().reason, { error: error() })}</p>}</Show>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </section>
    </Show>
  );
}
