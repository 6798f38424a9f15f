import { For, Show, createSignal, onMount } from 'solid-js';
import * as v from 'valibot';
import { fill, type ResidentStrings, type Lang } from '../i18n';
import { SignupInput, type AccountMessageId } from '../db/schema/accounts';
import { phoneVerification } from '../db/device/phoneCodes';
import { loadDeviceLayer } from './reactive';
import PhoneCodeField from './PhoneCodeField';
import TextField from './TextField';
import FieldError from './FieldError';
import { accountIssues, codeRequestOf } from './accountIssues';
import { createWrite } from './writeForm';

interface Community {
  id: string;
  name: string;
  station: string;
}

type Field = 'accountNumber' | 'phone' | 'phoneCode' | 'password' | 'community' | 'consent';

/**
 * A resident signs up: the same schema as the server's (SignupInput) checks each field here
 * first, the server checks again. The server proves the account number against the utility's
 * customer register (the phone on file) and answers the same whether or not it created an
 * account, so this form then signs in with the password just chosen: that works only when the
 * details matched. When they did not, the resident is told what to check and where to go (the
 * hotline, a service hall) — never whether the account number has an account.
 *
 * Where the server sends SMS codes (GET /api/phone-verification), the phone is proven by the
 * code texted to it: the code field and its "send code" button appear under the phone. Without
 * SMS the form is as before, and the register alone proves the phone.
 */
