import * as v from 'valibot';
import {
  AreaM2,
  Bool,
  ClockTime,
  IsoDay,
  EventId,
  IsoInstant,
  Name,
  Phone,
  Reading,
  Score,
  Signature,
  StationId,
  UserName,
  View,
  list,
  literal,
  msg,
  obj,
  oneOf,
  text,
  variantMessage,
} from './fields';
import { PhotoList } from '../photos';
import { MAX_ADDRESS, MAX_CONTACT_TIMES, MAX_LABEL, MAX_PREFERRED_SLOTS, MAX_READINGS, MAX_ROOMS } from './limits';
import { CALLBACK_OUTCOMES, ESCALATION_LEVELS, REACHED_OUTCOMES } from '../vocabulary';

/**
 * The payload of each type of event. The envelope (who, when, which request) is in
 * event.ts; these say what happened. Lengths and ranges are bounded everywhere.
 */

// ---------------------------------------------------------------- submitted, per kind

/** How the request reached us: the resident's portal, a service hall, the hotline. */
export const SUBMISSION_CHANNELS = ['portal', 'hall', 'phone'] as const;
export const Contact = obj({ name: Name, phone: Phone });
export const Address = text(MAX_ADDRESS);

const submissionEntries = {
  channel: oneOf(SUBMISSION_CHANNELS),
  contact: Contact,
  address: Address,
};
/** Consultations, suggestions and praise need no address: a question about the season has none. */
const submissionEntriesNoAddress = { ...submissionEntries, address: v.optional(Address) };

export const ConsultationSubmission = obj({ ...submissionEntriesNoAddress, question: text() });

/** 000 §3.2: complainant (contact), time, place, target and demand. */
export const ComplaintSubmission = obj({
  ...submissionEntries,
  about: text(),
  happenedAt: v.optional(IsoInstant),
  place: text(MAX_ADDRESS),
  demand: text(),
  /** Photos of what is complained about (src/db/schema/photos.ts): their ids; each picture is a document of its own. */
  photos: v.optional(PhotoList),
});

export const REPAIR_FAULTS = ['radiator-not-warm', 'leak', 'building-without-heat', 'valve', 'other'] as const;
/** 000 §3.3: address, fault and contact. */
export const RepairSubmission = v.pipe(
  obj({
    ...submissionEntries,
    fault: oneOf(REPAIR_FAULTS),
    details: v.optional(text()),
    contactTimes: list(text(MAX_LABEL), 0, MAX_CONTACT_TIMES),
    photos: v.optional(PhotoList),
  }),
  v.forward(
    v.check((p) => p.fault !== 'other' || p.details !== undefined, msg('repair.details')),
    ['details'],
  ),
);

export const Room = obj({ name: Name, areaM2: AreaM2 });
export const Slot = v.pipe(
  obj({ date: IsoDay, from: ClockTime, to: ClockTime }),
  v.forward(
    v.check((s) => s.from < s.to, msg('time.order')),
    ['to'],
  ),
);
/** 002 ch.2: the resident applies; station staff then call and book one of these times. */
export const TemperatureTestSubmission = obj({
  ...submissionEntries,
  rooms: list(Room, 1, MAX_ROOMS),
  preferredSlots: list(Slot, 1, MAX_PREFERRED_SLOTS),
  photos: v.optional(PhotoList),
});

export const DAY_SLOTS = ['morning', 'afternoon'] as const;
/** In-home appointments (gas: installation, repair, safety inspection, meter reading) and appliance services. */
export const AppointmentSubmission = obj({
  ...submissionEntries,
  preferredDate: IsoDay,
  slot: oneOf(DAY_SLOTS),
  note: v.optional(text()),
});

export const SuggestionSubmission = obj({ ...submissionEntriesNoAddress, text: text() });
export const PraiseSubmission = obj({ ...submissionEntriesNoAddress, text: text(), staffName: v.optional(Name) });
/** Registered by staff only: a resident with a gas leak is sent to the emergency phone, never to a form. */
export const EmergencySubmission = obj({ ...submissionEntries, location: text(MAX_ADDRESS), description: text() });

export { APPOINTMENT_KINDS } from '../requestKind';

// ---------------------------------------------------------------- the life of a request

export const Accepted = obj({ note: v.optional(text()) });

