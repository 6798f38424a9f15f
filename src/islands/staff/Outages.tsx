import { For, Show, createMemo, createSignal, onMount, type Accessor } from 'solid-js';
import type { BrowserDevice } from '../../db/device/browserDevice';
import { composeOperationsRecord } from '../../db/device/compose';
import { ulid } from '../../db/schema/events/ids';
import type { DescribedIssue } from '../../i18n/issues';
import { OUTAGE_ID_PREFIX, type RecordType } from '../../db/schema/records/record';
import { OPERATIONS_WRITERS } from '../../db/validateWrite';
import { fill, type AppStrings, type Lang } from '../../i18n';
import { checkAnnouncement, checkEventTime, checkOutagePlace, OUTAGE_RECORD_TYPES, outageStates, type OutageFormProblem, type OutageState } from '../../rules/outages';
import ErrorSummary from '../ErrorSummary';
import { formatMoment } from '../format';
import { fromObservable } from '../reactive';
import TextField from '../TextField';
import FieldError from '../FieldError';
import { createWrite as createFormWrite } from '../writeForm';
import { placeList } from '../placeNames';
import { roleOf } from './write';
import { chinaLocalToInstant } from '../../rules/chinaTime';

/**
 * Outage notices (issue 6 item 10), on an operations device: announce a planned outage (the
 * under-48-hours warning must be confirmed before it is saved), record a fault's start and any
 * outage's restoration, and the list with the 24-hour countdown. Every record goes through the
 * server's write check on the device (offline too) and waits there until it is sent. Roles
 * that may not write operations records (the committee) see the list only. The rules:
 * src/rules/outages.ts.
 */
export default function Outages(props: { lang: Lang; t: AppStrings; device: BrowserDevice; now: Accessor<number> }) {
  const o = props.t.outages;
  const role = roleOf(props.device);
  const canWrite = role !== undefined && OPERATIONS_WRITERS.includes(role);
  const records = fromObservable(props.device.records(OUTAGE_RECORD_TYPES), undefined);
  // The console's clock ticks every 30 s; a record just written is judged at the time now, not
  // at the last tick (a fault started a moment ago has 23 h 59 min left, not 24 h).
  const list = createMemo(() => outageStates(records() ?? [], Math.max(props.now(), Date.now())));
  // Rows are keyed by outage id (the states are new at every tick of the clock), so a row and
  // what is typed in it survive updates.
  const ids = createMemo(() => list().map((x) => x.outage), undefined, { equals: (a, b) => a.length === b.length && a.every((x, i) => x === b[i]) });
  const stateOf = createMemo(() => new Map(list().map((x) => [x.outage, x])));

  return (
    <section class="outages" aria-labelledby="outages-title">
      <h2 id="outages-title">{o.title}</h2>
      <p class="hint">{o.intro}</p>
      <Show when={canWrite} fallback={<p class="notice">{o.readOnly}</p>}>
        <AnnounceForm {...props} />
        <FaultForm {...props} />
      </Show>
      <h3 id="outage-list-title">{o.listTitle}</h3>
      <Show when={records()} fallback={<p>{props.t.requests.loading}</p>}>
        <Show when={list().length} fallback={<p>{o.empty}</p>}>
          <ul class="request-list outage-list" aria-labelledby="outage-list-title">
            <For each={ids()}>{(id) => <OutageRow {...props} state={() => stateOf().get(id)!} canWrite={canWrite} />}</For>
          </ul>
        </Show>
      </Show>
    </section>
  );
}

type Props = { lang: Lang; t: AppStrings; device: BrowserDevice; now: Accessor<number> };

/** Hours and minutes of a duration, in words. */
function duration(t: AppStrings, ms: number): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  return fill(t.outages.duration, { h: Math.floor(minutes / 60), m: minutes % 60 });
}

