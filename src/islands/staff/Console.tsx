import { placeList, stationName } from '../placeNames';
import { For, Show, Suspense, createMemo, createSignal, lazy, onCleanup } from 'solid-js';
import type { BrowserDevice } from '../../db/device/browserDevice';
import { foldedAt, type RequestListItem } from '../../db/device/requestList';
import { REQUEST_KINDS, type RequestKind } from '../../db/schema/requestKind';
import { fill, type AppStrings, type Lang } from '../../i18n';
import { dueCallbacks, repairCallbackRate, callbackScores } from '../../rules/callbacks';
import { callbackWindows } from '../../rules/callbackHours';
import { ESCALATION_LADDER } from '../../rules/escalation';
import { availableTabs, mayTakeNow, queueScope, type ConsoleTab } from '../../rules/steps';
import { buildQueue, type QueueEntry, type QueueFilter, type Urgency } from '../../rules/queue';
import { REQUEST_STATUSES, isOpen, type RequestState, type RequestStatus } from '../../rules/requestState';
import { fromObservable } from '../reactive';
import { formatDeadline, formatMoment, refusalReason, shortRequestNumber } from '../format';
import { formatDayWithWeekday } from '../forms/fieldValues';
import { pick } from '../../i18n';
import RequestDetail, { CallbackStep } from './RequestDetail';
import Register from './Register';
import AccountDesk from './AccountDesk';
import QueueTable from './QueueTable';
import DispatchBoard from './DispatchBoard';
import TechnicianDay from './TechnicianDay';
import { recordStep, rolesOf } from './write';
import { cachedStaffDirectory, fetchStaffDirectory } from '../../db/device/staffDirectory';
import { directoryNames } from '../../rules/peopleNames';
import { customerArchive } from '../../rules/customerArchive';

type Tab = ConsoleTab;

/** How long a new width must hold before the queue changes layout (table ↔ cards). */
const LAYOUT_SETTLE_MS = 300;

// Outage notices: only on operations devices, in their own chunk (the /staff/ JS budget).
const Outages = lazy(() => import('./Outages'));

/**
 * The staff console (issue 6): the queue of open requests with their deadlines, registering a
 * walk-in, and the callbacks due, all on the device database (a whole shift offline). The
 * station's records only (the device replicates its station's database; operations staff see
 * every station). Escalations are recorded by the server's deadline watcher
 * (server/deadlines/watcher.mjs), open device or not; the console only shows them.
 */
