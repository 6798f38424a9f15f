import { For, Show, createMemo, createSignal } from 'solid-js';
import { fill, type AppStrings, type Lang } from '../i18n';
import type { BrowserDevice } from '../db/device/browserDevice';
import type { EventRecord } from '../db/schema/events/event';
import { VIEWS, type View } from '../db/schema/events/fields';
import type { DescribedIssue } from '../db/schema/messages';
import type { RequestState } from '../rules/requestState';
import { currentRating, viewOfScore, type RatableVisit } from '../rules/residentActions';
import { issuesOf, recordFollowUp } from './followUp';
import { formatMoment } from './format';
import ErrorSummary from './ErrorSummary';

/** The points asked as they are: attitude and skill are read from the 1–10 scores (viewOfScore), so they are not asked twice. */
const POINTS = ['arrival', 'promises'] as const;
type Point = (typeof POINTS)[number];
const SCORES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] as const;

/**
 * Changes the rating of one visit: scores 1–10 for service attitude and professional ability,
 * and arrival time and keeping promises on four points (the four-point view of attitude and
 * skill is read from the scores). Shows the current rating (src/rules/residentActions.ts currentRating) and starts
 * from it; sending again records a new `rated` event, which then becomes the current one.
 */
export default function RateVisit(props: { lang: Lang; t: AppStrings; device: BrowserDevice; state: RequestState; events: readonly EventRecord[]; visit: RatableVisit; onDone: (message: string) => void }) {
  const t = props.t.rating;
  const idBase = `rate-${props.visit.id}`;
  const current = createMemo(() => currentRating(props.events, props.visit.id));
  const start = current();
  const [attitude, setAttitude] = createSignal(start ? String(start.attitude) : '');
  const [ability, setAbility] = createSignal(start ? String(start.ability) : '');
  const [view, setView] = createSignal<Partial<Record<Point, View>>>(start ? { arrival: start.view.arrival, promises: start.view.promises } : {});
  const [issues, setIssues] = createSignal<DescribedIssue[]>([]);
  const [busy, setBusy] = createSignal(false);
  const issueOf = (path: string) => issues().find((i) => i.path === path)?.message;

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
    setBusy(true);
    const result = await recordFollowUp(props.device, props.lang, props.state, 'rated', payload);
    setBusy(false);
    if (!result.ok) {
      setIssues(issuesOf(result));
      queueMicrotask(() => document.getElementById(`${idBase}-errors`)?.focus());
      return;
    }
    setIssues([]);
    props.onDone(t.saved);
  };

  const score = (field: 'attitude' | 'ability', value: () => string, set: (v: string) => void) => (
    <div class="field">
      <label for={`${idBase}-${field}`}>{t[field]}</label>
      <select
        id={`${idBase}-${field}`}
        value={value()}
        onChange={(e) => set(e.currentTarget.value)}
        aria-invalid={issueOf(`payload.${field}`) ? 'true' : undefined}
        aria-describedby={issueOf(`payload.${field}`) ? `${idBase}-${field}-error` : undefined}
      >
        <option value="">{t.choose}</option>
        <For each={SCORES}>{(n) => <option value={String(n)} selected={value() === String(n)}>{n}</option>}</For>
      </select>
      <Show when={issueOf(`payload.${field}`)}>
        <p id={`${idBase}-${field}-error`} class="field-error">
          {issueOf(`payload.${field}`)}
        </p>
      </Show>
    </div>
  );

  return (
    <form class="form rate-visit" data-visit={props.visit.id} onSubmit={submit} novalidate aria-labelledby={`${idBase}-title`}>
      <h3 id={`${idBase}-title`}>{t.title}</h3>
      <p class="hint">{fill(t.visit, { name: props.visit.technicianName ?? t.technician, time: formatMoment(props.lang, props.visit.at) })}</p>
      <p class="current-rating">
        {current() ? fill(t.current, { attitude: current()!.attitude, ability: current()!.ability, time: formatMoment(props.lang, current()!.ratedAt) }) : t.none}
      </p>
      <ErrorSummary id={`${idBase}-errors`} intro={t.fixErrors} issues={issues()} />
      {score('attitude', attitude, setAttitude)}
      {score('ability', ability, setAbility)}
      <For each={POINTS}>
        {(point) => (
          <fieldset class="field view-point" aria-describedby={issueOf(`payload.view.${point}`) ? `${idBase}-${point}-error` : undefined}>
            <legend>{t.points[point]}</legend>
            <div class="choices">
              <For each={VIEWS}>
                {(v) => (
                  <label class="choice">
                    <input type="radio" name={`${idBase}-${point}`} value={v} checked={view()[point] === v} onChange={() => setView({ ...view(), [point]: v })} />
                    {t.views[v]}
                  </label>
                )}
              </For>
            </div>
            <Show when={issueOf(`payload.view.${point}`)}>
              <p id={`${idBase}-${point}-error`} class="field-error">
                {issueOf(`payload.view.${point}`)}
              </p>
            </Show>
          </fieldset>
        )}
      </For>
      <button type="submit" class="button" disabled={busy()}>
        {current() ? t.change : t.submit}
      </button>
    </form>
  );
}
