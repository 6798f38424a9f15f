import { For, Show, createMemo, createSignal } from 'solid-js';
import { fill, type ResidentStrings, type Lang } from '../i18n';
import type { RequestListItem } from '../db/device/requestList';
import type { BrowserDevice } from '../db/device/browserDevice';
import { unseenUpdates, seenMarkOf } from '../rules/updates';
import { residentView } from '../rules/residentActions';
import type { RequestStatus } from '../rules/requestState';
import { fromObservable } from './reactive';
import { formatMoment, refusalReason, shortRequestNumber } from './format';
import RequestForm, { choiceOfKind } from './forms/RequestForm';
import { seenMarks, type SeenMarks } from './seenMarks';
import RequestTimeline from './RequestTimeline';
import RequestPhotos from './RequestPhotos';
import { photoDataUrl } from '../db/schema/photos';

/**
 * The resident's requests as this device knows them: each with its state, whether it still
 * waits to be sent, any refusal with the server's reason and a way to correct it, and a badge
 * for updates the resident has not seen (src/rules/updates.ts; cleared by opening the request's
 * timeline). The number of requests with news is on the heading and announced politely.
 */
export default function MyRequests(props: { lang: Lang; t: ResidentStrings; device: BrowserDevice }) {
  const t = props.t;
  const items = fromObservable<RequestListItem[] | undefined>(props.device.requests({ resident: props.device.session.name }), undefined);
  // Rows are keyed by request id (each emission brings new objects): a row, its open progress
  // and a correction being typed stay put while the list updates around them.
  const ids = createMemo(() => (items() ?? []).map((i) => i.requestId), [], { equals: (a, b) => a.length === b.length && a.every((x, i) => x === b[i]) });
  const byId = createMemo(() => new Map((items() ?? []).map((i) => [i.requestId, i])));
  const user = props.device.session.name;
  const seen = seenMarks(user);
  const withNews = createMemo(() => (items() ?? []).filter((i) => unseenUpdates(i.events, user, seen.marks()[i.requestId]).length > 0).length);
  const newsText = () => (withNews() ? fill(t.requests.updates, { n: withNews() }) : '');
  return (
    <section class="my-requests" aria-labelledby="my-requests-title">
      <h2 id="my-requests-title">
        {t.requests.mine}
        <Show when={withNews()}>
          {' '}
          <span class="badge" data-news={withNews()} aria-hidden="true">
            {withNews()}
          </span>
          <span class="visually-hidden">{fill(t.requests.updatesInHeading, { n: withNews() })}</span>
        </Show>
      </h2>
      {/* Announced when the count changes (a polite live region present from the start). */}
      <p class="visually-hidden" role="status" aria-live="polite" data-news-announcement>
        {newsText()}
      </p>
      <Show when={items()} fallback={<p>{t.requests.loading}</p>}>
        <Show when={items()!.length} fallback={<p>{t.requests.none}</p>}>
          <ul class="request-list">
            <For each={ids()}>{(id) => <RequestRow lang={props.lang} t={props.t} device={props.device} item={byId().get(id)!} seen={seen} />}</For>
          </ul>
        </Show>
      </Show>
    </section>
  );
}

