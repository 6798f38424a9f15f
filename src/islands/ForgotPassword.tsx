import { Show, createSignal, onMount } from 'solid-js';
import * as v from 'valibot';
import { fill, type ResidentStrings, type Lang } from '../i18n';
import { PasswordResetInput, type AccountMessageId } from '../db/schema/accounts';
import { phoneVerification, resetPasswordWithCode } from '../db/device/phoneCodes';
import { loadDeviceLayer } from './reactive';
import PhoneCodeField from './PhoneCodeField';
import TextField from './TextField';
import { accountIssues, codeRequestOf } from './accountIssues';
import { createWrite } from './writeForm';

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
  // Problems at their fields ('' the whole form), the first invalid field focused on a refusal (writeForm.ts).
  const write = createWrite({ t, focus: () => document.querySelector('.forgot-password [aria-invalid="true"]') });
  // A field left empty asks to be filled, by its label.
  const empty = () => ({ labels: { accountNumber: t.signup.accountNumber, phone: t.signup.phone, code: t.phoneCode.label, password: t.forgot.newPassword }, values: values(), required: t.session.required });
  const set = (key: Field, value: string) => setValues({ ...values(), [key]: value });

  onMount(async () => {
    const answer = await phoneVerification();
    if (answer === null) write.show([{ path: '', message: t.signup.offline }]);
    setAvailable(answer?.available ?? null);
  });

  const showIssues = (issues: readonly v.BaseIssue<unknown>[]) => write.refuse(accountIssues(issues, messages, empty()));

  const codeRequest = () => codeRequestOf(write, messages, values(), empty());

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const parsed = v.safeParse(PasswordResetInput, values());
    if (!parsed.success) return showIssues(parsed.issues);
    write.show([]);
    await write.whileBusy(async () => {
      const result = await resetPasswordWithCode(parsed.output);
      if (!result.ok) {
        const message = result.messageId in messages ? messages[result.messageId as AccountMessageId] : t.session[result.messageId as 'session.network' | 'session.server'];
        return write.refuse([{ path: result.field ?? '', message }]);
      }
      write.succeed(t.forgot.done);
      const signedIn = await (await loadDeviceLayer()).signInOnDevice(parsed.output.accountNumber, parsed.output.password);
      if (!signedIn.ok) write.show([{ path: '', message: t.session[signedIn.messageId] }]);
    });
  };

  const errorOf = (field: Field) => write.issueOf(field);

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
            onRefused={(field, message) => write.show([{ path: field, message }])}
          />
          <TextField id="forgot-newPassword" type="password" label={t.forgot.newPassword} autocomplete="new-password" value={values().password} onInput={(x) => set('password', x)} error={errorOf('password')} />
          <Show when={write.issueOf('')}>
            <p class="form-error" role="alert">{write.issueOf('')}</p>
          </Show>
          <Show when={write.saved()}>
            <p class="notice" role="status">{write.saved()}</p>
          </Show>
          <button type="submit" class="button" disabled={write.busy() || available() === null}>{t.forgot.submit}</button>
        </form>
      </Show>
      <p>
        <button type="button" class="button secondary" onClick={() => props.onBack()}>{t.forgot.back}</button>
      </p>
    </section>
  );
}
