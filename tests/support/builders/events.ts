/**
 * Builders of valid events, for unit, integration and e2e tests.
 *
 *   anEvent('dispatched')                          a valid dispatched event of a repair
 *   anEvent('accepted', { author: 'hotline' })     authored by one of the PEOPLE below
 *   aSubmittedRepair({ at: '…' })                  the start of a repair
 *   aSubmitted('temperature-test')                 the start of any kind of request
 *   aRequestHistory({ kind: 'repair', steps: ['accepted', 'dispatched', 'arrived'] })
 *   couchUser('technician')                        the CouchDB userCtx of a person
 *
 * Every event built is parsed with the real schema, so a builder can never hand out an
 * invalid event; break one on purpose by spreading it (`{ ...anEvent('note'), at: 'x' }`).
 * Ids come from a seeded random source: the same test builds the same ids on every run.
 */
import * as v from 'valibot';
import {
  EventRecord,
  KIND_OF_TYPE,
  mustBeInternal,
  newEventId,
  newRequestId,
  seededRandom,
  toCouchDoc,
  couchRolesFor,
  type Author,
  type EventDoc,
  type EventOf,
  type EventType,
  type PayloadOf,
  type RequestKind,
  type Role,
  type RandomSource,
} from '../../../src/db/schema/index';
import { describeEventIssues } from '../../../src/i18n/issues';
import { mayEmit } from '../../../src/rules/permissions';

/** Monday 1 December 2025, 08:00 China time: in the heating season, a working day. */
export const T0 = '2025-12-01T00:00:00.000Z';
export const STATION = 'north-1';
export const OTHER_STATION = 'south-2';
export const RESIDENT = 'r-1001';
export const OTHER_RESIDENT = 'r-2002';

/** A 1×1 transparent PNG as a data URL: a valid signature. */
export const PNG_SIGNATURE =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=';

export interface Person {
  readonly name: string;
  readonly role: Role;
  readonly station?: string;
  readonly device: string;
}

/** One person per role; station staff work at STATION. */
export const PEOPLE = {
  resident: { name: RESIDENT, role: 'resident', device: 'phone-r1001' },
  otherResident: { name: OTHER_RESIDENT, role: 'resident', device: 'phone-r2002' },
  hotline: { name: 'hl-li', role: 'hotline', device: 'pc-hotline-1' },
  complaintHandler: { name: 'ch-zhao', role: 'complaint-handler', device: 'pc-complaints-1' },
  dispatcher: { name: 'dp-wang', role: 'dispatcher', station: STATION, device: 'pc-north-1' },
  technician: { name: 'tc-chen', role: 'technician', station: STATION, device: 'phone-tc-chen' },
  otherTechnician: { name: 'tc-zhou', role: 'technician', station: STATION, device: 'phone-tc-zhou' },
  stationHead: { name: 'sh-liu', role: 'station-head', station: STATION, device: 'pc-north-head' },
  otherStationDispatcher: { name: 'dp-ma', role: 'dispatcher', station: OTHER_STATION, device: 'pc-south-2' },
  manager: { name: 'mg-sun', role: 'manager', device: 'pc-manager' },
  committee: { name: 'cm-he', role: 'committee', device: 'pc-committee' },
  admin: { name: 'ad-root', role: 'admin', device: 'pc-admin' },
} as const satisfies Record<string, Person>;
export type PersonKey = keyof typeof PEOPLE;

/** The CouchDB userCtx of a person: { name, roles } as the server sees it. */
export function couchUser(who: PersonKey | Person): { name: string; roles: string[] } {
  const p: Person = typeof who === 'string' ? PEOPLE[who] : who;
  return { name: p.name, roles: couchRolesFor({ role: p.role, ...(p.station !== undefined ? { station: p.station } : {}) }) };
}

export function authorOf(who: PersonKey | Person): Author {
  const p: Person = typeof who === 'string' ? PEOPLE[who] : who;
  return { name: p.name, role: p.role, device: p.device };
}

/** Who writes each type by default: the first of these whose role may. */
const DEFAULT_AUTHORS: readonly PersonKey[] = ['resident', 'hotline', 'dispatcher', 'technician', 'complaintHandler', 'stationHead', 'manager'];

function defaultAuthor(type: EventType): PersonKey {
  if (type === 'signed-off') return 'technician'; // the resident signs on the technician's device
  const found = DEFAULT_AUTHORS.find((k) => mayEmit(PEOPLE[k].role, type));
  if (!found) throw new Error(`no default author may emit ${type}`);
  return found;
}

const contact = { name: '张女士', phone: '13800138000' };
const address = '北辰路 12 号院 3 号楼 2 单元 501';

