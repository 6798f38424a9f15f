import { For } from 'solid-js';
import { fill, type ResidentStrings } from '../i18n';
import { VIEWS, type View } from '../db/schema/events/fields';
import FieldError from './FieldError';

/** Highest first: the usual answer is one or two presses away. */
const SCORES = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1] as const;

/**
 * The questions of a visit's rating, shared by the finish form and "change your rating": a
 * 1–10 score (attitude, ability) and a four-point view (arrival, promises), each with its error.
 * The view of attitude and skill is read from the scores (residentActions.ts viewOfScore).
 */
export function ScoreField(props: { t: ResidentStrings['rating']; idBase: string; field: 'attitude' | 'ability'; value: string; onChange: (v: string) => void; error?: string | undefined }) {
  const id = () => `${props.idBase}-${props.field}`;
  return (
    <div class="field">
      <label for={id()}>{props.t[props.field]}</label>
      <select id={id()} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value)} aria-invalid={props.error ? 'true' : undefined} aria-describedby={props.error ? `${id()}-error` : undefined}>
        <option value="">{props.t.choose}</option>
        <For each={SCORES}>{(n) => <option value={String(n)} selected={props.value === String(n)}>{fill(props.t.scoreOption, { n })}</option>}</For>
      </select>
      <FieldError id={`${id()}-error`} message={props.error} />
    </div>
  );
}

export function ViewField(props: { t: ResidentStrings['rating']; idBase: string; point: 'arrival' | 'promises'; value: View | '' | undefined; onChange: (v: View) => void; error?: string | undefined }) {
  const id = () => `${props.idBase}-${props.point}`;
  return (
    <fieldset class="field view-point" aria-describedby={props.error ? `${id()}-error` : undefined}>
      <legend>{props.t.points[props.point]}</legend>
      <div class="choices">
        <For each={VIEWS}>
          {(v) => (
            <label class="choice">
              <input type="radio" name={id()} value={v} checked={props.value === v} onChange={() => props.onChange(v)} />
              {props.t.views[v]}
            </label>
          )}
        </For>
      </div>
      <FieldError id={`${id()}-error`} message={props.error} />
    </fieldset>
  );
}
