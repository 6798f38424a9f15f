import { For, Index, Show, createSignal, onCleanup } from 'solid-js';
import { fill } from '../../i18n';
import PhotoPicker from './PhotoPicker';
import { MAX_NAME, MAX_PREFERRED_SLOTS, MAX_ROOMS } from '../../db/schema/events/limits';
import { areaProblem, measurementRow } from '../../rules/measurementMethod';
import { VISITING_HOURS, temperatureTestDays } from '../../rules/bookingWindows';
import TextField, { counterLabels } from '../TextField';
import { formatDayWithWeekday } from './fieldValues';
import ContactFieldset, { contactFromPayload, contactFromProfile, contactPayload, type ContactFields } from './ContactFields';
import { FormFrame } from './FormParts';
import { createRequestForm, optionalText, typedNumber, type RequestFormProps } from './requestForm';

interface RoomFields {
  name: string;
  /** As typed: "24", "12.5"; the schema judges the number. */
  area: string;
}
interface SlotFields {
  date: string;
  from: string;
  to: string;
}
interface TemperatureTestFields extends ContactFields {
  rooms: RoomFields[];
  slots: SlotFields[];
}

const emptyRoom = (): RoomFields => ({ name: '', area: '' });
const emptySlot = (): SlotFields => ({ date: '', from: '09:00', to: '11:00' });

/**
 * Asking for an indoor temperature test (002 ch.2): the rooms to measure with their floor area
 * (which decides how many points each gets), and up to three times that suit the resident,
 * on the next 14 days inside the visiting hours. The station then phones to book one.
 */
