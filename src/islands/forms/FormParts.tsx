import { For, Show, type JSX } from 'solid-js';
import type { ResidentStrings } from '../../i18n';
import type { RequestForm } from './requestForm';
import ErrorSummary from '../ErrorSummary';
import FieldError from '../FieldError';

/**
 * The frame every request form shares: its title, the error summary (focused and announced
 * when a submit fails), the submit button and the "saved on this device" notice.
 */
export function FormFrame(props: {
  form: Pick<RequestForm<object>, 'idBase' | 'issues' | 'busy' | 'saved' | 'submit'>;
  t: ResidentStrings;
  title: string;
  intro?: string;
  submitLabel: string;
  class?: string;
  children: JSX.Element;
}) {
  const form = props.form;
  return (
    <form class={`form request-form ${props.class ?? ''}`} onSubmit={(e) => void form.submit(e)} novalidate aria-labelledby={`${form.idBase}-title`}>
      <h2 id={`${form.idBase}-title`}>{props.title}</h2>
      <Show when={props.intro}>
        <p>{props.intro}</p>
      </Show>
      <ErrorSummary id={`${form.idBase}-errors`} intro={props.t.forms.fixErrors} issues={form.issues()} />
      {props.children}
      <button type="submit" class="button" disabled={form.busy()}>{props.submitLabel}</button>
      <Show when={form.saved()}>
        <p class="notice" role="status">{form.saved()}</p>
      </Show>
      <p class="hint">{props.t.forms.draftKept}</p>
    </form>
  );
}

/** A group of radio buttons with its legend and its error, tied together for screen readers. */
export function ChoiceField<V extends string>(props: {
  id: string;
  legend: string;
  hint?: string;
  options: readonly V[];
  labelOf: (value: V) => string;
  value: V | '';
  onChange: (value: V) => void;
  error?: string | undefined;
}) {
  const describedBy = () => [props.hint ? `${props.id}-hint` : '', props.error ? `${props.id}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <fieldset class="field" id={props.id} aria-describedby={describedBy()} aria-invalid={props.error ? 'true' : undefined}>
      <legend>{props.legend}</legend>
      <Show when={props.hint}>
        <p id={`${props.id}-hint`} class="hint">{props.hint}</p>
      </Show>
      <For each={props.options}>
        {(option) => (
          <label class="choice">
            <input type="radio" name={props.id} value={option} checked={props.value === option} onChange={() => props.onChange(option)} />
            {props.labelOf(option)}
          </label>
        )}
      </For>
      <FieldError id={`${props.id}-error`} message={props.error} />
    </fieldset>
  );
}
