import type { EventOf, EventRecord } from '../db/schema/events/event';
import type { RequestKind } from '../db/schema/requestKind';
import { callbackSummary } from './callbacks';
import { sortEvents, type RequestState, type RequestStatus } from './requestState';
import { measurementRecords } from './measurementRecords';

/** What the archive reads of each request a device holds. */
export interface ArchiveItem {
  readonly requestId: string;
  readonly kind: RequestKind;
  readonly state: RequestState | null;
  readonly events: readonly EventRecord[];
}

/**
 * The customer archive a staff device can build from the records it holds (000 §5.1: name,
 * address, contact, heated area, history): every resident of the station's requests, with
 * their contacts and addresses as given, the rooms measured, and the history of requests,
 * visits, measurements and ratings. Works offline; a resident this station has never served is
 * registered by their account number (the request reaches their database when they sign up).
 */
export interface CustomerRecord {
  resident: string;
  accountNumber: string;
  names: string[];
  phones: string[];
  addresses: string[];
  /** Heated area known from the rooms of temperature tests, m² (the latest test). */
  heatedAreaM2: number | null;
  requests: { requestId: string; kind: RequestKind; status: RequestStatus | null; submittedAt: string | null }[];
  visits: number;
  measurements: { at: string; valid: boolean; compliant: boolean | null }[];
  ratings: { at: string; attitude: number; ability: number }[];
}

const uniq = (xs: string[]) => [...new Set(xs.filter(Boolean))];

export function customerArchive(items: readonly ArchiveItem[]): CustomerRecord[] {
  const byResident = new Map<string, ArchiveItem[]>();
  for (const item of items) {
    const resident = item.state?.resident ?? item.events[0]?.resident;
    if (!resident) continue;
    byResident.set(resident, [...(byResident.get(resident) ?? []), item]);
  }
  return [...byResident.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([resident, list]) => {
    const events = sortEvents(list.flatMap((i) => i.events));
    const submissions = events.filter((e): e is EventOf<'submitted'> => e.type === 'submitted');
    const payloads = submissions.map((e) => e.payload as { contact?: { name: string; phone: string }; address?: string; rooms?: { areaM2: number }[] });
    // One record per visit: a correction supersedes the visit's earlier saves (measurementRecords.ts).
    const records = list
      .flatMap((i) => measurementRecords(i.events.filter((e) => e.requestKind === 'temperature-test')))
      .sort((a, b) => (a.event.at < b.event.at ? -1 : a.event.at > b.event.at ? 1 : 0));
    const lastMeasured = records.at(-1)?.event as EventOf<'measured'> | undefined;
    const roomsArea = (rooms: { areaM2: number }[] | undefined) => (rooms?.length ? rooms.reduce((s, r) => s + r.areaM2, 0) : null);
    const ratings = list.flatMap((i) => {
      const reached = callbackSummary(i.events).calls.filter((c) => c.payload.outcome !== 'unreachable');
      return reached.map((c) => {
        const p = c.payload as { attitude: number; ability: number };
        return { at: c.at, attitude: p.attitude, ability: p.ability };
      });
    });
    return {
      resident,
      accountNumber: resident.replace(/^r-/, ''),
      names: uniq(payloads.map((p) => p.contact?.name ?? '')),
      phones: uniq(payloads.map((p) => p.contact?.phone ?? '')),
      addresses: uniq(payloads.map((p) => p.address ?? '')),
      heatedAreaM2: roomsArea(lastMeasured?.payload.rooms) ?? roomsArea([...payloads].reverse().find((p) => p.rooms)?.rooms),
      requests: list.map((i) => ({ requestId: i.requestId, kind: i.kind, status: i.state?.status ?? null, submittedAt: i.state?.submittedAt ?? null })),
      visits: events.filter((e) => e.type === 'arrived').length,
      measurements: records.map((r) => ({ at: r.event.at, valid: r.outcome.valid, compliant: r.outcome.allCompliant })),
      ratings,
    };
  });
}

/** Customers whose account number, phone or address contains the query (spaces ignored). */
export function findCustomers(archive: readonly CustomerRecord[], query: string): CustomerRecord[] {
  const q = query.replace(/\s+/g, '').toLowerCase();
  if (!q) return [];
  const has = (x: string) => x.replace(/\s+/g, '').toLowerCase().includes(q);
  return archive.filter((c) => has(c.accountNumber) || c.phones.some(has) || c.addresses.some(has) || c.names.some(has));
}
