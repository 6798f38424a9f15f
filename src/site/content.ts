import { getCollection } from 'astro:content';
import type { Commitments } from '../db/schema/commitments';
import type { Results } from '../db/schema/results';
import type { PolicyFrontmatter, Utility } from '../db/schema/siteContent';
import type { Lang } from '../i18n';

/**
 * Typed access to the content collections. The loaders have already validated every entry
 * with its valibot schema (src/content.config.ts), so the casts here only restore the types
 * that Astro cannot infer from a non-Zod schema.
 */

export async function readUtility(): Promise<Utility> {
  const [entry] = await getCollection('utility');
  if (!entry) throw new Error('content/utility.yaml is missing');
  return entry.data as Utility;
}

export async function readCommitments(): Promise<Commitments[]> {
  const entries = await getCollection('commitments');
  return entries.map((e) => e.data as Commitments).sort((a, b) => b.year - a.year);
}

export async function readResults(): Promise<Results[]> {
  const entries = await getCollection('results');
  return entries.map((e) => e.data as Results).sort((a, b) => b.year - a.year);
}

export interface Policy extends PolicyFrontmatter {
  slug: string;
  lang: Lang;
  id: string;
}

export async function readPolicies(lang: Lang): Promise<Policy[]> {
  const entries = await getCollection('policies');
  return entries
    .filter((e) => e.id.startsWith(`${lang.toLowerCase()}/`))
    .map((e) => ({ ...(e.data as PolicyFrontmatter), slug: e.id.split('/')[1] ?? e.id, lang, id: e.id }))
    .sort((a, b) => a.order - b.order);
}

/**
 * The version of the privacy notice a resident accepts at sign-up: the date the notice was last
 * updated (its frontmatter), kept in their profile with the moment they accepted it.
 */
export async function privacyNoticeVersion(lang: Lang): Promise<string> {
  const privacy = (await readPolicies(lang)).find((p) => p.slug === 'privacy');
  if (!privacy) throw new Error(`content/policies/${lang}/privacy.md is missing: sign-up needs the privacy notice`);
  return String(privacy.updated);
}
