import { Show, createSignal } from 'solid-js';
import FieldError from './FieldError';

/**
 * A labelled text field with its hint and its error, tied together for screen readers
 * (aria-describedby, aria-invalid). The error's element id is `${id}-error`.
 *
 * `maxLength` is enforced as the user types (the browser's `maxlength`: a 501st character of a
 * 500-character field cannot be typed) and counted beside the field from the first character
 * ("12 / 500"); at the limit the counter says so, politely announced. Text pasted past the
 * limit is cut by the browser; the counter then says how many characters were left out, so
 * nothing is lost without a word (the clipboard still holds them). A value already longer
 * (a draft or a refused event from before the limit) is kept and shown over the limit.
 */
/** The counter's words of a language (`forms.count`, `forms.atLimit`, `forms.cut`), for a field's props. */
export function counterLabels(forms: { count: string; atLimit: string; cut: string }): { countLabel: string; limitLabel: string; cutLabel: string } {
  return { countLabel: forms.count, limitLabel: forms.atLimit, cutLabel: forms.cut };
}

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
  /** Words at the limit, `{max}`; and for a paste cut at the limit, `{max}` and `{cut}`. */
  limitLabel?: string;
  cutLabel?: string;
}) {
  // Counted in UTF-16 code units, as `maxlength` and the schema's length check count.
  const over = () => props.maxLength !== undefined && props.value.length > props.maxLength;
  const atLimit = () => props.maxLength !== undefined && props.value.length >= props.maxLength;
  const [cut, setCut] = createSignal(0);
  // Shown from the first character for a long text (multiline), and as the limit nears (past
  // 80 %) for a short one, so a name field is not cluttered.
  const showCount = () => props.maxLength !== undefined && (props.value.length > props.maxLength * 0.8 || (props.multiline === true && props.value.length > 0) || cut() > 0);
  const onPaste = (e: ClipboardEvent & { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => {
    const max = props.maxLength;
    if (max === undefined) return;
    const el = e.currentTarget;
    const pasted = e.clipboardData?.getData('text/plain') ?? '';
    const kept = el.value.length - ((el.selectionEnd ?? 0) - (el.selectionStart ?? 0));
    setCut(Math.max(0, kept + pasted.length - max));
  };
  const describedBy = () =>
    [props.hint ? `${props.id}-hint` : '', showCount() ? `${props.id}-count` : '', props.error ? `${props.id}-error` : '']
      .filter(Boolean)
      .join(' ') || undefined;
  const count = () => {
    const max = String(props.maxLength);
    const n = (props.countLabel ?? '{n} / {max}').replace('{n}', String(props.value.length)).replace('{max}', max);
    if (cut() > 0 && props.cutLabel) return `${n} · ${props.cutLabel.replace('{max}', max).replace('{cut}', String(cut()))}`;
    if (atLimit() && !over() && props.limitLabel) return `${n} · ${props.limitLabel.replace('{max}', max)}`;
    return n;
  };
  const input = (value: string) => {
    if (cut() > 0 && props.maxLength !== undefined && value.length < props.maxLength) setCut(0);
    props.onInput(value);
  };
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
            maxLength={props.maxLength}
            autocomplete={props.autocomplete}
            onPaste={onPaste}
            onInput={(e) => input(e.currentTarget.value)}
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
          maxLength={props.maxLength}
          onPaste={onPaste}
          onInput={(e) => input(e.currentTarget.value)}
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby={describedBy()}
        />
      </Show>
      <Show when={showCount()}>
        <p id={`${props.id}-count`} class={over() || atLimit() || cut() > 0 ? 'hint counter over' : 'hint counter'} aria-live={atLimit() || cut() > 0 ? 'polite' : undefined}>
          {count()}
        </p>
      </Show>
      <FieldError id={`${props.id}-error`} message={props.error} />
    </div>
  );
}
