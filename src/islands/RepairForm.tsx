import { For, Show, createSignal } from 'solid-js';
import { fill, type AppStrings, type Lang } from '../i18n';
import { REPAIR_FAULTS } from '../db/schema/events/payloads';
import { MAX_ADDRESS, MAX_TEXT } from '../db/schema/events/limits';
import { composeCorrection, composeSubmission } from '../db/device/compose';
import type { BrowserDevice } from '../db/device/browserDevice';
import type { DeviceSession } from '../db/device/session';
import { loadDeviceLayer } from './reactive';
import type { RefusedEvent } from '../db/device/requestList';
import type { DescribedIssue } from '../db/schema/messages';
import { shortRequestNumber } from './format';
import TextField from './TextField';

type Fault = (typeof REPAIR_FAULTS)[number];

interface RepairPayload {
  channel: 'portal';
  fault: Fault;
  details?: string;
  address: string;
  contact: { name: string; phone: string };
  contactTimes: string[];
}

/**
 * The repair report. Every check is the event schema's (recordEvent runs the server's write
 * check): the form only maps each issue to its field. Saved on the device first, offline too.
 * With `correcting`, the form is filled from a refused report and sends its correction.
 */
export default function RepairForm(props: {
  lang: Lang;
  t: AppStrings;
  session: DeviceSession;
  /** The open device, once it is: the form is usable before (a submit waits for it then). */
  device: () => BrowserDevice | null | undefined;
  correcting?: RefusedEvent;
  onDone?: () => void;
}) {
  const t = props.t;
  const before = props.correcting?.event.payload as Partial<RepairPayload> | undefined;
  const [fault, setFault] = createSignal<Fault | ''>(before?.fault ?? '');
  const [details, setDetails] = createSignal(before?.details ?? '');
  const [address, setAddress] = createSignal(before?.address ?? '');
  const [contactName, setContactName] = createSignal(before?.contact?.name ?? '');
  const [contactPhone, setContactPhone] = createSignal(before?.contact?.phone ?? props.session.profile?.phone ?? '');
  const [issues, setIssues] = createSignal<DescribedIssue[]>([]);
  const [saved, setSaved] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const idBase = props.correcting ? `repair-fix-${props.correcting.event.id}` : 'repair';

  const issueOf = (path: string) => issues().find((i) => i.path === path)?.message;
  const described = (path: string, field: string) => (issueOf(path) ? `${idBase}-${field}-error` : undefined);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    const payload = {
      channel: 'portal',
      ...(fault() ? { fault: fault() } : {}),
      ...(details().trim() ? { details: details().trim() } : {}),
      address: address().trim(),
      contact: { name: contactName().trim(), phone: contactPhone().trim() },
      contactTimes: [],
    };
    // Typed before the device database finished opening: the submit waits for it, not the form.
    const device = props.device() ?? (await (await loadDeviceLayer()).device());
    if (!device) {
      setBusy(false);
      setIssues([{ path: '', id: 'value.invalid', message: props.t.session['session.server'] }]);
      return;
    }
    // A correction goes to the station of the profile as the server has it now.
    if (props.correcting) await device.refreshProfile();
    const writer = { session: device.session, deviceId: device.deviceId };
    const result = props.correcting
      ? await device.correct(props.correcting.event.id, composeCorrection(writer, props.correcting.event, payload), props.lang)
      : await device.record(composeSubmission(writer, 'repair', payload), props.lang);
    setBusy(false);
    if (!result.ok) {
      // A refusal that is not about a field (e.g. no station on the profile) is shown whole.
      setIssues(result.issues.length ? result.issues : [{ path: '', id: 'value.invalid', message: result.reason }]);
      setSaved(null);
      queueMicrotask(() => document.getElementById(`${idBase}-errors`)?.focus());
      return;
    }
    setIssues([]);
    setSaved(fill(t.repairForm.submitted, { id: shortRequestNumber(result.event.requestId) }));
    if (!props.correcting) {
      setFault('');
      setDetails('');
    }
    props.onDone?.();
  };

  return (
    <form class="form repair-form" onSubmit={submit} novalidate aria-labelledby={`${idBase}-title`}>
      <h2 id={`${idBase}-title`}>{props.correcting ? t.requests.correct : t.repairForm.title}</h2>
      <Show when={!props.correcting}>
        <p>{t.repairForm.intro}</p>
      </Show>
      <Show when={issues().length}>
        <div id={`${idBase}-errors`} class="form-error" role="alert" tabindex="-1">
          <p>{t.repairForm.fixErrors}</p>
          <ul>
            <For each={issues()}>{(issue) => <li>{issue.message}</li>}</For>
          </ul>
        </div>
      </Show>
      <fieldset class="field" aria-describedby={described('payload.fault', 'fault')}>
        <legend>{t.repairForm.fault}</legend>
        <For each={REPAIR_FAULTS}>
          {(f) => (
            <label class="choice">
              <input type="radio" name={`${idBase}-fault`} value={f} checked={fault() === f} onChange={() => setFault(f)} />
              {t.repairForm.faults[f]}
            </label>
          )}
        </For>
        <Show when={issueOf('payload.fault')}>
          <p id={`${idBase}-fault-error`} class="field-error">{issueOf('payload.fault')}</p>
        </Show>
      </fieldset>
      <TextField id={`${idBase}-details`} label={t.repairForm.details} hint={t.repairForm.detailsHint} value={details()} onInput={setDetails} error={issueOf('payload.details')} multiline maxLength={MAX_TEXT} />
      <TextField id={`${idBase}-address`} label={t.repairForm.address} value={address()} onInput={setAddress} error={issueOf('payload.address')} autocomplete="street-address" maxLength={MAX_ADDRESS} />
      <TextField id={`${idBase}-contact-name`} label={t.repairForm.contactName} value={contactName()} onInput={setContactName} error={issueOf('payload.contact.name')} autocomplete="name" />
      <TextField id={`${idBase}-contact-phone`} label={t.repairForm.contactPhone} value={contactPhone()} onInput={setContactPhone} error={issueOf('payload.contact.phone')} autocomplete="tel" type="tel" />
      <button type="submit" class="button" disabled={busy()}>{t.repairForm.submit}</button>
      <Show when={saved()}>
        <p class="notice" role="status">{saved()}</p>
      </Show>
    </form>
  );
}