function RequestRow(props: { lang: Lang; t: ResidentStrings; device: BrowserDevice; item: RequestListItem; seen: SeenMarks }) {
  const t = props.t;
  const [correcting, setCorrecting] = createSignal(false);
  const user = props.device.session.name;
  // The updates not seen when the timeline was last opened; those stay marked "new" in the
  // open timeline until it is opened again.
  const unseen = createMemo(() => unseenUpdates(props.item.events, user, props.seen.marks()[props.item.requestId]));
  const [newIds, setNewIds] = createSignal<ReadonlySet<string>>(new Set());
  const opened = (open: boolean) => {
    if (!open) return;
    setNewIds(new Set(unseen().map((e) => e.id)));
    props.seen.see(props.item.requestId, seenMarkOf(props.item.events));
  };
  const view = createMemo(() => (props.item.state ? residentView(props.item.state, props.item.events) : null));
  // The photos the submission lists: this device's own copy, else the resident's database on the server.
  const photoIds = createMemo(() => {
    const listed = (props.item.events.find((e) => e.type === 'submitted')?.payload as { photos?: unknown } | undefined)?.photos;
    return Array.isArray(listed) ? listed.filter((x): x is string => typeof x === 'string') : [];
  });
  const photoSrc = async (id: string) => {
    const own = await props.device.photo(id);
    return own ? photoDataUrl(own) : `/db/${props.device.session.database}/${encodeURIComponent(id)}/image`;
  };
  const sending = () => (props.item.waiting > 0 ? t.requests.waiting : t.requests.sent);
  return (
    <li class="request" data-request={props.item.requestId} data-waiting={props.item.waiting > 0 ? 'yes' : 'no'} data-refused={props.item.refused.length ? 'yes' : 'no'}>
      <p class="request-title">
        <strong>{t.requestKindLabels[props.item.kind]}</strong> <span class="request-number">#{shortRequestNumber(props.item.requestId)}</span>
        <Show when={unseen().length}>
          {' '}
          <span class="badge new-update" data-unseen={unseen().length}>
            {fill(t.requests.newBadge, { n: unseen().length })}
          </span>
        </Show>
      </p>
      <p class="request-meta">
        {fill(t.requests.submittedAt, { time: formatMoment(props.lang, props.item.state?.submittedAt ?? props.item.lastAt) })}
        <Show when={view()}>{(v) => <> · <span class="request-status" data-status={v().status}>{v().status === 'answered' ? t.requests.answered : t.requestStatus[v().status as RequestStatus]}</span></>}</Show>
        <Show when={!props.item.refused.length}>
          {' '}· <span class="sending" data-sending={props.item.waiting > 0 ? 'waiting' : 'sent'}>{sending()}</span>
        </Show>
      </p>
      <Show when={view()?.answer}>
        {(answer) => (
          <p class="request-answer">
            <strong>{t.requests.answerLabel}</strong>
            {answer()}
          </p>
        )}
      </Show>
      <Show when={photoIds().length}>
        <div class="request-photos-block">
          <strong>{t.photos.title}</strong>
          <RequestPhotos t={t} ids={photoIds()} srcOf={photoSrc} />
        </div>
      </Show>
      <Show when={props.item.state}>
        <details class="request-progress" on:toggle={(e) => opened((e.currentTarget as HTMLDetailsElement).open)}>
          <summary>{t.timeline.title}</summary>
          <RequestTimeline lang={props.lang} t={t} device={props.device} requestId={props.item.requestId} state={props.item.state} newIds={new Set([...newIds(), ...unseen().map((e) => e.id)])} />
        </details>
      </Show>
      <For each={props.item.refused.map((r) => r.rejection.eventId)}>
        {(eventId) => {
          // The refusal as first listed: it leaves the list once corrected, a moment before its row.
          const refused = props.item.refused.find((r) => r.rejection.eventId === eventId)!;
          return (
            <div class="refusal">
              <p class="field-error">{fill(t.requests.refused, { reason: refusalReason(t, refused.rejection.rule, refused.rejection.reason) })}</p>
              <Show
                when={correcting()}
                fallback={
                  <button type="button" class="button secondary" onClick={() => setCorrecting(true)}>
                    {t.requests.correct}
                  </button>
                }
              >
                <Show when={refused.event.type === 'submitted' && choiceOfKind(refused.event.requestKind)}>
                  {(choice) => (
                    <RequestForm lang={props.lang} t={props.t} session={props.device.session} device={() => props.device} correcting={refused} choice={choice()} onDone={() => setCorrecting(false)} />
                  )}
                </Show>
              </Show>
            </div>
          );
        }}
      </For>
    </li>
  );
}
