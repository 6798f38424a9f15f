import { toJsonSchema } from '@valibot/to-json-schema';
import { EVENT_TYPES, EventDoc, INTERNAL_TYPES } from './schema/events/event';
import { REQUEST_KINDS } from './schema/requestKind';
import { stepFitsKind } from '../rules/stepKinds';
import { OperationsRecordDoc } from './schema/records/record';
import { COUCH_ADMIN, COUCH_RESIDENT, COUCH_ROLE_PREFIX, COUCH_STATION_PREFIX, STATION_ROLES } from './schema/roles';
import { PERMISSIONS } from '../rules/permissions';
import { MAX_CLOCK_AHEAD_MS } from '../rules/eventTime';
import { callbackWindows } from '../rules/callbackHours';
import { CHINA_UTC_OFFSET_MS, parseClock } from '../rules/chinaTime';
import { OPERATIONS_WRITERS } from './validateWrite';
import { databaseName, type EventDatabase } from './databaseNames';
import { MAX_PHOTOS, MAX_PHOTO_BYTES, PHOTO_ATTACHMENT, PHOTO_TYPES, PhotoDoc } from './schema/photos';
import { REQUEST_ID_PATTERN } from './schema/events/ids';

/**
 * Validation inside the data engine (issue 17, finding 12): a `validate_doc_update` design
 * document for every event database, generated from the same sources as validateWrite — the
 * event and record schemas (through their JSON Schema, as the device's RxDB schema is), the
 * permission table, the internal types, the role names, the 24-hour clock bound — so that a
 * client that reaches CouchDB itself (its own credentials, or the proxy's cookie) is refused
 * what the server's guard refuses. CouchDB runs it in SpiderMonkey: the function is ES5 with
 * its data inlined, no `require`.
 *
 * One design document per database, with the database baked in: PouchDB Server gives the
 * function no `userCtx.db` and an empty `secObj` inside `_bulk_docs` (trap 9), so the function
 * cannot ask whose database it is; it is told when it is generated.
 *
 * What it checks for everyone but server admins (the guard, the router and the CLI write as
 * admins and check for themselves): never deleted, never changed, no `receivedAt` (the
 * server's), well formed (the JSON Schema: every field, type, length, pattern, enum; and the
 * cross-field rules on visibility and channels), the author is the session user in one of
 * their roles, the role may emit the type, the right database for the role, not dated more than
 * 24 hours ahead, a dispatch's visit not before the order. What it cannot check, because it
 * sees one document: that the request exists in the database, the resident's quota, that a
 * dispatch's technician is one of the station's (the accounts), the booking windows (they need the calendar). Those
 * stay with the guard; and the router checks the request of every event before copying it
 * anywhere (server/router/router.mjs), so an event slipped past the guard goes nowhere.
 *
 * Photos (src/db/schema/photos.ts): only in the owner's resident database, by the owner, well
 * formed, numbered 1–3 for their own request, one attachment of an image type within the size
 * limit; every other document with an attachment is refused. The bytes themselves (a real
 * JPEG/PNG, no location metadata) and the request's kind are the guard's: the engine hands the
 * function a stub without the data.
 */

export const DESIGN_DOC_ID = '_design/hearthline-validate';

/** The JSON Schema of a valibot schema; `check` actions (JavaScript) are left out, as for RxDB. */
function jsonSchemaOf(schema: unknown): unknown {
  const json = toJsonSchema(schema as never, { target: 'draft-07', ignoreActions: ['check'], errorMode: 'ignore' } as never) as Record<string, unknown>;
  const { $schema: _s, ...rest } = json;
  return rest;
}

let schemas: { event: unknown; record: unknown; photo: unknown } | undefined;
function schemasOnce() {
  return (schemas ??= {
    event: jsonSchemaOf(EventDoc),
    record: jsonSchemaOf(OperationsRecordDoc),
    // A photo's fields; its attachment is checked by hand (the engine hands the function a stub,
    // content_type and length, where the guard saw the inline data).
    photo: (({ properties, required, ...rest }: { properties: Record<string, unknown>; required: string[] }) => ({
      ...rest,
      properties: Object.fromEntries(Object.entries(properties).filter(([k]) => k !== '_attachments')),
      required: required.filter((k) => k !== '_attachments'),
    }))(jsonSchemaOf(PhotoDoc) as never),
  });
}

