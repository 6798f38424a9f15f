import { For, Show, createSignal } from 'solid-js';
import type { ResidentStrings } from '../i18n';
import type { BrowserDevice } from '../db/device/browserDevice';
import { DEFAULT_RESIDENT_CHANNELS, NOTIFY_CHANNELS, type AccountMessageId, type NotifyChannel } from '../db/schema/accounts';
import { MAX_ADDRESS, MAX_NAME } from '../db/schema/events/limits';
import TextField, { counterLabels } from './TextField';
import { maskPhone } from './privacy';
import { communityName } from './placeNames';
import { createWrite } from './writeForm';

/**
 * "My account": the resident's account number, community, and the contact details every form
 * starts from; how the resident is told outside the app (SMS, e-mail, or the app only: issue 19;
 * the server's notifier reads the choice). The phone is masked (138****5678) everywhere but in
 * its own edit field. Changes go to the server at once (the profile is the server's), so they
 * need a network.
 */
export default function MyAccount(props: { t: ResidentStrings; device: BrowserDevice }) {
  const t = props.t.account;
  const profile = () => props.device.session.profile;
  const [editing, setEditing] = createSignal(false);
  const [phone, setPhone] = createSignal('');
  const [contactName, setContactName] = createSignal('');
  const [address, setAddress] = createSignal('');
  const [channels, setChannels] = createSignal<NotifyChannel[]>([]);
  const [email, setEmail] = createSignal('');
  const chosen = () => profile()?.channels ?? DEFAULT_RESIDENT_CHANNELS;
  const channelName = (c: NotifyChannel) => (c === 'sms' ? t.channelSms : t.channelEmail);
  const toggle = (c: NotifyChannel, on: boolean) => setChannels((now) => NOTIFY_CHANNELS.filter((x) => (x === c ? on : now.includes(x))));
  // One problem at a time, at its field and above the form (focused); the saved notice (writeForm.ts).
  const write = createWrite({ t: props.t, focus: () => document.getElementById('account-error') });
  const error = () => write.issues()[0];

  const startEditing = () => {
    setPhone(profile()?.phone ?? '');
    setContactName(profile()?.contactName ?? '');
    setAddress(profile()?.address ?? '');
    setChannels([...chosen()]);
    setEmail(profile()?.email ?? '');
    write.clear();
    setEditing(true);
    queueMicrotask(() => document.getElementById('account-phone')?.focus());
  };

  const save = async (e: SubmitEvent) => {
    e.preventDefault();
    const result = await write.whileBusy(() => props.device.updateProfile({ phone: phone(), contactName: contactName(), address: address(), channels: channels(), email: email() }));
    if (!result) return;
    if (!result.ok) {
      const message =
        result.messageId === 'session.network'
          ? t.needsNetwork
          : result.messageId === 'session.server'
            ? props.t.session['session.server']
            : props.t.signup.messages[result.messageId as AccountMessageId];
      return write.refuse([{ path: result.field, message }]);
    }
    setEditing(false);
    write.succeed(t.saved);
  };

  const fieldError = write.issueOf;

  return (
    <section class="my-account" aria-labelledby="my-account-title">
      <h2 id="my-account-title">{t.title}</h2>
      <Show
        when={editing()}
        fallback={
          <>
            <dl class="facts">
              <dt>{t.accountNumber}</dt>
              <dd>{profile()?.accountNumber ?? t.notSet}</dd>
              <dt>{t.community}</dt>
              <dd>{profile()?.community ? communityName(profile()!.community!, t.communityLoading) : t.notSet}</dd>
              <dt>{t.phone}</dt>
              <dd data-field="phone">{profile()?.phone ? maskPhone(profile()!.phone) : t.notSet}</dd>
              <dt>{t.contactName}</dt>
              <dd>{profile()?.contactName ?? t.notSet}</dd>
              <dt>{t.address}</dt>
              <dd>{profile()?.address ?? t.notSet}</dd>
              <dt>{t.channels}</dt>
              <dd data-field="channels">{chosen().length ? chosen().map(channelName).join('、') : t.channelsNone}</dd>
              <Show when={profile()?.email}>
                <dt>{t.email}</dt>
                <dd>{profile()!.email}</dd>
              </Show>
            </dl>
            <p class="hint">{t.hint}</p>
            <button type="button" class="button secondary" onClick={startEditing}>{t.edit}</button>
            <Show when={write.saved()}>
              <p class="notice" role="status">{write.saved()}</p>
            </Show>
          </>
        }
      >
        <form class="form" onSubmit={save} novalidate aria-labelledby="my-account-title">
          <Show when={error()}>
            <p id="account-error" class="form-error" role="alert" tabindex="-1">{error()!.message}</p>
          </Show>
          <TextField id="account-phone" label={t.phone} type="tel" inputMode="tel" autocomplete="tel" value={phone()} onInput={setPhone} error={fieldError('phone')} />
          <TextField id="account-contact-name" label={t.contactName} autocomplete="name" value={contactName()} onInput={setContactName} error={fieldError('contactName')} maxLength={MAX_NAME} {...counterLabels(props.t.forms)} />
          <TextField id="account-address" label={t.address} autocomplete="street-address" value={address()} onInput={setAddress} error={fieldError('address')} maxLength={MAX_ADDRESS} {...counterLabels(props.t.forms)} />
          <fieldset class="field" aria-describedby="account-channels-hint">
            <legend>{t.channels}</legend>
            <For each={NOTIFY_CHANNELS}>
              {(c) => (
                <label class="choice">
                  <input type="checkbox" name="channels" value={c} checked={channels().includes(c)} onChange={(e) => toggle(c, e.currentTarget.checked)} />
                  {channelName(c)}
                </label>
              )}
            </For>
            <p id="account-channels-hint" class="hint">{t.channelsHint}</p>
            <Show when={fieldError('channels') ?? fieldError('channels.0') ?? fieldError('channels.1')}>
              <p class="field-error">{fieldError('channels') ?? fieldError('channels.0') ?? fieldError('channels.1')}</p>
            </Show>
          </fieldset>
          <TextField id="account-email" label={t.email} type="email" autocomplete="email" value={email()} onInput={setEmail} error={fieldError('email')} maxLength={254} {...counterLabels(props.t.forms)} />
          <div class="actions">
            <button type="submit" class="button" disabled={write.busy()}>{t.save}</button>
            <button type="button" class="button secondary" onClick={() => setEditing(false)}>{t.cancel}</button>
          </div>
        </form>
      </Show>
    </section>
  );
}