export const Routed = v.pipe(
  obj({ toStation: v.optional(StationId), department: v.optional(Name), owner: v.optional(UserName) }),
  v.check((p) => p.toStation !== undefined || p.department !== undefined || p.owner !== undefined, msg('routed.target')),
);

/** The dispatch form (002 table 1): to whom, when, under whose supervision. */
export const Dispatched = obj({
  technician: UserName,
  technicianName: Name,
  visitAt: IsoInstant,
  supervisor: v.optional(Name),
});

/** On site. Early or late is computed against the visit time, never entered. */
export const Arrived = obj({});

/** 002 ch.2 §13: when late, phone the resident and re-book. */
export const LateNotice = obj({ newVisitAt: IsoInstant, reason: text() });

/** 002 ch.4 §11: nobody home: wait, leave a note (never on the door), re-book. */
export const NobodyHome = obj({ noteLeft: literal(true), newVisitAt: v.optional(IsoInstant) });

export const Diagnosed = obj({ finding: text() });

/** Large jobs move to paid service with the resident's consent (000 §3.3). */
export const WorkDone = obj({ summary: text(), paidService: v.optional(Bool) });

export const MeasuredRoom = obj({ name: Name, areaM2: AreaM2, readings: list(Reading, 1, MAX_READINGS) });
/**
 * A temperature-test record (室温检测记录单). The shape is checked here; whether the record is
 * valid (points per room, the resident's signature) is decided by temperatureTestOutcome.
 */
export const Measured = obj({ rooms: list(MeasuredRoom, 1, MAX_ROOMS), signature: v.optional(Signature) });

export const Resolved = obj({ summary: text() });

/** The resident signs the completion on the technician's device (000 §3.3). */
export const SignedOff = obj({ signature: Signature, satisfied: Bool, comment: v.optional(text()) });

export const Reopened = obj({ reason: text() });

export const REPLY_CHANNELS = ['phone', 'sms', 'email', 'portal'] as const;
/** 000 §3.1: reply by phone, SMS or e-mail (or in the portal). */
export const Reply = obj({ text: text(), channel: oneOf(REPLY_CHANNELS) });

export const Note = obj({ text: text() });

export { CALLBACK_OUTCOMES };
/**
 * A callback (回访, 001 §4): scores 1–10 for attitude and ability and the resident's view,
 * when the resident was reached; an unreachable resident gives no scores, so none are
 * recorded (they would distort the published means).
 */
export const Callback = v.variant(
  'outcome',
  [
    obj({
      outcome: oneOf(REACHED_OUTCOMES),
      attitude: Score,
      ability: Score,
      satisfaction: View,
      comment: v.optional(text()),
    }),
    // Not reached: when the next try is due (src/rules/callbacks.ts puts it inside the allowed hours).
    obj({ outcome: literal('unreachable', msg('value.oneOf')), nextTryAt: v.optional(IsoInstant), comment: v.optional(text()) }),
  ],
  variantMessage,
);

export const MAX_ESCALATION_LEVEL = ESCALATION_LEVELS;
export const Escalated = obj({
  level: v.pipe(
    v.number(msg('value.number')),
    v.integer(msg('number.level')),
    v.minValue(1, msg('number.level')),
    v.maxValue(MAX_ESCALATION_LEVEL, msg('number.level')),
  ),
});

/** The resident rates a visit: scores and a view on four points (001 §4, 004 §10, 003 §17). */
export const Rated = obj({
  visit: EventId,
  attitude: Score,
  ability: Score,
  view: obj({ attitude: View, skill: View, arrival: View, promises: View }),
});

export const Withdrawn = obj({ reason: v.optional(text()) });
export const Closed = obj({ summary: v.optional(text()) });

// ---------------------------------------------------------------- the complaint path (000 §3.2)

export const Assessed = obj({ holds: Bool, explanation: text() });
export const Responsible = obj({ department: Name, owner: Name });
export const Cause = obj({ cause: text(), personResponsible: Name });
export const RemedyProposed = obj({ remedy: text() });
export const RemedyApproved = obj({});
export const RemedyDone = obj({ summary: text() });
export const ResidentTold = obj({ channel: oneOf(REPLY_CHANNELS) });
export const Review = obj({ lessons: text() });