/**
 * The mini JSON Schema checker the function carries (the keywords @valibot/to-json-schema
 * emits for these schemas); ES5. Returns a path and a message, or null.
 */
const CHECKER = `
function check(s, v, path) {
  var i, k, e;
  if (s.anyOf || s.oneOf) {
    var alts = s.anyOf || s.oneOf, first = null;
    for (i = 0; i < alts.length; i++) { e = check(alts[i], v, path); if (!e) return null; if (!first || e.depth > first.depth) first = e; }
    return first;
  }
  if (s.allOf) { for (i = 0; i < s.allOf.length; i++) { e = check(s.allOf[i], v, path); if (e) return e; } }
  if (s.hasOwnProperty('const') && v !== s['const']) return fail(path, 'must be ' + JSON.stringify(s['const']));
  if (s['enum'] && s['enum'].indexOf(v) < 0) return fail(path, 'must be one of ' + s['enum'].join(', '));
  var t = s.type;
  if (t) {
    var types = typeof t === 'string' ? [t] : t, actual = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v, ok = false;
    for (i = 0; i < types.length; i++) if (types[i] === actual || (types[i] === 'integer' && actual === 'number' && Math.floor(v) === v)) ok = true;
    if (!ok) return fail(path, 'must be of type ' + types.join(' or '));
  }
  if (typeof v === 'string') {
    if (s.maxLength !== undefined && v.length > s.maxLength) return fail(path, 'is longer than ' + s.maxLength);
    if (s.minLength !== undefined && v.length < s.minLength) return fail(path, 'is shorter than ' + s.minLength);
    if (s.pattern !== undefined && !(new RegExp(s.pattern)).test(v)) return fail(path, 'is not in the expected form');
  }
  if (typeof v === 'number') {
    if (s.minimum !== undefined && v < s.minimum) return fail(path, 'is below ' + s.minimum);
    if (s.maximum !== undefined && v > s.maximum) return fail(path, 'is above ' + s.maximum);
    if (s.exclusiveMinimum !== undefined && v <= s.exclusiveMinimum) return fail(path, 'must be above ' + s.exclusiveMinimum);
    if (s.exclusiveMaximum !== undefined && v >= s.exclusiveMaximum) return fail(path, 'must be below ' + s.exclusiveMaximum);
  }
  if (Array.isArray(v)) {
    if (s.minItems !== undefined && v.length < s.minItems) return fail(path, 'has fewer than ' + s.minItems + ' items');
    if (s.maxItems !== undefined && v.length > s.maxItems) return fail(path, 'has more than ' + s.maxItems + ' items');
    if (s.items) for (i = 0; i < v.length; i++) { e = check(s.items, v[i], path + '[' + i + ']'); if (e) return e; }
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    var req = s.required || [];
    for (i = 0; i < req.length; i++) if (!v.hasOwnProperty(req[i])) return fail(path + '.' + req[i], 'is required');
    var props = s.properties || {};
    for (k in v) {
      if (!v.hasOwnProperty(k)) continue;
      if (props.hasOwnProperty(k)) { e = check(props[k], v[k], path + '.' + k); if (e) return e; }
      else if (s.additionalProperties === false) return fail(path + '.' + k, 'is not a known field');
    }
  }
  return null;
}
function fail(path, message) { return { path: path, message: message, depth: path.split('.').length }; }
`;

