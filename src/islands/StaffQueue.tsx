import { For, Show, createSignal } from 'solid-js';
import { fill, type AppStrings, type Lang } from '../i18n';
import type { RequestListItem } from '../db/device/requestList';
import { composeFollowUp } from '../db/device/compose';
import type { BrowserDevice } from '../db/device/browserDevice';
import { mayAccept } from '../rules/permissions';
import { fromObservable } from './reactive';
import { formatMoment, refusalReason, shortRequestNumber } from './format';

/**
 * A station's open requests on a staff device, oldest activity last, each with what waits to
 * be sent. Accepting a request is recorded on the device first (offline in a service hall
 * too); two devices accepting the same request both keep their event, and the state derived
 * from the events is the same on both.
 */
export default function StaffQueue(props: { lang: Lang; t: AppStrings; device: BrowserDevice }) {
  const t = props.t;
  const station = props.device.session.station;
  const items = fromObservable<RequestListItem[] | undefined>(
    props.device.requests(station ? { station, openOnly: true } : { openOnly: true }),
    undefined,
  );
  const role = props.device.session.roles[0];
  const [refusal, setRefusal] = createSignal<{ requestId: string; reason: string } | null>(null);
  const accept = async (item: RequestListItem) => {
    if (!item.state || !role) return;
    const event = composeFollowUp(
      { session: props.device.session, deviceId: props.device.deviceId, role },
      { requestId: item.requestId, requestKind: item.kind, resident: item.state.resident, station: item.state.station },
      'accepted',
      {},
      'resident',
    );
    const result = await props.device.record(event, props.lang);
    // Shown against the request, in the user's words when the rule is known.
    setRefusal(result.ok ? null : { requestId: item.requestId, reason: refusalReason(t, result.rule, result.reason) });
  };
  return (
    <section class="staff-queue" aria-labelledby="staff-queue-title">
      <h2 id="staff-queue-title">{t.staff.queue}</h2>
      <Show when={items()} fallback={<p>{t.requests.loading}</p>}>
        <Show when={items()!.length} fallback={<p>{t.staff.empty}</p>}>
          <ul class="request-list">
            <For each={items()}>
              {(item) => (
                <li class="request" data-request={item.requestId} data-status={item.state?.status ?? 'refused'} data-waiting={item.waiting > 0 ? 'yes' : 'no'}>
                  <p class="request-title">
                    <strong>{t.requestKinds[item.kind]}</strong> <span class="request-number">#{shortRequestNumber(item.requestId)}</span>
                  </p>
                  <p class="request-meta">
                    <Show when={item.state}>
                      {t.requestStatus[item.state!.status]}
                      <Show when={item.state!.answerDueAt}> · {fill(t.staff.answerDue, { time: formatMoment(props.lang, item.state!.answerDueAt!) })}</Show>
                      <Show when={item.state!.owner}> · {fill(t.staff.owner, { name: item.state!.owner! })}</Show>
                    </Show>
                    <Show when={item.waiting > 0}> · {t.requests.waiting}</Show>
                  </p>
                  <Show when={refusal()?.requestId === item.requestId}>
                    <p class="field-error" role="alert">{refusal()!.reason}</p>
                  </Show>
                  <Show when={item.state && role && mayAccept(item.state.status, role)}>
                    <button type="button" class="button" onClick={() => accept(item)}>
                      {t.staff.accept}
                    </button>
                  </Show>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Show>
    </section>
  );
}
