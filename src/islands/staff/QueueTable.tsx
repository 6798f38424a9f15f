import { For, Show, createMemo, createSignal, type JSX } from 'solid-js';
import type { RequestListItem } from '../../db/device/requestList';
import { fill, pick, type AppStrings, type Lang } from '../../i18n';
import { ESCALATION_LADDER } from '../../rules/escalation';
import { orderQueue, type QueueEntry, type QueueOrder } from '../../rules/queue';
import { formatDeadline, shortRequestNumber } from '../format';

/**
 * The queue on a wide screen (issue 16 item 7, ≥ 1024 px): a dense table of the same entries the
 * cards show (kind, address, state, technician, due time, escalation), sortable by due time, and
 * the selected request's detail beside it (`detail`, the same card the phone opens). Each row is
 * chosen with its first cell's button (Enter or Space), the sort is a button in its column
 * header with aria-sort; the order itself is src/rules/queue.ts orderQueue.
 */
export default function QueueTable(props: {
  lang: Lang;
  t: AppStrings;
  entries: readonly QueueEntry[];
  item: (requestId: string) => RequestListItem | undefined;
  names: () => ReadonlyMap<string, string | null>;
  /** The selected request (the console's one open request, kept across a switch to the cards and back). */
  selected: () => string | null;
  onSelect: (requestId: string | null) => void;
  /** The selected request's detail. */
  detail: (requestId: string) => JSX.Element;
}) {
  const t = props.t;
  const s = t.staffConsole;
  const [order, setOrder] = createSignal<QueueOrder>('queue');
  const selected = () => props.selected();
  const setSelected = (id: string | null) => props.onSelect(id);
  const rows = createMemo(() => orderQueue(props.entries, order()));
  const ids = createMemo(() => rows().map((e) => e.state.requestId), undefined, { equals: (a, b) => a.length === b.length && a.every((x, i) => x === b[i]) });
  const entryOf = createMemo(() => new Map(rows().map((e) => [e.state.requestId, e])));
  const shown = () => (selected() && entryOf().has(selected()!) ? selected() : null);
  const nextOrder = (): QueueOrder => (order() === 'due-ascending' ? 'due-descending' : 'due-ascending');
  const ariaSort = () => (order() === 'due-ascending' ? 'ascending' : order() === 'due-descending' ? 'descending' : 'none');
  const address = (id: string) => {
    const submitted = props.item(id)?.events.find((e) => e.type === 'submitted');
    const p = (submitted?.payload ?? {}) as { address?: string; location?: string; place?: string };
    return p.address ?? p.location ?? p.place ?? '—';
  };
  const technician = (e: QueueEntry) => {
    const login = e.state.visit?.technician ?? e.state.assignee;
    if (!login) return '—';
    return e.state.visit?.technicianName ?? props.names().get(login) ?? s.unknownTechnician;
  };
  const level = (n: number) => (n > 0 ? fill(s.escalationLevel, { level: n, to: pick(props.lang, ESCALATION_LADDER[n - 1]!.label) }) : '—');
  return (
    <div class="queue-wide">
      <div class="table-scroll queue-table-wrap">
        <table class="queue-table">
          <caption class="visually-hidden">{t.staff.queue}</caption>
          <thead>
            <tr>
              <th scope="col">{s.kind}</th>
              <th scope="col">{s.tableAddress}</th>
              <th scope="col">{s.status}</th>
              <th scope="col">{s.tableTechnician}</th>
              <th scope="col" aria-sort={ariaSort()}>
                <button type="button" class="sort-button" onClick={() => setOrder(nextOrder())}>
                  {s.tableDue}
                  <span aria-hidden="true">{order() === 'due-ascending' ? ' ▲' : order() === 'due-descending' ? ' ▼' : ' ↕'}</span>
                  <span class="visually-hidden">{order() === 'due-ascending' ? s.sortDescending : s.sortAscending}</span>
                </button>
              </th>
              <th scope="col">{s.tableEscalation}</th>
            </tr>
          </thead>
          <tbody>
            <For each={ids()}>
              {(id) => {
                const e = () => entryOf().get(id)!;
                return (
                  <tr data-request={id} data-status={e().state.status} data-urgency={e().urgency} aria-current={shown() === id ? 'true' : undefined}>
                    <th scope="row">
                      <button type="button" class="row-select" aria-pressed={shown() === id ? 'true' : 'false'} aria-controls="queue-detail" onClick={() => setSelected(shown() === id ? null : id)}>
                        {t.requestKindLabels[e().state.kind]} <span class="request-number">#{shortRequestNumber(id)}</span>
                      </button>
                    </th>
                    <td>{address(id)}</td>
                    <td>{t.staffConsole.requestStatus[e().state.status]}</td>
                    <td>{technician(e())}</td>
                    <td>
                      <Show when={e().due} fallback="—">
                        {(due) => (
                          <>
                            <time datetime={due().at}>{formatDeadline(props.lang, due().at)}</time> <span class={`urgency urgency-${e().urgency}`}>{s.urgency[e().urgency]}</span>
                          </>
                        )}
                      </Show>
                    </td>
                    <td>{level(e().escalationLevel)}</td>
                  </tr>
                );
              }}
            </For>
          </tbody>
        </table>
      </div>
      <section id="queue-detail" class="queue-detail" aria-label={s.tableDetail} tabindex="-1">
        <Show when={shown()} keyed fallback={<p class="hint">{s.tableChoose}</p>}>
          {(id: string) => (
            <>
              <h3 class="request-title">
                {t.requestKindLabels[entryOf().get(id)!.state.kind]} <span class="request-number">#{shortRequestNumber(id)}</span>
              </h3>
              {props.detail(id)}
            </>
          )}
        </Show>
      </section>
    </div>
  );
}
