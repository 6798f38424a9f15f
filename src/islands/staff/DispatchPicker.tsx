import { For, Show, createMemo, createSignal } from 'solid-js';
import type { BrowserDevice } from '../../db/device/browserDevice';
import type { EventOf } from '../../db/schema/events/event';
import type { RequestListItem } from '../../db/device/requestList';
import type { DescribedIssue } from '../../i18n/issues';
import { fill, type AppStrings, type Lang } from '../../i18n';
import { VISITING_HOURS } from '../../rules/bookingWindows';
import { checkVisitTime, communityOfAddress, technicianChoices, visitDeadline } from '../../rules/dispatch';
import type { StaffEntry } from '../../rules/peopleNames';
import type { RequestState } from '../../rules/requestState';
import { formatMoment } from '../format';
import { communityName, placeList } from '../placeNames';
import TextField from '../TextField';
import { StepForm, createStep } from './step';
import type { RequestKeys } from './write';
import { chinaLocalToInstant, instantToChinaLocal } from '../../rules/chinaTime';

type Props = {
  lang: Lang;
  t: AppStrings;
  device: BrowserDevice;
  item: RequestListItem;
  now: () => number;
  keys: () => RequestKeys;
  base: string;
  /** The staff directory (GET /db/_account/staff, kept on the device). */
  directory: () => readonly StaffEntry[];
  /** The station's requests as the device holds them (each technician's load). */
  states: () => readonly RequestState[];
};

/**
 * Dispatch and reassignment (issue 16 item 3): the technician is picked from the station's
 * technicians (display name, today's booked visits, open orders, the communities they cover;
 * who covers the resident's community first, 000 §3.3), never typed. The visit time is checked
 * by the rule (src/rules/dispatch.ts checkVisitTime) at its field: a past time or one outside
 * the visiting hours is refused; one after the order's deadline must be confirmed. The server
 * refuses an unknown technician and a past time too (the same rule, dispatchProblem).
 */
