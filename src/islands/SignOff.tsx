import { Show, createSignal } from 'solid-js';
import type { AppStrings, Lang } from '../i18n';
import type { BrowserDevice } from '../db/device/browserDevice';
import type { DescribedIssue } from '../db/schema/messages';
import { MAX_TEXT } from '../db/schema/events/limits';
import type { RequestState } from '../rules/requestState';
import { issuesOf, recordFollowUp } from './followUp';
import SignaturePad from './SignaturePad';
import TextField from './TextField';
import ErrorSummary from './ErrorSummary';

/**
 * The resident signs the completion (or a temperature-test record): a drawn or typed
 * signature, satisfied or not, an optional comment → a `signed-off` event. Not satisfied
 * reopens the request (the fold: "dispatch again until satisfied", 000 §3.3).
 */
export default function SignOff(props: { lang: Lang; t: AppStrings; device: BrowserDevice; state: RequestState; onDone: (message: string) => void }) {
  const t = props.t.completion;
  const idBase = `sign-${props.state.requestId}`;
  const test = props.state.kind === 'temperature-test';
  const [signature, setSignature] = createSignal<string | null>(null);
  const [satisfied, setSatisfied] = createSignal<'yes' | 'no' | ''>('');
  const [comment, setComment] = createSignal('');
  const [issues, setIssues] = createSignal<DescribedIssue[]>([]);
  const [busy, setBusy] = createSignal(false);
  const issueOf = (path: string) => issues().find((i) => i.path === path)?.message;

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const payload = {
      ...(signature() ? { signature: signature() } : {}),
      ...(satisfied() ? { satisfied: satisfied() === 'yes' } : {}),
      ...(comment().trim() ? { comment: comment().trim() } : {}),
    };
    setBusy(true);
    const result = await recordFollowUp(props.device, props.lang, props.state, 'signed-off', payload);
    setBusy(false);
    if (!result.ok) {
      // No signature yet: say how to sign rather than the schema's "signature is required".
      setIssues(issuesOf(result).map((i) => (i.path === 'payload.signature' && !signature() ? { ...i, message: t.signature.required } : i)));
      queueMicrotask(() => document.getElementById(`${idBase}-errors`)?.focus());
      return;
    }
    setIssues([]);
    props.onDone(t.saved);
  };

  return (
    <form class="form sign-off" onSubmit={submit} novalidate aria-labelledby={`${idBase}-title`}>
      <h3 id={`${idBase}-title`}>{test ? t.signTestTitle : t.signOffTitle}</h3>
      <p>{test ? t.signTestIntro : t.signOffIntro}</p>
      <ErrorSummary id={`${idBase}-errors`} intro={t.fixErrors} issues={issues()} />
      <SignaturePad t={t.signature} idBase={`${idBase}-pad`} onChange={setSignature} error={issueOf('payload.signature')} />
      <fieldset class="field" aria-describedby={issueOf('payload.satisfied') ? `${idBase}-satisfied-error` : undefined}>
        <legend>{t.satisfied}</legend>
        <label class="choice">
          <input type="radio" name={`${idBase}-satisfied`} value="yes" checked={satisfied() === 'yes'} onChange={() => setSatisfied('yes')} />
          {t.yes}
        </label>
        <label class="choice">
          <input type="radio" name={`${idBase}-satisfied`} value="no" checked={satisfied() === 'no'} onChange={() => setSatisfied('no')} />
          {t.no}
        </label>
        <Show when={issueOf('payload.satisfied')}>
          <p id={`${idBase}-satisfied-error`} class="field-error">
            {issueOf('payload.satisfied')}
          </p>
        </Show>
      </fieldset>
      <TextField id={`${idBase}-comment`} label={t.comment} value={comment()} onInput={setComment} error={issueOf('payload.comment')} multiline maxLength={MAX_TEXT} />
      <button type="submit" class="button" disabled={busy()}>
        {t.submit}
      </button>
    </form>
  );
}
