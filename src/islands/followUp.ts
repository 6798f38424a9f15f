import type { Lang } from '../i18n';
import type { BrowserDevice } from '../db/device/browserDevice';
import { composeFollowUp, stationOfResident } from '../db/device/compose';
import type { RecordResult } from '../db/device/database';
import type { EventType } from '../db/schema/events/event';
import { describeEventIssues, type DescribedIssue } from '../i18n/issues';
import { parseEvent } from '../db/schema/events/event';
import type { RequestState } from '../rules/requestState';

/**
 * Records a resident's event about one of their requests (sign-off, reopening, rating) on the
 * device: the server's write check first, then the outbox. A resident's events go to the
 * station of their community (the write check's `resident-station` rule), which is the
 * request's station unless staff handed it on.
 */
export function recordFollowUp(device: BrowserDevice, lang: Lang, state: RequestState, type: EventType, payload: unknown): Promise<RecordResult> {
  return device.record(compose(device, state, type, payload), lang);
}

function compose(device: BrowserDevice, state: RequestState, type: EventType, payload: unknown): Record<string, unknown> {
  const writer = { session: device.session, deviceId: device.deviceId };
  const request = { requestId: state.requestId, requestKind: state.kind, resident: state.resident, station: stationOfResident(device.session) ?? state.station };
  return composeFollowUp(writer, request, type, payload, 'resident');
}

/**
 * The schema's issues of several events a form records together, before any is stored (the
 * finish form: a rating and a sign-off), so a refused one never leaves the other recorded alone.
 */
export function checkFollowUps(device: BrowserDevice, lang: Lang, state: RequestState, records: readonly { type: EventType; payload: unknown }[]): DescribedIssue[] {
  return records.flatMap((r) => {
    const parsed = parseEvent(compose(device, state, r.type, r.payload));
    return parsed.success ? [] : describeEventIssues(parsed.issues, lang);
  });
}

/** Records several events in order; stops at the first refusal and returns it (writeForm.ts shows it). */
export async function recordFollowUps(
  device: BrowserDevice,
  lang: Lang,
  state: RequestState,
  records: readonly { type: EventType; payload: unknown }[],
): Promise<{ ok: true } | Extract<RecordResult, { ok: false }>> {
  for (const r of records) {
    const result = await recordFollowUp(device, lang, state, r.type, r.payload);
    if (!result.ok) return result;
  }
  return { ok: true };
}
