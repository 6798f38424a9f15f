import { defineCollection } from 'astro:content';
import { validatedGlob } from './content-loaders/validatedGlob';
import { Commitments } from './db/schema/commitments';
import { Results } from './db/schema/results';
import { PolicyFrontmatter, Utility } from './db/schema/siteContent';

// Content lives in /content (outside src) so that the committee's publishing flow and a
// utility's editors touch data files only. Every collection is validated by a valibot schema.
export const collections = {
  policies: defineCollection({
    loader: validatedGlob({ pattern: '**/*.md', base: './content/policies', schema: PolicyFrontmatter }),
  }),
  commitments: defineCollection({
    loader: validatedGlob({ pattern: '*.yaml', base: './content/commitments', schema: Commitments }),
  }),
  results: defineCollection({
    loader: validatedGlob({ pattern: '*.json', base: './content/results', schema: Results }),
  }),
  utility: defineCollection({
    loader: validatedGlob({ pattern: 'utility.yaml', base: './content', schema: Utility }),
  }),
};
