import { For, Show, Suspense, createMemo, createSignal, lazy, onCleanup } from 'solid-js';
import { fill, type ResidentStrings, type Lang } from '../i18n';
import type { BrowserDevice } from '../db/device/browserDevice';
import type { EventRecord } from '../db/schema/events/event';
import type { RequestState } from '../rules/requestState';
import { visibleTimeline } from '../rules/requestState';
import { finishStep } from '../rules/residentActions';
import { measurementRecords, supersededMeasurementIds } from '../rules/measurementRecords';
import { formatCelsius } from '../rules/temperatureTest';
import { stationName } from './placeNames';
import { buildCalendar } from '../ics/icalendar';
import { PRODUCT_ID, isToCome, visitCalendarEvent, visitTime, type VisitTime } from '../ics/visits';
import { fromObservable } from './reactive';
import { formatDay, formatMoment, shortRequestNumber } from './format';

// Loaded only for a request the resident can act on (or a temperature record to show).
const RequestActions = lazy(() => import('./RequestActions'));

/**
 * What the resident may see of a request, live: every event shown to residents (internal ones
 * never reach their database, and are filtered here too) with its details, the answer
 * deadline, who is coming when (and a calendar file of it), what waits for the resident, and
 * the actions open to them now (sign off, reopen, rate: src/rules/residentActions.ts).
 */
export default function RequestTimeline(props: {
  lang: Lang;
  t: ResidentStrings;
  device: BrowserDevice;
  requestId: string;
  state: RequestState | null;
  /** Events to mark "new" (updates the resident had not seen when opening the timeline). */
  newIds?: ReadonlySet<string>;
}) {
  const t = props.t;
  const events = fromObservable<EventRecord[]>(props.device.events(props.requestId), []);
  const moment = (at: string) => formatMoment(props.lang, at);
  const detail = (event: EventRecord): string | null => {
    switch (event.type) {
      case 'accepted':
        // Never a login: the resident is told someone is in charge (staff names are not theirs to see).
        return props.state?.owner ? t.timeline.owner : null;
      case 'dispatched':
        return fill(t.timeline.visit, { name: event.payload.technicianName || t.timeline.technician, time: moment(event.payload.visitAt) });
      case 'routed':
        return event.payload.toStation ? fill(t.timeline.routedTo, { station: stationName(event.payload.toStation, t.timeline.anotherStation) }) : null;
      case 'late-notice':
        return `${fill(t.timeline.lateNotice, { time: moment(event.payload.newVisitAt) })} · ${fill(t.timeline.reason, { reason: event.payload.reason })}`;
      case 'nobody-home':
        return event.payload.newVisitAt ? fill(t.timeline.rebooked, { time: moment(event.payload.newVisitAt) }) : null;
      case 'diagnosed':
        return event.payload.finding;
      case 'work-done':
      case 'resolved':
      case 'remedy-done':
        return event.payload.summary;
      case 'signed-off':
        return [event.payload.satisfied ? t.timeline.signedOffSatisfied : t.timeline.signedOffUnsatisfied, event.payload.comment].filter(Boolean).join(' · ');
      case 'reopened':
        return fill(t.timeline.reason, { reason: event.payload.reason });
      case 'withdrawn':
        return event.payload.reason ? fill(t.timeline.reason, { reason: event.payload.reason }) : null;
      case 'reply':
        return event.payload.text;
      case 'rated':
        return fill(t.timeline.rated, { attitude: event.payload.attitude, ability: event.payload.ability });
      case 'closed':
        return event.payload.summary ?? null;
      case 'measured': {
        // The record as it stands (a correction superseded the visit's earlier saves): each room's mean.
        const record = measurementRecords(events()).find((r) => r.event.id === event.id);
        return record ? record.outcome.rooms.map((r) => `${r.name} ${r.mean === null ? '—' : formatCelsius(r.mean)}`).join('、') : null;
      }
      default:
        return null;
    }
  };
  // One measurement per visit: the saves a correction superseded are not shown (measurementRecords.ts).
  const shownTimeline = createMemo(() => {
    const hidden = supersededMeasurementIds(events());
    return visibleTimeline(events()).filter((e) => !hidden.has(e.id));
  });
  const step = createMemo(() => (props.state ? finishStep(props.state, events()) : null));
  const hasPanel = () => step() !== null || props.state?.temperatureTest != null;
  // A calendar file only for a visit still to come (checked each minute: a visit ends while the page is open).
  const [now, setNow] = createSignal(Date.now());
  const clock = setInterval(() => setNow(Date.now()), 60_000);
  onCleanup(() => clearInterval(clock));
  const visit = createMemo(() => {
    const time = props.state ? visitTime(props.state, events()) : null;
    return time && isToCome(time, now()) ? time : null;
  });
  // What a form just recorded: said here, outside the form (which may go once the state moves on).
  const [notice, setNotice] = createSignal('');
  let noticeEl!: HTMLParagraphElement;
  const done = (message: string) => {
    setNotice(message);
    queueMicrotask(() => noticeEl.focus());
  };
  return (
    <div class="timeline">
      <Show when={props.state?.answerDueAt && !props.state?.answeredAt}>
        <p class="hint">{fill(t.timeline.answerDue, { time: moment(props.state!.answerDueAt!) })}</p>
      </Show>
      <ol aria-label={t.timeline.title}>
        <For each={shownTimeline()}>
          {(event) => (
            <li data-type={event.type} data-new={props.newIds?.has(event.id) ? 'yes' : undefined}>
              <Show when={props.newIds?.has(event.id)}>
                <span class="badge new-mark">{t.timeline.newMark}</span>{' '}
              </Show>
              <time datetime={event.at}>{moment(event.at)}</time> {t.timeline.types[event.type]}
              <Show when={detail(event)}>{(text) => <span class="timeline-detail"> · {text()}</span>}</Show>
            </li>
          )}
        </For>
      </ol>
      <Show when={props.state?.needsSignOff}>
        <p class="notice needs-sign-off">{t.timeline.needsSignOff}</p>
      </Show>
      <Show when={visit()}>{(time) => <CalendarLink lang={props.lang} t={t} requestId={props.requestId} state={props.state!} time={time()} />}</Show>
      <Show when={hasPanel()}>
        {/* Its own Suspense while its code loads: the hydrated portal's would blank the whole island. */}
        <Suspense>
          <RequestActions lang={props.lang} t={t} device={props.device} state={props.state!} events={events()} step={step()} onDone={done} />
        </Suspense>
      </Show>
      <p ref={noticeEl} class="action-notice" role="status" tabindex="-1">
        {notice()}
      </p>
    </div>
  );
}

