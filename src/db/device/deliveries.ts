import * as v from 'valibot';
import { DELIVERY_STATES, NOTIFICATION_KINDS, NOTIFY_CHANNELS } from '../schema/notifications';

/**
 * How the messages about one request fared (GET /db/_account/deliveries, staff): shown on the
 * console's request card so a failed SMS or e-mail is seen and followed up. Online only: the
 * records are the server's (nothing about them replicates).
 */
export const Delivery = v.object({
  kind: v.picklist(NOTIFICATION_KINDS),
  channel: v.picklist(NOTIFY_CHANNELS),
  to: v.string(),
  audience: v.picklist(['resident', 'staff']),
  state: v.picklist(DELIVERY_STATES),
  attempts: v.number(),
  createdAt: v.string(),
  sentAt: v.optional(v.string()),
  error: v.optional(v.string()),
});
export type Delivery = v.InferOutput<typeof Delivery>;

/** The request's deliveries, or null when offline or refused. */
export async function fetchDeliveries(requestId: string, fetchImpl: typeof fetch = fetch): Promise<Delivery[] | null> {
  try {
    const res = await fetchImpl(`/db/_account/deliveries?request=${encodeURIComponent(requestId)}`, { credentials: 'same-origin', cache: 'no-store' });
    if (!res.ok) return null;
    const parsed = v.safeParse(v.object({ deliveries: v.array(Delivery) }), await res.json());
    return parsed.success ? parsed.output.deliveries : null;
  } catch {
    return null;
  }
}
