import { For, onCleanup } from 'solid-js';
import { Portal } from 'solid-js/web';
import { fill, type AppStrings } from '../../i18n';
import type { DispatchForm } from '../../rules/dispatchForm';

type Strings = AppStrings['staffConsole'];

/**
 * The printable dispatch form (服务派单, 002 table 1), every field of domain.md, laid out for
 * one A4 page by the print CSS of the staff page. Mounted under <body> so that printing shows
 * it alone (the rest of the page is hidden while `body.printing-dispatch` is set). Printed in
 * three copies: company, station, team (one page each, the same content).
 */
export default function DispatchSheet(props: { t: AppStrings; form: DispatchForm; onClose: () => void }) {
  const s: Strings = props.t.staffConsole;
  document.body.classList.add('printing-dispatch');
  onCleanup(() => document.body.classList.remove('printing-dispatch'));
  const f = () => props.form;
  const content = () => {
    const c = f().content;
    const fault = c.fault ? ((props.t.forms.repair.faults as Record<string, string>)[c.fault] ?? c.fault) : null;
    return [props.t.requestKindLabels[c.kind], fault, c.text].filter(Boolean).join('：');
  };
  const callbackResult = () => {
    const r = f().callbackResult;
    if (!r) return '';
    const outcome = s.callbackOutcomes[r.outcome];
    return r.outcome === 'unreachable' ? outcome : `${outcome}（${s.attitude} ${r.attitude}，${s.ability} ${r.ability}）`;
  };
  const rows = (): [string, string][] => [
    [s.sheet.station, f().station],
    [s.sheet.date, f().date ?? ''],
    [s.sheet.receivedTime, f().receivedTime ?? ''],
    [s.sheet.receivedBy, f().receivedBy ?? ''],
    [s.sheet.visitAt, f().visitAt ?? ''],
    [s.sheet.address, f().address ?? ''],
    [s.sheet.phone, f().phone ?? ''],
    [s.sheet.contact, f().contact ?? ''],
    [s.sheet.content, content()],
    [s.sheet.issuedAt, f().issuedAt ?? ''],
    [s.sheet.issuedTo, f().issuedTo ?? ''],
    [s.sheet.supervisor, f().supervisor ?? ''],
    [s.sheet.callbackAt, f().callbackAt ?? ''],
    [s.sheet.callbackBy, f().callbackBy ?? ''],
    [s.sheet.callbackResult, callbackResult()],
  ];
  return (
    <Portal mount={document.body}>
      <section class="dispatch-print" aria-labelledby="dispatch-sheet-title">
        <div class="dispatch-tools">
          <button type="button" class="button" onClick={() => window.print()}>{s.print}</button>
          <button type="button" class="button secondary" onClick={() => props.onClose()}>{s.closeSheet}</button>
        </div>
        <article class="dispatch-sheet">
          <h2 id="dispatch-sheet-title">{s.sheet.title}</h2>
          <p class="dispatch-number">{fill(s.sheet.number, { number: f().number })}</p>
          <table>
            <tbody>
              <For each={rows()}>
                {([label, value]) => (
                  <tr data-field={label}>
                    <th scope="row">{label}</th>
                    <td>{value}</td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
          <p class="dispatch-copies">{s.sheet.copies}</p>
        </article>
      </section>
    </Portal>
  );
}
