import { For, Show } from 'solid-js';

/**
 * The problems of a form, above it: announced at once (role=alert) and focusable, so a form
 * that failed can move the focus here (`id`) and a screen reader reads every problem.
 */
export default function ErrorSummary(props: { id?: string; intro?: string; issues: readonly { message: string }[] }) {
  return (
    <Show when={props.issues.length}>
      <div id={props.id} class="form-error" role="alert" tabindex={props.id ? '-1' : undefined}>
        <Show when={props.intro}>
          <p>{props.intro}</p>
        </Show>
        <ul>
          <For each={props.issues}>{(issue) => <li>{issue.message}</li>}</For>
        </ul>
      </div>
    </Show>
  );
}
