import * as v from 'valibot';
import { PhoneCodeRequest, describeAccountIssues, type AccountMessageId } from '../db/schema/accounts';
import { fill } from '../i18n';
import type { FieldIssue, WriteForm } from './writeForm';

/**
 * A field left empty asks to be filled, by its label (the schema's message says what a
 * well-formed value looks like, which reads wrong when nothing was typed).
 */
export interface EmptyFields {
  readonly labels: Partial<Record<string, string>>;
  readonly values: Readonly<Record<string, unknown>>;
  /** The "please fill in {field}" template (t.session.required). */
  readonly required: string;
}

/** The account schema's issues (sign-up, a password reset, a code asked for) at their fields, in the user's words. */
export function accountIssues(issues: readonly v.BaseIssue<unknown>[], messages: Record<AccountMessageId, string>, empty?: EmptyFields): FieldIssue[] {
  return describeAccountIssues(issues).issues.map((issue) => {
    const label = empty?.labels[issue.field];
    const value = empty?.values[issue.field];
    const blank = label !== undefined && typeof value === 'string' && value.trim() === '';
    return { path: issue.field, message: blank ? fill(empty!.required, { field: label }) : messages[issue.messageId] };
  });
}

/**
 * The account number and phone an SMS code is asked for (sign-up, password reset), checked here
 * first: the request, or null with the problems at their fields.
 */
export function codeRequestOf(write: WriteForm, messages: Record<AccountMessageId, string>, values: { accountNumber: string; phone: string }, empty?: EmptyFields) {
  const parsed = v.safeParse(PhoneCodeRequest, { accountNumber: values.accountNumber, phone: values.phone });
  if (parsed.success) {
    write.show([]);
    return parsed.output;
  }
  write.refuse(accountIssues(parsed.issues, messages, empty));
  return null;
}
