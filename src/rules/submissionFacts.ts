import type { RequestKind } from '../db/schema/requestKind';
import { APPOINTMENT_KINDS } from '../db/schema/requestKind';

/**
 * What the resident told us, in the order staff read it for each kind (issue 16 item 1): a
 * repair's fault and description first; a complaint's target, time, place and demand; a
 * consultation's question; a temperature test's rooms and preferred slots; an appointment's date
 * and slot. The contact, address and channel follow. Every field of the submission appears:
 * a field this table does not know (a newer schema) is listed at the end as text, never dropped.
 */
export const FACT_KEYS = [
  'fault',
  'details',
  'about',
  'happenedAt',
  'place',
  'demand',
  'question',
  'text',
  'staffName',
  'location',
  'description',
  'rooms',
  'preferredSlots',
  'preferredDate',
  'slot',
  'note',
  'contactTimes',
  'photos',
  'contact',
  'address',
  'channel',
] as const;
export type FactKey = (typeof FACT_KEYS)[number];

/** The layout of each group of kinds: what the resident asked about first. */
type Layout = 'consultation' | 'complaint' | 'repair' | 'temperature-test' | 'appointment' | 'suggestion' | 'praise' | 'emergency';
const TAIL: readonly FactKey[] = ['contact', 'address', 'channel'];
export const SUBMISSION_LAYOUT: Readonly<Record<Layout, readonly FactKey[]>> = {
  repair: ['fault', 'details', 'photos', 'contactTimes', ...TAIL],
  complaint: ['about', 'happenedAt', 'place', 'demand', 'photos', ...TAIL],
  consultation: ['question', ...TAIL],
  'temperature-test': ['rooms', 'preferredSlots', 'photos', ...TAIL],
  appointment: ['preferredDate', 'slot', 'note', ...TAIL],
  suggestion: ['text', ...TAIL],
  praise: ['text', 'staffName', ...TAIL],
  emergency: ['location', 'description', ...TAIL],
};

export function layoutOf(kind: RequestKind): Layout {
  return (APPOINTMENT_KINDS as readonly string[]).includes(kind) ? 'appointment' : (kind as Layout);
}

export type FactValue =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'instant'; readonly at: string }
  | { readonly kind: 'day'; readonly day: string }
  /** A value from a closed list (fault, slot, channel): the interface translates it. */
  | { readonly kind: 'choice'; readonly list: 'fault' | 'slot' | 'channel'; readonly value: string }
  | { readonly kind: 'texts'; readonly items: readonly string[] }
  | { readonly kind: 'contact'; readonly name: string; readonly phone: string }
  | { readonly kind: 'rooms'; readonly rooms: readonly { name: string; areaM2: number }[] }
  | { readonly kind: 'slots'; readonly slots: readonly { date: string; from: string; to: string }[] }
  /** Photos of the fault (src/db/schema/photos.ts): their ids; the card shows the pictures. */
  | { readonly kind: 'photos'; readonly ids: readonly string[] };

export interface Fact {
  /** A known field, or the raw key of a field this table does not know yet. */
  readonly key: FactKey | string;
  readonly value: FactValue;
}

const CHOICES: Partial<Record<FactKey, 'fault' | 'slot' | 'channel'>> = { fault: 'fault', slot: 'slot', channel: 'channel' };

function valueOf(key: string, raw: unknown): FactValue | null {
  if (raw === undefined || raw === null) return null;
  const list = CHOICES[key as FactKey];
  if (list && typeof raw === 'string') return { kind: 'choice', list, value: raw };
  if (key === 'happenedAt' && typeof raw === 'string') return { kind: 'instant', at: raw };
  if (key === 'preferredDate' && typeof raw === 'string') return { kind: 'day', day: raw };
  if (key === 'contact' && typeof raw === 'object') {
    const c = raw as { name?: unknown; phone?: unknown };
    return { kind: 'contact', name: String(c.name ?? ''), phone: String(c.phone ?? '') };
  }
  if (key === 'rooms' && Array.isArray(raw)) return { kind: 'rooms', rooms: raw as { name: string; areaM2: number }[] };
  if (key === 'photos' && Array.isArray(raw)) return raw.length ? { kind: 'photos', ids: raw.filter((x): x is string => typeof x === 'string') } : null;
  if (key === 'preferredSlots' && Array.isArray(raw)) return { kind: 'slots', slots: raw as { date: string; from: string; to: string }[] };
  if (Array.isArray(raw)) return raw.length ? { kind: 'texts', items: raw.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))) } : null;
  if (typeof raw === 'string') return { kind: 'text', text: raw };
  return { kind: 'text', text: typeof raw === 'object' ? JSON.stringify(raw) : String(raw) };
}

/** The submission's fields for the staff card, laid out for the kind; absent optional fields are left out. */
export function submissionFacts(kind: RequestKind, payload: Readonly<Record<string, unknown>>): Fact[] {
  const order = SUBMISSION_LAYOUT[layoutOf(kind)];
  const known = order.flatMap((key) => {
    const value = valueOf(key, payload[key]);
    return value ? [{ key, value }] : [];
  });
  const rest = Object.keys(payload)
    .filter((k) => !(order as readonly string[]).includes(k))
    .sort()
    .flatMap((key) => {
      const value = valueOf(key, payload[key]);
      return value ? [{ key, value }] : [];
    });
  return [...known, ...rest];
}
