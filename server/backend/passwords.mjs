// @ts-check
import { randomBytes } from 'node:crypto';

/** A random password: 18 bytes, base64url (24 characters). */
export function generatePassword() {
  return randomBytes(18).toString('base64url');
}
