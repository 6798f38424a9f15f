/*
 * The staff card of one request. Over 500 lines because the resident's words by kind, the
 * archive, the timeline and the form of every staff step share one request's fold, its device
 * and its refusals; which steps show is decided by src/rules/steps.ts (availableSteps), and the
 * larger steps live in their own files (DispatchPicker, StaffPhotos, Deliveries, RevealPhone).
 */
import { For, Index, Show, createMemo, createSignal } from 'solid-js';
import type { BrowserDevice } from '../../db/device/browserDevice';
import type { RequestListItem } from '../../db/device/requestList';
import type { EventOf, EventRecord, EventType } from '../../db/schema/events/event';
import { availableSteps } from '../../rules/steps';
import { CALLBACK_OUTCOMES, REPLY_CHANNELS } from '../../db/schema/events/payloads';
import { VIEWS } from '../../db/schema/events/fields';
import { MAX_TEXT } from '../../db/schema/events/limits';
import { fill, pick, type AppStrings, type Lang } from '../../i18n';
import { mayCallAt, nextCallbackSlot } from '../../rules/callbackHours';
import { callbackPayload } from '../../rules/callbacks';
import { maskPhone } from '../../rules/customerPrivacy';
import { complaintProgress, type ComplaintStep } from '../../rules/complaintPath';
import { dispatchForm } from '../../rules/dispatchForm';
import { currentMeasurement, measurementRecords, supersededMeasurementIds, type MeasurementRecord } from '../../rules/measurementRecords';
import { formRecord, measurementFormRooms, measurementPayload, withArea, type FormRoom } from '../../rules/measurementForm';
import { FORBIDDEN_PHRASES, REPLY_TEMPLATES, forbiddenPhrasesIn } from '../../rules/replyPhrases';
import { isOpen, sortEvents } from '../../rules/requestState';
import { formatCelsius, temperatureTestOutcome } from '../../rules/temperatureTest';
import { arrivalVerdict } from '../../rules/visit';
import { formatDay, formatMoment, shortRequestNumber } from '../format';
import { authorLabel } from '../../rules/peopleNames';
import { submissionFacts, type Fact, type FactValue } from '../../rules/submissionFacts';
import type { CustomerRecord } from '../../rules/customerArchive';
import TextField from '../TextField';
import DispatchSheet from './DispatchSheet';
import Deliveries from './Deliveries';
import SignaturePad from '../SignaturePad';
import DispatchPicker from './DispatchPicker';
import type { StaffEntry } from '../../rules/peopleNames';
import type { RequestState } from '../../rules/requestState';
import RevealPhone from './RevealPhone';
import StaffPhotos from './StaffPhotos';
import { StepForm, createStep } from './step';
import { rolesOf, type RequestKeys } from './write';
import { chinaLocalToInstant, instantToChinaLocal } from '../../rules/chinaTime';

type Props = {
  lang: Lang;
  t: AppStrings;
  device: BrowserDevice;
  item: RequestListItem;
  now: () => number;
  /** The resident's archive from the records this device holds (000 §5.1). */
  archive?: CustomerRecord | undefined;
  /** Logins to display names (the staff directory). */
  names: () => ReadonlyMap<string, string | null>;
  /** The staff directory and the station's requests: the dispatch picker lists the station's technicians with their load. */
  directory?: () => readonly StaffEntry[];
  states?: () => readonly RequestState[];
};

/**
 * One request on a staff device: who and what (the resident's contact is shown to staff of the
 * request's station only: the device holds no other station's records), its history with the
 * internal steps, and the steps the signed-in role may take now. Every step is an event.
 */
