import { Show } from 'solid-js';
import type { SetStoreFunction } from 'solid-js/store';
import type { ResidentStrings } from '../../i18n';
import { MAX_ADDRESS, MAX_NAME } from '../../db/schema/events/limits';
import type { DeviceSession } from '../../db/device/session';
import TextField, { counterLabels } from '../TextField';
import type { RequestForm } from './requestForm';

/** The fields every form shares: who to reach and (for visits) where. */
export interface ContactFields {
  contactName: string;
  contactPhone: string;
  address: string;
}

/** Filled from "my account": the resident types their phone, name and address once. */
export function contactFromProfile(session: DeviceSession): ContactFields {
  const p = session.profile;
  return { contactName: p?.contactName ?? '', contactPhone: p?.phone ?? '', address: p?.address ?? '' };
}

export function contactPayload(f: ContactFields): { contact: { name: string; phone: string } } {
  return { contact: { name: f.contactName.trim(), phone: f.contactPhone.replace(/[\s]+/g, '') } };
}

export function contactFromPayload(p: Record<string, unknown>): Partial<ContactFields> {
  const contact = (p.contact ?? {}) as { name?: string; phone?: string };
  return {
    ...(contact.name !== undefined ? { contactName: contact.name } : {}),
    ...(contact.phone !== undefined ? { contactPhone: contact.phone } : {}),
    ...(typeof p.address === 'string' ? { address: p.address } : {}),
  };
}

export default function ContactFieldset<F extends ContactFields>(props: { form: RequestForm<F>; t: ResidentStrings; withAddress: boolean; addressLabel?: string }) {
  const f = props.form;
  const t = props.t.forms;
  const set = f.setFields as unknown as SetStoreFunction<ContactFields>;
  return (
    <>
      <Show when={props.withAddress}>
        <TextField
          id={`${f.idBase}-address`}
          label={props.addressLabel ?? t.address}
          value={f.fields.address}
          onInput={(v) => set('address', v)}
          error={f.issueOf('payload.address')}
          autocomplete="street-address"
          maxLength={MAX_ADDRESS}
          {...counterLabels(t)}
        />
      </Show>
      <TextField
        id={`${f.idBase}-contact-name`}
        label={t.contactName}
        value={f.fields.contactName}
        onInput={(v) => set('contactName', v)}
        error={f.issueOf('payload.contact.name')}
        autocomplete="name"
        maxLength={MAX_NAME}
        {...counterLabels(t)}
      />
      <TextField
        id={`${f.idBase}-contact-phone`}
        label={t.contactPhone}
        hint={t.contactPhoneHint}
        value={f.fields.contactPhone}
        onInput={(v) => set('contactPhone', v)}
        error={f.issueOf('payload.contact.phone')}
        autocomplete="tel"
        type="tel"
        inputMode="tel"
      />
    </>
  );
}
