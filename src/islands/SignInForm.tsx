import { Show, createSignal } from 'solid-js';
import { fill, type ResidentStrings, type Lang } from '../i18n';
import { loadDeviceLayer } from './reactive';
import TextField from './TextField';

/**
 * Sign-in: residents with the account number on their bill, staff with their user name. With
 * `onForgotPassword` (the residents' portal) a "forgot password" button under the password opens
 * the reset by SMS code (ForgotPassword.tsx); staff ask their administrator.
 */
export default function SignInForm(props: { lang: Lang; t: ResidentStrings; onForgotPassword?: () => void }) {
  const t = props.t;
  const [login, setLogin] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [errors, setErrors] = createSignal<{ login?: string; password?: string; form?: string }>({});
  const [busy, setBusy] = createSignal(false);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const missing = {
      ...(login().trim() ? {} : { login: fill(t.session.required, { field: t.session.login }) }),
      ...(password() ? {} : { password: fill(t.session.required, { field: t.session.password }) }),
    };
    setErrors(missing);
    if (missing.login || missing.password) return;
    setBusy(true);
    const result = await (await loadDeviceLayer()).signInOnDevice(login(), password());
    setBusy(false);
    if (!result.ok) setErrors({ form: t.session[result.messageId] });
  };

  return (
    <form class="form sign-in" onSubmit={submit} novalidate aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">{t.session.signInTitle}</h2>
      <p>{t.session.signInIntro}</p>
      <TextField id="sign-in-login" name="username" label={t.session.login} value={login()} onInput={setLogin} error={errors().login} autocomplete="username" />
      <TextField id="sign-in-password" name="password" type="password" label={t.session.password} value={password()} onInput={setPassword} error={errors().password} autocomplete="current-password" />
      <Show when={props.onForgotPassword}>
        <p class="forgot-link">
          <button type="button" class="link-button" onClick={() => props.onForgotPassword?.()}>{t.forgot.link}</button>
        </p>
      </Show>
      <Show when={errors().form}>
        <p class="form-error" role="alert">{errors().form}</p>
      </Show>
      <button type="submit" class="button" disabled={busy()}>{busy() ? t.session.signingIn : t.session.signIn}</button>
    </form>
  );
}