/** A count typed by a user: blank or not a number stays NaN, for the write check to name. */
function countOf(raw: string): number {
  const s = raw.trim();
  return s === '' ? NaN : Number(s);
}

/** A datetime-local value as epoch ms; null when empty, NaN when not a time. */
function instantOf(raw: string): number | null {
  if (!raw) return null;
  const iso = chinaLocalToInstant(raw);
  return iso === null ? NaN : Date.parse(iso);
}

/**
 * One write of an outage record (writeForm.ts): the rules' problems and the write check's issues
 * at their fields (`issueOf('payload.affectedCustomers')`), a refusal as a whole-form issue.
 * Nothing typed is cleared unless the record is saved.
 */
function createWrite(props: Props) {
  const w = createFormWrite({ t: props.t });
  const problemIssues = (problems: readonly OutageFormProblem[]): DescribedIssue[] =>
    problems.map((p) => ({ path: p.path, id: 'value.invalid', message: props.t.outages.problems[p.problem] }));
  const write = (type: RecordType, payload: unknown, options: { station?: string; at?: number }): Promise<boolean> =>
    w.record(() => {
      const role = roleOf(props.device);
      const record = composeOperationsRecord({ session: props.device.session, deviceId: props.device.deviceId, ...(role ? { role } : {}) }, type, payload, {
        ...(options.station !== undefined ? { station: options.station } : {}),
        ...(options.at !== undefined ? { now: new Date(options.at) } : {}),
      });
      return props.device.writeRecord(record, props.lang);
    }, props.t.outages.saved);
  return { issues: w.issues, saved: w.saved, busy: w.busy, write, refuse: w.refuse, issueOf: w.issueOf, problemIssues };
}

/** The station, chosen from the stations' display names (never a typed id). */
function StationField(props: { t: AppStrings; id: string; value: string; onChange: (id: string) => void; error: string | undefined }) {
  const o = props.t.outages;
  return (
    <div class="field">
      <label for={props.id}>{o.station}</label>
      <select
        id={props.id}
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value)}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={props.error ? `${props.id}-error` : undefined}
      >
        <option value="">{o.chooseStation}</option>
        <For each={placeList()}>{(p) => <option value={p.id} selected={p.id === props.value}>{p.name}</option>}</For>
      </select>
      <FieldError id={`${props.id}-error`} message={props.error} />
    </div>
  );
}

/** A community of some station, as GET /api/communities lists it. */
type Community = { id: string; name: string; station: string };

/**
 * The stations' lists of communities (GET /api/communities, public; the service worker keeps a
 * copy): null while unknown (not read yet, or no network). An outage names its communities from
 * this list; the public notices publish those names, never the free-text area.
 */
function createCommunities(): Accessor<Community[] | null> {
  const [list, setList] = createSignal<Community[] | null>(null);
  onMount(async () => {
    try {
      const res = await fetch('/api/communities', { headers: { accept: 'application/json' } });
      const json = (await res.json()) as { communities?: unknown };
      if (!res.ok || !Array.isArray(json.communities)) return;
      setList(
        json.communities.filter(
          (c): c is Community => typeof c?.id === 'string' && typeof c?.name === 'string' && typeof c?.station === 'string',
        ),
      );
    } catch {
      // offline: the form says so and records the outage without communities
    }
  });
  return list;
}

/** The station's communities to choose from. */
function createCommunityChoice(list: Accessor<Community[] | null>, station: Accessor<string>) {
  const [chosen, setChosen] = createSignal<string[]>([]);
  const options = createMemo(() => (list() ?? []).filter((c) => c.station === station().trim()));
  /** The ids to record: the chosen ones the station's list holds (none when the list is unknown). */
  const payload = () => {
    const ids = chosen().filter((id) => options().some((c) => c.id === id));
    return ids.length ? { communities: ids } : {};
  };
  const toggle = (id: string, on: boolean) => setChosen((now) => (on ? [...new Set([...now, id])] : now.filter((x) => x !== id)));
  return { chosen, options, payload, toggle, reset: () => setChosen([]) };
}

