import { For, Show, createSignal, onMount } from 'solid-js';
import type { BrowserDevice } from '../../db/device/browserDevice';
import { provisionalResults } from '../../db/device/provisional';
import type { Commitments } from '../../db/schema/commitments';
import { fill, pick, type Lang } from '../../i18n';
import { currentCommitments, provisionalRows, type ProvisionalRow } from '../../rules/provisional';
import type { CommitteeStrings } from './types';
import { formatFigure, formatWhen } from './view';

const SIGNS: Record<string, string> = { '>=': '≥', '>': '>', '<=': '≤', '<': '<' };

/**
 * This year's provisional figures (issue 7): the commitments in force, computed on the device
 * by the results engine from every event and record it holds (src/db/device/provisional.ts),
 * measured up to the moment shown. Computed when opened and again on request (a season's
 * records take a moment to fold on a phone).
 */
export default function ProvisionalFigures(props: { lang: Lang; c: CommitteeStrings; device: BrowserDevice; commitments: readonly Commitments[] }) {
  const c = props.c;
  const [result, setResult] = createSignal<{ year: number; asOf: number; rows: ProvisionalRow[]; events: number; records: number } | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [none, setNone] = createSignal(false);
  const compute = async () => {
    const asOf = Date.now();
    const commitments = currentCommitments(props.commitments as Commitments[], asOf);
    if (!commitments) {
      setNone(true);
      return;
    }
    setBusy(true);
    try {
      const computed = await provisionalResults(props.device.db, commitments, asOf);
      setResult({ year: commitments.year, asOf, rows: provisionalRows(commitments, computed), events: computed.read.events, records: computed.read.records });
    } finally {
      setBusy(false);
    }
  };
  onMount(() => void compute());
  const target = (row: ProvisionalRow) => `${SIGNS[row.target.comparison]} ${formatFigure(props.lang, row.target.value, row.target.unit, c)}`;
  return (
    <section class="provisional" aria-labelledby="provisional-heading" aria-busy={busy() ? 'true' : 'false'}>
      <Show when={!none()} fallback={<p>{c.noCurrent}</p>}>
        <Show when={result()} fallback={<p role="status">{c.computing}</p>}>
          {(r) => (
            <div class="provisional-figures" data-year={r().year} data-as-of={new Date(r().asOf).toISOString()} data-events={r().events} data-records={r().records}>
              <h3 id="provisional-heading">{fill(c.provisionalTitle, { year: r().year })}</h3>
              <p class="provisional-note">
                <strong>{c.provisionalNote}</strong>
              </p>
              <p class="computed-at">
                {fill(c.computedAt, { time: formatWhen(props.lang, r().asOf) })} · {fill(c.readCounts, { events: r().events, records: r().records })}
              </p>
              <div class="table-scroll" tabindex="0" role="region" aria-labelledby="provisional-heading">
                <table>
                  <thead>
                    <tr>
                      <th scope="col">{c.indicator}</th>
                      <th scope="col">{c.measured}</th>
                      <th scope="col">{c.target}</th>
                      <th scope="col">{c.verdict}</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={r().rows}>
                      {(row) => (
                        <tr data-indicator={row.indicator} data-status={row.status} data-value={row.value ?? ''}>
                          <th scope="row">{pick(props.lang, row.label)}</th>
                          <td>
                            {row.value === null ? c.status['not-measured'] : formatFigure(props.lang, row.value, row.target.unit, c)}
                            <Show when={row.denominator !== undefined && row.denominator > 0}>
                              <br />
                              <span class="counts">{fill(c.counts, { numerator: row.numerator ?? 0, denominator: row.denominator ?? 0 })}</span>
                            </Show>
                            <Show when={row.count !== undefined && row.count > 0}>
                              <br />
                              <span class="counts">{fill(c.scores, { count: row.count ?? 0 })}</span>
                            </Show>
                          </td>
                          <td>{target(row)}</td>
                          <td class={`verdict verdict-${row.status}`}>{c.status[row.status]}</td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
            </div>
          )}
        </Show>
        <p>
          <button type="button" class="button secondary" onClick={() => void compute()} disabled={busy()}>
            {busy() ? c.computing : c.recompute}
          </button>
        </p>
      </Show>
    </section>
  );
}
