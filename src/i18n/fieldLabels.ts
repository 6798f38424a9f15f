import type { Lang } from './lang';
import type { Commitments } from '../db/schema/commitments';
import type { EventDoc, EventRecord } from '../db/schema/events/event';
import type { OperationsRecord, OperationsRecordDoc } from '../db/schema/records/record';

/**
 * The field names of the records (events, operations records, the commitments), as the type
 * checker sees them in the schemas' output types: every key at any depth (`Keys`), and every
 * `parent.key` pair (`Pairs`). FIELD_LABELS is checked against them, so a label of a field no
 * schema has (a typo, a field renamed) fails `npm run typecheck`.
 */
/** The named keys of an object type; an index signature (a draft's free-form set) names none. */
type Named<T> = { [K in keyof T as string extends K ? never : number extends K ? never : K]: T[K] };
type Shape<T> = T extends readonly (infer E)[] ? Shape<E> : T extends object ? Named<T> : never;
type Keys<T> = T extends readonly (infer E)[]
  ? Keys<E>
  : T extends object
    ? { [K in keyof Named<T> & string]-?: K | Keys<NonNullable<Named<T>[K]>> }[keyof Named<T> & string]
    : never;
type Pairs<T> = T extends readonly (infer E)[]
  ? Pairs<E>
  : T extends object
    ? { [K in keyof Named<T> & string]-?: `${K}.${keyof Shape<NonNullable<Named<T>[K]>> & string}` | Pairs<NonNullable<Named<T>[K]>> }[keyof Named<T> & string]
    : never;
type Documents = EventDoc | EventRecord | OperationsRecord | OperationsRecordDoc | Commitments;
export type FieldName = Keys<Documents> | Pairs<Documents>;

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
  about: { en: 'what the complaint is about', 'zh-CN': '投诉事项' },
  happenedAt: { en: 'the time it happened', 'zh-CN': '发生时间' },
  place: { en: 'the place it happened', 'zh-CN': '发生地点' },
  demand: { en: 'what you want us to do', 'zh-CN': '您的要求' },
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
} as const satisfies Partial<Record<FieldName, Record<Lang, string>>>;

export type PathKey = string | number;

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