export default function RequestDetail(props: Props) {
  const s = props.t.staffConsole;
  const roles = rolesOf(props.device);
  const state = () => props.item.state!;
  const keys = (): RequestKeys => ({ requestId: props.item.requestId, requestKind: props.item.kind, resident: state().resident, station: state().station });
  const events = createMemo(() => sortEvents(props.item.events));
  // One measurement record per visit: a correction's earlier saves are not shown as records (measurementRecords.ts).
  const records = createMemo(() => measurementRecords(props.item.events));
  const shown = createMemo(() => {
    const hidden = supersededMeasurementIds(props.item.events);
    return events().filter((e) => !hidden.has(e.id));
  });
  const submitted = () => events().find((e): e is EventOf<'submitted'> => e.type === 'submitted');
  const payload = () => (submitted()?.payload ?? {}) as { contact?: { name: string; phone: string }; address?: string; rooms?: { name: string; areaM2: number }[] };
  const facts = createMemo(() => submissionFacts(props.item.kind, (submitted()?.payload ?? {}) as Record<string, unknown>));
  // What this user may do now: one rule (src/rules/steps.ts), the same the write check applies.
  const steps = createMemo(() => availableSteps({ state: state(), events: props.item.events }, roles, props.now()));
  const offers = (type: EventType) => steps().some((x) => x.type === type);
  const [sheet, setSheet] = createSignal(false);
  const step = () => createStep({ device: props.device, lang: props.lang, t: props.t, request: keys });
  const base = `rq-${props.item.requestId.slice(-6)}`;

  return (
    <div class="request-detail" id={`${base}-detail`}>
      <div class="request-card">
        <section class="told" aria-labelledby={`${base}-told`}>
          <h3 id={`${base}-told`}>{s.told}</h3>
          <dl class="facts told-facts">
            <dt>{s.customer}</dt>
            <dd data-fact="account">{state().resident.replace(/^r-/, '')}</dd>
            <For each={facts()}>
              {(f) => (
                <>
                  <dt>{factLabel(s, f.key)}</dt>
                  <dd data-fact={f.key}>{f.value.kind === 'photos' ? <StaffPhotos t={props.t} ids={f.value.ids} /> : factText(props.lang, props.t, f.value)}</dd>
                </>
              )}
            </For>
            <Show when={state().visit}>
              <dt>{s.visit}</dt>
              <dd data-fact="visit">
                {state().visit!.technicianName} · {formatMoment(props.lang, state().visit!.at)}
              </dd>
            </Show>
          </dl>
        </section>
        <ArchiveAside lang={props.lang} t={props.t} record={props.archive} requestId={props.item.requestId} base={base} />
      </div>

      <section class="staff-timeline" aria-labelledby={`${base}-timeline`}>
        <h3 id={`${base}-timeline`}>{fill(s.timelineTitle, { n: shown().length })}</h3>
        <ol>
          <For each={shown()}>
            {(e) => {
              const who = () => authorLabel(e, events(), props.names());
              return (
                <li data-type={e.type} data-visibility={e.visibility}>
                  <time datetime={e.at}>{formatMoment(props.lang, e.at)}</time> <strong>{s.eventTypes[e.type]}</strong>
                  <Show when={e.type === 'measured' ? recordWords(props.lang, props.t, records().find((r) => r.event.id === e.id) as MeasurementRecord<EventOf<'measured'>> | undefined) : eventWords(props.lang, props.t, e)}>{(w) => <> · <span class="event-words">{w()}</span></>}</Show>
                  {' · '}
                  <span class="event-author">{who().displayName ? fill(s.authorWithRole, { name: who().displayName!, role: s.roles[who().role] }) : s.roles[who().role]}</span>
                  <Show when={e.visibility === 'internal'}>
                    {' '}
                    <span class="badge internal">{s.internal}</span>
                  </Show>
                </li>
              );
            }}
          </For>
        </ol>
      </section>

      <Deliveries requestId={props.item.requestId} base={base} t={props.t} lang={props.lang} />

      <div class="step-actions">
        <Show when={offers('dispatched')}>
          <DispatchPicker {...props} keys={keys} base={base} directory={props.directory ?? (() => [])} states={props.states ?? (() => [])} />
        </Show>

        <Show when={props.item.events.some((e) => e.type === 'dispatched')}>
          <p>
            <button type="button" class="button secondary" onClick={() => setSheet(true)}>{s.printSheet}</button>
          </p>
        </Show>
        <Show when={sheet()}>
          <DispatchSheet t={props.t} form={dispatchForm(props.item.events, shortRequestNumber(props.item.requestId))} onClose={() => setSheet(false)} />
        </Show>

        <Show when={offers('measured')}>
          <MeasureStep {...props} keys={keys} base={base} rooms={payload().rooms ?? []} />
        </Show>

        <Show when={VISIT_STEP_TYPES.some(offers)}>
          <VisitSteps {...props} keys={keys} base={base} offers={offers} />
        </Show>

        <Show when={props.item.kind === 'complaint' && isOpen(state().status)}>
          <ComplaintSteps {...props} keys={keys} base={base} offers={offers} />
        </Show>

        <Show when={offers('reply')}>
          <ReplyStep {...props} keys={keys} base={base} />
        </Show>

        <Show when={offers('callback')}>
          <CallbackStep {...props} keys={keys} base={base} />
        </Show>

        <Show when={offers('closed')}>
          {(() => {
            const st = step();
            return <StepForm id={`${base}-close`} title={s.closeTitle} submit={s.close} step={st} t={props.t} onSubmit={() => st.run('closed', {})} />;
          })()}
        </Show>
      </div>
    </div>
  );
}

type StepProps = Props & { keys: () => RequestKeys; base: string };

/** The visit's steps: before arrival (arrive, late notice, nobody home) and on site (repairs). */
const VISIT_STEP_TYPES: readonly EventType[] = ['arrived', 'late-notice', 'nobody-home', 'diagnosed', 'work-done', 'signed-off', 'resolved'];

