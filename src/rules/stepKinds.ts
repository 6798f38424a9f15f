import { KIND_OF_TYPE, type EventType } from '../db/schema/events/event';
import { APPOINTMENT_KINDS, type RequestKind } from '../db/schema/requestKind';

/**
 * Which staff steps belong to which kinds of request (issue 16 item 5: steps fit the kind). A
 * consultation, suggestion, praise or complaint is never dispatched nor visited; a temperature
 * test is measured, not diagnosed or repaired, and the resident signs its record (one pad on
 * the measurement form), not a separate completion. Its own module, free of the state fold, so
 * the fold (requestState.ts), the step rule (steps.ts), the write check and the database's
 * validate_doc_update (designDocs.ts) all read the same table.
 */

/** Kinds someone visits: they are dispatched, and their visit steps are recorded. */
export const VISIT_KINDS: readonly RequestKind[] = ['repair', 'temperature-test', ...APPOINTMENT_KINDS, 'emergency'];

/** The steps of a visit, and of a repair on site (a temperature test measures instead). */
const VISIT_TYPES: readonly EventType[] = ['dispatched', 'arrived', 'late-notice', 'nobody-home'];
const REPAIR_ON_SITE: readonly EventType[] = ['diagnosed', 'work-done'];

/** Whether staff may write `type` on requests of `kind` at all (the resident's own steps are their forms'). */
export function stepFitsKind(type: EventType, kind: RequestKind): boolean {
  const only = (KIND_OF_TYPE as Partial<Record<EventType, RequestKind>>)[type];
  if (only !== undefined) return only === kind; // the schema's own rule: a complaint step on a complaint
  if (VISIT_TYPES.includes(type)) return VISIT_KINDS.includes(kind);
  if (REPAIR_ON_SITE.includes(type)) return VISIT_KINDS.includes(kind) && kind !== 'temperature-test';
  // The resident signs a temperature test's record on the measurement form itself.
  if (type === 'signed-off') return kind !== 'temperature-test';
  return true;
}
