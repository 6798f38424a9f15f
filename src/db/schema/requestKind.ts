import * as v from 'valibot';

/**
 * Every kind of request a resident or a staff member can open (domain.md, "Request kinds").
 * The appliance kinds are the gas company's after-sales services (004 appendix, 百尊燃气具售后服务).
 */
/** In-home appointments (domain.md) and the gas appliance services: booked for a date and slot. */
export const APPOINTMENT_KINDS = [
  'appointment-installation',
  'appointment-repair',
  'appointment-safety-inspection',
  'appointment-meter-reading',
  'appliance-installation',
  'appliance-repair',
  'appliance-safety-check',
] as const;

export const REQUEST_KINDS = [
  'consultation',
  'complaint',
  'repair',
  'temperature-test',
  ...APPOINTMENT_KINDS,
  'suggestion',
  'praise',
  'emergency',
] as const;

export const RequestKind = v.picklist(REQUEST_KINDS);
export type RequestKind = v.InferOutput<typeof RequestKind>;
