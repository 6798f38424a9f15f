import { Show, createSignal, onCleanup } from 'solid-js';
import { fill, type ResidentStrings } from '../i18n';
import type { AccountMessageId } from '../db/schema/accounts';
import { requestPhoneCode, type CodePurpose } from '../db/device/phoneCodes';
import TextField from './TextField';

/**
 * The SMS code field with its "send code" button, for sign-up and the forgotten password. The
 * button asks the server for a code (the form's own check of the account number and phone
 * first: `request` returns null after showing their errors); what the server says is shown
 * beside the button (sent) or at the phone field (wait, locked), and the button counts down
 * until another code may be asked for.
 */
export default function PhoneCodeField(props: {
  t: ResidentStrings;
  id: string;
  purpose: CodePurpose;
  value: string;
  onInput: (value: string) => void;
  error: string | undefined;
  request: () => { accountNumber: string; phone: string } | null;
  /** a refusal at another field (the phone: wait, locked) */
  onRefused: (field: string, message: string) => void;
}) {
  const t = props.t;
  const messages: Record<AccountMessageId, string> = t.signup.messages;
  const [sending, setSending] = createSignal(false);
  const [sent, setSent] = createSignal<string | null>(null);
  const [wait, setWait] = createSignal(0);
  let timer: ReturnType<typeof setInterval> | undefined;
  const countDown = (seconds: number) => {
    clearInterval(timer);
    setWait(seconds);
    timer = setInterval(() => {
      setWait(Math.max(0, wait() - 1));
      if (wait() === 0) clearInterval(timer);
    }, 1000);
  };
  onCleanup(() => clearInterval(timer));

  const send = async () => {
    const input = props.request();
    if (!input) return;
    setSending(true);
    setSent(null);
    const result = await requestPhoneCode(props.purpose, input);
    setSending(false);
    if (result.ok) {
      setSent(messages['phoneCode.sent']);
      countDown(60);
      queueMicrotask(() => document.getElementById(props.id)?.focus());
      return;
    }
    const message = result.messageId in messages ? messages[result.messageId as AccountMessageId] : t.session[result.messageId as 'session.network' | 'session.server'];
    props.onRefused(result.field || 'phone', message);
    if (result.retryAfter) countDown(Math.min(result.retryAfter, 3600));
  };

  return (
    <div class="phone-code">
      <TextField id={props.id} label={t.phoneCode.label} hint={t.phoneCode.hint} inputMode="numeric" autocomplete="one-time-code" value={props.value} onInput={props.onInput} error={props.error} />
      <p class="phone-code-send">
        <button type="button" class="button secondary" onClick={send} disabled={sending() || wait() > 0} aria-describedby={`${props.id}-sent`}>
          {sending() ? t.phoneCode.sending : wait() > 0 ? fill(t.phoneCode.again, { s: wait() }) : t.phoneCode.send}
        </button>
      </p>
      <p id={`${props.id}-sent`} class="hint" role="status">
        <Show when={sent()}>{sent()}</Show>
      </p>
    </div>
  );
}