function VisitSteps(props: StepProps & { offers: (type: EventType) => boolean }) {
  const s = props.t.staffConsole;
  const mk = () => createStep({ device: props.device, lang: props.lang, t: props.t, request: props.keys });
  const arrive = mk();
  const late = mk();
  const away = mk();
  const diag = mk();
  const work = mk();
  const resolve = mk();
  const sign = mk();
  const state = () => props.item.state!;
  const verdict = () => (state().visit ? arrivalVerdict(Date.parse(state().visit!.at), props.now()) : 'on-time');
  const [newTime, setNewTime] = createSignal(instantToChinaLocal(props.now() + 3_600_000));
  const [reason, setReason] = createSignal('');
  const [awayTime, setAwayTime] = createSignal('');
  const [finding, setFinding] = createSignal('');
  const [summary, setSummary] = createSignal('');
  const [resolution, setResolution] = createSignal('');
  const [signature, setSignature] = createSignal<string | null>(null);
  const [satisfied, setSatisfied] = createSignal(true);
  return (
    <div class="visit-steps">
      <Show when={props.offers('late-notice')}>
            <StepForm
              id={`${props.base}-late`}
              title={s.lateTitle}
              submit={s.sendLate}
              step={late}
              t={props.t}
              onSubmit={() => {
                const at = chinaLocalToInstant(newTime());
                late.run('late-notice', { ...(at ? { newVisitAt: at } : {}), reason: reason().trim() });
              }}
            >
              <p class="hint">{s.lateHint}</p>
              <TextField id={`${props.base}-late-at`} label={s.newVisitAt} type="datetime-local" value={newTime()} onInput={setNewTime} error={late.issueOf('payload.newVisitAt')} />
              <TextField id={`${props.base}-late-reason`} label={s.reason} value={reason()} onInput={setReason} error={late.issueOf('payload.reason')} />
            </StepForm>
      </Show>
      <Show when={props.offers('arrived')}>
          <StepForm id={`${props.base}-arrive`} title={s.arriveTitle} submit={s.arrived} step={arrive} t={props.t} onSubmit={() => arrive.run('arrived', {})}>
            <Show when={verdict() === 'too-early'}>
              <p class="hint">{s.tooEarly}</p>
            </Show>
          </StepForm>
      </Show>
      <Show when={props.offers('nobody-home')}>
        <StepForm
          id={`${props.base}-away`}
          title={s.nobodyHomeTitle}
          submit={s.nobodyHome}
          step={away}
          t={props.t}
          onSubmit={() => {
            const at = awayTime() ? chinaLocalToInstant(awayTime()) : null;
            away.run('nobody-home', { noteLeft: true, ...(at ? { newVisitAt: at } : {}) });
          }}
        >
          <p class="hint">{s.nobodyHomeHint}</p>
          <TextField id={`${props.base}-away-at`} label={s.newVisitAtOptional} type="datetime-local" value={awayTime()} onInput={setAwayTime} error={away.issueOf('payload.newVisitAt')} />
        </StepForm>
      </Show>
      <Show when={props.offers('diagnosed')}>
        <StepForm id={`${props.base}-diagnose`} title={s.diagnoseTitle} submit={s.save} step={diag} t={props.t} onSubmit={() => diag.run('diagnosed', { finding: finding().trim() })}>
          <TextField id={`${props.base}-finding`} label={s.finding} value={finding()} onInput={setFinding} error={diag.issueOf('payload.finding')} multiline maxLength={MAX_TEXT} />
        </StepForm>
      </Show>
      <Show when={props.offers('work-done')}>
        <StepForm id={`${props.base}-work`} title={s.workTitle} submit={s.save} step={work} t={props.t} onSubmit={() => work.run('work-done', { summary: summary().trim() })}>
          <TextField id={`${props.base}-work-summary`} label={s.workSummary} value={summary()} onInput={setSummary} error={work.issueOf('payload.summary')} multiline maxLength={MAX_TEXT} />
        </StepForm>
      </Show>
      <Show when={props.offers('signed-off')}>
        <StepForm
          id={`${props.base}-sign`}
          title={s.signTitle}
          submit={s.signSubmit}
          step={sign}
          t={props.t}
          onSubmit={() => sign.run('signed-off', { ...(signature() ? { signature: signature() } : {}), satisfied: satisfied() })}
        >
          <SignaturePad t={props.t.completion.signature} legend={s.signature} idBase={`${props.base}-signature`} onChange={setSignature} error={sign.issueOf('payload.signature')} />
          <label class="choice">
            <input type="checkbox" checked={satisfied()} onChange={(e) => setSatisfied(e.currentTarget.checked)} /> {s.satisfied}
          </label>
        </StepForm>
      </Show>
      <Show when={props.offers('resolved')}>
        <StepForm id={`${props.base}-resolve`} title={s.resolveTitle} submit={s.resolve} step={resolve} t={props.t} onSubmit={() => resolve.run('resolved', { summary: resolution().trim() })}>
          <TextField id={`${props.base}-resolution`} label={s.resolution} value={resolution()} onInput={setResolution} error={resolve.issueOf('payload.summary')} />
        </StepForm>
      </Show>
    </div>
  );
}

