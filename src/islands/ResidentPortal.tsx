import type { Lang, ResidentStrings } from '../i18n';
import Portal from './Portal';
import { readPageJson } from './pageData';

/** The id of the portal page's data block holding the residents' strings (src/pages/[...lang]/portal/index.astro). */
export const RESIDENT_STRINGS_ID = 'resident-strings';

/**
 * The portal page's island: the sign-in, then the resident's forms and requests (Portal's
 * resident area), with the strings read from the page's data block rather than serialised into
 * props (pageData.ts: 25 kB of props were revived on the main thread before the island ran).
 */
export default function ResidentPortal(props: { lang: Lang; noticeVersion: string; emergencyPhone: string; hotline: string }) {
  return (
    <Portal
      lang={props.lang}
      t={readPageJson<ResidentStrings>(RESIDENT_STRINGS_ID, props.lang)}
      area="resident"
      noticeVersion={props.noticeVersion}
      emergencyPhone={props.emergencyPhone}
      hotline={props.hotline}
    />
  );
}
