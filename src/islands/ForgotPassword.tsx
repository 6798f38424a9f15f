import { Show, createSignal, onMount } from 'solid-js';
import * as v from 'valibot';
import { fill, type ResidentStrings, type Lang } from '../i18n';
import { PasswordResetInput, PhoneCodeRequest, describeAccountIssues, type AccountMessageId } from '../db/schema/accounts';
import { phoneVerification, resetPasswordWithCode } from '../db/device/phoneCodes';
import { loadDeviceLayer } from './reactive';
import PhoneCodeField from './PhoneCodeField';
import TextField from './TextField';

type Field = 'accountNumber' | 'phone' | 'code' | 'password';

/**
 * "Forgot password": the account number and the phone, a code texted to it, a new password; then
 * the device signs in with it. The server answers the same whether or not the account exists, so
 * this screen never says more than "if they match, a code is on its way". Where the server sends
 * no texts it says a reset by SMS is not available here, and where to go instead.
 */
export default function ForgotPassword(props: { lang: Lang; t: ResidentStrings; hotline: string; hallsHref: string; onBack: () => void }) {
  const t = props.t;
  const messages: Record<AccountMessageId, string> = t.signup.messages;
  const [available, setAvailable] = createSignal<boolean | null>(null);
  const [values, setValues] = createSignal({ accountNumber: '', phone: '', code: '', password: '' });
  const [errors, setErrors] = createSignal<Partial<Record<Field | 'form', string>>>({});
  const [busy, setBusy] = createSignal(false);
  const [done, setDone] = createSignal(false);
  const set = (key: Field, value: string) => setValues({ ...values(), [key]: value });

  onMount(async () => {
    const answer = await phoneVerification();
    if (answer === null) setErrors({ form: t.signup.offline });
    setAvailable(answer?.available ?? null);
  });

  const showIssues = (issues: readonly v.BaseIssue<unknown>[]) => {
    const found: Partial<Record<Field, string>> = {};
    for (const issue of describeAccountIssues(issues).issues) found[issue.field as Field] ??= messages[issue.messageId];
    setErrors(found);
    queueMicrotask(() => (document.querySelector('.forgot-password [aria-invalid="true"]') as HTMLElement | null)?.focus());
  };

  const codeRequest = () => {
    const parsed = v.safeParse(PhoneCodeRequest, { accountNumber: values().accountNumber, phone: values().phone });
    if (parsed.success) {
      setErrors({});
      return parsed.output;
    }
    showIssues(parsed.issues);
    return null;
  };

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const parsed = v.safeParse(PasswordResetInput, values());
    if (!parsed.success) return showIssues(parsed.issues);
    setBusy(true);
    setErrors({});
    const result = await resetPasswordWithCode(parsed.output);
    if (!result.ok) {
      setBusy(false);
      const message = result.messageId in messages ? messages[result.messageId as AccountMessageId] : t.session[result.messageId as 'session.network' | 'session.server'];
      setErrors(result.field ? { [result.field]: message } : { form: message });
      queueMicrotask(() => (document.querySelector('.forgot-password [aria-invalid="true"]') as HTMLElement | null)?.focus());
      return;
    }
    setDone(true);
    const signedIn = await (await loadDeviceLayer()).signInOnDevice(parsed.output.accountNumber, parsed.output.password);
    setBusy(false);
    if (!signedIn.ok) setErrors({ form: t.session[signedIn.messageId] });
  };

  const errorOf = (field: Field) => errors()[field];

  return (
    <section class="forgot-password" aria-labelledby="forgot-title">
      <Show
        when={available() !== false}
        fallback={
          <div class="notice" role="status">
            <h2 id="forgot-title">{t.forgot.unavailableTitle}</h2>
            <p>{messages['passwordReset.unavailable']}</p>
            <p>
              <a href={`tel:${props.hotline.replace(/[^\d+]/g, '')}`}>{fill(t.signup.callHotline, { phone: props.hotline })}</a>
              {t.signup.or}
              <a href={props.hallsHref}>{t.signup.visitHall}</a>
            </p>
          </div>
        }
      >
        <form class="form" onSubmit={submit} novalidate aria-labelledby="forgot-title">
          <h2 id="forgot-title">{t.forgot.title}</h2>
          <p>{t.forgot.intro}</p>
          <TextField id="forgot-accountNumber" label={t.signup.accountNumber} hint={t.signup.accountNumberHint} inputMode="numeric" autocomplete="username" value={values().accountNumber} onInput={(x) => set('accountNumber', x)} error={errorOf('accountNumber')} />
          <TextField id="forgot-phone" type="tel" label={t.signup.phone} autocomplete="tel" value={values().phone} onInput={(x) => set('phone', x)} error={errorOf('phone')} />
          <PhoneCodeField
            t={t}
            id="forgot-code"
            purpose="reset"
            value={values().code}
            onInput={(x) => set('code', x)}
            error={errorOf('code')}
            request={codeRequest}
            onRefused={(field, message) => setErrors({ [field]: message })}
          />
          <TextField id="forgot-newPassword" type="password" label={t.forgot.newPassword} autocomplete="new-password" value={values().password} onInput={(x) => set('password', x)} error={errorOf('password')} />
          <Show when={errors().form}>
            <p class="form-error" role="alert">{errors().form}</p>
          </Show>
          <Show when={done()}>
            <p class="notice" role="status">{t.forgot.done}</p>
          </Show>
          <button type="submit" class="button" disabled={busy() || available() === null}>{t.forgot.submit}</button>
        </form>
      </Show>
      <p>
        <button type="button" class="button secondary" onClick={() => props.onBack()}>{t.forgot.back}</button>
      </p>
    </section>
  );
}
