import { Show, createSignal } from 'solid-js';
import { fill, type ResidentStrings, type Lang } from '../i18n';
import { loadDeviceLayer, useMounted } from './reactive';
import TextField from './TextField';
import { createWrite } from './writeForm';

/**
 * Sign-in: residents with the account number on their bill, staff with their user name. With
 * `onForgotPassword` (the residents' portal) a "forgot password" button under the password opens
 * the reset by SMS code (ForgotPassword.tsx); staff ask their administrator.
 */
export default function SignInForm(props: { lang: Lang; t: ResidentStrings; onForgotPassword?: () => void }) {
  const t = props.t;
  // The form is in the page's HTML (Portal.tsx) before its code runs: what was typed or filled in
  // by the browser's password manager by then is kept when the island takes the fields over.
  const [login, setLogin] = createSignal(typedBefore('sign-in-login'));
  const [password, setPassword] = createSignal(typedBefore('sign-in-password'));
  // Until then the button is a plain button, not a submit button: the browser's own submit would
  // send the fields in the URL (and with two fields and no submit button, Enter submits nothing).
  // A press on it then is given to it again once it is one (src/scripts/hydrateOnNeed.mjs).
  const mounted = useMounted();
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
      <button type={mounted() ? 'submit' : 'button'} class="button" disabled={write.busy()}>{write.busy() ? t.session.signingIn : t.session.signIn}</button>
    </form>
  );
}

/** The value of a field of the page's HTML when the island takes it over ('' at build, or when the form is drawn anew). */
function typedBefore(id: string): string {
  if (typeof document === 'undefined') return '';
  const field = document.getElementById(id);
  return field instanceof HTMLInputElement ? field.value : '';
}
