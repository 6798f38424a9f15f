import { For, Show } from 'solid-js';
import PhotoPicker from './PhotoPicker';
import { REPAIR_FAULTS } from '../../db/schema/events/payloads';
import { MAX_CONTACT_TIMES, MAX_TEXT } from '../../db/schema/events/limits';
import TextField, { counterLabels } from '../TextField';
import ContactFieldset, { contactFromPayload, contactFromProfile, contactPayload, type ContactFields } from './ContactFields';
import { ChoiceField, FormFrame } from './FormParts';
import { compact, createRequestForm, optionalText, type RequestFormProps } from './requestForm';

type Fault = (typeof REPAIR_FAULTS)[number];
/** Times a resident is easy to reach, as the choices of the form (the payload keeps the words). */
export const CONTACT_TIME_CHOICES = ['weekdayDaytime', 'weekdayEvening', 'weekend', 'anyTime'] as const;
type ContactTime = (typeof CONTACT_TIME_CHOICES)[number];

interface RepairFields extends ContactFields {
  fault: Fault | '';
  details: string;
  contactTimes: ContactTime[];
}

/** A repair report (000 §3.3): the fault, the address, and how and when to reach the resident. */
export default function RepairForm(props: RequestFormProps) {
  const t = props.t.forms;
  const timeWords = (c: ContactTime) => t.contactTimes[c];
  const form = createRequestForm<RepairFields>(props, {
    kind: () => 'repair',
    formId: 'repair',
    empty: () => ({ fault: '', details: '', contactTimes: [], ...contactFromProfile(props.session) }),
    toPayload: (f) =>
      compact({
        channel: 'portal',
        // Sent empty when not chosen, so the schema's message asks to choose it.
        fault: f.fault,
        details: optionalText(f.details),
        address: f.address.trim(),
        ...contactPayload(f),
        contactTimes: f.contactTimes.map(timeWords),
      }),
    fromPayload: (p) => ({
      ...contactFromPayload(p),
      ...(typeof p.fault === 'string' ? { fault: p.fault as Fault } : {}),
      ...(typeof p.details === 'string' ? { details: p.details } : {}),
      contactTimes: CONTACT_TIME_CHOICES.filter((c) => (p.contactTimes as string[] | undefined)?.includes(timeWords(c))),
    }),
  });
  const toggleTime = (c: ContactTime, on: boolean) =>
    form.setFields('contactTimes', (list) => (on ? CONTACT_TIME_CHOICES.filter((x) => x === c || list.includes(x)) : list.filter((x) => x !== c)));
  return (
    <FormFrame form={form} class="repair-form" t={props.t} title={props.correcting ? props.t.requests.correct : t.repair.title} intro={props.correcting ? undefined : t.repair.intro} submitLabel={t.repair.submit}>
      <ChoiceField
        id={`${form.idBase}-fault`}
        legend={t.repair.fault}
        options={REPAIR_FAULTS}
        labelOf={(f) => t.repair.faults[f]}
        value={form.fields.fault}
        onChange={(f) => form.setFields('fault', f)}
        error={form.issueOf('payload.fault')}
      />
      <TextField
        id={`${form.idBase}-details`}
        label={t.repair.details}
        hint={t.repair.detailsHint}
        value={form.fields.details}
        onInput={(v) => form.setFields('details', v)}
        error={form.issueOf('payload.details')}
        multiline
        maxLength={MAX_TEXT}
        {...counterLabels(t)}
      />
      <Show when={!props.correcting}>
        <PhotoPicker t={props.t} idBase={form.idBase} photos={form.photos} setPhotos={form.setPhotos} error={form.issueOf('payload.photos')} />
      </Show>
      <ContactFieldset form={form} t={props.t} withAddress />
      <fieldset class="field" id={`${form.idBase}-times`} aria-describedby={form.issueOf('payload.contactTimes') ? `${form.idBase}-times-error` : undefined}>
        <legend>{t.repair.contactTimes}</legend>
        <For each={CONTACT_TIME_CHOICES}>
          {(c) => (
            <label class="choice">
              {/* At most MAX_CONTACT_TIMES, held as they are chosen (like a text's limit as it is typed): the rest cannot be ticked. */}
              <input
                type="checkbox"
                checked={form.fields.contactTimes.includes(c)}
                disabled={!form.fields.contactTimes.includes(c) && form.fields.contactTimes.length >= MAX_CONTACT_TIMES}
                onChange={(e) => toggleTime(c, e.currentTarget.checked)}
              />
              {timeWords(c)}
            </label>
          )}
        </For>
        {form.issueOf('payload.contactTimes') && <p id={`${form.idBase}-times-error`} class="field-error">{form.issueOf('payload.contactTimes')}</p>}
      </fieldset>
    </FormFrame>
  );
}