/**
 * Where a new outage is, as both forms ask it (an announcement, a fault): the station, its
 * communities, the internal area note and the households; the rule's check of the place
 * (src/rules/outages.ts checkOutagePlace) and the fields' part of the record.
 */
function createPlace(props: Props) {
  const [station, setStation] = createSignal(props.device.session.station ?? '');
  const list = createCommunities();
  const communities = createCommunityChoice(list, station);
  const [area, setArea] = createSignal('');
  const [households, setHouseholds] = createSignal('');
  const words = { 'station-missing': props.t.outages.stationRequired, 'communities-missing': props.t.outages.communitiesRequired };
  const problems = (): DescribedIssue[] =>
    checkOutagePlace({ station: station(), communities: communities.options().map((c) => c.id), chosen: communities.chosen() }).map((p) => ({ path: p.path, id: 'value.invalid', message: words[p.problem] }));
  const payload = () => ({ affectedCustomers: countOf(households()), area: area().trim(), ...communities.payload() });
  const reset = () => {
    setArea('');
    communities.reset();
    setHouseholds('');
  };
  return { station, setStation, list, communities, area, setArea, households, setHouseholds, problems, payload, reset };
}

/** The place's fields (`oa-…` in the announcement, `of-…` in the fault form), each with its error. */
function PlaceFields(props: { t: AppStrings; prefix: string; place: ReturnType<typeof createPlace>; issueOf: (path: string) => string | undefined }) {
  const o = props.t.outages;
  const p = props.place;
  return (
    <>
      <StationField t={props.t} id={`${props.prefix}-station`} value={p.station()} onChange={p.setStation} error={props.issueOf('station')} />
      <CommunityField t={props.t} idPrefix={props.prefix} list={p.list} choice={p.communities} error={props.issueOf('payload.communities')} />
      <TextField id={`${props.prefix}-area`} label={o.area} hint={o.areaHint} value={p.area()} onInput={p.setArea} maxLength={200} error={props.issueOf('payload.area')} />
      <TextField id={`${props.prefix}-households`} label={o.households} inputMode="numeric" value={p.households()} onInput={p.setHouseholds} error={props.issueOf('payload.affectedCustomers')} />
    </>
  );
}

function CommunityField(props: {
  t: AppStrings;
  idPrefix: string;
  list: Accessor<Community[] | null>;
  choice: ReturnType<typeof createCommunityChoice>;
  error?: string;
}) {
  const o = props.t.outages;
  const hintId = `${props.idPrefix}-communities-hint`;
  const errorId = `${props.idPrefix}-communities-error`;
  return (
    <fieldset class="field" id={`${props.idPrefix}-communities`} aria-describedby={props.error ? `${hintId} ${errorId}` : hintId}>
      <legend>{o.communities}</legend>
      <p class="hint" id={hintId}>
        {o.communitiesHint}
      </p>
      <FieldError id={errorId} message={props.error} />
      <Show when={props.choice.options().length > 0} fallback={<p class="hint">{props.list() === null ? o.communitiesUnavailable : o.communitiesNone}</p>}>
        <For each={props.choice.options()}>
          {(c) => (
            <label class="choice">
              <input type="checkbox" checked={props.choice.chosen().includes(c.id)} onChange={(e) => props.choice.toggle(c.id, e.currentTarget.checked)} /> {c.name}
            </label>
          )}
        </For>
      </Show>
    </fieldset>
  );
}

