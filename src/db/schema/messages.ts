import type * as v from 'valibot';
import type { Lang } from '../../i18n/index';
import { ESCALATION_LADDER } from '../../rules/escalation';
import { MAX_ROOM_AREA_M2 } from '../../rules/measurementMethod';
import { BOOKING_HORIZON_DAYS, TEMPERATURE_TEST_BOOKING_DAYS, VISITING_HOURS, type BookingProblem } from '../../rules/bookingWindows';
import { MAX_SIGNATURE_KB, READING_MAX_CELSIUS, READING_MIN_CELSIUS } from './events/limits';
import { MAX_PHOTOS, MAX_PHOTO_BYTES } from './photos';
import type { CommitteeProblem } from '../../rules/committee/approvable';

/**
 * Error messages of the record schemas, in both languages of the interface.
 *
 * Every check in the event schemas (src/db/schema/events/) uses one of these ids as its
 * valibot message, so `issue.message` is a stable id such as `text.tooLong`, never prose.
 * {@link describeEventIssues} turns issues into sentences that name the field, in English or
 * Chinese: `payload.rooms[0].areaM2` → "Area must be more than 0 m² and at most 1000 m²."
 * Placeholders: {field} the field's label; {requirement} the check's bound (valibot's
 * `issue.requirement`); {expected} what valibot expected (e.g. `"resident" | "internal"`).
 */
