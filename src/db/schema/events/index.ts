/** The event model: envelope, payloads, ids, bounds and versions. See event.ts. */
export * from './event';
export * from './ids';
export * from './limits';
export * from './migrations';
export * from './payloads';
// The field schemas others may reuse (forms, other record types); the small builders
// (obj, text, list …) stay inside events/.
export {
  ClockTime,
  DeviceId,
  EventId,
  INSTANT_LENGTH,
  INSTANT_PATTERN,
  IsoDay,
  IsoInstant,
  PHONE_PATTERN,
  Phone,
  RequestId,
  Rev,
  Score,
  Signature,
  StationId,
  UserName,
  VIEWS,
  View,
} from './fields';
