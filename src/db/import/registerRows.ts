import * as v from 'valibot';
import { RegisterEntry, registerEntryId, splitPhones } from '../schema/customerRegister';

/**
 * `customer` rows of `npm run import` (docs/import-format.md): the utility's customer register,
 * one account per row, from its billing system. Pure: a row in, the register entry or a reason
 * out. The entry's id is the account's, so a later import of the same account replaces it (the
 * phones on file change; in-person confirmations, kept apart, stay).
 */

export type CustomerRowResult = { readonly ok: true; readonly entry: RegisterEntry } | { readonly ok: false; readonly reason: string };

const FIELD_NAMES: Record<string, string> = { accountNumber: 'account', phones: 'phones', station: 'station', community: 'community', active: 'active' };

function active(x: unknown): boolean | undefined | 'bad' {
  if (x === undefined || x === '') return undefined;
  if (typeof x === 'boolean') return x;
  if (x === 'true' || x === '1' || x === 'yes') return true;
  if (x === 'false' || x === '0' || x === 'no') return false;
  return 'bad';
}

export function customerRowToEntry(row: Record<string, unknown>, ctx: { readonly system: string; readonly importedAt: string }): CustomerRowResult {
  const accountNumber = typeof row.account === 'number' ? String(row.account) : row.account;
  if (typeof accountNumber !== 'string' || accountNumber === '') return { ok: false, reason: 'account (the account number) is required' };
  const isActive = active(row.active);
  if (isActive === 'bad') return { ok: false, reason: 'active must be true or false' };
  const phones = splitPhones(row.phones ?? row.phone);
  const key = typeof row.key === 'string' && row.key !== '' ? row.key : undefined;
  const parsed = v.safeParse(RegisterEntry, {
    _id: registerEntryId(accountNumber.replace(/\s+/g, '')),
    docType: 'register-entry',
    accountNumber,
    phones,
    station: row.station,
    ...(typeof row.community === 'string' && row.community !== '' ? { community: row.community } : {}),
    active: isActive ?? true,
    source: { system: ctx.system, ...(key ? { key } : {}), importedAt: ctx.importedAt },
  });
  if (parsed.success) return { ok: true, entry: parsed.output };
  const reasons = parsed.issues.map((issue) => {
    const path = (issue.path ?? []).map((p) => String(p.key));
    const field = FIELD_NAMES[path[0] ?? ''] ?? path[0] ?? '';
    const where = path.length > 1 && path[0] === 'phones' ? `phones[${path[1]}]` : field;
    const message = {
      'signup.accountNumber.format': 'an account number is 8 to 12 digits',
      'signup.phone.format': 'not a mainland mobile number (11 digits starting with 1)',
      'register.phones.missing': 'at least one phone is needed',
      'register.phones.tooMany': 'at most 5 phones',
      'signup.community.format': 'a community id is lower-case words joined by hyphens',
    }[issue.message];
    return `${where}: ${message ?? (where === 'station' ? 'a station id is lower-case words joined by hyphens' : issue.message)}`;
  });
  return { ok: false, reason: reasons.join('; ') };
}

/** JSON with sorted keys: the same entry read back from the database, whatever its key order. */
function canonical(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonical).join(',')}]`;
  if (x && typeof x === 'object') {
    return `{${Object.keys(x)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((x as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(x);
}

/** Whether two entries say the same (the import time aside): a second import of the same file changes nothing. */
export function sameEntry(a: RegisterEntry, b: Record<string, unknown>): boolean {
  const strip = (e: Record<string, unknown>) => {
    const { _rev, source, ...rest } = e as Record<string, unknown> & { source?: { system?: unknown; key?: unknown } };
    return canonical({ ...rest, system: source?.system, key: source?.key });
  };
  return strip(a as unknown as Record<string, unknown>) === strip(b);
}