export default function TemperatureTestForm(props: RequestFormProps) {
  const t = props.t.forms;
  const tt = t.temperatureTest;
  const form = createRequestForm<TemperatureTestFields>(props, {
    kind: () => 'temperature-test',
    formId: 'temperature-test',
    empty: () => ({ rooms: [emptyRoom()], slots: [emptySlot()], ...contactFromProfile(props.session) }),
    toPayload: (f) => ({
      channel: 'portal',
      rooms: f.rooms.map((r) => ({ ...(optionalText(r.name) ? { name: r.name.trim() } : {}), ...(typedNumber(r.area) !== undefined ? { areaM2: typedNumber(r.area) } : {}) })),
      preferredSlots: f.slots.map((s) => ({ date: s.date, from: s.from, to: s.to })),
      address: f.address.trim(),
      ...contactPayload(f),
    }),
    fromPayload: (p) => ({
      ...contactFromPayload(p),
      rooms: ((p.rooms as { name?: string; areaM2?: number }[] | undefined) ?? []).map((r) => ({ name: r.name ?? '', area: r.areaM2 === undefined ? '' : String(r.areaM2) })),
      slots: ((p.preferredSlots as SlotFields[] | undefined) ?? []).map((s) => ({ ...s })),
    }),
  });

  // The days offered move on at midnight while the form stays open.
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), 60_000);
  onCleanup(() => clearInterval(timer));
  const days = () => temperatureTestDays(now());

  /** "2 measuring points" under a room once its area can be measured. */
  const pointsOf = (area: string) => {
    const n = typedNumber(area);
    if (typeof n !== 'number' || areaProblem(n)) return undefined;
    return fill(tt.points, { n: measurementRow(n).points });
  };

  return (
    <FormFrame form={form} class="temperature-test-form" t={props.t} title={props.correcting ? props.t.requests.correct : tt.title} intro={props.correcting ? undefined : tt.intro} submitLabel={tt.submit}>
      <fieldset class="field group" aria-describedby={form.issueOf('payload.rooms') ? `${form.idBase}-rooms-error` : undefined}>
        <legend>{tt.rooms}</legend>
        <Show when={form.issueOf('payload.rooms')}>
          <p id={`${form.idBase}-rooms-error`} class="field-error">{form.issueOf('payload.rooms')}</p>
        </Show>
        <Index each={form.fields.rooms}>
          {(room, i) => (
            <div class="row-group" role="group" aria-label={fill(tt.roomN, { n: i + 1 })}>
              <TextField id={`${form.idBase}-room-${i}-name`} label={fill(tt.roomName, { n: i + 1 })} hint={tt.roomNameHint} value={room().name} onInput={(v) => form.setFields('rooms', i, 'name', v)} error={form.issueOf(`payload.rooms[${i}].name`)} maxLength={MAX_NAME} {...counterLabels(t)} />
              <TextField id={`${form.idBase}-room-${i}-area`} label={fill(tt.roomArea, { n: i + 1 })} hint={pointsOf(room().area) ?? tt.roomAreaHint} inputMode="decimal" value={room().area} onInput={(v) => form.setFields('rooms', i, 'area', v)} error={form.issueOf(`payload.rooms[${i}].areaM2`)} />
              <Show when={form.fields.rooms.length > 1}>
                <button type="button" class="button secondary small" onClick={() => form.setFields('rooms', (rooms) => rooms.filter((_, j) => j !== i))}>
                  {fill(tt.removeRoom, { n: i + 1 })}
                </button>
              </Show>
            </div>
          )}
        </Index>
        <Show when={form.fields.rooms.length < MAX_ROOMS}>
          <button type="button" class="button secondary small" onClick={() => form.setFields('rooms', (rooms) => [...rooms, emptyRoom()])}>{tt.addRoom}</button>
        </Show>
      </fieldset>

      <fieldset class="field group">
        <legend>{tt.slots}</legend>
        <p class="hint">{fill(tt.slotsHint, { from: VISITING_HOURS.from, to: VISITING_HOURS.to })}</p>
        <Index each={form.fields.slots}>
          {(slot, i) => (
            <div class="row-group" role="group" aria-label={fill(tt.slotN, { n: i + 1 })}>
              <div class="field">
                <label for={`${form.idBase}-slot-${i}-date`}>{fill(tt.slotDate, { n: i + 1 })}</label>
                <select
                  id={`${form.idBase}-slot-${i}-date`}
                  value={slot().date}
                  onChange={(e) => form.setFields('slots', i, 'date', e.currentTarget.value)}
                  aria-invalid={form.issueOf(`payload.preferredSlots[${i}].date`) ? 'true' : undefined}
                  aria-describedby={form.issueOf(`payload.preferredSlots[${i}].date`) ? `${form.idBase}-slot-${i}-date-error` : undefined}
                >
                  <option value="">{tt.chooseDay}</option>
                  {/* A day kept in a draft that is no longer offered stays visible, so the error can name it. */}
                  <Show when={slot().date && !days().includes(slot().date)}>
                    <option value={slot().date}>{slot().date}</option>
                  </Show>
                  <For each={days()}>{(d) => <option value={d}>{formatDayWithWeekday(props.lang, d)}</option>}</For>
                </select>
                <Show when={form.issueOf(`payload.preferredSlots[${i}].date`)}>
                  <p id={`${form.idBase}-slot-${i}-date-error`} class="field-error">{form.issueOf(`payload.preferredSlots[${i}].date`)}</p>
                </Show>
              </div>
              <div class="time-range">
                <TextField id={`${form.idBase}-slot-${i}-from`} label={tt.slotFrom} type="time" min={VISITING_HOURS.from} max={VISITING_HOURS.to} value={slot().from} onInput={(v) => form.setFields('slots', i, 'from', v)} error={form.issueOf(`payload.preferredSlots[${i}].from`)} />
                <TextField id={`${form.idBase}-slot-${i}-to`} label={tt.slotTo} type="time" min={VISITING_HOURS.from} max={VISITING_HOURS.to} value={slot().to} onInput={(v) => form.setFields('slots', i, 'to', v)} error={form.issueOf(`payload.preferredSlots[${i}].to`)} />
              </div>
              <Show when={form.fields.slots.length > 1}>
                <button type="button" class="button secondary small" onClick={() => form.setFields('slots', (slots) => slots.filter((_, j) => j !== i))}>
                  {fill(tt.removeSlot, { n: i + 1 })}
                </button>
              </Show>
            </div>
          )}
        </Index>
        <Show when={form.fields.slots.length < MAX_PREFERRED_SLOTS}>
          <button type="button" class="button secondary small" onClick={() => form.setFields('slots', (slots) => [...slots, emptySlot()])}>{tt.addSlot}</button>
        </Show>
      </fieldset>
      <Show when={!props.correcting}>
        <PhotoPicker t={props.t} idBase={form.idBase} photos={form.photos} setPhotos={form.setPhotos} error={form.issueOf('payload.photos')} />
      </Show>
      <ContactFieldset form={form} t={props.t} withAddress />
    </FormFrame>
  );
}