export default function Console(props: { lang: Lang; t: AppStrings; device: BrowserDevice }) {
  const t = props.t;
  const s = t.staffConsole;
  const station = props.device.session.station;
  const roles = rolesOf(props.device);
  const me = props.device.session.name;
  // The sections this user may use: one rule (src/rules/steps.ts). Outage records live in the
  // operations database: only its devices hold them (and may write them).
  const tabs: Tab[] = availableTabs(roles, props.device.writeContext().database.kind);
  const scope = queueScope(roles);
  // Fetched now, while the console is open, not when the tab is first opened: by then the
  // device may be offline (the service worker also precaches it, once installed).
  if (tabs.includes('outages')) void Outages.preload();
  // The stations' and communities' names the register form chooses from: asked now, while online, and kept.
  if (tabs.includes('register')) placeList();
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), 30_000);
  onCleanup(() => clearInterval(timer));
  const items = fromObservable<RequestListItem[] | undefined>(props.device.requests(station ? { station } : {}), undefined);
  // The list's states were folded when the records last changed; deadlines and escalation
  // levels move with the clock, so each request is folded again at the console's `now` (only
  // the requests that changed, while a pull fills the device: foldedAt).
  const refold = foldedAt();
  const list = createMemo(() => refold(items() ?? [], now()));
  // Colleagues' display names (the staff directory), from the device's copy at once, then the server's.
  const [directory, setDirectory] = createSignal(cachedStaffDirectory(localStorage, props.device.session.name));
  void fetchStaffDirectory(localStorage, props.device.session.name).then((found) => found && setDirectory(found));
  const names = createMemo(() => directoryNames(directory()));
  // Each resident's archive from what the device holds, beside their request's card.
  const archiveOf = createMemo(() => new Map(customerArchive(list()).map((c) => [c.resident, c])));
  // A technician's queue holds the requests dispatched to them, not the station's whole queue.
  const withState = createMemo(() =>
    list().filter((i): i is RequestListItem & { state: RequestState } => i.state !== null && (scope === 'station' || i.state.visit?.technician === me || i.state.assignee === me)),
  );
  const byId = createMemo(() => new Map(list().map((i) => [i.requestId, i])));
  // Every request of the station (not the technician's scope): each technician's load on the picker and the board.
  const stationStates = createMemo(() => list().flatMap((i) => (i.state ? [i.state] : [])));

  const [tab, setTab] = createSignal<Tab>(tabs[0] ?? 'queue');
  // Loaded when first opened, then kept: what is typed in a form survives a look at the queue.
  let opened = false;
  const outagesOpened = createMemo(() => (opened ||= tab() === 'outages'));
  const [filter, setFilter] = createSignal<QueueFilter>({});
  const setFilterKey = <K extends keyof QueueFilter>(key: K, value: QueueFilter[K] | '') =>
    setFilter((f) => {
      const next = { ...f };
      if (value === '' || value === undefined) delete next[key];
      else next[key] = value as QueueFilter[K];
      return next;
    });
  const queue = createMemo(() => buildQueue(withState().map((i) => i.state), now(), filter()));
  // Rows are keyed by request id (not by entry object, which is new at every update), so an
  // open row and what is typed in it survive list updates and the clock's ticks.
  const queueIds = createMemo(() => queue().map((e) => e.state.requestId), undefined, { equals: (a, b) => a.length === b.length && a.every((x, i) => x === b[i]) });
  const entryOf = createMemo(() => new Map(queue().map((e) => [e.state.requestId, e])));
  // The request open: the phone's open card and the desk table's chosen row are one choice, so
  // a switch of layout (a window resized, the text zoomed to 200 %) keeps the same request open.
  const [open, setOpen] = createSignal<string | null>(null);
  // Wide screens (≥ 1024 px) get the dense table with the detail beside it; phones keep the cards.
  // The layout follows the width once it has held for a moment: a passing size (Chromium sizes
  // the page to 1×1 and back for a full-page screenshot; a window dragged across 1024 px) would
  // otherwise rebuild the queue and the open request's form under the user.
  const wideQuery = typeof matchMedia === 'function' ? matchMedia('(min-width: 1024px)') : null;
  const [wide, setWide] = createSignal(wideQuery?.matches ?? false);
  let settling: ReturnType<typeof setTimeout> | undefined;
  const onWide = () => {
    clearTimeout(settling);
    settling = setTimeout(() => setWide(wideQuery?.matches ?? false), LAYOUT_SETTLE_MS);
  };
  wideQuery?.addEventListener('change', onWide);
  onCleanup(() => {
    clearTimeout(settling);
    wideQuery?.removeEventListener('change', onWide);
  });
  // The technicians of the listed visits, by the display name their dispatch gave (never a login on screen when a name is known).
  const technicians = createMemo(() =>
    [...new Map(withState().flatMap((i) => (i.state.visit ? [[i.state.visit.technician, i.state.visit.technicianName] as const] : i.state.assignee ? [[i.state.assignee, names().get(i.state.assignee) ?? i.state.assignee] as const] : []))).entries()].sort((a, b) => a[1].localeCompare(b[1])),
  );
  const [refusal, setRefusal] = createSignal<{ requestId: string; reason: string } | null>(null);

  const accept = async (item: RequestListItem) => {
    if (!item.state) return;
    const result = await recordStep(props.device, props.lang, { requestId: item.requestId, requestKind: item.kind, resident: item.state.resident, station: item.state.station }, 'accepted', {});
    setRefusal(result.ok ? null : { requestId: item.requestId, reason: refusalReason(t, result.rule, result.reason) });
  };

  const withEvents = createMemo(() => withState().map((i) => ({ state: i.state, events: i.events })));
  const callbacks = createMemo(() => dueCallbacks(withEvents(), now()));
  const callbackIds = createMemo(() => callbacks().map((d) => d.requestId), undefined, { equals: (a, b) => a.length === b.length && a.every((x, i) => x === b[i]) });
  const callbackOf = createMemo(() => new Map(callbacks().map((d) => [d.requestId, d])));
  const rate = createMemo(() => repairCallbackRate(withEvents()));
  const scores = createMemo(() => callbackScores(withEvents()));
  const owners = createMemo(() => [...new Set(withState().flatMap((i) => [i.state.owner, i.state.assignee]).filter((x): x is string => !!x))].sort());
  const stations = createMemo(() => [...new Set(withState().map((i) => i.state.station))].sort());

  const dueText = (entry: QueueEntry) => (entry.due ? fill(s.due[entry.due.what], { time: formatDeadline(props.lang, entry.due.at) }) : '');
  const levelText = (level: number) => (level > 0 ? fill(s.escalationLevel, { level, to: pick(props.lang, ESCALATION_LADDER[level - 1]!.label) }) : '');

  return (
    // The clock is read again whenever staff touch the console, so a step offered (arrive or
    // send a late notice, call now or later) is judged at the moment it is taken.
    <section class="staff-console" aria-labelledby="staff-queue-title" onPointerDown={() => setNow(Date.now())} onFocusIn={() => setNow(Date.now())}>
      <div class="tabs" role="tablist" aria-label={s.sections}>
        <For each={tabs}>
          {(k) => (
            <button type="button" role="tab" id={`tab-${k}`} aria-selected={tab() === k ? 'true' : 'false'} aria-controls={`panel-${k}`} class="tab" onClick={() => setTab(k)}>
              {k === 'outages' ? t.outages.tab : k === 'accounts' ? t.customerAccess.tab : s.tabs[k]}
              <Show when={k === 'callbacks' && callbacks().length}> ({callbacks().length})</Show>
            </button>
          )}
        </For>
      </div>

      <div id="panel-queue" role="tabpanel" aria-labelledby="tab-queue" hidden={tab() !== 'queue'}>
        <h2 id="staff-queue-title">{t.staff.queue}</h2>
        <fieldset class="filters">
          <legend>{s.filters}</legend>
          <label>
            {s.kind}
            <select onChange={(e) => setFilterKey('kind', e.currentTarget.value as RequestKind | '')}>
              <option value="">{s.all}</option>
              <For each={REQUEST_KINDS}>{(k) => <option value={k}>{t.requestKindLabels[k]}</option>}</For>
            </select>
          </label>
          <label>
            {s.status}
            <select onChange={(e) => setFilterKey('status', e.currentTarget.value as RequestStatus | '')}>
              <option value="">{s.all}</option>
              <For each={REQUEST_STATUSES.filter(isOpen)}>{(k) => <option value={k}>{s.requestStatus[k]}</option>}</For>
            </select>
          </label>
          <label>
            {s.urgencyLabel}
            <select onChange={(e) => setFilterKey('urgency', e.currentTarget.value as Urgency | '')}>
              <option value="">{s.all}</option>
              <For each={['overdue', 'soon', 'later', 'none'] as Urgency[]}>{(k) => <option value={k}>{s.urgency[k]}</option>}</For>
            </select>
          </label>
          <Show when={!station}>
            <label>
              {s.station}
              <select onChange={(e) => setFilterKey('station', e.currentTarget.value)}>
                <option value="">{s.all}</option>
                <For each={stations()}>{(k) => <option value={k}>{stationName(k, k)}</option>}</For>
              </select>
            </label>
          </Show>
          {/* A technician's queue holds only their own visits: no filter by technician or owner. */}
          <Show when={scope === 'station'}>
          <label>
            {s.tableTechnician}
            <select onChange={(e) => setFilterKey('technician', e.currentTarget.value)}>
              <option value="">{s.all}</option>
              <For each={technicians()}>{([login, name]) => <option value={login}>{name}</option>}</For>
            </select>
          </label>
          </Show>
          <label>
            {s.tableEscalation}
            <select onChange={(e) => setFilterKey('escalated', e.currentTarget.value as 'yes' | 'no' | '')}>
              <option value="">{s.all}</option>
              <option value="yes">{s.escalatedYes}</option>
              <option value="no">{s.escalatedNo}</option>
            </select>
          </label>
          <Show when={scope === 'station'}>
          <label>
            {s.ownerLabel}
            <select onChange={(e) => setFilterKey('owner', e.currentTarget.value)}>
              <option value="">{s.all}</option>
              <For each={owners()}>{(k) => <option value={k}>{names().get(k) ?? k}</option>}</For>
            </select>
          </label>
          </Show>
        </fieldset>
        <Show when={items()} fallback={<p>{t.requests.loading}</p>}>
          <Show when={queue().length} fallback={<p>{t.staff.empty}</p>}>
            <Show
              when={!wide()}
              fallback={
                <QueueTable
                  lang={props.lang}
                  t={t}
                  entries={queue()}
                  selected={open}
                  onSelect={setOpen}
                  item={(id) => byId().get(id)}
                  names={names}
                  detail={(id) => (
                    <>
                      <Show when={refusal()?.requestId === id}>
                        <p class="field-error" role="alert">{refusal()!.reason}</p>
                      </Show>
                      <Show when={mayTakeNow({ state: entryOf().get(id)!.state, events: byId().get(id)!.events }, roles, 'accepted', now())}>
                        <p class="row-actions">
                          <button type="button" class="button" onClick={() => accept(byId().get(id)!)}>{t.staff.accept}</button>
                        </p>
                      </Show>
                      <RequestDetail lang={props.lang} t={t} device={props.device} item={byId().get(id)!} now={now} names={names} archive={archiveOf().get(byId().get(id)!.state!.resident)} directory={directory} states={stationStates} />
                    </>
                  )}
                />
              }
            >
            <ul class="request-list staff-queue">
              <For each={queueIds()}>
                {(id) => {
                  const item = () => byId().get(id)!;
                  const e = () => entryOf().get(id)!;
                  return (
                    <li class="request" data-request={id} data-status={e().state.status} data-urgency={e().urgency} data-level={e().escalationLevel} data-waiting={item().waiting > 0 ? 'yes' : 'no'}>
                      <p class="request-title">
                        <strong>{t.requestKindLabels[e().state.kind]}</strong> <span class="request-number">#{shortRequestNumber(id)}</span>{' '}
                        <span class={`urgency urgency-${e().urgency}`}>{s.urgency[e().urgency]}</span>
                      </p>
                      <p class="request-meta">
                        {s.requestStatus[e().state.status]}
                        <Show when={e().state.bookedDay}> · {fill(t.staff.bookedFor, { day: formatDayWithWeekday(props.lang, e().state.bookedDay!) })}</Show>
                        <Show when={e().state.answerDueAt}> · {fill(e().state.bookedDay ? t.staff.visitDue : t.staff.answerDue, { time: formatDeadline(props.lang, e().state.answerDueAt!) })}</Show>
                        <Show when={e().state.owner}> · {fill(t.staff.owner, { name: names().get(e().state.owner!) ?? e().state.owner! })}</Show>
                        <Show when={item().waiting > 0}> · {t.requests.waiting}</Show>
                      </p>
                      <p class="request-due">
                        {[dueText(e()), e().escalationLevel > 0 ? levelText(e().escalationLevel) : '', station ? '' : stationName(e().state.station, e().state.station)].filter(Boolean).join(' · ')}
                      </p>
                      <Show when={refusal()?.requestId === id}>
                        <p class="field-error" role="alert">{refusal()!.reason}</p>
                      </Show>
                      <div class="row-actions">
                        <Show when={mayTakeNow({ state: e().state, events: item().events }, roles, 'accepted', now())}>
                          <button type="button" class="button" onClick={() => accept(item())}>{t.staff.accept}</button>
                        </Show>
                        <button type="button" class="button secondary" aria-expanded={open() === id ? 'true' : 'false'} onClick={() => setOpen(open() === id ? null : id)}>
                          {open() === id ? s.hide : s.open}
                        </button>
                      </div>
                      <Show when={open() === id}>
                        <RequestDetail lang={props.lang} t={t} device={props.device} item={item()} now={now} names={names} archive={archiveOf().get(e().state.resident)} directory={directory} states={stationStates} />
                      </Show>
                    </li>
                  );
                }}
              </For>
            </ul>
            </Show>
          </Show>
        </Show>
      </div>

      <Show when={tabs.includes('board') && station}>
        <div id="panel-board" role="tabpanel" aria-labelledby="tab-board" hidden={tab() !== 'board'}>
          <Show when={tab() === 'board'}>
            <DispatchBoard lang={props.lang} t={t} station={station!} directory={directory} states={stationStates} now={now} />
          </Show>
        </div>
      </Show>

      <Show when={tabs.includes('today')}>
        <div id="panel-today" role="tabpanel" aria-labelledby="tab-today" hidden={tab() !== 'today'}>
          <Show when={tab() === 'today'}>
            <TechnicianDay
              lang={props.lang}
              t={t}
              device={props.device}
              items={withState}
              now={now}
              detail={(item) => <RequestDetail lang={props.lang} t={t} device={props.device} item={item} now={now} names={names} archive={archiveOf().get(item.state!.resident)} directory={directory} states={stationStates} />}
            />
          </Show>
        </div>
      </Show>

      <Show when={tabs.includes('register')}>
      <div id="panel-register" role="tabpanel" aria-labelledby="tab-register" hidden={tab() !== 'register'}>
        <Show when={tab() === 'register'}>
          <Register
            lang={props.lang}
            t={t}
            device={props.device}
            items={list}
            onRegistered={() => undefined}
          />
        </Show>
      </div>

      </Show>

      <Show when={tabs.includes('outages')}>
        <div id="panel-outages" role="tabpanel" aria-labelledby="tab-outages" hidden={tab() !== 'outages'}>
          <Show when={outagesOpened()}>
            {/* Its own Suspense while its code loads: the hydrated console's would blank the whole island. */}
            <Suspense>
              <Outages lang={props.lang} t={t} device={props.device} now={now} />
            </Suspense>
          </Show>
        </div>
      </Show>

      <Show when={tabs.includes('accounts')}>
        <div id="panel-accounts" role="tabpanel" aria-labelledby="tab-accounts" hidden={tab() !== 'accounts'}>
          <Show when={tab() === 'accounts'}>
            <AccountDesk lang={props.lang} t={t} device={props.device} />
          </Show>
        </div>
      </Show>

      <Show when={tabs.includes('callbacks')}>
      <div id="panel-callbacks" role="tabpanel" aria-labelledby="tab-callbacks" hidden={tab() !== 'callbacks'}>
        <h2>{s.callbacksTitle}</h2>
        <p class="callback-rate" data-met={rate().met === null ? 'none' : rate().met ? 'yes' : 'no'}>
          {rate().rate === null
            ? s.rateNone
            : fill(s.rate, { rate: (rate().rate! * 100).toFixed(1), calledBack: rate().calledBack, done: rate().done, target: Math.round(rate().target * 100) })}
          {rate().met === false ? ` · ${s.rateBelow}` : ''}
        </p>
        <Show when={scores().count}>
          <p>{fill(s.scores, { attitude: scores().attitude!.toFixed(1), ability: scores().ability!.toFixed(1), n: scores().count })}</p>
        </Show>
        <p class="hint">{fill(s.windows, { windows: callbackWindows().map((w) => `${w.from}–${w.to}`).join('、') })}</p>
        <Show when={callbacks().length} fallback={<p>{s.noCallbacks}</p>}>
          <ul class="request-list callback-queue">
            <For each={callbackIds()}>
              {(requestId) => {
                const item = () => byId().get(requestId)!;
                const due = () => callbackOf().get(requestId)!;
                return (
                  <li class="request" data-request={requestId}>
                    <p class="request-title">
                      <strong>{t.requestKindLabels[due().kind]}</strong> <span class="request-number">#{shortRequestNumber(requestId)}</span>
                    </p>
                    <p class="request-meta">
                      {due().mayCallNow ? s.callNow : fill(s.callFrom, { time: formatMoment(props.lang, due().offerAt.getTime()) })}
                      <Show when={due().attempts}> · {fill(s.attempts, { n: due().attempts })}</Show>
                    </p>
                    {/* The card only when the call may be made now; until then the line above says from when. */}
                    <Show when={item()?.state && due().mayCallNow}>
                      <CallbackStep
                        lang={props.lang}
                        t={t}
                        device={props.device}
                        item={item()}
                        now={now}
                        names={names}
                        base={`cb-${requestId.slice(-6)}`}
                        keys={() => ({ requestId: requestId, requestKind: due().kind, resident: item().state!.resident, station: item().state!.station })}
                      />
                    </Show>
                  </li>
                );
              }}
            </For>
          </ul>
        </Show>
      </div>
      </Show>
    </section>
  );
}
