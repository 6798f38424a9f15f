import { composeFollowUp } from '../../db/device/compose';
import type { BrowserDevice } from '../../db/device/browserDevice';
import type { RecordResult } from '../../db/device/database';
import { mustBeInternal, type EventType, type Visibility } from '../../db/schema/events/event';
import type { RequestKind } from '../../db/schema/requestKind';
import type { Role } from '../../db/schema/roles';
import type { Lang } from '../../i18n';
import { roleForStep } from '../../rules/steps';

/** The routing keys of a request, as every follow-up event repeats them. */
export interface RequestKeys {
  requestId: string;
  requestKind: RequestKind;
  resident: string;
  station: string;
}

/** The roles the console works in (a staff account may hold several). */
export function rolesOf(device: BrowserDevice): readonly Role[] {
  return device.session.roles as readonly Role[];
}

/** The session's first role (what the console writes in when no step rule picks another). */
export function roleOf(device: BrowserDevice): Role | undefined {
  return device.session.roles[0];
}

/**
 * Records one step of a request on the device (the server's write check first, offline too).
 * Types that are always internal are written internal; the rest are shown to the resident
 * unless `visibility` says otherwise.
 */
export function recordStep(
  device: BrowserDevice,
  lang: Lang,
  request: RequestKeys,
  type: EventType,
  payload: unknown,
  visibility?: Visibility,
): Promise<RecordResult> {
  // The first of the user's roles that may take this step on this kind (src/rules/steps.ts).
  const role = roleForStep(rolesOf(device), type, request.requestKind) ?? roleOf(device);
  const event = composeFollowUp(
    { session: device.session, deviceId: device.deviceId, ...(role ? { role } : {}) },
    request,
    type,
    payload,
    visibility ?? (mustBeInternal(type) ? 'internal' : 'resident'),
  );
  return device.record(event, lang);
}
