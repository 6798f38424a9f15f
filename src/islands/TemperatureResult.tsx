import { For, Show } from 'solid-js';
import { fill, type ResidentStrings, type Lang } from '../i18n';
import type { EventOf } from '../db/schema/events/event';
import type { TemperatureTestOutcome } from '../rules/temperatureTest';
import { formatNumber } from './format';

/**
 * A temperature-test record as the resident sees it: each room with its area, the points the
 * method requires, the readings, the room's mean and whether it reaches 18 °C, and whether the
 * record is valid (an unsigned record is not yet). The judgement is temperatureTestOutcome's.
 */
export default function TemperatureResult(props: { lang: Lang; t: ResidentStrings; outcome: TemperatureTestOutcome; record: EventOf<'measured'> | undefined }) {
  const t = props.t.temperature;
  const celsius = (value: number) => `${formatNumber(props.lang, value, 1)} °C`;
  const readingsOf = (i: number) => props.record?.payload.rooms[i]?.readings ?? [];
  const others = () => props.outcome.problems.filter((p) => p.code !== 'unsigned');
  const unsigned = () => props.outcome.problems.some((p) => p.code === 'unsigned');
  return (
    <section class="temperature-result" aria-labelledby={`temp-${props.record?.id}`} data-valid={props.outcome.valid ? 'yes' : 'no'}>
      <h3 id={`temp-${props.record?.id}`}>{t.title}</h3>
      <p class={props.outcome.valid ? 'status met' : 'status not-measured'} data-validity>
        {props.outcome.valid ? t.valid : unsigned() ? t.unsigned : ''}
      </p>
      <Show when={others().length}>
        <ul class="field-error">
          <For each={others()}>
            {(p) => <li>{fill(t.problems[p.code as Exclude<typeof p.code, 'unsigned'>], { room: 'room' in p ? p.room : '', expected: 'expected' in p ? p.expected : '', actual: 'actual' in p ? p.actual : '' })}</li>}
          </For>
        </ul>
      </Show>
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">{t.room}</th>
              <th scope="col">{t.area}</th>
              <th scope="col">{t.points}</th>
              <th scope="col">{t.readings}</th>
              <th scope="col">{t.mean}</th>
              <th scope="col">{t.meets}</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.outcome.rooms}>
              {(room, i) => (
                <tr data-room={room.name} data-compliant={room.compliant === null ? 'unknown' : room.compliant ? 'yes' : 'no'}>
                  <th scope="row">{room.name}</th>
                  <td>{formatNumber(props.lang, room.areaM2, 1)}</td>
                  <td>{room.points ?? '—'}</td>
                  <td>{readingsOf(i()).map(celsius).join(' / ')}</td>
                  <td>{room.mean === null ? '—' : celsius(room.mean)}</td>
                  <td>
                    <span class={room.compliant === null ? 'status not-measured' : room.compliant ? 'status met' : 'status not-met'}>
                      {room.compliant === null ? t.unknown : room.compliant ? t.yes : t.no}
                    </span>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </div>
      <Show when={props.outcome.rooms.length && props.outcome.rooms.every((r) => r.compliant !== null)}>
        <p>{props.outcome.rooms.every((r) => r.compliant) ? t.allMeet : t.someFail}</p>
      </Show>
    </section>
  );
}
