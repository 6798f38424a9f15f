import { Show, type JSX } from 'solid-js';
import type { BrowserDevice } from '../../db/device/browserDevice';
import type { EventType, Visibility } from '../../db/schema/events/event';
import type { AppStrings, Lang } from '../../i18n';
import { createWrite } from '../writeForm';
import { recordStep, type RequestKeys } from './write';
import ErrorSummary from '../ErrorSummary';

/**
 * One step of a request as a small form: records the event on the device and shows the write
 * check's issues at their fields (`issueOf('payload.finding')`) and in a list at the top.
 * Nothing typed is cleared on a refusal.
 */
export function createStep(props: { device: BrowserDevice; lang: Lang; t: AppStrings; request: () => RequestKeys }) {
  const write = createWrite({ t: props.t });
  const run = (type: EventType, payload: unknown, visibility?: Visibility): Promise<boolean> =>
    write.record(() => recordStep(props.device, props.lang, props.request(), type, payload, visibility), props.t.staffConsole.saved);
  return { issues: write.issues, saved: write.saved, busy: write.busy, run, issueOf: write.issueOf, setIssues: write.show };
}
export type Step = ReturnType<typeof createStep>;

/** A step's form frame: title, the issues, the fields, the submit button and the saved notice. */
export function StepForm(props: { id: string; title: string; submit: string; step: Step; t: AppStrings; onSubmit: () => void; children?: JSX.Element }) {
  return (
    <form
      class="form step-form"
      id={props.id}
      aria-labelledby={`${props.id}-title`}
      novalidate
      onSubmit={(e) => {
        e.preventDefault();
        props.onSubmit();
      }}
    >
      <h3 id={`${props.id}-title`}>{props.title}</h3>
      <ErrorSummary intro={props.t.forms.fixErrors} issues={props.step.issues()} />
      {props.children}
      <button type="submit" class="button" disabled={props.step.busy()}>{props.submit}</button>
      <Show when={props.step.saved()}>
        <p class="notice" role="status">{props.t.staffConsole.saved}</p>
      </Show>
    </form>
  );
}