export default function SignUpForm(props: { lang: Lang; t: ResidentStrings; noticeVersion: string; privacyHref: string; hotline: string; hallsHref: string }) {
  const t = props.t;
  // Every message id of the schema has words in both languages (a type error otherwise).
  const messages: Record<AccountMessageId, string> = t.signup.messages;
  const [communities, setCommunities] = createSignal<Community[] | null>(null);
  const [values, setValues] = createSignal({ accountNumber: '', phone: '', phoneCode: '', password: '', community: '', consent: false });
  const [codes, setCodes] = createSignal(false);
  // Problems at their fields ('' the whole form), the first invalid field focused on a refusal (writeForm.ts).
  const write = createWrite({ t, focus: () => document.querySelector('.sign-up [aria-invalid="true"]') });
  const [notConfirmed, setNotConfirmed] = createSignal(false);
  // A field left empty asks to be filled, by its label.
  const empty = () => ({ labels: { accountNumber: t.signup.accountNumber, phone: t.signup.phone, password: t.signup.password }, values: values(), required: t.session.required });
  const set = <K extends keyof ReturnType<typeof values>>(key: K, value: ReturnType<typeof values>[K]) => setValues({ ...values(), [key]: value });

  onMount(async () => {
    void phoneVerification().then((answer) => setCodes(answer?.available === true));
    try {
      const res = await fetch('/api/communities', { headers: { accept: 'application/json' } });
      const body = (await res.json()) as { communities: Community[] };
      setCommunities(body.communities);
    } catch {
      write.show([{ path: '', message: t.signup.offline }]);
    }
  });

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const { phoneCode, ...rest } = values();
    const input = { ...rest, ...(codes() ? { phoneCode } : {}), noticeVersion: props.noticeVersion };
    const parsed = v.safeParse(SignupInput, input);
    const missingCode = codes() && phoneCode.trim() === '';
    if (!parsed.success || missingCode) {
      return write.refuse([...(missingCode ? [{ path: 'phoneCode', message: messages['phoneCode.required'] }] : []), ...(parsed.success ? [] : accountIssues(parsed.issues, messages, empty()))]);
    }
    setNotConfirmed(false);
    write.show([]);
    await write.whileBusy(async () => {
      try {
        const res = await fetch('/api/signup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(parsed.output) });
        if (res.status !== 202) {
          const body = (await res.json().catch(() => ({}))) as { field?: string; messageId?: AccountMessageId };
          const message = (body.messageId && messages[body.messageId]) || t.session['session.server'];
          write.show([{ path: body.field ?? '', message }]);
          return;
        }
        const signedIn = await (await loadDeviceLayer()).signInOnDevice(parsed.output.accountNumber, parsed.output.password);
        // Refused: the details did not match the register (or the account is someone's with
        // another password): one message for both, with what to check and whom to ask.
        if (!signedIn.ok && signedIn.messageId === 'session.wrongPassword') setNotConfirmed(true);
        else if (!signedIn.ok) write.show([{ path: '', message: t.session[signedIn.messageId] }]);
      } catch {
        write.show([{ path: '', message: t.signup.offline }]);
      }
    });
  };

  /** The account number and phone a code is asked for, checked here first (errors at their fields). */
  const codeRequest = () => codeRequestOf(write, messages, values(), empty());

  const errorOf = (field: Field) => write.issueOf(field);
  const described = (field: Field) => (errorOf(field) ? `sign-up-${field}-error` : undefined);
  const FieldErrorOf = (p: { field: Field }) => <FieldError id={`sign-up-${p.field}-error`} message={errorOf(p.field)} />;

  return (
    <form class="form sign-up" onSubmit={submit} novalidate aria-labelledby="sign-up-title">
      <h2 id="sign-up-title">{t.signup.title}</h2>
      <p>{t.signup.intro}</p>
      <TextField id="sign-up-accountNumber" label={t.signup.accountNumber} hint={t.signup.accountNumberHint} inputMode="numeric" autocomplete="username" value={values().accountNumber} onInput={(v) => set('accountNumber', v)} error={errorOf('accountNumber')} />
      <TextField id="sign-up-phone" type="tel" label={t.signup.phone} hint={t.signup.phoneHint} autocomplete="tel" value={values().phone} onInput={(v) => set('phone', v)} error={errorOf('phone')} />
      <Show when={codes()}>
        <PhoneCodeField
          t={t}
          id="sign-up-phoneCode"
          purpose="signup"
          value={values().phoneCode}
          onInput={(v) => set('phoneCode', v)}
          error={errorOf('phoneCode')}
          request={codeRequest}
          onRefused={(field, message) => write.show([{ path: field, message }])}
        />
      </Show>
      <TextField id="sign-up-password" type="password" label={t.signup.password} autocomplete="new-password" value={values().password} onInput={(v) => set('password', v)} error={errorOf('password')} />
      <div class="field">
        <label for="sign-up-community">{t.signup.community}</label>
        <Show when={communities()} fallback={<p class="hint">{t.signup.loadingCommunities}</p>}>
          <select id="sign-up-community" value={values().community} onChange={(e) => set('community', e.currentTarget.value)} aria-invalid={errorOf('community') ? 'true' : undefined} aria-describedby={described('community')}>
            <option value="">{t.signup.chooseCommunity}</option>
            <For each={communities()}>{(c) => <option value={c.id}>{c.name}</option>}</For>
          </select>
        </Show>
        <FieldErrorOf field="community" />
      </div>
      <div class="field">
        <label class="choice">
          <input type="checkbox" checked={values().consent} onChange={(e) => set('consent', e.currentTarget.checked)} aria-invalid={errorOf('consent') ? 'true' : undefined} aria-describedby={described('consent')} />
          <span>
            {t.signup.consent} <a href={props.privacyHref}>{t.signup.privacy}</a>
          </span>
        </label>
        <FieldErrorOf field="consent" />
      </div>
      <Show when={write.issueOf('')}>
        <p class="form-error" role="alert">{write.issueOf('')}</p>
      </Show>
      <Show when={notConfirmed()}>
        <div class="form-error not-confirmed" role="alert">
          <p>{messages['signup.notConfirmed']}</p>
          <p>
            {t.signup.stillNoMatch}{' '}
            <a href={`tel:${props.hotline.replace(/[^\d+]/g, '')}`}>{fill(t.signup.callHotline, { phone: props.hotline })}</a>
            {t.signup.or}
            <a href={props.hallsHref}>{t.signup.visitHall}</a>
          </p>
        </div>
      </Show>
      <button type="submit" class="button" disabled={write.busy()}>{t.signup.submit}</button>
    </form>
  );
}