function MeasureStep(props: StepProps & { rooms: { name: string; areaM2: number }[] }) {
  const s = props.t.staffConsole;
  const st = createStep({ device: props.device, lang: props.lang, t: props.t, request: props.keys });
  // The visit's record as saved (measurementRecords.ts): the form reopens on it, and a save corrects it.
  const saved = createMemo(() => currentMeasurement(props.item.events));
  const [rooms, setRooms] = createSignal<FormRoom[]>(measurementFormRooms((saved()?.event as EventOf<'measured'> | undefined)?.payload.rooms ?? null, props.rooms));
  const [signature, setSignature] = createSignal<string | null>(null);
  const [padKey, setPadKey] = createSignal(0);
  // Whether the form holds a change not saved yet: the live verdict ("no signature: invalid") is
  // about the next save, so it is not shown under a record just saved (signed) as if that were invalid.
  const [edited, setEdited] = createSignal(false);
  const update = (i: number, patch: Partial<FormRoom>) => {
    setEdited(true);
    setRooms((all) => all.map((r, j) => (j !== i ? r : patch.area !== undefined ? withArea({ ...r, ...patch }, patch.area) : { ...r, ...patch })));
  };
  const outcome = () => temperatureTestOutcome({ rooms: formRecord(rooms()), signed: signature() !== null });
  const submit = () =>
    void st.run('measured', measurementPayload(rooms(), signature())).then((ok) => {
      if (ok) setEdited(false);
      // A saved signature belongs to that save: a later correction is signed again (a fresh pad).
      if (ok && signature()) {
        setSignature(null);
        setPadKey((k) => k + 1);
      }
    });
  const at = (i: number, field: string) => st.issueOf(`payload.rooms[${i}].${field}`);
  return (
    <StepForm id={`${props.base}-measure`} title={s.measureTitle} submit={saved() ? s.saveCorrection : s.saveMeasurement} step={st} t={props.t} onSubmit={submit}>
      <Show when={saved()}>
        {(r) => (
          <p class={r().outcome.valid ? 'notice' : 'notice draft'} data-record={r().outcome.valid ? 'valid' : r().signed ? 'incomplete' : 'draft'} role="status">
            {r().outcome.valid ? s.recordSavedValid : r().signed ? s.recordSavedIncomplete : s.recordSavedDraft}
            <Show when={r().superseded.length}> {fill(s.recordCorrected, { n: r().superseded.length })}</Show>
          </p>
        )}
      </Show>
      <Index each={rooms()}>
        {(room, i) => (
          <fieldset class="field room" aria-describedby={at(i, 'readings') ? `${props.base}-room-${i}-readings-error` : undefined}>
            <legend>{fill(s.room, { n: i + 1 })}</legend>
            <TextField id={`${props.base}-room-${i}-name`} label={s.roomName} value={room().name} onInput={(v) => update(i, { name: v })} error={at(i, 'name')} />
            <TextField id={`${props.base}-room-${i}-area`} label={s.roomArea} inputMode="decimal" value={room().area} onInput={(v) => update(i, { area: v })} error={at(i, 'areaM2')} />
            <p class="hint">{fill(s.points, { n: room().readings.length })}</p>
            <Show when={at(i, 'readings')}>
              <p class="field-error" id={`${props.base}-room-${i}-readings-error`}>{at(i, 'readings')}</p>
            </Show>
            <Index each={room().readings}>
              {(reading, k) => (
                <TextField
                  id={`${props.base}-room-${i}-reading-${k}`}
                  label={fill(s.reading, { n: k + 1 })}
                  inputMode="decimal"
                  value={reading()}
                  onInput={(v) => update(i, { readings: room().readings.map((x, m) => (m === k ? v : x)) })}
                  error={at(i, `readings[${k}]`)}
                />
              )}
            </Index>
            <Show when={outcome().rooms[i]?.mean != null}>
              <p class="room-mean">
                {fill(s.roomMean, { mean: formatCelsius(outcome().rooms[i]!.mean!) })} · {outcome().rooms[i]!.compliant ? s.compliant : s.notCompliant}
              </p>
            </Show>
          </fieldset>
        )}
      </Index>
      <button type="button" class="button secondary" onClick={() => { setEdited(true); setRooms((all) => [...all, { name: '', area: '', readings: [''] }]); }}>{s.addRoom}</button>
      <Show when={padKey() + 1} keyed>
        {(_k: number) => <SignaturePad t={props.t.completion.signature} legend={s.signature} idBase={`${props.base}-measure-signature`} onChange={(v) => { setSignature(v); if (v) setEdited(true); }} error={st.issueOf('payload.signature')} />}
      </Show>
      <Show when={!saved() || edited()}>
        <p class="notice" data-valid={outcome().valid ? 'yes' : 'no'}>{outcome().valid ? (outcome().allCompliant ? s.recordCompliant : s.recordNotCompliant) : signature() ? s.recordIncomplete : s.recordUnsigned}</p>
      </Show>
    </StepForm>
  );
}

