import { For, Show, createMemo, createSignal, type JSX } from 'solid-js';
import type { BrowserDevice } from '../../db/device/browserDevice';
import type { RequestListItem } from '../../db/device/requestList';
import { visitPhone } from '../../db/device/customerAccess';
import { fill, type AppStrings, type Lang } from '../../i18n';
import { maskPhone } from '../../rules/customerPrivacy';
import { technicianDay, visitDeadline, visitMissed } from '../../rules/dispatch';
import { dispatchForm } from '../../rules/dispatchForm';
import type { RequestState } from '../../rules/requestState';
import { formatDeadline, formatMoment, shortRequestNumber } from '../format';

type Item = RequestListItem & { state: RequestState };

/**
 * A technician's own day (issue 16 item 4): the visits booked for today that are still to do, in
 * time order (an earlier one not done first), each with the address, the contact, the phone (a
 * `tel:` link once shown: the server records the full view, as staff full views are), what to
 * do (the fault and what the resident wrote, as on the dispatch form) and the deadline. Only
 * the technician's own visits (src/rules/dispatch.ts technicianDay; queueScope).
 */
export default function TechnicianDay(props: {
  lang: Lang;
  t: AppStrings;
  device: BrowserDevice;
  items: () => readonly Item[];
  now: () => number;
  /** The request's card with its steps (arrive, measure, …), opened in place. */
  detail: (item: Item) => JSX.Element;
}) {
  const s = props.t.dispatch;
  const me = props.device.session.name;
  const day = createMemo(() => technicianDay(props.items(), me, props.now()));
  const ids = createMemo(() => day().map((i) => i.requestId), undefined, { equals: (a, b) => a.length === b.length && a.every((x, i) => x === b[i]) });
  const byId = createMemo(() => new Map(day().map((i) => [i.requestId, i])));
  const [open, setOpen] = createSignal<string | null>(null);
  return (
    <section class="technician-day" aria-labelledby="technician-day-title">
      <h2 id="technician-day-title">{s.dayTitle}</h2>
      <p class="hint">{s.dayHint}</p>
      <Show when={ids().length} fallback={<p>{s.dayEmpty}</p>}>
        <ol class="request-list day-visits">
          <For each={ids()}>
            {(id) => {
              const item = () => byId().get(id)!;
              const form = createMemo(() => dispatchForm(item().events, shortRequestNumber(id)));
              const todo = () => {
                const c = form().content;
                const fault = c.fault ? ((props.t.forms.repair.faults as Record<string, string>)[c.fault] ?? c.fault) : null;
                return [props.t.requestKindLabels[c.kind], fault, c.text].filter(Boolean).join(props.lang === 'en' ? ': ' : '：');
              };
              const at = () => item().state.visit!.at;
              const missed = () => visitMissed(item().state, props.now());
              const deadline = () => visitDeadline(item().state);
              return (
                <li class="request day-visit" data-request={id} data-status={item().state.status}>
                  <p class="request-title">
                    <time datetime={at()}>{formatMoment(props.lang, at())}</time> <strong>{props.t.requestKindLabels[item().kind]}</strong>{' '}
                    <span class="request-number">#{shortRequestNumber(id)}</span>{' '}
                    <Show when={missed()}>
                      <span class="urgency urgency-overdue">{s.missed}</span>
                    </Show>
                  </p>
                  <dl class="facts">
                    <dt>{s.address}</dt>
                    <dd data-fact="address">{form().address ?? s.noAddress}</dd>
                    <Show when={form().contact}>
                      <dt>{s.contact}</dt>
                      <dd data-fact="contact">{form().contact}</dd>
                    </Show>
                    <Show when={form().phone}>
                      <dt>{s.phone}</dt>
                      <dd data-fact="phone">
                        <VisitPhone t={props.t} requestId={id} phone={form().phone!} />
                      </dd>
                    </Show>
                    <dt>{s.todo}</dt>
                    <dd data-fact="todo">{todo()}</dd>
                    <Show when={deadline()}>
                      <dt>{s.deadline}</dt>
                      <dd data-fact="deadline">{formatDeadline(props.lang, deadline()!)}</dd>
                    </Show>
                  </dl>
                  <div class="row-actions">
                    <button type="button" class="button secondary" aria-expanded={open() === id ? 'true' : 'false'} onClick={() => setOpen(open() === id ? null : id)}>
                      {open() === id ? props.t.staffConsole.hide : s.openCard}
                    </button>
                  </div>
                  <Show when={open() === id}>{props.detail(item())}</Show>
                </li>
              );
            }}
          </For>
        </ol>
      </Show>
    </section>
  );
}

/**
 * The resident's phone on a visit: masked until the technician asks for it; then the server
 * records the view and the number becomes a `tel:` link.
 */
function VisitPhone(props: { t: AppStrings; requestId: string; phone: string }) {
  const c = props.t.customerAccess;
  const [shown, setShown] = createSignal<string | null>(null);
  const [error, setError] = createSignal('');
  const show = async () => {
    const r = await visitPhone(props.requestId);
    if (!r.ok) return setError(r.status === 0 ? props.t.dispatch.phoneOffline : c.revealFailed);
    setError('');
    setShown(r.phone);
  };
  return (
    <span class="reveal-phone">
      <Show when={shown()} fallback={<span class="phone" data-masked="yes">{maskPhone(props.phone)}</span>}>
        <a class="phone" data-masked="no" href={`tel:${shown()}`}>{shown()}</a>
      </Show>
      <Show when={!shown()}>
        {' '}
        <button type="button" class="button secondary" onClick={show}>{props.t.dispatch.showPhone}</button>
      </Show>
      <Show when={error()}>
        <span class="field-error" role="alert">{error()}</span>
      </Show>
    </span>
  );
}
