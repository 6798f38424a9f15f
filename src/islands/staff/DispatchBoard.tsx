import { For, Show, createMemo } from 'solid-js';
import { fill, type AppStrings, type Lang } from '../../i18n';
import { VISITING_HOURS } from '../../rules/bookingWindows';
import { dispatchBoard } from '../../rules/dispatch';
import type { StaffEntry } from '../../rules/peopleNames';
import type { RequestState } from '../../rules/requestState';
import { formatClock, chinaTimeOfDayMs } from '../../rules/chinaTime';
import { formatDayWithWeekday } from '../forms/fieldValues';
import { shortRequestNumber } from '../format';
import { communityName } from '../placeNames';

/**
 * The dispatch board (issue 16 item 4), for dispatchers and station heads: each technician of
 * the station with today's and tomorrow's visits in time order and the hours still free, from
 * the requests the device holds (src/rules/dispatch.ts dispatchBoard). A table on wide screens,
 * one card per technician on phones (the same markup, laid out by CSS).
 */
export default function DispatchBoard(props: {
  lang: Lang;
  t: AppStrings;
  station: string;
  directory: () => readonly StaffEntry[];
  states: () => readonly RequestState[];
  now: () => number;
}) {
  const s = props.t.dispatch;
  const board = createMemo(() => dispatchBoard(props.directory(), props.station, props.states(), props.now()));
  const sep = () => (props.lang === 'en' ? ', ' : '、');
  const clock = (iso: string) => formatClock(chinaTimeOfDayMs(Date.parse(iso)));
  const dayLabel = (i: number, day: string) => `${i === 0 ? s.today : s.tomorrow} · ${formatDayWithWeekday(props.lang, day)}`;
  return (
    <section class="dispatch-board" aria-labelledby="dispatch-board-title">
      <h2 id="dispatch-board-title">{s.boardTitle}</h2>
      <p class="hint">{fill(s.boardHint, { from: VISITING_HOURS.from, to: VISITING_HOURS.to })}</p>
      <Show when={board().rows.length} fallback={<p class="notice" role="status">{s.noTechnicians}</p>}>
        <table class="board-table">
          <thead>
            <tr>
              <th scope="col">{s.technicians}</th>
              <For each={board().days}>{(day, i) => <th scope="col">{dayLabel(i(), day)}</th>}</For>
            </tr>
          </thead>
          <tbody>
            <For each={board().rows}>
              {(row) => (
                <tr data-technician={row.technician.name}>
                  <th scope="row">
                    <strong>{row.technician.displayName ?? fill(s.noDisplayName, { login: row.technician.name })}</strong>
                    <span class="technician-facts">
                      {fill(s.load, { booked: row.technician.bookedToday, open: row.technician.openOrders })}
                      <br />
                      {row.technician.communities.length
                        ? fill(s.covers, { communities: row.technician.communities.map((c) => communityName(c, c)).join(sep()) })
                        : s.coversNone}
                    </span>
                  </th>
                  <For each={row.days}>
                    {(d, i) => (
                      <td data-day={d.day}>
                        <span class="board-day-label">{dayLabel(i(), d.day)}</span>
                        <Show when={d.visits.length} fallback={<p class="hint">{s.noVisits}</p>}>
                          <ul class="board-visits" aria-label={s.visits}>
                            <For each={d.visits}>
                              {(v) => (
                                <li data-request={v.requestId} data-status={v.status}>
                                  {fill(s.visitLine, { time: clock(v.at), kind: props.t.requestKindLabels[v.kind], number: shortRequestNumber(v.requestId) })}
                                  {' · '}
                                  {props.t.staffConsole.requestStatus[v.status]}
                                </li>
                              )}
                            </For>
                          </ul>
                        </Show>
                        <p class="board-free">
                          {d.free.length ? fill(s.free, { hours: d.free.join(sep()) }) : s.noFree}
                        </p>
                      </td>
                    )}
                  </For>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
    </section>
  );
}
