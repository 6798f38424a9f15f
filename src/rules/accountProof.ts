/**
 * Whether a sign-up proves the account number (issue 17, finding 6): the phone typed is one the
 * utility has on file for that account in its customer register, or one a service hall
 * confirmed in person and still valid; the account is not closed. Pure: the register's
 * documents and the clock come in.
 *
 * With SMS configured, the server's `verifyPhone` hook also asks for the one-time code texted to
 * the phone (issue 19; it is sent only to a phone `phoneOnFile` accepts): this rule says which
 * phone may be proven, the code proves the person holds it.
 */

export interface RegisterFacts {
  readonly entry: {
    readonly accountNumber: string;
    readonly phones: readonly string[];
    readonly station: string;
    readonly community?: string | undefined;
    readonly active: boolean;
  } | null;
  readonly confirmations: readonly { readonly phone: string; readonly validUntil: string }[];
}

export type AccountProof =
  | { readonly proven: true; readonly station: string; readonly community: string; readonly by: 'register' | 'in-person' }
  | { readonly proven: false; readonly why: 'not-in-register' | 'closed' | 'phone-not-on-file' | 'community-elsewhere' };

/**
 * @param communitiesOf the ids of the communities a station serves
 * @param chosenCommunity the resident's pick, used when the register names no community
 */
export function proveAccount(
  facts: RegisterFacts,
  input: { readonly phone: string; readonly community: string },
  communitiesOf: (station: string) => readonly string[],
  now: Date,
): AccountProof {
  const { entry } = facts;
  if (!entry) return { proven: false, why: 'not-in-register' };
  if (!entry.active) return { proven: false, why: 'closed' };
  if (!phoneOnFile(facts, input.phone, now)) return { proven: false, why: 'phone-not-on-file' };
  const onFile = entry.phones.includes(input.phone);
  const community = entry.community ?? (communitiesOf(entry.station).includes(input.community) ? input.community : undefined);
  // The register knows the station but not the community, and the pick is another station's.
  if (community === undefined) return { proven: false, why: 'community-elsewhere' };
  return { proven: true, station: entry.station, community, by: onFile ? 'register' : 'in-person' };
}

/**
 * Whether the register holds `phone` for an open account: on file, or confirmed in person at a
 * hall and still valid. The phone an SMS code may be sent to at sign-up (issue 19).
 */
export function phoneOnFile(facts: RegisterFacts, phone: string, now: Date): boolean {
  const { entry } = facts;
  if (!entry || !entry.active) return false;
  return entry.phones.includes(phone) || facts.confirmations.some((c) => c.phone === phone && Date.parse(c.validUntil) > now.getTime());
}
