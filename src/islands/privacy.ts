/** What islands show of personal data (kept out of the page's first script: only "my account" needs it). */

/**
 * A phone number as every display shows it (000 §5.2: personal data is confidential): the
 * middle hidden, `138****5678`; a landline keeps its area code and last four, `010-****5678`.
 * Only the field where residents edit their own number shows it whole.
 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\s+/g, '');
  const mobile = /^(1\d{2})\d{4}(\d{4})$/.exec(digits);
  if (mobile) return `${mobile[1]}****${mobile[2]}`;
  const landline = /^(0\d{2,3})-?\d+(\d{4})$/.exec(digits);
  if (landline) return `${landline[1]}-****${landline[2]}`;
  // Anything else: keep at most the last four characters.
  return digits.length > 4 ? `****${digits.slice(-4)}` : '****';
}