export const MESSAGES = {
  'value.required': { en: '{field} is required.', 'zh-CN': '请填写{field}。' },
  // A choice (a date, a time of day, one of a list) left unchosen: "choose", not "must be a date such as …".
  'value.choose': { en: 'Choose the {field}.', 'zh-CN': '请选择{field}。' },
  'value.unknown': { en: '{field} is not a field of this record.', 'zh-CN': '{field}不是此记录的字段。' },
  'value.object': { en: '{field} must be a group of fields (an object).', 'zh-CN': '{field}格式不正确，应为一组字段。' },
  'value.string': { en: '{field} must be text.', 'zh-CN': '{field}必须是文字。' },
  'value.number': { en: '{field} must be a number.', 'zh-CN': '{field}必须是数字。' },
  'value.boolean': { en: '{field} must be true or false.', 'zh-CN': '{field}必须为“是”或“否”。' },
  'value.array': { en: '{field} must be a list.', 'zh-CN': '{field}必须是列表。' },
  'value.oneOf': { en: '{field} must be one of {expected}.', 'zh-CN': '{field}必须是以下之一：{expected}。' },
  'value.literal': { en: '{field} must be {expected}.', 'zh-CN': '{field}必须为 {expected}。' },
  'value.invalid': { en: '{field} is not valid.', 'zh-CN': '{field}无效。' },
  'text.blank': { en: '{field} must not be blank.', 'zh-CN': '{field}不能为空。' },
  'text.tooLong': { en: '{field} must be at most {requirement} characters.', 'zh-CN': '{field}不能超过 {requirement} 个字符。' },
  'id.event': {
    en: '{field} must be "ev-" followed by 26 capital letters and digits.',
    'zh-CN': '{field}必须是“ev-”加 26 位大写字母和数字。',
  },
  'id.request': {
    en: '{field} must be "rq-" followed by 26 capital letters and digits.',
    'zh-CN': '{field}必须是“rq-”加 26 位大写字母和数字。',
  },
  'id.user': {
    en: '{field} must be a user name: letters, digits and . _ @ + : -, at most 60 characters.',
    'zh-CN': '{field}必须是账号名：字母、数字及 . _ @ + : -，不超过 60 个字符。',
  },
  'id.station': {
    en: '{field} must be a station id: lower-case words joined by hyphens.',
    'zh-CN': '{field}必须是供热所编号：小写字母或数字，以连字符连接。',
  },
  'id.community': {
    en: '{field} must list community ids: lower-case words joined by hyphens.',
    'zh-CN': '{field}必须是小区编号：小写字母或数字，以连字符连接。',
  },
  'id.device': {
    en: '{field} must be a device id: letters, digits and . _ -, at most 64 characters.',
    'zh-CN': '{field}必须是设备编号：字母、数字及 . _ -，不超过 64 个字符。',
  },
  'id.record': {
    en: '{field} must be "rc-" followed by 26 capital letters and digits.',
    'zh-CN': '{field}必须是“rc-”加 26 位大写字母和数字。',
  },
  'id.outage': {
    en: '{field} must be "ou-" followed by 26 capital letters and digits.',
    'zh-CN': '{field}必须是“ou-”加 26 位大写字母和数字。',
  },
  'id.household': {
    en: '{field} must be an account number: letters, digits and hyphens, at most 40 characters.',
    'zh-CN': '{field}必须是户号：字母、数字和连字符，不超过 40 个字符。',
  },
  'id.rev': { en: '{field} must be a CouchDB revision such as 1-abc.', 'zh-CN': '{field}必须是 CouchDB 修订号，如 1-abc。' },
  'phone.format': {
    en: '{field} must be a mobile number (11 digits starting with 1) or a landline with its area code.',
    'zh-CN': '{field}必须是 11 位手机号或带区号的固定电话。',
  },
  'time.instant': {
    en: '{field} must be a UTC time such as 2025-12-01T08:30:00.000Z.',
    'zh-CN': '{field}必须是 UTC 时间，如 2025-12-01T08:30:00.000Z。',
  },
  'time.day': { en: '{field} must be a date such as 2025-12-01.', 'zh-CN': '{field}必须是日期，如 2025-12-01。' },
  'time.clock': { en: '{field} must be a time of day such as 08:30.', 'zh-CN': '{field}必须是时刻，如 08:30。' },
  'time.order': { en: '{field} must be later than the start.', 'zh-CN': '{field}必须晚于开始时间。' },
  'number.count': { en: '{field} must be zero or more.', 'zh-CN': '{field}不能小于 0。' },
  'number.integer': { en: '{field} must be a whole number.', 'zh-CN': '{field}必须是整数。' },
  'number.score': { en: '{field} must be a whole number from 1 to 10.', 'zh-CN': '{field}必须是 1 到 10 的整数。' },
  'number.level': {
    en: `{field} must be an escalation level from 1 to ${ESCALATION_LADDER.length}.`,
    'zh-CN': `{field}必须是 1 到 ${ESCALATION_LADDER.length} 的升级级别。`,
  },
  'number.area': {
    en: `{field} must be more than 0 m² and at most ${MAX_ROOM_AREA_M2} m².`,
    'zh-CN': `{field}必须大于 0 ㎡且不超过 ${MAX_ROOM_AREA_M2} ㎡。`,
  },
  'number.reading': {
    en: `{field} must be a temperature from ${READING_MIN_CELSIUS} to ${READING_MAX_CELSIUS} °C.`,
    'zh-CN': `{field}必须是 ${READING_MIN_CELSIUS} 到 ${READING_MAX_CELSIUS} °C 之间的温度。`,
  },
  'list.tooShort': { en: '{field} must have at least {requirement} item(s).', 'zh-CN': '{field}至少要有 {requirement} 项。' },
  'list.tooLong': { en: '{field} must have at most {requirement} items.', 'zh-CN': '{field}最多 {requirement} 项。' },
  'signature.png': { en: '{field} must be a PNG image (a data: URL).', 'zh-CN': '{field}必须是 PNG 图片（data: URL）。' },
  'id.photo': {
    en: '{field} must be the request id followed by "-photo-" and the photo\'s number.',
    'zh-CN': '{field}必须是诉求编号加“-photo-”和照片序号。',
  },
  'photos.tooMany': { en: `{field}: at most ${MAX_PHOTOS} per request.`, 'zh-CN': `{field}每个诉求最多 ${MAX_PHOTOS} 张。` },
  'photos.type': { en: '{field} must be a JPEG or PNG picture.', 'zh-CN': '{field}必须是 JPEG 或 PNG 图片。' },
  'photos.tooLarge': {
    en: `{field} must be at most ${MAX_PHOTO_BYTES / 1024} KB.`,
    'zh-CN': `{field}不能超过 ${MAX_PHOTO_BYTES / 1024} KB。`,
  },
  'signature.tooLarge': { en: `{field} must be at most ${MAX_SIGNATURE_KB} KB.`, 'zh-CN': `{field}不能超过 ${MAX_SIGNATURE_KB} KB。` },
  'repair.details': { en: '{field} is required when the fault is "other".', 'zh-CN': '故障类型为“其他”时须填写{field}。' },
  'routed.target': {
    en: '{field} must name a station, a department or an owner to route to.',
    'zh-CN': '{field}须指明转往的供热所、部门或负责人。',
  },
  'visibility.internal': {
    en: '{field} must be "internal": this type of event is never shown to the resident.',
    'zh-CN': '{field}必须为“internal”：此类记录不向居民显示。',
  },
  'visibility.resident': {
    en: '{field} must be "resident": what a resident writes is visible to them.',
    'zh-CN': '{field}必须为“resident”：居民本人写的记录对其可见。',
  },
  'submitted.emergency': {
    en: '{field}: emergencies are registered by staff; a resident must call the 24-hour emergency phone.',
    'zh-CN': '{field}：抢险由工作人员登记，居民须立即拨打 24 小时抢险电话。',
  },
  'submitted.portal': {
    en: '{field} must be "portal" when a resident submits a request.',
    'zh-CN': '居民自行提交时{field}必须为“portal”。',
  },
  'event.kindOnly': {
    en: '{field} must be {expected}: this type of event belongs to that kind of request only.',
    'zh-CN': '{field}必须为 {expected}：此类记录只属于该类诉求。',
  },
  // Booking windows (src/rules/bookingWindows.ts): judged at the moment the request is written.
  'booking.appointmentDay': {
    en: `{field} must be a day we can come: from tomorrow to ${BOOKING_HORIZON_DAYS} days ahead, on a working day unless the service is offered every day.`,
    'zh-CN': `{field}须为可预约的日子：明天起 ${BOOKING_HORIZON_DAYS} 天之内；只在工作日提供的服务不能约周末和节假日。`,
  },
  'booking.testDay': {
    en: `{field} must be today or within the next ${TEMPERATURE_TEST_BOOKING_DAYS} days.`,
    'zh-CN': `{field}须为今天或今后 ${TEMPERATURE_TEST_BOOKING_DAYS} 天之内。`,
  },
  'booking.visitingHours': {
    en: `{field} must be between ${VISITING_HOURS.from} and ${VISITING_HOURS.to}, the hours we visit homes.`,
    'zh-CN': `{field}须在入户服务时间 ${VISITING_HOURS.from}–${VISITING_HOURS.to} 之内。`,
  },
  // The committee's commitments (src/db/schema/records/commitmentsRecords.ts, src/rules/committee).
  'number.year': { en: '{field} must be a year from 2000 to 2100.', 'zh-CN': '{field}必须是 2000 到 2100 之间的年份。' },
  'number.min': { en: '{field} must be at least {requirement}.', 'zh-CN': '{field}不能小于 {requirement}。' },
  'number.max': { en: '{field} must be at most {requirement}.', 'zh-CN': '{field}不能大于 {requirement}。' },
  'commitments.slug': {
    en: '{field} must be lower-case letters and digits joined by hyphens.',
    'zh-CN': '{field}必须是小写字母或数字，以连字符连接。',
  },
  'commitments.tooLarge': { en: '{field} is too large to keep as one draft.', 'zh-CN': '{field}过大，无法保存为一份草稿。' },
  'commitments.targetRange': {
    en: '{field} is outside the range of its unit: a percentage from 0 to 100, a score from 1 to 10, visits a year from 0 to 12.',
    'zh-CN': '{field}超出其单位的范围：百分比 0–100，评分 1–10，每年次数 0–12。',
  },
  'commitments.elapsedBound': {
    en: '{field} must give exactly one of "at most" and "at least".',
    'zh-CN': '{field}须且只能给出“不超过”或“不少于”其中之一。',
  },
  'commitments.periodOrder': { en: '{field} must not be before the start of the period.', 'zh-CN': '{field}不能早于起始日期。' },
  'commitments.uniqueIds': { en: '{field}: two indicators have the same id.', 'zh-CN': '{field}：有两个指标编号相同。' },
  'commitments.yearMismatch': {
    en: '{field} must be {expected}, the year the draft is for.',
    'zh-CN': '{field}必须为 {expected}，即本草稿所属的年份。',
  },
  'commitments.notLatest': {
    en: '{field}: a newer revision of this draft exists; approve the latest one.',
    'zh-CN': '{field}：此草稿已有更新的修订，请审批最新修订。',
  },
  'commitments.promiseNumber': {
    en: '{field} says {requirement} but the target is {expected}: write {target} where the number goes (it is filled in from the target), or change the number.',
    'zh-CN': '{field}写的是 {requirement}，但目标值是 {expected}：请在数字处写 {target}（发布时自动填入目标值），或改正数字。',
  },
  'commitments.copyDiffers': {
    en: '{field} must be the approved revision\'s set, unchanged.',
    'zh-CN': '{field}必须与所审批修订的内容完全一致。',
  },
} as const satisfies Record<string, Record<Lang, string>>;