/** A valid submission of each kind of request. */
export const SUBMISSIONS: { [K in RequestKind]: Record<string, unknown> } = {
  consultation: { channel: 'portal', contact, question: '今年什么时候开始供暖？' },
  complaint: { channel: 'portal', contact, address, about: '维修人员', place: address, demand: '尽快修好并道歉' },
  repair: { channel: 'portal', contact, address, fault: 'radiator-not-warm', contactTimes: ['工作日晚上'] },
  'temperature-test': {
    channel: 'portal',
    contact,
    address,
    rooms: [
      { name: '客厅', areaM2: 24 },
      { name: '卧室', areaM2: 12 },
    ],
    preferredSlots: [{ date: '2025-12-03', from: '09:00', to: '11:00' }],
  },
  'appointment-installation': { channel: 'portal', contact, address, preferredDate: '2025-12-02', slot: 'morning' },
  'appointment-repair': { channel: 'portal', contact, address, preferredDate: '2025-12-02', slot: 'morning' },
  'appointment-safety-inspection': { channel: 'portal', contact, address, preferredDate: '2025-12-02', slot: 'afternoon' },
  'appointment-meter-reading': { channel: 'portal', contact, address, preferredDate: '2025-12-02', slot: 'afternoon' },
  'appliance-installation': { channel: 'portal', contact, address, preferredDate: '2025-12-02', slot: 'morning' },
  'appliance-repair': { channel: 'portal', contact, address, preferredDate: '2025-12-02', slot: 'morning' },
  'appliance-safety-check': { channel: 'portal', contact, address, preferredDate: '2025-12-02', slot: 'morning' },
  suggestion: { channel: 'portal', contact, text: '希望增加夜间热线人员。' },
  praise: { channel: 'portal', contact, text: '陈师傅修得又快又好。', staffName: '陈师傅' },
  emergency: { channel: 'phone', contact, address, location: '厨房', description: '闻到燃气味' },
};

/** A valid payload of each type (the submitted one depends on the kind: see SUBMISSIONS). */
export const PAYLOADS: { [T in Exclude<EventType, 'submitted'>]: Record<string, unknown> } = {
  accepted: {},
  routed: { toStation: STATION },
  dispatched: { technician: PEOPLE.technician.name, technicianName: '陈师傅', visitAt: '2025-12-01T01:00:00.000Z' },
  arrived: {},
  'late-notice': { newVisitAt: '2025-12-01T02:00:00.000Z', reason: '前一单延误' },
  'nobody-home': { noteLeft: true },
  diagnosed: { finding: '暖气片内有空气' },
  'work-done': { summary: '排气后恢复正常' },
  measured: {
    rooms: [
      { name: '客厅', areaM2: 24, readings: [18.5, 18.9] },
      { name: '卧室', areaM2: 12, readings: [19.2] },
    ],
    signature: PNG_SIGNATURE,
  },
  resolved: { summary: '已修复' },
  'signed-off': { signature: PNG_SIGNATURE, satisfied: true },
  reopened: { reason: '暖气又不热了' },
  reply: { text: '您好，11 月 15 日开始供暖。', channel: 'sms' },
  note: { text: '住户白天不在家' },
  callback: { outcome: 'satisfied', attitude: 10, ability: 9, satisfaction: 'very-satisfied' },
  escalated: { level: 1 },
  rated: {
    visit: 'ev-01KB0000000000000000000000',
    attitude: 10,
    ability: 10,
    view: { attitude: 'very-satisfied', skill: 'satisfied', arrival: 'satisfied', promises: 'very-satisfied' },
  },
  withdrawn: {},
  closed: { summary: '已办结' },
  assessed: { holds: true, explanation: '情况属实' },
  responsible: { department: '北辰供热所', owner: '刘所长' },
  cause: { cause: '维修人员未按约定时间上门', personResponsible: '周师傅' },
  'remedy-proposed': { remedy: '上门致歉并优先维修' },
  'remedy-approved': {},
  'remedy-done': { summary: '已上门致歉并修复' },
  'resident-told': { channel: 'phone' },
  review: { lessons: '约定时间须提前确认' },
};

let random: RandomSource = seededRandom(20251201);
/** Restart the id sequence (call in beforeEach for ids that do not depend on test order). */
export function resetIds(seed = 20251201): void {
  random = seededRandom(seed);
}

export type EventOverrides<T extends EventType> = Partial<Omit<EventOf<T>, 'author' | 'payload' | 'type'>> & {
  author?: PersonKey | Author;
  /** Merged into the default payload; a key given as undefined is removed. */
  payload?: Partial<Record<keyof PayloadOf<T> | string, unknown>>;
};

function mergePayload(base: Record<string, unknown>, patch: Record<string, unknown> | undefined): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base, ...patch };
  for (const [k, value] of Object.entries(merged)) if (value === undefined) delete merged[k];
  return merged;
}

