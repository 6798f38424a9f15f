import { createSignal } from 'solid-js';
import { fill, type Lang } from '../i18n';
import { loadDeviceLayer } from './reactive';
import TextField from './TextField';
import { createWrite } from './writeForm';
import type { SyncStrings } from './SyncStatus';

/** The password asked again when the session expired (from SyncStatus, loaded only then). */
export default function SignInAgain(props: { lang: Lang; t: SyncStrings; name: string }) {
  const t = props.t;
  const [password, setPassword] = createSignal('');
  // The password's problem (missing, or the refusal), busy while signing in (writeForm.ts).
  const write = createWrite({});
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (!password()) return write.show([{ path: 'password', message: fill(t.session.required, { field: t.session.password }) }]);
    const result = await write.whileBusy(async () => (await loadDeviceLayer()).signInAgain(password()));
    if (!result) return;
    if (result.ok) {
      setPassword('');
      write.show([]);
    } else write.show([{ path: 'password', message: t.session[result.messageId] }]);
  };
  return (
    <form class="sign-in-again" onSubmit={submit} aria-labelledby="sign-in-again-title" novalidate>
      <h2 id="sign-in-again-title">{t.session.signInAgainTitle}</h2>
      <p>{t.session.signInAgainBody}</p>
      <p>{fill(t.session.signedInAs, { name: props.name })}</p>
      <TextField id="sign-in-again-password" type="password" label={t.session.password} value={password()} onInput={setPassword} error={write.issueOf('password')} autocomplete="current-password" />
      <button type="submit" class="button" disabled={write.busy()}>{write.busy() ? t.session.signingIn : t.session.signInAgain}</button>
    </form>
  );
}