export type MessageId = keyof typeof MESSAGES;

export function isMessageId(id: string): id is MessageId {
  return Object.prototype.hasOwnProperty.call(MESSAGES, id);
}

/**
 * Labels of the fields of the records, by key. A key that means different things in different
 * places is labelled by `parent.key` first (`contact.name` is a person, `rooms.name` a room).
 */
export const FIELD_LABELS = {
  _id: { en: 'id', 'zh-CN': '编号' },
  id: { en: 'id', 'zh-CN': '编号' },
  _rev: { en: 'revision', 'zh-CN': '修订号' },
  _deleted: { en: 'deleted flag', 'zh-CN': '删除标记' },
  receivedAt: { en: 'time received', 'zh-CN': '接收时间' },
  docType: { en: 'document type', 'zh-CN': '文档类型' },
  schemaVersion: { en: 'schema version', 'zh-CN': '格式版本' },
  requestId: { en: 'request id', 'zh-CN': '诉求编号' },
  requestKind: { en: 'kind of request', 'zh-CN': '诉求类型' },
  type: { en: 'type of event', 'zh-CN': '记录类型' },
  at: { en: 'time', 'zh-CN': '时间' },
  author: { en: 'author', 'zh-CN': '记录人' },
  'author.name': { en: "author's user name", 'zh-CN': '记录人账号' },
  role: { en: 'role', 'zh-CN': '角色' },
  device: { en: 'device', 'zh-CN': '设备' },
  resident: { en: "resident's user name", 'zh-CN': '居民账号' },
  station: { en: 'station', 'zh-CN': '供热所' },
  // outage records (src/db/schema/records/record.ts)
  outage: { en: 'outage', 'zh-CN': '停热编号' },
  plannedStart: { en: 'planned start', 'zh-CN': '计划开始时间' },
  plannedEnd: { en: 'planned end', 'zh-CN': '计划结束时间' },
  affectedCustomers: { en: 'households affected', 'zh-CN': '影响户数' },
  area: { en: 'area affected', 'zh-CN': '停热范围' },
  communities: { en: 'communities affected', 'zh-CN': '停热小区' },
  planned: { en: 'planned', 'zh-CN': '是否计划停热' },
  atHeatSource: { en: 'fault at the heat source', 'zh-CN': '是否热源故障' },
  visibility: { en: 'visibility', 'zh-CN': '可见范围' },
  payload: { en: 'content', 'zh-CN': '内容' },
  channel: { en: 'channel', 'zh-CN': '渠道' },
  contact: { en: 'contact', 'zh-CN': '联系人' },
  'contact.name': { en: 'contact name', 'zh-CN': '联系人' },
  name: { en: 'name', 'zh-CN': '名称' },
  phone: { en: 'contact phone', 'zh-CN': '联系电话' },
  address: { en: 'address', 'zh-CN': '地址' },
  question: { en: 'your question', 'zh-CN': '您的问题' },
  about: { en: 'the subject of the complaint', 'zh-CN': '投诉事项' },
  happenedAt: { en: 'the time it happened', 'zh-CN': '发生时间' },
  place: { en: 'the place it happened', 'zh-CN': '发生地点' },
  demand: { en: 'your demand', 'zh-CN': '您的要求' },
  fault: { en: 'fault', 'zh-CN': '故障类型' },
  details: { en: 'details', 'zh-CN': '情况说明' },
  photos: { en: 'photos', 'zh-CN': '照片' },
  contactTimes: { en: 'best times to reach you', 'zh-CN': '方便联系您的时间' },
  rooms: { en: 'rooms', 'zh-CN': '房间' },
  'rooms.name': { en: 'room name', 'zh-CN': '房间名称' },
  areaM2: { en: 'area', 'zh-CN': '面积' },
  preferredSlots: { en: 'times that suit you', 'zh-CN': '方便上门的时间' },
  date: { en: 'day', 'zh-CN': '日期' },
  from: { en: 'start time', 'zh-CN': '开始时间' },
  to: { en: 'end time', 'zh-CN': '结束时间' },
  preferredDate: { en: 'date of the visit', 'zh-CN': '上门日期' },
  slot: { en: 'time of day', 'zh-CN': '时段' },
  note: { en: 'note', 'zh-CN': '备注' },
  text: { en: 'text', 'zh-CN': '内容' },
  staffName: { en: 'staff member’s name', 'zh-CN': '工作人员姓名' },
  location: { en: 'location', 'zh-CN': '位置' },
  description: { en: 'description', 'zh-CN': '情况描述' },
  toStation: { en: 'station to route to', 'zh-CN': '转往供热所' },
  department: { en: 'department', 'zh-CN': '部门' },
  owner: { en: 'owner', 'zh-CN': '负责人' },
  technician: { en: "technician's user name", 'zh-CN': '维修人员账号' },
  technicianName: { en: 'technician', 'zh-CN': '维修人员' },
  visitAt: { en: 'visit time', 'zh-CN': '上门时间' },
  supervisor: { en: 'supervisor', 'zh-CN': '监督人' },
  newVisitAt: { en: 'new visit time', 'zh-CN': '新的上门时间' },
  reason: { en: 'reason', 'zh-CN': '原因' },
  noteLeft: { en: 'note left', 'zh-CN': '已留联系条' },
  finding: { en: 'finding', 'zh-CN': '检查结果' },
  summary: { en: 'summary', 'zh-CN': '摘要' },
  paidService: { en: 'paid service', 'zh-CN': '有偿服务' },
  readings: { en: 'readings', 'zh-CN': '测点读数' },
  signature: { en: 'signature', 'zh-CN': '签名' },
  satisfied: { en: 'satisfied', 'zh-CN': '是否满意' },
  comment: { en: 'comment', 'zh-CN': '意见' },
  attitude: { en: 'service attitude', 'zh-CN': '服务态度' },
  ability: { en: 'professional ability', 'zh-CN': '专业能力' },
  satisfaction: { en: 'satisfaction', 'zh-CN': '满意度' },
  outcome: { en: 'outcome', 'zh-CN': '回访结果' },
  nextTryAt: { en: 'next try', 'zh-CN': '下次回访时间' },
  level: { en: 'level', 'zh-CN': '升级级别' },
  visit: { en: 'visit', 'zh-CN': '上门记录' },
  view: { en: 'view', 'zh-CN': '评价' },
  'view.attitude': { en: 'attitude', 'zh-CN': '服务态度' },
  skill: { en: 'skill', 'zh-CN': '技能水平' },
  arrival: { en: 'arrival time', 'zh-CN': '上门时间' },
  promises: { en: 'keeping promises', 'zh-CN': '遵守承诺' },
  holds: { en: 'whether it holds', 'zh-CN': '是否属实' },
  explanation: { en: 'explanation', 'zh-CN': '说明' },
  cause: { en: 'cause', 'zh-CN': '原因' },
  personResponsible: { en: 'person responsible', 'zh-CN': '责任人' },
  remedy: { en: 'remedy', 'zh-CN': '整改措施' },
  lessons: { en: 'lessons', 'zh-CN': '经验教训' },
  // The commitments (content/commitments/<year>.yaml) as the committee edits them.
  year: { en: 'year', 'zh-CN': '年份' },
  startedFrom: { en: 'year started from', 'zh-CN': '起草依据年份' },
  previous: { en: 'previous revision', 'zh-CN': '上一修订' },
  revision: { en: 'revision', 'zh-CN': '修订' },
  approval: { en: 'approval', 'zh-CN': '审批' },
  request: { en: 'publication request', 'zh-CN': '发布申请' },
  commitments: { en: 'commitments', 'zh-CN': '服务承诺' },
  indicators: { en: 'indicators', 'zh-CN': '指标' },
  indicator: { en: 'indicator', 'zh-CN': '指标' },
  service: { en: 'service', 'zh-CN': '服务类别' },
  utility: { en: 'utility', 'zh-CN': '企业名称' },
  title: { en: 'title', 'zh-CN': '标题' },
  period: { en: 'period', 'zh-CN': '承诺期' },
  'period.from': { en: 'start of the period', 'zh-CN': '承诺期起始日期' },
  'period.to': { en: 'end of the period', 'zh-CN': '承诺期结束日期' },
  published: { en: 'publication', 'zh-CN': '发布信息' },
  category: { en: 'category', 'zh-CN': '类别' },
  label: { en: 'name of the indicator', 'zh-CN': '指标名称' },
  promise: { en: 'promise', 'zh-CN': '承诺内容' },
  'promise.zh': { en: 'the promise in Chinese', 'zh-CN': '承诺内容（中文）' },
  'promise.en': { en: 'the promise in English', 'zh-CN': '承诺内容（英文）' },
  zh: { en: 'Chinese text', 'zh-CN': '中文' },
  en: { en: 'English text', 'zh-CN': '英文' },
  target: { en: 'target', 'zh-CN': '目标值' },
  comparison: { en: 'comparison', 'zh-CN': '比较方式' },
  'target.value': { en: 'target', 'zh-CN': '目标值' },
  unit: { en: 'unit', 'zh-CN': '单位' },
  measure: { en: 'how it is measured', 'zh-CN': '计算方法' },
} as const satisfies Record<string, Record<Lang, string>>;