/** The visit as an .ics download (a Blob URL, revoked when the visit changes or the timeline goes). */
function CalendarLink(props: { lang: Lang; t: ResidentStrings; requestId: string; state: RequestState; time: VisitTime }) {
  const t = props.t;
  const kind = () => t.requestKindLabels[props.state.kind];
  const slot = () => props.time.slot ?? 'morning';
  const url = createMemo(() => {
    const time = props.time;
    const summary =
      time.kind === 'booked'
        ? fill(t.timeline.icsBooked, { kind: kind(), name: time.technicianName || t.timeline.technician })
        : fill(t.timeline.icsAppointment, { kind: kind(), slot: t.timeline.slots[slot()] });
    const description = fill(t.timeline.icsDescription, { id: shortRequestNumber(props.requestId), time: formatMoment(props.lang, time.start) });
    const file = buildCalendar({ productId: PRODUCT_ID, events: [visitCalendarEvent(props.requestId, time, { summary, description })] });
    const href = URL.createObjectURL(new Blob([file], { type: 'text/calendar;charset=utf-8' }));
    onCleanup(() => URL.revokeObjectURL(href));
    return href;
  });
  return (
    <p class="calendar-link">
      <Show when={props.time.kind === 'appointment'}>
        <span>{fill(t.timeline.appointmentAt, { day: formatDay(props.lang, props.time.start), slot: t.timeline.slots[slot()] })}</span>{' '}
      </Show>
      <a href={url()} download={`hearthline-${shortRequestNumber(props.requestId)}.ics`} data-ics>
        {t.timeline.ics}
      </a>
    </p>
  );
}
