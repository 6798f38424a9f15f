import * as v from 'valibot';
import { AccountNumber, PlaceId } from './accounts';

/**
 * The staff's access to customers' personal data (domain.md, Privacy: "no staff member may look
 * at records outside their work"): every customer lookup, every phone shown in full (with the
 * reason given), every in-person confirmation at a hall and every refused attempt is one entry
 * in the `customer-access-log` database. The server writes them; managers read them
 * (GET /db/_account/access-log and the staff console).
 */

/** `photo-view`: a member of staff saw a resident's photo of a fault (its id in `note`; server/backend/photoAccess.mjs). */
export const ACCESS_ACTIONS = ['lookup', 'lookup-refused', 'reveal', 'reveal-refused', 'confirm', 'photo-view'] as const;
export type AccessAction = (typeof ACCESS_ACTIONS)[number];

/** Why a member of staff needs a phone in full. `other` needs a note. */
export const REVEAL_PURPOSES = ['callback', 'register-request', 'dispatch', 'identity-check', 'other'] as const;
export const RevealPurpose = v.picklist(REVEAL_PURPOSES, 'reveal.purpose.missing');
export type RevealPurpose = v.InferOutput<typeof RevealPurpose>;

export const MAX_REVEAL_NOTE = 200;

/** POST /db/_account/customers/reveal. */
export const RevealInput = v.pipe(
  v.object(
    {
      accountNumber: AccountNumber,
      purpose: RevealPurpose,
      note: v.optional(v.pipe(v.string('reveal.note.format'), v.trim(), v.maxLength(MAX_REVEAL_NOTE, 'reveal.note.format')), ''),
    },
    'signup.body.invalid',
  ),
  v.forward(
    v.check((input) => input.purpose !== 'other' || input.note !== '', 'reveal.note.required'),
    ['note'],
  ),
);
export type RevealInput = v.InferOutput<typeof RevealInput>;

export const AccessActor = v.object({
  name: v.pipe(v.string(), v.nonEmpty()),
  role: v.string(),
  station: v.optional(PlaceId),
});

export const AccessLogEntry = v.object({
  _id: v.string(),
  _rev: v.optional(v.string()),
  docType: v.literal('customer-access'),
  at: v.pipe(v.string(), v.isoTimestamp()),
  action: v.picklist(ACCESS_ACTIONS),
  actor: AccessActor,
  /** The digits searched for (lookups). */
  query: v.optional(v.string()),
  /** The account numbers shown (lookups, full views, confirmations). */
  accounts: v.array(AccountNumber),
  purpose: v.optional(RevealPurpose),
  note: v.optional(v.string()),
  /** Why an attempt was refused (role, scope, limit). */
  refused: v.optional(v.string()),
});
export type AccessLogEntry = v.InferOutput<typeof AccessLogEntry>;
