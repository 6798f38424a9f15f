import { For, Show, createMemo } from 'solid-js';
import type { AppStrings, Lang } from '../i18n';
import type { BrowserDevice } from '../db/device/browserDevice';
import type { EventOf, EventRecord } from '../db/schema/events/event';
import { sortEvents, type RequestState } from '../rules/requestState';
import type { ResidentActions } from '../rules/residentActions';
import RateVisit from './RateVisit';
import Reopen from './Reopen';
import SignOff from './SignOff';
import TemperatureResult from './TemperatureResult';

/**
 * What the resident can see and do at the end of a request (loaded lazily by the timeline):
 * the temperature-test result, signing, reopening, rating each visit. Which of these applies
 * is decided by src/rules/residentActions.ts; each form records one event.
 */
export default function RequestActions(props: {
  lang: Lang;
  t: AppStrings;
  device: BrowserDevice;
  state: RequestState;
  events: readonly EventRecord[];
  actions: ResidentActions;
  onDone: (message: string) => void;
}) {
  const measured = createMemo(() => sortEvents(props.events).filter((e): e is EventOf<'measured'> => e.type === 'measured').at(-1));
  // Keyed by visit id: a form being filled stays while new events arrive.
  const visitIds = createMemo(() => props.actions.rate.map((v) => v.id), [], { equals: (a, b) => a.length === b.length && a.every((x, i) => x === b[i]) });
  return (
    <div class="request-actions">
      <Show when={props.state.temperatureTest}>
        {(outcome) => <TemperatureResult lang={props.lang} t={props.t} outcome={outcome()} record={measured()} />}
      </Show>
      <Show when={props.actions.signOff}>
        <SignOff lang={props.lang} t={props.t} device={props.device} state={props.state} onDone={props.onDone} />
      </Show>
      <Show when={props.actions.reopen}>
        <Reopen lang={props.lang} t={props.t} device={props.device} state={props.state} onDone={props.onDone} />
      </Show>
      <For each={visitIds()}>
        {(id) => (
          <RateVisit lang={props.lang} t={props.t} device={props.device} state={props.state} events={props.events} visit={props.actions.rate.find((v) => v.id === id)!} onDone={props.onDone} />
        )}
      </For>
    </div>
  );
}
