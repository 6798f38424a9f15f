import { Show } from 'solid-js';

/**
 * A labelled text field with its hint and its error, tied together for screen readers
 * (aria-describedby, aria-invalid). The error's element id is `${id}-error`.
 *
 * `maxLength` is shown as a count, not enforced by the browser: a browser cuts pasted text at
 * the limit without a word, and what the user typed must never be lost. The schema's error
 * says the text is too long, and the count shows by how much.
 */
export default function TextField(props: {
  id: string;
  label: string;
  hint?: string;
  value: string;
  onInput: (value: string) => void;
  error?: string | undefined;
  multiline?: boolean;
  maxLength?: number;
  autocomplete?: string;
  type?: string;
  name?: string;
  inputMode?: 'numeric' | 'decimal' | 'tel' | 'text';
  min?: string;
  max?: string;
  /** Words for the count, `{n} / {max}`; shown when maxLength is given. */
  countLabel?: string;
}) {
  const over = () => props.maxLength !== undefined && props.value.length > props.maxLength;
  // The count appears as the limit nears (past 80 %), so a short answer is not cluttered.
  const showCount = () => props.maxLength !== undefined && props.value.length > props.maxLength * 0.8;
  const describedBy = () =>
    [props.hint ? `${props.id}-hint` : '', showCount() ? `${props.id}-count` : '', props.error ? `${props.id}-error` : '']
      .filter(Boolean)
      .join(' ') || undefined;
  const count = () => (props.countLabel ?? '{n} / {max}').replace('{n}', String(props.value.length)).replace('{max}', String(props.maxLength));
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <Show when={props.hint}>
        <p id={`${props.id}-hint`} class="hint">{props.hint}</p>
      </Show>
      <Show
        when={props.multiline}
        fallback={
          <input
            id={props.id}
            type={props.type ?? 'text'}
            name={props.name}
            inputmode={props.inputMode}
            value={props.value}
            min={props.min}
            max={props.max}
            autocomplete={props.autocomplete}
            onInput={(e) => props.onInput(e.currentTarget.value)}
            aria-invalid={props.error ? 'true' : undefined}
            aria-describedby={describedBy()}
          />
        }
      >
        <textarea
          id={props.id}
          name={props.name}
          rows="3"
          value={props.value}
          onInput={(e) => props.onInput(e.currentTarget.value)}
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby={describedBy()}
        />
      </Show>
      <Show when={showCount()}>
        <p id={`${props.id}-count`} class={over() ? 'hint counter over' : 'hint counter'} aria-live={over() ? 'polite' : undefined}>
          {count()}
        </p>
      </Show>
      <Show when={props.error}>
        <p id={`${props.id}-error`} class="field-error">{props.error}</p>
      </Show>
    </div>
  );
}
