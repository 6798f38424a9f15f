import type { Lang } from '../i18n';
import type { BrowserDevice } from '../db/device/browserDevice';
import { composeFollowUp, stationOfResident } from '../db/device/compose';
import type { RecordResult } from '../db/device/database';
import type { EventType } from '../db/schema/events/event';
import type { DescribedIssue } from '../db/schema/messages';
import type { RequestState } from '../rules/requestState';

/**
 * Records a resident's event about one of their requests (sign-off, reopening, rating) on the
 * device: the server's write check first, then the outbox. A resident's events go to the
 * station of their community (the write check's `resident-station` rule), which is the
 * request's station unless staff handed it on.
 */
export function recordFollowUp(device: BrowserDevice, lang: Lang, state: RequestState, type: EventType, payload: unknown): Promise<RecordResult> {
  const writer = { session: device.session, deviceId: device.deviceId };
  const request = { requestId: state.requestId, requestKind: state.kind, resident: state.resident, station: stationOfResident(device.session) ?? state.station };
  return device.record(composeFollowUp(writer, request, type, payload, 'resident'), lang);
}

/** The issues of a refused record, or the whole reason when none is about a field. */
export function issuesOf(result: Extract<RecordResult, { ok: false }>): DescribedIssue[] {
  return result.issues.length ? [...result.issues] : [{ path: '', id: 'value.invalid', message: result.reason }];
}
