/** Valid events for the backend tests (the schema is src/db/schema/events/event.ts). */

import { newEventId, newRequestId } from '../../../src/db/schema/events/ids';

/** A CouchDB document: an id and anything else. */
export type Doc = { _id: string } & Record<string, any>;

/**
 * An event of `type` by `author` written at `at` (default now), about a new repair request
 * unless `fields` name another; `fields` (resident, station, visibility, payload, …) go over
 * these. The builders below and the tests that write their own events start from it.
 */
export function eventAt(
  author: { name: string; role: string; device: string },
  type: string,
  fields: Record<string, unknown>,
  at = new Date(),
): Doc {
  return {
    _id: newEventId(at.getTime()),
    docType: 'event',
    schemaVersion: 1,
    requestId: newRequestId(at.getTime()),
    requestKind: 'repair',
    at: at.toISOString(),
    author,
    type,
    ...fields,
  };
}

/** A resident's consultation: the simplest event a resident may write into their own database. */
export function residentSubmission(resident: { name: string; phone: string }, station = 'demo'): Doc {
  return eventAt({ name: resident.name, role: 'resident', device: 'test-phone' }, 'submitted', {
    requestKind: 'consultation',
    resident: resident.name,
    station,
    visibility: 'resident',
    payload: { channel: 'portal', contact: { name: '张三', phone: resident.phone }, question: '暖气什么时候开始供？' },
  });
}

/** A resident's repair report: a request a technician visits (a consultation has no visit). */
export function residentRepairReport(resident: { name: string; phone: string }, station = 'demo'): Doc {
  const submission = residentSubmission(resident, station);
  return {
    ...submission,
    requestKind: 'repair',
    payload: { channel: 'portal', contact: { name: '张三', phone: resident.phone }, address: '暖园小区 1 号楼 101', fault: 'radiator-not-warm', contactTimes: ['工作日晚上'] },
  };
}

/** A technician's arrival at a repair, written into the station's database. */
export function technicianArrival(technician: string, station: string, resident = 'r-12345678'): Doc {
  return eventAt({ name: technician, role: 'technician', device: 'test-tablet' }, 'arrived', { resident, station, visibility: 'resident', payload: {} });
}

/**
 * The submission of the request an event names (a repair the hotline registered a minute
 * before it), to put into a station's database as the router's copy would be: staff write only
 * about requests their database holds (src/rules/requestLinkage.ts).
 */
export function submissionOf(event: Doc): Doc {
  return eventAt(
    { name: 'hl-seed', role: 'hotline', device: 'pc-seed' },
    'submitted',
    {
      requestId: event.requestId,
      requestKind: event.requestKind,
      resident: event.resident,
      station: event.station,
      visibility: 'resident',
      payload: { channel: 'phone', contact: { name: '张三', phone: '13800138000' }, address: '北辰路 12 号', fault: 'radiator-not-warm', contactTimes: [] },
    },
    new Date(Date.parse(event.at) - 60_000),
  );
}
