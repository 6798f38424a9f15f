import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { glob } from 'astro/loaders';
import type { Loader } from 'astro/loaders';
import * as v from 'valibot';
import { describeIssues } from './describeIssues';

/**
 * Astro 6's collection `schema` accepts Zod only, while every schema of this project is
 * valibot. This wraps Astro's own `glob()` loader and validates each entry with a valibot
 * schema instead, so content files are checked by the same kind of schema as the records,
 * and a mistake fails the build with the file, line and field.
 */
export function validatedGlob(options: {
  pattern: string;
  base: string;
  schema: v.GenericSchema;
}): Loader {
  const inner = glob({ pattern: options.pattern, base: options.base });
  return {
    name: 'hearthline-validated-glob',
    load: (context) =>
      inner.load({
        ...context,
        parseData: async ({ data, filePath }) => {
          const result = v.safeParse(options.schema, data);
          // The schema's output is the entry's data from here on.
          if (result.success) return result.output as typeof data;
          const file = filePath ?? '(unknown file)';
          const source = filePath ? readFileSync(filePath, 'utf8') : '';
          const shown = filePath ? relative(process.cwd(), filePath) : file;
          throw new Error(
            `Content does not match its schema:\n${describeIssues(result.issues, shown, source).join('\n')}`,
          );
        },
      }),
  };
}
