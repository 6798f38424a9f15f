import * as v from 'valibot';
// The profile's contact name and address fill the events' `contact.name` and `address`: same bounds.
import { MAX_ADDRESS, MAX_NAME } from './events/limits';
import { ACCOUNT_NUMBER_PATTERN, SLUG_PATTERN } from './vocabulary';

/**
 * Accounts: what a resident sends to sign up (POST /api/signup), the profile document the server
 * writes into the resident's database, and the station documents (operations database) that
 * say which communities each heating station serves (GET /api/communities).
 *
 * Every check carries a message id the interface translates (the English text is in
 * ACCOUNT_MESSAGES); the server answers 400 with { field, reason, messageId }.
 */

/** Message id → English reason. */
export const ACCOUNT_MESSAGES = {
  'signup.body.invalid': 'The request must be a JSON object.',
  'signup.accountNumber.format': 'The account number (户号) is 8 to 12 digits.',
  'signup.phone.format': 'The phone number must be a mainland China mobile number: 11 digits starting with 1.',
  'signup.password.short': 'The password needs at least 8 characters.',
  'signup.password.long': 'The password can have at most 128 characters.',
  'signup.password.format': 'The password must be text.',
  'signup.community.format': 'Choose your community from the list.',
  'signup.community.unknown': 'This community is not served by any of our heating stations.',
  'signup.consent.required': 'You must accept the privacy notice to create an account.',
  'signup.noticeVersion.format': 'The version of the privacy notice you accepted is missing.',
  'signup.received':
    'If the account number and phone match our records, your account is ready and you can sign in with the password you chose.',
  'signup.notConfirmed':
    'We could not confirm these details. Check the account number as printed on your heating bill and use the mobile number the utility has for you. If you already have an account, sign in instead.',
  'signup.tooMany': 'Too many sign-up attempts. Please try again in an hour, or visit a service hall.',
  'reveal.purpose.missing': 'Say why you need the full phone number.',
  'reveal.note.required': 'Describe the reason in a few words.',
  'reveal.note.format': 'The reason can have at most 200 characters.',
  'register.evidence.missing': 'Say what you checked: the heating bill, the contract or the ID card.',
  'register.account.unknown': 'This account number is not in the customer register (of your station). New accounts arrive with the next import from billing.',
  'register.account.closed': 'This account is closed in the customer register.',
  'register.phones.missing': 'At least one phone number is needed.',
  'register.phones.tooMany': 'At most 5 phone numbers per account.',
  'profile.contactName.format': `The contact name can have at most ${MAX_NAME} characters.`,
  'profile.address.format': `The address can have at most ${MAX_ADDRESS} characters.`,
  'profile.email.format': 'Enter an e-mail address like name@example.cn.',
  'profile.email.required': 'To be told by e-mail, enter your e-mail address.',
  'profile.channels.format': 'Choose SMS, e-mail or neither.',
  'profile.signedOut': 'Sign in again to change your account.',
  'profile.residentsOnly': 'Only residents have an account profile.',
  'phoneCode.format': 'The code is the 6 digits of the text message.',
  'phoneCode.required': 'Enter the 6-digit code we sent to this phone.',
  'phoneCode.sent':
    'If the account number and phone match our records, a 6-digit code is on its way to this phone. It is valid for 10 minutes.',
  'phoneCode.wait': 'A code was sent to this phone a moment ago. Please wait before asking for another.',
  'phoneCode.wrong': 'This code is wrong or has expired. Check the text message, or ask for a new code.',
  'phoneCode.locked': 'Too many wrong codes. Please wait before you try again, or visit a service hall.',
  'phoneCode.unavailable': 'Codes by text message are not available here. Please visit a service hall.',
  'passwordReset.done': 'Your password has been changed. Sign in with the new password.',
  'passwordReset.unavailable': 'Resetting a password by text message is not available here. Please visit a service hall or call the hotline.',
} as const;
export type AccountMessageId = keyof typeof ACCOUNT_MESSAGES;