/** The payload fields of each step's text inputs, for placing the write check's issues. */
const FIELDS: Partial<Record<ComplaintStep, string[]>> = {
  assessed: ['explanation'],
  responsible: ['department', 'owner'],
  cause: ['cause', 'personResponsible'],
  'remedy-proposed': ['remedy'],
  'remedy-done': ['summary'],
  review: ['lessons'],
};

const STEP_TYPES: Record<ComplaintStep, true> = {
  assessed: true,
  responsible: true,
  cause: true,
  'remedy-proposed': true,
  'remedy-approved': true,
  'remedy-done': true,
  'resident-told': true,
  callback: true,
  review: true,
};

function ComplaintSteps(props: StepProps & { offers: (type: EventType) => boolean }) {
  const s = props.t.staffConsole;
  const progress = () => complaintProgress(props.item.events);
  const mine = () => (progress().next && props.offers(progress().next!) ? [progress().next!] : []);
  const st = createStep({ device: props.device, lang: props.lang, t: props.t, request: props.keys });
  const [a, setA] = createSignal('');
  const [b, setB] = createSignal('');
  // Nothing is judged for the handler: a hurried save must not record that a complaint holds.
  const [holds, setHolds] = createSignal<boolean | null>(null);
  const [channel, setChannel] = createSignal<(typeof REPLY_CHANNELS)[number]>('phone');
  const submit = (stepType: ComplaintStep) => {
    const text = a().trim();
    const second = b().trim();
    const payloads: Record<Exclude<ComplaintStep, 'callback'>, unknown> = {
      assessed: { ...(holds() === null ? {} : { holds: holds() }), explanation: text },
      responsible: { department: text, owner: second },
      cause: { cause: text, personResponsible: second },
      'remedy-proposed': { remedy: text },
      'remedy-approved': {},
      'remedy-done': { summary: text },
      'resident-told': { channel: channel() },
      review: { lessons: text },
    };
    if (stepType === 'callback') return;
    // The inside of the path stays internal (the schema forces most of it); the resident hears the
    // outcome through "resident told", a reply and the callback.
    const visibility = stepType === 'remedy-done' || stepType === 'resident-told' ? 'resident' : 'internal';
    void st.run(stepType, payloads[stepType], visibility).then((ok) => {
      if (ok) {
        setA('');
        setB('');
        setHolds(null);
      }
    });
  };
  return (
    <section class="complaint-path" aria-labelledby={`${props.base}-path-title`}>
      <h3 id={`${props.base}-path-title`}>{s.complaintPath}</h3>
      <ol class="path-steps">
        <For each={progress().path}>
          {(p) => (
            <li data-step={p} data-done={progress().done.includes(p) ? 'yes' : 'no'}>
              {s.complaintSteps[p]} {progress().done.includes(p) ? '✓' : progress().next === p ? `← ${s.nextStep}` : ''}
            </li>
          )}
        </For>
      </ol>
      <Show when={progress().next && mine().length === 0 && progress().next !== 'callback'}>
        <p class="hint">{fill(s.notYourStep, { step: s.complaintSteps[progress().next!] })}</p>
      </Show>
      <For each={mine().filter((m) => m !== 'callback' && STEP_TYPES[m])}>
        {(m) => (
          <StepForm id={`${props.base}-${m}`} title={s.complaintSteps[m]} submit={s.save} step={st} t={props.t} onSubmit={() => submit(m)}>
            <Show when={m === 'assessed'}>
              <fieldset class="field" id={`${props.base}-holds`} aria-describedby={st.issueOf('payload.holds') ? `${props.base}-holds-error` : undefined}>
                <legend>{s.holdsQuestion}</legend>
                <Show when={st.issueOf('payload.holds')}>
                  <p class="field-error" id={`${props.base}-holds-error`}>{st.issueOf('payload.holds')}</p>
                </Show>
                <label class="choice">
                  <input type="radio" name={`${props.base}-holds`} checked={holds() === true} onChange={() => setHolds(true)} /> {s.holds}
                </label>
                <label class="choice">
                  <input type="radio" name={`${props.base}-holds`} checked={holds() === false} onChange={() => setHolds(false)} /> {s.holdsNot}
                </label>
              </fieldset>
            </Show>
            <Show when={m !== 'remedy-approved' && m !== 'resident-told'}>
              <TextField id={`${props.base}-${m}-a`} label={s.stepFields[m][0] ?? ''} value={a()} onInput={setA} multiline maxLength={MAX_TEXT} error={st.issueOf(`payload.${FIELDS[m]?.[0]}`)} />
            </Show>
            <Show when={m === 'responsible' || m === 'cause'}>
              <TextField id={`${props.base}-${m}-b`} label={s.stepFields[m][1] ?? ''} value={b()} onInput={setB} error={st.issueOf(`payload.${FIELDS[m]?.[1]}`)} />
            </Show>
            <Show when={m === 'resident-told'}>
              <div class="field">
                <label for={`${props.base}-told-channel`}>{s.channel}</label>
                <select id={`${props.base}-told-channel`} value={channel()} onChange={(e) => setChannel(e.currentTarget.value as typeof REPLY_CHANNELS[number])}>
                  <For each={REPLY_CHANNELS}>{(c) => <option value={c}>{s.channels[c]}</option>}</For>
                </select>
              </div>
            </Show>
          </StepForm>
        )}
      </For>
    </section>
  );
}

