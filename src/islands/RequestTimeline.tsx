import { For, Show } from 'solid-js';
import { fill, type AppStrings, type Lang } from '../i18n';
import type { BrowserDevice } from '../db/device/browserDevice';
import type { EventRecord } from '../db/schema/events/event';
import type { RequestState } from '../rules/requestState';
import { visibleTimeline } from '../rules/requestState';
import { fromObservable } from './reactive';
import { formatMoment } from './format';

/**
 * What the resident may see of a request, live: every event shown to residents (internal ones
 * never reach their database, and are filtered here too), the answer deadline, and who is
 * coming when.
 */
export default function RequestTimeline(props: { lang: Lang; t: AppStrings; device: BrowserDevice; requestId: string; state: RequestState | null }) {
  const t = props.t;
  const events = fromObservable<EventRecord[]>(props.device.events(props.requestId), []);
  const detail = (event: EventRecord): string | null => {
    if (event.type === 'dispatched') {
      const p = event.payload as { technicianName: string; visitAt: string };
      return fill(t.timeline.visit, { name: p.technicianName, time: formatMoment(props.lang, p.visitAt) });
    }
    return null;
  };
  return (
    <div class="timeline">
      <Show when={props.state?.answerDueAt && !props.state?.answeredAt}>
        <p class="hint">{fill(t.timeline.answerDue, { time: formatMoment(props.lang, props.state!.answerDueAt!) })}</p>
      </Show>
      <ol aria-label={t.timeline.title}>
        <For each={visibleTimeline(events())}>
          {(event) => (
            <li data-type={event.type}>
              <time datetime={event.at}>{formatMoment(props.lang, event.at)}</time> {t.timeline.types[event.type]}
              <Show when={detail(event)}>
                {(text) => <span class="timeline-detail"> · {text()}</span>}
              </Show>
            </li>
          )}
        </For>
      </ol>
    </div>
  );
}