/** 户号: 8–12 digits (spaces a resident copies from a bill are dropped). */
export const AccountNumber = v.pipe(
  v.string('signup.accountNumber.format'),
  v.transform((s) => s.replace(/\s+/g, '')),
  v.regex(ACCOUNT_NUMBER_PATTERN, 'signup.accountNumber.format'),
);

/** A mainland China mobile number, normalised to its 11 digits (+86, spaces and hyphens dropped). */
export const MainlandMobile = v.pipe(
  v.string('signup.phone.format'),
  v.transform((s) => s.replace(/[\s-]+/g, '').replace(/^(?:\+?86)(1\d{10})$/, '$1')),
  v.regex(/^1[3-9]\d{9}$/, 'signup.phone.format'),
);

/** The channels a message can go out by besides the app itself (issue 19): the resident chooses in "my account". */
export const NOTIFY_CHANNELS = ['sms', 'email'] as const;
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number];
/** What a resident who never chose is told by: SMS to the phone on file (the seeds answer "by phone, SMS or e-mail"). */
export const DEFAULT_RESIDENT_CHANNELS: readonly NotifyChannel[] = ['sms'];

/** An e-mail address: one @, no spaces, a dot in the domain; at most 254 characters (RFC 5321). */
export const EmailAddress = v.pipe(
  v.string('profile.email.format'),
  v.trim(),
  v.maxLength(254, 'profile.email.format'),
  v.regex(/^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/, 'profile.email.format'),
);

export const Password = v.pipe(
  v.string('signup.password.format'),
  v.minLength(8, 'signup.password.short'),
  v.maxLength(128, 'signup.password.long'),
);

/** The one-time code of a text message: 6 digits (spaces a resident types are dropped). */
export const PhoneCode = v.pipe(
  v.string('phoneCode.format'),
  v.transform((s) => s.replace(/\s+/g, '')),
  v.regex(/^\d{6}$/, 'phoneCode.format'),
);

/** Ids of stations and communities: lower-case words joined by hyphens (part of database names). */
export const PlaceId = v.pipe(v.string(), v.regex(SLUG_PATTERN), v.maxLength(40));

export const CommunityId = v.pipe(
  v.string('signup.community.format'),
  v.regex(SLUG_PATTERN, 'signup.community.format'),
  v.maxLength(40, 'signup.community.format'),
);

export const NoticeVersion = v.pipe(
  v.string('signup.noticeVersion.format'),
  v.trim(),
  v.regex(/^[\w.-]{1,40}$/, 'signup.noticeVersion.format'),
);

/** POST /api/signup. Unknown fields are dropped. */
export const SignupInput = v.object(
  {
    accountNumber: AccountNumber,
    phone: MainlandMobile,
    password: Password,
    community: CommunityId,
    consent: v.literal(true, 'signup.consent.required'),
    noticeVersion: NoticeVersion,
    /** The code sent to `phone` (POST /api/signup/code): required when the server sends texts. */
    phoneCode: v.optional(PhoneCode),
  },
  'signup.body.invalid',
);
export type SignupInput = v.InferOutput<typeof SignupInput>;

/** POST /api/signup/code and /api/password-reset/code: send a code to this phone for this account. */
export const PhoneCodeRequest = v.object({ accountNumber: AccountNumber, phone: MainlandMobile }, 'signup.body.invalid');
export type PhoneCodeRequest = v.InferOutput<typeof PhoneCodeRequest>;

/** POST /api/password-reset: a new password for the account, proven by the code sent to its phone. */
export const PasswordResetInput = v.object(
  { accountNumber: AccountNumber, phone: MainlandMobile, code: PhoneCode, password: Password },
  'signup.body.invalid',
);
export type PasswordResetInput = v.InferOutput<typeof PasswordResetInput>;

const IsoTimestamp = v.pipe(v.string(), v.isoTimestamp());

