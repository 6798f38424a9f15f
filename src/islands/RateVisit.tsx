import { For, createMemo, createSignal } from 'solid-js';
import { fill, type ResidentStrings, type Lang } from '../i18n';
import type { BrowserDevice } from '../db/device/browserDevice';
import type { EventRecord } from '../db/schema/events/event';
import type { View } from '../db/schema/events/fields';
import { ScoreField, ViewField } from './RatingFields';
import type { RequestState } from '../rules/requestState';
import { currentRating, viewOfScore, type RatableVisit } from '../rules/residentActions';
import { recordFollowUp } from './followUp';
import { createWrite } from './writeForm';
import { formatMoment } from './format';
import ErrorSummary from './ErrorSummary';

/** The points asked as they are: attitude and skill are read from the 1–10 scores (viewOfScore), so they are not asked twice. */
const POINTS = ['arrival', 'promises'] as const;
type Point = (typeof POINTS)[number];

/**
 * Changes the rating of one visit: scores 1–10 for service attitude and professional ability,
 * and arrival time and keeping promises on four points (the four-point view of attitude and
 * skill is read from the scores). Shows the current rating (src/rules/residentActions.ts currentRating) and starts
 * from it; sending again records a new `rated` event, which then becomes the current one.
 */
export default function RateVisit(props: { lang: Lang; t: ResidentStrings; device: BrowserDevice; state: RequestState; events: readonly EventRecord[]; visit: RatableVisit; onDone: (message: string) => void }) {
  const t = props.t.rating;
  const idBase = `rate-${props.visit.id}`;
  const current = createMemo(() => currentRating(props.events, props.visit.id));
  const start = current();
  const [attitude, setAttitude] = createSignal(start ? String(start.attitude) : '');
  const [ability, setAbility] = createSignal(start ? String(start.ability) : '');
  const [view, setView] = createSignal<Partial<Record<Point, View>>>(start ? { arrival: start.view.arrival, promises: start.view.promises } : {});
  const write = createWrite({ t: props.t, summaryId: () => `${idBase}-errors` });
  const issueOf = write.issueOf;

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const payload = {
      visit: props.visit.id,
      ...(attitude() ? { attitude: Number(attitude()) } : {}),
      ...(ability() ? { ability: Number(ability()) } : {}),
      view: {
        ...(attitude() ? { attitude: viewOfScore(Number(attitude())) } : {}),
        ...(ability() ? { skill: viewOfScore(Number(ability())) } : {}),
        ...view(),
      },
    };
    if (await write.record(() => recordFollowUp(props.device, props.lang, props.state, 'rated', payload), null)) props.onDone(t.saved);
  };

  return (
    <form class="form rate-visit" data-visit={props.visit.id} onSubmit={submit} novalidate aria-labelledby={`${idBase}-title`}>
      <h3 id={`${idBase}-title`}>{t.title}</h3>
      <p class="hint">{fill(t.visit, { name: props.visit.technicianName ?? t.technician, time: formatMoment(props.lang, props.visit.at) })}</p>
      <p class="current-rating">
        {current() ? fill(t.current, { attitude: current()!.attitude, ability: current()!.ability, time: formatMoment(props.lang, current()!.ratedAt) }) : t.none}
      </p>
      <ErrorSummary id={`${idBase}-errors`} intro={t.fixErrors} issues={write.issues()} />
      <ScoreField t={t} idBase={idBase} field="attitude" value={attitude()} onChange={setAttitude} error={issueOf('payload.attitude')} />
      <ScoreField t={t} idBase={idBase} field="ability" value={ability()} onChange={setAbility} error={issueOf('payload.ability')} />
      <For each={POINTS}>
        {(point) => <ViewField t={t} idBase={idBase} point={point} value={view()[point]} onChange={(v) => setView({ ...view(), [point]: v })} error={issueOf(`payload.view.${point}`)} />}
      </For>
      <button type="submit" class="button" disabled={write.busy()}>
        {current() ? t.change : t.submit}
      </button>
    </form>
  );
}
