import * as v from 'valibot';
import { AccountNumber, CommunityId, MainlandMobile, PlaceId } from './accounts';

/**
 * The utility's customer register: which account numbers (户号) exist, the phones the utility
 * has on file for each, and the station that serves it. Loaded from the utility's billing data
 * with `npm run import` (rows `customer`, docs/import-format.md) into the `customer-register`
 * database, which only the server reads. Sign-up proves an account number with it: an account
 * is created only for a phone on file (or one a service hall confirmed in person).
 *
 * Two document types:
 *   register-entry          `account:<accountNumber>`, one per account, replaced by a later import
 *   register-confirmation   `confirmed:<accountNumber>:<phone>`, a phone a hall clerk confirmed
 *                           in person (bill and ID seen), valid for CONFIRMATION_DAYS; imports
 *                           never touch these
 */

/** How long a phone a hall confirmed in person may be used to sign up. */
export const CONFIRMATION_DAYS = 14;

/** The most phones one account keeps on file. */
export const MAX_PHONES = 5;

export const registerEntryId = (accountNumber: string) => `account:${accountNumber}`;
export const confirmationId = (accountNumber: string, phone: string) => `confirmed:${accountNumber}:${phone}`;

const IsoTimestamp = v.pipe(v.string(), v.isoTimestamp());

/** Where a register entry came from: the utility's system and its own key, and when it was loaded. */
export const RegisterSource = v.object({
  system: v.pipe(v.string(), v.nonEmpty(), v.maxLength(80)),
  key: v.optional(v.pipe(v.string(), v.maxLength(200))),
  importedAt: IsoTimestamp,
});

export const RegisterEntry = v.object({
  _id: v.string(),
  _rev: v.optional(v.string()),
  docType: v.literal('register-entry'),
  accountNumber: AccountNumber,
  /** The phones on file (normalised mainland mobiles): any one proves the account at sign-up. */
  phones: v.pipe(v.array(MainlandMobile), v.minLength(1, 'register.phones.missing'), v.maxLength(MAX_PHONES, 'register.phones.tooMany')),
  /** The station that serves the account: the profile's station, whatever community the resident picks. */
  station: PlaceId,
  /** The community, when the utility's data says it; else the resident's choice among the station's. */
  community: v.optional(CommunityId),
  /** false: the account was closed (moved out, transferred): no sign-up. */
  active: v.boolean(),
  source: RegisterSource,
});
export type RegisterEntry = v.InferOutput<typeof RegisterEntry>;

/** What a hall clerk saw to confirm the resident holds the account (000 §5.1: the customer archive). */
export const CONFIRMATION_EVIDENCE = ['bill', 'contract', 'id-card'] as const;
export const ConfirmationEvidence = v.picklist(CONFIRMATION_EVIDENCE, 'register.evidence.missing');

export const RegisterConfirmation = v.object({
  _id: v.string(),
  _rev: v.optional(v.string()),
  docType: v.literal('register-confirmation'),
  accountNumber: AccountNumber,
  phone: MainlandMobile,
  evidence: ConfirmationEvidence,
  confirmedAt: IsoTimestamp,
  validUntil: IsoTimestamp,
  confirmedBy: v.object({ name: v.pipe(v.string(), v.nonEmpty()), role: v.string(), station: v.optional(PlaceId) }),
});
export type RegisterConfirmation = v.InferOutput<typeof RegisterConfirmation>;

/** POST /db/_account/register/confirm: what the hall clerk types. */
export const ConfirmInPersonInput = v.object(
  {
    accountNumber: AccountNumber,
    phone: MainlandMobile,
    evidence: ConfirmationEvidence,
  },
  'signup.body.invalid',
);
export type ConfirmInPersonInput = v.InferOutput<typeof ConfirmInPersonInput>;

/** Phones in an import cell: separated by `;`, `,` or `|` (a CSV cell), or a JSON array (NDJSON). */
export function splitPhones(cell: unknown): unknown[] {
  if (Array.isArray(cell)) return cell;
  if (typeof cell !== 'string') return [];
  return cell.split(/[;,|]/).map((p) => p.trim()).filter((p) => p !== '');
}