function AnnounceForm(props: Props) {
  const o = props.t.outages;
  const w = createWrite(props);
  const place = createPlace(props);
  const [start, setStart] = createSignal('');
  const [end, setEnd] = createSignal('');
  const [confirmed, setConfirmed] = createSignal(false);
  const check = createMemo(() => checkAnnouncement({ plannedStart: instantOf(start()), plannedEnd: instantOf(end()) }, props.now()));
  const warn = () => check().shortNotice && check().leadMs !== null;

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const now = Date.now();
    const plannedStart = instantOf(start());
    const plannedEnd = instantOf(end());
    const checked = checkAnnouncement({ plannedStart, plannedEnd }, now);
    const problems = [...place.problems(), ...w.problemIssues(checked.problems)];
    if (problems.length) return w.refuse(problems);
    if (checked.shortNotice && !confirmed()) return; // the warning is on screen; its checkbox must be ticked
    const payload = {
      outage: OUTAGE_ID_PREFIX + ulid(now),
      plannedStart: new Date(plannedStart!).toISOString(),
      ...(plannedEnd !== null ? { plannedEnd: new Date(plannedEnd).toISOString() } : {}),
      ...place.payload(),
    };
    if (await w.write('outage-announced', payload, { station: place.station().trim(), at: now })) {
      place.reset();
      setStart('');
      setEnd('');
      setConfirmed(false);
    }
  };

  return (
    <form class="form step-form" id="outage-announce" aria-labelledby="outage-announce-title" novalidate onSubmit={submit}>
      <h3 id="outage-announce-title">{o.announceTitle}</h3>
      <ErrorSummary intro={props.t.forms.fixErrors} issues={w.issues()} />
      <PlaceFields t={props.t} prefix="oa" place={place} issueOf={w.issueOf} />
      <TextField
        id="oa-start"
        label={o.plannedStart}
        type="datetime-local"
        value={start()}
        onInput={(v) => {
          setStart(v);
          setConfirmed(false);
        }}
        error={w.issueOf('payload.plannedStart')}
      />
      <TextField id="oa-end" label={o.plannedEnd} type="datetime-local" value={end()} onInput={setEnd} error={w.issueOf('payload.plannedEnd')} />
      <Show when={warn()}>
        <div class="form-error notice-warning" role="alert" id="oa-short">
          <p>{fill(o.shortNotice, { lead: duration(props.t, check().leadMs!) })}</p>
          <div class="field">
            <label class="choice">
              <input type="checkbox" checked={confirmed()} onChange={(e) => setConfirmed(e.currentTarget.checked)} aria-describedby="oa-short" /> {o.confirmShort}
            </label>
          </div>
        </div>
      </Show>
      <button type="submit" class="button" disabled={w.busy() || (warn() && !confirmed())}>{o.announce}</button>
      <Show when={w.saved()}>
        <p class="notice" role="status">{o.saved}</p>
      </Show>
    </form>
  );
}

function FaultForm(props: Props) {
  const o = props.t.outages;
  const w = createWrite(props);
  const place = createPlace(props);
  const [startedAt, setStartedAt] = createSignal('');
  const [atHeatSource, setAtHeatSource] = createSignal(false);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const now = Date.now();
    const at = instantOf(startedAt());
    const problems = [...place.problems(), ...w.problemIssues(checkEventTime(at, now))];
    if (problems.length) return w.refuse(problems);
    const payload = {
      outage: OUTAGE_ID_PREFIX + ulid(now),
      planned: false,
      atHeatSource: atHeatSource(),
      ...place.payload(),
    };
    if (await w.write('outage-started', payload, { station: place.station().trim(), at: Math.min(at ?? now, now) })) {
      place.reset();
      setStartedAt('');
      setAtHeatSource(false);
    }
  };

  return (
    <form class="form step-form" id="outage-fault" aria-labelledby="outage-fault-title" novalidate onSubmit={submit}>
      <h3 id="outage-fault-title">{o.faultTitle}</h3>
      <ErrorSummary intro={props.t.forms.fixErrors} issues={w.issues()} />
      <PlaceFields t={props.t} prefix="of" place={place} issueOf={w.issueOf} />
      <TextField id="of-started" label={o.startedAt} type="datetime-local" value={startedAt()} onInput={setStartedAt} error={w.issueOf('at')} />
      <div class="field">
        <label class="choice">
          <input type="checkbox" checked={atHeatSource()} onChange={(e) => setAtHeatSource(e.currentTarget.checked)} /> {o.atHeatSource}
        </label>
      </div>
      <button type="submit" class="button" disabled={w.busy()}>{o.recordFault}</button>
      <Show when={w.saved()}>
        <p class="notice" role="status">{o.saved}</p>
      </Show>
    </form>
  );
}