/** Parses with the real schema; a builder that makes an invalid event fails loudly. */
function valid<T extends EventType>(candidate: Record<string, unknown>): EventOf<T> {
  const result = v.safeParse(EventRecord, candidate);
  if (!result.success) {
    const problems = describeEventIssues(result.issues, 'en').map((i) => `${i.path}: ${i.message}`);
    throw new Error(`builder made an invalid ${String(candidate.type)} event:\n  ${problems.join('\n  ')}`);
  }
  return result.output as EventOf<T>;
}

/** A valid event of `type`, with sensible defaults for a repair at STATION for RESIDENT. */
export function anEvent<T extends EventType>(type: T, overrides: EventOverrides<T> = {}): EventOf<T> {
  const { author: authorOverride, payload: payloadOverride, ...rest } = overrides;
  const requestKind: RequestKind =
    (rest.requestKind as RequestKind | undefined) ?? (KIND_OF_TYPE as Partial<Record<EventType, RequestKind>>)[type] ?? 'repair';
  const author =
    authorOverride === undefined ? authorOf(defaultAuthor(type)) : typeof authorOverride === 'string' ? authorOf(authorOverride) : authorOverride;
  const at = (rest.at as string | undefined) ?? T0;
  const base = type === 'submitted' ? SUBMISSIONS[requestKind] : PAYLOADS[type as Exclude<EventType, 'submitted'>];
  const payload = mergePayload(
    type === 'submitted' && author.role !== 'resident' ? { ...base, channel: base.channel === 'portal' ? 'hall' : base.channel } : base,
    payloadOverride as Record<string, unknown> | undefined,
  );
  return valid<T>({
    id: newEventId(Date.parse(at), random),
    docType: 'event',
    schemaVersion: 1,
    requestId: 'rq-01KB0000000000000000000000',
    requestKind,
    type,
    at,
    author,
    resident: RESIDENT,
    station: STATION,
    visibility: mustBeInternal(type) ? 'internal' : 'resident',
    payload,
    ...rest,
  });
}

/** A submitted event of any kind (by the resident unless `author` says otherwise). */
export function aSubmitted<K extends RequestKind>(kind: K, overrides: EventOverrides<'submitted'> = {}): EventOf<'submitted'> {
  return anEvent('submitted', {
    author: kind === 'emergency' ? 'hotline' : 'resident',
    ...overrides,
    requestKind: kind,
  });
}

export function aSubmittedRepair(overrides: EventOverrides<'submitted'> = {}): EventOf<'submitted'> {
  return aSubmitted('repair', overrides);
}

export type Step = EventType | [EventType, EventOverrides<EventType>];

export interface HistoryOptions {
  kind?: RequestKind;
  /** The events after `submitted`, in order; each `type` or `[type, overrides]`. */
  steps?: readonly Step[];
  /** When the request is submitted (default T0). */
  start?: string;
  /** Time between consecutive events, ms (default 30 minutes). */
  every?: number;
  submittedBy?: PersonKey;
  submission?: EventOverrides<'submitted'>;
  requestId?: string;
  resident?: string;
  station?: string;
}

/** The usual life of a repair: taken, dispatched, on site, fixed, signed, closed. */
export const REPAIR_STEPS: readonly Step[] = ['accepted', 'dispatched', 'arrived', 'work-done', 'resolved', 'signed-off', 'closed'];

/**
 * The events of one request: `submitted` at `start`, then each step `every` ms later, all
 * with the same request id, kind, resident and station.
 */
export function aRequestHistory(options: HistoryOptions = {}): EventOf<EventType>[] {
  const kind = options.kind ?? 'repair';
  const start = Date.parse(options.start ?? T0);
  const every = options.every ?? 30 * 60_000;
  const requestId = options.requestId ?? newRequestId(start, random);
  const common = {
    requestId,
    requestKind: kind,
    resident: options.resident ?? RESIDENT,
    station: options.station ?? STATION,
  };
  const submitted = aSubmitted(kind, {
    ...(options.submittedBy ? { author: options.submittedBy } : {}),
    ...options.submission,
    ...common,
    at: new Date(start).toISOString(),
  });
  const steps = options.steps ?? (kind === 'repair' ? REPAIR_STEPS : []);
  return [
    submitted,
    ...steps.map((step, i) => {
      const [type, overrides] = typeof step === 'string' ? [step, {}] : step;
      return anEvent(type, { ...common, at: new Date(start + (i + 1) * every).toISOString(), ...overrides } as EventOverrides<EventType>);
    }),
  ];
}

/** The CouchDB document of an event, as RxDB's push sends it. */
export function asCouchDoc(event: EventRecord, extra: { _rev?: string; _deleted?: false } = {}): EventDoc {
  return { ...toCouchDoc(event), ...extra } as EventDoc;
}