/** The source of the validate_doc_update function of one database. */
export function validateDocUpdateSource(database: EventDatabase): string {
  const { event, record, photo } = schemasOnce();
  const data = {
    db: database,
    dbName: databaseName(database),
    eventSchema: event,
    recordSchema: record,
    permissions: PERMISSIONS,
    internalTypes: INTERNAL_TYPES,
    stationRoles: STATION_ROLES,
    operationsWriters: OPERATIONS_WRITERS,
    couch: { admin: COUCH_ADMIN, resident: COUCH_RESIDENT, rolePrefix: COUCH_ROLE_PREFIX, stationPrefix: COUCH_STATION_PREFIX },
    maxAheadMs: MAX_CLOCK_AHEAD_MS,
    photo: {
      schema: photo,
      attachment: PHOTO_ATTACHMENT,
      types: PHOTO_TYPES,
      maxBytes: MAX_PHOTO_BYTES,
      max: MAX_PHOTOS,
      id: `^(${REQUEST_ID_PATTERN.source.slice(1, -1)})-photo-([0-9]{1,3})$`,
    },
    // The kinds each staff step belongs to (src/rules/stepKinds.ts): no consultation's dispatch.
    stepKinds: Object.fromEntries(EVENT_TYPES.map((type) => [type, REQUEST_KINDS.filter((kind) => stepFitsKind(type, kind))])),
    // src/rules/callbacks.ts nextTryProblem: the callback hours as [from, to) in ms of the China day.
    callback: { offsetMs: CHINA_UTC_OFFSET_MS, spans: callbackWindows().map((w) => [parseClock(w.from), parseClock(w.to)]) },
  };
  return `function (newDoc, oldDoc, userCtx, secObj) {
  var D = ${JSON.stringify(data)};
  ${CHECKER}
  function refuse(rule, reason) { throw({ forbidden: rule + ': ' + reason }); }
  var roles = userCtx.roles || [];
  if (roles.indexOf(D.couch.admin) >= 0) return;
  if (!userCtx.name) throw({ unauthorized: 'signed-in: you must be signed in to write' });
  if (newDoc._deleted === true) refuse('never-deleted', 'events are never deleted: record a new event instead');
  if (oldDoc) refuse('never-changed', 'events are never changed: record a new event instead');
  if (newDoc.hasOwnProperty('receivedAt')) refuse('received-at', 'receivedAt is the server\\'s receipt time');
  // What the engine adds before it calls us (PouchDB Server: _revisions, an undefined _rev) is not the document.
  var doc = {};
  for (var key in newDoc) if (newDoc.hasOwnProperty(key) && key !== '_revisions' && newDoc[key] !== undefined) doc[key] = newDoc[key];
  var isPhoto = doc.docType === 'photo';
  // Photos of a fault (src/db/validatePhotoWrite.ts) are the one document with an attachment.
  var atts = doc._attachments;
  delete doc._attachments;
  if (atts !== undefined && !isPhoto) refuse('attachments', 'attachments are accepted only on photos of a request');
  if (isPhoto) {
    var pp = check(D.photo.schema, doc, '');
    if (pp) refuse('well-formed', 'the photo is malformed: ' + (pp.path.slice(1) || 'document') + ' ' + pp.message);
    var m = new RegExp(D.photo.id).exec(doc._id);
    if (!m || m[1] !== doc.requestId) refuse('well-formed', 'the photo id names another request');
    if (+m[2] < 1 || +m[2] > D.photo.max) refuse('photo-count', 'a request carries at most ' + D.photo.max + ' photos');
    var names = [], an;
    for (an in (atts || {})) if (atts.hasOwnProperty(an)) names.push(an);
    if (names.length !== 1 || names[0] !== D.photo.attachment) refuse('well-formed', 'a photo holds one attachment named ' + D.photo.attachment);
    var att = atts[D.photo.attachment];
    if (D.photo.types.indexOf(att.content_type) < 0) refuse('photo-type', 'a photo is a JPEG or PNG picture');
    var size = typeof att.length === 'number' ? att.length : typeof att.data === 'string' ? Math.floor(att.data.length * 3 / 4) : 0;
    if (size > D.photo.maxBytes) refuse('photo-size', 'a photo is at most ' + D.photo.maxBytes + ' bytes');
    if (D.db.kind !== 'resident' || D.db.owner !== userCtx.name || doc.resident !== userCtx.name || doc.author.name !== userCtx.name || roles.indexOf(D.couch.resident) < 0) {
      refuse('photo-database', 'a resident adds photos only to their own requests, in their own database');
    }
    if (Date.parse(doc.at) - new Date().getTime() > D.maxAheadMs) refuse('event-time', 'dated more than 24 hours ahead of the server');
    return;
  }
  var isRecord = doc.docType === 'record';
  var problem = check(isRecord ? D.recordSchema : D.eventSchema, doc, '');
  if (problem) refuse('well-formed', 'the ' + (isRecord ? 'record' : 'event') + ' is malformed: ' + (problem.path.slice(1) || 'document') + ' ' + problem.message);
  if (!isRecord) {
    // The cross-field rules of the event schema (CROSS_FIELD_RULES in src/db/schema/events/event.ts).
    if (D.internalTypes.indexOf(doc.type) >= 0 && doc.visibility !== 'internal') refuse('well-formed', 'visibility: ' + doc.type + ' is internal');
    if (doc.author.role === 'resident' && doc.visibility !== 'resident') refuse('well-formed', 'visibility: what a resident writes is theirs to see');
    if (doc.type === 'submitted' && doc.author.role === 'resident' && (doc.requestKind === 'emergency' || doc.payload.channel !== 'portal')) refuse('well-formed', 'a resident submits through the portal, and never an emergency');
  }
  var mine = [], station = null, i, r;
  for (i = 0; i < roles.length; i++) {
    r = roles[i];
    if (r === D.couch.resident) mine.push('resident');
    else if (r.indexOf(D.couch.rolePrefix) === 0) mine.push(r.slice(D.couch.rolePrefix.length));
    else if (r.indexOf(D.couch.stationPrefix) === 0) station = r.slice(D.couch.stationPrefix.length);
  }
  if (doc.author.name !== userCtx.name) refuse('author-is-user', 'author.name must be the signed-in user');
  var role = doc.author.role;
  if (mine.indexOf(role) < 0) refuse('author-role', 'author.role must be one of your roles');
  if (Date.parse(doc.at) - new Date().getTime() > D.maxAheadMs) refuse('event-time', 'dated more than 24 hours ahead of the server');
  if (isRecord) {
    if (D.db.kind !== 'operations' || D.operationsWriters.concat(['committee']).indexOf(role) < 0) refuse('operations-database', 'operations records are written into the operations database by its staff');
    return;
  }
  if ((D.permissions[role] || []).indexOf(doc.type) < 0) refuse('may-emit', 'a ' + role + ' may not emit ' + doc.type);
  if (role !== 'resident' && (D.stepKinds[doc.type] || []).indexOf(doc.requestKind) < 0) refuse('may-emit', doc.type + ' is not a step of a ' + doc.requestKind + ' request');
  // src/rules/dispatch.ts dispatchProblem: a visit not before the minute the order was written.
  if (doc.type === 'dispatched' && Date.parse(doc.payload.visitAt) < Math.floor(Date.parse(doc.at) / 60000) * 60000) refuse('dispatch-time', 'the visit time is before the moment the order was written');
  // src/rules/callbacks.ts nextTryProblem: a resident not reached is tried again after the call, inside the callback hours.
  if (doc.type === 'callback' && doc.payload.outcome === 'unreachable' && doc.payload.nextTryAt !== undefined) {
    var next = Date.parse(doc.payload.nextTryAt), tod = ((next + D.callback.offsetMs) % 86400000 + 86400000) % 86400000, inside = false;
    for (i = 0; i < D.callback.spans.length; i++) if (D.callback.spans[i][0] <= tod && tod < D.callback.spans[i][1]) inside = true;
    if (!(next > Date.parse(doc.at)) || !inside) refuse('callback-next-try', 'the next try is after the call and inside the callback hours');
  }
  if (D.db.kind === 'resident') {
    if (role !== 'resident' || D.db.owner !== userCtx.name || doc.resident !== userCtx.name) refuse('resident-database', 'a resident writes only their own events into their own database');
  } else if (D.db.kind === 'station') {
    if (D.stationRoles.indexOf(role) < 0 || station !== D.db.station || doc.station !== D.db.station) refuse('station-database', 'station staff write only about their station into its database');
  } else if (D.db.kind === 'operations') {
    if (D.operationsWriters.indexOf(role) < 0) refuse('operations-database', 'the operations database takes events of ' + D.operationsWriters.join(', '));
  }
}`;
}

/** The design document of one database (setup writes it; a changed source replaces it). */
export function designDocFor(database: EventDatabase): { _id: string; language: 'javascript'; validate_doc_update: string } {
  return { _id: DESIGN_DOC_ID, language: 'javascript', validate_doc_update: validateDocUpdateSource(database) };
}