type PathKey = string | number;

/** `['payload', 'rooms', 0, 'areaM2']` → `payload.rooms[0].areaM2`. */
export function formatPath(path: readonly PathKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${key}` : key), '');
}

/** The label of the field at `path` (the last named key; its parent first for shared names). */
export function fieldLabel(path: readonly PathKey[], lang: Lang): string {
  const names = path.filter((k): k is string => typeof k === 'string');
  const key = names[names.length - 1];
  if (key === undefined) return lang === 'zh-CN' ? '记录' : 'the record';
  const parent = names[names.length - 2];
  const labels = FIELD_LABELS as Record<string, Record<Lang, string>>;
  return (parent !== undefined ? labels[`${parent}.${key}`] : undefined)?.[lang] ?? labels[key]?.[lang] ?? key;
}

export interface DescribedIssue {
  /** Where: `payload.rooms[0].areaM2` ('' for the whole record). */
  readonly path: string;
  /** The stable message id (`text.tooLong`), for forms that want their own wording. */
  readonly id: MessageId;
  /** A short sentence naming the field, in the asked language. */
  readonly message: string;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Valibot's `expected` for picklists and literals, readable: `("a" | "b")` → `"a", "b"`. */
function readableExpected(expected: string | null): string {
  if (!expected) return '';
  return expected.replace(/[()]/g, '').split(' | ').join(', ');
}

/** Checks of a value chosen rather than typed (a station is chosen from a list): left empty, the field asks to choose. */
const CHOICE_IDS: ReadonlySet<MessageId> = new Set<MessageId>(['id.station', 'time.day', 'time.clock', 'time.instant', 'value.oneOf', 'value.literal', 'value.boolean', 'number.score']);
/** Checks of a typed value: left empty, the field asks to fill it in. */
const TEXT_IDS: ReadonlySet<MessageId> = new Set<MessageId>(['value.string', 'text.blank', 'phone.format']);

/**
 * Issues of an event (or any record schema using the ids above) as sentences in `lang`, one
 * per field (the first problem found in it: `soon` is not a time, whichever way it is
 * checked), in valibot's order. An issue whose message is not one of our ids (a schema
 * without an id) falls back to `value.invalid`.
 */
export function describeEventIssues(issues: readonly v.BaseIssue<unknown>[], lang: Lang): DescribedIssue[] {
  const seen = new Set<string>();
  const firstPerField = issues.filter((issue) => {
    const path = formatPath((issue.path ?? []).map((p) => p.key as PathKey));
    return seen.has(path) ? false : (seen.add(path), true);
  });
  return firstPerField.map((issue) => {
    const keys = (issue.path ?? []).map((p) => p.key as PathKey);
    const given: MessageId = isMessageId(issue.message) ? issue.message : 'value.invalid';
    // Nothing chosen or typed: say so, rather than what a well-formed value looks like.
    const empty = issue.input === '' || issue.input === undefined;
    const id: MessageId = empty && CHOICE_IDS.has(given) ? 'value.choose' : empty && TEXT_IDS.has(given) ? 'value.required' : given;
    const template: string = MESSAGES[id][lang];
    const requirement = issue.requirement;
    const text = template
      .replaceAll('{field}', fieldLabel(keys, lang))
      .replaceAll('{requirement}', typeof requirement === 'number' || typeof requirement === 'string' ? String(requirement) : '')
      .replaceAll('{expected}', readableExpected(issue.expected));
    return { path: formatPath(keys), id, message: lang === 'en' ? capitalise(text) : text };
  });
}

/** Booking problems (src/rules/bookingWindows.ts) as sentences in `lang`, like describeEventIssues. */
export function describeBookingProblems(problems: readonly BookingProblem[], lang: Lang): DescribedIssue[] {
  return problems.map((p) => {
    const text = MESSAGES[p.id][lang].replaceAll('{field}', fieldLabel(p.path, lang));
    return { path: formatPath(p.path), id: p.id, message: lang === 'en' ? capitalise(text) : text };
  });
}

/**
 * The committee's problems with a commitments set (src/rules/committee/approvable.ts) as
 * sentences in `lang`, like describeEventIssues; `prefix` is where the set sits in the record
 * (`payload.commitments`), so the path names the field of the record written.
 */
export function describeCommitteeProblems(problems: readonly CommitteeProblem[], lang: Lang, prefix: readonly PathKey[] = []): DescribedIssue[] {
  return problems.map((p) => {
    const keys = [...prefix, ...p.path];
    const text = MESSAGES[p.id][lang]
      .replaceAll('{field}', fieldLabel(keys, lang))
      .replaceAll('{requirement}', p.requirement ?? '')
      .replaceAll('{expected}', p.expected ?? '');
    return { path: formatPath(keys), id: p.id, message: lang === 'en' ? capitalise(text) : text };
  });
}
