import { Show, createSignal } from 'solid-js';
import { fill, type ResidentStrings, type Lang } from '../i18n';
import { loadDeviceLayer } from './reactive';
import TextField from './TextField';
import { createWrite } from './writeForm';

/**
 * Sign-in: residents with the account number on their bill, staff with their user name. With
 * `onForgotPassword` (the residents' portal) a "forgot password" button under the password opens
 * the reset by SMS code (ForgotPassword.tsx); staff ask their administrator.
 */
export default function SignInForm(props: { lang: Lang; t: ResidentStrings; onForgotPassword?: () => void }) {
  const t = props.t;
  const [login, setLogin] = createSignal('');
  const [password, setPassword] = createSignal('');
  // The fields' problems and the refusal ('' the whole form), busy while signing in (writeForm.ts).
  const write = createWrite({});

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const missing = [
      ...(login().trim() ? [] : [{ path: 'login', message: fill(t.session.required, { field: t.session.login }) }]),
      ...(password() ? [] : [{ path: 'password', message: fill(t.session.required, { field: t.session.password }) }]),
    ];
    write.show(missing);
    if (missing.length) return;
    const result = await write.whileBusy(async () => (await loadDeviceLayer()).signInOnDevice(login(), password()));
    if (result && !result.ok) write.show([{ path: '', message: t.session[result.messageId] }]);
  };

  return (
    <form class="form sign-in" onSubmit={submit} novalidate aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">{t.session.signInTitle}</h2>
      <p>{t.session.signInIntro}</p>
      <TextField id="sign-in-login" name="username" label={t.session.login} value={login()} onInput={setLogin} error={write.issueOf('login')} autocomplete="username" />
      <TextField id="sign-in-password" name="password" type="password" label={t.session.password} value={password()} onInput={setPassword} error={write.issueOf('password')} autocomplete="current-password" />
      <Show when={props.onForgotPassword}>
        <p class="forgot-link">
          <button type="button" class="link-button" onClick={() => props.onForgotPassword?.()}>{t.forgot.link}</button>
        </p>
      </Show>
      <Show when={write.issueOf('')}>
        <p class="form-error" role="alert">{write.issueOf('')}</p>
      </Show>
      <button type="submit" class="button" disabled={write.busy()}>{write.busy() ? t.session.signingIn : t.session.signIn}</button>
    </form>
  );
}
