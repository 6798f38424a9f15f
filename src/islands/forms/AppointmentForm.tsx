import { For, Show, createSignal, onCleanup } from 'solid-js';
import { fill } from '../../i18n';
import { APPOINTMENT_KINDS } from '../../db/schema/requestKind';
import { DAY_SLOTS } from '../../db/schema/events/payloads';
import { MAX_TEXT } from '../../db/schema/events/limits';
import { BOOKING_HORIZON_DAYS, DAY_SLOT_HOURS, appointmentDays, commitmentLastDay, servedOnAnyDay } from '../../rules/bookingWindows';
import { ANSWER_LIMITS } from '../../rules/requestState';
import TextField, { counterLabels } from '../TextField';
import { formatDayWithWeekday } from './fieldValues';
import ContactFieldset, { contactFromPayload, contactFromProfile, contactPayload, type ContactFields } from './ContactFields';
import { ChoiceField, FormFrame } from './FormParts';
import { compact, createRequestForm, optionalText, type RequestForm, type RequestFormProps } from './requestForm';
import type { FieldIssue } from '../writeForm';

type AppointmentKind = (typeof APPOINTMENT_KINDS)[number];
type DaySlot = (typeof DAY_SLOTS)[number];

interface AppointmentFields extends ContactFields {
  kind: AppointmentKind | '';
  /** `YYYY-MM-DD` */
  date: string;
  slot: DaySlot | '';
  note: string;
}

/** How many of the earliest days are offered as buttons (a week: one tap for the usual case). */
const QUICK_PICKS = 7;

/**
 * An in-home appointment (installation, repair, safety inspection, meter reading, and the gas
 * appliance services). The resident chooses the day: any day the utility serves that kind, up
 * to the booking horizon (bookingWindows.ts); the commitment's promise is shown beside the
 * field as the earliest the utility can come, and a day the calendar field lets through but
 * the rule does not (a weekend for a working-day service) is named at the field as it is chosen.
 */
