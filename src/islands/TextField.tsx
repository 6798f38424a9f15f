import { Show } from 'solid-js';

/**
 * A labelled text field with its hint and its error, tied together for screen readers
 * (aria-describedby, aria-invalid). The error's element id is `${id}-error`.
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
  inputMode?: 'numeric' | 'tel' | 'text';
}) {
  const describedBy = () => [props.hint ? `${props.id}-hint` : '', props.error ? `${props.id}-error` : ''].filter(Boolean).join(' ') || undefined;
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
            maxLength={props.maxLength}
            autocomplete={props.autocomplete}
            onInput={(e) => props.onInput(e.currentTarget.value)}
            aria-invalid={props.error ? 'true' : undefined}
            aria-describedby={describedBy()}
          />
        }
      >
        <textarea
          id={props.id}
          rows="3"
          value={props.value}
          maxLength={props.maxLength}
          onInput={(e) => props.onInput(e.currentTarget.value)}
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby={describedBy()}
        />
      </Show>
      <Show when={props.error}>
        <p id={`${props.id}-error`} class="field-error">{props.error}</p>
      </Show>
    </div>
  );
}
