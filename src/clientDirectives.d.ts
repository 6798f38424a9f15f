// The site's own hydration directive (src/integrations/hydrateOnNeed.mjs), for the .astro pages' types.
import 'astro';

declare module 'astro' {
  interface AstroClientDirectives {
    'client:need'?: boolean;
  }
}