export default function AppointmentForm(props: RequestFormProps & { initialKind?: AppointmentKind }) {
  const t = props.t.forms;
  const ta = t.appointment;
  const correctingKind = props.correcting?.event.requestKind as AppointmentKind | undefined;
  // The request's kind is chosen in the form; submit checks it is chosen before the event is made.
  let chosenKind = (): AppointmentKind => 'appointment-repair';
  const form: RequestForm<AppointmentFields> = createRequestForm<AppointmentFields>(props, {
    kind: () => chosenKind(),
    formId: 'appointment',
    empty: () => ({ kind: props.initialKind ?? '', date: '', slot: '', note: '', ...contactFromProfile(props.session) }),
    toPayload: (f) =>
      compact({
        channel: 'portal',
        preferredDate: f.date,
        slot: f.slot, // '' when not chosen: the message asks to choose it
        note: optionalText(f.note),
        address: f.address.trim(),
        ...contactPayload(f),
      }),
    fromPayload: (p) => ({
      ...contactFromPayload(p),
      kind: correctingKind ?? '',
      date: String(p.preferredDate ?? ''),
      slot: (p.slot as DaySlot | undefined) ?? '',
      note: String(p.note ?? ''),
    }),
  });
  chosenKind = () => (form.fields.kind || correctingKind || 'appointment-repair') as AppointmentKind;

  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), 60_000);
  onCleanup(() => clearInterval(timer));
  const days = () => (form.fields.kind ? appointmentDays(form.fields.kind, now()) : []);
  const day = (d: string) => formatDayWithWeekday(props.lang, d);
  /** The promise and the choice: "We promise within 1 working day: the earliest is Tue 2 Dec. You may also choose any working day up to 31 Dec." */
  const dateHint = () => {
    const kind = form.fields.kind;
    if (!kind) return ta.chooseKindFirst;
    const offered = days();
    if (!offered.length) return ta.chooseKindFirst;
    const limit = ANSWER_LIMITS[kind];
    let last: string | null = null;
    try {
      last = commitmentLastDay(kind, now());
    } catch {
      last = null; // a year without a calendar: the promise is not shown, the days still are
    }
    const choice = fill(servedOnAnyDay(kind) ? ta.anyDayUntil : ta.workingDayUntil, { last: day(offered.at(-1)!), n: BOOKING_HORIZON_DAYS });
    if (!limit || !last) return `${fill(ta.earliest, { earliest: day(offered[0]!) })}${choice}`;
    return `${fill(ta.promise, { limit: fill(props.t.duration[limit.unit], { n: limit.value }), earliest: day(offered[0]!), last: day(last) })}${choice}`;
  };
  /** A day typed or picked in the calendar that is not offered, named at the field at once (the same rule refuses it on submit). */
  const dateError = () => {
    const d = form.fields.date;
    const offered = days();
    if (d && form.fields.kind && offered.length && /^\d{4}-\d{2}-\d{2}$/.test(d) && !offered.includes(d)) {
      return fill(ta.dayNotOffered, { first: day(offered[0]!), last: day(offered.at(-1)!), which: servedOnAnyDay(form.fields.kind) ? ta.anyDays : ta.workingDays });
    }
    return form.issueOf('payload.preferredDate');
  };

  // The kind is the request's, not a payload field: it is checked here before the event is made.
  const submit = (e: SubmitEvent) => {
    if (!form.fields.kind && !correctingKind) {
      e.preventDefault();
      // Listed in the summary like every other problem (the summary takes the focus).
      form.showIssues([{ path: 'kind', id: 'value.choose', message: ta.kindRequired }]);
      return;
    }
    void form.submit(e);
  };

  return (
    <FormFrame
      // The summary says of the date what its field says (the days offered, not the rule's general
      // words), also when another field's problem stopped the check before the booking rule.
      form={{ ...form, issues: () => withDateIssue(form.issues(), dateError()), submit: async (e) => submit(e) }} class="appointment-form" t={props.t} title={props.correcting ? props.t.requests.correct : ta.title} intro={props.correcting ? undefined : ta.intro} submitLabel={ta.submit}>
      <Show when={!props.correcting}>
        <ChoiceField
          id={`${form.idBase}-kind`}
          legend={ta.kind}
          options={APPOINTMENT_KINDS}
          labelOf={(k) => props.t.requestKindLabels[k]}
          value={form.fields.kind}
          onChange={(k) => form.setFields('kind', k)}
          error={form.issueOf('kind')}
        />
      </Show>
      <TextField
        id={`${form.idBase}-date`}
        label={ta.date}
        hint={dateHint()}
        type="date"
        min={days()[0]}
        max={days().at(-1)}
        value={form.fields.date}
        onInput={(v) => form.setFields('date', v)}
        error={dateError()}
      />
      <Show when={days().length > 0}>
        <div class="quick-picks" role="group" aria-label={ta.offeredDays}>
          <For each={days().slice(0, QUICK_PICKS)}>
            {(d) => (
              <button type="button" class="button secondary small" aria-pressed={form.fields.date === d ? 'true' : 'false'} onClick={() => form.setFields('date', d)}>
                {formatDayWithWeekday(props.lang, d)}
              </button>
            )}
          </For>
        </div>
      </Show>
      <ChoiceField
        id={`${form.idBase}-slot`}
        legend={ta.slot}
        options={DAY_SLOTS}
        labelOf={(s) => fill(ta.slots[s], DAY_SLOT_HOURS[s])}
        value={form.fields.slot}
        onChange={(s) => form.setFields('slot', s)}
        error={form.issueOf('payload.slot')}
      />
      <TextField id={`${form.idBase}-note`} label={ta.note} hint={t.optional} value={form.fields.note} onInput={(v) => form.setFields('note', v)} error={form.issueOf('payload.note')} multiline maxLength={MAX_TEXT} {...counterLabels(t)} />
      <ContactFieldset form={form} t={props.t} withAddress />
    </FormFrame>
  );
}

/** A form's issues with the date's as its field shows it, in the date's place (the first field after the service). */
function withDateIssue(issues: readonly FieldIssue[], dateMessage: string | undefined): readonly FieldIssue[] {
  if (!issues.length || !dateMessage) return issues;
  const rest = issues.filter((i) => i.path !== 'payload.preferredDate');
  const kind = rest.filter((i) => i.path === 'kind');
  return [...kind, { path: 'payload.preferredDate', message: dateMessage }, ...rest.filter((i) => i.path !== 'kind')];
}