function OutageRow(props: Props & { state: Accessor<OutageState>; canWrite: boolean }) {
  const o = props.t.outages;
  const s = props.state;
  const r = () => s().restoration;
  const when = (ms: number) => formatMoment(props.lang, ms);
  const kind = () => (s().atHeatSource ? o.kind.heatSource : s().planned ? o.kind.planned : o.kind.fault);
  const base = () => `ou-${s().outage.slice(-8)}`;
  return (
    <li
      class="request outage"
      data-outage={s().outage}
      data-phase={s().phase}
      data-overdue={s().restoration?.overdue ? 'yes' : 'no'}
      data-urgency={s().restoration?.overdue ? 'overdue' : s().phase === 'ongoing' ? 'soon' : 'later'}
    >
      <p class="request-title">
        <strong>{kind()}</strong> <span class={`urgency urgency-${s().restoration?.overdue ? 'overdue' : s().phase === 'ongoing' ? 'soon' : 'later'}`}>{o.phase[s().phase]}</span>
      </p>
      <p class="request-meta">{fill(o.line, { station: s().station ?? '—', area: s().area, households: s().affectedCustomers })}</p>
      <Show when={s().plannedStart !== null}>
        <p class="request-meta">
          {s().plannedEnd !== null ? fill(o.plannedUntil, { from: when(s().plannedStart!), to: when(s().plannedEnd!) }) : fill(o.planned, { from: when(s().plannedStart!) })}
        </p>
      </Show>
      <Show when={s().notice && s().announcedAt !== null}>
        <p class="request-meta" data-notice-short={s().notice!.short ? 'yes' : 'no'}>
          {fill(o.announcedAt, { time: when(s().announcedAt!), lead: duration(props.t, s().notice!.leadMs ?? 0) })}
          {s().notice!.short ? o.noticeShort : ''}
          <Show when={o.noticeVerdict[s().notice!.verdict]}> · {o.noticeVerdict[s().notice!.verdict]}</Show>
        </p>
      </Show>
      <Show when={s().notice && s().announcedAt === null && s().notice!.verdict !== 'pending'}>
        <p class="request-meta">{o.noticeVerdict[s().notice!.verdict]}</p>
      </Show>
      <Show when={s().startOverdue}>
        <p class="request-due field-error">{o.startNotRecorded}</p>
      </Show>
      <Show when={s().startedAt !== null}>
        <p class="request-meta">{fill(o.startedAt2, { time: when(s().startedAt!) })}</p>
      </Show>
      <Show when={r()?.verdict === 'exempt'}>
        <p class="request-due">{o.exempt}</p>
      </Show>
      <Show when={s().phase === 'ongoing' && r() && r()!.verdict !== 'exempt'}>
        <p class={r()!.overdue ? 'request-due field-error' : 'request-due'} data-countdown={r()!.leftMs}>
          {r()!.overdue ? fill(o.overdue, { left: duration(props.t, r()!.leftMs) }) : fill(o.left, { left: duration(props.t, r()!.leftMs) })} ·{' '}
          {fill(o.dueAt, { time: when(r()!.dueAt) })}
        </p>
      </Show>
      <Show when={s().phase === 'restored' && s().restoredAt !== null}>
        <p class="request-meta">
          {s().startedAt !== null ? fill(o.restoredAt2, { time: when(s().restoredAt!), took: duration(props.t, s().restoredAt! - s().startedAt!) }) : when(s().restoredAt!)}
          <Show when={r() && o.restorationVerdict[r()!.verdict]}> · {o.restorationVerdict[r()!.verdict]}</Show>
        </p>
      </Show>
      <Show when={s().emergency}>
        {(mark) => (
          <p class="request-meta" data-emergency="yes">
            {fill(o.emergencyMarked, { by: mark().by, time: when(mark().at), reason: mark().reason })}
          </p>
        )}
      </Show>
      <Show when={props.canWrite && s().phase !== 'restored'}>
        <OutageStep {...props} state={s} base={base()} />
      </Show>
      <Show when={props.canWrite && s().phase !== 'announced' && !s().emergency}>
        <EmergencyMarkForm {...props} state={s} base={base()} />
      </Show>
    </li>
  );
}

