import * as v from 'valibot';
import { PhoneCodeRequest, describeAccountIssues, type AccountMessageId } from '../db/schema/accounts';
import type { FieldIssue, WriteForm } from './writeForm';

/** The account schema's issues (sign-up, a password reset, a code asked for) at their fields, in the user's words. */
export function accountIssues(issues: readonly v.BaseIssue<unknown>[], messages: Record<AccountMessageId, string>): FieldIssue[] {
  return describeAccountIssues(issues).issues.map((issue) => ({ path: issue.field, message: messages[issue.messageId] }));
}

/**
 * The account number and phone an SMS code is asked for (sign-up, password reset), checked here
 * first: the request, or null with the problems at their fields.
 */
export function codeRequestOf(write: WriteForm, messages: Record<AccountMessageId, string>, values: { accountNumber: string; phone: string }) {
  const parsed = v.safeParse(PhoneCodeRequest, { accountNumber: values.accountNumber, phone: values.phone });
  if (parsed.success) {
    write.show([]);
    return parsed.output;
  }
  write.refuse(accountIssues(parsed.issues, messages));
  return null;
}
