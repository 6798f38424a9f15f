import { For, Show, createSignal } from 'solid-js';
import { revealPhone } from '../../db/device/customerAccess';
import { REVEAL_PURPOSES, type RevealPurpose } from '../../db/schema/customerAccess';
import type { AppStrings } from '../../i18n';

/**
 * A customer's phone, masked; shown in full only after the member of staff says why (the
 * server records who, when and why in the access log).
 */
export default function RevealPhone(props: {
  t: AppStrings;
  accountNumber: string;
  masked: string;
  onRevealed: (phone: string) => void;
  /** Once shown, the phone is a `tel:` link (for staff who call the resident back). */
  dial?: boolean;
  /** Why this phone is shown, chosen for the user where the screen says it (a callback). */
  purpose?: RevealPurpose;
}) {
  const c = props.t.customerAccess;
  const [open, setOpen] = createSignal(false);
  const [purpose, setPurpose] = createSignal<RevealPurpose | ''>(props.purpose ?? '');
  const [note, setNote] = createSignal('');
  const [phone, setPhone] = createSignal<string | null>(null);
  const [error, setError] = createSignal('');
  const id = `reveal-${props.accountNumber}`;
  const show = async () => {
    if (!purpose()) return setError(props.t.signup.messages['reveal.purpose.missing']);
    const r = await revealPhone(props.accountNumber, purpose() as RevealPurpose, note().trim());
    if (!r.ok) return setError((r.messageId && props.t.signup.messages[r.messageId]) || c.revealFailed);
    setError('');
    setPhone(r.phone);
    setOpen(false);
    props.onRevealed(r.phone);
  };
  return (
    <span class="reveal-phone">
      <Show when={phone() && props.dial} fallback={<span class="phone" data-masked={phone() ? 'no' : 'yes'}>{phone() ?? props.masked}</span>}>
        <a class="phone" data-masked="no" href={`tel:${phone()}`}>{phone()}</a>
      </Show>
      <Show when={!phone() && !open()}>
        {' '}
        <button type="button" class="button secondary" onClick={() => setOpen(true)}>{c.showFull}</button>
      </Show>
      <Show when={open()}>
        <span class="field reveal-reason">
          <label for={`${id}-purpose`}>{c.why}</label>
          <select id={`${id}-purpose`} value={purpose()} onChange={(e) => setPurpose(e.currentTarget.value as RevealPurpose)} aria-invalid={error() ? 'true' : undefined} aria-describedby={error() ? `${id}-error` : undefined}>
            <option value="">{c.choose}</option>
            <For each={REVEAL_PURPOSES}>{(p) => <option value={p}>{c.purposes[p]}</option>}</For>
          </select>
          <label for={`${id}-note`}>{c.note}</label>
          <input id={`${id}-note`} type="text" maxLength={200} value={note()} onInput={(e) => setNote(e.currentTarget.value)} />
          <button type="button" class="button" onClick={show}>{c.showFull}</button>
          <Show when={error()}>
            <span id={`${id}-error`} class="field-error" role="alert">{error()}</span>
          </Show>
        </span>
      </Show>
    </span>
  );
}
