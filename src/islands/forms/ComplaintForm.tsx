import { Show } from 'solid-js';
import PhotoPicker from './PhotoPicker';
import { MAX_ADDRESS, MAX_TEXT } from '../../db/schema/events/limits';
import TextField, { counterLabels } from '../TextField';
import { chinaLocalToInstant, instantToChinaLocal } from '../../rules/chinaTime';
import ContactFieldset, { contactFromPayload, contactFromProfile, contactPayload, type ContactFields } from './ContactFields';
import { FormFrame } from './FormParts';
import { compact, createRequestForm, optionalText, type RequestFormProps } from './requestForm';

interface ComplaintFields extends ContactFields {
  about: string;
  /** `YYYY-MM-DDTHH:MM`, China time, as a datetime-local input gives it; '' when not given. */
  happenedAt: string;
  place: string;
  demand: string;
}

/** A complaint (000 §3.2): what about, when and where it happened, and what the resident wants. */
export default function ComplaintForm(props: RequestFormProps) {
  const t = props.t.forms;
  const form = createRequestForm<ComplaintFields>(props, {
    kind: () => 'complaint',
    formId: 'complaint',
    empty: () => ({ about: '', happenedAt: '', place: '', demand: '', ...contactFromProfile(props.session) }),
    toPayload: (f) =>
      compact({
        channel: 'portal',
        about: optionalText(f.about),
        // A time the browser could not read is sent as typed: the schema names the field.
        happenedAt: f.happenedAt ? (chinaLocalToInstant(f.happenedAt) ?? f.happenedAt) : undefined,
        place: optionalText(f.place) ?? optionalText(f.address),
        demand: optionalText(f.demand),
        address: f.address.trim(),
        ...contactPayload(f),
      }),
    fromPayload: (p) => ({
      ...contactFromPayload(p),
      about: String(p.about ?? ''),
      happenedAt: typeof p.happenedAt === 'string' ? instantToChinaLocal(p.happenedAt) : '',
      place: String(p.place ?? ''),
      demand: String(p.demand ?? ''),
    }),
  });
  // The place is optional: left blank it is the address, so a problem with it then belongs to
  // the address field (which names it), not to the field the resident left blank on purpose.
  const placeIssue = () => (form.fields.place.trim() ? form.issueOf('payload.place') : undefined);
  const shown = { ...form, issues: () => form.issues().filter((i) => i.path !== 'payload.place' || form.fields.place.trim() !== '') };
  return (
    <FormFrame form={shown} class="complaint-form" t={props.t} title={props.correcting ? props.t.requests.correct : t.complaint.title} intro={props.correcting ? undefined : t.complaint.intro} submitLabel={t.complaint.submit}>
      <TextField id={`${form.idBase}-about`} label={t.complaint.about} hint={t.complaint.aboutHint} value={form.fields.about} onInput={(v) => form.setFields('about', v)} error={form.issueOf('payload.about')} multiline maxLength={MAX_TEXT} {...counterLabels(t)} />
      <TextField id={`${form.idBase}-happened`} label={t.complaint.happenedAt} hint={t.optional} type="datetime-local" value={form.fields.happenedAt} onInput={(v) => form.setFields('happenedAt', v)} error={form.issueOf('payload.happenedAt')} />
      <TextField id={`${form.idBase}-place`} label={t.complaint.place} hint={t.complaint.placeHint} value={form.fields.place} onInput={(v) => form.setFields('place', v)} error={placeIssue()} maxLength={MAX_ADDRESS} {...counterLabels(t)} />
      <TextField id={`${form.idBase}-demand`} label={t.complaint.demand} value={form.fields.demand} onInput={(v) => form.setFields('demand', v)} error={form.issueOf('payload.demand')} multiline maxLength={MAX_TEXT} {...counterLabels(t)} />
      <Show when={!props.correcting}>
        <PhotoPicker t={props.t} idBase={form.idBase} photos={form.photos} setPhotos={form.setPhotos} error={form.issueOf('payload.photos')} />
      </Show>
      <ContactFieldset form={form} t={props.t} withAddress />
    </FormFrame>
  );
}