function ReplyStep(props: StepProps) {
  const s = props.t.staffConsole;
  const st = createStep({ device: props.device, lang: props.lang, t: props.t, request: props.keys });
  const [text, setText] = createSignal('');
  const [channel, setChannel] = createSignal<(typeof REPLY_CHANNELS)[number]>('phone');
  const [confirmed, setConfirmed] = createSignal(false);
  const found = () => forbiddenPhrasesIn(text(), FORBIDDEN_PHRASES);
  const submit = () => {
    if (found().length && !confirmed()) {
      setConfirmed(true); // the warning is shown; a second press sends
      return;
    }
    void st.run('reply', { text: text().trim(), channel: channel() }).then((ok) => {
      if (ok) {
        setText('');
        setConfirmed(false);
      }
    });
  };
  return (
    <StepForm id={`${props.base}-reply`} title={s.replyTitle} submit={found().length && confirmed() ? s.sendAnyway : s.sendReply} step={st} t={props.t} onSubmit={submit}>
      <div class="field">
        <label for={`${props.base}-template`}>{s.template}</label>
        <select id={`${props.base}-template`} onChange={(e) => {
          const tpl = REPLY_TEMPLATES.find((x) => x.id === e.currentTarget.value);
          if (tpl) setText((old) => (old ? `${old}${tpl.text}` : tpl.text));
        }}>
          <option value="">{s.chooseTemplate}</option>
          <For each={REPLY_TEMPLATES}>{(tpl) => <option value={tpl.id}>{pick(props.lang, tpl.label)}</option>}</For>
        </select>
      </div>
      <TextField id={`${props.base}-reply-text`} label={s.replyText} value={text()} onInput={(v) => { setText(v); setConfirmed(false); }} multiline maxLength={MAX_TEXT} error={st.issueOf('payload.text')} />
      <Show when={found().length}>
        <div class="form-error" role="alert" id={`${props.base}-forbidden`}>
          <p>{s.forbiddenWarning}</p>
          <ul>
            <For each={found()}>{(p) => <li>{p}</li>}</For>
          </ul>
        </div>
      </Show>
      <div class="field">
        <label for={`${props.base}-reply-channel`}>{s.channel}</label>
        <select id={`${props.base}-reply-channel`} value={channel()} onChange={(e) => setChannel(e.currentTarget.value as (typeof REPLY_CHANNELS)[number])}>
          <For each={REPLY_CHANNELS}>{(c) => <option value={c}>{s.channels[c]}</option>}</For>
        </select>
      </div>
    </StepForm>
  );
}