export default function DispatchPicker(props: Props) {
  const s = props.t.dispatch;
  const st = createStep({ device: props.device, lang: props.lang, t: props.t, request: props.keys });
  const state = () => props.item.state!;
  const address = () => (props.item.events.find((e): e is EventOf<'submitted'> => e.type === 'submitted')?.payload as { address?: string } | undefined)?.address;
  const community = createMemo(() => communityOfAddress(address(), placeList().find((p) => p.id === state().station)?.communities ?? []));
  const choices = createMemo(() => technicianChoices(props.directory(), state().station, props.states(), community(), props.now()));
  // The list is keyed by login, not by the choice objects (new at every tick of the console's
  // clock, which a pointerdown moves): the radio under the pointer must survive the click.
  const order = createMemo(() => choices().map((c) => c.name), undefined, { equals: (a, b) => a.length === b.length && a.every((x, i) => x === b[i]) });
  const choiceOf = createMemo(() => new Map(choices().map((c) => [c.name, c])));
  const current = () => state().visit;
  const [technician, setTechnician] = createSignal('');
  const [visitAt, setVisitAt] = createSignal(instantToChinaLocal(props.now() + 3_600_000));
  const [confirmed, setConfirmed] = createSignal(false);
  const [supervisor, setSupervisor] = createSignal('');
  const deadline = () => visitDeadline(state());
  const check = createMemo(() => {
    const at = chinaLocalToInstant(visitAt());
    return at ? checkVisitTime(Date.parse(at), { now: props.now(), kind: state().kind, deadline: deadline() }) : null;
  });
  const deadlineText = () => (check()?.afterDeadline ? formatMoment(props.lang, check()!.afterDeadline!) : '');
  const hours = { from: VISITING_HOURS.from, to: VISITING_HOURS.to };

  const submit = () => {
    const issues: DescribedIssue[] = [];
    const chosen = choices().find((c) => c.name === technician());
    if (!technician()) issues.push({ path: 'payload.technician', id: 'value.invalid', message: s.chooseTechnician });
    else if (!chosen) issues.push({ path: 'payload.technician', id: 'value.invalid', message: fill(s.unknownTechnician, { name: technician() }) });
    const at = chinaLocalToInstant(visitAt());
    const verdict = check();
    if (!at || !verdict) issues.push({ path: 'payload.visitAt', id: 'value.invalid', message: s.visitMissing });
    else if (verdict.problem === 'past') issues.push({ path: 'payload.visitAt', id: 'value.invalid', message: s.visitPast });
    else if (verdict.problem === 'outside-hours') issues.push({ path: 'payload.visitAt', id: 'value.invalid', message: fill(s.visitOutsideHours, hours) });
    else if (verdict.afterDeadline && !confirmed()) issues.push({ path: 'confirm-late', id: 'value.invalid', message: s.confirmRequired });
    if (issues.length || !chosen || !at) {
      st.setIssues(issues);
      return;
    }
    void st
      .run('dispatched', {
        technician: chosen.name,
        // Residents read this name: never a login (an account without a display name is "the technician").
        technicianName: chosen.displayName ?? s.genericTechnician,
        visitAt: at,
        ...(supervisor().trim() ? { supervisor: supervisor().trim() } : {}),
      })
      .then((ok) => {
        if (ok) {
          setTechnician('');
          setConfirmed(false);
        }
      });
  };

  const techError = () => st.issueOf('payload.technician');
  const confirmError = () => st.issueOf('confirm-late');
  const id = (suffix: string) => `${props.base}-${suffix}`;
  return (
    <StepForm
      id={id('dispatch')}
      title={current() ? s.reassignTitle : s.pickTitle}
      submit={current() ? s.submitReassign : s.submit}
      step={st}
      t={props.t}
      onSubmit={submit}
    >
      <Show when={current()}>
        {(v) => <p class="hint" data-fact="current-visit">{fill(s.current, { name: v().technicianName, time: formatMoment(props.lang, v().at) })}</p>}
      </Show>
      <Show when={choices().length} fallback={<p class="notice" role="status">{s.noTechnicians}</p>}>
        <fieldset
          class="field technician-picker"
          id={id('tech')}
          aria-describedby={`${id('tech-hint')}${techError() ? ` ${id('tech-error')}` : ''}`}
          aria-invalid={techError() ? 'true' : undefined}
        >
          <legend>{s.technicians}</legend>
          <p class="hint" id={id('tech-hint')}>
            {s.technicianHint} {community() ? fill(s.community, { name: communityName(community()!, community()!) }) : s.communityUnknown}
          </p>
          <Show when={techError()}>
            <p class="field-error" id={id('tech-error')}>{techError()}</p>
          </Show>
          <ul class="technician-choices">
            <For each={order()}>
              {(name) => {
                const c = () => choiceOf().get(name)!;
                return (
                <li data-technician={name} data-covers={c().covers ? 'yes' : 'no'}>
                  <label class="choice">
                    <input type="radio" name={id('tech')} value={name} checked={technician() === name} onChange={() => {
                        setTechnician(name);
                        st.setIssues(st.issues().filter((i) => i.path !== 'payload.technician')); // answered: the field's error goes
                      }} />{' '}
                    <strong>{c().displayName ?? fill(s.noDisplayName, { login: name })}</strong>
                    <Show when={c().covers}>
                      {' '}
                      <span class="badge nearest">{s.nearest}</span>
                    </Show>
                    <span class="technician-facts">
                      {fill(s.load, { booked: c().bookedToday, open: c().openOrders })}
                      {' · '}
                      {c().communities.length ? fill(s.covers, { communities: c().communities.map((x) => communityName(x, x)).join(props.lang === 'en' ? ', ' : '、') }) : s.coversNone}
                    </span>
                  </label>
                </li>
                );
              }}
            </For>
          </ul>
        </fieldset>
      </Show>
      <TextField
        id={id('visit-at')}
        label={s.visitAt}
        hint={fill(s.visitHint, hours)}
        type="datetime-local"
        value={visitAt()}
        onInput={(v) => {
          setVisitAt(v);
          setConfirmed(false);
        }}
        error={st.issueOf('payload.visitAt')}
      />
      <Show when={!check()?.problem && check()?.afterDeadline}>
        <div class="warning" role="status" id={id('late-warning')}>
          <p>{fill(s.afterDeadline, { deadline: deadlineText() })}</p>
          <label class="choice">
            <input
              type="checkbox"
              id={id('confirm-late')}
              checked={confirmed()}
              aria-invalid={confirmError() ? 'true' : undefined}
              aria-describedby={confirmError() ? id('confirm-late-error') : undefined}
              onChange={(e) => setConfirmed(e.currentTarget.checked)}
            />{' '}
            {fill(s.confirmLate, { deadline: deadlineText() })}
          </label>
          <Show when={confirmError()}>
            <p class="field-error" id={id('confirm-late-error')}>{confirmError()}</p>
          </Show>
        </div>
      </Show>
      <TextField id={id('supervisor')} label={s.supervisor} value={supervisor()} onInput={setSupervisor} error={st.issueOf('payload.supervisor')} />
    </StepForm>
  );
}
