import type { RevealPurpose } from '../schema/customerAccess';
import type { AccessLogEntry } from '../schema/customerAccess';
import type { AccountMessageId } from '../schema/accounts';

/**
 * The staff's access to customers on the server (server/backend/customerAccess.mjs), for the
 * console's islands: a lookup answers masked phones; a full phone is asked for with a reason;
 * a hall clerk confirms a resident in person; managers read the access log. All need the
 * network (the customer directory and the register live on the server only).
 */

export interface FoundCustomer {
  accountNumber: string;
  phoneMasked: string;
  community: string;
  station: string;
}

type Failure = { ok: false; status: number; field?: string; messageId?: AccountMessageId; reason: string };

async function call<T>(url: string, init?: { method: string; body: unknown }): Promise<{ ok: true; value: T } | Failure> {
  let res: Response;
  try {
    res = await fetch(url, {
      credentials: 'same-origin',
      cache: 'no-store',
      ...(init ? { method: init.method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(init.body) } : {}),
    });
  } catch {
    return { ok: false, status: 0, reason: 'network' };
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    return {
      ok: false,
      status: res.status,
      ...(typeof body.field === 'string' ? { field: body.field } : {}),
      ...(typeof body.messageId === 'string' ? { messageId: body.messageId as AccountMessageId } : {}),
      reason: String(body.reason ?? res.statusText),
    };
  }
  return { ok: true, value: body as T };
}

/** Customers matching `query` (masked phones), or null when offline or refused. */
export async function lookUpCustomers(query: string): Promise<FoundCustomer[] | null> {
  const r = await call<{ customers: FoundCustomer[] }>(`/db/_account/customers?q=${encodeURIComponent(query)}`);
  return r.ok ? r.value.customers : null;
}

/** One customer's phone in full, for a reason the server records. */
export async function revealPhone(accountNumber: string, purpose: RevealPurpose, note: string) {
  const r = await call<{ customer: { phone: string } }>('/db/_account/customers/reveal', { method: 'POST', body: { accountNumber, purpose, note } });
  return r.ok ? ({ ok: true, phone: r.value.customer.phone } as const) : r;
}

/** A hall clerk confirms in person that the resident holds the account and this phone. */
export async function confirmResident(input: { accountNumber: string; phone: string; evidence: string }) {
  const r = await call<{ accountNumber: string; phoneMasked: string; validUntil: string }>('/db/_account/register/confirm', { method: 'POST', body: input });
  return r.ok ? ({ ok: true, ...r.value } as const) : r;
}

export type AccessLogRow = Omit<AccessLogEntry, '_rev'>;

/** Managers: the access log, newest first. */
export async function readAccessLog(before?: string) {
  const r = await call<{ entries: AccessLogRow[]; next: string | null }>(`/db/_account/access-log?limit=50${before ? `&before=${encodeURIComponent(before)}` : ''}`);
  return r.ok ? ({ ok: true, ...r.value } as const) : r;
}

/** A technician's own visit's phone in full (POST /db/_account/visits/phone); the server records the view. */
export async function visitPhone(requestId: string) {
  const r = await call<{ phone: string }>('/db/_account/visits/phone', { method: 'POST', body: { requestId } });
  return r.ok ? ({ ok: true, phone: r.value.phone } as const) : r;
}