export function CallbackStep(props: StepProps) {
  const s = props.t.staffConsole;
  const st = createStep({ device: props.device, lang: props.lang, t: props.t, request: props.keys });
  // Nothing is chosen for staff: a hurried save must not record a view nobody gave.
  const [outcome, setOutcome] = createSignal<(typeof CALLBACK_OUTCOMES)[number] | ''>('');
  const [attitude, setAttitude] = createSignal('');
  const [ability, setAbility] = createSignal('');
  const [view, setView] = createSignal<(typeof VIEWS)[number] | ''>('');
  const [comment, setComment] = createSignal('');
  const allowed = () => mayCallAt(props.now());
  const contact = () => (props.item.events.find((e): e is EventOf<'submitted'> => e.type === 'submitted')?.payload as { contact?: { name: string; phone: string } } | undefined)?.contact;
  const account = () => props.item.state!.resident.replace(/^r-/, '');
  const submit = () => {
    if (!allowed()) return;
    st.run('callback', callbackPayload({ outcome: outcome(), attitude: attitude(), ability: ability(), satisfaction: view(), comment: comment() }, props.now()));
  };
  const outcomeError = () => st.issueOf('payload.outcome');
  const viewError = () => st.issueOf('payload.satisfaction');
  return (
    <StepForm id={`${props.base}-callback`} title={s.callbackTitle} submit={s.saveCallback} step={st} t={props.t} onSubmit={submit}>
      <dl class="facts callback-who">
        <dt>{s.callbackWho}</dt>
        <dd data-fact="callback-name">{contact()?.name ?? account()}</dd>
        <dt>{s.callbackPhone}</dt>
        <dd data-fact="callback-phone">
          <RevealPhone t={props.t} accountNumber={account()} masked={maskPhone(contact()?.phone ?? '')} purpose="callback" dial onRevealed={() => undefined} />
        </dd>
      </dl>
      <Show when={!allowed()}>
        <p class="notice" role="status">{fill(s.callbackNotNow, { time: formatMoment(props.lang, nextCallbackSlot(props.now()).getTime()) })}</p>
      </Show>
      <fieldset class="field" id={`${props.base}-cb-outcome`} aria-describedby={outcomeError() ? `${props.base}-cb-outcome-error` : undefined}>
        <legend>{s.outcome}</legend>
        <Show when={outcomeError()}>
          <p class="field-error" id={`${props.base}-cb-outcome-error`}>{outcomeError()}</p>
        </Show>
        <For each={CALLBACK_OUTCOMES}>
          {(o) => (
            <label class="choice">
              <input type="radio" name={`${props.base}-cb-outcome`} value={o} checked={outcome() === o} onChange={() => setOutcome(o)} /> {s.callbackOutcomes[o]}
            </label>
          )}
        </For>
      </fieldset>
      <Show when={outcome() !== 'unreachable'}>
        <TextField id={`${props.base}-cb-attitude`} label={s.attitudeScore} inputMode="numeric" value={attitude()} onInput={setAttitude} error={st.issueOf('payload.attitude')} />
        <TextField id={`${props.base}-cb-ability`} label={s.abilityScore} inputMode="numeric" value={ability()} onInput={setAbility} error={st.issueOf('payload.ability')} />
        <div class="field">
          <label for={`${props.base}-cb-view`}>{s.view}</label>
          <select
            id={`${props.base}-cb-view`}
            value={view()}
            onChange={(e) => setView(e.currentTarget.value as (typeof VIEWS)[number] | '')}
            aria-invalid={viewError() ? 'true' : undefined}
            aria-describedby={viewError() ? `${props.base}-cb-view-error` : undefined}
          >
            <option value="">{s.chooseOne}</option>
            <For each={VIEWS}>{(o) => <option value={o}>{s.views[o]}</option>}</For>
          </select>
          <Show when={viewError()}>
            <p class="field-error" id={`${props.base}-cb-view-error`}>{viewError()}</p>
          </Show>
        </div>
      </Show>
      <TextField id={`${props.base}-cb-comment`} label={s.comment} value={comment()} onInput={setComment} />
    </StepForm>
  );
}

type ConsoleStrings = AppStrings['staffConsole'];

function factLabel(s: ConsoleStrings, key: Fact['key']): string {
  return (s.facts as Record<string, string>)[key] ?? key;
}

/** A fact as text: every value the resident gave, translated where it is a choice from a list. */
function factText(lang: Lang, t: AppStrings, value: FactValue): string {
  const s = t.staffConsole;
  switch (value.kind) {
    case 'text':
      return value.text;
    case 'instant':
      return formatMoment(lang, value.at);
    case 'day':
      return value.day;
    case 'choice':
      if (value.list === 'fault') return (t.forms.repair.faults as Record<string, string>)[value.value] ?? value.value;
      if (value.list === 'slot') return (t.timeline.slots as Record<string, string>)[value.value] ?? value.value;
      return (s.submissionChannels as Record<string, string>)[value.value] ?? value.value;
    case 'texts':
      return value.items.join('、');
    case 'contact':
      // Masked: the card tells people apart; the full number is shown on purpose (the callback card, a technician's day), logged.
      return `${value.name} · ${maskPhone(value.phone)}`;
    case 'rooms':
      return value.rooms.map((r) => fill(s.roomFact, { name: r.name, area: r.areaM2 })).join('、');
    case 'slots':
      return value.slots.map((x) => `${x.date} ${x.from}–${x.to}`).join('、');
    case 'photos':
      return '';
  }
}

