import { For, Show, createSignal, onMount } from 'solid-js';
import { confirmResident, readAccessLog, type AccessLogRow } from '../../db/device/customerAccess';
import { CONFIRMATION_EVIDENCE } from '../../db/schema/customerRegister';
import type { BrowserDevice } from '../../db/device/browserDevice';
import { mayConfirmInPerson, mayReadAccessLog } from '../../rules/customerPrivacy';
import { fill, type AppStrings, type Lang } from '../../i18n';
import { formatMoment } from '../format';
import TextField from '../TextField';
import FieldError from '../FieldError';
import { createWrite } from '../writeForm';

/** The console user as the privacy rules read them. */
export const consoleUser = (device: BrowserDevice) => ({
  name: device.session.name,
  roles: device.session.roles,
  ...(device.session.station ? { station: device.session.station } : {}),
  isAdmin: false,
});

/**
 * The accounts desk of the staff console: a hall clerk confirms a resident in person (bill or
 * contract and ID card seen) so they can sign up with the phone they give; managers read the
 * access log of customers' personal data. Both on the server (network needed).
 */
export default function AccountDesk(props: { lang: Lang; t: AppStrings; device: BrowserDevice }) {
  const c = props.t.customerAccess;
  const user = consoleUser(props.device);
  const [account, setAccount] = createSignal('');
  const [phone, setPhone] = createSignal('');
  const [evidence, setEvidence] = createSignal('');
  // The server's refusal at its field ('' the whole form), busy, the confirmation (writeForm.ts).
  const write = createWrite({ t: props.t });
  const [log, setLog] = createSignal<AccessLogRow[] | null>(null);
  const [next, setNext] = createSignal<string | null>(null);
  const [logError, setLogError] = createSignal('');

  const confirm = async (e: SubmitEvent) => {
    e.preventDefault();
    const r = await write.whileBusy(() => confirmResident({ accountNumber: account(), phone: phone(), evidence: evidence() }));
    if (!r) return;
    if (!r.ok) {
      const message = (r.messageId && props.t.signup.messages[r.messageId]) || (r.status === 0 ? props.t.signup.offline : r.reason);
      return write.refuse([{ path: r.field ?? '', message }]);
    }
    write.succeed(fill(c.confirmed, { account: r.accountNumber, phone: r.phoneMasked, until: formatMoment(props.lang, r.validUntil) }));
    setPhone('');
  };

  const load = async (before?: string) => {
    const r = await readAccessLog(before);
    if (!r.ok) return setLogError(r.status === 0 ? props.t.signup.offline : r.reason);
    setLogError('');
    setLog([...(before ? (log() ?? []) : []), ...r.entries]);
    setNext(r.next);
  };
  onMount(() => {
    if (mayReadAccessLog(user)) void load();
  });

  return (
    <section class="account-desk" aria-labelledby="account-desk-title">
      <h2 id="account-desk-title">{c.tab}</h2>
      <Show when={mayConfirmInPerson(user)}>
        <form class="form confirm-in-person" onSubmit={confirm} novalidate aria-labelledby="confirm-title">
          <h3 id="confirm-title">{c.confirmTitle}</h3>
          <p>{c.confirmIntro}</p>
          <TextField id="confirm-account" label={props.t.signup.accountNumber} inputMode="numeric" value={account()} onInput={setAccount} error={write.issueOf('accountNumber')} />
          <TextField id="confirm-phone" type="tel" label={props.t.signup.phone} value={phone()} onInput={setPhone} error={write.issueOf('phone')} />
          <div class="field">
            <label for="confirm-evidence">{c.evidence}</label>
            <select id="confirm-evidence" value={evidence()} onChange={(e) => setEvidence(e.currentTarget.value)} aria-invalid={write.issueOf('evidence') ? 'true' : undefined} aria-describedby={write.issueOf('evidence') ? 'confirm-evidence-error' : undefined}>
              <option value="">{c.choose}</option>
              <For each={CONFIRMATION_EVIDENCE}>{(k) => <option value={k}>{c.evidenceKinds[k]}</option>}</For>
            </select>
            <FieldError id="confirm-evidence-error" message={write.issueOf('evidence')} />
          </div>
          <Show when={write.issueOf('')}>
            <p class="form-error" role="alert">{write.issueOf('')}</p>
          </Show>
          <button type="submit" class="button" disabled={write.busy()}>{c.confirm}</button>
          <Show when={write.saved()}>
            <p class="notice" role="status">{write.saved()}</p>
          </Show>
        </form>
      </Show>
      <Show when={mayReadAccessLog(user)}>
        <section class="access-log" aria-labelledby="access-log-title">
          <h3 id="access-log-title">{c.logTitle}</h3>
          <p>{c.logIntro}</p>
          <Show when={logError()}>
            <p class="form-error" role="alert">{logError()}</p>
          </Show>
          <Show when={log()} fallback={<p class="hint">{props.t.requests.loading}</p>}>
            <table class="access-log-table">
              <thead>
                <tr>
                  <th scope="col">{c.when}</th>
                  <th scope="col">{c.who}</th>
                  <th scope="col">{c.what}</th>
                  <th scope="col">{c.accounts}</th>
                </tr>
              </thead>
              <tbody>
                <For each={log()!} fallback={<tr><td colSpan={4}>{c.logEmpty}</td></tr>}>
                  {(e) => (
                    <tr data-action={e.action}>
                      <td>{formatMoment(props.lang, e.at)}</td>
                      <td>{e.actor.name} · {c.roles[e.actor.role as keyof AppStrings['customerAccess']['roles']] ?? e.actor.role}{e.actor.station ? ` · ${e.actor.station}` : ''}</td>
                      <td>
                        {c.actions[e.action]}
                        <Show when={e.query}> · {fill(c.query, { q: e.query! })}</Show>
                        <Show when={e.purpose}> · {c.purposes[e.purpose!]}</Show>
                        <Show when={e.note}> · {e.action === 'confirm' ? (c.evidenceKinds[e.note as keyof typeof c.evidenceKinds] ?? e.note) : e.note}</Show>
                        <Show when={e.refused}> · {c.refusedBecause[e.refused as keyof typeof c.refusedBecause] ?? e.refused}</Show>
                      </td>
                      <td>{e.accounts.join('、') || '—'}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
            <Show when={next()}>
              <button type="button" class="button secondary" onClick={() => load(next()!)}>{c.older}</button>
            </Show>
          </Show>
        </section>
      </Show>
    </section>
  );
}