/** The resident's profile: one document, id 'profile', in the resident's own database. */
export const ProfileDoc = v.object({
  _id: v.literal('profile'),
  _rev: v.optional(v.string()),
  docType: v.literal('profile'),
  accountNumber: AccountNumber,
  phone: MainlandMobile,
  community: CommunityId,
  station: PlaceId,
  consentedAt: IsoTimestamp,
  noticeVersion: NoticeVersion,
  /** Who to ask for and where the home is: typed once in "my account", then filled into every form. */
  contactName: v.optional(v.pipe(v.string(), v.maxLength(MAX_NAME))),
  address: v.optional(v.pipe(v.string(), v.maxLength(MAX_ADDRESS))),
  /** Where messages go besides the app (absent: DEFAULT_RESIDENT_CHANNELS); [] is in-app only. */
  channels: v.optional(v.array(v.picklist(NOTIFY_CHANNELS))),
  email: v.optional(EmailAddress),
});
export type ProfileDoc = v.InferOutput<typeof ProfileDoc>;

export const Community = v.object({
  id: PlaceId,
  name: v.pipe(v.string(), v.trim(), v.nonEmpty(), v.maxLength(80)),
});
export type Community = v.InferOutput<typeof Community>;

/** A heating station and the communities it serves: operations database, id 'station:<id>'. */
export const StationDoc = v.object({
  _id: v.string(),
  _rev: v.optional(v.string()),
  docType: v.literal('station'),
  id: PlaceId,
  name: v.pipe(v.string(), v.trim(), v.nonEmpty(), v.maxLength(80)),
  communities: v.array(Community),
});
export type StationDoc = v.InferOutput<typeof StationDoc>;

/**
 * What a resident changes in "my account" (PUT /db/_account/profile): the phone the utility reaches
 * them on, and the contact name and address the forms start from. Blank clears a field.
 */
export const ProfileUpdate = v.pipe(
  v.strictObject(
    {
      phone: MainlandMobile,
      contactName: v.pipe(v.string('profile.contactName.format'), v.trim(), v.maxLength(MAX_NAME, 'profile.contactName.format')),
      address: v.pipe(v.string('profile.address.format'), v.trim(), v.maxLength(MAX_ADDRESS, 'profile.address.format')),
      /** How to be told besides the app (absent: unchanged; [] in-app only). */
      channels: v.optional(v.pipe(v.array(v.picklist(NOTIFY_CHANNELS, 'profile.channels.format'), 'profile.channels.format'), v.maxLength(NOTIFY_CHANNELS.length, 'profile.channels.format'))),
      /** '' clears it. */
      email: v.optional(v.union([v.literal(''), EmailAddress], 'profile.email.format')),
    },
    'signup.body.invalid',
  ),
  // E-mail chosen needs an address to send to: the issue at the address field.
  v.forward(
    v.check((u) => !u.channels?.includes('email') || Boolean(u.email), 'profile.email.required'),
    ['email'],
  ),
);
export type ProfileUpdate = v.InferOutput<typeof ProfileUpdate>;

/** The message of a field that is missing altogether. */
const MISSING_FIELD = {
  accountNumber: 'signup.accountNumber.format',
  phone: 'signup.phone.format',
  password: 'signup.password.short',
  community: 'signup.community.format',
  consent: 'signup.consent.required',
  noticeVersion: 'signup.noticeVersion.format',
  phoneCode: 'phoneCode.format',
  code: 'phoneCode.format',
} as const satisfies Record<keyof typeof SignupInput.entries | keyof typeof PasswordResetInput.entries, AccountMessageId>;

/**
 * The first issue of a failed parse as { field, messageId, reason } (field: dotted path, '' for
 * the whole body); every issue in `issues`.
 */
export function describeAccountIssues(issues: readonly v.BaseIssue<unknown>[]) {
  const all = issues.map((issue) => {
    const field = (issue.path ?? []).map((p) => String(p.key)).join('.');
    // A missing key is reported by the object (its message), not by the field's schema.
    const missing = issue.kind === 'schema' && issue.type === 'object' && issue.expected?.startsWith('"') && field in MISSING_FIELD;
    const messageId = (
      missing ? MISSING_FIELD[field as keyof typeof MISSING_FIELD] : issue.message in ACCOUNT_MESSAGES ? issue.message : 'signup.body.invalid'
    ) as AccountMessageId;
    return { field, messageId, reason: ACCOUNT_MESSAGES[messageId] };
  });
  return { ...all[0]!, issues: all };
}