/** The words an event carries (a reply's text, a finding, a dispatch's technician and time), for the timeline. */
function eventWords(lang: Lang, t: AppStrings, e: EventRecord): string | null {
  const p = e.payload as Record<string, unknown>;
  if (e.type === 'submitted') return null;
  if (e.type === 'dispatched') return `${String(p.technicianName)} · ${formatMoment(lang, String(p.visitAt))}`;
  if ((e.type === 'late-notice' || e.type === 'nobody-home') && typeof p.newVisitAt === 'string') {
    return [typeof p.reason === 'string' ? p.reason : '', formatMoment(lang, p.newVisitAt)].filter(Boolean).join(' · ');
  }
  if (e.type === 'callback') {
    const said = t.staffConsole.callbackOutcomes[p.outcome as (typeof CALLBACK_OUTCOMES)[number]] ?? null;
    return typeof p.nextTryAt === 'string' ? `${said} · ${fill(t.staffConsole.nextTry, { time: formatMoment(lang, p.nextTryAt) })}` : said;
  }
  const words = ['text', 'finding', 'summary', 'reason', 'explanation', 'cause', 'remedy', 'lessons', 'note', 'department', 'owner', 'toStation']
    .map((k) => p[k])
    .filter((x): x is string => typeof x === 'string' && x.length > 0);
  return words.length ? words.join(' · ') : null;
}

/** A visit's measurement record in the timeline: each room's mean, whether it is valid, how often it was corrected. */
function recordWords(lang: Lang, t: AppStrings, record: MeasurementRecord<EventOf<'measured'>> | undefined): string | null {
  if (!record) return null;
  const s = t.staffConsole;
  const rooms = record.outcome.rooms.map((r) => `${r.name} ${r.mean === null ? '—' : formatCelsius(r.mean)}`).join('、');
  const verdict = record.outcome.valid ? (record.outcome.allCompliant ? s.measurementValid : s.measurementNotCompliant) : record.signed ? s.recordSavedIncomplete : s.measurementInvalid;
  return [rooms, verdict, record.superseded.length ? fill(s.recordCorrected, { n: record.superseded.length }) : ''].filter(Boolean).join(' · ');
}

/** The customer archive beside the card: earlier requests, visits, measurements, ratings (000 §5.1). */
function ArchiveAside(props: { lang: Lang; t: AppStrings; record: CustomerRecord | undefined; requestId: string; base: string }) {
  const s = props.t.staffConsole;
  const earlier = () => (props.record?.requests ?? []).filter((r) => r.requestId !== props.requestId);
  return (
    <aside class="customer-archive" aria-labelledby={`${props.base}-archive`}>
      <h3 id={`${props.base}-archive`}>{s.archiveTitle}</h3>
      <Show when={props.record} fallback={<p class="hint">{s.archiveEmpty}</p>}>
        {(r) => (
          <>
            <Show when={r().names.length || r().phones.length}>
              <p>{[...r().names, ...r().phones.map(maskPhone)].join(' · ')}</p>
            </Show>
            <Show when={r().addresses.length}>
              <p>{r().addresses.join('；')}</p>
            </Show>
            <p>
              {fill(s.archiveVisits, { n: r().visits })}
              <Show when={r().heatedAreaM2 !== null}> · {fill(s.heatedArea, { area: r().heatedAreaM2! })}</Show>
            </p>
            <Show when={earlier().length}>
              <h4>{s.archiveRequests}</h4>
              <ul>
                <For each={earlier()}>
                  {(q) => (
                    <li>
                      {props.t.requestKindLabels[q.kind]} #{shortRequestNumber(q.requestId)}
                      <Show when={q.submittedAt}> · {formatDay(props.lang, q.submittedAt!)}</Show>
                      <Show when={q.status}> · {props.t.staffConsole.requestStatus[q.status!]}</Show>
                    </li>
                  )}
                </For>
              </ul>
            </Show>
            <Show when={r().measurements.length}>
              <h4>{s.archiveMeasurements}</h4>
              <ul>
                <For each={r().measurements}>
                  {(m) => (
                    <li>
                      {fill(s.archiveMeasurement, {
                        time: formatMoment(props.lang, m.at),
                        verdict: !m.valid ? s.measurementInvalid : m.compliant ? s.measurementValid : s.measurementNotCompliant,
                      })}
                    </li>
                  )}
                </For>
              </ul>
            </Show>
            <Show when={r().ratings.length}>
              <h4>{s.archiveRatings}</h4>
              <ul>
                <For each={r().ratings}>{(x) => <li>{fill(s.archiveRating, { time: formatMoment(props.lang, x.at), attitude: x.attitude, ability: x.ability })}</li>}</For>
              </ul>
            </Show>
          </>
        )}
      </Show>
    </aside>
  );
}
