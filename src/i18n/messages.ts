import type { Lang } from './lang';
import { MAX_SIGNATURE_KB, READING_MAX_CELSIUS, READING_MIN_CELSIUS } from '../db/schema/events/limits';
import { MAX_PHOTOS, MAX_PHOTO_BYTES } from '../db/schema/photos';
import {
  BOOKING_HORIZON_DAYS,
  ESCALATION_LEVELS,
  MAX_ROOM_AREA_M2,
  TEMPERATURE_TEST_BOOKING_DAYS,
  VISITING_HOURS,
  YEAR_MAX,
  YEAR_MIN,
} from '../db/schema/vocabulary';

/**
 * Error messages of the record schemas, in both languages of the interface. This table imports
 * only the schemas' vocabulary and limits (leaf modules), so the schemas may name its ids
 * (`MessageId`) without a cycle; the sentences are made in ./issues.ts.
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
    en: `{field} must be an escalation level from 1 to ${ESCALATION_LEVELS}.`,
    'zh-CN': `{field}必须是 1 到 ${ESCALATION_LEVELS} 的升级级别。`,
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
  'repair.details': { en: 'When the fault is “Other”, {field} must be filled in.', 'zh-CN': '故障类型为“其他”时须填写{field}。' },
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
  'number.year': { en: `{field} must be a year from ${YEAR_MIN} to ${YEAR_MAX}.`, 'zh-CN': `{field}必须是 ${YEAR_MIN} 到 ${YEAR_MAX} 之间的年份。` },
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
