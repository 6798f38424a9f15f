import { Show, createMemo, createSignal } from 'solid-js';
import { fill, type ResidentStrings, type Lang } from '../i18n';
import type { BrowserDevice } from '../db/device/browserDevice';
import type { View } from '../db/schema/events/fields';
import { ScoreField, ViewField } from './RatingFields';
import { MAX_TEXT } from '../db/schema/events/limits';
import type { RequestState } from '../rules/requestState';
import { finishRecords, type FinishStep } from '../rules/residentActions';
import { checkFollowUps, recordFollowUps } from './followUp';
import { createWrite } from './writeForm';
import { formatMoment } from './format';
import ErrorSummary from './ErrorSummary';
import FieldError from './FieldError';
import SignaturePad from './SignaturePad';
import TextField, { counterLabels } from './TextField';

/**
 * The one finish step of a request (src/rules/residentActions.ts finishStep): "solved" (with a
 * signature where the kind needs one) or "not solved" (a plain second choice, which reopens),
 * and the visit's rating in the same short form: attitude and ability scored 1–10, arrival
 * time and keeping promises on four points (the view of attitude and skill is read from the
 * scores, so nothing is asked twice). Every record is checked before any is stored, so a
 * refusal leaves nothing half recorded, and each problem is shown at its field in field order.
 */
export default function FinishRequest(props: { lang: Lang; t: ResidentStrings; device: BrowserDevice; state: RequestState; step: FinishStep; onDone: (message: string) => void }) {
  const t = props.t.completion;
  const r = props.t.rating;
  const idBase = `finish-${props.state.requestId}`;
  // A temperature record still to be signed (signed on the technician's phone, it asks nothing of the kind).
  const test = () => props.state.kind === 'temperature-test' && props.step.confirm === 'sign';
  const [solved, setSolved] = createSignal<'yes' | 'no' | ''>('');
  const [signature, setSignature] = createSignal<string | null>(null);
  const [reason, setReason] = createSignal('');
  const [attitude, setAttitude] = createSignal('');
  const [ability, setAbility] = createSignal('');
  const [arrival, setArrival] = createSignal<View | ''>('');
  const [promises, setPromises] = createSignal<View | ''>('');
  // Each problem at its field, listed in field order above the form with the focus there (writeForm.ts).
  const write = createWrite({ t: props.t, summaryId: () => `${idBase}-errors` });
  const issueOf = write.issueOf;
  const asksSolved = () => props.step.confirm !== null || props.step.reopen;

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (asksSolved() && !solved()) return write.refuse([{ path: 'solved', message: t.solvedRequired }]);
    const records = finishRecords(props.step, {
      solved: solved(),
      signature: signature(),
      reason: reason(),
      attitude: attitude(),
      ability: ability(),
      arrival: arrival(),
      promises: promises(),
    });
    if (!records.length) {
      props.onDone(t.thanks);
      return;
    }
    const found = checkFollowUps(props.device, props.lang, props.state, records)
      // The view of attitude and skill is read from the scores, never asked: a missing score is named at its own question.
      .filter((i) => i.path !== 'payload.view.attitude' && i.path !== 'payload.view.skill')
      .map((i) =>
      // No signature yet: say how to sign rather than the schema's "signature is required".
      i.path === 'payload.signature' && !signature()
        ? { ...i, message: t.signature.required }
        : // The schema's "reason" is the question on screen ("what is still wrong?").
          i.path === 'payload.reason'
          ? { ...i, message: t.reasonRequired }
          : // A rating half given: named by its question on screen, and that it is all or nothing.
            i.path in RATING_QUESTIONS
            ? { ...i, message: fill(r.partial, { field: RATING_QUESTIONS[i.path]!(r) }) }
            : i,
    );
    if (found.length) return write.refuse(found);
    if (await write.record(() => recordFollowUps(props.device, props.lang, props.state, records), null)) props.onDone(solved() === 'no' ? t.reopened : t.saved);
  };

  const visit = createMemo(() => props.step.visit);
  return (
    <form class="form finish" onSubmit={submit} novalidate aria-labelledby={`${idBase}-title`}>
      <h3 id={`${idBase}-title`}>{test() ? t.signTestTitle : asksSolved() ? t.finishTitle : r.title}</h3>
      <ErrorSummary id={`${idBase}-errors`} intro={t.fixErrors} issues={write.issues()} />
      <Show when={asksSolved()}>
        <fieldset class="field" aria-describedby={issueOf('solved') ? `${idBase}-solved-error` : undefined}>
          <legend>{test() ? t.testAgreed : t.solved}</legend>
          <label class="choice">
            <input type="radio" name={`${idBase}-solved`} value="yes" checked={solved() === 'yes'} onChange={() => setSolved('yes')} />
            {props.step.confirm === 'sign' ? t.solvedSign : t.solvedYes}
          </label>
          <Show when={props.step.reopen}>
            <label class="choice">
              <input type="radio" name={`${idBase}-solved`} value="no" checked={solved() === 'no'} onChange={() => setSolved('no')} />
              {t.notSolved}
            </label>
          </Show>
          <FieldError id={`${idBase}-solved-error`} message={issueOf('solved')} />
        </fieldset>
      </Show>
      <Show when={props.step.confirm === 'sign' && solved() !== 'no'}>
        <SignaturePad t={t.signature} idBase={`${idBase}-pad`} onChange={setSignature} error={issueOf('payload.signature')} />
      </Show>
      <Show when={solved() === 'no'}>
        <TextField id={`${idBase}-reason`} label={t.reopenReason} hint={t.reopenIntro} value={reason()} onInput={setReason} error={issueOf('payload.reason')} multiline maxLength={MAX_TEXT} {...counterLabels(props.t.forms)} />
      </Show>
      <Show when={visit()}>
        {(v) => (
          <section class="finish-rating" aria-labelledby={`${idBase}-rating`}>
            <h4 id={`${idBase}-rating`}>{r.optionalTitle}</h4>
            <p class="hint">{fill(r.visit, { name: v().technicianName ?? r.technician, time: formatMoment(props.lang, v().at) })}</p>
            <ScoreField t={r} idBase={idBase} field="attitude" value={attitude()} onChange={setAttitude} error={issueOf('payload.attitude')} />
            <ScoreField t={r} idBase={idBase} field="ability" value={ability()} onChange={setAbility} error={issueOf('payload.ability')} />
            <ViewField t={r} idBase={idBase} point="arrival" value={arrival()} onChange={setArrival} error={issueOf('payload.view.arrival')} />
            <ViewField t={r} idBase={idBase} point="promises" value={promises()} onChange={setPromises} error={issueOf('payload.view.promises')} />
          </section>
        )}
      </Show>
      <button type="submit" class="button" disabled={write.busy()}>
        {solved() === 'no' ? t.reopenSubmit : t.finishSubmit}
      </button>
    </form>
  );
}

/** The rating's questions as the form asks them, by the path of their answer. */
const RATING_QUESTIONS: Record<string, (r: ResidentStrings['rating']) => string> = {
  'payload.attitude': (r) => r.attitude,
  'payload.ability': (r) => r.ability,
  'payload.view.arrival': (r) => r.points.arrival,
  'payload.view.promises': (r) => r.points.promises,
};