/** The next step of an outage: its start (an announced one) or its restoration. */
function OutageStep(props: Props & { state: Accessor<OutageState>; base: string }) {
  const o = props.t.outages;
  const w = createWrite(props);
  const [at, setAt] = createSignal('');
  const starting = () => props.state().phase === 'announced';
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const now = Date.now();
    const time = instantOf(at());
    const problems = checkEventTime(time, now, starting() ? null : props.state().startedAt);
    if (problems.length) return w.refuse(w.problemIssues(problems));
    const s = props.state();
    const when = Math.min(time ?? now, now);
    const station = s.station !== undefined ? { station: s.station } : {};
    const ok = starting()
      ? await w.write('outage-started', { outage: s.outage, planned: true, atHeatSource: false, affectedCustomers: s.affectedCustomers, area: s.area, ...(s.communities.length ? { communities: [...s.communities] } : {}) }, { ...station, at: when })
      : await w.write('outage-restored', { outage: s.outage }, { ...station, at: when });
    if (ok) setAt('');
  };
  return (
    <form class="form step-form" id={`${props.base}-step`} aria-label={starting() ? o.recordStart : o.recordRestored} novalidate onSubmit={submit}>
      <ErrorSummary intro={props.t.forms.fixErrors} issues={w.issues()} />
      <TextField id={`${props.base}-at`} label={starting() ? o.startedAt : o.restoredAt} type="datetime-local" value={at()} onInput={setAt} error={w.issueOf('at')} />
      <button type="submit" class="button" disabled={w.busy()}>{starting() ? o.recordStart : o.recordRestored}</button>
      <Show when={w.saved()}>
        <p class="notice" role="status">{o.saved}</p>
      </Show>
    </form>
  );
}

/**
 * Marks an outage an emergency accident (紧急事故), saying why: the gas notice and restoration
 * figures leave out such outages only (domain.md, "Settled readings: Outages that are
 * emergencies"); the record's author is who marked it. Closed until asked for, so it is not
 * pressed in passing.
 */
function EmergencyMarkForm(props: Props & { state: Accessor<OutageState>; base: string }) {
  const o = props.t.outages;
  const w = createWrite(props);
  const [reason, setReason] = createSignal('');
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const s = props.state();
    const station = s.station !== undefined ? { station: s.station } : {};
    if (await w.write('outage-emergency', { outage: s.outage, reason: reason() }, station)) setReason('');
  };
  return (
    <details class="emergency-mark">
      <summary>{o.markEmergency}</summary>
      <form class="form step-form" id={`${props.base}-emergency`} aria-label={o.markEmergency} novalidate onSubmit={submit}>
        <p class="hint">{o.markEmergencyHint}</p>
        <ErrorSummary intro={props.t.forms.fixErrors} issues={w.issues()} />
        <TextField id={`${props.base}-emergency-reason`} label={o.emergencyReason} multiline maxLength={500} value={reason()} onInput={setReason} error={w.issueOf('payload.reason')} />
        <button type="submit" class="button" disabled={w.busy()}>{o.markEmergency}</button>
      </form>
    </details>
  );
}
