import { For, Show, createMemo, createSignal } from 'solid-js';
import type { BrowserDevice } from '../../db/device/browserDevice';
import { composeFollowUp } from '../../db/device/compose';
import type { RequestListItem } from '../../db/device/requestList';
import { newRequestId } from '../../db/schema/events/ids';
import { REPAIR_FAULTS } from '../../db/schema/events/payloads';
import { MAX_ADDRESS, MAX_TEXT } from '../../db/schema/events/limits';
import { fill, type AppStrings, type Lang } from '../../i18n';
import { formatMoment, shortRequestNumber } from '../format';
import TextField from '../TextField';
import FieldError from '../FieldError';
import { createWrite } from '../writeForm';
import { ACCOUNT_NUMBER_PATTERN } from '../../db/schema/vocabulary';
import { customerArchive, findCustomers, type CustomerRecord } from '../../rules/customerArchive';
import { rolesOf } from './write';
import { roleForStep } from '../../rules/steps';
import ErrorSummary from '../ErrorSummary';
import RevealPhone from './RevealPhone';
import { lookUpCustomers, type FoundCustomer } from '../../db/device/customerAccess';
import { communityName, placeList } from '../placeNames';
import { maskPhone } from '../../rules/customerPrivacy';

/** The kinds a hall or the hotline registers from this form. */
export const WALK_IN_KINDS = ['repair', 'temperature-test', 'complaint', 'consultation'] as const;
type WalkInKind = (typeof WALK_IN_KINDS)[number];


/**
 * Registers a walk-in or phone request for a resident (issue 6 item 2): find the customer in the
 * archive this device holds (account number, phone or address; offline), or on the server when
 * there is a network, or register a new one by account number. The member of staff who
 * registers becomes the first-contact owner (the fold reads a staff `submitted` that way).
 */
