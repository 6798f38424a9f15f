import { Show } from 'solid-js';

/**
 * A field's problem, under it, in the user's words; nothing when there is none. Its `id` is the
 * one the field names in aria-describedby (`${field id}-error`), so a screen reader reads it with the field.
 */
export default function FieldError(props: { id?: string | undefined; message: string | undefined }) {
  return (
    <Show when={props.message}>
      <p id={props.id} class="field-error">{props.message}</p>
    </Show>
  );
}
