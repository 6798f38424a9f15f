import { For, Show, createMemo } from 'solid-js';
import type { ResidentStrings, Lang } from '../i18n';
import type { BrowserDevice } from '../db/device/browserDevice';
import type { EventOf, EventRecord } from '../db/schema/events/event';
import type { RequestState } from '../rules/requestState';
import { currentMeasurement } from '../rules/measurementRecords';
import type { FinishStep } from '../rules/residentActions';
import FinishRequest from './FinishRequest';
import RateVisit from './RateVisit';
import TemperatureResult from './TemperatureResult';

/**
 * What the resident can see and do at the end of a request (loaded lazily by the timeline):
 * the temperature-test result, then one finish form (confirm or "not solved", and the visit's
 * rating: src/rules/residentActions.ts finishStep); a rating already given can be changed
 * behind a disclosure, so the screen is one short form.
 */
export default function RequestActions(props: {
  lang: Lang;
  t: ResidentStrings;
  device: BrowserDevice;
  state: RequestState;
  events: readonly EventRecord[];
  step: FinishStep | null;
  onDone: (message: string) => void;
}) {
  // The visit's record as it stands (a correction supersedes the earlier saves: measurementRecords.ts).
  const measured = createMemo(() => currentMeasurement(props.events)?.event as EventOf<'measured'> | undefined);
  // Keyed: a form being filled stays while new events arrive (a new key makes a fresh form).
  const finishKey = createMemo((): string | undefined => {
    const s = props.step;
    return s && (s.confirm !== null || s.reopen || s.visit) ? `${s.confirm}|${s.reopen}|${s.visit?.id ?? ''}` : undefined;
  });
  const ratedIds = createMemo(() => props.step?.rated.map((v) => v.id) ?? [], [], { equals: (a, b) => a.length === b.length && a.every((x, i) => x === b[i]) });
  return (
    <div class="request-actions">
      <Show when={props.state.temperatureTest}>
        {(outcome) => <TemperatureResult lang={props.lang} t={props.t} outcome={outcome()} record={measured()} />}
      </Show>
      <Show when={finishKey()} keyed>
        {(_key: string) => <FinishRequest lang={props.lang} t={props.t} device={props.device} state={props.state} step={props.step!} onDone={props.onDone} />}
      </Show>
      <For each={ratedIds()}>
        {(id) => (
          <details class="change-rating">
            <summary>{props.t.rating.changeSummary}</summary>
            <RateVisit lang={props.lang} t={props.t} device={props.device} state={props.state} events={props.events} visit={props.step!.rated.find((v) => v.id === id)!} onDone={props.onDone} />
          </details>
        )}
      </For>
    </div>
  );
}
