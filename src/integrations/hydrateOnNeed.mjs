// @ts-check
import { fileURLToPath } from 'node:url';

/**
 * Adds the `client:need` directive (src/scripts/hydrateOnNeed.mjs): the portal's and the
 * console's islands are hydrated at once for a signed-in device, at the first interaction for a
 * visitor. Astro inlines the directive's script in the pages that use it and adds its hash to
 * the pages' CSP.
 * @returns {import('astro').AstroIntegration}
 */
export default function hydrateOnNeed() {
  return {
    name: 'hearthline:hydrate-on-need',
    hooks: {
      'astro:config:setup': ({ addClientDirective }) => {
        addClientDirective({ name: 'need', entrypoint: fileURLToPath(new URL('../scripts/hydrateOnNeed.mjs', import.meta.url)) });
      },
    },
  };
}
