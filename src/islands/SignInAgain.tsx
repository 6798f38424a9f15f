import { createSignal } from 'solid-js';
import { fill, type Lang } from '../i18n';
import { loadDeviceLayer } from './reactive';
import TextField from './TextField';
import type { SyncStrings } from './SyncStatus';

/** The password asked again when the session expired (from SyncStatus, loaded only then). */
export default function SignInAgain(props: { lang: Lang; t: SyncStrings; name: string }) {
  const t = props.t;
  const [password, setPassword] = createSignal('');
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (!password()) return setError(fill(t.session.required, { field: t.session.password }));
    setBusy(true);
    const result = await (await loadDeviceLayer()).signInAgain(password());
    setBusy(false);
    if (result.ok) {
      setPassword('');
      setError(null);
    } else setError(t.session[result.messageId]);
  };
  return (
    <form class="sign-in-again" onSubmit={submit} aria-labelledby="sign-in-again-title" novalidate>
      <h2 id="sign-in-again-title">{t.session.signInAgainTitle}</h2>
      <p>{t.session.signInAgainBody}</p>
      <p>{fill(t.session.signedInAs, { name: props.name })}</p>
      <TextField id="sign-in-again-password" type="password" label={t.session.password} value={password()} onInput={setPassword} error={error() ?? undefined} autocomplete="current-password" />
      <button type="submit" class="button" disabled={busy()}>{busy() ? t.session.signingIn : t.session.signInAgain}</button>
    </form>
  );
}
