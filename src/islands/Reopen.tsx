import { createSignal } from 'solid-js';
import type { AppStrings, Lang } from '../i18n';
import type { BrowserDevice } from '../db/device/browserDevice';
import type { DescribedIssue } from '../db/schema/messages';
import { MAX_TEXT } from '../db/schema/events/limits';
import type { RequestState } from '../rules/requestState';
import { issuesOf, recordFollowUp } from './followUp';
import TextField from './TextField';
import ErrorSummary from './ErrorSummary';

/** A resident not satisfied with the result reopens the request with a reason (`reopened`): it goes back to the station's queue. */
export default function Reopen(props: { lang: Lang; t: AppStrings; device: BrowserDevice; state: RequestState; onDone: (message: string) => void }) {
  const t = props.t.completion;
  const idBase = `reopen-${props.state.requestId}`;
  const [reason, setReason] = createSignal('');
  const [issues, setIssues] = createSignal<DescribedIssue[]>([]);
  const [busy, setBusy] = createSignal(false);
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    const result = await recordFollowUp(props.device, props.lang, props.state, 'reopened', { reason: reason() });
    setBusy(false);
    if (!result.ok) {
      setIssues(issuesOf(result));
      queueMicrotask(() => document.getElementById(`${idBase}-reason`)?.focus());
      return;
    }
    setIssues([]);
    props.onDone(t.reopened);
  };
  const other = () => issues().filter((i) => i.path !== 'payload.reason');
  return (
    <form class="form reopen" onSubmit={submit} novalidate aria-labelledby={`${idBase}-title`}>
      <h3 id={`${idBase}-title`}>{t.reopenTitle}</h3>
      <p>{t.reopenIntro}</p>
      <ErrorSummary issues={other()} />
      <TextField id={`${idBase}-reason`} label={t.reopenReason} value={reason()} onInput={setReason} error={issues().find((i) => i.path === 'payload.reason')?.message} multiline maxLength={MAX_TEXT} />
      <button type="submit" class="button secondary" disabled={busy()}>
        {t.reopenSubmit}
      </button>
    </form>
  );
}