export default function Register(props: { lang: Lang; t: AppStrings; device: BrowserDevice; items: () => RequestListItem[]; onRegistered: (requestId: string) => void }) {
  const s = props.t.staffConsole;
  const archive = createMemo(() => customerArchive(props.items()));
  const [query, setQuery] = createSignal('');
  const found = createMemo(() => findCustomers(archive(), query()));
  // The list is keyed by account number: the archive is rebuilt whenever the console's clock
  // moves (on every pointerdown), and a list rebuilt between mousedown and mouseup loses the click.
  const foundAccounts = createMemo(() => found().map((c) => c.accountNumber), undefined, { equals: (a, b) => a.length === b.length && a.every((x, i) => x === b[i]) });
  const foundBy = createMemo(() => new Map(found().map((c) => [c.accountNumber, c])));
  const places = createMemo(() => placeList());
  const [community, setCommunity] = createSignal('');
  // The server's answer to one query (null customers: it could not be asked), and the query it is
  // being asked now. Each shows only while that query is the one typed.
  const [remote, setRemote] = createSignal<{ query: string; customers: FoundCustomer[] | null } | null>(null);
  const [asking, setAsking] = createSignal<string | null>(null);
  const typed = () => query().trim();
  const remoteNow = () => (remote()?.query === typed() ? remote() : null);
  const searching = () => asking() !== null && asking() === typed();
  // "Not found" on this device says nothing once the server is asked: while it is searching, or
  // once it answered (its list, or its own "no customer"); only when the server could not be asked.
  const noneOnDevice = () => !found().length && !searching() && !remoteNow()?.customers;
  const [account, setAccount] = createSignal('');
  const [kind, setKind] = createSignal<WalkInKind>('repair');
  // A station's hall registers walk-ins; the customer centre (no station: the hotline) registers calls.
  const [channel, setChannel] = createSignal<'hall' | 'phone'>(props.device.session.station ? 'hall' : 'phone');
  const [name, setName] = createSignal('');
  const [phone, setPhone] = createSignal('');
  const [address, setAddress] = createSignal('');
  const [station, setStation] = createSignal(props.device.session.station ?? '');
  // Nothing pre-chosen: a hurried save must not record a fault the resident never named.
  const [fault, setFault] = createSignal<(typeof REPAIR_FAULTS)[number] | ''>('');
  const [text, setText] = createSignal('');
  const [demand, setDemand] = createSignal('');
  const [roomName, setRoomName] = createSignal('');
  const [roomArea, setRoomArea] = createSignal('');
  const [slotDate, setSlotDate] = createSignal('');
  // A refused save moves the focus to the list of problems (and the screen with it): the button
  // was disabled while the device checked the write, which drops its focus to <body>, and a
  // keyboard or screen-reader user then started again from the top of the page, nothing said.
  const write = createWrite({ t: props.t, summaryId: () => 'register-errors' });
  const issueOf = write.issueOf;

  const choose = (c: CustomerRecord) => {
    setAccount(c.accountNumber);
    setName(c.names.at(-1) ?? '');
    setPhone(c.phones.at(-1) ?? '');
    setAddress(c.addresses.at(-1) ?? '');
  };
  const searchServer = async () => {
    const q = typed();
    setAsking(q);
    try {
      setRemote({ query: q, customers: await lookUpCustomers(q) });
    } finally {
      setAsking((now) => (now === q ? null : now));
    }
  };

  const payload = () => {
    const common = { channel: channel(), contact: { name: name().trim(), phone: phone().trim() }, ...(address().trim() ? { address: address().trim() } : {}) };
    switch (kind()) {
      case 'repair':
        return { ...common, fault: fault(), ...(text().trim() ? { details: text().trim() } : {}), contactTimes: [] };
      case 'complaint':
        return { ...common, about: text().trim(), place: address().trim(), demand: demand().trim() };
      case 'consultation':
        return { ...common, question: text().trim() };
      case 'temperature-test':
        return {
          ...common,
          rooms: [{ name: roomName().trim(), areaM2: Number(roomArea()) }],
          preferredSlots: [{ date: slotDate(), from: '09:00', to: '12:00' }],
        };
    }
  };

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const acct = account().replace(/\s+/g, '');
    // Checked before the device's write check (the resident's database is named by it), shown the same way.
    if (!ACCOUNT_NUMBER_PATTERN.test(acct)) return void write.refuse([{ path: 'account', message: s.accountFormat }]);
    // The first of the user's roles that may register this kind (src/rules/steps.ts).
    const role = roleForStep(rolesOf(props.device), 'submitted', kind());
    const now = new Date();
    const request = { requestId: newRequestId(now), requestKind: kind(), resident: `r-${acct}`, station: station().trim() };
    const event = composeFollowUp({ session: props.device.session, deviceId: props.device.deviceId, ...(role ? { role } : {}) }, request, 'submitted', payload(), 'resident', now);
    if (!(await write.record(() => props.device.record(event, props.lang), fill(s.registered, { id: shortRequestNumber(request.requestId) })))) return;
    setText('');
    setDemand('');
    setFault('');
    props.onRegistered(request.requestId);
  };

  return (
    <section class="register" aria-labelledby="register-title">
      <h2 id="register-title">{s.registerTitle}</h2>
      <div class="form customer-search">
        <TextField id="customer-query" label={s.findCustomer} hint={s.findCustomerHint} value={query()} onInput={setQuery} />
        <button type="button" class="button secondary" onClick={searchServer} disabled={!typed() || searching()}>{s.searchServer}</button>
        <Show when={typed()}>
          <Show when={found().length} fallback={<Show when={noneOnDevice()}><p>{s.noCustomerOnDevice}</p></Show>}>
            <ul class="customer-list">
              <For each={foundAccounts()}>
                {(acct) => {
                  const c = foundBy().get(acct)!;
                  return (
                  <li class="customer" data-account={c.accountNumber}>
                    <p>
                      <strong>{c.accountNumber}</strong> · {c.names.join('、')} · {c.phones.map(maskPhone).join('、')}
                    </p>
                    <p class="request-meta">{c.addresses.join('；')}</p>
                    <p class="request-meta">
                      {fill(s.archiveLine, {
                        requests: c.requests.length,
                        visits: c.visits,
                        measurements: c.measurements.length,
                        ratings: c.ratings.length,
                        area: c.heatedAreaM2 === null ? '—' : `${c.heatedAreaM2} m²`,
                      })}
                    </p>
                    <ul class="customer-history">
                      <For each={c.requests}>
                        {(r) => (
                          <li>
                            {props.t.requestKindLabels[r.kind]} #{shortRequestNumber(r.requestId)} · {r.status ? props.t.staffConsole.requestStatus[r.status] : '—'}
                            <Show when={r.submittedAt}> · {formatMoment(props.lang, r.submittedAt!)}</Show>
                          </li>
                        )}
                      </For>
                    </ul>
                    <button type="button" class="button secondary" onClick={() => choose(foundBy().get(acct) ?? c)}>{s.useCustomer}</button>
                  </li>
                  );
                }}
              </For>
            </ul>
          </Show>
        </Show>
        <Show when={searching()}>
          <p class="hint" role="status">{s.searchingServer}</p>
        </Show>
        <Show when={!searching() && remoteNow()}>
          <Show when={remoteNow()?.customers} fallback={<p class="hint">{s.serverUnavailable}</p>}>
            <ul class="customer-list">
              <For each={remoteNow()?.customers ?? []} fallback={<li>{s.noCustomer}</li>}>
                {(c) => (
                  <li class="customer" data-account={c.accountNumber}>
                    <p>
                      {/* Masked: the full number only on purpose, with the reason recorded. */}
                      <strong>{c.accountNumber}</strong> · <RevealPhone t={props.t} accountNumber={c.accountNumber} masked={c.phoneMasked} onRevealed={setPhone} /> · {communityName(c.community, '—')}
                    </p>
                    <button type="button" class="button secondary" onClick={() => { setAccount(c.accountNumber); setStation((old) => old || c.station); if (!props.device.session.station) setCommunity(c.community); }}>
                      {s.useCustomer}
                    </button>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </Show>
      </div>

      <form class="form" onSubmit={submit} novalidate aria-labelledby="register-form-title">
        <h3 id="register-form-title">{s.newRequest}</h3>
        <ErrorSummary id="register-errors" intro={props.t.forms.fixErrors} issues={write.issues()} />
        <TextField id="reg-account" label={s.accountNumber} hint={s.accountHint} inputMode="numeric" value={account()} onInput={setAccount} error={issueOf('account')} />
        <Show when={!props.device.session.station}>
          {/* Chosen from the stations' and communities' display names, never a typed id. */}
          <div class="field">
            <label for="reg-station">{s.station}</label>
            <select
              id="reg-station"
              value={station()}
              onChange={(e) => {
                setStation(e.currentTarget.value);
                setCommunity('');
              }}
              aria-invalid={issueOf('station') ? 'true' : undefined}
              aria-describedby={issueOf('station') ? 'reg-station-error' : undefined}
            >
              <option value="">{s.chooseOne}</option>
              <For each={places()}>{(p) => <option value={p.id}>{p.name}</option>}</For>
              <Show when={station() && !places().some((p) => p.id === station())}>
                <option value={station()}>{station()}</option>
              </Show>
            </select>
            <FieldError id="reg-station-error" message={issueOf('station')} />
          </div>
          <div class="field">
            <label for="reg-community">{s.community}</label>
            <p class="hint" id="reg-community-hint">{s.communityHint}</p>
            <select
              id="reg-community"
              aria-describedby="reg-community-hint"
              value={community()}
              onChange={(e) => {
                const id = e.currentTarget.value;
                setCommunity(id);
                const owner = places().find((p) => p.communities.some((c) => c.id === id));
                if (owner) setStation(owner.id);
              }}
            >
              <option value="">{s.chooseOne}</option>
              <For each={station() ? [places().find((p) => p.id === station())].filter((p) => p !== undefined) : places()}>
                {(p) => (
                  <optgroup label={p.name}>
                    <For each={p.communities}>{(c) => <option value={c.id}>{c.name}</option>}</For>
                  </optgroup>
                )}
              </For>
            </select>
          </div>
        </Show>
        <div class="field">
          <label for="reg-kind">{s.kind}</label>
          <select id="reg-kind" value={kind()} onChange={(e) => setKind(e.currentTarget.value as WalkInKind)}>
            <For each={WALK_IN_KINDS}>{(k) => <option value={k}>{props.t.requestKindLabels[k]}</option>}</For>
          </select>
        </div>
        <div class="field">
          <label for="reg-channel">{s.channel}</label>
          <select id="reg-channel" value={channel()} onChange={(e) => setChannel(e.currentTarget.value as 'hall' | 'phone')}>
            <option value="hall">{s.channelHall}</option>
            <option value="phone">{s.channelPhone}</option>
          </select>
        </div>
        <TextField id="reg-name" label={props.t.forms.contactName} value={name()} onInput={setName} error={issueOf('payload.contact.name')} />
        <TextField id="reg-phone" label={props.t.forms.contactPhone} type="tel" value={phone()} onInput={setPhone} error={issueOf('payload.contact.phone')} />
        <TextField id="reg-address" label={props.t.forms.address} value={address()} onInput={setAddress} maxLength={MAX_ADDRESS} error={issueOf('payload.address') ?? issueOf('payload.place')} />
        <Show when={kind() === 'repair'}>
          <div class="field">
            <label for="reg-fault">{props.t.forms.repair.fault}</label>
            <select
              id="reg-fault"
              value={fault()}
              onChange={(e) => setFault(e.currentTarget.value as (typeof REPAIR_FAULTS)[number] | '')}
              aria-invalid={issueOf('payload.fault') ? 'true' : undefined}
              aria-describedby={issueOf('payload.fault') ? 'reg-fault-error' : undefined}
            >
              <option value="">{s.chooseOne}</option>
              <For each={REPAIR_FAULTS}>{(f) => <option value={f}>{props.t.forms.repair.faults[f]}</option>}</For>
            </select>
            <FieldError id="reg-fault-error" message={issueOf('payload.fault')} />
          </div>
        </Show>
        <Show when={kind() !== 'temperature-test'}>
          <TextField
            id="reg-text"
            label={kind() === 'complaint' ? s.complaintAbout : kind() === 'consultation' ? s.question : props.t.forms.repair.details}
            value={text()}
            onInput={setText}
            multiline
            maxLength={MAX_TEXT}
            error={issueOf('payload.details') ?? issueOf('payload.about') ?? issueOf('payload.question')}
          />
        </Show>
        <Show when={kind() === 'complaint'}>
          <TextField id="reg-demand" label={s.demand} value={demand()} onInput={setDemand} error={issueOf('payload.demand')} />
        </Show>
        <Show when={kind() === 'temperature-test'}>
          <TextField id="reg-room" label={s.roomName} value={roomName()} onInput={setRoomName} error={issueOf('payload.rooms.0.name')} />
          <TextField id="reg-area" label={s.roomArea} inputMode="numeric" value={roomArea()} onInput={setRoomArea} error={issueOf('payload.rooms.0.areaM2')} />
          <TextField id="reg-slot" label={s.preferredDate} type="date" value={slotDate()} onInput={setSlotDate} error={issueOf('payload.preferredSlots.0.date')} />
        </Show>
        <button type="submit" class="button" disabled={write.busy()}>{s.register}</button>
        <Show when={write.saved()}>
          <p class="notice" role="status">{write.saved()}</p>
        </Show>
      </form>
    </section>
  );
}
