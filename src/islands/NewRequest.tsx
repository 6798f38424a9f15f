import { For, Show, createSignal, onCleanup, onMount } from 'solid-js';
import type { ResidentStrings, Lang } from '../i18n';
import type { BrowserDevice } from '../db/device/browserDevice';
import type { DeviceSession } from '../db/device/session';
import RequestForm, { PORTAL_CHOICES, type PortalChoice } from './forms/RequestForm';

type Choice = PortalChoice | 'gas';
const CHOICES: readonly Choice[] = ['gas', ...PORTAL_CHOICES];

/** The choice in the address (`#new=repair`), so the back button and a reload keep it. */
function choiceFromHash(): Choice | null {
  const m = /(?:^#|&)new=([a-z-]+)/.exec(location.hash);
  return m && (CHOICES as readonly string[]).includes(m[1]!) ? (m[1] as Choice) : null;
}

/**
 * "What do you need?": one button per kind of request, then only that kind's form. A gas smell
 * or leak never opens a form: it shows the 24-hour emergency phone at once (domain.md).
 */
export default function NewRequest(props: {
  lang: Lang;
  t: ResidentStrings;
  session: DeviceSession;
  device: () => BrowserDevice | null | undefined;
  emergencyPhone: string;
}) {
  const t = props.t;
  const [choice, setChoice] = createSignal<Choice | null>(null);
  onMount(() => setChoice(choiceFromHash()));
  const onHash = () => setChoice(choiceFromHash());
  window.addEventListener('hashchange', onHash);
  onCleanup(() => window.removeEventListener('hashchange', onHash));

  const choose = (c: Choice | null) => {
    history.pushState(null, '', c ? `#new=${c}` : location.pathname + location.search);
    setChoice(c);
    // The panel that opens takes the focus, so a screen-reader user hears what came.
    queueMicrotask(() => document.getElementById(c === 'gas' ? 'gas-emergency' : 'new-request-panel')?.focus());
  };

  return (
    <section class="new-request" aria-labelledby="new-request-title">
      <h2 id="new-request-title">{t.forms.chooser.title}</h2>
      <ul class="choices">
        <For each={CHOICES}>
          {(c) => (
            <li>
              <button
                type="button"
                class={c === 'gas' ? 'choice-button danger' : 'choice-button'}
                aria-pressed={choice() === c ? 'true' : 'false'}
                data-choice={c}
                onClick={() => choose(choice() === c ? null : c)}
              >
                <span class="choice-title">{t.forms.chooser.choices[c].title}</span>
                <span class="choice-hint">{t.forms.chooser.choices[c].hint}</span>
              </button>
            </li>
          )}
        </For>
      </ul>
      <Show when={choice() === 'gas'}>
        <div id="gas-emergency" class="emergency" role="alert" tabindex="-1">
          <h3>{t.emergency.title}</h3>
          <p>{t.emergency.body}</p>
          <p>
            <a class="phone" href={`tel:${props.emergencyPhone}`}>{props.emergencyPhone}</a>
          </p>
          <p>
            <a class="button emergency-call" href={`tel:${props.emergencyPhone}`}>{t.emergency.call}</a>
          </p>
          <p class="hint">{t.forms.chooser.gasNoForm}</p>
        </div>
      </Show>
      <Show when={choice() && choice() !== 'gas'} keyed>
        <div id="new-request-panel" tabindex="-1">
          <RequestForm lang={props.lang} t={props.t} session={props.session} device={props.device} choice={choice() as PortalChoice} />
          <p>
            <button type="button" class="button secondary" onClick={() => choose(null)}>{t.forms.chooser.back}</button>
          </p>
        </div>
      </Show>
    </section>
  );
}
