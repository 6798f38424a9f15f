import { Show } from 'solid-js';
import { MAX_NAME, MAX_TEXT } from '../../db/schema/events/limits';
import TextField, { counterLabels } from '../TextField';
import ContactFieldset, { contactFromPayload, contactFromProfile, contactPayload, type ContactFields } from './ContactFields';
import { FormFrame } from './FormParts';
import { compact, createRequestForm, optionalText, type RequestFormProps } from './requestForm';

/** The kinds that are a message to the utility: no visit, no address needed. */
export type MessageKind = 'consultation' | 'suggestion' | 'praise';

interface MessageFields extends ContactFields {
  text: string;
  staffName: string;
}

/**
 * A question (consultation), a suggestion or praise: one text, who to answer, and for praise
 * the staff member it is for. Answered within 24 hours (002 §12) like every opinion.
 */
export default function MessageForm(props: RequestFormProps & { kind: MessageKind }) {
  const t = props.t.forms;
  const words = () => t[props.kind];
  const textKey = props.kind === 'consultation' ? 'question' : 'text';
  const form = createRequestForm<MessageFields>(props, {
    kind: () => props.kind,
    formId: props.kind,
    empty: () => ({ text: '', staffName: '', ...contactFromProfile(props.session) }),
    toPayload: (f) =>
      compact({
        channel: 'portal',
        [textKey]: optionalText(f.text),
        staffName: props.kind === 'praise' ? optionalText(f.staffName) : undefined,
        ...contactPayload(f),
      }),
    fromPayload: (p) => ({ ...contactFromPayload(p), text: String(p[textKey] ?? ''), staffName: String(p.staffName ?? '') }),
  });
  // The schema names a suggestion's or praise's text by its key ("内容", "text"); this form shows
  // it under its own label ("表扬内容", "What you want to say"), so its messages say that.
  // FIELD_LABELS.text of src/db/schema/messages.ts (not imported: the forms' chunk has a budget).
  const generic = props.lang === 'zh-CN' ? '内容' : 'text';
  const relabel = (message: string) =>
    textKey !== 'text' ? message : props.lang === 'en' ? message.replace(/^Text\b/, words().text).replace(/\btext\b/, words().text) : message.replace(generic, words().text);
  const shown = { ...form, issues: () => form.issues().map((i) => (i.path === 'payload.text' ? { ...i, message: relabel(i.message) } : i)) };
  const textIssue = () => {
    const message = form.issueOf(`payload.${textKey}`);
    return message === undefined ? undefined : relabel(message);
  };
  return (
    <FormFrame form={shown} class={`${props.kind}-form`} t={props.t} title={props.correcting ? props.t.requests.correct : words().title} intro={props.correcting ? undefined : words().intro} submitLabel={words().submit}>
      <TextField id={`${form.idBase}-text`} label={words().text} value={form.fields.text} onInput={(v) => form.setFields('text', v)} error={textIssue()} multiline maxLength={MAX_TEXT} {...counterLabels(t)} />
      <Show when={props.kind === 'praise'}>
        <TextField id={`${form.idBase}-staff`} label={t.praise.staffName} hint={t.optional} value={form.fields.staffName} onInput={(v) => form.setFields('staffName', v)} error={form.issueOf('payload.staffName')} maxLength={MAX_NAME} {...counterLabels(t)} />
      </Show>
      <ContactFieldset form={form} t={props.t} withAddress={false} />
    </FormFrame>
  );
}
